package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/testkit"
	"github.com/procure-app/procure/internal/webtest"
)

// Catalogue pages are kept in each instance's memory; none may be served
// after a change that alters it committed, on whichever instance.
func TestCataloguePagesAreNeverStale(t *testing.T) {
	t.Parallel()
	a := webtest.Start(t, webtest.At(june))
	st := a.Store
	ctx := t.Context()
	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	testkit.MustUser(t, st, "office@example.test", testkit.Roles(procure.RoleOrderer), muc)
	testkit.MustUser(t, st, "other@example.test", testkit.Roles(procure.RoleOrderer), muc)
	proc := testkit.MustUser(t, st, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	paper := testkit.MustItem(t, st, "PAP-1", "Paper")
	acme := testkit.MustVendor(t, st, "Acme Paper", procure.VendorApproved)
	contract := testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-A", VendorID: acme, Status: procure.ContractActive,
		Prices: []procure.PriceValues{{SKU: "PAP-1", Tiers: testkit.Tiers("10", "5.00")}}})
	office, other := a.SignIn(t, "office@example.test"), a.SignIn(t, "other@example.test")
	b := a.Twin(t, webtest.At(june))
	papers := func(app *webtest.App, want string, wantPresent bool) {
		t.Helper()
		r := app.Get(t, office, "/catalogue?q=pap")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("catalogue: %d", r.StatusCode)
		}
		if strings.Contains(r.Body, want) != wantPresent {
			t.Errorf("catalogue on %s: %q present = %v, want %v", app.URL, want, !wantPresent, wantPresent)
		}
	}
	if r := a.Get(t, office, "/catalogue?q="+strings.Repeat("x", 201)); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "at most 200 characters") {
		t.Errorf("an over-long search: %d", r.StatusCode)
	}
	// Both instances compute and keep the page.
	papers(a, "5.00 EUR", true)
	papers(b, "5.00 EUR", true)
	papers(b, "5.00 EUR", true)

	// A new price for paper through instance a's store: both show it.
	rows, err := st.PriceRows(ctx, contract)
	if err != nil || len(rows) != 1 {
		t.Fatalf("price rows: %v %d", err, len(rows))
	}
	today := pricing.DateOf(june)
	if _, err := st.AmendPrice(ctx, proc.ID, contract, rows[0].ID,
		procure.PriceValues{SKU: "PAP-1", Tiers: testkit.Tiers("10", "4.80"), ValidFrom: &today}, today); err != nil {
		t.Fatal(err)
	}
	papers(a, "4.80 EUR", true)
	papers(b, "4.80 EUR", true)
	papers(b, "5.00 EUR", false)

	// The vendor blocked: paper leaves both catalogues.
	if err := st.SetVendorStatus(ctx, proc.ID, acme, procure.VendorBlocked, "audit finding"); err != nil {
		t.Fatal(err)
	}
	papers(a, "PAP-1", false)
	papers(b, "PAP-1", false)
	// A bookmarked filter for that vendor still names it; an unknown one is not found.
	if r := b.Get(t, office, fmt.Sprintf("/catalogue?vendor=%d", acme)); r.StatusCode != http.StatusOK ||
		!strings.Contains(r.Body, fmt.Sprintf(`<option value="%d" selected>Acme Paper</option>`, acme)) {
		t.Errorf("filter by a vendor with nothing here: %d", r.StatusCode)
	}
	if r := b.Get(t, office, "/catalogue?vendor=999999"); r.StatusCode != http.StatusNotFound {
		t.Errorf("filter by an unknown vendor: %d", r.StatusCode)
	}
	if err := st.SetVendorStatus(ctx, proc.ID, acme, procure.VendorApproved, "cleared"); err != nil {
		t.Fatal(err)
	}
	papers(b, "4.80 EUR", true)

	// Favourites are the viewer's own, never another's from the cache.
	if r := a.PostForm(t, office, fmt.Sprintf("/catalogue/favourites/%d", paper), url.Values{"on": {"true"}}); r.StatusCode >= 400 {
		t.Fatalf("favourite: %d %s", r.StatusCode, r.Body)
	}
	if r := b.Get(t, office, "/catalogue?fav=1"); !strings.Contains(r.Body, "PAP-1") {
		t.Error("favourites-only catalogue lacks the favourite")
	}
	if r := b.Get(t, other, "/catalogue?fav=1"); strings.Contains(r.Body, "PAP-1") {
		t.Error("another user's favourite shows")
	}
	if r := b.Get(t, office, "/catalogue?q=pap"); !strings.Contains(r.Body, "★ Favourite") {
		t.Error("the cached page does not show the viewer's favourite")
	}
	if r := b.Get(t, other, "/catalogue?q=pap"); !strings.Contains(r.Body, "PAP-1") || strings.Contains(r.Body, "★ Favourite") {
		t.Error("the cached page carries another user's favourite")
	}
}

// The cap left moves with every order and is read fresh for every view:
// an order that leaves less than paper's minimum line on a capped contract
// takes paper off the cached page at once.
func TestCatalogueReadsCapLeftFresh(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.At(june))
	st := app.Store
	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	testkit.MustUser(t, st, "office@example.test", testkit.Roles(procure.RoleOrderer), muc)
	paper := testkit.MustItem(t, st, "PAP-1", "Paper")
	acme := testkit.MustVendor(t, st, "Acme Paper", procure.VendorApproved)
	// Cap 100.00; the minimum line is 10 × 5.00 = 50.00.
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-CAP", VendorID: acme, Status: procure.ContractActive, Cap: "100",
		Prices: []procure.PriceValues{{SKU: "PAP-1", Tiers: testkit.Tiers("10", "5.00")}}})
	office := app.SignIn(t, "office@example.test")
	twin := app.Twin(t, webtest.At(june))
	for _, inst := range []*webtest.App{app, twin} {
		if r := inst.Get(t, office, "/catalogue"); !strings.Contains(r.Body, "5.00 EUR") {
			t.Fatalf("catalogue before the order lacks paper at 5.00")
		}
	}
	// An order of 12 (60.00) leaves 40.00 on the cap.
	if r := app.PostForm(t, office, "/cart/lines", url.Values{"location": {fmt.Sprint(muc)}, "item_id": {fmt.Sprint(paper)}, "qty": {"12"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d %s", r.StatusCode, r.Body)
	}
	cart := app.Get(t, office, fmt.Sprintf("/cart?location=%d", muc))
	r := app.PostForm(t, office, "/cart/submit", url.Values{"location": {fmt.Sprint(muc)}, "key": {keyRe.FindStringSubmatch(cart.Body)[1]}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", r.StatusCode, r.Body)
	}
	for _, inst := range []*webtest.App{app, twin} {
		r := inst.Get(t, office, "/catalogue")
		if strings.Contains(r.Body, "5.00 EUR") || !strings.Contains(r.Body, "not orderable now") || !strings.Contains(r.Body, "40.00") {
			t.Errorf("catalogue after the order still offers paper within the cap")
		}
	}
}
