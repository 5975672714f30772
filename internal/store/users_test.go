package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/procure-app/procure/internal/pgtest"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/testkit"
)

func TestCreateUserRules(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	ctx := t.Context()
	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	u := testkit.MustUser(t, st, "ada@example.test", testkit.Roles(procure.RoleOrderer), muc)
	if len(u.Roles) != 1 || u.Roles[0] != procure.RoleOrderer || len(u.Locations) != 1 || u.Locations[0] != muc || !u.Active {
		t.Fatalf("user = %+v", u)
	}

	_, h := testkit.Hasher(t)
	_, err := st.CreateUser(ctx, 0, procure.UserInput{Email: "ada@example.test", Name: "Again", Roles: testkit.Roles(procure.RoleFinance), Active: true}, h)
	if procure.KindOf(err) != procure.KindInvalid || procure.FieldsOf(err)["email"] == "" {
		t.Errorf("duplicate email: %v (fields %v)", err, procure.FieldsOf(err))
	}
	_, err = st.CreateUser(ctx, 0, procure.UserInput{Email: "bob@example.test", Name: "Bob", Roles: testkit.Roles(procure.RoleOrderer), Locations: []int64{muc, 999_999}, Active: true}, h)
	if procure.KindOf(err) != procure.KindInvalid || procure.FieldsOf(err)["locations"] == "" {
		t.Errorf("unknown location: %v", err)
	}
	// Nothing of the failed creations was written, not even half.
	if _, _, err := st.UserCredentials(ctx, "bob@example.test"); procure.KindOf(err) != procure.KindNotFound {
		t.Errorf("half-written user: %v", err)
	}
	events, err := st.AuditEvents(ctx, store.AuditFilter{Entity: "user"})
	if err != nil || len(events) != 1 || events[0].Action != "user.create" || events[0].After["email"] != "ada@example.test" {
		t.Errorf("audit = %+v, %v", events, err)
	}
}

func TestUserCredentialsNormalisesEmail(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	testkit.MustUser(t, st, "ada@example.test", testkit.Roles(procure.RoleFinance))
	u, hash, err := st.UserCredentials(t.Context(), "  Ada@Example.TEST ")
	if err != nil || u.Email != "ada@example.test" || hash == "" {
		t.Fatalf("got %+v, %q, %v", u, hash, err)
	}
}

func TestUpdateUserVersionConflict(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	ctx := t.Context()
	testkit.MustUser(t, st, "owner@example.test", testkit.Roles(procure.RoleOwner))
	u := testkit.MustUser(t, st, "fin@example.test", testkit.Roles(procure.RoleFinance))
	in := procure.UserInput{Email: u.Email, Name: "Renamed", Roles: u.Roles, Active: true, Version: u.Version}
	if err := st.UpdateUser(ctx, 0, u.ID, in); err != nil {
		t.Fatal(err)
	}
	in.Name = "Second save from a stale form"
	if err := st.UpdateUser(ctx, 0, u.ID, in); procure.KindOf(err) != procure.KindConflict {
		t.Errorf("stale version: %v", err)
	}
	got, _ := st.UserByID(ctx, u.ID)
	if got.Name != "Renamed" || got.Version != u.Version+1 {
		t.Errorf("after conflict: %+v", got)
	}
}

func TestDeactivationEndsSessions(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	ctx := t.Context()
	testkit.MustUser(t, st, "owner@example.test", testkit.Roles(procure.RoleOwner))
	u := testkit.MustUser(t, st, "fin@example.test", testkit.Roles(procure.RoleFinance))
	in := procure.UserInput{Email: u.Email, Name: u.Name, Roles: u.Roles, Active: false, Version: u.Version}
	if err := st.UpdateUser(ctx, 0, u.ID, in); err != nil {
		t.Fatal(err)
	}
	got, _ := st.UserByID(ctx, u.ID)
	if got.Active || got.Generation != u.Generation+1 {
		t.Errorf("after deactivation: %+v", got)
	}
}

func TestLastOwnerCannotBeRemoved(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	ctx := t.Context()
	a := testkit.MustUser(t, st, "a@example.test", testkit.Roles(procure.RoleOwner))
	in := procure.UserInput{Email: a.Email, Name: a.Name, Roles: testkit.Roles(procure.RoleFinance), Active: true, Version: a.Version}
	if err := st.UpdateUser(ctx, 0, a.ID, in); procure.KindOf(err) != procure.KindInvalid {
		t.Fatalf("demoting the only owner: %v", err)
	}
	in.Roles, in.Active = a.Roles, false
	if err := st.UpdateUser(ctx, 0, a.ID, in); procure.KindOf(err) != procure.KindInvalid {
		t.Fatalf("deactivating the only owner: %v", err)
	}
	got, _ := st.UserByID(ctx, a.ID)
	if !got.Has(procure.RoleOwner) || !got.Active {
		t.Errorf("the last owner changed anyway: %+v", got)
	}
}

// Two owners demote each other at the same moment: one must fail, so the
// organisation keeps an owner.
func TestOwnersDemotingEachOtherConcurrently(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	ctx := t.Context()
	a := testkit.MustUser(t, st, "a@example.test", testkit.Roles(procure.RoleOwner))
	b := testkit.MustUser(t, st, "b@example.test", testkit.Roles(procure.RoleOwner))
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, u := range []procure.User{a, b} {
		wg.Go(func() {
			in := procure.UserInput{Email: u.Email, Name: u.Name, Roles: testkit.Roles(procure.RoleFinance), Active: true, Version: u.Version}
			errs[i] = st.UpdateUser(ctx, 0, u.ID, in)
		})
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("want exactly one success: %v / %v", errs[0], errs[1])
	}
	owners := 0
	for _, id := range []int64{a.ID, b.ID} {
		u, _ := st.UserByID(ctx, id)
		if u.Has(procure.RoleOwner) {
			owners++
		}
	}
	if owners != 1 {
		t.Errorf("%d owners left", owners)
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	pool := pgtest.Pool(t)
	st := store.New(pool)
	testkit.MustLocation(t, st, "MUC", "EUR")
	if _, err := pool.Exec(t.Context(), `UPDATE audit_events SET action = 'forged'`); err == nil {
		t.Error("an audit event was updated")
	}
	if _, err := pool.Exec(t.Context(), `DELETE FROM audit_events`); err == nil {
		t.Error("an audit event was deleted")
	}
}

func TestLocationsRulesAndScope(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	ctx := t.Context()
	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	lon := testkit.MustLocation(t, st, "LON", "GBP")
	_, err := st.CreateLocation(ctx, 0, procure.LocationInput{Code: "MUC", Name: "Again", Currency: "EUR"})
	if procure.KindOf(err) != procure.KindInvalid || procure.FieldsOf(err)["code"] == "" {
		t.Errorf("duplicate code: %v", err)
	}
	_, err = st.CreateLocation(ctx, 0, procure.LocationInput{Code: "x", Name: "", Currency: "EURO"})
	if f := procure.FieldsOf(err); f["code"] == "" || f["name"] == "" || f["currency"] == "" {
		t.Errorf("bad input fields: %v", f)
	}
	got, err := st.Locations(ctx, procure.Scope{Locations: []int64{lon}})
	if err != nil || len(got) != 1 || got[0].ID != lon || got[0].Currency.Code() != "GBP" {
		t.Errorf("scoped locations = %+v, %v", got, err)
	}
	if _, err := st.LocationByID(ctx, procure.Scope{Locations: []int64{lon}}, muc); procure.KindOf(err) != procure.KindNotFound {
		t.Errorf("out-of-scope location: %v", err)
	}
	if got, _ := st.Locations(ctx, procure.Scope{Locations: []int64{}}); len(got) != 0 {
		t.Errorf("empty scope sees %d locations", len(got))
	}
	l, _ := st.LocationByID(ctx, procure.Scope{}, muc)
	in := procure.LocationInput{Code: "MUC", Name: "Munich HQ", Currency: "EUR", Active: true, Version: l.Version}
	if err := st.UpdateLocation(ctx, 0, muc, in); err != nil {
		t.Fatal(err)
	}
	if err := st.UpdateLocation(ctx, 0, muc, in); procure.KindOf(err) != procure.KindConflict {
		t.Errorf("stale location edit: %v", err)
	}
}

func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	pool := pgtest.Pool(t)
	st := store.New(pool)
	ctx := t.Context()
	p := store.LoginThrottle{Limit: 3, Window: time.Minute, Lockout: time.Minute}
	keys := []string{"email:x@example.test"}
	for i := 1; i <= 2; i++ {
		n, err := st.RecordLoginFailure(ctx, keys, []store.LoginThrottle{p})
		if err != nil || n != i {
			t.Fatalf("failure %d counted as %d, %v", i, n, err)
		}
		if until, _ := st.LoginLockedUntil(ctx, keys); !until.IsZero() {
			t.Fatalf("locked after %d failures", i)
		}
	}
	if _, err := st.RecordLoginFailure(ctx, keys, []store.LoginThrottle{p}); err != nil {
		t.Fatal(err)
	}
	until, err := st.LoginLockedUntil(ctx, keys)
	if err != nil || until.IsZero() {
		t.Fatalf("not locked after the limit: %v", err)
	}
	// Success does not unlock a lock in force.
	_ = st.ClearLoginFailures(ctx, keys)
	if until, _ := st.LoginLockedUntil(ctx, keys); until.IsZero() {
		t.Error("a sign-in cleared an active lock")
	}
	// Concurrent failures from two "instances" are all counted.
	keys2 := []string{"ip:10.0.0.1"}
	big := store.LoginThrottle{Limit: 1000, Window: time.Minute, Lockout: time.Minute}
	other := store.New(pgtest.PoolFor(t, pool.Config().ConnString()))
	var wg sync.WaitGroup
	for i := range 20 {
		s := st
		if i%2 == 1 {
			s = other
		}
		wg.Go(func() { _, _ = s.RecordLoginFailure(context.Background(), keys2, []store.LoginThrottle{big}) })
	}
	wg.Wait()
	n, _ := st.RecordLoginFailure(ctx, keys2, []store.LoginThrottle{big})
	if n != 21 {
		t.Errorf("counted %d failures, want 21", n)
	}
}
