package layout_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/web/layout"
)

func TestNavigationFollowsRoles(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		roles     []procure.Role
		wantAdmin bool
	}{
		{[]procure.Role{procure.RoleOwner}, true},
		{[]procure.Role{procure.RoleOrderer}, false},
		{[]procure.Role{procure.RoleFinance, procure.RoleProcurement}, false},
	} {
		ctx := layout.WithChrome(t.Context(), layout.Chrome{Viewer: &layout.Viewer{Name: "Ada <script>", Roles: tt.roles}, Path: "/admin/users"})
		var b strings.Builder
		if err := layout.ErrorPage(404, "Gone <b>").Render(ctx, &b); err != nil {
			t.Fatal(err)
		}
		html := b.String()
		if got := strings.Contains(html, `href="/admin/users"`); got != tt.wantAdmin {
			t.Errorf("roles %v: admin link shown = %v", tt.roles, got)
		}
		if strings.Contains(html, "<script>") || strings.Contains(html, "<b>") {
			t.Error("user text not escaped")
		}
		if !strings.Contains(html, `action="/logout"`) {
			t.Error("no sign-out button")
		}
	}
}

// The link to the page being shown says so to screen readers with
// aria-current="page" (a bare aria-current would mean "false"); a page
// under it counts, the others do not.
func TestNavigationMarksTheCurrentPage(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		path, current string
	}{{"/cart", "/cart"}, {"/pos/12/print", "/pos"}, {"/", "/"}, {"/notifications", "/notifications"}} {
		ctx := layout.WithChrome(t.Context(), layout.Chrome{Viewer: &layout.Viewer{Name: "Oscar", Roles: []procure.Role{procure.RoleOrderer}}, Path: tt.path})
		var b strings.Builder
		if err := layout.ErrorPage(404, "Gone").Render(ctx, &b); err != nil {
			t.Fatal(err)
		}
		html := b.String()
		if n := strings.Count(html, "aria-current"); n != 1 || strings.Count(html, `aria-current="page"`) != 1 {
			t.Errorf("%s: aria-current %d times, want once with \"page\"", tt.path, n)
		}
		if !regexp.MustCompile(`<a href="` + regexp.QuoteMeta(tt.current) + `"[^>]*aria-current="page"`).MatchString(html) {
			t.Errorf("%s: the %s link is not marked current", tt.path, tt.current)
		}
	}
}

// A one-time message carried over a redirect is announced as an alert
// when it is an error, politely otherwise.
func TestFlashRoleFollowsItsKind(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		kind, role string
	}{{"error", "alert"}, {"ok", "status"}, {"info", "status"}} {
		ctx := layout.WithChrome(t.Context(), layout.Chrome{Flash: layout.Flash{Kind: tt.kind, Text: "Saved"}, Path: "/"})
		var b strings.Builder
		if err := layout.ErrorPage(404, "Gone").Render(ctx, &b); err != nil {
			t.Fatal(err)
		}
		want := `<div class="flash flash-` + tt.kind + `" role="` + tt.role + `">Saved</div>`
		if !strings.Contains(b.String(), want) {
			t.Errorf("%s: want %s in the page", tt.kind, want)
		}
	}
}
