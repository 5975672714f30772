package procure

import (
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"
)

// Role is what a user may do. A user can hold several.
type Role string

// Roles.
const (
	RoleOrderer     Role = "orderer"
	RoleProcurement Role = "procurement"
	RoleFinance     Role = "finance"
	RoleOwner       Role = "owner"
)

// AllRoles lists every role in display order.
var AllRoles = []Role{RoleOrderer, RoleProcurement, RoleFinance, RoleOwner}

// Label is how the role is shown to people.
func (r Role) Label() string {
	switch r {
	case RoleOrderer:
		return "Office admin"
	case RoleProcurement:
		return "Procurement"
	case RoleFinance:
		return "Finance"
	case RoleOwner:
		return "Owner"
	}
	return string(r)
}

// People names those who have the role, as in "this page is for office
// admins".
func (r Role) People() string {
	switch r {
	case RoleOrderer:
		return "office admins"
	case RoleProcurement:
		return "procurement"
	case RoleFinance:
		return "finance"
	case RoleOwner:
		return "owners"
	}
	return string(r)
}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool { return slices.Contains(AllRoles, r) }

// User is a person who signs in. Roles and Locations are read from the
// database on every request, so a change applies on the next one.
type User struct {
	ID         int64
	Email      string
	Name       string
	Roles      []Role
	Locations  []int64 // the locations an office admin orders for
	Active     bool
	Generation int64 // bumped to end every session of the user
	Version    int64
}

// Has reports whether u holds any of roles.
func (u User) Has(roles ...Role) bool {
	for _, r := range roles {
		if slices.Contains(u.Roles, r) {
			return true
		}
	}
	return false
}

// InLocation reports whether u orders for location id.
func (u User) InLocation(id int64) bool { return slices.Contains(u.Locations, id) }

// OrderScope is what u may see of orders, carts and receipts: everything for
// procurement, finance and owners; only their own locations for office
// admins (none at all for a user with no role that grants it).
func (u User) OrderScope() Scope {
	if u.Has(RoleProcurement, RoleFinance, RoleOwner) {
		return Scope{ActorID: u.ID}
	}
	locs := u.Locations
	if locs == nil || !u.Has(RoleOrderer) {
		locs = []int64{}
	}
	return Scope{ActorID: u.ID, Locations: locs}
}

// Scope limits which records a read may return. Locations == nil means every
// location; an empty, non-nil slice means none. The store puts it into the
// SQL WHERE clause, so an out-of-scope id is "not found" by construction.
type Scope struct {
	ActorID   int64
	Locations []int64
}

// All reports whether the scope spans every location.
func (s Scope) All() bool { return s.Locations == nil }

// Allows reports whether the scope includes location id.
func (s Scope) Allows(id int64) bool { return s.Locations == nil || slices.Contains(s.Locations, id) }

// UserInput is what the owner's user form submits.
type UserInput struct {
	Email     string
	Name      string
	Password  string // only on create, or when resetting
	Roles     []Role
	Locations []int64
	Active    bool
	Version   int64 // the version the form was rendered from (updates)
}

// NormalizeEmail lower-cases and trims an email address: emails are unique
// case-insensitively.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks the fields that need no database. Password strength is the
// auth package's business.
func (in UserInput) Validate() FieldErrors {
	fe := FieldErrors{}
	if in.Email == "" {
		fe.Add("email", "Enter an email address.")
	} else if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || len(in.Email) > 254 {
		fe.Add("email", "Enter an email address like name@example.com.")
	}
	if strings.TrimSpace(in.Name) == "" {
		fe.Add("name", "Enter the person's name.")
	} else if utf8.RuneCountInString(in.Name) > 120 {
		fe.Add("name", "Use at most 120 characters.")
	}
	if len(in.Roles) == 0 {
		fe.Add("roles", "Choose at least one role.")
	}
	for _, r := range in.Roles {
		if !r.Valid() {
			fe.Add("roles", "Choose roles from the list.")
		}
	}
	if slices.Contains(in.Roles, RoleOrderer) && len(in.Locations) == 0 {
		fe.Add("locations", "An office admin needs at least one location to order for.")
	}
	return fe
}
