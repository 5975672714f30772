// Package webtest starts the real router on a fresh database for handler and
// browser tests, and gives signed-in HTTP clients. Test-only.
package webtest

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/procure-app/procure/internal/demo"
	"github.com/procure-app/procure/internal/pgtest"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/server"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/testkit"
)

// App is a running server on its own database.
type App struct {
	URL    string
	Store  *store.Store
	Pool   *pgxpool.Pool
	Server *server.Server
}

// Option adjusts the server before it starts.
type Option func(*server.Deps)

// At fixes the server's clock.
func At(t time.Time) Option { return func(d *server.Deps) { d.Now = func() time.Time { return t } } }

// Start runs the app on a fresh database until t ends.
func Start(t testing.TB, opts ...Option) *App {
	t.Helper()
	return start(t, pgtest.Pool(t), opts...)
}

// StartDemo runs the app on a fresh database seeded with the demo
// organisation, as make run shows it (every demo user signs in with
// demo.Password).
func StartDemo(t testing.TB, opts ...Option) *App {
	t.Helper()
	a := Start(t, opts...)
	hasher, _ := testkit.Hasher(t)
	if err := demo.Seed(t.Context(), a.Store, hasher, slog.New(slog.NewTextHandler(io.Discard, nil)), pricing.DateOf(time.Now())); err != nil {
		t.Fatal(err)
	}
	return a
}

// Twin runs a second instance of the app on a's database, as a second
// server behind a load balancer would: its own pool, its own memory, the
// same Postgres. Sessions live in Postgres, so a's clients are signed in
// here too.
func (a *App) Twin(t testing.TB, opts ...Option) *App {
	t.Helper()
	cfg := a.Pool.Config().Copy()
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return start(t, pool, opts...)
}

// StartOn runs the app on pool's database (a fresh one, from pgtest) until
// t ends: for a test that needs its own pool settings, such as a tracer.
func StartOn(t testing.TB, pool *pgxpool.Pool, opts ...Option) *App {
	t.Helper()
	return start(t, pool, opts...)
}

func start(t testing.TB, pool *pgxpool.Pool, opts ...Option) *App {
	fixedPool, err := store.OpenFixedPool(t.Context(), pool) // as cmd/procure serve does
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fixedPool.Close)
	st := store.New(pool)
	st.UseFixedPool(fixedPool)
	hasher, _ := testkit.Hasher(t)
	sessions, stop := server.NewSessions(fixedPool, false, 12*time.Hour)
	t.Cleanup(stop)
	d := server.Deps{Store: st, Hasher: hasher, Sessions: sessions,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, o := range opts {
		o(&d)
	}
	srv, err := server.New(d)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Routes())
	t.Cleanup(ts.Close)
	return &App{URL: ts.URL, Store: st, Pool: pool, Server: srv}
}

// Client is an HTTP client with a cookie jar that does not follow
// redirects, so tests see each 303.
func (a *App) Client(t testing.TB) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// SignIn returns a client signed in as email with testkit.Password.
func (a *App) SignIn(t testing.TB, email string) *http.Client {
	t.Helper()
	c := a.Client(t)
	resp := a.PostForm(t, c, "/login", url.Values{"email": {email}, "password": {testkit.Password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d %s", email, resp.StatusCode, resp.Body)
	}
	return c
}

// Response is a finished response with its body read.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       string
}

// Get fetches path.
func (a *App) Get(t testing.TB, c *http.Client, path string) Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.URL+path, nil)
	return a.Do(t, c, req)
}

// PostForm posts form values to path as a same-origin browser would.
func (a *App) PostForm(t testing.TB, c *http.Client, path string, v url.Values) Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return a.Do(t, c, req)
}

// Do sends req and reads the whole response.
func (a *App) Do(t testing.TB, c *http.Client, req *http.Request) Response {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// Clock is a test clock the server reads; Advance moves it.
type Clock struct{ nanos atomic.Int64 }

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock {
	c := &Clock{}
	c.nanos.Store(t.UnixNano())
	return c
}

// Now is the clock's time.
func (c *Clock) Now() time.Time { return time.Unix(0, c.nanos.Load()).UTC() }

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) { c.nanos.Add(int64(d)) }

// WithClock makes the server read c.
func WithClock(c *Clock) Option { return func(d *server.Deps) { d.Now = c.Now } }
