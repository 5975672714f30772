package money_test

import (
	"errors"
	"math/big"
	"regexp"
	"testing"

	"github.com/procure-app/procure/internal/money"
)

var strictPrice = regexp.MustCompile(`^0*[0-9]{1,12}(\.[0-9]{1,4}0*)?$`)

// FuzzParseUnitPrice: whatever the input, the parser never panics, accepts
// only the strict grammar, and what it accepts formats back to itself.
func FuzzParseUnitPrice(f *testing.F) {
	for _, s := range []string{"4.2", "0", "1e3", "NaN", "-0", " 12 ", "1,234.50", "999999999999.9999", "0.00001", "+1", "٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := money.ParseUnitPrice(s)
		if err != nil {
			var pe *money.ParseError
			if !errors.As(err, &pe) || pe.Msg == "" {
				t.Fatalf("ParseUnitPrice(%q) gave %T %v", s, err, err)
			}
			return
		}
		if !strictPrice.MatchString(s) {
			t.Fatalf("ParseUnitPrice accepted %q outside the strict grammar", s)
		}
		if p < 0 || p > money.MaxUnitPrice {
			t.Fatalf("ParseUnitPrice(%q) = %d out of range", s, p)
		}
		back, err := money.ParseUnitPrice(p.Format(4))
		if err != nil || back != p {
			t.Fatalf("round trip of %q: %q → %d, %v", s, p.Format(4), back, err)
		}
	})
}

// FuzzLineTotal checks LineTotal against math/big: exact product, rounded
// half away from zero to cents, or ErrOverflow when it passes the limit.
func FuzzLineTotal(f *testing.F) {
	f.Add(int64(1_250), int64(1_000))
	f.Add(int64(money.MaxUnitPrice), int64(money.MaxQuantity))
	f.Add(int64(-1_250), int64(3))
	f.Fuzz(func(t *testing.T, p, q int64) {
		if q < 0 || p > int64(money.MaxUnitPrice) || p < -int64(money.MaxUnitPrice) || q > int64(money.MaxQuantity) {
			return
		}
		eur := money.MustCurrency("EUR")
		got, err := money.LineTotal(money.UnitPrice(p), money.Quantity(q), eur)

		// want = round_half_away(p*q / 10^5) in cents
		prod := new(big.Int).Mul(big.NewInt(p), big.NewInt(q))
		neg := prod.Sign() < 0
		prod.Abs(prod)
		quo, rem := new(big.Int).QuoRem(prod, big.NewInt(100_000), new(big.Int))
		if new(big.Int).Mul(rem, big.NewInt(2)).Cmp(big.NewInt(100_000)) >= 0 {
			quo.Add(quo, big.NewInt(1))
		}
		if neg {
			quo.Neg(quo)
		}
		limit := big.NewInt(99_999_999_999_999_999) // 10^17 - 1 cents
		if new(big.Int).Abs(quo).Cmp(limit) > 0 {
			if !errors.Is(err, money.ErrOverflow) {
				t.Fatalf("LineTotal(%d, %d) = %v, %v; want overflow", p, q, got, err)
			}
			return
		}
		if err != nil || got.Minor() != quo.Int64() {
			t.Fatalf("LineTotal(%d, %d) = %d, %v; want %s", p, q, got.Minor(), err, quo)
		}
	})
}
