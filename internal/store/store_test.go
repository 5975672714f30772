package store_test

import (
	"context"
	"testing"

	"github.com/procure-app/procure/internal/pgtest"
	"github.com/procure-app/procure/internal/store"
)

// Connections plan each statement afresh (for queries with optional
// filters); write transactions let Postgres reuse plans, so their
// statements and foreign-key checks are not planned every time.
func TestWriteTransactionsReusePlans(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t)
	st := store.New(pool)
	var outside string
	if err := pool.QueryRow(ctx, `SHOW plan_cache_mode`).Scan(&outside); err != nil {
		t.Fatal(err)
	}
	if outside != "force_custom_plan" {
		t.Errorf("outside a transaction plan_cache_mode = %q, want force_custom_plan", outside)
	}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		mode, err := tx.Setting(ctx, "plan_cache_mode")
		if err != nil {
			return err
		}
		if mode != "auto" {
			t.Errorf("in a write transaction plan_cache_mode = %q, want auto", mode)
		}
		iso, err := tx.Setting(ctx, "transaction_isolation")
		if iso != "read committed" {
			t.Errorf("isolation = %q, want read committed", iso)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// SET LOCAL ends with the transaction: the connection is back to its default.
	for range 4 {
		if err := pool.QueryRow(ctx, `SHOW plan_cache_mode`).Scan(&outside); err != nil {
			t.Fatal(err)
		}
		if outside != "force_custom_plan" {
			t.Errorf("after the transaction plan_cache_mode = %q, want force_custom_plan", outside)
		}
	}
}
