package money

import "strings"

// Group inserts a comma between each group of three integer digits of a
// plain decimal string: "-1234567.50" → "-1,234,567.50". Display only; the
// parsers refuse grouped input so that "1,5" can never mean two things.
func Group(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, hasPoint := strings.Cut(s, ".")
	if len(intPart) <= 3 {
		return sign + s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/3 + 1)
	b.WriteString(sign)
	head := len(intPart) % 3
	if head > 0 {
		b.WriteString(intPart[:head])
	}
	for i := head; i < len(intPart); i += 3 {
		if b.Len() > len(sign) {
			b.WriteByte(',')
		}
		b.WriteString(intPart[i : i+3])
	}
	if hasPoint {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// Display is the amount grouped, with its ISO code: "1,234.50 EUR". ISO
// codes rather than symbols: they are unambiguous across locales (STACK.md).
func (a Amount) Display() string {
	if a.cur.IsZero() {
		return a.String()
	}
	return Group(a.String()) + " " + a.cur.Code()
}

// Display is the price grouped, with at least the currency's decimals and
// its code: "4.20 EUR", "0.125 EUR".
func (p UnitPrice) Display(c Currency) string {
	return Group(p.Format(c.Exponent())) + " " + c.Code()
}
