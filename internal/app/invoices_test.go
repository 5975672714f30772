package app_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/testkit"
)

// finWorld adds to world a vendor with a 2 % tolerance contract (Tolco:
// TOL-1 at 10.00, valid 2026), a GBP location and a finance user.
type finWorld struct {
	world
	tolco, tol int64 // vendor, contract
	tolItem    int64
	lon        int64
	finance    procure.User
}

var keyN atomic.Int64

func newFinWorld(t *testing.T) finWorld {
	t.Helper()
	w := finWorld{world: newWorld(t)}
	st := w.st
	w.tolItem = testkit.MustItem(t, st, "TOL-1", "Toner")
	w.tolco = testkit.MustVendor(t, st, "Tolco", procure.VendorApproved)
	w.tol = testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-T", VendorID: w.tolco, Status: procure.ContractActive,
		Tolerance: money.Percent(200), Prices: []procure.PriceValues{{SKU: "TOL-1", VendorSKU: "T-1", Tiers: testkit.Tiers("1", "10.00")}}})
	w.lon = testkit.MustLocation(t, st, "LON", "GBP")
	w.finance = testkit.MustUser(t, st, "finance@example.test", testkit.Roles(procure.RoleFinance))
	return w
}

// order submits one cart line at Munich and returns its PO line.
func (w finWorld) order(t *testing.T, item int64, q string) procure.POLine {
	t.Helper()
	ctx := t.Context()
	if _, err := w.st.AddToCart(ctx, w.office.ID, w.muc, item, qty(q)); err != nil {
		t.Fatal(err)
	}
	res, err := w.a.SubmitRequest(ctx, w.office, w.muc, fmt.Sprintf("invoice-test-key-%016d", keyN.Add(1)), nil)
	if err != nil || len(res.POs) != 1 {
		t.Fatalf("submit: %+v %v", res, err)
	}
	req, err := w.st.PurchaseRequestByID(ctx, procure.Scope{}, res.RequestID)
	if err != nil {
		t.Fatal(err)
	}
	po, err := w.st.PurchaseOrderByID(ctx, procure.Scope{}, req.Lines[0].POID)
	if err != nil {
		t.Fatal(err)
	}
	return po.Lines[0]
}

func (w finWorld) poOf(t *testing.T, line procure.POLine) procure.PurchaseOrder {
	t.Helper()
	pos, err := w.st.PurchaseOrders(t.Context(), procure.Scope{}, store.POFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, po := range pos {
		full, err := w.st.PurchaseOrderByID(t.Context(), procure.Scope{}, po.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range full.Lines {
			if l.ID == line.ID {
				return full
			}
		}
	}
	t.Fatalf("no PO has line %d", line.ID)
	return procure.PurchaseOrder{}
}

func (w finWorld) receive(t *testing.T, line procure.POLine, q string) {
	t.Helper()
	po := w.poOf(t, line)
	if _, err := w.a.ReceiveGoods(t.Context(), w.office, po.ID, "", map[int64]money.Quantity{line.ID: qty(q)}, ""); err != nil {
		t.Fatal(err)
	}
}

type invLine struct {
	poLine     int64
	desc       string
	qty, price string
}

func invoiceValues(vendor int64, number, date, currency string, lines ...invLine) procure.InvoiceValues {
	v := procure.InvoiceValues{VendorID: vendor, Number: number, Date: pricing.MustDate(date), Currency: money.MustCurrency(currency)}
	for _, l := range lines {
		p, err := money.ParseUnitPrice(l.price)
		if err != nil {
			panic(err)
		}
		v.Lines = append(v.Lines, procure.InvoiceLineValues{POLineID: l.poLine, Description: l.desc, Qty: qty(l.qty), UnitPrice: p})
	}
	return v
}

func (w finWorld) invoice(t *testing.T, v procure.InvoiceValues) procure.Invoice {
	t.Helper()
	id, _, err := w.a.RecordInvoice(t.Context(), w.finance.ID, v)
	if err != nil {
		t.Fatalf("record %s: %v", v.Number, err)
	}
	inv, err := w.st.InvoiceByID(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func TestInvoiceToleranceBoundary(t *testing.T) {
	t.Parallel()
	w := newFinWorld(t)
	line := w.order(t, w.tolItem, "100") // 100 × 10.00
	w.receive(t, line, "100")
	cases := []struct {
		number, price string
		status        string
		unitVar       string
		totalVar      string
	}{
		// 2 % of 10.00 is 0.20: 10.20 and 9.80 are exactly at the boundary.
		{"AT-OVER", "10.20", "matched", "0.2000", "20.00"},   // 100 × 10.20 = 1020.00 − 1000.00
		{"AT-UNDER", "9.80", "matched", "-0.2000", "-20.00"}, // 980.00 − 1000.00
		{"BEYOND-OVER", "10.2001", "exception", "0.2001", "20.01"},
		{"BEYOND-UNDER", "9.7999", "exception", "-0.2001", "-20.01"},
		{"EXACT", "10.00", "matched", "0.0000", "0.00"},
	}
	for _, c := range cases {
		// Each invoice bills 1 unit of the 100 received, so quantity never
		// interferes; the variance is per unit × 1 then, so use a fresh
		// line of 100 for the totals.
		l := w.order(t, w.tolItem, "100")
		w.receive(t, l, "100")
		inv := w.invoice(t, invoiceValues(w.tolco, c.number, "2026-06-10", "EUR", invLine{poLine: l.ID, qty: "100", price: c.price}))
		got := inv.Lines[0]
		if string(inv.Status) != c.status || got.Status != c.status || got.UnitVariance.Format(4) != c.unitVar || got.TotalVariance.String() != c.totalVar {
			t.Errorf("%s: invoice %s line %s unit %s total %s, want %s %s %s (%s)", c.number, inv.Status, got.Status,
				got.UnitVariance.Format(4), got.TotalVariance.String(), c.status, c.unitVar, c.totalVar, got.Explanation)
		}
		wantPrice := c.status == "exception"
		if slices.Contains(got.Exceptions, procure.ExceptionPrice) != wantPrice || got.BeyondTolerance != wantPrice {
			t.Errorf("%s: exceptions %v beyond %v", c.number, got.Exceptions, got.BeyondTolerance)
		}
		if got.ContractPrice.Format(2) != "10.00" || got.ContractNumber != "C-T" {
			t.Errorf("%s: contract price %s %s", c.number, got.ContractPrice.Format(2), got.ContractNumber)
		}
	}
}

func TestInvoiceQuantityAcrossPartialReceiptsAndInvoices(t *testing.T) {
	t.Parallel()
	w := newFinWorld(t)
	line := w.order(t, w.tolItem, "10")
	w.receive(t, line, "4")
	// 5 invoiced against 4 received: a quantity exception of 1.
	inv := w.invoice(t, invoiceValues(w.tolco, "Q-1", "2026-06-10", "EUR", invLine{poLine: line.ID, qty: "5", price: "10.00"}))
	if inv.Status != procure.InvoiceException || !slices.Equal(inv.Lines[0].Exceptions, []string{procure.ExceptionQuantity}) || inv.Lines[0].QtyVariance.String() != "1" {
		t.Fatalf("first invoice: %s %v qty var %s", inv.Status, inv.Lines[0].Exceptions, inv.Lines[0].QtyVariance)
	}
	// The rest arrives: 10 received. A second invoice of 5 makes 10 invoiced: matched.
	w.receive(t, line, "6")
	inv = w.invoice(t, invoiceValues(w.tolco, "Q-2", "2026-06-11", "EUR", invLine{poLine: line.ID, qty: "5", price: "10.00"}))
	if inv.Status != procure.InvoiceMatched {
		t.Fatalf("second invoice: %s %s", inv.Status, inv.Lines[0].Explanation)
	}
	// A third invoice of 1 goes beyond both received and ordered (11 > 10).
	inv = w.invoice(t, invoiceValues(w.tolco, "Q-3", "2026-06-12", "EUR", invLine{poLine: line.ID, qty: "1", price: "10.00"}))
	l := inv.Lines[0]
	if inv.Status != procure.InvoiceException || l.QtyVariance.String() != "1" || !slices.Contains(l.Exceptions, procure.ExceptionQuantity) {
		t.Fatalf("third invoice: %s %v %s", inv.Status, l.Exceptions, l.QtyVariance)
	}
	if want := "invoiced 11 in all against 10 received and 10 ordered"; !strings.Contains(l.Explanation, want) {
		t.Errorf("explanation %q lacks %q", l.Explanation, want)
	}
	// The same line twice on one invoice counts twice.
	line2 := w.order(t, w.tolItem, "10")
	w.receive(t, line2, "10")
	inv = w.invoice(t, invoiceValues(w.tolco, "Q-4", "2026-06-12", "EUR",
		invLine{poLine: line2.ID, qty: "6", price: "10.00"}, invLine{poLine: line2.ID, qty: "6", price: "10.00"}))
	if inv.Lines[0].Status != "matched" || inv.Lines[1].Status != "exception" || inv.Lines[1].QtyVariance.String() != "2" {
		t.Errorf("same line twice: %s / %s %s", inv.Lines[0].Status, inv.Lines[1].Status, inv.Lines[1].QtyVariance)
	}
}

func TestInvoiceDateAndNoPOExceptions(t *testing.T) {
	t.Parallel()
	w := newFinWorld(t)
	line := w.order(t, w.tolItem, "2")
	w.receive(t, line, "2")
	// C-T is valid through 2026-12-31; an invoice dated 2027-01-04 is outside.
	inv := w.invoice(t, invoiceValues(w.tolco, "D-1", "2027-01-04", "EUR",
		invLine{poLine: line.ID, qty: "2", price: "10.00"}, invLine{desc: "Freight", qty: "1", price: "9.90"}))
	if inv.Status != procure.InvoiceException {
		t.Fatalf("status %s", inv.Status)
	}
	if !slices.Equal(inv.Lines[0].Exceptions, []string{procure.ExceptionDate}) {
		t.Errorf("line 1 exceptions %v", inv.Lines[0].Exceptions)
	}
	if !slices.Equal(inv.Lines[1].Exceptions, []string{procure.ExceptionNoPO}) || inv.Lines[1].POLineID != 0 {
		t.Errorf("freight exceptions %v", inv.Lines[1].Exceptions)
	}
	// 2 × 10.00 + 1 × 9.90 = 29.90
	if inv.Total.String() != "29.90" {
		t.Errorf("total %s", inv.Total)
	}
	// Exactly on the last day is inside.
	line = w.order(t, w.tolItem, "1")
	w.receive(t, line, "1")
	inv = w.invoice(t, invoiceValues(w.tolco, "D-2", "2026-12-31", "EUR", invLine{poLine: line.ID, qty: "1", price: "10.00"}))
	if inv.Status != procure.InvoiceMatched {
		t.Errorf("last day: %s %v", inv.Status, inv.Lines[0].Exceptions)
	}
}

func TestInvoiceBadInputWritesNothing(t *testing.T) {
	t.Parallel()
	w := newFinWorld(t)
	line := w.order(t, w.tolItem, "2")
	w.receive(t, line, "2")
	acmeLine := w.order(t, w.paper, "1") // an Acme order
	w.invoice(t, invoiceValues(w.tolco, "DUP-1", "2026-06-10", "EUR", invLine{poLine: line.ID, qty: "1", price: "10.00"}))
	cases := []struct {
		name  string
		v     procure.InvoiceValues
		field string
	}{
		{"duplicate number", invoiceValues(w.tolco, "DUP-1", "2026-06-10", "EUR", invLine{poLine: line.ID, qty: "1", price: "10.00"}), "number"},
		{"another vendor's PO", invoiceValues(w.tolco, "X-2", "2026-06-10", "EUR", invLine{poLine: acmeLine.ID, qty: "1", price: "5.00"}), "qty_1"},
		{"another currency", invoiceValues(w.tolco, "X-3", "2026-06-10", "GBP", invLine{poLine: line.ID, qty: "1", price: "10.00"}), "currency"},
		{"unknown PO line", invoiceValues(w.tolco, "X-4", "2026-06-10", "EUR", invLine{poLine: 987654, qty: "1", price: "10.00"}), "qty_1"},
		{"unknown vendor", invoiceValues(987654, "X-5", "2026-06-10", "EUR", invLine{poLine: line.ID, qty: "1", price: "10.00"}), "vendor_id"},
		{"good line then bad line", invoiceValues(w.tolco, "X-6", "2026-06-10", "EUR",
			invLine{poLine: line.ID, qty: "1", price: "10.00"}, invLine{poLine: acmeLine.ID, qty: "1", price: "5.00"}), "qty_2"},
	}
	for _, c := range cases {
		_, _, err := w.a.RecordInvoice(t.Context(), w.finance.ID, c.v)
		if procure.KindOf(err) != procure.KindInvalid || procure.FieldsOf(err)[c.field] == "" {
			t.Errorf("%s: %v (fields %v)", c.name, err, procure.FieldsOf(err))
		}
	}
	list, err := w.st.Invoices(t.Context(), store.InvoiceFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("invoices after bad input: %d %v", len(list), err)
	}
	// The cancelled-order check: cancel Acme's unreceived PO, then invoice it.
	po := w.poOf(t, acmeLine)
	if err := w.a.CancelPO(t.Context(), w.office, po.ID, "not needed"); err != nil {
		t.Fatal(err)
	}
	acme := w.acme
	_, _, err = w.a.RecordInvoice(t.Context(), w.finance.ID, invoiceValues(acme, "X-7", "2026-06-10", "EUR", invLine{poLine: acmeLine.ID, qty: "1", price: "5.00"}))
	if procure.KindOf(err) != procure.KindInvalid {
		t.Errorf("cancelled PO invoiced: %v", err)
	}
}

func TestInvoiceParseRefusesBadNumbers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ qty, price, field string }{
		{"1e3", "10.00", "qty_1"}, {"-1", "10.00", "qty_1"}, {"0", "10.00", "qty_1"}, {"1.0001", "10.00", "qty_1"},
		{"1", "NaN", "unit_price_1"}, {"1", "1,000.00", "unit_price_1"}, {"1", "10.00001", "unit_price_1"}, {"1", "999999999999999", "unit_price_1"},
	} {
		in := procure.InvoiceInput{VendorID: 1, Number: "N", Date: "2026-06-01", Currency: "EUR",
			Lines: []procure.InvoiceLineInput{{POLineID: 5, Qty: c.qty, UnitPrice: c.price}}}
		_, err := in.Parse()
		if procure.FieldsOf(err)[c.field] == "" {
			t.Errorf("qty %q price %q: %v", c.qty, c.price, err)
		}
	}
}

func TestResolveInvoice(t *testing.T) {
	t.Parallel()
	w := newFinWorld(t)
	ctx := t.Context()
	line := w.order(t, w.tolItem, "10")
	w.receive(t, line, "10")
	inv := w.invoice(t, invoiceValues(w.tolco, "R-1", "2026-06-10", "EUR", invLine{poLine: line.ID, qty: "10", price: "11.00"}))
	if inv.Status != procure.InvoiceException {
		t.Fatalf("status %s", inv.Status)
	}
	unread := func() int {
		_, n, err := w.st.Viewer(ctx, w.finance.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := unread(); n != 1 {
		t.Fatalf("finance has %d unread notifications about the exception, want 1", n)
	}
	// Accepting a variance needs a comment.
	err := w.st.ResolveInvoice(ctx, w.finance.ID, inv.ID, inv.Version, procure.InvoiceApproved, "")
	if procure.KindOf(err) != procure.KindInvalid {
		t.Fatalf("approve without note: %v", err)
	}
	if err := w.st.ResolveInvoice(ctx, w.finance.ID, inv.ID, inv.Version, procure.InvoiceApproved, "Price rise agreed by phone"); err != nil {
		t.Fatal(err)
	}
	if n := unread(); n != 0 { // decided: the notification asks nothing more
		t.Errorf("finance has %d unread notifications after accepting the variance", n)
	}
	// A second click with the old version is a conflict, not a second approval.
	err = w.st.ResolveInvoice(ctx, w.finance.ID, inv.ID, inv.Version, procure.InvoiceApproved, "again")
	if procure.KindOf(err) != procure.KindConflict {
		t.Fatalf("stale approve: %v", err)
	}
	got, _ := w.st.InvoiceByID(ctx, inv.ID)
	if got.Status != procure.InvoiceApproved || got.ResolutionNote != "Price rise agreed by phone" || got.ResolvedBy == "" {
		t.Fatalf("after approve %+v", got)
	}
	// An approved invoice cannot be disputed.
	if err := w.st.ResolveInvoice(ctx, w.finance.ID, inv.ID, got.Version, procure.InvoiceDisputed, "x"); procure.KindOf(err) != procure.KindConflict {
		t.Fatalf("dispute approved: %v", err)
	}
	// Dispute, then settle: a disputed invoice can be approved with a note.
	inv2 := w.invoice(t, invoiceValues(w.tolco, "R-2", "2026-06-10", "EUR", invLine{desc: "Handling fee", qty: "1", price: "15.00"}))
	if err := w.st.ResolveInvoice(ctx, w.finance.ID, inv2.ID, inv2.Version, procure.InvoiceDisputed, ""); procure.KindOf(err) != procure.KindInvalid {
		t.Fatalf("dispute without reason: %v", err)
	}
	if err := w.st.ResolveInvoice(ctx, w.finance.ID, inv2.ID, inv2.Version, procure.InvoiceDisputed, "No handling fee in the contract"); err != nil {
		t.Fatal(err)
	}
	got2, _ := w.st.InvoiceByID(ctx, inv2.ID)
	if err := w.st.ResolveInvoice(ctx, w.finance.ID, inv2.ID, got2.Version, procure.InvoiceApproved, "Vendor showed the signed quote"); err != nil {
		t.Fatal(err)
	}
	// Both are ready for payment; the audit log has every step.
	var paid []string
	if err := w.st.ApprovedForPayment(ctx, func(inv procure.Invoice) error { paid = append(paid, inv.Number+" "+inv.Total.String()); return nil }); err != nil {
		t.Fatal(err)
	}
	// 10 × 11.00 = 110.00; R-2: 15.00
	if !slices.Equal(paid, []string{"R-1 110.00", "R-2 15.00"}) {
		t.Errorf("for payment %v", paid)
	}
	events, err := w.st.AuditEvents(ctx, store.AuditFilter{Entity: "invoice", EntityID: inv2.ID, Limit: 10})
	if err != nil || len(events) != 3 {
		t.Errorf("audit events %d %v", len(events), err)
	}
}

func TestConcurrentInvoicesOfOneLineCannotBothMatch(t *testing.T) {
	t.Parallel()
	w := newFinWorld(t)
	line := w.order(t, w.tolItem, "10")
	w.receive(t, line, "10")
	var wg sync.WaitGroup
	statuses := make([]procure.InvoiceStatus, 4)
	errs := make([]error, 4)
	for i := range 4 {
		wg.Go(func() {
			_, statuses[i], errs[i] = w.a.RecordInvoice(t.Context(), w.finance.ID,
				invoiceValues(w.tolco, fmt.Sprintf("C-%d", i), "2026-06-10", "EUR", invLine{poLine: line.ID, qty: "10", price: "10.00"}))
		})
	}
	wg.Wait()
	matched := 0
	for i := range 4 {
		if errs[i] != nil {
			t.Fatalf("invoice %d: %v", i, errs[i])
		}
		if statuses[i] == procure.InvoiceMatched {
			matched++
		}
	}
	// Only one invoice can take the 10 received; the others are over-invoicing.
	if matched != 1 {
		t.Fatalf("%d of 4 concurrent invoices matched: %v", matched, statuses)
	}
}

func TestImportInvoicesAllOrNothing(t *testing.T) {
	t.Parallel()
	w := newFinWorld(t)
	ctx := t.Context()
	line := w.order(t, w.tolItem, "10")
	w.receive(t, line, "10")
	po := w.poOf(t, line)
	bad := "vendor,invoice_number,invoice_date,currency,po_number,po_line,description,qty,unit_price\n" +
		"Tolco,T-100,2026-06-10,EUR," + po.Number + ",1,,4,10.00\n" + // good
		"Tolco,T-100,2026-06-10,EUR,,,Freight,1,=HYPERLINK(\"x\")\n" + // a price that is not a number
		"Nobody Ltd,N-1,2026-06-10,EUR," + po.Number + ",1,,1,10.00\n" + // unknown vendor
		"Tolco,T-101,2026-06-10,EUR," + po.Number + ",9,,1,10.00\n" // no line 9
	recorded, _, problems, err := w.a.ImportInvoices(ctx, w.finance.ID, []byte(bad))
	if procure.KindOf(err) != procure.KindInvalid || recorded != 0 {
		t.Fatalf("bad import: %d %v", recorded, err)
	}
	var lines []int
	for _, p := range problems {
		lines = append(lines, p.Line)
	}
	if !slices.Equal(lines, []int{3}) {
		// The parse stage stops at its own problems first.
		t.Fatalf("problem lines %v (%v)", lines, problems)
	}
	// With the price fixed, the lookups run: unknown vendor and PO line.
	fixed := strings.Replace(bad, `=HYPERLINK("x")`, "9.90", 1)
	_, _, problems, err = w.a.ImportInvoices(ctx, w.finance.ID, []byte(fixed))
	lines = nil
	for _, p := range problems {
		lines = append(lines, p.Line)
	}
	if procure.KindOf(err) != procure.KindInvalid || !slices.Equal(lines, []int{4, 5}) {
		t.Fatalf("lookup problems %v %v", problems, err)
	}
	if list, _ := w.st.Invoices(ctx, store.InvoiceFilter{}); len(list) != 0 {
		t.Fatalf("a failed import wrote %d invoices", len(list))
	}
	// A NUL character (which Postgres refuses in text) is a problem on its
	// line, not a database error.
	withNUL := strings.Replace(fixed, "Freight", "Frei\x00ght", 1)
	if _, _, problems, err = w.a.ImportInvoices(ctx, w.finance.ID, []byte(withNUL)); procure.KindOf(err) != procure.KindInvalid ||
		len(problems) != 1 || problems[0].Line != 3 || !strings.Contains(problems[0].Message, "NUL") {
		t.Fatalf("NUL: %v %v", problems, err)
	}
	good := "vendor,invoice_number,invoice_date,currency,po_number,po_line,description,qty,unit_price\n" +
		"Tolco,T-100,2026-06-10,EUR," + po.Number + ",1,,4,10.00\n" +
		"Tolco,T-100,2026-06-10,EUR,,,Freight,1,9.90\n" +
		"Tolco,T-101,2026-06-11,EUR," + po.Number + ",1,,6,10.00\n"
	recorded, exceptions, problems, err := w.a.ImportInvoices(ctx, w.finance.ID, []byte(good))
	if err != nil || recorded != 2 || exceptions != 1 || len(problems) != 0 {
		t.Fatalf("good import: %d %d %v %v", recorded, exceptions, problems, err)
	}
	// Importing it again: every invoice is a duplicate, nothing written.
	_, _, problems, err = w.a.ImportInvoices(ctx, w.finance.ID, []byte(good))
	if procure.KindOf(err) != procure.KindInvalid || len(problems) != 2 || problems[0].Column != "invoice_number" {
		t.Fatalf("re-import: %v %v", problems, err)
	}
	if list, _ := w.st.Invoices(ctx, store.InvoiceFilter{}); len(list) != 2 {
		t.Fatalf("after re-import %d invoices", len(list))
	}
}

// The monthly sums behind the drift report follow every invoice recorded,
// the second of a month adding to the first's row, and invoice lines
// cannot be changed behind them.
func TestMonthlySumsFollowInvoices(t *testing.T) {
	t.Parallel()
	w := newFinWorld(t)
	ctx := t.Context()
	line := w.order(t, w.tolItem, "10")
	w.receive(t, line, "10")
	w.invoice(t, invoiceValues(w.tolco, "M-1", "2026-06-10", "EUR", invLine{poLine: line.ID, qty: "4", price: "10.00"}))
	w.invoice(t, invoiceValues(w.tolco, "M-2", "2026-06-20", "EUR", invLine{poLine: line.ID, qty: "6", price: "10.20"}))
	june := procure.ReportFilter{Period: procure.Period{Preset: procure.PeriodCustom, From: pricing.MustDate("2026-06-01"), To: pricing.MustDate("2026-06-30")}}
	var got []string
	if _, err := w.st.Drift(ctx, june, 0, func(d procure.DriftRow) error {
		got = append(got, fmt.Sprintf("%s lo=%s hi=%s qty=%s cost=%s lines=%d", d.SKU, d.Lowest.Format(2), d.Highest.Format(2), d.Qty, d.Cost, d.Locations[0].Lines))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// 40.00 + 61.20 − 10.00 × 10 = 1.20, over two lines.
	if want := "TOL-1 lo=10.00 hi=10.20 qty=10 cost=1.20 lines=2"; len(got) != 1 || got[0] != want {
		t.Errorf("drift %v, want %s", got, want)
	}
	for _, sql := range []string{`UPDATE invoice_lines SET unit_price = 1`, `DELETE FROM invoice_lines`} {
		if _, err := w.st.Pool().Exec(ctx, sql); err == nil || !strings.Contains(err.Error(), "immutable") {
			t.Errorf("%s: %v", sql, err)
		}
	}
}

// A PO line's copies of its PO's location and vendor are checked against
// the PO by the database: a line that disagrees cannot be written.
func TestPOLineCannotDisagreeWithItsPO(t *testing.T) {
	t.Parallel()
	w := newFinWorld(t)
	line := w.order(t, w.tolItem, "10")
	copyLine := `
		INSERT INTO po_lines (po_id, line_no, item_id, description, unit, vendor_sku, qty, unit_price, total, contract_id, price_id, tier_min,
		                      resolution, category, location_id, vendor_id, currency, ordered_at)
		SELECT po_id, 99, item_id, description, unit, vendor_sku, qty, unit_price, total, contract_id, price_id, tier_min,
		       resolution, category, location_id + $2, vendor_id + $3, currency, ordered_at
		FROM po_lines WHERE id = $1`
	for _, tc := range []struct {
		name        string
		dLoc, dVend int64
		ok          bool
	}{{"another location", 1, 0, false}, {"another vendor", 0, 1, false}} {
		_, err := w.st.Pool().Exec(t.Context(), copyLine, line.ID, tc.dLoc, tc.dVend)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if _, err := w.st.Pool().Exec(t.Context(), copyLine, line.ID, 0, 0); err != nil {
		t.Errorf("a line that agrees with its PO: %v", err)
	}
}
