package layout_test

import (
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
