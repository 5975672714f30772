package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/testkit"
	"github.com/procure-app/procure/internal/webtest"
)

// route is one URL and the roles allowed to use it. The table grows with
// every area; a route missing here is a route nobody checked.
type route struct {
	method, path string
	roles        []procure.Role
}

var (
	owner    = []procure.Role{procure.RoleOwner}
	everyone = procure.AllRoles
	readers  = []procure.Role{procure.RoleProcurement, procure.RoleFinance, procure.RoleOwner}
	writers  = []procure.Role{procure.RoleProcurement, procure.RoleOwner}
)

var (
	orderers = []procure.Role{procure.RoleOrderer}
	procs    = []procure.Role{procure.RoleProcurement, procure.RoleOwner}
	cancel   = []procure.Role{procure.RoleOrderer, procure.RoleProcurement, procure.RoleOwner}
)

// orderingRoutes: the ids belong to the orderer's own location, so a
// refusal here is the role check, not the location check (that one is
// TestOtherLocationsRecordsAreNotFound).
func orderingRoutes(itemID, cartLineID, requestID, poID, requestLineID int64) []route {
	return []route{
		{"GET", "/catalogue", orderers},
		{"POST", fmt.Sprintf("/catalogue/favourites/%d", itemID), orderers},
		{"GET", "/cart", orderers},
		{"POST", "/cart/lines", orderers},
		{"POST", fmt.Sprintf("/cart/lines/%d/qty", cartLineID), orderers},
		{"POST", fmt.Sprintf("/cart/lines/%d/remove", cartLineID), orderers},
		{"POST", "/cart/offcontract", orderers},
		{"POST", "/cart/submit", orderers},
		{"POST", fmt.Sprintf("/requests/%d/reorder", requestID), orderers},
		{"POST", fmt.Sprintf("/pos/%d/receive", poID), orderers},
		{"GET", "/requests", everyone},
		{"GET", fmt.Sprintf("/requests/%d", requestID), everyone},
		{"GET", "/pos", everyone},
		{"GET", fmt.Sprintf("/pos/%d", poID), everyone},
		{"GET", fmt.Sprintf("/pos/%d/print", poID), everyone},
		{"GET", fmt.Sprintf("/pos/%d/pdf", poID), everyone},
		{"POST", fmt.Sprintf("/pos/%d/cancel", poID), cancel},
		{"GET", "/approvals", procs},
		{"POST", fmt.Sprintf("/approvals/%d", requestLineID), procs},
	}
}

func catalogRoutes(vendorID, itemID, contractID, priceID int64) []route {
	v, i, c := fmt.Sprintf("/vendors/%d", vendorID), fmt.Sprintf("/items/%d", itemID), fmt.Sprintf("/contracts/%d", contractID)
	return []route{
		{"GET", "/suppliers", everyone},
		{"GET", "/vendors", readers},
		{"GET", v, readers},
		{"GET", "/vendors/new", writers},
		{"POST", "/vendors", writers},
		{"GET", v + "/edit", writers},
		{"POST", v, writers},
		{"POST", v + "/status", writers},
		{"GET", "/items", readers},
		{"GET", i, readers},
		{"GET", "/items/new", writers},
		{"GET", "/items/suggest?sku=PA", writers},
		{"POST", "/items", writers},
		{"POST", i, writers},
		{"GET", "/contracts", readers},
		{"GET", c, readers},
		{"GET", "/contracts/new", writers},
		{"GET", "/contracts/import-template.csv", writers},
		{"POST", "/contracts", writers},
		{"GET", c + "/edit", writers},
		{"POST", c, writers},
		{"POST", c + "/status", writers},
		{"POST", c + "/prices", writers},
		{"POST", fmt.Sprintf("%s/prices/%d/remove", c, priceID), writers},
		{"GET", fmt.Sprintf("%s/prices/%d/amend", c, priceID), writers},
		{"POST", fmt.Sprintf("%s/prices/%d/amend", c, priceID), writers},
		{"GET", c + "/import", writers},
		{"POST", c + "/import", writers},
	}
}

var (
	financeOnly = []procure.Role{procure.RoleFinance, procure.RoleOwner}
	reportUsers = []procure.Role{procure.RoleFinance, procure.RoleOwner, procure.RoleProcurement}
)

func financeRoutes(invoiceID int64) []route {
	inv := fmt.Sprintf("/invoices/%d", invoiceID)
	out := []route{
		{"GET", "/invoices", financeOnly},
		{"GET", "/invoices/new", financeOnly},
		{"POST", "/invoices", financeOnly},
		{"GET", "/invoices/import", financeOnly},
		{"POST", "/invoices/import", financeOnly},
		{"GET", "/invoices/import-template.csv", financeOnly},
		{"GET", "/invoices/payments.csv", financeOnly},
		{"GET", inv, financeOnly},
		{"POST", inv + "/resolve", financeOnly},
		{"GET", "/reports", reportUsers},
		{"GET", "/reports/invoice-lines", reportUsers},
	}
	for _, r := range []string{"price-variance", "compliance", "drift", "utilisation", "cycle-time"} {
		out = append(out, route{"GET", "/reports/" + r, reportUsers}, route{"GET", "/reports/" + r + "?format=csv", reportUsers})
	}
	return out
}

var helpStaff = []procure.Role{procure.RoleProcurement}

// serviceRoutes: the help request belongs to procurement itself, so only
// the role check decides (the asker-or-procurement check on a record is
// TestHelpRequestThread).
func serviceRoutes(contractID, docID, milestoneID, helpRequestID int64) []route {
	c := fmt.Sprintf("/contracts/%d", contractID)
	hr := fmt.Sprintf("/help/requests/%d", helpRequestID)
	return []route{
		{"GET", "/notifications", everyone},
		{"POST", "/notifications/read-all", everyone},
		{"GET", "/settings/notifications", everyone},
		{"POST", "/settings/notifications", everyone},
		{"GET", "/help", everyone},
		{"GET", "/help?q=order", everyone},
		{"GET", "/help/how-to-order", everyone},
		{"GET", "/help/requests", everyone},
		{"GET", "/help/requests/new", everyone},
		{"POST", "/help/requests", everyone},
		{"GET", "/help/pages/new", helpStaff},
		{"POST", "/help/pages", helpStaff},
		{"GET", "/help/how-to-order/edit", helpStaff},
		{"POST", "/help/how-to-order", helpStaff},
		{"POST", hr + "/assign", helpStaff},
		{"GET", "/announcements/new", helpStaff},
		{"POST", "/announcements", helpStaff},
		{"POST", c + "/renew", writers},
		{"POST", c + "/milestones", writers},
		{"POST", fmt.Sprintf("%s/milestones/%d/done", c, milestoneID), writers},
		{"POST", c + "/documents", writers},
		{"GET", fmt.Sprintf("%s/documents/%d", c, docID), readers},
		{"GET", "/reports/value", reportUsers},
		{"GET", "/reports/value?format=csv", reportUsers},
	}
}

func foundationRoutes(userID, locationID int64) []route {
	return []route{
		{"GET", "/admin/users", owner},
		{"GET", "/admin/users/new", owner},
		{"POST", "/admin/users", owner},
		{"GET", fmt.Sprintf("/admin/users/%d", userID), owner},
		{"POST", fmt.Sprintf("/admin/users/%d", userID), owner},
		{"POST", fmt.Sprintf("/admin/users/%d/password", userID), owner},
		{"POST", fmt.Sprintf("/admin/users/%d/sessions/end", userID), owner},
		{"GET", "/admin/locations", owner},
		{"POST", "/admin/locations", owner},
		{"GET", fmt.Sprintf("/admin/locations/%d", locationID), owner},
		{"POST", fmt.Sprintf("/admin/locations/%d", locationID), owner},
		{"POST", "/admin/organisation", owner},
		{"GET", "/admin/audit", owner},
	}
}

// TestRolesAreEnforced signs in as each role and calls every route
// directly: a role not allowed gets 403, and the request changes nothing.
func TestRolesAreEnforced(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	muc := testkit.MustLocation(t, app.Store, "MUC", "EUR")
	users := map[procure.Role]procure.User{}
	for _, r := range procure.AllRoles {
		users[r] = testkit.MustUser(t, app.Store, string(r)+"@example.test", testkit.Roles(r), muc)
	}
	target := users[procure.RoleFinance]
	vendor := testkit.MustVendor(t, app.Store, "Acme", procure.VendorApproved)
	item := testkit.MustItem(t, app.Store, "A-1", "Paper")
	contract := testkit.MustContract(t, app.Store, testkit.ContractSpec{Number: "C-1", VendorID: vendor,
		Prices: []procure.PriceValues{{SKU: "A-1", Tiers: testkit.Tiers("1", "2")}}})
	rows, _ := app.Store.PriceRows(t.Context(), contract)
	// An order from the office admin of Munich, with a pending off-contract line and a line left in the cart.
	ord := testkit.MustContract(t, app.Store, testkit.ContractSpec{Number: "C-ORD", VendorID: vendor, Status: procure.ContractActive,
		Start: "2000-01-01", End: "2999-12-31", Prices: []procure.PriceValues{{SKU: "A-1", Tiers: testkit.Tiers("1", "2")}}})
	_ = ord
	orderer := users[procure.RoleOrderer]
	if _, err := app.Store.AddToCart(t.Context(), orderer.ID, muc, item, 1000); err != nil {
		t.Fatal(err)
	}
	if err := app.Store.AddOffContractLine(t.Context(), orderer.ID, muc, 1000, procure.OffContract{Description: "Desk", Unit: "each", Reason: "r"}); err != nil {
		t.Fatal(err)
	}
	res, err := appflows(app).SubmitRequest(t.Context(), orderer, muc, "authz-test-key-000001", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Store.AddToCart(t.Context(), orderer.ID, muc, item, 1000); err != nil {
		t.Fatal(err)
	}
	cartLines, _ := app.Store.CartLines(t.Context(), orderer.ID, muc)
	req, _ := app.Store.PurchaseRequestByID(t.Context(), procure.Scope{}, res.RequestID)
	routes := append(foundationRoutes(target.ID, muc), catalogRoutes(vendor, item, contract, rows[0].ID)...)
	routes = append(routes, orderingRoutes(item, cartLines[0].ID, res.RequestID, req.Orders[0].ID, req.Lines[1].ID)...)
	po, _ := app.Store.PurchaseOrderByID(t.Context(), procure.Scope{}, req.Orders[0].ID)
	invID, _, err := appflows(app).RecordInvoice(t.Context(), users[procure.RoleFinance].ID, procure.InvoiceValues{VendorID: vendor, Number: "INV-1",
		Date: pricing.MustDate("2026-06-01"), Currency: money.MustCurrency("EUR"),
		Lines: []procure.InvoiceLineValues{{POLineID: po.Lines[0].ID, Qty: 1000, UnitPrice: 30000}}})
	if err != nil {
		t.Fatal(err)
	}
	routes = append(routes, financeRoutes(invID)...)
	procUser := users[procure.RoleProcurement]
	if _, err := app.Store.SaveHelpPage(t.Context(), procUser.ID, 0, procure.HelpPageInput{Slug: "how-to-order", Topic: "Ordering",
		Title: "How to order", Body: "Use the catalogue."}); err != nil {
		t.Fatal(err)
	}
	docID, err := app.Store.AddDocument(t.Context(), procUser.ID, contract, "signed.pdf", "application/pdf", []byte("%PDF-1.4\n%%EOF\n"))
	if err != nil {
		t.Fatal(err)
	}
	milestoneID, err := app.Store.AddMilestone(t.Context(), procUser.ID, contract, procure.MilestoneValues{Due: pricing.MustDate("2026-07-01"),
		Description: "Audit", OwnerID: procUser.ID})
	if err != nil {
		t.Fatal(err)
	}
	helpID, err := app.Store.CreateHelpRequest(t.Context(), procUser.ID, procure.HelpRequestInput{Subject: "Q", Text: "Q?"}, "", false)
	if err != nil {
		t.Fatal(err)
	}
	routes = append(routes, serviceRoutes(contract, docID, milestoneID, helpID)...)
	for _, role := range procure.AllRoles {
		c := app.SignIn(t, string(role)+"@example.test")
		for _, rt := range routes {
			allowed := false
			for _, a := range rt.roles {
				allowed = allowed || a == role
			}
			if allowed {
				// Reads must work for every allowed role (writes are exercised by their own tests).
				if rt.method == "GET" {
					if r := app.Get(t, c, rt.path); r.StatusCode != http.StatusOK {
						t.Errorf("GET %s as %s: %d, want 200", rt.path, role, r.StatusCode)
					}
				}
				continue
			}
			var r webtest.Response
			if rt.method == "GET" {
				r = app.Get(t, c, rt.path)
			} else {
				r = app.PostForm(t, c, rt.path, url.Values{"name": {"Hijacked"}, "roles": {"owner"}, "code": {"HACK"}, "currency": {"EUR"}})
			}
			if r.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s as %s: %d, want 403", rt.method, rt.path, role, r.StatusCode)
			}
		}
	}
	got, _ := app.Store.UserByID(t.Context(), target.ID)
	if got.Name != target.Name || got.Has(procure.RoleOwner) {
		t.Errorf("a refused request changed the user: %+v", got)
	}
	if inv, _ := app.Store.InvoiceByID(t.Context(), invID); inv.Status != procure.InvoiceException || inv.Version != 1 {
		t.Errorf("a refused request changed the invoice: %+v", inv)
	}
	if list, _ := app.Store.Invoices(t.Context(), store.InvoiceFilter{}); len(list) != 1 {
		t.Errorf("a refused request recorded an invoice: %d", len(list))
	}
	if c, _ := app.Store.ContractByID(t.Context(), contract); c.Status != procure.ContractDraft || c.Title != "Contract C-1" || c.PriceRows != 1 || c.SuccessorID != 0 {
		t.Errorf("a refused request changed the contract: %+v", c)
	}
	if ms, _ := app.Store.Milestones(t.Context(), contract); len(ms) != 1 || ms[0].DoneAt != nil {
		t.Errorf("a refused request changed the milestones: %+v", ms)
	}
	if pg, _ := app.Store.HelpPageBySlug(t.Context(), "how-to-order"); pg.Version != 1 || pg.Title != "How to order" {
		t.Errorf("a refused request changed the help page: %+v", pg)
	}
	if list, _ := app.Store.Announcements(t.Context(), target.ID, time.Now()); len(list) != 0 {
		t.Errorf("a refused request posted an announcement: %+v", list)
	}
}

func TestUnknownAndMalformedIDsAreNotFound(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	testkit.MustUser(t, app.Store, "owner@example.test", owner)
	c := app.SignIn(t, "owner@example.test")
	for _, p := range []string{"/admin/users/999999", "/admin/users/abc", "/admin/users/-1", "/admin/locations/0", "/no/such/page"} {
		if r := app.Get(t, c, p); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, r.StatusCode)
		}
	}
}

// An unknown address and a wrong method answer with the page shell, as
// every other error does: styles, and a signed-in user's navigation.
func TestUnknownAddressAndWrongMethodGetThePageShell(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	testkit.MustUser(t, app.Store, "owner@example.test", owner)
	c := app.SignIn(t, "owner@example.test")
	for _, tc := range []struct {
		name   string
		client *http.Client
		method string
		path   string
		status int
		want   []string
		absent []string
	}{
		{"unknown, signed in", c, http.MethodGet, "/no/such/page", http.StatusNotFound,
			[]string{"That page does not exist.", `rel="stylesheet"`, `action="/logout"`}, nil},
		{"unknown, signed out", app.Client(t), http.MethodGet, "/no/such/page", http.StatusNotFound,
			[]string{"That page does not exist.", `rel="stylesheet"`}, []string{`action="/logout"`}},
		{"wrong method, signed in", c, http.MethodGet, "/logout", http.StatusMethodNotAllowed,
			[]string{"Not a way to use this address", "does not answer that kind of request", `rel="stylesheet"`, `action="/logout"`}, nil},
	} {
		req, _ := http.NewRequest(tc.method, app.URL+tc.path, nil)
		r := app.Do(t, tc.client, req)
		if r.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, r.StatusCode, tc.status)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.Body, w) {
				t.Errorf("%s: the page lacks %q", tc.name, w)
			}
		}
		for _, a := range tc.absent {
			if strings.Contains(r.Body, a) {
				t.Errorf("%s: the page has %q", tc.name, a)
			}
		}
	}
}
