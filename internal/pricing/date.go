package pricing

import (
	"fmt"
	"time"
)

// Date is a calendar day, counted in days since 1970-01-01. Contract and
// price validity are whole days, inclusive at both ends, with no time zone
// arithmetic in the core: callers decide which day "today" is.
type Date int32

// DateOf is the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86_400)
}

// DateFromYMD builds a Date; out-of-range parts normalise like time.Date.
func DateFromYMD(y int, m time.Month, d int) Date {
	return Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86_400)
}

// ParseDate reads an ISO date "2026-11-23".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a date like 2026-11-23", s)
	}
	return DateOf(t), nil
}

// MustDate is ParseDate for constants in tests and seed data.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Time is midnight UTC of d.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86_400, 0).UTC() }

// String is the ISO form "2026-11-23".
func (d Date) String() string { return d.Time().Format(time.DateOnly) }

// AddDays is d moved by n days.
func (d Date) AddDays(n int) Date { return d + Date(n) }
