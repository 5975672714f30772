package server_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/testkit"
	"github.com/procure-app/procure/internal/webtest"
)

var june = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

// shop is an app with Munich and Berlin, an office admin per location,
// and two vendors' contracts.
type shop struct {
	app              *webtest.App
	muc, ber         int64
	paper, pens, ink int64
	office, north    *http.Client
	officeUser       procure.User
}

func newShop(t *testing.T) shop {
	t.Helper()
	app := webtest.Start(t, webtest.At(june))
	st := app.Store
	s := shop{app: app}
	s.muc = testkit.MustLocation(t, st, "MUC", "EUR")
	s.ber = testkit.MustLocation(t, st, "BER", "EUR")
	s.officeUser = testkit.MustUser(t, st, "office@example.test", testkit.Roles(procure.RoleOrderer), s.muc)
	testkit.MustUser(t, st, "north@example.test", testkit.Roles(procure.RoleOrderer), s.ber)
	testkit.MustUser(t, st, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	s.paper = testkit.MustItem(t, st, "PAP-1", "Paper")
	s.pens = testkit.MustItem(t, st, "PEN-1", "Writing")
	s.ink = testkit.MustItem(t, st, "INK-1", "Toner")
	acme := testkit.MustVendor(t, st, "Acme Paper", procure.VendorApproved)
	bolt := testkit.MustVendor(t, st, "Bolt Pens", procure.VendorApproved)
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-A", VendorID: acme, Status: procure.ContractActive,
		Prices: []procure.PriceValues{{SKU: "PAP-1", Tiers: testkit.Tiers("10", "5.00", "100", "4.50"), MaxQty: 1_000_000}}})
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-B", VendorID: bolt, Status: procure.ContractActive,
		Prices: []procure.PriceValues{{SKU: "PEN-1", Tiers: testkit.Tiers("1", "1.00")}}})
	// Ink is on contract for Berlin only.
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-INK", VendorID: acme, Status: procure.ContractActive, Locations: []int64{s.ber},
		Prices: []procure.PriceValues{{SKU: "INK-1", Tiers: testkit.Tiers("1", "60")}}})
	s.office = app.SignIn(t, "office@example.test")
	s.north = app.SignIn(t, "north@example.test")
	return s
}

func (s shop) add(t *testing.T, c *http.Client, item int64, qty string, extra ...string) webtest.Response {
	t.Helper()
	v := url.Values{"location": {fmt.Sprint(s.muc)}, "item_id": {fmt.Sprint(item)}, "qty": {qty}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Add(extra[i], extra[i+1])
	}
	return s.app.PostForm(t, c, "/cart/lines", v)
}

var keyRe = regexp.MustCompile(`name="key" value="([A-Za-z0-9_-]+)"`)

// submit submits c's Munich cart with the key its cart page issued.
func (s shop) submit(t *testing.T, c *http.Client) webtest.Response {
	t.Helper()
	cart := s.app.Get(t, c, fmt.Sprintf("/cart?location=%d", s.muc))
	key := keyRe.FindStringSubmatch(cart.Body)
	if key == nil {
		t.Fatalf("the cart page issued no key: %d", cart.StatusCode)
	}
	return s.app.PostForm(t, c, "/cart/submit", url.Values{"location": {fmt.Sprint(s.muc)}, "key": {key[1]}})
}

func TestCatalogueShowsOnlyWhatResolvesHere(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	r := s.app.Get(t, s.office, "/catalogue")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "PAP-1") || !strings.Contains(r.Body, "PEN-1") || strings.Contains(r.Body, "INK-1") {
		t.Fatalf("Munich catalogue: %d", r.StatusCode)
	}
	for _, want := range []string{"5.00 EUR", "from 100: 4.50", "minimum 10", "Why this price?"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("catalogue lacks %q", want)
		}
	}
	if r := s.app.Get(t, s.office, "/catalogue?q=pap"); strings.Contains(r.Body, "PEN-1") || !strings.Contains(r.Body, "PAP-1") {
		t.Error("search does not filter")
	}
	// A search that is not UTF-8, or holds a NUL, is a clear 422, not a
	// database error; so is a NUL in a posted field.
	for _, q := range []string{"%ff", "%00", "pa%00per"} {
		if r := s.app.Get(t, s.office, "/catalogue?q="+q); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "not valid text") {
			t.Errorf("search %s: %d", q, r.StatusCode)
		}
	}
	if r := s.app.PostForm(t, s.office, "/cart/offcontract", url.Values{"location": {fmt.Sprint(s.muc)}, "description": {"Desk\x00lamp"},
		"qty": {"1"}, "unit": {"each"}, "reason": {"Dark"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "not valid text") {
		t.Errorf("NUL in a posted field: %d", r.StatusCode)
	}
	// Another location's catalogue is not found; so is a malformed one.
	for _, p := range []string{fmt.Sprintf("/catalogue?location=%d", s.ber), "/catalogue?location=abc", fmt.Sprintf("/cart?location=%d", s.ber)} {
		if r := s.app.Get(t, s.office, p); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, r.StatusCode)
		}
	}
}

func TestCartRefusesBadQuantities(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	for _, tt := range []struct {
		item int64
		qty  string
		want string
	}{
		{s.paper, "-1", "must not be negative"},
		{s.paper, "0", "more than zero"},
		{s.paper, "1e3", "exponent"},
		{s.paper, "NaN", "not a number"},
		{s.paper, "abc", "not a number"},
		{s.paper, "10.5", "whole"},
		{s.paper, "1.0001", "decimal"},
		{s.paper, "99999999999999999", "too large"},
		{s.paper, "5", "below minimum order quantity 10"},
		{s.paper, "1001", "above the maximum of 1000"},
		{s.ink, "1", "not offered at MUC office"},
		{999_999, "1", "does not exist"},
	} {
		r := s.add(t, s.office, tt.item, tt.qty)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("qty %s: %d", tt.qty, r.StatusCode)
		}
		page := s.app.Get(t, s.office, r.Header.Get("Location"))
		if !strings.Contains(page.Body, tt.want) {
			t.Errorf("qty %q of item %d: flash lacks %q", tt.qty, tt.item, tt.want)
		}
	}
	// Parameter pollution: quantity=5&quantity=-4.
	r := s.app.PostForm(t, s.office, "/cart/lines", url.Values{"location": {fmt.Sprint(s.muc)}, "item_id": {fmt.Sprint(s.pens)}, "qty": {"5", "-4"}})
	if page := s.app.Get(t, s.office, r.Header.Get("Location")); !strings.Contains(page.Body, "more than once") && !strings.Contains(page.Body, "enter a number") {
		t.Errorf("duplicate qty accepted")
	}
	// The hidden item id sent altered: no field to highlight, so the
	// message says what is wrong with it.
	r = s.app.PostForm(t, s.office, "/cart/lines", url.Values{"location": {fmt.Sprint(s.muc)}, "item_id": {"abc"}, "qty": {"1"}})
	if page := s.app.Get(t, s.office, r.Header.Get("Location")); !strings.Contains(page.Body, "That item does not exist.") || strings.Contains(page.Body, "highlighted") {
		t.Errorf("an item id that is not a number: flash does not say the item does not exist")
	}
	cart, _ := s.app.Store.CartLines(t.Context(), s.officeUser.ID, s.muc)
	if len(cart) != 0 {
		t.Errorf("bad quantities wrote %d cart lines", len(cart))
	}
	// A tampered location is refused, not switched to.
	r = s.app.PostForm(t, s.office, "/cart/lines", url.Values{"location": {fmt.Sprint(s.ber)}, "item_id": {fmt.Sprint(s.ink)}, "qty": {"1"}})
	if r.StatusCode != http.StatusNotFound {
		t.Errorf("adding to another location's cart: %d", r.StatusCode)
	}
	// Adding an item the cart holds already (or a second click on Add)
	// adds to its line and says what the line holds now.
	for _, want := range []string{"Added 12 each of Item PEN-1 to the cart.", "Added 12 each of Item PEN-1: 24 each in the cart now."} {
		r := s.add(t, s.office, s.pens, "12")
		if page := s.app.Get(t, s.office, r.Header.Get("Location")); !strings.Contains(page.Body, want) {
			t.Errorf("flash lacks %q", want)
		}
	}
}

func TestSubmitIgnoresBrowserPricesAndIsIdempotent(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	if r := s.add(t, s.office, s.paper, "95", "price", "0.01", "total", "0.95", "currency", "USD"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d", r.StatusCode)
	}
	s.add(t, s.office, s.pens, "10")
	cart := s.app.Get(t, s.office, fmt.Sprintf("/cart?location=%d", s.muc))
	// 95 × 5.00 = 475.00; the tier hint: 100 for 450.00.
	for _, want := range []string{"475.00 EUR", "order 100 for 450.00 EUR instead of 95 for 475.00 EUR", "485.00 EUR",
		"Submitting issues 2 purchase orders at once: Acme Paper, Bolt Pens."} {
		if !strings.Contains(cart.Body, want) {
			t.Errorf("cart lacks %q", want)
		}
	}
	key := keyRe.FindStringSubmatch(cart.Body)[1]
	form := url.Values{"location": {fmt.Sprint(s.muc)}, "key": {key}, "unit_price": {"0.01"}, "total": {"1"}}
	// The cart showed the paper at 4.00 (say it was amended since): the
	// submission says so, and keeps saying so on the request.
	lines, err := s.app.Store.CartLines(t.Context(), s.officeUser.ID, s.muc)
	if err != nil || len(lines) != 2 {
		t.Fatalf("cart lines %v, %v", lines, err)
	}
	for _, l := range lines {
		if l.Item.ID == s.paper {
			form.Set(fmt.Sprintf("seen_%d", l.ID), "4.00")
		}
	}
	r := s.app.PostForm(t, s.office, "/cart/submit", form)
	if r.StatusCode != http.StatusSeeOther || !regexp.MustCompile(`^/requests/[0-9]+\?submitted=1$`).MatchString(r.Header.Get("Location")) {
		t.Fatalf("submit: %d %s → %s", r.StatusCode, r.Body, r.Header.Get("Location"))
	}
	// Nothing went through the session: it was not written.
	if c := r.Header.Values("Set-Cookie"); len(c) != 0 {
		t.Errorf("the submission wrote the session: %q", c)
	}
	first := r.Header.Get("Location")
	reqPath, _, _ := strings.Cut(first, "?")
	// The same form again (double click, refresh): the same request.
	r = s.app.PostForm(t, s.office, "/cart/submit", form)
	if r.Header.Get("Location") != reqPath+"?submitted=again" {
		t.Errorf("second submit went to %s, not %s?submitted=again", r.Header.Get("Location"), reqPath)
	}
	page := s.app.Get(t, s.office, first)
	for _, want := range []string{"Request submitted: PO-2026-000001, PO-2026-000002 issued to the vendors. See the notes below.",
		"Item PAP-1: the price is now 5.00 EUR (the cart showed 4.00 EUR); resolved when you submitted."} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("request page after submitting lacks %q", want)
		}
	}
	if n := strings.Count(page.Body, "the cart showed 4.00 EUR"); n != 1 {
		t.Errorf("the note shows %d times on the page, want once", n)
	}
	if again := s.app.Get(t, s.office, reqPath+"?submitted=again"); !strings.Contains(again.Body, "This cart was already submitted; here is the request it created.") {
		t.Errorf("request page after a repeated submit lacks its message")
	}
	// Someone else opening the same address sees the request, not the
	// submitter's message; the note stays part of the request.
	proc := s.app.SignIn(t, "proc@example.test")
	if other := s.app.Get(t, proc, first); other.StatusCode != http.StatusOK || strings.Contains(other.Body, "Request submitted:") ||
		!strings.Contains(other.Body, "the cart showed 4.00 EUR") {
		t.Errorf("procurement's view of %s: %d, banner shown or note missing", first, other.StatusCode)
	}
	if plain := s.app.Get(t, s.office, reqPath); strings.Contains(plain.Body, "Request submitted:") {
		t.Errorf("the request page without ?submitted shows the submission message")
	}
	pos, _ := s.app.Store.PurchaseOrders(t.Context(), procure.Scope{}, store.POFilter{})
	if len(pos) != 2 {
		t.Fatalf("%d POs", len(pos))
	}
	for _, po := range pos {
		if po.VendorName == "Acme Paper" && po.Total.String() != "475.00" {
			t.Errorf("the browser's price was used: %s", po.Total)
		}
		if po.Currency.Code() != "EUR" {
			t.Errorf("currency %s", po.Currency)
		}
		// The PO downloads as a PDF named after it (its content:
		// web/orders TestWritePOPDF).
		pdf := s.app.Get(t, s.office, fmt.Sprintf("/pos/%d/pdf", po.ID))
		if pdf.StatusCode != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" ||
			pdf.Header.Get("Content-Disposition") != `attachment; filename="`+po.Number+`.pdf"` || !strings.HasPrefix(pdf.Body, "%PDF-") {
			t.Errorf("the PDF of %s: %d %v %.10q", po.Number, pdf.StatusCode, pdf.Header, pdf.Body)
		}
	}
}

func TestOtherLocationsRecordsAreNotFound(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	s.add(t, s.office, s.pens, "3")
	r := s.submit(t, s.office)
	reqPath, _, _ := strings.Cut(r.Header.Get("Location"), "?") // ?submitted=1: the page's message
	pos, _ := s.app.Store.PurchaseOrders(t.Context(), procure.Scope{}, store.POFilter{})
	poPath := fmt.Sprintf("/pos/%d", pos[0].ID)
	lines, _ := s.app.Store.CartLines(t.Context(), s.officeUser.ID, s.muc)
	_ = lines
	s.add(t, s.office, s.pens, "2")
	cartLines, _ := s.app.Store.CartLines(t.Context(), s.officeUser.ID, s.muc)
	linePath := fmt.Sprintf("/cart/lines/%d", cartLines[0].ID)
	// The PO page offers to ask procurement about it, with the form filled in.
	page := s.app.Get(t, s.office, poPath)
	ask := regexp.MustCompile(`href="(/help/requests/new\?[^"]+)"`).FindStringSubmatch(page.Body)
	if ask == nil {
		t.Fatalf("the PO page has no ask-procurement link")
	}
	if form := s.app.Get(t, s.office, html.UnescapeString(ask[1])); !strings.Contains(form.Body, `value="`+poPath+`"`) ||
		!strings.Contains(form.Body, "Question about "+pos[0].Number) {
		t.Errorf("the ask form is not filled in from the PO")
	}
	// The Berlin office admin probes Munich's records by id.
	for _, g := range []string{reqPath, poPath, poPath + "/print", poPath + "/pdf"} {
		if r := s.app.Get(t, s.north, g); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s as Berlin: %d", g, r.StatusCode)
		}
	}
	for _, p := range []string{poPath + "/receive", poPath + "/cancel", linePath + "/qty", linePath + "/remove", reqPath + "/reorder"} {
		if r := s.app.PostForm(t, s.north, p, url.Values{"qty": {"1"}, "reason": {"x"}, fmt.Sprintf("qty_%d", 1): {"1"}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s as Berlin: %d", p, r.StatusCode)
		}
	}
	// Submitting Munich's cart (or a made-up location's) as Berlin: not found.
	northKey := "key-north-0123456789"
	for _, loc := range []string{fmt.Sprint(s.muc), "987654", "abc"} {
		if r := s.app.PostForm(t, s.north, "/cart/submit", url.Values{"location": {loc}, "key": {northKey}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("POST /cart/submit for location %s as Berlin: %d", loc, r.StatusCode)
		}
	}
	// Filtering the order lists by Munich, or by made-up ids, is refused
	// (not an empty list under a filter that reads "all"); Munich itself can.
	for _, g := range []string{fmt.Sprintf("/pos?location=%d", s.muc), "/pos?location=987654", "/pos?vendor=987654",
		fmt.Sprintf("/requests?location=%d", s.muc), "/requests?location=987654"} {
		if r := s.app.Get(t, s.north, g); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "from the list") {
			t.Errorf("GET %s as Berlin: %d", g, r.StatusCode)
		}
	}
	// A filter to correct shows the filters again with the message at the
	// field, and no list (not one read under filters that were not applied).
	for g, want := range map[string]string{"/pos?from=2026-13-45": "Enter the date as YYYY-MM-DD.", "/pos?from=2026-06-30&to=2026-06-01": "The last day is before the first day.",
		"/pos?status=bogus": "Choose a status from the list."} {
		r := s.app.Get(t, s.office, g)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `class="field-error"`) || !strings.Contains(r.Body, want) ||
			!strings.Contains(r.Body, `action="/pos"`) || strings.Contains(r.Body, pos[0].Number) {
			t.Errorf("GET %s: %d, message %q shown at its field: %v", g, r.StatusCode, want, strings.Contains(r.Body, want))
		}
	}
	if r := s.app.Get(t, s.office, "/pos?from=2026-06-01&to=2026-06-01"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, pos[0].Number) {
		t.Errorf("one day's orders: %d", r.StatusCode)
	}
	for g, want := range map[string]string{fmt.Sprintf("/pos?location=%d", s.muc): pos[0].Number, fmt.Sprintf("/requests?location=%d", s.muc): reqPath} {
		if r := s.app.Get(t, s.office, g); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, want) {
			t.Errorf("GET %s as Munich: %d, lists %s: %v", g, r.StatusCode, want, strings.Contains(r.Body, want))
		}
	}
	if reqs, _ := s.app.Store.PurchaseRequests(t.Context(), procure.Scope{}, store.RequestFilter{}); len(reqs) != 1 {
		t.Errorf("%d requests, want Munich's one", len(reqs))
	}
	if after, _ := s.app.Store.CartLines(t.Context(), s.officeUser.ID, s.muc); len(after) != 1 || after[0].Qty != 2_000 {
		t.Errorf("Munich's cart changed: %+v", after)
	}
	// Finance and procurement read every location's orders.
	testkit.MustUser(t, s.app.Store, "fin@example.test", testkit.Roles(procure.RoleFinance))
	fin := s.app.SignIn(t, "fin@example.test")
	if r := s.app.Get(t, fin, poPath); r.StatusCode != http.StatusOK {
		t.Errorf("finance reading a PO: %d", r.StatusCode)
	}
	// But only office admins order.
	for _, p := range []string{"/catalogue", "/cart"} {
		if r := s.app.Get(t, fin, p); r.StatusCode != http.StatusForbidden {
			t.Errorf("finance GET %s: %d", p, r.StatusCode)
		}
	}
	if r := s.app.Get(t, s.office, "/approvals"); r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "This page is for procurement or owners.") {
		t.Errorf("office admin on approvals: %d", r.StatusCode)
	}
}

// TestApprovalsQueuePages: the queue shows its oldest 25 lines with a
// count of all that wait and a link to the next page; a decision taken on
// a later page comes back to that page, and its form is shown again there
// when it fails.
func TestApprovalsQueuePages(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	for i := 1; i <= 27; i++ {
		r := s.app.PostForm(t, s.office, "/cart/offcontract", url.Values{"location": {fmt.Sprint(s.muc)}, "description": {fmt.Sprintf("Chair model %02d", i)},
			"qty": {"1"}, "unit": {"each"}, "reason": {"New desks"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("off-contract line %d: %d", i, r.StatusCode)
		}
	}
	if r := s.submit(t, s.office); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", r.StatusCode)
	}
	proc := s.app.SignIn(t, "proc@example.test")
	first := s.app.Get(t, proc, "/approvals")
	if !strings.Contains(first.Body, "27 lines wait") || !strings.Contains(first.Body, "Showing 1–25") ||
		!strings.Contains(first.Body, "Chair model 25") || strings.Contains(first.Body, "Chair model 26") {
		t.Fatalf("first page: %s", first.Body)
	}
	if home := s.app.Get(t, proc, "/"); !regexp.MustCompile(`(?s)Off-contract lines waiting.{0,200}>27<`).MatchString(home.Body) {
		t.Errorf("home page's count of waiting lines is not 27")
	}
	pending, err := s.app.Store.PendingOffContract(t.Context(), 0, 100)
	if err != nil || len(pending) != 27 {
		t.Fatalf("pending: %d, %v", len(pending), err)
	}
	next := fmt.Sprintf("/approvals?after=%d", pending[24].ID)
	if !strings.Contains(first.Body, html.EscapeString(next)) {
		t.Fatalf("first page does not link to %s", next)
	}
	second := s.app.Get(t, proc, next)
	if !strings.Contains(second.Body, "Showing 26–27") || !strings.Contains(second.Body, "Chair model 27") ||
		strings.Contains(second.Body, "Chair model 25") || strings.Contains(second.Body, "Next page") {
		t.Fatalf("second page: %s", second.Body)
	}
	after := fmt.Sprint(pending[24].ID)
	r := s.app.PostForm(t, proc, fmt.Sprintf("/approvals/%d", pending[25].ID), url.Values{"decision": {"reject"}, "reason": {""}, "after": {after}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Chair model 26") || strings.Contains(r.Body, "Chair model 01") {
		t.Errorf("a failed decision on page two shows another page: %d", r.StatusCode)
	}
	r = s.app.PostForm(t, proc, fmt.Sprintf("/approvals/%d", pending[25].ID), url.Values{"decision": {"reject"}, "reason": {"Use the framework"}, "after": {after}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != next {
		t.Errorf("decision on page two went to %q (%d), want %s", r.Header.Get("Location"), r.StatusCode, next)
	}
	if r := s.app.Get(t, proc, "/approvals?after=x"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Enter a whole number") {
		t.Errorf("a cursor that is not a number: %d", r.StatusCode)
	}
	// A chosen value sent altered has no field on an error page to mark:
	// the page names it, says nothing was saved and links back to the form.
	req, _ := http.NewRequest(http.MethodPost, s.app.URL+fmt.Sprintf("/approvals/%d", pending[0].ID),
		strings.NewReader(url.Values{"decision": {"approve"}, "vendor_id": {"abc"}, "unit_price": {"5"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Referer", s.app.URL+next)
	r = s.app.Do(t, proc, req)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "<strong>vendor id</strong>: Enter a whole number.") ||
		!strings.Contains(r.Body, "nothing was saved") || strings.Contains(r.Body, "highlighted") ||
		!strings.Contains(r.Body, `href="`+html.EscapeString(next)+`"`) {
		t.Errorf("an altered vendor id: %d %s", r.StatusCode, r.Body)
	}
	if p, err := s.app.Store.PendingOffContract(t.Context(), 0, 100); err != nil || len(p) != 26 {
		t.Errorf("after the refused approval %d lines wait, want 26 (%v)", len(p), err)
	}
}

func TestReceiveAndApproveThroughForms(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	s.add(t, s.office, s.paper, "20")
	r := s.app.PostForm(t, s.office, "/cart/offcontract", url.Values{"location": {fmt.Sprint(s.muc)}, "description": {""}, "qty": {"1e3"}, "unit": {"each"}, "reason": {""}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Describe what you need") || !strings.Contains(r.Body, "exponent") {
		t.Fatalf("bad off-contract line: %d", r.StatusCode)
	}
	r = s.app.PostForm(t, s.office, "/cart/offcontract", url.Values{"location": {fmt.Sprint(s.muc)}, "description": {"Whiteboard 120x90"},
		"qty": {"2"}, "unit": {"each"}, "est_price": {"89.90"}, "suggested_vendor_name": {"Boards Ltd"}, "reason": {"Meeting room"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("off-contract line: %d %s", r.StatusCode, r.Body)
	}
	r = s.submit(t, s.office)
	if page := s.app.Get(t, s.office, r.Header.Get("Location")); !strings.Contains(page.Body, "waiting for procurement") {
		t.Fatalf("request page: %s", page.Body)
	}
	proc := s.app.SignIn(t, "proc@example.test")
	queue := s.app.Get(t, proc, "/approvals")
	if !strings.Contains(queue.Body, "Whiteboard 120x90") || !strings.Contains(queue.Body, "Boards Ltd") {
		t.Fatalf("queue lacks the line")
	}
	pending, _ := s.app.Store.PendingOffContract(t.Context(), 0, 100)
	vendors, _ := s.app.Store.VendorOptions(t.Context())
	r = s.app.PostForm(t, proc, fmt.Sprintf("/approvals/%d", pending[0].ID), url.Values{"decision": {"approve"}, "vendor_id": {fmt.Sprint(vendors[0].ID)}, "unit_price": {"-3"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "must not be negative") {
		t.Errorf("negative approval price: %d", r.StatusCode)
	}
	r = s.app.PostForm(t, proc, fmt.Sprintf("/approvals/%d", pending[0].ID), url.Values{"decision": {"approve"}, "vendor_id": {fmt.Sprint(vendors[0].ID)}, "unit_price": {"85.00"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", r.StatusCode, r.Body)
	}
	// A second click on approve, or another buyer rejecting it meanwhile:
	// the line is no longer in the queue, so the page says why at the top.
	for _, form := range []url.Values{
		{"decision": {"approve"}, "vendor_id": {fmt.Sprint(vendors[0].ID)}, "unit_price": {"85.00"}},
		{"decision": {"reject"}, "reason": {"Too late"}},
	} {
		r = s.app.PostForm(t, proc, fmt.Sprintf("/approvals/%d", pending[0].ID), form)
		if r.StatusCode != http.StatusConflict || !strings.Contains(r.Body, "This line was already approved") {
			t.Errorf("%s of a decided line: %d, message shown: %v", form.Get("decision"), r.StatusCode, strings.Contains(r.Body, "already approved"))
		}
	}
	// Receive part of the paper through the PO page's form.
	pos, _ := s.app.Store.PurchaseOrders(t.Context(), s.officeUser.OrderScope(), store.POFilter{})
	var paperPO procure.PurchaseOrder
	for _, po := range pos {
		full, _ := s.app.Store.PurchaseOrderByID(t.Context(), procure.Scope{}, po.ID)
		if len(full.Lines) > 0 && full.Lines[0].SKU == "PAP-1" {
			paperPO = full
		}
	}
	field := fmt.Sprintf("qty_%d", paperPO.Lines[0].ID)
	poPath := fmt.Sprintf("/pos/%d", paperPO.ID)
	key := keyRe.FindStringSubmatch(s.app.Get(t, s.office, poPath).Body)
	if key == nil {
		t.Fatal("the PO page issued no key with its receipt form")
	}
	r = s.app.PostForm(t, s.office, poPath+"/receive", url.Values{field: {"25"}, "key": {key[1]}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Only 20 ream") && !strings.Contains(r.Body, "Only 20 each") {
		t.Errorf("over-receipt: %d", r.StatusCode)
	}
	if !strings.Contains(r.Body, `name="key" value="`+key[1]+`"`) {
		t.Errorf("the corrected receipt form carries another key than the one it was issued with")
	}
	// Sent, then sent again (a double click, a refresh): booked once.
	for i, want := range []string{"Receipt recorded.", "This receipt was already recorded"} {
		r = s.app.PostForm(t, s.office, poPath+"/receive", url.Values{field: {"8"}, "note": {"first pallet"}, "key": {key[1]}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("receipt %d: %d %s", i+1, r.StatusCode, r.Body)
		}
		if page := s.app.Get(t, s.office, poPath); !strings.Contains(page.Body, want) {
			t.Errorf("receipt %d: the PO page does not say %q", i+1, want)
		}
	}
	po, _ := s.app.Store.PurchaseOrderByID(t.Context(), procure.Scope{}, paperPO.ID)
	if po.Status != procure.POPartiallyReceived || po.Lines[0].Received.String() != "8" {
		t.Errorf("after the same receipt twice: %s, %s received", po.Status, po.Lines[0].Received)
	}
	r = s.app.PostForm(t, s.office, poPath+"/receive", url.Values{field: {"2"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "This form was not issued by this site") {
		t.Errorf("a receipt without its form's key: %d", r.StatusCode)
	}
	if po, _ := s.app.Store.PurchaseOrderByID(t.Context(), procure.Scope{}, paperPO.ID); po.Lines[0].Received.String() != "8" {
		t.Errorf("a refused receipt booked: %s received", po.Lines[0].Received)
	}
}

// "Order again" puts the catalogue lines of a request (those ordered at
// once, which are its PO lines) back into the cart with their quantities;
// the off-contract line is not a catalogue line and stays out.
func TestOrderAgain(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	s.add(t, s.office, s.paper, "95")
	s.add(t, s.office, s.pens, "10")
	if r := s.app.PostForm(t, s.office, "/cart/offcontract", url.Values{"location": {fmt.Sprint(s.muc)}, "description": {"Standing desk"},
		"qty": {"1"}, "unit": {"each"}, "est_price": {"450"}, "reason": {"Not in the catalogue"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("off-contract line: %d %s", r.StatusCode, r.Body)
	}
	r := s.submit(t, s.office)
	reqPath, _, _ := strings.Cut(r.Header.Get("Location"), "?") // ?submitted=1: the page's message
	if !strings.HasPrefix(reqPath, "/requests/") {
		t.Fatalf("submit: %d %s", r.StatusCode, reqPath)
	}
	page := s.app.Get(t, s.office, reqPath)
	for _, want := range []string{"Item PAP-1", "Item PEN-1", "Standing desk", "PO-2026-000001", "PO-2026-000002", "waiting for procurement"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("request page lacks %q", want)
		}
	}
	if lines, _ := s.app.Store.CartLines(t.Context(), s.officeUser.ID, s.muc); len(lines) != 0 {
		t.Fatalf("cart not emptied: %d lines", len(lines))
	}
	if r := s.app.PostForm(t, s.office, reqPath+"/reorder", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reorder: %d", r.StatusCode)
	}
	lines, err := s.app.Store.CartLines(t.Context(), s.officeUser.ID, s.muc)
	if err != nil || len(lines) != 2 {
		t.Fatalf("cart after order again: %+v, %v; want the paper and the pens", lines, err)
	}
	got := map[int64]string{}
	for _, l := range lines {
		if l.Item == nil {
			t.Fatalf("an off-contract line came back: %+v", l)
		}
		got[l.Item.ID] = l.Qty.String()
	}
	if got[s.paper] != "95" || got[s.pens] != "10" {
		t.Errorf("quantities %v; want paper 95, pens 10", got)
	}
}

// A cancelled PO's printable view and PDF say not to deliver, with the
// reason; the issued PO's do not.
func TestCancelledPOSaysDoNotDeliver(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	s.add(t, s.office, s.pens, "3")
	if r := s.submit(t, s.office); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", r.StatusCode)
	}
	pos, _ := s.app.Store.PurchaseOrders(t.Context(), procure.Scope{}, store.POFilter{})
	poPath := fmt.Sprintf("/pos/%d", pos[0].ID)
	if r := s.app.Get(t, s.office, poPath+"/print"); strings.Contains(r.Body, "do not deliver") || !strings.Contains(r.Body, poPath+"/pdf") {
		t.Errorf("the issued PO's printable view: warning shown or no PDF link")
	}
	// The location's delivery address, once recorded, is on the order.
	loc, _ := s.app.Store.LocationByID(t.Context(), procure.Scope{}, s.muc)
	if err := s.app.Store.UpdateLocation(t.Context(), 0, s.muc, procure.LocationInput{Code: loc.Code, Name: loc.Name, Currency: "EUR", Active: true,
		Version: loc.Version, Address: "Goods receiving, Leopoldstraße 120\n80802 München"}); err != nil {
		t.Fatal(err)
	}
	if r := s.app.Get(t, s.office, poPath+"/print"); strings.Contains(r.Body, "<dt>From</dt>") {
		t.Errorf("the printable view shows a buyer though none is recorded")
	}
	org, _ := s.app.Store.Organisation(t.Context())
	if err := s.app.Store.UpdateOrganisation(t.Context(), 0, procure.OrganisationInput{Name: "Acme Holding AG", Address: "Hauptstraße 1", Version: org.Version}); err != nil {
		t.Fatal(err)
	}
	if r := s.app.Get(t, s.office, poPath+"/print"); !strings.Contains(r.Body, "<dt>From</dt><dd class=\"prewrap\">Acme Holding AG\nHauptstraße 1</dd>") {
		t.Errorf("the printable view does not show the buyer")
	}
	for _, path := range []string{poPath, poPath + "/print"} {
		if r := s.app.Get(t, s.office, path); !strings.Contains(r.Body, `<dd class="prewrap">MUC office (MUC)
Goods receiving, Leopoldstraße 120
80802 München</dd>`) {
			t.Errorf("%s does not show the delivery address", path)
		}
	}
	if r := s.app.PostForm(t, s.office, poPath+"/cancel", url.Values{"reason": {"Ordered twice by mistake."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", r.StatusCode)
	}
	if r := s.app.Get(t, s.office, poPath+"/print"); !strings.Contains(r.Body, "Cancelled: do not deliver. Ordered twice by mistake.") {
		t.Errorf("the cancelled PO's printable view does not say so")
	}
}
