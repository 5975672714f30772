package money

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
)

// UnitPrice is a price per unit with exactly four decimal places, stored as
// an integer count of 1/10,000ths: 4.2 is UnitPrice(42_000). It may be
// negative only as a difference of two prices; parsed prices never are.
type UnitPrice int64

// Quantity is an amount of units with exactly three decimal places, stored as
// an integer count of 1/1,000ths: 2.5 is Quantity(2_500).
type Quantity int64

// Percent is a percentage with two decimal places, stored as hundredths of a
// percent: 2.5 % is Percent(250).
type Percent int64

// Scales and limits. The limits keep every value inside the Postgres column
// types (NUMERIC(16,4) prices, NUMERIC(15,3) quantities) and keep every
// product inside 128 bits, so arithmetic can refuse overflow instead of
// wrapping.
const (
	PriceScale    = 10_000
	QuantityScale = 1_000
	PercentScale  = 100

	priceDecimals    = 4
	quantityDecimals = 3
	percentDecimals  = 2
	maxIntDigits     = 12 // 999,999,999,999 before the point

	// MaxUnitPrice is 999,999,999,999.9999.
	MaxUnitPrice UnitPrice = 9_999_999_999_999_999
	// MaxQuantity is 999,999,999,999.999.
	MaxQuantity Quantity = 999_999_999_999_999
	// MaxPercent is 100 %: no tolerance or share goes beyond the whole.
	MaxPercent Percent = 100 * PercentScale
)

// ErrOverflow is returned (wrapped) by arithmetic whose result does not fit.
// It never wraps around.
var ErrOverflow = errors.New("amount too large")

// ParseError is a rejected piece of user text. Msg is a sentence fragment
// safe to show next to the field ("must not be negative").
type ParseError struct {
	Input string
	Msg   string
}

func (e *ParseError) Error() string { return e.Msg }

// ParseUnitPrice reads a price such as "4.2" or "1234.5678". The grammar is
// strict on purpose (RELIABILITY.md): plain ASCII digits, an optional point
// and up to four decimals. No sign, exponent, thousands separator, NaN, or
// surrounding space; more decimals than four are refused, never rounded.
func ParseUnitPrice(s string) (UnitPrice, error) {
	v, err := parseFixed(s, priceDecimals, maxIntDigits, false)
	return UnitPrice(v), err
}

// ParseQuantity reads a quantity with up to three decimals, under the same
// grammar as ParseUnitPrice. Zero parses; callers that need a positive
// quantity say so themselves.
func ParseQuantity(s string) (Quantity, error) {
	v, err := parseFixed(s, quantityDecimals, maxIntDigits, false)
	return Quantity(v), err
}

// ParsePercent reads a percentage from 0 to 100 with up to two decimals.
func ParsePercent(s string) (Percent, error) {
	v, err := parseFixed(s, percentDecimals, 3, false)
	if err != nil {
		return 0, err
	}
	if Percent(v) > MaxPercent {
		return 0, &ParseError{Input: s, Msg: "must be at most 100"}
	}
	return Percent(v), nil
}

// parseFixed parses s as a decimal with at most decimals fractional digits
// and intDigits integer digits and returns it scaled by 10^decimals. signed
// allows a leading '-' (for numbers read back from Postgres, never for user
// input).
func parseFixed(s string, decimals, intDigits int, signed bool) (int64, error) {
	fail := func(msg string) (int64, error) { return 0, &ParseError{Input: s, Msg: msg} }
	if s == "" {
		return fail("is empty: enter a number")
	}
	if strings.TrimSpace(s) != s {
		return fail("has spaces around it: remove them")
	}
	neg := false
	switch s[0] {
	case '-':
		if !signed {
			return fail("must not be negative")
		}
		neg, s = true, s[1:]
	case '+':
		return fail("must be written without a sign")
	}
	intPart, frac, hasPoint := strings.Cut(s, ".")
	if err := checkDigits(intPart, frac, hasPoint); err != "" {
		return fail(err)
	}
	for len(intPart) > 1 && intPart[0] == '0' {
		intPart = intPart[1:]
	}
	if len(intPart) > intDigits {
		return fail(fmt.Sprintf("is too large (at most %d digits before the decimal point)", intDigits))
	}
	if len(frac) > decimals {
		// Extra trailing zeros are harmless ("4.50000" from NUMERIC text is
		// 4.5); anything else would be rounded, which we refuse.
		if strings.Trim(frac[decimals:], "0") != "" {
			return fail(fmt.Sprintf("has more than %d decimal places", decimals))
		}
		frac = frac[:decimals]
	}
	var v int64
	for i := 0; i < len(intPart); i++ {
		v = v*10 + int64(intPart[i]-'0')
	}
	for i := 0; i < decimals; i++ {
		v *= 10
		if i < len(frac) {
			v += int64(frac[i] - '0')
		}
	}
	if neg {
		if v == 0 {
			return fail("must not be negative zero")
		}
		v = -v
	}
	return v, nil
}

// checkDigits explains why intPart.frac is not a plain decimal, or returns "".
func checkDigits(intPart, frac string, hasPoint bool) string {
	whole := intPart + "." + frac
	switch {
	case strings.ContainsAny(whole, "eE") && !strings.ContainsAny(strings.ToLower(whole), "nai"):
		return "must be written in full, without an exponent such as 1e3"
	case strings.Contains(whole, ","):
		return "must use a point for decimals and no thousands separators, like 1234.50"
	case intPart == "" || (hasPoint && frac == ""):
		return "is not a number like 12 or 12.5"
	case strings.Contains(frac, "."):
		return "has more than one decimal point"
	}
	for _, part := range [2]string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return "is not a number like 12 or 12.5"
			}
		}
	}
	return ""
}

// formatFixed writes v (scaled by 10^decimals) with at least minDecimals and
// at most decimals fractional digits: trailing zeros beyond minDecimals go.
func formatFixed(v int64, decimals, minDecimals int) string {
	var b [32]byte
	i := len(b)
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	// Strip trailing fractional zeros down to minDecimals.
	shown := decimals
	for shown > minDecimals && u%10 == 0 {
		u /= 10
		shown--
	}
	for d := 0; d < shown; d++ {
		i--
		b[i] = byte('0' + u%10)
		u /= 10
	}
	if shown > 0 {
		i--
		b[i] = '.'
	}
	for {
		i--
		b[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// String is the price with as many decimals as it needs and at least two:
// "4.20", "0.125".
func (p UnitPrice) String() string { return formatFixed(int64(p), priceDecimals, 2) }

// Format shows the price with at least minDecimals decimals (use the
// currency's exponent) and no trailing zeros beyond them.
func (p UnitPrice) Format(minDecimals int) string {
	return formatFixed(int64(p), priceDecimals, min(minDecimals, priceDecimals))
}

// String is the quantity with no trailing zeros: "100", "2.5".
func (q Quantity) String() string { return formatFixed(int64(q), quantityDecimals, 0) }

// String is the percentage with no trailing zeros: "2.5".
func (p Percent) String() string { return formatFixed(int64(p), percentDecimals, 0) }

// IsWhole reports whether q has no fractional part.
func (q Quantity) IsWhole() bool { return q%QuantityScale == 0 }

// Value implements driver.Valuer: Postgres receives exact NUMERIC text.
func (p UnitPrice) Value() (driver.Value, error) {
	return formatFixed(int64(p), priceDecimals, priceDecimals), nil
}

// Scan implements sql.Scanner for NUMERIC columns read as text.
func (p *UnitPrice) Scan(src any) error {
	v, err := scanFixed(src, priceDecimals)
	*p = UnitPrice(v)
	return err
}

// Value implements driver.Valuer.
func (q Quantity) Value() (driver.Value, error) {
	return formatFixed(int64(q), quantityDecimals, quantityDecimals), nil
}

// Scan implements sql.Scanner.
func (q *Quantity) Scan(src any) error {
	v, err := scanFixed(src, quantityDecimals)
	*q = Quantity(v)
	return err
}

// Value implements driver.Valuer.
func (p Percent) Value() (driver.Value, error) {
	return formatFixed(int64(p), percentDecimals, percentDecimals), nil
}

// Scan implements sql.Scanner.
func (p *Percent) Scan(src any) error {
	v, err := scanFixed(src, percentDecimals)
	*p = Percent(v)
	return err
}

func scanFixed(src any, decimals int) (int64, error) {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case int64:
		s = fmt.Sprint(v)
	default:
		return 0, fmt.Errorf("money: cannot scan %T into a decimal", src)
	}
	v, err := parseFixed(s, decimals, 18-decimals, true) // 18 digits always fit an int64
	if err != nil {
		return 0, fmt.Errorf("money: scan %q: %w", s, err)
	}
	return v, nil
}
