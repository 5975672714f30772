package components

import (
	"strconv"
	"strings"
)

func itoa(i int) string { return strconv.Itoa(i) }

// humanize turns "pending_approval" into "pending approval".
func humanize(s string) string { return strings.ReplaceAll(s, "_", " ") }

// Humanize is humanize for other packages' templates.
func Humanize(s string) string { return humanize(s) }
