package server_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/testkit"
)

// books is a shop with a received Acme order (PAP-1 ×20 at 5.00, Munich)
// and a finance user signed in.
type books struct {
	shop
	finance  *http.Client
	po       procure.PurchaseOrder
	acme     int64
	boltLine int64 // a line of a Bolt order, for tampering
}

func newBooks(t *testing.T) books {
	t.Helper()
	b := books{shop: newShop(t)}
	st, ctx := b.app.Store, t.Context()
	testkit.MustUser(t, st, "finance@example.test", testkit.Roles(procure.RoleFinance))
	b.finance = b.app.SignIn(t, "finance@example.test")
	a := appflows(b.app)
	if _, err := st.AddToCart(ctx, b.officeUser.ID, b.muc, b.paper, 20_000); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddToCart(ctx, b.officeUser.ID, b.muc, b.pens, 1_000); err != nil {
		t.Fatal(err)
	}
	res, err := a.SubmitRequest(ctx, b.officeUser, b.muc, "books-test-key-00000001", nil)
	if err != nil || len(res.POs) != 2 {
		t.Fatalf("submit %+v %v", res, err)
	}
	req, _ := st.PurchaseRequestByID(ctx, procure.Scope{}, res.RequestID)
	for _, o := range req.Orders {
		po, _ := st.PurchaseOrderByID(ctx, procure.Scope{}, o.ID)
		if po.VendorName == "Acme Paper" {
			b.po, b.acme = po, po.VendorID
		} else {
			b.boltLine = po.Lines[0].ID
		}
	}
	if _, err := a.ReceiveGoods(ctx, b.officeUser, b.po.ID, "", map[int64]money.Quantity{b.po.Lines[0].ID: 20_000}, ""); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b books) invoiceForm(number, qty, price string) url.Values {
	return url.Values{"po": {fmt.Sprint(b.po.ID)}, "vendor_id": {fmt.Sprint(b.acme)}, "number": {number}, "date": {"2026-06-05"},
		"currency": {"EUR"}, "lines": {"4"}, "po_line_1": {fmt.Sprint(b.po.Lines[0].ID)}, "qty_1": {qty}, "unit_price_1": {price},
		"description_2": {""}, "qty_2": {""}, "unit_price_2": {""}}
}

var invoiceLocation = regexp.MustCompile(`^/invoices/(\d+)$`)

func TestRecordInvoiceThroughTheForm(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	// The form prefills from the PO number: 20 received, none invoiced, at 5.00.
	r := b.app.Get(t, b.finance, "/invoices/new?po_number="+b.po.Number)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `name="qty_1" type="text" value="20"`) || !strings.Contains(r.Body, `value="5.00"`) {
		t.Fatalf("prefill %d:\n%s", r.StatusCode, r.Body)
	}
	if r := b.app.Get(t, b.finance, "/invoices/new?po_number=PO-NOPE"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "No purchase order has the number PO-NOPE") {
		t.Errorf("unknown PO number: %d", r.StatusCode)
	}
	// Bad numbers are refused with the field named, and nothing is written.
	for _, bad := range []struct{ qty, price, msg string }{
		{"1e3", "5.00", "Line 1: the quantity"}, {"-2", "5.00", "Line 1: the quantity"}, {"20", "5,00", "Line 1: the unit price"},
	} {
		r := b.app.PostForm(t, b.finance, "/invoices", b.invoiceForm("INV-BAD", bad.qty, bad.price))
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, bad.msg) {
			t.Errorf("qty %q price %q: %d", bad.qty, bad.price, r.StatusCode)
		}
	}
	// A tampered hidden PO line (Bolt's order on an Acme invoice) is refused.
	v := b.invoiceForm("INV-TAMPER", "1", "1.00")
	v.Set("po_line_1", fmt.Sprint(b.boltLine))
	if r := b.app.PostForm(t, b.finance, "/invoices", v); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "is an order to another vendor") {
		t.Errorf("tampered line: %d", r.StatusCode)
	}
	if list, _ := b.app.Store.Invoices(t.Context(), store.InvoiceFilter{}); len(list) != 0 {
		t.Fatalf("bad input wrote %d invoices", len(list))
	}
	// 20 at 5.50 against 5.00 with no tolerance: an exception of 10.00.
	r = b.app.PostForm(t, b.finance, "/invoices", b.invoiceForm("INV-1", "20", "5.50"))
	m := invoiceLocation.FindStringSubmatch(r.Header.Get("Location"))
	if r.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("record: %d %s", r.StatusCode, r.Body)
	}
	page := b.app.Get(t, b.finance, m[0])
	for _, want := range []string{"exception", "+10.00 EUR", "+0.50 EUR per unit", "Accept the variance and approve for payment", "beyond the 0% tolerance"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("invoice page lacks %q", want)
		}
	}
	// The same number again (a double click) is refused by name.
	if r := b.app.PostForm(t, b.finance, "/invoices", b.invoiceForm("INV-1", "20", "5.50")); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "is already recorded") {
		t.Errorf("duplicate: %d", r.StatusCode)
	}
	// Accepting needs a comment; then it is approved and in the payment export.
	if r := b.app.PostForm(t, b.finance, m[0]+"/resolve", url.Values{"action": {"approve"}, "version": {"1"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("approve without note: %d", r.StatusCode)
	}
	if r := b.app.PostForm(t, b.finance, m[0]+"/resolve", url.Values{"action": {"approve"}, "version": {"1"}, "note": {"Surcharge agreed"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", r.StatusCode, r.Body)
	}
	if r := b.app.PostForm(t, b.finance, m[0]+"/resolve", url.Values{"action": {"approve"}, "version": {"1"}, "note": {"again"}}); r.StatusCode != http.StatusConflict {
		t.Errorf("second approve: %d", r.StatusCode)
	}
	r = b.app.Get(t, b.finance, "/invoices/payments.csv")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Disposition"), `attachment; filename="invoices-for-payment-`) {
		t.Fatalf("payment export %d %v", r.StatusCode, r.Header)
	}
	recs, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil || len(recs) != 2 || recs[1][0] != "Acme Paper" || recs[1][1] != "INV-1" || recs[1][4] != "110.00" || recs[1][7] != "Surcharge agreed" {
		t.Errorf("payment rows %q %v", recs, err)
	}
}

func TestReportExportIsSafeCSV(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	st, ctx := b.app.Store, t.Context()
	// A vendor whose name a spreadsheet would run as a formula, with a
	// comma and quotes that need RFC 4180 quoting.
	evil := testkit.MustVendor(t, st, `=HYPERLINK("http://x", "Click"), Inc`, procure.VendorApproved)
	item := testkit.MustItem(t, st, "EV-1", "Paper")
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-EV", VendorID: evil, Status: procure.ContractActive,
		Prices: []procure.PriceValues{{SKU: "EV-1", Tiers: testkit.Tiers("1", "2.00"), Preferred: true}}})
	if _, err := st.AddToCart(ctx, b.officeUser.ID, b.muc, item, 3_000); err != nil {
		t.Fatal(err)
	}
	res, err := appflows(b.app).SubmitRequest(ctx, b.officeUser, b.muc, "books-test-key-00000002", nil)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := st.PurchaseRequestByID(ctx, procure.Scope{}, res.RequestID)
	po, _ := st.PurchaseOrderByID(ctx, procure.Scope{}, req.Orders[0].ID)
	if _, err := appflows(b.app).ReceiveGoods(ctx, b.officeUser, po.ID, "", map[int64]money.Quantity{po.Lines[0].ID: 3_000}, ""); err != nil {
		t.Fatal(err)
	}
	// Billed under the contract: 3 × 1.90 against 3 × 2.00, −0.30.
	v := url.Values{"po": {fmt.Sprint(po.ID)}, "vendor_id": {fmt.Sprint(evil)}, "number": {"-1+1"}, "date": {"2026-06-05"}, "currency": {"EUR"},
		"lines": {"1"}, "po_line_1": {fmt.Sprint(po.Lines[0].ID)}, "qty_1": {"3"}, "unit_price_1": {"1.90"}}
	if r := b.app.PostForm(t, b.finance, "/invoices", v); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("record: %d %s", r.StatusCode, r.Body)
	}
	r := b.app.Get(t, b.finance, "/reports/price-variance?period=custom&from=2026-06-01&to=2026-06-30&format=csv")
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		r.Header.Get("Content-Disposition") != `attachment; filename="price-variance-2026-06-01-to-2026-06-30.csv"` {
		t.Fatalf("export %d %v", r.StatusCode, r.Header)
	}
	if !strings.Contains(r.Body, "\r\n") || !strings.Contains(r.Body, `"'=HYPERLINK(""http://x"", ""Click""), Inc"`) {
		t.Errorf("CSV not quoted/neutralised:\n%s", r.Body)
	}
	recs, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Header, the EUR total, then the vendor: the negative figures stay numbers.
	want := [][]string{
		{"group", "key", "currency", "lines", "invoiced", "overbilled", "underbilled", "net_variance", "beyond_tolerance"},
		{"Total", "", "EUR", "1", "5.70", "0.00", "0.30", "-0.30", "1"},
		{`'=HYPERLINK("http://x", "Click"), Inc`, fmt.Sprint(evil), "EUR", "1", "5.70", "0.00", "0.30", "-0.30", "1"},
	}
	if fmt.Sprint(recs) != fmt.Sprint(want) {
		t.Errorf("rows\n got %q\nwant %q", recs, want)
	}
	// The same report as a page shows the same figures.
	page := b.app.Get(t, b.finance, "/reports/price-variance?period=custom&from=2026-06-01&to=2026-06-30")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "-0.30 EUR") || !strings.Contains(page.Body, "<svg") {
		t.Errorf("report page %d", page.StatusCode)
	}
	// Procurement reads the report; an office admin may not.
	testkit.MustUser(t, st, "proc2@example.test", testkit.Roles(procure.RoleProcurement))
	if r := b.app.Get(t, b.app.SignIn(t, "proc2@example.test"), "/reports/price-variance?format=csv"); r.StatusCode != http.StatusOK {
		t.Errorf("procurement export: %d", r.StatusCode)
	}
	if r := b.app.Get(t, b.office, "/reports/price-variance?format=csv"); r.StatusCode != http.StatusForbidden || r.Header.Get("Content-Disposition") != "" {
		t.Errorf("office admin export: %d", r.StatusCode)
	}
}

func TestReportFiltersAreValidated(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	for _, q := range []string{
		"period=custom&from=2026-06-30&to=2026-06-01", "period=custom&from=yesterday&to=2026-06-01", "period=fortnight",
		"by=colour", "vendor=abc", "format=xlsx", "vendor=999999", "location=999999", "location=-3",
	} {
		r := b.app.Get(t, b.finance, "/reports/price-variance?"+q)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Some filters are not valid") {
			t.Errorf("%s: %d", q, r.StatusCode)
		}
		if r := b.app.Get(t, b.finance, "/reports/price-variance?format=csv&"+q); r.Header.Get("Content-Disposition") != "" {
			t.Errorf("%s: exported despite bad filters", q)
		}
	}
	// A made-up vendor or location is refused on the form, not shown as an
	// empty report under a filter that reads "all".
	for q, want := range map[string]string{"vendor=999999": "Choose a vendor from the list.", "location=999999": "Choose a location from the list."} {
		if r := b.app.Get(t, b.finance, "/reports/compliance?"+q); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, want) {
			t.Errorf("compliance?%s: %d, message %q shown: %v", q, r.StatusCode, want, strings.Contains(r.Body, want))
		}
	}
	for _, p := range []string{"/reports/compliance", "/reports/drift", "/reports/utilisation", "/reports/cycle-time", "/reports/invoice-lines", "/reports"} {
		for _, q := range []string{"", "?period=this_month", "?period=last_year&location=1", "?period=this_quarter&format=csv"} {
			if p == "/reports" && q != "" {
				continue
			}
			if r := b.app.Get(t, b.finance, p+q); r.StatusCode != http.StatusOK {
				t.Errorf("%s%s: %d", p, q, r.StatusCode)
			}
		}
	}
}
