package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/testkit"
	"github.com/procure-app/procure/internal/webtest"
)

func TestOwnerManagesUsers(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	muc := testkit.MustLocation(t, app.Store, "MUC", "EUR")
	testkit.MustUser(t, app.Store, "owner@example.test", owner)
	c := app.SignIn(t, "owner@example.test")

	// Bad input: every field gets its message, what was typed stays, nothing is written.
	r := app.PostForm(t, c, "/admin/users", url.Values{"email": {"not-an-email"}, "name": {"Zoë Example"}, "password": {"password1"}, "roles": {"orderer"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", r.StatusCode)
	}
	for _, want := range []string{"Enter an email address like name@example.com.", "most common passwords", "needs at least one location", `value="Zoë Example"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("bad form does not show %q", want)
		}
	}
	// Parameter pollution: a scalar sent twice is refused.
	r = app.PostForm(t, c, "/admin/users", url.Values{"email": {"a@example.test", "b@example.test"}, "name": {"Twice"},
		"password": {"a long enough passphrase"}, "roles": {"finance"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "sent more than once") {
		t.Errorf("duplicate email field: %d", r.StatusCode)
	}
	users, _ := app.Store.Users(t.Context())
	if len(users) != 1 {
		t.Fatalf("bad forms wrote users: %d", len(users))
	}

	// Good input: created, audited, and the new user can sign in.
	r = app.PostForm(t, c, "/admin/users", url.Values{"email": {"New.Person@Example.test"}, "name": {"New Person"},
		"password": {"a long enough passphrase"}, "roles": {"orderer"}, "locations": {fmt.Sprint(muc)}, "active": {"on"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	u, _, err := app.Store.UserCredentials(t.Context(), "new.person@example.test")
	if err != nil || !u.Has(procure.RoleOrderer) || !u.InLocation(muc) {
		t.Fatalf("created user: %+v, %v", u, err)
	}
	nc := app.Client(t)
	if r := app.PostForm(t, nc, "/login", url.Values{"email": {"new.person@example.test"}, "password": {"a long enough passphrase"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("new user cannot sign in: %d", r.StatusCode)
	}
	if r := app.Get(t, nc, "/"); r.StatusCode != http.StatusOK {
		t.Fatalf("new user home: %d", r.StatusCode)
	}

	// Deactivating takes effect on the user's very next request.
	form := url.Values{"name": {"New Person"}, "roles": {"orderer"}, "locations": {fmt.Sprint(muc)}, "version": {fmt.Sprint(u.Version)}}
	if r := app.PostForm(t, c, fmt.Sprintf("/admin/users/%d", u.ID), form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate: %d %s", r.StatusCode, r.Body)
	}
	if r := app.Get(t, nc, "/"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Errorf("deactivated user still in: %d", r.StatusCode)
	}
	// The same stale form again: the version moved on.
	r = app.PostForm(t, c, fmt.Sprintf("/admin/users/%d", u.ID), form)
	if r.StatusCode != http.StatusConflict || !strings.Contains(r.Body, "changed by someone else") {
		t.Errorf("stale form: %d", r.StatusCode)
	}
}

func TestRemovingALocationAppliesAtOnce(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	muc := testkit.MustLocation(t, app.Store, "MUC", "EUR")
	ber := testkit.MustLocation(t, app.Store, "BER", "EUR")
	testkit.MustUser(t, app.Store, "owner@example.test", owner)
	o := testkit.MustUser(t, app.Store, "office@example.test", testkit.Roles(procure.RoleOrderer), muc, ber)
	oc := app.SignIn(t, "office@example.test")
	if r := app.Get(t, oc, "/"); !strings.Contains(r.Body, "BER office") {
		t.Fatalf("home does not list Berlin")
	}
	c := app.SignIn(t, "owner@example.test")
	r := app.PostForm(t, c, fmt.Sprintf("/admin/users/%d", o.ID), url.Values{"name": {o.Name}, "roles": {"orderer"},
		"locations": {fmt.Sprint(muc)}, "active": {"on"}, "version": {fmt.Sprint(o.Version)}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d", r.StatusCode)
	}
	if r := app.Get(t, oc, "/"); strings.Contains(r.Body, "BER office") || !strings.Contains(r.Body, "MUC office") {
		t.Error("removed location still shown on the next request")
	}
}

func TestOwnerCannotRemoveTheLastOwnerViaForm(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	me := testkit.MustUser(t, app.Store, "owner@example.test", owner)
	c := app.SignIn(t, "owner@example.test")
	r := app.PostForm(t, c, fmt.Sprintf("/admin/users/%d", me.ID), url.Values{"name": {me.Name}, "roles": {"finance"}, "active": {"on"}, "version": {fmt.Sprint(me.Version)}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "no active owner") {
		t.Errorf("last owner demoted: %d", r.StatusCode)
	}
}

func TestOwnerManagesLocationsAndReadsAudit(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	testkit.MustUser(t, app.Store, "owner@example.test", owner)
	c := app.SignIn(t, "owner@example.test")
	r := app.PostForm(t, c, "/admin/locations", url.Values{"code": {"muc"}, "name": {""}, "currency": {"EURO"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "capital letters") || !strings.Contains(r.Body, "ISO 4217") {
		t.Fatalf("bad location: %d", r.StatusCode)
	}
	r = app.PostForm(t, c, "/admin/locations", url.Values{"code": {"MUC"}, "name": {"Munich"}, "currency": {"EUR"}, "active": {"on"},
		"address": {strings.Repeat("x", 501)}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "at most 500 characters") {
		t.Fatalf("a 501-character address: %d", r.StatusCode)
	}
	r = app.PostForm(t, c, "/admin/locations", url.Values{"code": {"MUC"}, "name": {"Munich"}, "currency": {"EUR"}, "active": {"on"},
		"address": {" Leopoldstraße 120\r\n80802 München "}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create location: %d %s", r.StatusCode, r.Body)
	}
	if locs, _ := app.Store.Locations(t.Context(), procure.Scope{}); len(locs) != 1 || locs[0].Address != "Leopoldstraße 120\n80802 München" {
		t.Errorf("locations after create: %+v", locs)
	}
	r = app.PostForm(t, c, "/admin/locations", url.Values{"code": {"MUC"}, "name": {"Again"}, "currency": {"EUR"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "already uses this code") {
		t.Errorf("duplicate code: %d", r.StatusCode)
	}
	// The organisation printed on POs as the buyer.
	r = app.PostForm(t, c, "/admin/organisation", url.Values{"org_name": {" "}, "org_address": {"x"}, "version": {"1"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Enter the organisation&#39;s name") {
		t.Errorf("organisation without a name: %d", r.StatusCode)
	}
	r = app.PostForm(t, c, "/admin/organisation", url.Values{"org_name": {"Acme Holding AG"}, "org_address": {"Hauptstraße 1\r\nBerlin"}, "version": {"1"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("organisation: %d %s", r.StatusCode, r.Body)
	}
	if o, _ := app.Store.Organisation(t.Context()); o.Name != "Acme Holding AG" || o.Address != "Hauptstraße 1\nBerlin" || o.Version != 2 {
		t.Errorf("organisation after saving: %+v", o)
	}
	r = app.PostForm(t, c, "/admin/organisation", url.Values{"org_name": {"Stale"}, "version": {"1"}})
	if r.StatusCode != http.StatusConflict || !strings.Contains(r.Body, "changed by someone else") {
		t.Errorf("organisation from a stale form: %d", r.StatusCode)
	}
	if r := app.Get(t, c, "/admin/audit?entity=organisation"); !strings.Contains(r.Body, "organisation.update") || !strings.Contains(r.Body, "Acme Holding AG") {
		t.Errorf("the organisation's change is not in the audit log")
	}
	r = app.Get(t, c, "/admin/audit?entity=location")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "location.create") || !strings.Contains(r.Body, "Munich") {
		t.Errorf("audit page: %d", r.StatusCode)
	}
	// A filter typed wrong: the page says which value and why, and links
	// to itself without them (the value is shown escaped).
	r = app.Get(t, c, "/admin/audit?entity_id=%3Cb%3Eabc&entity=location")
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "<strong>entity id</strong> <code>&#34;&lt;b&gt;abc&#34;</code>: Enter a whole number.") ||
		!strings.Contains(r.Body, `<a href="/admin/audit">Show the page without them</a>`) {
		t.Errorf("bad filter: %d %s", r.StatusCode, r.Body)
	}
}
