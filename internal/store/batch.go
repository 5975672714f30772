package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Batch queues writes of one transaction that travel to Postgres together
// and run there in the order queued: one round trip instead of one per
// statement. The first statement that fails stops the batch (the
// transaction is then aborted and rolls back).
type Batch struct{ b pgx.Batch }

// Send runs the queued statements and reports the first error.
func (tx *Tx) Send(ctx context.Context, b *Batch) error {
	if b.b.Len() == 0 {
		return nil
	}
	return classify(tx.tx.SendBatch(ctx, &b.b).Close(), "batch")
}
