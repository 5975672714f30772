package app_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/procure-app/procure/internal/app"
	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pgtest"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/testkit"
)

var june = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)

func at(t time.Time) func() time.Time { return func() time.Time { return t } }

func qty(s string) money.Quantity {
	q, err := money.ParseQuantity(s)
	if err != nil {
		panic(err)
	}
	return q
}

// world is a small organisation: Munich (EUR) with an office admin, two
// vendors, items, and contracts.
type world struct {
	url         string // the database's
	st          *store.Store
	a           *app.App
	muc, ber    int64
	office      procure.User
	paper, pens int64 // items
	acme, bolt  int64 // vendors
	cheap, pref int64 // contracts
}

func newWorld(t *testing.T) world {
	t.Helper()
	url := pgtest.URL(t)
	st := store.New(pgtest.PoolFor(t, url))
	w := world{url: url, st: st, a: app.New(st, at(june), time.UTC)}
	w.muc = testkit.MustLocation(t, st, "MUC", "EUR")
	w.ber = testkit.MustLocation(t, st, "BER", "EUR")
	w.office = testkit.MustUser(t, st, "office@example.test", testkit.Roles(procure.RoleOrderer), w.muc)
	w.paper = testkit.MustItem(t, st, "PAP-1", "Paper")
	w.pens = testkit.MustItem(t, st, "PEN-1", "Writing")
	w.acme = testkit.MustVendor(t, st, "Acme", procure.VendorApproved)
	w.bolt = testkit.MustVendor(t, st, "Bolt", procure.VendorApproved)
	// Acme: paper 5.00, from 100: 4.50; pens 1.00.
	w.cheap = testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-A", VendorID: w.acme, Status: procure.ContractActive,
		Prices: []procure.PriceValues{{SKU: "PAP-1", VendorSKU: "A-PAP", Tiers: testkit.Tiers("1", "5.00", "100", "4.50")},
			{SKU: "PEN-1", VendorSKU: "A-PEN", Tiers: testkit.Tiers("1", "1.00")}}})
	// Bolt: pens 1.20, preferred for Munich only.
	w.pref = testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-B", VendorID: w.bolt, Status: procure.ContractActive, Locations: []int64{w.muc},
		Prices: []procure.PriceValues{{SKU: "PEN-1", VendorSKU: "B-PEN", Tiers: testkit.Tiers("1", "1.20"), Preferred: true}}})
	return w
}

func TestSubmitIssuesOnePOPerVendor(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := t.Context()
	if _, err := w.st.AddToCart(ctx, w.office.ID, w.muc, w.paper, qty("95")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.AddToCart(ctx, w.office.ID, w.muc, w.pens, qty("10")); err != nil {
		t.Fatal(err)
	}
	oc := procure.OffContract{Description: "Standing desk", Unit: "each", EstPrice: 4_500_000, SuggestedVendorName: "Desks Inc", Reason: "Not in the catalogue"}
	if err := w.st.AddOffContractLine(ctx, w.office.ID, w.muc, qty("1"), oc); err != nil {
		t.Fatal(err)
	}
	res, err := w.a.SubmitRequest(ctx, w.office, w.muc, "key-0123456789abcdef", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Acme gets the paper, Bolt the pens (preferred), the desk waits.
	if len(res.POs) != 2 || res.POs[0] != "PO-2026-000001" || res.POs[1] != "PO-2026-000002" || res.OffContract != 1 || res.Duplicate {
		t.Fatalf("result %+v", res)
	}
	pos, _ := w.st.PurchaseOrders(ctx, procure.Scope{}, store.POFilter{})
	totals := map[string]string{}
	for _, po := range pos {
		full, _ := w.st.PurchaseOrderByID(ctx, procure.Scope{}, po.ID)
		totals[full.VendorName] = full.Total.String()
		if full.Status != procure.POIssued || full.IssuedAt == nil {
			t.Errorf("%s: %s", full.Number, full.Status)
		}
		for _, l := range full.Lines {
			if l.Resolution == nil || !l.Resolution.OnContract || len(l.Resolution.Options) == 0 {
				t.Errorf("%s line %d has no resolution record", full.Number, l.LineNo)
			}
		}
	}
	// 95 × 5.00 = 475.00 ; 10 × 1.20 = 12.00
	if totals["Acme"] != "475.00" || totals["Bolt"] != "12.00" {
		t.Errorf("totals %v", totals)
	}
	req, err := w.st.PurchaseRequestByID(ctx, w.office.OrderScope(), res.RequestID)
	if err != nil || len(req.Lines) != 3 || req.Lines[2].Status != procure.LinePending || req.Lines[0].Status != procure.LineOrdered {
		t.Fatalf("request %+v, %v", req, err)
	}
	// The request lists its lines in cart order: the two ordered at once
	// (they are the PO lines) with their POs, then the one procurement decides.
	for i, want := range []struct {
		no       int
		desc, po string
		status   procure.RequestLineStatus
		qty      string
	}{{1, "Item PAP-1", "PO-2026-000001", procure.LineOrdered, "95"}, {2, "Item PEN-1", "PO-2026-000002", procure.LineOrdered, "10"},
		{3, "Standing desk", "", procure.LinePending, "1"}} {
		l := req.Lines[i]
		if l.LineNo != want.no || l.Description != want.desc || l.PONumber != want.po || l.Status != want.status || l.Qty.String() != want.qty ||
			(l.POID != 0) != (want.po != "") {
			t.Errorf("line %d: %+v; want %+v", i+1, l, want)
		}
	}
	if list, err := w.st.PurchaseRequests(ctx, w.office.OrderScope(), store.RequestFilter{}); err != nil || len(list) != 1 ||
		len(list[0].Lines) != 3 || pendingLines(list[0]) != 1 {
		t.Errorf("request list %+v, %v; want one request of 3 lines, 1 pending", list, err)
	}
	// The paper line's record explains the tier hint and the pens' record who lost.
	pl, _ := w.st.PurchaseOrderByID(ctx, procure.Scope{}, req.Lines[0].POID)
	if pl.Lines[0].Resolution.Hint != "order 100 for 450.00 EUR instead of 95 for 475.00 EUR" {
		t.Errorf("hint %q", pl.Lines[0].Resolution.Hint)
	}
	if cart, _ := w.st.CartLines(ctx, w.office.ID, w.muc); len(cart) != 0 {
		t.Errorf("cart not emptied: %d", len(cart))
	}
	// Acme's contract has no cap; committed still counts spend.
	c, _ := w.st.ContractByID(ctx, w.cheap)
	if c.Committed.String() != "475.00" {
		t.Errorf("committed %s", c.Committed)
	}
	// Each PO's issue is audited against that PO (ids drawn before the POs
	// were written), with its number, in the submitting transaction.
	events, err := w.st.AuditEvents(ctx, store.AuditFilter{Action: "po.issue", Limit: 10})
	if err != nil || len(events) != 2 {
		t.Fatalf("po.issue events %+v, %v; want 2", events, err)
	}
	for _, e := range events {
		po, err := w.st.PurchaseOrderByID(ctx, procure.Scope{}, e.EntityID)
		if err != nil || e.Entity != "purchase_order" || e.After["number"] != po.Number || e.ActorID != w.office.ID {
			t.Errorf("event %+v names PO %+v, %v", e, po.Number, err)
		}
	}
}

// Migration 18 moved the lines ordered at once from request_lines into
// their PO lines; rolled back and applied again over a submitted request,
// the request reads the same each time.
func TestOrderedLinesMigrationKeepsRequests(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := t.Context()
	for _, it := range []struct {
		id  int64
		qty string
	}{{w.paper, "95"}, {w.pens, "10"}} {
		if _, err := w.st.AddToCart(ctx, w.office.ID, w.muc, it.id, qty(it.qty)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.st.AddOffContractLine(ctx, w.office.ID, w.muc, qty("1"), procure.OffContract{Description: "Desk", Unit: "each", Reason: "none"}); err != nil {
		t.Fatal(err)
	}
	res, err := w.a.SubmitRequest(ctx, w.office, w.muc, "key-migration-0001", nil)
	if err != nil {
		t.Fatal(err)
	}
	before, err := w.st.PurchaseRequestByID(ctx, procure.Scope{}, res.RequestID)
	if err != nil || len(before.Lines) != 3 {
		t.Fatalf("request %+v, %v", before, err)
	}
	m, err := store.OpenMigration(w.url)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ordered := func() (n int) {
		t.Helper()
		if err := w.st.Pool().QueryRow(ctx, `SELECT count(*) FROM request_lines WHERE status = 'ordered'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for { // back to version 17, before the move
		v, _, err := m.Version()
		if err != nil {
			t.Fatal(err)
		}
		if v == 17 {
			break
		}
		if err := m.Down(); err != nil {
			t.Fatal(err)
		}
	}
	w.st.Pool().Reset() // prepared statements name columns that went away
	if n := ordered(); n != 2 {
		t.Errorf("after rolling back: %d ordered request lines, want 2", n)
	}
	if err := m.Up(); err != nil {
		t.Fatal(err)
	}
	w.st.Pool().Reset()
	if n := ordered(); n != 0 {
		t.Errorf("after migrating again: %d ordered request lines, want 0", n)
	}
	after, err := w.st.PurchaseRequestByID(ctx, procure.Scope{}, res.RequestID)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%+v", after.Lines) != fmt.Sprintf("%+v", before.Lines) {
		t.Errorf("lines changed:\n%+v\n%+v", before.Lines, after.Lines)
	}
}

func TestSubmitTwiceWithOneKeyCreatesOneRequest(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := t.Context()
	if _, err := w.st.AddToCart(ctx, w.office.ID, w.muc, w.paper, qty("1")); err != nil {
		t.Fatal(err)
	}
	const key = "double-click-key-1234"
	var wg sync.WaitGroup
	results := make([]app.SubmitResult, 10)
	errs := make([]error, 10)
	for i := range 10 {
		wg.Go(func() { results[i], errs[i] = w.a.SubmitRequest(context.Background(), w.office, w.muc, key, nil) })
	}
	wg.Wait()
	fresh := 0
	for i := range 10 {
		if errs[i] != nil {
			t.Fatalf("submit %d: %v", i, errs[i])
		}
		if results[i].RequestID != results[0].RequestID {
			t.Errorf("submit %d made request %d, not %d", i, results[i].RequestID, results[0].RequestID)
		}
		if !results[i].Duplicate {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d submissions did work, want 1", fresh)
	}
	pos, _ := w.st.PurchaseOrders(ctx, procure.Scope{}, store.POFilter{})
	if len(pos) != 1 {
		t.Errorf("%d POs", len(pos))
	}
	// A retry of the old form, after the person started a new cart, answers
	// with the first request and leaves the new cart alone.
	if _, err := w.st.AddToCart(ctx, w.office.ID, w.muc, w.paper, qty("2")); err != nil {
		t.Fatal(err)
	}
	again, err := w.a.SubmitRequest(ctx, w.office, w.muc, key, nil)
	if err != nil || !again.Duplicate || again.RequestID != results[0].RequestID {
		t.Fatalf("retry: %+v, %v; want request %d again", again, err, results[0].RequestID)
	}
	cart, err := w.st.CartLines(ctx, w.office.ID, w.muc)
	if err != nil || len(cart) != 1 || cart[0].Qty != qty("2") {
		t.Errorf("the new cart after the retry: %+v, %v; want its one line of 2", cart, err)
	}
}

// A submission takes the cart it read: a line another tab adds while the
// submission runs stays in the cart for the next one, not deleted
// unordered at the submission's end.
func TestSubmissionLeavesLinesAddedMeanwhile(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := t.Context()
	if _, err := w.st.AddToCart(ctx, w.office.ID, w.muc, w.paper, qty("1")); err != nil {
		t.Fatal(err)
	}
	var taken []procure.CartLine
	err := w.st.InTx(ctx, func(tx *store.Tx) error {
		var b store.Batch
		b.TakeCart(w.office.ID, w.muc, &taken)
		if err := tx.Send(ctx, &b); err != nil {
			return err
		}
		// Another tab, its own transaction, committed before this one.
		_, err := w.st.AddToCart(ctx, w.office.ID, w.muc, w.pens, qty("3"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(taken) != 1 || taken[0].Item == nil || taken[0].Item.ID != w.paper {
		t.Errorf("taken: %+v, want the paper line", taken)
	}
	cart, err := w.st.CartLines(ctx, w.office.ID, w.muc)
	if err != nil || len(cart) != 1 || cart[0].Item == nil || cart[0].Item.ID != w.pens || cart[0].Qty != qty("3") {
		t.Errorf("cart after: %+v, %v; want the pens line added meanwhile", cart, err)
	}
}

func TestSubmitRefusals(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := t.Context()
	if _, err := w.a.SubmitRequest(ctx, w.office, w.muc, "empty-cart-key-00001", nil); procure.KindOf(err) != procure.KindInvalid {
		t.Errorf("empty cart: %v", err)
	}
	if _, err := w.a.SubmitRequest(ctx, w.office, w.ber, "other-location-key-01", nil); procure.KindOf(err) != procure.KindNotFound {
		t.Errorf("another location: %v", err)
	}
	if _, err := w.a.SubmitRequest(ctx, w.office, w.muc, "bad key!", nil); procure.KindOf(err) != procure.KindInvalid {
		t.Errorf("malformed key: %v", err)
	}
	// Nothing was written by the refusals.
	if reqs, _ := w.st.PurchaseRequests(ctx, procure.Scope{}, store.RequestFilter{}); len(reqs) != 0 {
		t.Errorf("%d requests after refusals", len(reqs))
	}
}

// TestCapNeverOverrun: 200 office admins submit at once, each needing 1 % of
// a preferred contract's cap, through two connection pools (two app
// instances). Exactly 100 fit; the rest fall to the next contract; the cap
// is never exceeded and committed equals the sum of the lines.
func TestCapNeverOverrun(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	st := store.New(pgtest.PoolFor(t, url))
	other := store.New(pgtest.PoolFor(t, url))
	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	testkit.MustItem(t, st, "TON-1", "Toner")
	capped := testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-CAP", VendorID: testkit.MustVendor(t, st, "Capped", procure.VendorApproved),
		Cap: "100.00", Status: procure.ContractActive, Prices: []procure.PriceValues{{SKU: "TON-1", Tiers: testkit.Tiers("1", "1.00"), Preferred: true}}})
	spare := testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-SPARE", VendorID: testkit.MustVendor(t, st, "Spare", procure.VendorApproved),
		Status: procure.ContractActive, Prices: []procure.PriceValues{{SKU: "TON-1", Tiers: testkit.Tiers("1", "1.30")}}})
	items, _ := st.ItemsBySKU(t.Context(), []string{"TON-1"})
	const n = 200
	users := make([]procure.User, n)
	for i := range users {
		users[i] = testkit.MustUser(t, st, fmt.Sprintf("office%03d@example.test", i), testkit.Roles(procure.RoleOrderer), muc)
		if _, err := st.AddToCart(t.Context(), users[i].ID, muc, items["TON-1"].ID, qty("1")); err != nil {
			t.Fatal(err)
		}
	}
	apps := []*app.App{app.New(st, at(june), time.UTC), app.New(other, at(june), time.UTC)}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = apps[i%2].SubmitRequest(context.Background(), users[i], muc, fmt.Sprintf("cap-race-key-%05d", i), nil)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("submit %d: %v", i, err)
		}
	}
	c, _ := st.ContractByID(t.Context(), capped)
	s, _ := st.ContractByID(t.Context(), spare)
	if c.Committed.String() != "100.00" {
		t.Errorf("capped contract committed %s, want exactly 100.00", c.Committed)
	}
	// 100 lines at 1.30 = 130.00
	if s.Committed.String() != "130.00" {
		t.Errorf("spare contract committed %s, want 130.00", s.Committed)
	}
	pool := pgtest.PoolFor(t, url)
	var lines int
	var sum string
	if err := pool.QueryRow(t.Context(), `SELECT count(*), COALESCE(sum(total), 0)::text FROM po_lines WHERE contract_id = $1`, capped).Scan(&lines, &sum); err != nil {
		t.Fatal(err)
	}
	if lines != 100 || sum != "100.000" {
		t.Errorf("capped contract carries %d lines summing %s, want 100 and 100.000", lines, sum)
	}
	var numbers int
	if err := pool.QueryRow(t.Context(), `SELECT count(DISTINCT number) FROM purchase_orders WHERE number LIKE 'PO-2026-%'`).Scan(&numbers); err != nil || numbers != n {
		t.Errorf("%d distinct PO numbers, want %d (%v)", numbers, n, err)
	}
}

func TestCapFallsBackToOffContract(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	ctx := t.Context()
	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	u := testkit.MustUser(t, st, "o@example.test", testkit.Roles(procure.RoleOrderer), muc)
	item := testkit.MustItem(t, st, "TON-1", "Toner")
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-CAP", VendorID: testkit.MustVendor(t, st, "Capped", procure.VendorApproved),
		Cap: "50.00", Status: procure.ContractActive, Prices: []procure.PriceValues{{SKU: "TON-1", Tiers: testkit.Tiers("1", "10.00")}}})
	a := app.New(st, at(june), time.UTC)
	if _, err := st.AddToCart(ctx, u.ID, muc, item, qty("6")); err != nil { // 60.00 > 50.00 cap
		t.Fatal(err)
	}
	res, err := a.SubmitRequest(ctx, u, muc, "fallback-key-0000001", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.POs) != 0 || res.OffContract != 1 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "waits for procurement") {
		t.Fatalf("result %+v", res)
	}
	pending, _ := st.PendingOffContract(ctx, 0, 100)
	if len(pending) != 1 || pending[0].Resolution == nil || !strings.Contains(pending[0].Resolution.Options[0].Reason, "cap left 50.00 EUR, line needs 60.00 EUR") {
		t.Fatalf("pending %+v", pending)
	}
}

func TestApproveRejectReceiveCancel(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := t.Context()
	proc := testkit.MustUser(t, w.st, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	if _, err := w.st.AddToCart(ctx, w.office.ID, w.muc, w.paper, qty("10")); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"Standing desk", "Plant"} {
		if err := w.st.AddOffContractLine(ctx, w.office.ID, w.muc, qty("2"), procure.OffContract{Description: d, Unit: "each", Reason: "needed"}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := w.a.SubmitRequest(ctx, w.office, w.muc, "approve-flow-key-0001", nil)
	if err != nil {
		t.Fatal(err)
	}
	pending, _ := w.st.PendingOffContract(ctx, 0, 100)
	if len(pending) != 2 {
		t.Fatalf("%d pending", len(pending))
	}
	// Approving from a blocked vendor is refused; from an approved one issues a PO.
	blocked := testkit.MustVendor(t, w.st, "Shady", procure.VendorBlocked)
	if _, err := w.a.ApproveOffContract(ctx, proc.ID, pending[0].ID, procure.ApprovalInput{VendorID: blocked, UnitPrice: "300"}); procure.FieldsOf(err)["vendor_id"] == "" {
		t.Errorf("blocked vendor: %v", err)
	}
	if _, err := w.a.ApproveOffContract(ctx, proc.ID, pending[0].ID, procure.ApprovalInput{VendorID: 999_999, UnitPrice: "10"}); procure.FieldsOf(err)["vendor_id"] == "" {
		t.Errorf("a vendor that does not exist: %v", err)
	}
	if _, err := w.a.ApproveOffContract(ctx, proc.ID, pending[0].ID, procure.ApprovalInput{VendorID: w.bolt, UnitPrice: "1e3"}); procure.FieldsOf(err)["unit_price"] == "" {
		t.Errorf("bad price: %v", err)
	}
	number, err := w.a.ApproveOffContract(ctx, proc.ID, pending[0].ID, procure.ApprovalInput{VendorID: w.bolt, UnitPrice: "349.90", Note: "ok"})
	if err != nil || number != "PO-2026-000002" {
		t.Fatalf("approve: %q %v", number, err)
	}
	if _, err := w.a.ApproveOffContract(ctx, proc.ID, pending[0].ID, procure.ApprovalInput{VendorID: w.bolt, UnitPrice: "1"}); procure.KindOf(err) != procure.KindConflict {
		t.Errorf("approving twice: %v", err)
	}
	if err := w.a.RejectOffContract(ctx, proc.ID, pending[1].ID, ""); procure.KindOf(err) != procure.KindInvalid {
		t.Errorf("reject without reason: %v", err)
	}
	unread := func() int {
		_, n, err := w.st.Viewer(ctx, proc.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := unread(); n != 1 { // one line of the request still waits
		t.Errorf("procurement has %d unread notifications after the first decision, want the request's 1", n)
	}
	if err := w.a.RejectOffContract(ctx, proc.ID, pending[1].ID, "Use the existing plants contract"); err != nil {
		t.Fatal(err)
	}
	if n := unread(); n != 0 {
		t.Errorf("procurement has %d unread notifications once nothing waits", n)
	}
	req, _ := w.st.PurchaseRequestByID(ctx, w.office.OrderScope(), res.RequestID)
	// Three lines still: the approved line's PO line is not listed again.
	if len(req.Lines) != 3 || req.Lines[0].LineNo != 1 || req.Lines[1].LineNo != 2 || req.Lines[2].LineNo != 3 {
		t.Fatalf("request lines after the decisions: %+v", req.Lines)
	}
	if req.Lines[1].Status != procure.LineApproved || req.Lines[1].PONumber != number || req.Lines[2].Status != procure.LineRejected ||
		req.Lines[2].DecisionNote != "Use the existing plants contract" {
		t.Errorf("request lines %+v", req.Lines)
	}
	// 2 × 349.90 = 699.80, cycle time from the original submit.
	approved, _ := w.st.PurchaseOrderByID(ctx, procure.Scope{}, req.Lines[1].POID)
	if approved.Total.String() != "699.80" || !approved.OffContract {
		t.Errorf("approved PO %+v", approved)
	}
	// Receiving: partial, then over-receipt refused, then the rest.
	paperPO, _ := w.st.PurchaseOrderByID(ctx, procure.Scope{}, req.Lines[0].POID)
	line := paperPO.Lines[0].ID
	if _, err := w.a.ReceiveGoods(ctx, w.office, paperPO.ID, "", map[int64]money.Quantity{line: qty("4")}, "first box"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.ReceiveGoods(ctx, w.office, paperPO.ID, "", map[int64]money.Quantity{line: qty("7")}, ""); !strings.Contains(procure.FieldsOf(err)[fmt.Sprintf("qty_%d", line)], "Only 6 each are still outstanding") {
		t.Errorf("over-receipt: %v", procure.FieldsOf(err))
	}
	if _, err := w.a.ReceiveGoods(ctx, w.office, paperPO.ID, "", map[int64]money.Quantity{line: qty("0.5")}, ""); procure.FieldsOf(err) == nil {
		t.Errorf("half a ream: %v", err)
	}
	po, _ := w.st.PurchaseOrderByID(ctx, procure.Scope{}, paperPO.ID)
	if po.Status != procure.POPartiallyReceived || po.Lines[0].Received != qty("4") {
		t.Errorf("after partial receipt: %s %s", po.Status, po.Lines[0].Received)
	}
	if err := w.a.CancelPO(ctx, w.office, paperPO.ID, "changed my mind"); procure.KindOf(err) != procure.KindConflict {
		t.Errorf("cancelling a received PO: %v", err)
	}
	// One receipt form sent eight times at once (a double click, a retry):
	// booked once, the others told it was recorded already.
	key := procure.NewFormKey()
	var wg sync.WaitGroup
	var booked, repeats atomic.Int32
	for range 8 {
		wg.Go(func() {
			repeated, err := w.a.ReceiveGoods(ctx, w.office, paperPO.ID, key, map[int64]money.Quantity{line: qty("5")}, "")
			switch {
			case err != nil:
				t.Error(err)
			case repeated:
				repeats.Add(1)
			default:
				booked.Add(1)
			}
		})
	}
	wg.Wait()
	if booked.Load() != 1 || repeats.Load() != 7 {
		t.Errorf("one receipt sent eight times: booked %d times, %d repeats", booked.Load(), repeats.Load())
	}
	if _, err := w.a.ReceiveGoods(ctx, w.office, paperPO.ID, "", map[int64]money.Quantity{line: qty("2")}, ""); !strings.Contains(procure.FieldsOf(err)[fmt.Sprintf("qty_%d", line)], "Only 1 each is still outstanding") {
		t.Errorf("over-receipt of the last one: %v", procure.FieldsOf(err))
	}
	if _, err := w.a.ReceiveGoods(ctx, w.office, paperPO.ID, "", map[int64]money.Quantity{line: qty("1")}, ""); err != nil {
		t.Fatal(err)
	}
	if po, _ := w.st.PurchaseOrderByID(ctx, procure.Scope{}, paperPO.ID); po.Status != procure.POReceived {
		t.Errorf("after full receipt: %s", po.Status)
	}
	// Another location's office admin cannot receive or even see it.
	other := testkit.MustUser(t, w.st, "north@example.test", testkit.Roles(procure.RoleOrderer), w.ber)
	if _, err := w.a.ReceiveGoods(ctx, other, approved.ID, "", map[int64]money.Quantity{approved.Lines[0].ID: qty("1")}, ""); procure.KindOf(err) != procure.KindNotFound {
		t.Errorf("foreign receipt: %v", err)
	}
	// Cancelling the untouched approved PO releases nothing (off-contract) and sticks.
	if err := w.a.CancelPO(ctx, w.office, approved.ID, "Bought elsewhere"); err != nil {
		t.Fatal(err)
	}
	if po, _ := w.st.PurchaseOrderByID(ctx, procure.Scope{}, approved.ID); po.Status != procure.POCancelled || po.CancelReason != "Bought elsewhere" {
		t.Errorf("cancelled PO %+v", po)
	}
	if err := w.a.CancelPO(ctx, w.office, approved.ID, "Twice"); procure.KindOf(err) != procure.KindConflict || !strings.Contains(procure.MessageOf(err), "was already cancelled") {
		t.Errorf("cancelling twice: %v", err)
	}
	if po, _ := w.st.PurchaseOrderByID(ctx, procure.Scope{}, approved.ID); po.CancelReason != "Bought elsewhere" {
		t.Errorf("a second cancellation changed the reason to %q", po.CancelReason)
	}
}

func TestCancelReleasesCap(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	ctx := t.Context()
	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	u := testkit.MustUser(t, st, "o@example.test", testkit.Roles(procure.RoleOrderer), muc)
	item := testkit.MustItem(t, st, "TON-1", "Toner")
	id := testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-CAP", VendorID: testkit.MustVendor(t, st, "Capped", procure.VendorApproved),
		Cap: "100.00", Status: procure.ContractActive, Prices: []procure.PriceValues{{SKU: "TON-1", Tiers: testkit.Tiers("1", "10.00")}}})
	a := app.New(st, at(june), time.UTC)
	_, _ = st.AddToCart(ctx, u.ID, muc, item, qty("7"))
	if _, err := a.SubmitRequest(ctx, u, muc, "cancel-release-key-01", nil); err != nil {
		t.Fatal(err)
	}
	pos, _ := st.PurchaseOrders(ctx, u.OrderScope(), store.POFilter{})
	if c, _ := st.ContractByID(ctx, id); c.Committed.String() != "70.00" {
		t.Fatalf("committed %s", c.Committed)
	}
	if err := a.CancelPO(ctx, u, pos[0].ID, "duplicate order"); err != nil {
		t.Fatal(err)
	}
	if c, _ := st.ContractByID(ctx, id); c.Committed.String() != "0.00" {
		t.Errorf("committed after cancel %s", c.Committed)
	}
	// The price row that the cancelled order used is still frozen.
	today := pricing.DateOf(june)
	rows, _ := st.PriceRows(ctx, id)
	if err := st.RemovePriceRow(ctx, 0, id, rows[0].ID); err == nil {
		t.Error("a used price row was removed")
	}
	_ = today
}

// TestUncappedCommittedUnderConcurrency: eight office admins order on the
// same uncapped contract at once and one order is cancelled; the sharded
// counter ends exactly at the live lines' sum.
func TestUncappedCommittedUnderConcurrency(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := t.Context()
	users := make([]procure.User, 40)
	for i := range users {
		users[i] = testkit.MustUser(t, w.st, fmt.Sprintf("office%d@example.test", i), testkit.Roles(procure.RoleOrderer), w.muc)
		if _, err := w.st.AddToCart(ctx, users[i].ID, w.muc, w.paper, qty("10")); err != nil {
			t.Fatal(err)
		}
	}
	results := make([]app.SubmitResult, len(users))
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Go(func() {
			res, err := w.a.SubmitRequest(ctx, u, w.muc, fmt.Sprintf("uncapped-key-%08d", i), nil)
			if err != nil {
				t.Error(err)
			}
			results[i] = res
		})
	}
	wg.Wait()
	// 40 × 10 × 5.00 = 2,000.00
	if c, _ := w.st.ContractByID(ctx, w.cheap); c.Committed.String() != "2000.00" {
		t.Fatalf("committed after 40 orders: %s, want 2000.00", c.Committed)
	}
	// Spread over the 32 shards: 40 draws all below 8 would be a 1 in 4^40 chance.
	var top int
	if err := pgtest.PoolFor(t, w.url).QueryRow(ctx, `SELECT max(shard) FROM contract_committed WHERE contract_id = $1`, w.cheap).Scan(&top); err != nil || top < 8 {
		t.Errorf("highest shard used %d (%v), want some of 8-31 used", top, err)
	}
	req, _ := w.st.PurchaseRequestByID(ctx, procure.Scope{}, results[3].RequestID)
	if err := w.a.CancelPO(ctx, users[3], req.Orders[0].ID, "ordered twice"); err != nil {
		t.Fatal(err)
	}
	if c, _ := w.st.ContractByID(ctx, w.cheap); c.Committed.String() != "1950.00" {
		t.Errorf("committed after a cancellation: %s, want 1950.00", c.Committed)
	}
}

func pendingLines(r procure.PurchaseRequest) int {
	n := 0
	for _, l := range r.Lines {
		if l.Status == procure.LinePending {
			n++
		}
	}
	return n
}
