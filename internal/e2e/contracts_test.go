package e2e_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/testkit"
	"github.com/procure-app/procure/internal/webtest"
)

// TestProcurementDefinesAContract: procurement creates a vendor, approves
// it, creates a contract covering one location with two tiered price rows
// (added in place with htmx), activates it and finds it in the list.
func TestProcurementDefinesAContract(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	testkit.MustLocation(t, app.Store, "MUC", "EUR")
	testkit.MustLocation(t, app.Store, "BER", "EUR")
	testkit.MustUser(t, app.Store, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	testkit.MustItem(t, app.Store, "PAP-A4", "Paper")
	testkit.MustItem(t, app.Store, "PEN-BLUE", "Writing")
	ctx := browser(t)
	signIn(t, ctx, app.URL, "proc@example.test", testkit.Password)

	must(t, ctx, "create the vendor",
		chromedp.Navigate(app.URL+"/vendors/new"),
		chromedp.SendKeys(chromedp.ID("name"), "Papyrus GmbH"),
		chromedp.SendKeys(chromedp.ID("email"), "orders@papyrus.example"),
		chromedp.SendKeys(chromedp.ID("categories"), "Paper, Writing"),
		chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".badge-pending")),
	)
	must(t, ctx, "approve it",
		chromedp.Click(chromedp.CSS("details summary")),
		chromedp.SetValue(chromedp.ID("status"), "approved"),
		chromedp.SendKeys(chromedp.ID("reason"), "Won the paper tender"),
		chromedp.Click(chromedp.CSS(`form[action$="/status"] button`)),
		chromedp.WaitVisible(chromedp.CSS("h1 .badge-approved")),
	)
	vendorURL, _ := chromedp.Run(ctx, chromedp.Location())
	vendorID := vendorURL[strings.LastIndex(vendorURL, "/")+1:]

	must(t, ctx, "create the contract",
		chromedp.Navigate(app.URL+"/contracts/new"),
		chromedp.SetValue(chromedp.ID("vendor_id"), vendorID),
		chromedp.SendKeys(chromedp.ID("title"), "Office paper 2026"),
		chromedp.SendKeys(chromedp.ID("cap"), "25000"),
	)
	// Tick Munich only (the second checkbox: Berlin sorts first).
	must(t, ctx, "cover Munich", chromedp.Click(chromedp.CSS(`label[for="locations-1"]`)))
	must(t, ctx, "save the draft",
		chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".badge-draft")),
	)
	for _, row := range []struct{ sku, min1, p1, min2, p2 string }{
		{"PAP-A4", "1", "4.20", "100", "3.95"},
		{"PEN-BLUE", "10", "0.80", "500", "0.65"},
	} {
		must(t, ctx, "add price row "+row.sku,
			chromedp.Click(chromedp.CSS("#prices details summary")),
			chromedp.SendKeys(chromedp.ID("price-sku"), row.sku),
			chromedp.SendKeys(chromedp.CSS(`input[name="min_qty_1"]`), row.min1),
			chromedp.SendKeys(chromedp.CSS(`input[name="price_1"]`), row.p1),
			chromedp.SendKeys(chromedp.CSS(`input[name="min_qty_2"]`), row.min2),
			chromedp.SendKeys(chromedp.CSS(`input[name="price_2"]`), row.p2),
			chromedp.Click(chromedp.CSS(`#prices form[action$="/prices"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.Search(`//section[@id="prices"]//td/code[text()="`+row.sku+`"]`)),
		)
	}
	prices := text(t, ctx, "#prices table")
	for _, want := range []string{"from 100: 3.95 EUR", "from 500: 0.65 EUR", "PEN-BLUE"} {
		if !strings.Contains(prices, want) {
			t.Errorf("price table lacks %q:\n%s", want, prices)
		}
	}
	must(t, ctx, "activate",
		chromedp.Click(chromedp.CSS(`form[action$="/status"] input[value="active"] + button`)),
		chromedp.WaitVisible(chromedp.CSS("h1 .badge-active")),
	)
	if covers := text(t, ctx, "main dl"); !strings.Contains(covers, "MUC office") || strings.Contains(covers, "BER office") {
		t.Errorf("covered locations: %s", covers)
	}
	must(t, ctx, "see it in the list", chromedp.Navigate(app.URL+"/contracts?status=active"), chromedp.Sleep(100*time.Millisecond))
	if list := text(t, ctx, "main table"); !strings.Contains(list, "Office paper 2026") || !strings.Contains(list, "Papyrus GmbH") {
		t.Errorf("list: %s", list)
	}
}
