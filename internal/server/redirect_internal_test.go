package server

import "testing"

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
