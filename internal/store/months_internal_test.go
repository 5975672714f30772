package store

import (
	"testing"

	"github.com/procure-app/procure/internal/pricing"
)

func TestWholeMonths(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ from, to, first, end string }{
		{"2026-06-01", "2026-06-30", "2026-06-01", "2026-07-01"}, // one whole month
		{"2026-07-01", "2026-09-30", "2026-07-01", "2026-10-01"}, // a quarter
		{"2026-06-12", "2026-07-02", "2026-07-01", "2026-07-01"}, // none: two ragged edges
		{"2026-06-15", "2026-06-20", "2026-07-01", "2026-06-01"}, // none, inside one month
		{"2026-05-31", "2026-08-01", "2026-06-01", "2026-08-01"}, // June and July, a day each side
		{"2025-12-01", "2026-02-28", "2025-12-01", "2026-03-01"}, // across a year, to a short month's end
		{"2024-02-01", "2024-02-28", "2024-02-01", "2024-02-01"}, // leap February not whole on the 28th
	} {
		first, end := wholeMonths(pricing.MustDate(tc.from), pricing.MustDate(tc.to))
		if first.String() != tc.first || end.String() != tc.end {
			t.Errorf("wholeMonths(%s, %s) = %s, %s; want %s, %s", tc.from, tc.to, first, end, tc.first, tc.end)
		}
	}
}
