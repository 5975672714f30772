package components

import (
	"net/url"
	"strconv"
	"strings"
)

func itoa(i int) string { return strconv.Itoa(i) }

// humanize turns "pending_approval" into "pending approval".
func humanize(s string) string { return strings.ReplaceAll(s, "_", " ") }

// Humanize is humanize for other packages' templates.
func Humanize(s string) string { return humanize(s) }

// AskAbout is the "ask procurement" form with its subject and the record it
// is about (a path like /pos/12) filled in.
func AskAbout(link, subject string) string {
	return "/help/requests/new?" + url.Values{"link": {link}, "subject": {subject}}.Encode()
}

// Count is n with the noun that fits it: "1 purchase order", "2 purchase
// orders".
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
