package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // registers pgx5://
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"github.com/procure-app/procure/migrations"
)

// Migration runs the embedded migrations against databaseURL. The pgx/v5
// driver holds a Postgres advisory lock while it works, so several instances
// starting at once migrate once.
type Migration struct{ m *migrate.Migrate }

// OpenMigration prepares migrations for databaseURL (postgres:// or
// postgresql://).
func OpenMigration(databaseURL string) (*Migration, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	url := databaseURL
	for _, prefix := range []string{"postgresql://", "postgres://"} {
		if strings.HasPrefix(url, prefix) {
			url = "pgx5://" + strings.TrimPrefix(url, prefix)
			break
		}
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, url)
	if err != nil {
		return nil, fmt.Errorf("store: open migrations: %w", err)
	}
	return &Migration{m: m}, nil
}

// Up applies every pending migration; nothing pending is not an error.
func (mg *Migration) Up() error {
	if err := mg.m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("store: migrate up: %w", err)
	}
	return nil
}

// Down rolls back one migration.
func (mg *Migration) Down() error {
	if err := mg.m.Steps(-1); err != nil {
		return fmt.Errorf("store: migrate down: %w", err)
	}
	return nil
}

// Version is the applied version and whether a failed migration left the
// schema dirty. No migration applied yet is version 0.
func (mg *Migration) Version() (uint, bool, error) {
	v, dirty, err := mg.m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return 0, false, nil
	}
	return v, dirty, err
}

// Close releases the migration's connection.
func (mg *Migration) Close() error {
	srcErr, dbErr := mg.m.Close()
	return errors.Join(srcErr, dbErr)
}

// LatestVersion is the highest migration version embedded in the binary:
// /readyz compares the database against it.
func LatestVersion() (uint, error) {
	entries, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		return 0, err
	}
	var latest uint
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		if !ok || !strings.HasSuffix(e.Name(), ".up.sql") {
			continue
		}
		v, err := strconv.ParseUint(num, 10, 32)
		if err != nil {
			return 0, fmt.Errorf("store: migration %s: %w", e.Name(), err)
		}
		latest = max(latest, uint(v))
	}
	return latest, nil
}

// SchemaVersion reads the applied migration version without golang-migrate
// (cheap enough for every /readyz).
func (s *Store) SchemaVersion(ctx context.Context) (uint, bool, error) {
	var v int64
	var dirty bool
	err := s.db.QueryRow(ctx, `SELECT version, dirty FROM schema_migrations LIMIT 1`).Scan(&v, &dirty)
	if err != nil {
		return 0, false, classify(err, "schema version")
	}
	return uint(v), dirty, nil
}
