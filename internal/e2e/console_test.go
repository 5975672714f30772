package e2e_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/procure-app/procure/internal/demo"
	"github.com/procure-app/procure/internal/webtest"
)

// TestDemoPagesRunWithoutBrowserErrors opens the pages each demo role
// works in, types into the live search, and fails on anything the browser
// reports as an error: a script exception, console.error, a refused
// resource or a Content-Security-Policy violation (which the server's
// strict policy would cause for any inline script or style).
func TestDemoPagesRunWithoutBrowserErrors(t *testing.T) {
	t.Parallel()
	app := webtest.StartDemo(t)
	pages := map[string][]string{
		"office@demo.test": {"/", "/catalogue", "/cart", "/requests", "/pos", "/pos/1", "/pos/1/print", "/suppliers", "/help", "/notifications"},
		"procurement@demo.test": {"/approvals", "/contracts", "/contracts/1", "/vendors", "/items", "/reports/compliance", "/reports/utilisation",
			"/reports/value", "/help/requests"},
		"finance@demo.test": {"/invoices", "/reports/price-variance", "/reports/drift", "/reports/cycle-time"},
		"owner@demo.test":   {"/admin/users", "/admin/locations", "/admin/audit"},
	}
	for _, email := range []string{"office@demo.test", "procurement@demo.test", "finance@demo.test", "owner@demo.test"} {
		ctx := browser(t)
		var mu sync.Mutex
		var problems []string
		if err := chromedp.Listen(ctx, func(ev any) {
			var p string
			switch ev := ev.(type) {
			case *runtime.EventExceptionThrown:
				p = "exception: " + ev.ExceptionDetails.Text
				if ev.ExceptionDetails.Exception != nil {
					p += " " + ev.ExceptionDetails.Exception.Description
				}
			case *runtime.EventConsoleAPICalled:
				if ev.Type == runtime.ConsoleAPICalledTypeError {
					var args []string
					for _, a := range ev.Args {
						args = append(args, string(a.Value)+a.Description)
					}
					p = "console.error: " + strings.Join(args, " ")
				}
			case *cdplog.EventEntryAdded:
				if ev.Entry.Level == cdplog.EntryLevelError {
					p = fmt.Sprintf("%s: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
				}
			}
			if p != "" {
				mu.Lock()
				problems = append(problems, p)
				mu.Unlock()
			}
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(ctx, runtime.Enable, struct{}{}); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(ctx, cdplog.Enable, struct{}{}); err != nil {
			t.Fatal(err)
		}
		signIn(t, ctx, app.URL, email, demo.Password)
		for _, path := range pages[email] {
			must(t, ctx, "open "+path, chromedp.Navigate(app.URL+path), chromedp.WaitReady("body"))
			if path == "/catalogue" { // the live search swaps results in with htmx
				must(t, ctx, "search", chromedp.SendKeys(chromedp.ID("q"), "paper"), chromedp.Sleep(600*time.Millisecond))
			}
			mu.Lock()
			for _, p := range problems {
				t.Errorf("%s as %s: %s", path, email, p)
			}
			problems = nil
			mu.Unlock()
		}
	}
}
