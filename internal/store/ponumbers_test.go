package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/procure-app/procure/internal/pgtest"
)

// drawNumbers opens a transaction, draws n numbers of year and returns them
// with the transaction still open (or the error).
func drawNumbers(ctx context.Context, pool *pgxpool.Pool, year, n int) (pgx.Tx, []int64, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = '5s'`); err != nil {
		_ = tx.Rollback(ctx)
		return nil, nil, err
	}
	rows, _ := tx.Query(ctx, `SELECT n FROM next_po_numbers($1, $2) AS n ORDER BY n`, year, n)
	got, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		_ = tx.Rollback(ctx)
		return nil, nil, err
	}
	return tx, got, nil
}

type drawn struct {
	tx  pgx.Tx
	got []int64
	err error
}

// drawAsync draws in the background; when the test ends, the draw is
// waited for and its transaction rolled back unless it was committed, so
// a failing test does not leave connections busy.
func drawAsync(t *testing.T, ctx context.Context, pool *pgxpool.Pool, year, n int) chan drawn {
	ch, done := make(chan drawn, 1), make(chan drawn, 1)
	go func() {
		tx, got, err := drawNumbers(ctx, pool, year, n)
		ch <- drawn{tx, got, err}
		done <- drawn{tx, got, err}
	}()
	t.Cleanup(func() {
		if r := <-done; r.tx != nil {
			_ = r.tx.Rollback(context.Background())
		}
	})
	return ch
}

// The first submissions of a year: one creates the year's sequence, the
// ones that came meanwhile wait for it and then go on together (not one
// after another, each holding the creation lock to its commit), and if the
// creator rolls back, a waiter creates the sequence. No number is handed
// out twice.
func TestPONumberSequenceCreation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t)

	creator, first, err := drawNumbers(ctx, pool, 2997, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = creator.Rollback(context.Background()) })
	b, c := drawAsync(t, ctx, pool, 2997, 1), drawAsync(t, ctx, pool, 2997, 1)
	time.Sleep(200 * time.Millisecond) // both reach the wait
	select {
	case r := <-b:
		t.Fatalf("a second transaction drew %v before the creator committed (err %v)", r.got, r.err)
	default:
	}
	if err := creator.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// Neither commits before both have their numbers: with waiters taking
	// the lock in turn, the second would wait for the first's commit and
	// time out.
	var all []int64
	var open []pgx.Tx
	for _, ch := range []chan drawn{b, c} {
		select {
		case r := <-ch:
			if r.err != nil {
				t.Fatalf("waiting transaction: %v", r.err)
			}
			all = append(all, r.got...)
			open = append(open, r.tx)
		case <-time.After(10 * time.Second):
			t.Fatal("a waiting transaction is still waiting while the other holds its numbers")
		}
	}
	for _, tx := range open {
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(all)
	if !slices.Equal(first, []int64{1, 2}) || !slices.Equal(all, []int64{3, 4}) {
		t.Errorf("creator drew %v, the others %v; want [1 2] and [3 4]", first, all)
	}

	// The creator rolls back: its sequence is gone, and the waiter creates
	// the year's sequence itself.
	creator2, _, err := drawNumbers(ctx, pool, 2996, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = creator2.Rollback(context.Background()) })
	w := drawAsync(t, ctx, pool, 2996, 3)
	time.Sleep(200 * time.Millisecond)
	if err := creator2.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-w:
		if r.err != nil {
			t.Fatal(r.err)
		}
		if err := r.tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.got, []int64{1, 2, 3}) {
			t.Errorf("after the creator rolled back the waiter drew %v, want [1 2 3]", r.got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiter did not go on after the creator rolled back")
	}
}
