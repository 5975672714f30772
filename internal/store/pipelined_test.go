package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/procure-app/procure/internal/pgtest"
	"github.com/procure-app/procure/internal/store"
)

// An InPipelinedTx commits everything or nothing, whether its COMMIT
// travels with the last batch or follows fn, and sends nothing after it.
func TestPipelinedTransactionCommitsAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t)
	st := store.New(pool)
	if _, err := pool.Exec(ctx, `CREATE TABLE pipelined_probe (n int PRIMARY KEY CHECK (n > 0))`); err != nil {
		t.Fatal(err)
	}
	rows := func() (ns []int) {
		t.Helper()
		r, err := pool.Query(ctx, `SELECT n FROM pipelined_probe ORDER BY n`)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		for r.Next() {
			var n int
			if err := r.Scan(&n); err != nil {
				t.Fatal(err)
			}
			ns = append(ns, n)
		}
		return ns
	}
	insert := func(ns ...int) *store.Batch {
		var b store.Batch
		for _, n := range ns {
			b.ExecForTest(`INSERT INTO pipelined_probe VALUES ($1)`, n)
		}
		return &b
	}
	boom := errors.New("boom")
	for _, tc := range []struct {
		name    string
		fn      func(tx *store.Tx) error
		wantErr bool
		want    []int
	}{
		{"two batches, COMMIT with the last", func(tx *store.Tx) error {
			if err := tx.Send(ctx, insert(1)); err != nil {
				return err
			}
			return tx.SendCommit(ctx, insert(2, 3))
		}, false, []int{1, 2, 3}},
		{"a failing statement in the last batch skips its COMMIT", func(tx *store.Tx) error {
			if err := tx.Send(ctx, insert(10)); err != nil {
				return err
			}
			return tx.SendCommit(ctx, insert(11, -1, 12))
		}, true, []int{1, 2, 3}},
		{"an error after a batch rolls it back", func(tx *store.Tx) error {
			if err := tx.Send(ctx, insert(20)); err != nil {
				return err
			}
			return boom
		}, true, []int{1, 2, 3}},
		{"a single statement first begins the transaction too", func(tx *store.Tx) error {
			if err := tx.ExecForTest(ctx, `INSERT INTO pipelined_probe VALUES (30)`); err != nil {
				return err
			}
			return boom
		}, true, []int{1, 2, 3}},
		{"committed after fn without SendCommit", func(tx *store.Tx) error {
			if err := tx.ExecForTest(ctx, `INSERT INTO pipelined_probe VALUES (40)`); err != nil {
				return err
			}
			return tx.Send(ctx, insert(41))
		}, false, []int{1, 2, 3, 40, 41}},
		{"a failed statement whose error fn drops still keeps nothing", func(tx *store.Tx) error {
			if err := tx.Send(ctx, insert(60)); err != nil {
				return err
			}
			_ = tx.ExecForTest(ctx, `INSERT INTO pipelined_probe VALUES (-1)`)
			return nil
		}, true, []int{1, 2, 3, 40, 41}},
		{"nothing runs after COMMIT was sent", func(tx *store.Tx) error {
			if err := tx.SendCommit(ctx, insert(50)); err != nil {
				return err
			}
			if err := tx.ExecForTest(ctx, `INSERT INTO pipelined_probe VALUES (51)`); err == nil {
				return errors.New("a statement after COMMIT ran")
			}
			if err := tx.Send(ctx, insert(52)); err == nil {
				return errors.New("a batch after COMMIT ran")
			}
			return nil
		}, false, []int{1, 2, 3, 40, 41, 50}},
	} {
		err := st.InPipelinedTx(ctx, tc.fn)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: error %v, want one: %v", tc.name, err, tc.wantErr)
		}
		if got := rows(); !slices.Equal(got, tc.want) {
			t.Errorf("%s: rows %v, want %v", tc.name, got, tc.want)
		}
	}
	// Every connection went back to the pool outside a transaction (or
	// was closed).
	for _, c := range pool.AcquireAllIdle(ctx) {
		if st := c.Conn().PgConn().TxStatus(); st != 'I' {
			t.Errorf("a pooled connection is in transaction state %q", st)
		}
		c.Release()
	}
}
