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

// Every migration rolls back cleanly, one step at a time down to an empty
// schema, and the whole set applies again.
func TestMigrationsRollBackAndReapply(t *testing.T) {
	t.Parallel()
	m, err := store.OpenMigration(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	latest, err := store.LatestVersion()
	if err != nil {
		t.Fatal(err)
	}
	for {
		v, dirty, err := m.Version()
		if err != nil || dirty {
			t.Fatalf("version %d dirty=%v: %v", v, dirty, err)
		}
		if v == 0 {
			break
		}
		if err := m.Down(); err != nil {
			t.Fatalf("rolling back %d: %v", v, err)
		}
	}
	if err := m.Up(); err != nil {
		t.Fatal(err)
	}
	if v, dirty, err := m.Version(); err != nil || dirty || v != latest {
		t.Fatalf("after reapplying: version %d dirty=%v err=%v; want %d", v, dirty, err, latest)
	}
}
