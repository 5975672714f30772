package e2e_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/testkit"
	"github.com/procure-app/procure/internal/webtest"
)

// TestFinanceResolvesAnOverpricedInvoice is the finance journey: an invoice
// recorded from its PO with one overpriced line shows the exception;
// finance accepts it with a comment and sees the variance in the report.
func TestFinanceResolvesAnOverpricedInvoice(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	st := app.Store
	ctx0 := t.Context()
	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	office := testkit.MustUser(t, st, "office@example.test", testkit.Roles(procure.RoleOrderer), muc)
	testkit.MustUser(t, st, "finance@example.test", testkit.Roles(procure.RoleFinance))
	for _, sku := range []string{"PAP-A4", "PEN-BLUE"} {
		testkit.MustItem(t, st, sku, "Office")
	}
	acme := testkit.MustVendor(t, st, "Acme Office", procure.VendorApproved)
	today := time.Now().UTC().Format(time.DateOnly)
	end := time.Now().UTC().AddDate(1, 0, 0).Format(time.DateOnly)
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-A", VendorID: acme, Status: procure.ContractActive, Start: today, End: end,
		Tolerance: money.Percent(100), // 1 %
		Prices:    []procure.PriceValues{{SKU: "PAP-A4", Tiers: testkit.Tiers("1", "4.20")}, {SKU: "PEN-BLUE", Tiers: testkit.Tiers("1", "0.80")}}})
	items, _ := st.ItemsBySKU(ctx0, []string{"PAP-A4", "PEN-BLUE"})
	// In this order, so that the paper is the PO's line 1 (a map's order is random).
	for _, sku := range []string{"PAP-A4", "PEN-BLUE"} {
		if _, err := st.AddToCart(ctx0, office.ID, muc, items[sku].ID, 10_000); err != nil {
			t.Fatal(err)
		}
	}
	flows := app.Server.App
	res, err := flows.SubmitRequest(ctx0, office, muc, "e2e-finance-key-000001", nil)
	if err != nil || len(res.POs) != 1 {
		t.Fatalf("submit %+v %v", res, err)
	}
	req, _ := st.PurchaseRequestByID(ctx0, procure.Scope{}, res.RequestID)
	po, _ := st.PurchaseOrderByID(ctx0, procure.Scope{}, req.Orders[0].ID)
	recv := map[int64]money.Quantity{}
	for _, l := range po.Lines {
		recv[l.ID] = l.Qty
	}
	if _, err := flows.ReceiveGoods(ctx0, office, po.ID, "", recv, ""); err != nil {
		t.Fatal(err)
	}

	ctx := browser(t)
	signIn(t, ctx, app.URL, "finance@example.test", testkit.Password)
	// Paper billed at 4.50 instead of 4.20 (beyond 1 %): 10 × 0.30 = 3.00 over.
	must(t, ctx, "record the invoice from its PO",
		// Each step that navigates is followed by a wait for something only
		// the next page has, so no query runs against a page being replaced.
		chromedp.Navigate(app.URL+"/invoices"),
		chromedp.Click(chromedp.Search(`//a[text()="Record an invoice"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[text()="Record an invoice"]`)),
		chromedp.WaitReady(chromedp.ID("po_number")),
		chromedp.SendKeys(chromedp.ID("po_number"), po.Number),
		chromedp.Click(chromedp.Search(`//button[contains(text(), "Add the PO's lines")]`)),
		chromedp.WaitVisible(chromedp.ID("qty_2")),
		chromedp.WaitReady(chromedp.ID("number")),
		chromedp.SendKeys(chromedp.ID("number"), "AC-2026-0042"),
		chromedp.SetValue(chromedp.ID("unit_price_1"), "4.50"),
		chromedp.Click(chromedp.Search(`//button[text()="Record and match the invoice"]`)),
		chromedp.WaitVisible(chromedp.ID("approve-note")),
	)
	page := text(t, ctx, "main")
	for _, want := range []string{"AC-2026-0042", "exception", "+3.00 EUR", "beyond the 1% tolerance", "Accept the variance"} {
		if !strings.Contains(page, want) {
			t.Errorf("invoice page lacks %q:\n%s", want, page)
		}
	}
	must(t, ctx, "accept the variance with a comment",
		chromedp.SendKeys(chromedp.ID("approve-note"), "Paper surcharge agreed with Acme for this month"),
		chromedp.Click(chromedp.Search(`//button[contains(text(), "Accept the variance")]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash-ok")),
	)
	if got := text(t, ctx, ".flash-ok"); !strings.Contains(got, "approved for payment") {
		t.Errorf("after approving: %s", got)
	}
	if got := text(t, ctx, "main"); !strings.Contains(got, "Paper surcharge agreed") {
		t.Errorf("the comment is not shown:\n%s", got)
	}
	must(t, ctx, "open the price variance report",
		chromedp.Click(chromedp.Search(`//nav//a[text()="Reports"]`)),
		chromedp.Click(chromedp.Search(`//a[text()="Price variance"]`)),
		chromedp.WaitVisible(chromedp.CSS("table.report-totals")),
	)
	totals := text(t, ctx, "table.report-totals")
	// Invoiced 10 × 4.50 + 10 × 0.80 = 53.00; overbilled 3.00; one line beyond.
	for _, want := range []string{"53.00 EUR", "3.00 EUR"} {
		if !strings.Contains(totals, want) {
			t.Errorf("report totals lack %q: %s", want, totals)
		}
	}
	if rows := text(t, ctx, "main table:not(.report-totals)"); !strings.Contains(rows, "Acme Office") {
		t.Errorf("report rows: %s", rows)
	}
}
