package store

import "context"

// Setting reads a run-time setting inside the transaction (tests only).
func (tx *Tx) Setting(ctx context.Context, name string) (string, error) {
	var v string
	err := tx.db.QueryRow(ctx, `SELECT current_setting($1)`, name).Scan(&v)
	return v, err
}

// ExecForTest queues sql in the batch (tests only).
func (b *Batch) ExecForTest(sql string, args ...any) { b.b.Queue(sql, args...) }

// ExecForTest runs one statement in the transaction (tests only).
func (tx *Tx) ExecForTest(ctx context.Context, sql string, args ...any) error {
	_, err := tx.db.Exec(ctx, sql, args...)
	return err
}
