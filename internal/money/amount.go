package money

import (
	"fmt"
	"math/bits"
	"strings"
)

// Amount is a sum of money in one currency, counted in that currency's minor
// unit (cents for EUR, yen for JPY, fils for KWD). Amounts of different
// currencies cannot be added: Add and Sub return an error instead.
type Amount struct {
	cur   Currency
	minor int64
}

// maxMajorDigits bounds every amount below 10^15 major units, so its minor
// count fits NUMERIC(18,3) and an int64 for every exponent up to 3.
const maxMajorDigits = 15

var pow10 = [...]uint64{1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
	100_000_000, 1_000_000_000, 10_000_000_000, 100_000_000_000, 1_000_000_000_000,
	10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
	10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000}

// maxMinor is the largest minor count an amount in c may hold.
func maxMinor(c Currency) int64 { return int64(pow10[maxMajorDigits+c.Exponent()] - 1) }

// Zero is the zero amount in c.
func Zero(c Currency) Amount { return Amount{cur: c} }

// FromMinor builds an amount from a count of minor units.
func FromMinor(c Currency, minor int64) (Amount, error) {
	if c.IsZero() {
		return Amount{}, fmt.Errorf("money: amount without a currency")
	}
	if minor > maxMinor(c) || minor < -maxMinor(c) {
		return Amount{}, fmt.Errorf("money: %d minor units of %s: %w", minor, c, ErrOverflow)
	}
	return Amount{cur: c, minor: minor}, nil
}

// ParseAmount reads user text such as "1500" or "1500.50" as an amount in c,
// with no more decimals than c's minor unit allows. Negative amounts are
// refused.
func ParseAmount(c Currency, s string) (Amount, error) {
	v, err := parseFixed(s, c.Exponent(), maxMajorDigits, false)
	if err != nil {
		if pe, ok := err.(*ParseError); ok && strings.HasPrefix(pe.Msg, "has more than") {
			pe.Msg = fmt.Sprintf("has more decimals than %s allows (%d)", c, c.Exponent())
		}
		return Amount{}, err
	}
	return Amount{cur: c, minor: v}, nil
}

// ScanAmount reads NUMERIC text produced by Postgres (which may be negative
// and may carry trailing zeros beyond c's exponent) as an amount in c.
func ScanAmount(c Currency, s string) (Amount, error) {
	v, err := parseFixed(s, c.Exponent(), maxMajorDigits, true)
	if err != nil {
		return Amount{}, fmt.Errorf("money: read %s amount %q: %w", c, s, err)
	}
	return Amount{cur: c, minor: v}, nil
}

// RoundAmount reads a decimal computed by Postgres (a product or an
// average, with any number of decimals) and rounds it once, half away from
// zero, to c's minor unit. Use it only for derived figures; stored amounts
// are read with ScanAmount, which refuses rounding.
func RoundAmount(c Currency, s string) (Amount, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	exp := c.Exponent()
	keep, rest := frac, ""
	if len(frac) > exp {
		keep, rest = frac[:exp], frac[exp:]
	}
	digits := intPart
	if exp > 0 {
		digits += "." + keep + strings.Repeat("0", exp-len(keep))
	}
	a, err := ScanAmount(c, digits)
	if err != nil {
		return Amount{}, err
	}
	if rest != "" && rest[0] >= '5' {
		a.minor++
	}
	if neg {
		a.minor = -a.minor
	}
	return a, nil
}

// Currency is the amount's currency.
func (a Amount) Currency() Currency { return a.cur }

// Minor is the amount as a count of minor units.
func (a Amount) Minor() int64 { return a.minor }

// IsZero reports whether the amount is zero (in any currency).
func (a Amount) IsZero() bool { return a.minor == 0 }

// Sign is -1, 0 or +1.
func (a Amount) Sign() int {
	switch {
	case a.minor < 0:
		return -1
	case a.minor > 0:
		return 1
	}
	return 0
}

// Neg is -a.
func (a Amount) Neg() Amount { return Amount{cur: a.cur, minor: -a.minor} }

// Abs is |a|.
func (a Amount) Abs() Amount {
	if a.minor < 0 {
		return a.Neg()
	}
	return a
}

// String is the amount with exactly the currency's decimals and no currency
// code: "1234.50", "120" for JPY. It is also the text Postgres receives.
func (a Amount) String() string {
	e := a.cur.Exponent()
	return formatFixed(a.minor, e, e)
}

// Add returns a+b. Different currencies and overflow are errors.
func (a Amount) Add(b Amount) (Amount, error) {
	if a.cur != b.cur {
		return Amount{}, fmt.Errorf("money: cannot add %s to %s", b.cur, a.cur)
	}
	return FromMinor(a.cur, a.minor+b.minor) // both bounded far below int64 overflow
}

// Sub returns a-b. Different currencies and overflow are errors.
func (a Amount) Sub(b Amount) (Amount, error) { return a.Add(b.Neg()) }

// Cmp compares a and b, which must share a currency (else it panics: a
// comparison across currencies is a programming error, not user input).
func (a Amount) Cmp(b Amount) int {
	if a.cur != b.cur {
		panic(fmt.Sprintf("money: comparing %s with %s", a.cur, b.cur))
	}
	switch {
	case a.minor < b.minor:
		return -1
	case a.minor > b.minor:
		return 1
	}
	return 0
}

// LineTotal is unit price × quantity in c, rounded once, half away from zero,
// to c's minor unit. The exact product (seven decimals) is computed in 128
// bits, so a result that does not fit is an ErrOverflow, never a wrap.
// Negative prices (price differences) give negative totals; quantities must
// not be negative.
func LineTotal(p UnitPrice, q Quantity, c Currency) (Amount, error) {
	if c.IsZero() {
		return Amount{}, fmt.Errorf("money: line total without a currency")
	}
	if q < 0 {
		return Amount{}, fmt.Errorf("money: negative quantity %s", q)
	}
	neg := p < 0
	up := uint64(p)
	if neg {
		up = uint64(-p)
	}
	hi, lo := bits.Mul64(up, uint64(q))
	// The product has 4+3 = 7 decimals; the minor unit has Exponent().
	d := pow10[priceDecimals+quantityDecimals-c.Exponent()]
	if hi >= d {
		return Amount{}, fmt.Errorf("money: %s × %s: %w", p, q, ErrOverflow)
	}
	quo, rem := divPow10(hi, lo, d)
	if rem >= d-rem { // rem ≥ d/2 without overflow: round the magnitude up
		quo++
	}
	if quo > uint64(maxMinor(c)) {
		return Amount{}, fmt.Errorf("money: %s × %s: %w", p, q, ErrOverflow)
	}
	m := int64(quo)
	if neg {
		m = -m
	}
	return Amount{cur: c, minor: m}, nil
}

// WithinTolerance reports whether actual lies within tol percent of
// expected: |actual − expected| ≤ expected × tol / 100. The comparison is
// exact (128-bit), so a price exactly at the boundary is within.
func WithinTolerance(expected, actual UnitPrice, tol Percent) bool {
	diff := int64(actual) - int64(expected)
	if diff < 0 {
		diff = -diff
	}
	if expected < 0 || tol < 0 {
		return diff == 0
	}
	// |diff| × 100 × PercentScale ≤ expected × tol
	lh, ll := bits.Mul64(uint64(diff), 100*PercentScale)
	rh, rl := bits.Mul64(uint64(expected), uint64(tol))
	return lh < rh || (lh == rh && ll <= rl)
}

// ShareOf returns part as a percentage of whole, rounded half away from zero
// to two decimals (it may exceed 100). A zero whole gives ok=false.
func ShareOf(part, whole Amount) (p Percent, ok bool) {
	if whole.minor == 0 || part.cur != whole.cur {
		return 0, false
	}
	neg := (part.minor < 0) != (whole.minor < 0)
	pu, wu := abs64(part.minor), abs64(whole.minor)
	hi, lo := bits.Mul64(pu, 100*PercentScale)
	if hi >= wu {
		return 0, false
	}
	quo, rem := bits.Div64(hi, lo, wu)
	if rem >= wu-rem {
		quo++
	}
	if quo > 1<<62 {
		return 0, false
	}
	if neg {
		return Percent(-int64(quo)), true
	}
	return Percent(quo), true
}

// RatioOf returns num/den as a Percent (×100), for counts such as "lines on
// contract out of all lines". den == 0 gives ok=false.
func RatioOf(num, den int64) (p Percent, ok bool) {
	if den <= 0 || num < 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(num), 100*PercentScale)
	if hi >= uint64(den) {
		return 0, false
	}
	quo, rem := bits.Div64(hi, lo, uint64(den))
	if rem >= uint64(den)-rem {
		quo++
	}
	return Percent(quo), true
}

func abs64(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}

// divPow10 divides the 128-bit hi:lo by d (10^4, 10^5 or 10^7; hi < d). When
// the product fits 64 bits, which is nearly always, division by a constant
// compiles to a multiply and shift: several times faster than Div64.
func divPow10(hi, lo, d uint64) (quo, rem uint64) {
	if hi == 0 {
		switch d {
		case 10_000:
			return lo / 10_000, lo % 10_000
		case 100_000:
			return lo / 100_000, lo % 100_000
		case 10_000_000:
			return lo / 10_000_000, lo % 10_000_000
		}
	}
	return bits.Div64(hi, lo, d)
}
