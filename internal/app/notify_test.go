package app_test

import (
	"sync"
	"testing"
	"time"

	"github.com/procure-app/procure/internal/app"
	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/testkit"
)

// kinds counts a user's notifications by kind.
func kinds(t *testing.T, w world, userID int64) map[procure.NotificationKind]int {
	t.Helper()
	list, err := w.st.Notifications(t.Context(), userID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	out := map[procure.NotificationKind]int{}
	for _, n := range list {
		out[n.Kind]++
	}
	return out
}

// TestScheduledJobRunConcurrentlyNotifiesOnce runs the date-driven job on
// two "instances" at once, twice over: each event is told exactly once.
func TestScheduledJobRunConcurrentlyNotifiesOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := t.Context()
	proc := testkit.MustUser(t, w.st, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	proc2 := testkit.MustUser(t, w.st, "proc2@example.test", testkit.Roles(procure.RoleProcurement))
	// Ends 2026-06-20 (19 days after "today", 2026-06-01): renewal notice
	// (default 30 days) reached and ending within 30 days: two events.
	ending := testkit.MustContract(t, w.st, testkit.ContractSpec{Number: "C-END", VendorID: w.acme, Status: procure.ContractActive,
		Start: "2026-01-01", End: "2026-06-20", Prices: []procure.PriceValues{{SKU: "PAP-1", Tiers: testkit.Tiers("1", "5")}}})
	// Ends in 200 days: nothing yet.
	testkit.MustContract(t, w.st, testkit.ContractSpec{Number: "C-LATER", VendorID: w.acme, Status: procure.ContractActive,
		Start: "2026-01-01", End: "2026-12-18", Prices: []procure.PriceValues{{SKU: "PAP-1", Tiers: testkit.Tiers("1", "5")}}})
	// One milestone due today (to proc2), one next week (not yet).
	if _, err := w.st.AddMilestone(ctx, proc.ID, ending, procure.MilestoneValues{Due: pricing.MustDate("2026-06-01"), Description: "True-up", OwnerID: proc2.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.AddMilestone(ctx, proc.ID, ending, procure.MilestoneValues{Due: pricing.MustDate("2026-06-08"), Description: "Audit", OwnerID: proc2.ID}); err != nil {
		t.Fatal(err)
	}

	total := 0
	for round := range 2 {
		var wg sync.WaitGroup
		created := make([]int, 4)
		for i := range created {
			inst := app.New(w.st, at(june), time.UTC) // another instance
			wg.Go(func() {
				n, err := inst.RunScheduled(ctx)
				if err != nil {
					t.Error(err)
				}
				created[i] = n
			})
		}
		wg.Wait()
		for _, n := range created {
			total += n
		}
		if round == 0 && total == 0 {
			t.Fatal("no instance produced the notifications")
		}
	}
	// Renewal + ending to each of 2 procurement users = 4, milestone to its owner = 1.
	if total != 5 {
		t.Errorf("created %d notifications over all runs, want 5", total)
	}
	for _, u := range []procure.User{proc, proc2} {
		got := kinds(t, w, u.ID)
		if got[procure.NotifyRenewalNotice] != 1 || got[procure.NotifyContractEnding] != 1 {
			t.Errorf("%s: %v", u.Email, got)
		}
	}
	if got := kinds(t, w, proc2.ID); got[procure.NotifyMilestoneDue] != 1 {
		t.Errorf("milestone owner: %v", got)
	}
	if got := kinds(t, w, proc.ID); got[procure.NotifyMilestoneDue] != 0 {
		t.Errorf("a milestone went to someone who does not own it: %v", got)
	}
	if got := kinds(t, w, w.office.ID); len(got) != 0 {
		t.Errorf("the office admin was told about contracts: %v", got)
	}
	// A week later the second milestone falls due: one more, nothing repeated.
	later := app.New(w.st, at(june.AddDate(0, 0, 7)), time.UTC)
	if n, err := later.RunScheduled(ctx); err != nil || n != 1 {
		t.Errorf("a week later: %d, %v (want the audit milestone only)", n, err)
	}
}

// TestOrderingEventsNotify: an off-contract line waiting tells procurement,
// its decision tells the requester, caps passing 80 % and 100 % tell
// procurement and the contract's owner, an invoice exception tells finance.
func TestOrderingEventsNotify(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := t.Context()
	proc := testkit.MustUser(t, w.st, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	fin := testkit.MustUser(t, w.st, "fin@example.test", testkit.Roles(procure.RoleFinance))
	// A capped contract for a third item: 100.00 cap, 1.00 each.
	toner := testkit.MustItem(t, w.st, "TON-1", "Toner")
	capped := testkit.MustContract(t, w.st, testkit.ContractSpec{Number: "C-CAP", VendorID: w.acme, Status: procure.ContractActive, Cap: "100.00",
		Prices: []procure.PriceValues{{SKU: "TON-1", Tiers: testkit.Tiers("1", "1.00")}}})

	// 1: 79 toner (79 %, no cap event) and an off-contract desk.
	if _, err := w.st.AddToCart(ctx, w.office.ID, w.muc, toner, qty("79")); err != nil {
		t.Fatal(err)
	}
	if err := w.st.AddOffContractLine(ctx, w.office.ID, w.muc, qty("1"), procure.OffContract{Description: "Desk", Unit: "each", Reason: "none"}); err != nil {
		t.Fatal(err)
	}
	res, err := w.a.SubmitRequest(ctx, w.office, w.muc, "notify-key-000000001", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(t, w, proc.ID); got[procure.NotifyOffContractWaiting] != 1 || got[procure.NotifyCapThreshold] != 0 {
		t.Errorf("after the first order: %v", got)
	}
	// Dated by the app's clock (the demo replays months of events), not
	// the database's.
	if list, _ := w.st.Notifications(ctx, proc.ID, 0, 1); len(list) != 1 || !list[0].CreatedAt.Equal(w.a.Now()) {
		t.Errorf("the notifications %+v, the submission at %v", list, w.a.Now())
	}
	// 2: 2 more → 81 %: the 80 % event, once.
	for i, q := range []string{"2", "5", "14"} {
		if _, err := w.st.AddToCart(ctx, w.office.ID, w.muc, toner, qty(q)); err != nil {
			t.Fatal(err)
		}
		if _, err := w.a.SubmitRequest(ctx, w.office, w.muc, "notify-key-00000001"+string(rune('a'+i)), nil); err != nil {
			t.Fatal(err)
		}
	}
	// 79 + 2 + 5 + 14 = 100: 80 % passed once, 100 % reached once.
	list, _ := w.st.Notifications(ctx, proc.ID, 0, 100)
	var caps []string
	for _, n := range list {
		if n.Kind == procure.NotifyCapThreshold {
			caps = append(caps, n.Title)
		}
	}
	if len(caps) != 2 || caps[0] != "Contract C-CAP passed 100 % of its cap" || caps[1] != "Contract C-CAP passed 80 % of its cap" {
		t.Errorf("cap notifications %q", caps)
	}
	if c, _ := w.st.ContractByID(ctx, capped); c.Committed.String() != "100.00" {
		t.Errorf("committed %s", c.Committed)
	}

	// The desk is rejected: the requester hears, with the reason.
	req, _ := w.st.PurchaseRequestByID(ctx, procure.Scope{}, res.RequestID)
	var desk procure.RequestLine
	for _, l := range req.Lines {
		if l.Status == procure.LinePending {
			desk = l
		}
	}
	waitingRead := func() bool {
		list, _ := w.st.Notifications(ctx, proc.ID, 0, 100)
		for _, n := range list {
			if n.Kind == procure.NotifyOffContractWaiting {
				return n.ReadAt != nil
			}
		}
		t.Fatal("procurement has no waiting notification")
		return false
	}
	if waitingRead() {
		t.Errorf("the waiting notification is read before anyone decided")
	}
	if err := w.a.RejectOffContract(ctx, proc.ID, desk.ID, "Use the furniture contract"); err != nil {
		t.Fatal(err)
	}
	// Nothing of the request waits any more: procurement's notification
	// about it is settled.
	if !waitingRead() {
		t.Errorf("the waiting notification stays unread after its last line was decided")
	}
	mine, _ := w.st.Notifications(ctx, w.office.ID, 0, 10)
	if len(mine) != 1 || mine[0].Kind != procure.NotifyOffContractDecided || mine[0].Title != "Rejected: Desk" ||
		mine[0].Body != "Reason: Use the furniture contract" {
		t.Errorf("requester's notifications %+v", mine)
	}

	// An overpriced invoice for the first PO: finance is told.
	po, _ := w.st.PurchaseOrderByID(ctx, procure.Scope{}, req.Orders[0].ID)
	recv := map[int64]money.Quantity{po.Lines[0].ID: po.Lines[0].Qty}
	if _, err := w.a.ReceiveGoods(ctx, w.office, po.ID, "", recv, ""); err != nil {
		t.Fatal(err)
	}
	_, status, err := w.a.RecordInvoice(ctx, fin.ID, procure.InvoiceValues{VendorID: w.acme, Number: "INV-9", Date: pricing.MustDate("2026-06-01"),
		Currency: money.MustCurrency("EUR"), Lines: []procure.InvoiceLineValues{{POLineID: po.Lines[0].ID, Qty: po.Lines[0].Qty, UnitPrice: 20_000}}})
	if err != nil || status != procure.InvoiceException {
		t.Fatalf("invoice %s %v", status, err)
	}
	if got := kinds(t, w, fin.ID); got[procure.NotifyInvoiceException] != 1 {
		t.Errorf("finance: %v", got)
	}
	if got := kinds(t, w, proc.ID); got[procure.NotifyInvoiceException] != 0 {
		t.Errorf("procurement was told about an invoice: %v", got)
	}
}
