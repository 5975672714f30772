package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/procure-app/procure/internal/pgtest"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/testkit"
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

// The fixed-read pool is the main pool's half, letting Postgres reuse
// plans, and the per-request reads go through it once the store uses it.
func TestFixedPoolReusesPlans(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t)
	fixed, err := store.OpenFixedPool(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	var mode string
	if err := fixed.QueryRow(ctx, `SHOW plan_cache_mode`).Scan(&mode); err != nil || mode != "auto" {
		t.Errorf("fixed pool plan_cache_mode = %q, %v; want auto", mode, err)
	}
	var timeout string
	if err := fixed.QueryRow(ctx, `SHOW lock_timeout`).Scan(&timeout); err != nil || timeout != "3s" {
		t.Errorf("fixed pool lock_timeout = %q, %v; want the app's 3s", timeout, err)
	}
	if got, want := fixed.Config().MaxConns, max(2, pool.Config().MaxConns/2); got != want {
		t.Errorf("fixed pool size %d, want %d", got, want)
	}
	if err := pool.QueryRow(ctx, `SHOW plan_cache_mode`).Scan(&mode); err != nil || mode != "force_custom_plan" {
		t.Errorf("main pool plan_cache_mode = %q, %v; want force_custom_plan", mode, err)
	}
	st := store.New(pool)
	id := testkit.MustUser(t, st, "viewer@example.test", nil).ID
	st.UseFixedPool(fixed)
	if u, _, err := st.Viewer(ctx, id, true); err != nil || u.ID != id {
		t.Fatalf("viewer through the fixed pool: %+v, %v", u, err)
	}
	fixed.Close() // the reads go through it: with it closed they fail, the rest still works
	if _, _, err := st.Viewer(ctx, id, true); err == nil {
		t.Error("Viewer did not use the fixed pool")
	}
	if _, _, err := st.LocationsAtCatalogueVersion(ctx, procure.Scope{}); err == nil {
		t.Error("LocationsAtCatalogueVersion did not use the fixed pool")
	}
	if _, err := st.CatalogueFresh(ctx, id, 0, nil, nil); err == nil {
		t.Error("CatalogueFresh did not use the fixed pool")
	}
	if _, err := st.UserByID(ctx, id); err != nil {
		t.Errorf("the main pool: %v", err)
	}
}

// Text Postgres refuses (a NUL character) that got past the form and file
// readers is the person's input error, not a server error.
func TestUnstorableTextIsInvalidInput(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	_, err := st.CreateItem(t.Context(), 0, procure.ItemInput{SKU: "NUL-1", Name: "Desk\x00lamp", Category: "Lighting", Unit: "each"})
	if procure.KindOf(err) != procure.KindInvalid || !strings.Contains(procure.MessageOf(err), "cannot be stored") {
		t.Fatalf("NUL in an item name: kind %v, %v", procure.KindOf(err), err)
	}
}

// Vacuum leaves the emptied pages of cart_lines and sessions in place:
// truncating them would lock out every submission (or every request)
// behind an ACCESS EXCLUSIVE lock (migration 0021).
func TestVacuumDoesNotTruncateHotTables(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t)
	st := store.New(pool)
	loc := testkit.MustLocation(t, st, "MUC", "EUR")
	u := testkit.MustUser(t, st, "office@example.test", testkit.Roles(procure.RoleOrderer), loc)
	for table, fill := range map[string]string{
		"cart_lines": `INSERT INTO cart_lines (user_id, location_id, description, unit, qty)
		               SELECT $1, $2, 'Line ' || n, 'each', 1 FROM generate_series(1, 5000) n`,
		"sessions": `INSERT INTO sessions (token, data, expiry)
		             SELECT 'token-' || n || '-' || $1::bigint || '-' || $2::bigint, '\x00', now() + interval '1 hour' FROM generate_series(1, 5000) n`,
	} {
		if _, err := pool.Exec(ctx, fill, u.ID, loc); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if _, err := pool.Exec(ctx, `DELETE FROM `+table); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `VACUUM `+table); err != nil {
			t.Fatal(err)
		}
		var pages int64
		if err := pool.QueryRow(ctx, `SELECT pg_relation_size($1::regclass) / current_setting('block_size')::int`, table).Scan(&pages); err != nil {
			t.Fatal(err)
		}
		if pages < 10 {
			t.Errorf("%s: vacuum truncated it to %d pages", table, pages)
		}
	}
}
