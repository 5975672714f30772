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
	if tx.p != nil {
		return classify(tx.p.send(ctx, &b.b, false), "batch")
	}
	return classify(tx.tx.SendBatch(ctx, &b.b).Close(), "batch")
}

// SendCommit runs the queued statements as the transaction's last: in an
// InPipelinedTx, COMMIT travels with them (and nothing may be sent after
// it); in an InTx, InTx commits when its function returns.
func (tx *Tx) SendCommit(ctx context.Context, b *Batch) error {
	if tx.p != nil {
		return classify(tx.p.send(ctx, &b.b, true), "batch")
	}
	return tx.Send(ctx, b)
}
