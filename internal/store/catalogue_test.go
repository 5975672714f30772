package store_test

import (
	"testing"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pgtest"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/testkit"
)

// The catalogue version moves with every committed change to what a
// catalogue page shows, and not with orders reserving cap.
func TestCatalogueVersion(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	ctx := t.Context()
	testkit.MustLocation(t, st, "MUC", "EUR")
	testkit.MustItem(t, st, "PAP-1", "Paper")
	acme := testkit.MustVendor(t, st, "Acme", procure.VendorApproved)
	id := testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-1", VendorID: acme, Status: procure.ContractActive, Cap: "1000",
		Prices: []procure.PriceValues{price("PAP-1", "1", "2.00")}})
	version := func() int64 {
		t.Helper()
		_, v, err := st.LocationsAtCatalogueVersion(ctx, procure.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v0 := version()
	amt, _ := money.ParseAmount(money.MustCurrency("EUR"), "10.00")
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		var b store.Batch
		var reserved []store.CapCrossing
		b.ReserveCaps(map[int64]money.Amount{id: amt}, &reserved)
		return tx.Send(ctx, &b)
	}); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != v0 {
		t.Errorf("reserving cap moved the version %d → %d", v0, v)
	}
	left, err := st.CatalogueFresh(ctx, 0, 0, []int64{id}, nil)
	if err != nil || left.CapsLeft[id].String() != "990.00" {
		t.Errorf("cap left %v, %v; want 990.00", left.CapsLeft[id], err)
	}
	v1 := version()
	if err := st.MoveContract(ctx, 0, id, procure.ContractSuspended, pricing.MustDate("2026-06-01")); err != nil {
		t.Fatal(err)
	}
	if v := version(); v <= v1 {
		t.Errorf("suspending a contract left the version at %d", v)
	}
	v2 := version()
	testkit.MustItem(t, st, "PEN-1", "Writing")
	if v := version(); v <= v2 {
		t.Errorf("a new item left the version at %d", v)
	}
}
