package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/testkit"
	"github.com/procure-app/procure/internal/webtest"
)

func TestSignInAndOut(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	testkit.MustUser(t, app.Store, "fin@example.test", testkit.Roles(procure.RoleFinance))
	c := app.Client(t)

	// Before signing in: the home page sends to /login.
	if r := app.Get(t, c, "/"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("anonymous home: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := app.Get(t, c, "/admin/users?x=1"); r.Header.Get("Location") != "/login?next="+url.QueryEscape("/admin/users?x=1") {
		t.Errorf("next not kept: %s", r.Header.Get("Location"))
	}
	r := app.PostForm(t, c, "/login", url.Values{"email": {"FIN@example.test"}, "password": {testkit.Password}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("sign in: %d %s", r.StatusCode, r.Body)
	}
	// Signing in over an existing, valid session must issue a new token
	// (session fixation: a planted token never becomes an authenticated one).
	before := sessionCookie(c, app.URL)
	app.PostForm(t, c, "/login", url.Values{"email": {"fin@example.test"}, "password": {testkit.Password}})
	after := sessionCookie(c, app.URL)
	if before == "" || after == "" || after == before {
		t.Errorf("session token not renewed at sign-in: %q → %q", before, after)
	}
	if r := app.Get(t, c, "/"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Welcome, User fin") {
		t.Fatalf("home after sign-in: %d", r.StatusCode)
	}

	// Sign out destroys the session server-side: replaying the old cookie
	// in another client gets nowhere.
	stolen := app.Client(t)
	u, _ := url.Parse(app.URL)
	stolen.Jar.SetCookies(u, []*http.Cookie{{Name: "procure_session", Value: after}})
	if r := app.Get(t, stolen, "/"); r.StatusCode != http.StatusOK {
		t.Fatalf("copied cookie before sign-out: %d", r.StatusCode)
	}
	if r := app.PostForm(t, c, "/logout", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.StatusCode)
	}
	if r := app.Get(t, stolen, "/"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("old cookie still works after sign-out: %d", r.StatusCode)
	}
	var n int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM sessions WHERE token = $1`, after).Scan(&n); err != nil || n != 0 {
		t.Errorf("session row left behind: %d, %v", n, err)
	}
}

func sessionCookie(c *http.Client, base string) string {
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "procure_session" {
			return ck.Value
		}
	}
	return ""
}

func TestSignInFailuresLookAlike(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	testkit.MustUser(t, app.Store, "fin@example.test", testkit.Roles(procure.RoleFinance))
	off := testkit.MustUser(t, app.Store, "gone@example.test", testkit.Roles(procure.RoleFinance))
	testkit.MustUser(t, app.Store, "owner@example.test", testkit.Roles(procure.RoleOwner))
	in := procure.UserInput{Email: off.Email, Name: off.Name, Roles: off.Roles, Active: false, Version: off.Version}
	if err := app.Store.UpdateUser(t.Context(), 0, off.ID, in); err != nil {
		t.Fatal(err)
	}
	cases := []url.Values{
		{"email": {"fin@example.test"}, "password": {"wrong password!"}},
		{"email": {"nobody@example.test"}, "password": {testkit.Password}},
		{"email": {"gone@example.test"}, "password": {testkit.Password}}, // deactivated
	}
	var bodies []string
	for _, v := range cases {
		r := app.PostForm(t, app.Client(t), "/login", v)
		if r.StatusCode != http.StatusUnauthorized {
			t.Errorf("%v: status %d", v, r.StatusCode)
		}
		i := strings.Index(r.Body, "<h1>Sign in</h1>")
		bodies = append(bodies, strings.ReplaceAll(r.Body[i:], v.Get("email"), "EMAIL"))
	}
	if bodies[0] != bodies[1] || bodies[1] != bodies[2] {
		t.Error("wrong password, unknown email and deactivated user are told apart")
	}
	if !strings.Contains(bodies[0], "The email or password is not right") {
		t.Errorf("message: %s", bodies[0])
	}
	events, _ := app.Store.AuditEvents(t.Context(), storeFilter("auth.sign_in_failed"))
	if len(events) != 3 {
		t.Errorf("%d failed sign-ins audited, want 3", len(events))
	}
}

func TestSignInIsThrottledPerEmail(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	testkit.MustUser(t, app.Store, "fin@example.test", testkit.Roles(procure.RoleFinance))
	bad := url.Values{"email": {"fin@example.test"}, "password": {"not the password"}}
	for i := range 5 {
		if r := app.PostForm(t, app.Client(t), "/login", bad); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, r.StatusCode)
		}
	}
	// Locked now: even the right password is refused, with 429.
	r := app.PostForm(t, app.Client(t), "/login", url.Values{"email": {"fin@example.test"}, "password": {testkit.Password}})
	if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.Body, "Too many failed sign-ins") || r.Header.Get("Retry-After") == "" {
		t.Fatalf("after 5 failures: %d", r.StatusCode)
	}
	// An unknown email locks the same way (no hint that it does not exist).
	ghost := url.Values{"email": {"ghost@example.test"}, "password": {"whatever123"}}
	for range 5 {
		app.PostForm(t, app.Client(t), "/login", ghost)
	}
	if r := app.PostForm(t, app.Client(t), "/login", ghost); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("unknown email not locked: %d", r.StatusCode)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	testkit.MustUser(t, app.Store, "owner@example.test", testkit.Roles(procure.RoleOwner))
	c := app.SignIn(t, "owner@example.test")
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}} {
		req, _ := http.NewRequest(http.MethodPost, app.URL+"/admin/locations",
			strings.NewReader(url.Values{"code": {"EVIL"}, "name": {"Evil"}, "currency": {"EUR"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		r := app.Do(t, c, req)
		if r.StatusCode != http.StatusForbidden {
			t.Errorf("%v: status %d", h, r.StatusCode)
		}
		// Refused before the session is read, the page still has its styles.
		if !strings.Contains(r.Body, "came from another site") || !strings.Contains(r.Body, `rel="stylesheet"`) {
			t.Errorf("%v: the refusal page: %q", h, r.Body)
		}
	}
	locs, _ := app.Store.Locations(t.Context(), procure.Scope{})
	if len(locs) != 0 {
		t.Errorf("a cross-site request created %d locations", len(locs))
	}
}

func TestSafeNext(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	testkit.MustUser(t, app.Store, "fin@example.test", testkit.Roles(procure.RoleFinance))
	for next, want := range map[string]string{
		"/admin/users":         "/admin/users",
		"//evil.example/":      "/",
		"/\\evil.example":      "/",
		"https://evil.example": "/",
		"":                     "/",
	} {
		r := app.PostForm(t, app.Client(t), "/login", url.Values{"email": {"fin@example.test"}, "password": {testkit.Password}, "next": {next}})
		if r.Header.Get("Location") != want {
			t.Errorf("next=%q redirected to %q, want %q", next, r.Header.Get("Location"), want)
		}
	}
}

// The idle timeout is enforced by the server: a session unused for longer
// than the idle timeout (30 minutes by default) is signed out; activity
// keeps it alive.
func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	clock := webtest.NewClock(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC))
	app := webtest.Start(t, webtest.WithClock(clock))
	testkit.MustUser(t, app.Store, "fin@example.test", testkit.Roles(procure.RoleFinance))
	c := app.SignIn(t, "fin@example.test")
	for range 3 { // 25 minutes apart: each request keeps the session alive
		clock.Advance(25 * time.Minute)
		if r := app.Get(t, c, "/"); r.StatusCode != http.StatusOK {
			t.Fatalf("active session signed out: %d", r.StatusCode)
		}
	}
	clock.Advance(31 * time.Minute)
	if r := app.Get(t, c, "/"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Errorf("idle session still signed in: %d", r.StatusCode)
	}
}
