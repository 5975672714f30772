package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/testkit"
	"github.com/procure-app/procure/internal/webtest"
)

func TestHealthReadinessAndStatic(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	c := app.Client(t)
	if r := app.Get(t, c, "/healthz"); r.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", r.StatusCode)
	}
	if r := app.Get(t, c, "/readyz"); r.StatusCode != http.StatusOK {
		t.Errorf("readyz: %d %s", r.StatusCode, r.Body)
	}
	login := app.Get(t, c, "/login")
	// The page's icon, and the conventional address sent to it.
	icon := regexp.MustCompile(`<link rel="icon" type="image/svg\+xml" href="(/static/[^"]+)"`).FindStringSubmatch(login.Body)
	if icon == nil {
		t.Fatal("the page names no icon")
	}
	if r := app.Get(t, c, icon[1]); r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "image/svg+xml") {
		t.Errorf("icon: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	if r := app.Get(t, c, "/favicon.ico"); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != icon[1] {
		t.Errorf("/favicon.ico: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Request-Id"} {
		if login.Header.Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
	if login.Header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(login.Header.Get("Content-Type"), "text/html; charset=utf-8") {
		t.Errorf("login headers: %v", login.Header)
	}
	css := regexp.MustCompile(`/static/app-[0-9a-f]{64}\.css`).FindString(login.Body)
	if css == "" {
		t.Fatal("no hashed stylesheet link")
	}
	r := app.Get(t, c, css)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Cache-Control"), "max-age=31536000") {
		t.Errorf("static: %d %s", r.StatusCode, r.Header.Get("Cache-Control"))
	}
	for _, p := range []string{"/static/", "/static/vendor/", "/static/../go.mod"} {
		if r := app.Get(t, c, p); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, r.StatusCode)
		}
	}
	app.Server.Drain()
	if r := app.Get(t, c, "/readyz"); r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz while draining: %d", r.StatusCode)
	}
	if r := app.Get(t, c, "/healthz"); r.StatusCode != http.StatusOK {
		t.Errorf("healthz while draining: %d", r.StatusCode)
	}
}

// With the database gone, pages answer 503 with a retry hint, and /healthz
// still says the process lives.
func TestDatabaseOutageIs503(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	testkit.MustUser(t, app.Store, "fin@example.test", []procure.Role{procure.RoleFinance})
	c := app.SignIn(t, "fin@example.test")
	app.Pool.Close()
	r := app.Get(t, c, "/")
	if r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, "not reachable") {
		t.Errorf("login without a database: %d %q", r.StatusCode, r.Body)
	}
	if !strings.Contains(r.Body, `rel="stylesheet"`) {
		t.Errorf("the outage page has no styles: %q", r.Body)

	}
	if r := app.Get(t, c, "/readyz"); r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz: %d", r.StatusCode)
	}
	if r := app.Get(t, c, "/healthz"); r.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", r.StatusCode)
	}
}
