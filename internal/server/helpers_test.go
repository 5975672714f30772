package server_test

import (
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/procure-app/procure/internal/app"
	"github.com/procure-app/procure/internal/pgtest"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/webtest"
)

// appflows is the flows of a running test app.
func appflows(a *webtest.App) *app.App { return a.Server.App }

func storeFilter(action string) store.AuditFilter { return store.AuditFilter{Action: action} }

// startTraced runs the app (on June 1st) on a fresh database through a
// pool whose connections report their statements to tracer, and returns
// it with an untraced pool on the same database.
func startTraced(t *testing.T, tracer pgx.QueryTracer) (*webtest.App, *pgxpool.Pool) {
	t.Helper()
	base := pgtest.Pool(t)
	cfg := base.Config().Copy()
	cfg.ConnConfig.Tracer = tracer
	traced, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(traced.Close)
	return webtest.StartOn(t, traced, webtest.At(june)), base
}
