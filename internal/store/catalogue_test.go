package store_test

import (
	"context"
	"testing"
	"time"

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

// Orders on a capped contract queue on its row, each to its commit: a
// reservation, and the retry's locking of capped contracts, wait for it
// longer than the general 3 s lock timeout instead of failing as busy.
func TestCapLocksOutwaitTheLockTimeout(t *testing.T) {
	t.Parallel()
	pool := pgtest.Pool(t)
	st := store.New(pool)
	ctx := t.Context()
	testkit.MustLocation(t, st, "MUC", "EUR")
	item := testkit.MustItem(t, st, "PAP-1", "Paper")
	acme := testkit.MustVendor(t, st, "Acme", procure.VendorApproved)
	id := testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-1", VendorID: acme, Status: procure.ContractActive, Cap: "1000",
		Prices: []procure.PriceValues{price("PAP-1", "1", "2.00")}})
	holder, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = holder.Rollback(context.Background()) })
	if _, err := holder.Exec(ctx, `UPDATE contracts SET committed = committed + 1 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	amt, _ := money.ParseAmount(money.MustCurrency("EUR"), "10.00")
	reserve := make(chan error, 1)
	go func() {
		reserve <- st.InTx(ctx, func(tx *store.Tx) error {
			var b store.Batch
			var reserved []store.CapCrossing
			b.ReserveCaps(map[int64]money.Amount{id: amt}, &reserved)
			return tx.Send(ctx, &b)
		})
	}()
	lock := make(chan error, 1)
	go func() {
		lock <- st.InTx(ctx, func(tx *store.Tx) error { return tx.LockCappedContracts(ctx, []int64{item}) })
	}()
	time.Sleep(4 * time.Second) // past the general lock timeout
	select {
	case err := <-reserve:
		t.Fatalf("the reservation gave up while the contract was held: %v", err)
	case err := <-lock:
		t.Fatalf("locking capped contracts gave up while the contract was held: %v", err)
	default:
	}
	if err := holder.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for name, ch := range map[string]chan error{"reservation": reserve, "lock": lock} {
		select {
		case err := <-ch:
			if err != nil {
				t.Errorf("%s after the holder committed: %v", name, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s still waiting after the holder committed", name)
		}
	}
	var committed string
	if err := pool.QueryRow(ctx, `SELECT committed::text FROM contracts WHERE id = $1`, id).Scan(&committed); err != nil || committed != "11.000" {
		t.Errorf("committed = %s, %v; want 11.000", committed, err)
	}
}
