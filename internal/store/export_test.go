package store

import "context"

// Setting reads a run-time setting inside the transaction (tests only).
func (tx *Tx) Setting(ctx context.Context, name string) (string, error) {
	var v string
	err := tx.db.QueryRow(ctx, `SELECT current_setting($1)`, name).Scan(&v)
	return v, err
}
