package components_test

import (
	"strings"
	"testing"

	"github.com/procure-app/procure/web/components"
)

func TestInputLabelsAndErrors(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	f := components.Field{Name: "quantity", Label: "Quantity", Value: `1e3"><x`, Error: "must be written in full"}
	if err := components.Input(f).Render(t.Context(), &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{`<label for="quantity">`, `id="quantity"`, `aria-invalid="true"`, `aria-describedby="quantity-error"`,
		`id="quantity-error"`, "must be written in full", `value="1e3&#34;&gt;&lt;x"`} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %s in %s", want, html)
		}
	}
	b.Reset()
	_ = components.Input(components.Field{Name: "q", Label: "Q"}).Render(t.Context(), &b)
	if strings.Contains(b.String(), "aria-invalid") {
		t.Error("a valid field is marked invalid")
	}
}

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0 purchase orders"}, {1, "1 purchase order"}, {2, "2 purchase orders"}, {12, "12 purchase orders"}} {
		if got := components.Count(tc.n, "purchase order", "purchase orders"); got != tc.want {
			t.Errorf("Count(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
