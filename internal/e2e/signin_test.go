package e2e_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/procure-app/procure/internal/demo"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/testkit"
	"github.com/procure-app/procure/internal/webtest"
)

// TestDemoUsersSignIn: every demo user signs in through the browser, sees
// their own home page and navigation, and signs out.
func TestDemoUsersSignIn(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	hasher, _ := testkit.Hasher(t)
	if err := demo.Seed(t.Context(), app.Store, hasher, slog.New(slog.NewTextHandler(io.Discard, nil)), pricing.DateOf(time.Now())); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	wantPanel := map[string]string{
		"owner@demo.test":        "Owner",
		"procurement@demo.test":  "Procurement",
		"finance@demo.test":      "Finance",
		"office@demo.test":       "Office admin",
		"office.north@demo.test": "Office admin",
	}
	for _, u := range demo.Users {
		signIn(t, ctx, app.URL, u.Email, demo.Password)
		if h1 := text(t, ctx, "main h1"); h1 != "Welcome, "+u.Name {
			t.Errorf("%s sees %q", u.Email, h1)
		}
		if panel := text(t, ctx, "main article h2"); panel != wantPanel[u.Email] {
			t.Errorf("%s home panel %q, want %q", u.Email, panel, wantPanel[u.Email])
		}
		nav := text(t, ctx, "nav.app-nav")
		if hasAdmin := strings.Contains(nav, "Users"); hasAdmin != (u.Email == "owner@demo.test") {
			t.Errorf("%s navigation %q", u.Email, nav)
		}
		signOut(t, ctx)
	}
	// A wrong password in the browser shows the message and keeps the email.
	must(t, ctx, "wrong password",
		chromedp.Navigate(app.URL+"/login"),
		chromedp.SendKeys(chromedp.ID("email"), "finance@demo.test"),
		chromedp.SendKeys(chromedp.ID("password"), "not the password"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-error`)),
	)
	if msg := text(t, ctx, ".flash-error"); !strings.Contains(msg, "not right") {
		t.Errorf("error shown: %q", msg)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("email"))); v != "finance@demo.test" {
		t.Errorf("email not kept: %q", v)
	}
}
