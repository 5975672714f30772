package demo_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/procure-app/procure/internal/demo"
	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pgtest"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/testkit"
)

func TestSeedIsCompleteAndIdempotent(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	hasher, _ := testkit.Hasher(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for range 2 {
		if err := demo.Seed(t.Context(), st, hasher, log, pricing.DateOf(time.Now())); err != nil {
			t.Fatal(err)
		}
	}
	users, err := st.Users(t.Context())
	if err != nil || len(users) != len(demo.Users) {
		t.Fatalf("%d users, %v", len(users), err)
	}
	locs, _ := st.Locations(t.Context(), procure.Scope{})
	currencies := map[string]bool{}
	for _, l := range locs {
		currencies[l.Currency.Code()] = true
	}
	if len(locs) < 3 || len(currencies) < 2 {
		t.Errorf("%d locations in %d currencies", len(locs), len(currencies))
	}
	office, _, _ := st.UserCredentials(t.Context(), "office@demo.test")
	if len(office.Locations) != 2 {
		t.Errorf("office@demo.test has %d locations, want 2", len(office.Locations))
	}
	roles := map[procure.Role]bool{}
	for _, u := range users {
		for _, r := range u.Roles {
			roles[r] = true
		}
	}
	if len(roles) != len(procure.AllRoles) {
		t.Errorf("roles covered: %v", roles)
	}
}

// TestSeedActivityFeedsTheReports checks the replayed quarter: orders,
// receipts, invoices with exceptions, drift between sites.
func TestSeedActivityFeedsTheReports(t *testing.T) {
	t.Parallel()
	st, today := seeded(t)
	invoices, err := st.Invoices(t.Context(), store.InvoiceFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[procure.InvoiceStatus]int{}
	for _, inv := range invoices {
		statuses[inv.Status]++
	}
	for _, s := range procure.InvoiceStatuses {
		if statuses[s] == 0 {
			t.Errorf("no %s invoice in the demo: %v", s, statuses)
		}
	}
	f := procure.ReportFilter{Period: procure.Period{From: today.AddDays(-120), To: today}, Today: today}
	drift := 0
	if _, err := st.Drift(t.Context(), f, 0, func(procure.DriftRow) error { drift++; return nil }); err != nil || drift == 0 {
		t.Errorf("no drift in the demo (%v)", err)
	}
	// Procurement's queue holds a realistic few lines (the latest toner
	// before its contract), not every round's: the older ones were bought.
	waiting, _, err := st.PendingOffContractCount(t.Context(), 0)
	if err != nil || waiting == 0 || waiting > 4 {
		t.Errorf("%d lines wait for procurement in the demo (%v), want 1 to 4", waiting, err)
	}
}

// TestDemoComplianceAddsUp checks the compliance report's totals on the
// demo's quarter against a sum made another way: every PO of the period
// read through the order pages' queries, its lines added up by hand, on
// contract when the line names a contract, cancelled and rejected orders
// left out.
func TestDemoComplianceAddsUp(t *testing.T) {
	t.Parallel()
	st, today := seeded(t)
	period := procure.Period{From: today.AddDays(-120), To: today}
	type sums struct{ on, off money.Amount }
	want := map[string]*sums{}
	var before int64
	for {
		page, err := st.PurchaseOrders(t.Context(), procure.Scope{}, store.POFilter{From: period.From.Time(), To: today.AddDays(1).Time(), Before: before, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		for _, ref := range page {
			if ref.Status == procure.POCancelled || ref.Status == procure.PORejected {
				continue
			}
			po, err := st.PurchaseOrderByID(t.Context(), procure.Scope{}, ref.ID)
			if err != nil {
				t.Fatal(err)
			}
			cur := po.Currency.Code()
			if want[cur] == nil {
				want[cur] = &sums{money.Zero(po.Currency), money.Zero(po.Currency)}
			}
			for _, l := range po.Lines {
				to := &want[cur].off
				if l.ContractNumber != "" {
					to = &want[cur].on
				}
				if *to, err = to.Add(l.Total); err != nil {
					t.Fatal(err)
				}
			}
		}
		if len(page) < 200 {
			break
		}
		before = page[len(page)-1].ID
	}
	got := map[string]*sums{}
	if err := st.Compliance(t.Context(), procure.ReportFilter{Period: period, Today: today}, time.UTC, func(r procure.ComplianceRow) error {
		if r.Total {
			got[r.Currency.Code()] = &sums{r.On, r.Off}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for cur, w := range want {
		t.Logf("%s: on %s, off %s", cur, w.on, w.off)
	}
	if len(want) < 2 {
		t.Fatalf("the demo's quarter has orders in %d currencies, want EUR and GBP", len(want))
	}
	for cur, w := range want {
		g := got[cur]
		if g == nil || g.on != w.on || g.off != w.off {
			t.Errorf("%s: the report says %+v, the orders add up to on %s, off %s", cur, g, w.on, w.off)
		}
		if w.off.IsZero() && cur == "EUR" {
			t.Errorf("the demo has no off-contract spend in EUR to check")
		}
	}
}

// seeded is a fresh database with the demo organisation, seeded today.
func seeded(t *testing.T) (*store.Store, pricing.Date) {
	t.Helper()
	st := store.New(pgtest.Pool(t))
	hasher, _ := testkit.Hasher(t)
	today := pricing.DateOf(time.Now())
	if err := demo.Seed(t.Context(), st, hasher, slog.New(slog.NewTextHandler(io.Discard, nil)), today); err != nil {
		t.Fatal(err)
	}
	return st, today
}
