package store_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/procure-app/procure/internal/pgtest"
	"github.com/procure-app/procure/internal/store"
)

// The load generator's carts: every orderer gets one cart per location of
// n distinct items offered there, either all from one contract's price
// list or each from a different contract.
func TestFillBenchCarts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t)
	st := store.New(pool)
	z := store.BenchSizes{Locations: 3, Vendors: 6, Items: 600, Contracts: 60, PricesPer: 20, Orders: 5, Users: 4}
	if err := st.SeedBench(ctx, z, "not-a-login", time.Now()); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := range z.Users {
		u, _, err := st.UserCredentials(ctx, store.BenchUserEmail(i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	if err := st.BenchOrderAnywhere(ctx, ids); err != nil {
		t.Fatal(err)
	}
	// The dataset's PO lines as the vacuum counted them: what the load
	// generator prints beside the submit figures.
	if err := st.VacuumBenchOrders(ctx); err != nil {
		t.Fatal(err)
	}
	var counted int64
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM po_lines`).Scan(&counted); err != nil {
		t.Fatal(err)
	}
	if got, err := st.BenchOrderLines(ctx); err != nil || got != counted || counted == 0 {
		t.Errorf("BenchOrderLines = %d, %v; count(*) = %d", got, err, counted)
	}
	const n = 10
	carts := len(ids) * z.Locations
	for _, tc := range []struct {
		name  string
		shape store.BenchCart
		// carts whose n items one contract serving the location prices
		oneContract int
	}{
		{"one contract", store.CartOneContract, carts},
		{"spread", store.CartSpread, 0},
	} {
		for seed := 1; seed <= 2; seed++ {
			filled, err := st.FillBenchCarts(ctx, ids, n, seed, tc.shape)
			if err != nil {
				t.Fatal(err)
			}
			if filled != carts {
				t.Errorf("%s: filled %d carts, want %d", tc.name, filled, carts)
			}
			var full, single int
			err = pool.QueryRow(ctx, `
				WITH c AS (
					SELECT user_id, location_id, count(*) AS lines, count(DISTINCT item_id) AS items
					FROM cart_lines WHERE user_id = ANY ($1) GROUP BY user_id, location_id
				)
				SELECT (SELECT count(*) FROM c WHERE lines = $2 AND items = $2),
				       (SELECT count(*) FROM c WHERE EXISTS (
				           SELECT 1 FROM cart_lines cl
				           JOIN contract_prices p ON p.item_id = cl.item_id
				           JOIN contracts k ON k.id = p.contract_id
				           JOIN locations l ON l.id = cl.location_id AND l.currency = k.currency
				           WHERE cl.user_id = c.user_id AND cl.location_id = c.location_id
				             AND (NOT EXISTS (SELECT 1 FROM contract_locations x WHERE x.contract_id = k.id)
				                  OR EXISTS (SELECT 1 FROM contract_locations x WHERE x.contract_id = k.id AND x.location_id = l.id))
				           GROUP BY p.contract_id HAVING count(DISTINCT cl.item_id) = $2))`, ids, n).Scan(&full, &single)
			if err != nil {
				t.Fatal(err)
			}
			if full != carts {
				t.Errorf("%s seed %d: %d of %d carts hold %d distinct items", tc.name, seed, full, carts, n)
			}
			if single != tc.oneContract {
				t.Errorf("%s seed %d: %d carts priced whole by one contract serving their location, want %d", tc.name, seed, single, tc.oneContract)
			}
		}
	}
}

// The load generator's reference point writes a 20-line order both ways,
// starting from empty tables; its vacuum runs outside any transaction; its
// backend pid names a live backend; its checkpoint needs a role that may.
func TestBareOrdersAndBenchMaintenance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t)
	st := store.New(pool)
	for round := range 2 { // the second round starts empty again
		if err := st.PrepareBareOrders(ctx); err != nil {
			t.Fatal(err)
		}
		lines := make([]store.BareOrderLine, 20)
		for i := range lines {
			lines[i] = store.BareOrderLine{ItemID: int64(i + 1), Qty: "2", UnitPrice: "1.5000", Total: "3.00"}
		}
		for _, perLine := range []bool{false, true} {
			if err := st.InsertBareOrder(ctx, 7, "60.00", lines, perLine); err != nil {
				t.Fatalf("round %d, per line %v: %v", round, perLine, err)
			}
		}
		var orders, n int
		var sum string
		if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM bench_bare_orders), count(*), sum(total)::text FROM bench_bare_lines`).Scan(&orders, &n, &sum); err != nil {
			t.Fatal(err)
		}
		if orders != 2 || n != 40 || sum != "120.00" {
			t.Errorf("round %d: %d orders, %d lines summing %s; want 2, 40, 120.00", round, orders, n, sum)
		}
	}
	if err := st.VacuumBenchOrders(ctx); err != nil {
		t.Errorf("vacuum: %v", err)
	}
	pid, err := st.BackendPID(ctx)
	var alive bool
	if err == nil {
		err = pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)`, pid).Scan(&alive)
	}
	if err != nil || !alive {
		t.Errorf("backend pid %d: alive %v, %v", pid, alive, err)
	}
	// The checkpoint before the submit runs: refused to the app's own role
	// (the load generator then says a checkpoint may land in a run), done
	// for a role that may (the bench server's superuser).
	if err := st.CheckpointBench(ctx); err == nil || !strings.Contains(err.Error(), "pg_checkpoint") {
		t.Errorf("checkpoint as the test database's owner: %v", err)
	}
	admin := pgtest.PoolFor(t, os.Getenv("TEST_DATABASE_URL"))
	var may bool
	if err := admin.QueryRow(ctx, `SELECT pg_has_role(current_user, 'pg_checkpoint', 'USAGE')`).Scan(&may); err != nil {
		t.Fatal(err)
	}
	if !may {
		t.Log("TEST_DATABASE_URL's role may not checkpoint: the checkpoint itself is not tested")
		return
	}
	var before, after string
	if err := admin.QueryRow(ctx, `SELECT checkpoint_lsn::text FROM pg_control_checkpoint()`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if err := store.New(admin).CheckpointBench(ctx); err != nil {
		t.Errorf("checkpoint: %v", err)
	}
	if err := admin.QueryRow(ctx, `SELECT checkpoint_lsn::text FROM pg_control_checkpoint()`).Scan(&after); err != nil || after == before {
		t.Errorf("checkpoint location %s before, %s after (%v)", before, after, err)
	}
	// A freshly seeded dataset is settled the same way: vacuumed and
	// analyzed throughout, then checkpointed.
	probe := fmt.Sprintf("settle_probe_%d", time.Now().UnixNano())
	if _, err := admin.Exec(ctx, `CREATE TABLE `+probe+` AS SELECT generate_series(1, 100) AS n`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec(context.Background(), `DROP TABLE IF EXISTS `+probe) })
	before = after
	if err := store.New(admin).SettleBench(ctx); err != nil {
		t.Errorf("settle: %v", err)
	}
	var vacuumed bool
	if err := admin.QueryRow(ctx, `SELECT checkpoint_lsn::text FROM pg_control_checkpoint()`).Scan(&after); err != nil || after == before {
		t.Errorf("settle: checkpoint location %s before, %s after (%v)", before, after, err)
	}
	if err := admin.QueryRow(ctx, `SELECT last_vacuum IS NOT NULL AND last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = $1`, probe).Scan(&vacuumed); err != nil || !vacuumed {
		t.Errorf("settle: a new table vacuumed and analyzed %v (%v)", vacuumed, err)
	}
}
