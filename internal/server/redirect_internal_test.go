package server

import (
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
