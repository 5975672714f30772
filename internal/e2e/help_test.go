package e2e_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/testkit"
	"github.com/procure-app/procure/internal/webtest"
)

// bell reads the notifications link's accessible label.
func bell(t *testing.T, ctx context.Context) string {
	t.Helper()
	label, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("a.bell"), "aria-label"))
	if err != nil {
		t.Fatalf("read the bell: %v", err)
	}
	return label.Value
}

// TestOfficeAdminAsksProcurementReplies is the help journey: an office admin
// asks a question, procurement replies, the office admin sees the reply and
// the unread count drops.
func TestOfficeAdminAsksProcurementReplies(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	st := app.Store
	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	testkit.MustUser(t, st, "office@example.test", testkit.Roles(procure.RoleOrderer), muc)
	testkit.MustUser(t, st, "proc@example.test", testkit.Roles(procure.RoleProcurement))

	ctx := browser(t)
	signIn(t, ctx, app.URL, "office@example.test", testkit.Password)
	must(t, ctx, "ask procurement from the help centre",
		chromedp.Click(chromedp.Search(`//nav//a[text()="Help"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[text()="Help"]`)),
		chromedp.Click(chromedp.Search(`//main//a[text()="Ask procurement"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[text()="Ask procurement"]`)),
		chromedp.SendKeys(chromedp.ID("subject"), "Standing desks for Munich?"),
		chromedp.SendKeys(chromedp.ID("text"), "Two colleagues need standing desks. Which supplier can we use?"),
		chromedp.Click(chromedp.Search(`//button[text()="Send to procurement"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash-ok")),
	)
	if got := text(t, ctx, "main"); !strings.Contains(got, "Sent to procurement") || !strings.Contains(got, "Two colleagues need standing desks") {
		t.Fatalf("after asking:\n%s", got)
	}
	signOut(t, ctx)

	signIn(t, ctx, app.URL, "proc@example.test", testkit.Password)
	if got := bell(t, ctx); got != "Notifications, 1 unread" {
		t.Errorf("procurement's bell: %q", got)
	}
	must(t, ctx, "reply from the queue",
		chromedp.Navigate(app.URL+"/help/requests"),
		chromedp.Click(chromedp.Search(`//a[text()="Standing desks for Munich?"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[text()="Standing desks for Munich?"]`)),
		chromedp.SendKeys(chromedp.ID("text"), "Use the furniture contract with Desks Inc: order them as an off-contract line for now."),
		chromedp.Click(chromedp.Search(`//button[text()="Send reply"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash-ok")),
	)
	signOut(t, ctx)

	signIn(t, ctx, app.URL, "office@example.test", testkit.Password)
	if got := bell(t, ctx); got != "Notifications, 1 unread" {
		t.Errorf("office admin's bell before reading: %q", got)
	}
	if got := text(t, ctx, "a.bell"); !strings.Contains(got, "1") {
		t.Errorf("the bell shows no count: %q", got)
	}
	must(t, ctx, "open the reply from the notifications",
		chromedp.Click(chromedp.CSS("a.bell")),
		chromedp.WaitVisible(chromedp.Search(`//h1[text()="Notifications"]`)),
		chromedp.Click(chromedp.Search(`//button[text()="Open"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[text()="Standing desks for Munich?"]`)),
	)
	if got := text(t, ctx, "main"); !strings.Contains(got, "Use the furniture contract with Desks Inc") || !strings.Contains(got, "answered Asked by") {
		t.Errorf("the thread lacks the reply:\n%s", got)
	}
	if got := bell(t, ctx); got != "Notifications, none unread" {
		t.Errorf("office admin's bell after reading: %q", got)
	}
}
