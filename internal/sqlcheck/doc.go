// Package sqlcheck holds a test that reads the whole module's source and
// fails when SQL handed to pgx is not a constant string (gosec and vet do
// not catch string-built SQL with pgx), or when pgx is queried outside
// internal/store. Test-only.
package sqlcheck
