package procure_test

import (
	"errors"
	"fmt"
	"go/build"
	"strings"
	"testing"

	"github.com/procure-app/procure/internal/procure"
)

func TestImports(t *testing.T) {
	t.Parallel()
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{"github.com/procure-app/procure/internal/money": true, "github.com/procure-app/procure/internal/pricing": true}
	for _, imp := range pkg.Imports {
		if strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") && !allowed[imp] {
			t.Errorf("procure imports %q; only money, pricing and the standard library are allowed", imp)
		}
	}
}

func TestErrorKinds(t *testing.T) {
	t.Parallel()
	base := procure.Errorf(procure.KindNotFound, "Contract %d does not exist.", 7)
	wrapped := fmt.Errorf("loading: %w", base)
	if procure.KindOf(wrapped) != procure.KindNotFound || procure.MessageOf(wrapped) != "Contract 7 does not exist." {
		t.Errorf("kind/message through wrapping: %v %q", procure.KindOf(wrapped), procure.MessageOf(wrapped))
	}
	if procure.KindOf(errors.New("boom")) != procure.KindInternal || procure.MessageOf(errors.New("boom")) != "" {
		t.Error("a plain error is not internal, or leaks its text")
	}
	cause := errors.New("pg: unique violation")
	e := procure.Wrap(procure.KindConflict, cause, "Taken.")
	if !errors.Is(e, cause) || e.Error() != "Taken.: pg: unique violation" {
		t.Errorf("Wrap: %v", e)
	}
	fe := procure.FieldErrors{}
	if fe.Err() != nil {
		t.Error("no field errors is an error")
	}
	fe.Add("email", "first")
	fe.Add("email", "second")
	err := fe.Err()
	if procure.KindOf(err) != procure.KindInvalid || procure.FieldsOf(err)["email"] != "first" || !strings.Contains(procure.MessageOf(err), "first") {
		t.Errorf("field errors: %v %v", err, procure.FieldsOf(err))
	}
}

func TestUserInputValidate(t *testing.T) {
	t.Parallel()
	ok := procure.UserInput{Email: "ada@example.test", Name: "Ada", Roles: []procure.Role{procure.RoleOrderer}, Locations: []int64{1}}
	if fe := ok.Validate(); len(fe) != 0 {
		t.Fatalf("valid input refused: %v", fe)
	}
	tests := []struct {
		name  string
		mod   func(*procure.UserInput)
		field string
	}{
		{"no email", func(u *procure.UserInput) { u.Email = "" }, "email"},
		{"display-name email", func(u *procure.UserInput) { u.Email = "Ada <ada@example.test>" }, "email"},
		{"no name", func(u *procure.UserInput) { u.Name = "  " }, "name"},
		{"no role", func(u *procure.UserInput) { u.Roles = nil }, "roles"},
		{"unknown role", func(u *procure.UserInput) { u.Roles = []procure.Role{"admin"} }, "roles"},
		{"office admin without location", func(u *procure.UserInput) { u.Locations = nil }, "locations"},
	}
	for _, tt := range tests {
		in := ok
		tt.mod(&in)
		if fe := in.Validate(); fe[tt.field] == "" {
			t.Errorf("%s: no message on %s (%v)", tt.name, tt.field, fe)
		}
	}
}

func TestOrderScope(t *testing.T) {
	t.Parallel()
	office := procure.User{ID: 1, Roles: []procure.Role{procure.RoleOrderer}, Locations: []int64{3, 4}}
	if s := office.OrderScope(); s.All() || !s.Allows(3) || s.Allows(5) {
		t.Errorf("office scope %+v", s)
	}
	fin := procure.User{ID: 2, Roles: []procure.Role{procure.RoleFinance}}
	if !fin.OrderScope().All() {
		t.Error("finance does not see every location")
	}
	none := procure.User{ID: 3, Roles: []procure.Role{procure.RoleOrderer}}
	if s := none.OrderScope(); s.All() || s.Locations == nil || s.Allows(1) {
		t.Errorf("office admin without locations sees %+v", s)
	}
}
