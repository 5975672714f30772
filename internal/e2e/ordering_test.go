package e2e_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/testkit"
	"github.com/procure-app/procure/internal/webtest"
)

// TestOfficeAdminOrders is the ordering journey: an office admin searches
// the catalogue, adds three items from two vendors and an off-contract
// line, submits and sees two POs issued; procurement approves the
// off-contract line; the office admin records a partial receipt.
func TestOfficeAdminOrders(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	st := app.Store
	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	testkit.MustUser(t, st, "office@example.test", testkit.Roles(procure.RoleOrderer), muc)
	testkit.MustUser(t, st, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	for _, sku := range []string{"PAP-A4", "PAP-A3", "PEN-BLUE"} {
		testkit.MustItem(t, st, sku, "Office")
	}
	acme := testkit.MustVendor(t, st, "Acme Paper", procure.VendorApproved)
	bolt := testkit.MustVendor(t, st, "Bolt Pens", procure.VendorApproved)
	today := time.Now().UTC().Format(time.DateOnly)
	end := time.Now().UTC().AddDate(1, 0, 0).Format(time.DateOnly)
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-A", VendorID: acme, Status: procure.ContractActive, Start: today, End: end,
		Prices: []procure.PriceValues{{SKU: "PAP-A4", Tiers: testkit.Tiers("1", "4.20")}, {SKU: "PAP-A3", Tiers: testkit.Tiers("1", "7.90")}}})
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-B", VendorID: bolt, Status: procure.ContractActive, Start: today, End: end,
		Prices: []procure.PriceValues{{SKU: "PEN-BLUE", Tiers: testkit.Tiers("1", "0.80")}}})

	ctx := browser(t)
	signIn(t, ctx, app.URL, "office@example.test", testkit.Password)
	must(t, ctx, "search the catalogue",
		chromedp.Navigate(app.URL+"/catalogue"),
		chromedp.SendKeys(chromedp.ID("q"), "PAP"),
		chromedp.WaitNotPresent(chromedp.Search(`//td/code[text()="PEN-BLUE"]`)), // htmx narrowed the list as we typed
	)
	for _, sku := range []string{"PAP-A4", "PAP-A3"} {
		row := `//tr[td/code[text()="` + sku + `"]]`
		must(t, ctx, "add "+sku,
			chromedp.SetValue(chromedp.Search(row+`//input[@name="qty"]`), "10"),
			chromedp.Click(chromedp.Search(row+`//form[@action="/cart/lines"]//button`)),
			chromedp.WaitVisible(chromedp.Search(row+`//div[contains(text(), "Added 10")]`)),
		)
	}
	must(t, ctx, "add pens",
		chromedp.Navigate(app.URL+"/catalogue?q=PEN"),
		chromedp.SetValue(chromedp.Search(`//tr[td/code[text()="PEN-BLUE"]]//input[@name="qty"]`), "50"),
		chromedp.Click(chromedp.Search(`//tr[td/code[text()="PEN-BLUE"]]//form[@action="/cart/lines"]//button`)),
		chromedp.WaitVisible(chromedp.Search(`//div[contains(text(), "Added 50")]`)),
	)
	must(t, ctx, "add an off-contract line",
		chromedp.Navigate(app.URL+"/cart"),
		chromedp.Click(chromedp.Search(`//summary[contains(text(), "not in the catalogue")]`)),
		chromedp.SendKeys(chromedp.ID("oc-description"), "Flip chart easel"),
		chromedp.SendKeys(chromedp.ID("oc-qty"), "1"),
		chromedp.SendKeys(chromedp.ID("oc-price"), "120"),
		chromedp.SendKeys(chromedp.ID("oc-reason"), "Training room needs one"),
		chromedp.Click(chromedp.Search(`//form[@action="/cart/offcontract"]//button`)),
		chromedp.WaitVisible(chromedp.Search(`//td[contains(., "Flip chart easel")]`)),
	)
	// 10 × 4.20 + 10 × 7.90 + 50 × 0.80 = 42.00 + 79.00 + 40.00 = 161.00
	if total := text(t, ctx, "#cart tfoot"); !strings.Contains(total, "161.00 EUR") {
		t.Errorf("cart total: %s", total)
	}
	must(t, ctx, "submit", chromedp.Click(chromedp.CSS(".submit-order")), chromedp.WaitVisible(chromedp.CSS(".flash-ok")))
	flash := text(t, ctx, ".flash-ok")
	if !strings.Contains(flash, "PO-") || !strings.Contains(flash, "1 off-contract line(s) wait") {
		t.Errorf("after submit: %s", flash)
	}
	orders := text(t, ctx, "main table")
	if strings.Count(orders, "PO-") != 2 || !strings.Contains(orders, "Acme Paper") || !strings.Contains(orders, "Bolt Pens") {
		t.Errorf("request's POs: %s", orders)
	}
	requestURL, _ := chromedp.Run(ctx, chromedp.Location())
	signOut(t, ctx)

	signIn(t, ctx, app.URL, "proc@example.test", testkit.Password)
	must(t, ctx, "approve the off-contract line",
		chromedp.Navigate(app.URL+"/approvals"),
		chromedp.SetValue(chromedp.CSS(`select[name="vendor_id"]`), itoa(acme)),
		chromedp.Click(chromedp.Search(`//button[contains(text(), "Approve and issue PO")]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash-ok")),
	)
	if msg := text(t, ctx, ".flash-ok"); !strings.Contains(msg, "Approved: PO-") {
		t.Errorf("approval: %s", msg)
	}
	signOut(t, ctx)

	signIn(t, ctx, app.URL, "office@example.test", testkit.Password)
	must(t, ctx, "see the approval", chromedp.Navigate(requestURL), chromedp.WaitVisible(chromedp.CSS("main")))
	if page := text(t, ctx, "main"); strings.Count(page, "PO-") < 3 || !strings.Contains(page, "approved") {
		t.Errorf("request after approval: %s", page)
	}
	must(t, ctx, "receive part of the paper",
		chromedp.Click(chromedp.Search(`//a[text()="PO-`+strconv.Itoa(time.Now().Year())+`-000001"]`)),
		chromedp.WaitVisible(chromedp.Search(`//button[contains(text(), "Record receipt")]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name^="qty_"]`), "4"),
		chromedp.Click(chromedp.Search(`//button[contains(text(), "Record receipt")]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash-ok")),
	)
	if badge := text(t, ctx, "h1 .badge"); badge != "partially received" {
		t.Errorf("PO status after partial receipt: %q", badge)
	}
}

// TestOrderingWithoutJavaScript is the core of the journey in a browser
// that runs no script: the search is a plain form, Add posts and comes
// back with a message at the top of the page (htmx would have swapped one
// into the row instead), and the cart submits.
func TestOrderingWithoutJavaScript(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	st := app.Store
	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	testkit.MustUser(t, st, "office@example.test", testkit.Roles(procure.RoleOrderer), muc)
	testkit.MustItem(t, st, "PAP-A4", "Office")
	testkit.MustItem(t, st, "PEN-BLUE", "Office")
	acme := testkit.MustVendor(t, st, "Acme Paper", procure.VendorApproved)
	today := time.Now().UTC().Format(time.DateOnly)
	end := time.Now().UTC().AddDate(1, 0, 0).Format(time.DateOnly)
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-A", VendorID: acme, Status: procure.ContractActive, Start: today, End: end,
		Prices: []procure.PriceValues{{SKU: "PAP-A4", Tiers: testkit.Tiers("1", "4.20")}, {SKU: "PEN-BLUE", Tiers: testkit.Tiers("1", "0.80")}}})

	ctx := browser(t)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, app.URL, "office@example.test", testkit.Password)
	must(t, ctx, "search with the form",
		chromedp.Navigate(app.URL+"/catalogue"),
		chromedp.SendKeys(chromedp.ID("q"), "PAP"),
		chromedp.Click(chromedp.CSS(`form[role="search"] button[type="submit"]`)),
		chromedp.WaitNotPresent(chromedp.Search(`//td/code[text()="PEN-BLUE"]`)),
	)
	if u, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(u, "q=PAP") {
		t.Errorf("the search's address %s does not carry the term (bookmarkable)", u)
	}
	row := `//tr[td/code[text()="PAP-A4"]]`
	must(t, ctx, "add to the cart",
		chromedp.SetValue(chromedp.Search(row+`//input[@name="qty"]`), "3"),
		chromedp.Click(chromedp.Search(row+`//form[@action="/cart/lines"]//button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash-ok")),
	)
	if msg := text(t, ctx, ".flash-ok"); !strings.Contains(msg, "Added 3 each") {
		t.Errorf("after Add: %q", msg)
	}
	must(t, ctx, "submit the cart",
		chromedp.Navigate(app.URL+"/cart"),
		chromedp.Click(chromedp.CSS(".submit-order")),
		chromedp.WaitVisible(chromedp.CSS(".flash-ok")),
	)
	if msg := text(t, ctx, ".flash-ok"); !strings.Contains(msg, "PO-") {
		t.Errorf("after submitting: %q", msg)
	}
}
