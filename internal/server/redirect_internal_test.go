package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSafeLocalPath: a notification may only send its reader to a path of
// this app, never to another site.
func TestSafeLocalPath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path string
		ok   bool
	}{
		{"/help/requests/7", true},
		{"/", true},
		{"", false},
		{"//evil.example/x", false},
		{"/\\evil.example", false},
		{"https://evil.example/", false},
		{"javascript:alert(1)", false},
		{"help/requests/7", false},
	} {
		if got := safeLocalPath(tc.path); got != tc.ok {
			t.Errorf("safeLocalPath(%q) = %v, want %v", tc.path, got, tc.ok)
		}
	}
}

// TestSameOriginReferer: an error page links back only to a page of this
// site the form was sent from.
func TestSameOriginReferer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ referer, want string }{
		{"http://shop.test/approvals?after=7", "/approvals?after=7"},
		{"http://shop.test/pos/3#lines", "/pos/3"},
		{"", ""},
		{"http://evil.example/approvals", ""},
		{"http://shop.test.evil.example/x", ""},
		{"//evil.example/x", ""},
		{"http://shop.test//evil.example/x", ""},
		{"javascript:alert(1)", ""},
		{"http://user@shop.test/x", "/x"},
	} {
		r := httptest.NewRequest(http.MethodPost, "http://shop.test/approvals/1", nil)
		r.Header.Set("Referer", tc.referer)
		if got := sameOriginReferer(r); got != tc.want {
			t.Errorf("sameOriginReferer(%q) = %q, want %q", tc.referer, got, tc.want)
		}
	}
}

func TestShownValue(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"abc", `"abc"`},
		{"", `""`},
		{"a\x00b", `"a\x00b"`},
		{"ä\u202e", `"ä\u202e"`},
		{strings.Repeat("x", 61), `"` + strings.Repeat("x", 60) + `"…`},
	} {
		if got := shownValue(tt.in); got != tt.want {
			t.Errorf("shownValue(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
