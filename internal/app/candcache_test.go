package app_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/procure-app/procure/internal/app"
	"github.com/procure-app/procure/internal/pgtest"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/testkit"
)

// Submissions keep items' candidates in memory under the catalogue
// version: a price changed on another instance is charged from the next
// submission on, and the cap left is read fresh, never kept.
func TestSubmitUsesTheCurrentCatalogueAndCaps(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := t.Context()
	other := app.New(store.New(pgtest.PoolFor(t, w.url)), at(june), time.UTC) // a second instance
	submit := func(a *app.App, u procure.User, item int64, q, key string) procure.PurchaseOrder {
		t.Helper()
		if _, err := w.st.AddToCart(ctx, u.ID, w.muc, item, qty(q)); err != nil {
			t.Fatal(err)
		}
		res, err := a.SubmitRequest(ctx, u, w.muc, key, nil)
		if err != nil || len(res.POs) != 1 {
			t.Fatalf("submit %s: %+v, %v", key, res, err)
		}
		pos, err := w.st.PurchaseOrders(ctx, procure.Scope{}, store.POFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, po := range pos {
			if po.Number == res.POs[0] {
				full, err := w.st.PurchaseOrderByID(ctx, procure.Scope{}, po.ID)
				if err != nil {
					t.Fatal(err)
				}
				return full
			}
		}
		t.Fatalf("PO %s not found", res.POs[0])
		return procure.PurchaseOrder{}
	}

	// reads checks how many items a's submissions read from Postgres since
	// the last check (the rest came from the cache).
	last := map[*app.App]int64{}
	reads := func(a *app.App, what string, want int64) {
		t.Helper()
		got := a.CandidateReads() - last[a]
		last[a] = a.CandidateReads()
		if got != want {
			t.Errorf("%s: %d items' candidates read from Postgres, want %d", what, got, want)
		}
	}

	// Paper at 5.00, then 6.00 after procurement changed it elsewhere.
	if po := submit(w.a, w.office, w.paper, "10", "cache-price-key-0001"); po.Total.String() != "50.00" {
		t.Fatalf("first order %s, want 50.00", po.Total)
	}
	reads(w.a, "first paper order", 1)
	if po := submit(w.a, w.office, w.paper, "10", "cache-price-key-0002"); po.Total.String() != "50.00" {
		t.Fatalf("second order %s, want 50.00", po.Total)
	}
	reads(w.a, "second paper order", 0)
	rows, err := w.st.PriceRows(ctx, w.cheap)
	if err != nil {
		t.Fatal(err)
	}
	today := pricing.DateOf(june)
	for _, r := range rows {
		if r.ItemID == w.paper {
			if _, err := w.st.AmendPrice(ctx, w.office.ID, w.cheap, r.ID, procure.PriceValues{SKU: "PAP-1", VendorSKU: "A-PAP",
				Tiers: testkit.Tiers("1", "6.00"), ValidFrom: &today}, today); err != nil {
				t.Fatal(err)
			}
		}
	}
	if po := submit(w.a, w.office, w.paper, "10", "cache-price-key-0003"); po.Total.String() != "60.00" {
		t.Fatalf("after the price change: %s, want 60.00", po.Total)
	}
	reads(w.a, "paper order after the price change", 1)

	// Toner on a contract capped at 100.00 (1.00 each), else 1.30 elsewhere.
	toner := testkit.MustItem(t, w.st, "TON-1", "Toner")
	capped := testkit.MustContract(t, w.st, testkit.ContractSpec{Number: "C-CAP", VendorID: w.acme, Cap: "100.00", Status: procure.ContractActive,
		Prices: []procure.PriceValues{{SKU: "TON-1", Tiers: testkit.Tiers("1", "1.00")}}})
	testkit.MustContract(t, w.st, testkit.ContractSpec{Number: "C-SPARE", VendorID: w.bolt, Status: procure.ContractActive,
		Prices: []procure.PriceValues{{SKU: "TON-1", Tiers: testkit.Tiers("1", "1.30")}}})
	for i, want := range []struct {
		a        *app.App
		q        string
		contract string
		total    string
		reads    int64 // items read from Postgres, not the cache
	}{
		{w.a, "30", "C-CAP", "30.00", 1},   // read (the catalogue moved) and kept
		{w.a, "30", "C-CAP", "30.00", 0},   // kept: 70.00 left, read now with the version
		{other, "40", "C-CAP", "40.00", 1}, // the other instance reads it and fills the cap
		{w.a, "1", "C-SPARE", "1.30", 0},   // kept, but nothing left: the next contract
	} {
		po := submit(want.a, w.office, toner, want.q, "cache-cap-key-000"+string(rune('1'+i)))
		if len(po.Lines) != 1 || po.Lines[0].ContractNumber != want.contract || po.Total.String() != want.total {
			t.Fatalf("toner order %d: %s on %+v, want %s on %s", i+1, po.Total, po.Lines, want.total, want.contract)
		}
		reads(want.a, fmt.Sprintf("toner order %d", i+1), want.reads)
	}
	if c, _ := w.st.ContractByID(ctx, capped); c.Committed.String() != "100.00" {
		t.Errorf("capped contract committed %s, want 100.00", c.Committed)
	}
}
