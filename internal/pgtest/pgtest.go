// Package pgtest gives each test its own Postgres database, cloned from a
// template migrated once per run (github.com/peterldowns/pgtestdb), so tests
// can run in parallel and leave nothing behind. It needs TEST_DATABASE_URL
// (make test provides it) and fails, never skips, without it.
//
// Test-only. Imports: store (for the migrations), pgx, pgtestdb.
package pgtest

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver pgtestdb uses
	"github.com/peterldowns/pgtestdb"
	"github.com/peterldowns/pgtestdb/migrators/common"

	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/migrations"
)

// URL creates a fresh migrated database for t and returns its connection
// URL. The database is dropped when t passes.
func URL(t testing.TB) string {
	t.Helper()
	c := pgtestdb.Custom(t, serverConfig(t), migrator{})
	return c.URL()
}

// Pool returns a pool on a fresh migrated database. Tests that use it may
// call t.Parallel.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return PoolFor(t, URL(t))
}

// PoolFor opens a pool on databaseURL, closed when t ends, whose
// connections run with the app's session settings. Two pools on one URL
// behave like two app instances.
func PoolFor(t testing.TB, databaseURL string) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		t.Fatalf("pgtest: parse %s: %v", databaseURL, err)
	}
	store.SessionSettings(cfg.ConnConfig.RuntimeParams)
	cfg.MaxConns = 8
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func serverConfig(t testing.TB) pgtestdb.Config {
	t.Helper()
	raw := os.Getenv("TEST_DATABASE_URL")
	if raw == "" {
		t.Fatalf("pgtest: TEST_DATABASE_URL is not set. Run the suite with `make test`, which starts a private Postgres " +
			"(or set TEST_DATABASE_URL=postgres://user@host:port/postgres to use your own server).")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("pgtest: TEST_DATABASE_URL: %v", err)
	}
	pw, _ := u.User.Password()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	opts := u.RawQuery
	if opts == "" {
		opts = "sslmode=disable"
	}
	return pgtestdb.Config{
		DriverName: "pgx", Host: u.Hostname(), Port: port, User: u.User.Username(), Password: pw,
		Database: strings.TrimPrefix(u.Path, "/"), Options: opts,
	}
}

// migrator applies migrations.FS with the same code the binary runs at
// start-up.
type migrator struct{}

func (migrator) Hash() (string, error) { return common.HashDirs(migrations.FS, "*.sql", ".") }

func (migrator) Migrate(_ context.Context, _ *sql.DB, c pgtestdb.Config) error {
	m, err := store.OpenMigration(c.URL())
	if err != nil {
		return err
	}
	defer m.Close()
	return m.Up()
}
