// Package layout is the page shell: head, navigation by role, flash
// messages, sign-out button, and the error page. Handlers put a Chrome into
// the request context once (server middleware); pages only pass a title.
//
// Imports: procure (display types), web/static, templ.
package layout

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/web/static"
)

// Viewer is the signed-in user as the page shell shows them.
type Viewer struct {
	ID    int64
	Name  string
	Email string
	Roles []procure.Role
}

// Has reports whether the viewer holds any of roles.
func (v Viewer) Has(roles ...procure.Role) bool {
	for _, r := range roles {
		if slices.Contains(v.Roles, r) {
			return true
		}
	}
	return false
}

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind string // "ok" or "error"
	Text string
}

// Chrome is what every page shell needs from the request.
type Chrome struct {
	Viewer *Viewer // nil when signed out
	Assets *static.Assets
	Flash  Flash
	Path   string
	Unread int // unread notifications, for the bell
}

type chromeKey struct{}

// WithChrome stores c in ctx for the page shell.
func WithChrome(ctx context.Context, c Chrome) context.Context {
	return context.WithValue(ctx, chromeKey{}, c)
}

// ChromeFrom returns the Chrome in ctx (zero value when absent, e.g. in
// component tests).
func ChromeFrom(ctx context.Context) Chrome {
	c, _ := ctx.Value(chromeKey{}).(Chrome)
	if c.Assets == nil {
		c.Assets = &static.Assets{}
	}
	return c
}

// NavItem is one link of the main navigation, shown to users with any of
// Roles.
type NavItem struct {
	Label string
	Href  string
	Roles []procure.Role
}

// Nav lists the main navigation in order. Server-side authorisation is what
// protects each route; this only hides what a role cannot use.
func Nav() []NavItem {
	all := []procure.Role{procure.RoleOrderer, procure.RoleProcurement, procure.RoleFinance, procure.RoleOwner}
	readers := []procure.Role{procure.RoleProcurement, procure.RoleFinance, procure.RoleOwner}
	return []NavItem{
		{"Home", "/", all},
		{"Catalogue", "/catalogue", []procure.Role{procure.RoleOrderer}},
		{"Cart", "/cart", []procure.Role{procure.RoleOrderer}},
		{"Orders", "/pos", all},
		{"Approvals", "/approvals", []procure.Role{procure.RoleProcurement, procure.RoleOwner}},
		{"Invoices", "/invoices", []procure.Role{procure.RoleFinance, procure.RoleOwner}},
		{"Reports", "/reports", readers},
		{"Contracts", "/contracts", readers},
		{"Vendors", "/vendors", readers},
		{"Items", "/items", readers},
		{"Suppliers", "/suppliers", all},
		{"Help", "/help", all},
		{"Users", "/admin/users", []procure.Role{procure.RoleOwner}},
		{"Locations", "/admin/locations", []procure.Role{procure.RoleOwner}},
		{"Audit log", "/admin/audit", []procure.Role{procure.RoleOwner}},
	}
}

// visible filters Nav for v.
func visible(v *Viewer) []NavItem {
	var out []NavItem
	for _, it := range Nav() {
		if v != nil && v.Has(it.Roles...) {
			out = append(out, it)
		}
	}
	return out
}

// currentPage marks the link to the page being shown, for screen readers
// (aria-current="page"; a bare aria-current means "false") and the styles.
func currentPage(path, href string) templ.Attributes {
	if current(path, href) {
		return templ.Attributes{"aria-current": "page"}
	}
	return nil
}

// current reports whether href is the section of path.
func current(path, href string) bool {
	if href == "/" {
		return path == "/"
	}
	return path == href || strings.HasPrefix(path, href+"/")
}

// bellLabel is what a screen reader says for the notifications link.
func bellLabel(unread int) string {
	switch unread {
	case 0:
		return "Notifications, none unread"
	case 1:
		return "Notifications, 1 unread"
	}
	return "Notifications, " + unreadText(unread) + " unread"
}

// unreadText is the count on the bell, capped at 99+.
func unreadText(unread int) string {
	if unread > 99 {
		return "99+"
	}
	return strconv.Itoa(unread)
}

// flashRole is the ARIA role of a one-time message: an error interrupts
// (alert), anything else is announced politely (status).
func flashRole(kind string) string {
	if kind == "error" {
		return "alert"
	}
	return "status"
}
