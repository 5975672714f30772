package server_test

import (
	"bytes"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/testkit"
	"github.com/procure-app/procure/internal/webtest"
)

func TestProcurementCreatesVendorItemAndContract(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	muc := testkit.MustLocation(t, app.Store, "MUC", "EUR")
	testkit.MustUser(t, app.Store, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	c := app.SignIn(t, "proc@example.test")

	r := app.PostForm(t, c, "/vendors", url.Values{"name": {""}, "email": {"nope"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Enter the vendor") || !strings.Contains(r.Body, `value="nope"`) {
		t.Fatalf("bad vendor: %d", r.StatusCode)
	}
	r = app.PostForm(t, c, "/vendors", url.Values{"name": {"Acme"}, "email": {"orders@acme.example"}, "categories": {"Paper, Toner"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create vendor: %d %s", r.StatusCode, r.Body)
	}
	vendorPath := r.Header.Get("Location")
	r = app.PostForm(t, c, vendorPath+"/status", url.Values{"status": {"approved"}, "reason": {"tender won"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", r.StatusCode)
	}
	if r := app.Get(t, c, vendorPath); !strings.Contains(r.Body, "tender won") || !strings.Contains(r.Body, "badge-approved") {
		t.Errorf("vendor page after approval")
	}
	r = app.PostForm(t, c, "/items", url.Values{"sku": {"PAP-1"}, "name": {"Copy paper"}, "category": {"Paper"}, "unit": {"ream"}, "quantity_scale": {"0"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create item: %d %s", r.StatusCode, r.Body)
	}
	if r := app.PostForm(t, c, "/items", url.Values{"sku": {"PAP-1"}, "name": {"Dup"}, "category": {"Paper"}, "unit": {"ream"}}); !strings.Contains(r.Body, "already has this SKU") {
		t.Errorf("duplicate SKU: %d", r.StatusCode)
	}
	var vendorID int64
	fmt.Sscanf(vendorPath, "/vendors/%d", &vendorID)
	form := url.Values{"vendor_id": {fmt.Sprint(vendorID)}, "number": {"C-2026-001"}, "title": {"Paper"}, "currency": {"EUR"},
		"start": {"2026-01-01"}, "end": {"2026-12-31"}, "cap": {"1000"}, "tolerance": {"2"}, "locations": {fmt.Sprint(muc)}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("end", "2025-01-01")
	bad.Set("cap", "1,000")
	r = app.PostForm(t, c, "/contracts", bad)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "not be before the start") || !strings.Contains(r.Body, "thousands separators") {
		t.Fatalf("bad contract: %d", r.StatusCode)
	}
	r = app.PostForm(t, c, "/contracts", form)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create contract: %d %s", r.StatusCode, r.Body)
	}
	contractPath := r.Header.Get("Location")
	// No JavaScript: add a tiered row with a plain form, get a redirect.
	price := url.Values{"sku": {"PAP-1"}, "vendor_sku": {"A-77"}, "min_qty_1": {"1"}, "price_1": {"5.00"}, "min_qty_2": {"100"}, "price_2": {"4.50"}}
	if r := app.PostForm(t, c, contractPath+"/prices", price); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add price: %d %s", r.StatusCode, r.Body)
	}
	// htmx: a bad row gets the price section back with the message, 422.
	req, _ := http.NewRequest(http.MethodPost, app.URL+contractPath+"/prices", strings.NewReader(url.Values{"sku": {"PAP-1"}, "min_qty_1": {"10"}, "price_1": {"1"}, "min_qty_2": {"5"}, "price_2": {"1"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	r = app.Do(t, c, req)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.HasPrefix(r.Body, `<section id="prices">`) || !strings.Contains(r.Body, "must increase") {
		t.Fatalf("htmx bad row: %d %.200s", r.StatusCode, r.Body)
	}
	// Activate and find it in the list.
	if r := app.PostForm(t, c, contractPath+"/status", url.Values{"to": {"active"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("activate: %d", r.StatusCode)
	}
	r = app.Get(t, c, "/contracts?status=active")
	if !strings.Contains(r.Body, "C-2026-001") {
		t.Errorf("active contract missing from the list")
	}
	r = app.Get(t, c, contractPath)
	for _, want := range []string{"from 100: 4.50 EUR", "MUC office", "0.00 EUR of 1,000.00 EUR", "status changed"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("contract page lacks %q", want)
		}
	}
}

func TestActivationRefusalIsShown(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	testkit.MustUser(t, app.Store, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	vendor := testkit.MustVendor(t, app.Store, "Pending Co", procure.VendorPending)
	id := testkit.MustContract(t, app.Store, testkit.ContractSpec{Number: "C-9", VendorID: vendor})
	c := app.SignIn(t, "proc@example.test")
	r := app.PostForm(t, c, fmt.Sprintf("/contracts/%d/status", id), url.Values{"to": {"active"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("status: %d", r.StatusCode)
	}
	page := app.Get(t, c, fmt.Sprintf("/contracts/%d", id))
	if !strings.Contains(page.Body, "cannot be activated: it has no price rows; its vendor is pending, not approved") {
		t.Errorf("reasons not shown")
	}
}

func upload(t *testing.T, app *webtest.App, c *http.Client, path string, content []byte, create bool) webtest.Response {
	t.Helper()
	var fields map[string]string
	if create {
		fields = map[string]string{"create_items": "on"}
	}
	return postFile(t, app, c, path, "prices.csv", content, fields)
}

// postFile posts a multipart form with content as its "file" field, as a
// same-origin browser would.
func postFile(t *testing.T, app *webtest.App, c *http.Client, path, name string, content []byte, fields map[string]string) webtest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(content)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, app.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return app.Do(t, c, req)
}

func TestPriceListUpload(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	testkit.MustUser(t, app.Store, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	vendor := testkit.MustVendor(t, app.Store, "Acme", procure.VendorApproved)
	id := testkit.MustContract(t, app.Store, testkit.ContractSpec{Number: "C-1", VendorID: vendor})
	c := app.SignIn(t, "proc@example.test")
	path := fmt.Sprintf("/contracts/%d/import", id)
	header := "sku,vendor_sku,min_qty,unit_price,max_qty,valid_from,valid_to,preferred\n"

	r := upload(t, app, c, path, []byte(header+"A-1,,1,2,,,,\nA-2,,1,1e3,,,,\n"), false)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Nothing was imported") || !strings.Contains(r.Body, "exponent") {
		t.Errorf("bad file: %d", r.StatusCode)
	}
	r = upload(t, app, c, path, []byte(header+"A-1,\xff,1,2,,,,\n"), false)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "not UTF-8") {
		t.Errorf("not UTF-8: %d", r.StatusCode)
	}
	r = upload(t, app, c, path, []byte("PK\x03\x04 an xlsx"), false)
	if r.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("zip: %d", r.StatusCode)
	}
	r = upload(t, app, c, path, bytes.Repeat([]byte("x"), procure.PriceListMaxBytes+2<<20), false)
	if r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("too large: %d", r.StatusCode)
	}
	r = upload(t, app, c, path, []byte(header+"A-1,V,1,2,,,,\nA-1,V,10,1.5,,,,\n"), true)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("good file: %d %s", r.StatusCode, r.Body)
	}
	rows, _ := app.Store.PriceRows(t.Context(), id)
	if len(rows) != 1 || len(rows[0].Tiers) != 2 {
		t.Errorf("imported %+v", rows)
	}
	tpl := app.Get(t, c, "/contracts/import-template.csv")
	if !strings.Contains(tpl.Header.Get("Content-Disposition"), "attachment") || !strings.HasPrefix(tpl.Body, "sku,vendor_sku,min_qty") {
		t.Errorf("template: %v %q", tpl.Header, tpl.Body)
	}
}

func TestSupplierDirectoryForEveryone(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	muc := testkit.MustLocation(t, app.Store, "MUC", "EUR")
	testkit.MustUser(t, app.Store, "office@example.test", testkit.Roles(procure.RoleOrderer), muc)
	vendor := testkit.MustVendor(t, app.Store, "Acme Paper", procure.VendorApproved)
	testkit.MustVendor(t, app.Store, "Shady Ltd", procure.VendorBlocked)
	c := app.SignIn(t, "office@example.test")
	r := app.Get(t, c, "/suppliers")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Acme Paper") || strings.Contains(r.Body, "Shady") || strings.Contains(r.Body, "Next page") {
		t.Errorf("directory: %d", r.StatusCode)
	}
	// More than a page: 100 by name, then a link to the rest.
	for i := 1; i <= 100; i++ {
		testkit.MustVendor(t, app.Store, fmt.Sprintf("Supplier %03d", i), procure.VendorApproved)
	}
	r = app.Get(t, c, "/suppliers")
	next := regexp.MustCompile(`<a href="(/suppliers\?[^"]+)">Next page`).FindStringSubmatch(r.Body)
	if next == nil || !strings.Contains(r.Body, "Supplier 099") || strings.Contains(r.Body, "Supplier 100") {
		t.Fatalf("first page of 101 suppliers: next %v", next)
	}
	r = app.Get(t, c, html.UnescapeString(next[1]))
	if !strings.Contains(r.Body, "Supplier 100") || strings.Contains(r.Body, "Supplier 099") || strings.Contains(r.Body, "Next page") {
		t.Errorf("second page: %d", r.StatusCode)
	}
	_ = vendor
}
