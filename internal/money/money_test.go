package money_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/procure-app/procure/internal/money"
)

var (
	eur = money.MustCurrency("EUR")
	jpy = money.MustCurrency("JPY")
	kwd = money.MustCurrency("KWD")
	usd = money.MustCurrency("USD")
)

func TestParseUnitPrice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    money.UnitPrice
		wantErr string // substring of the message; "" = accepted
	}{
		{"4.2", 42_000, ""},
		{"4.20", 42_000, ""},
		{"0.0001", 1, ""},
		{"1234.5678", 12_345_678, ""},
		{"007", 70_000, ""},
		{"0", 0, ""},
		{"999999999999.9999", money.MaxUnitPrice, ""},
		{"1000000000000", 0, "too large"},
		{"1.23456", 0, "more than 4 decimal places"},
		{"1.23450", 12_345, ""}, // a trailing zero beyond the scale changes nothing
		{"1e3", 0, "exponent"},
		{"1E3", 0, "exponent"},
		{"NaN", 0, "not a number"},
		{"nan", 0, "not a number"},
		{"Inf", 0, "not a number"},
		{"Infinity", 0, "not a number"},
		{"0x1p3", 0, "not a number"},
		{"-0", 0, "negative"},
		{"-4", 0, "negative"},
		{"+5", 0, "without a sign"},
		{"1,234.50", 0, "thousands separators"},
		{"1,5", 0, "thousands separators"},
		{" 12 ", 0, "spaces"},
		{"12 ", 0, "spaces"},
		{"", 0, "enter a number"},
		{".5", 0, "not a number"},
		{"5.", 0, "not a number"},
		{"1.2.3", 0, "more than one decimal point"},
		{"١٢", 0, "not a number"}, // Arabic-Indic digits
		{"12abc", 0, "not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := money.ParseUnitPrice(tt.in)
			if tt.wantErr == "" {
				if err != nil || got != tt.want {
					t.Fatalf("ParseUnitPrice(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ParseUnitPrice(%q) error = %v; want it to mention %q", tt.in, err, tt.wantErr)
			}
			var pe *money.ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error is %T, want *money.ParseError", err)
			}
		})
	}
}

func TestParseQuantityAndPercent(t *testing.T) {
	t.Parallel()
	q, err := money.ParseQuantity("2.5")
	if err != nil || q != 2_500 {
		t.Errorf("ParseQuantity(2.5) = %d, %v", q, err)
	}
	if _, err := money.ParseQuantity("0.0001"); err == nil {
		t.Error("a fourth decimal on a quantity was accepted")
	}
	if q, _ := money.ParseQuantity("999999999999.999"); q != money.MaxQuantity {
		t.Errorf("max quantity = %d", q)
	}
	p, err := money.ParsePercent("2.5")
	if err != nil || p != 250 {
		t.Errorf("ParsePercent(2.5) = %d, %v", p, err)
	}
	if _, err := money.ParsePercent("100.01"); err == nil {
		t.Error("101 % accepted")
	}
	if p, err := money.ParsePercent("100"); err != nil || p != money.MaxPercent {
		t.Errorf("ParsePercent(100) = %d, %v", p, err)
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		got, want string
	}{
		{money.UnitPrice(42_000).String(), "4.20"},
		{money.UnitPrice(1_250).String(), "0.125"},
		{money.UnitPrice(12_345_678).String(), "1234.5678"},
		{money.UnitPrice(-1_250).String(), "-0.125"},
		{money.UnitPrice(1_200_000).Format(0), "120"},
		{money.UnitPrice(1_200_000).Display(eur), "120.00 EUR"},
		{money.UnitPrice(12_000_000_000).Display(jpy), "1,200,000 JPY"},
		{money.Quantity(100_000).String(), "100"},
		{money.Quantity(2_500).String(), "2.5"},
		{money.Quantity(1).String(), "0.001"},
		{money.Percent(250).String(), "2.5"},
		{money.Group("1234567.50"), "1,234,567.50"},
		{money.Group("-1234.5"), "-1,234.5"},
		{money.Group("123"), "123"},
		{money.Group("123456"), "123,456"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestLineTotal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		price string
		qty   string
		cur   money.Currency
		want  string
	}{
		// 0.125 × 1 = 0.125 → half away from zero → 0.13 (banker's would give 0.12)
		{"half rounds up, not to even", "0.125", "1", eur, "0.13"},
		{"0.135 rounds up too", "0.135", "1", eur, "0.14"},
		{"below half rounds down", "0.1249", "1", eur, "0.12"},
		// 4.5 × 95 = 427.50
		{"exact", "4.5", "95", eur, "427.50"},
		// 0.3333 × 3 = 0.9999 → 1.00
		{"rounded once, not per unit", "0.3333", "3", eur, "1.00"},
		// 2.5 JPY × 1 → 3 JPY
		{"JPY has no minor unit", "2.5", "1", jpy, "3"},
		// 1.2345 × 1 = 1.2345 KWD → 1.235 (three decimals)
		{"KWD has three decimals", "1.2345", "1", kwd, "1.235"},
		// 0.0001 × 0.001 = 0.0000001 → 0.00
		{"tiny", "0.0001", "0.001", eur, "0.00"},
		// 1.9999 × 2.5 = 4.99975 → 5.00
		{"fractional quantity", "1.9999", "2.5", eur, "5.00"},
		// 999999999.9999 × 1000 = 999999999999.9 → 999999999999.90
		{"large but fitting", "999999999.9999", "1000", eur, "999999999999.90"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := money.ParseUnitPrice(tt.price)
			if err != nil {
				t.Fatal(err)
			}
			q, err := money.ParseQuantity(tt.qty)
			if err != nil {
				t.Fatal(err)
			}
			got, err := money.LineTotal(p, q, tt.cur)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tt.want || got.Currency() != tt.cur {
				t.Errorf("LineTotal(%s, %s) = %s %s, want %s", tt.price, tt.qty, got, got.Currency(), tt.want)
			}
		})
	}
}

func TestLineTotalNegativeRoundsAwayFromZero(t *testing.T) {
	t.Parallel()
	got, err := money.LineTotal(-1_250, 1_000, eur) // -0.125 × 1
	if err != nil || got.String() != "-0.13" {
		t.Errorf("LineTotal(-0.125, 1) = %s, %v; want -0.13", got, err)
	}
}

func TestLineTotalOverflow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    money.UnitPrice
		q    money.Quantity
		cur  money.Currency
	}{
		{"max × max", money.MaxUnitPrice, money.MaxQuantity, eur},
		// 100,000,000,000 × 10,000 = 10^15 major units: one past the limit
		{"just past the amount limit", 100_000_000_000 * money.PriceScale, 10_000 * money.QuantityScale, eur},
		{"JPY divisor is largest", money.MaxUnitPrice, money.MaxQuantity, jpy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := money.LineTotal(tt.p, tt.q, tt.cur)
			if !errors.Is(err, money.ErrOverflow) {
				t.Errorf("err = %v, want ErrOverflow", err)
			}
		})
	}
	if _, err := money.LineTotal(1, -1, eur); err == nil {
		t.Error("negative quantity accepted")
	}
}

func TestAmountArithmetic(t *testing.T) {
	t.Parallel()
	a, _ := money.ParseAmount(eur, "100.50")
	b, _ := money.ParseAmount(eur, "0.75")
	sum, err := a.Add(b)
	if err != nil || sum.String() != "101.25" {
		t.Errorf("100.50 + 0.75 = %s, %v", sum, err)
	}
	diff, _ := b.Sub(a)
	if diff.String() != "-99.75" || diff.Sign() != -1 {
		t.Errorf("0.75 - 100.50 = %s", diff)
	}
	d, _ := money.ParseAmount(usd, "1")
	if _, err := a.Add(d); err == nil {
		t.Error("EUR + USD was accepted")
	}
	if _, err := money.ParseAmount(eur, "1.005"); err == nil || !strings.Contains(err.Error(), "EUR allows (2)") {
		t.Errorf("three decimals on EUR: %v", err)
	}
	if _, err := money.ParseAmount(jpy, "1.5"); err == nil {
		t.Error("decimals on JPY accepted")
	}
	big, _ := money.ParseAmount(eur, "999999999999999.99")
	one, _ := money.ParseAmount(eur, "0.01")
	if _, err := big.Add(one); !errors.Is(err, money.ErrOverflow) {
		t.Errorf("adding past the limit: %v", err)
	}
	if got, err := money.ScanAmount(eur, "12.500"); err != nil || got.String() != "12.50" {
		t.Errorf("ScanAmount(12.500) = %s, %v", got, err)
	}
	if _, err := money.ScanAmount(eur, "12.505"); err == nil {
		t.Error("ScanAmount accepted a third non-zero decimal for EUR")
	}
	if got := sum.Display(); got != "101.25 EUR" {
		t.Errorf("Display = %q", got)
	}
}

func TestParseCurrency(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"EUR", "USD", "JPY", "KWD", "GBP", "CHF"} {
		if _, err := money.ParseCurrency(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"eur", "EURO", "XXX", "", "ABC", "XAU"} {
		if _, err := money.ParseCurrency(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if jpy.Exponent() != 0 || eur.Exponent() != 2 || kwd.Exponent() != 3 {
		t.Error("wrong exponents")
	}
}

func TestWithinTolerance(t *testing.T) {
	t.Parallel()
	const price = money.UnitPrice(100_000) // 10.0000
	tests := []struct {
		name   string
		actual money.UnitPrice
		tol    money.Percent
		want   bool
	}{
		{"equal with zero tolerance", 100_000, 0, true},
		{"a ten-thousandth over with zero tolerance", 100_001, 0, false},
		// 2 % of 10.00 = 0.20 → 10.20 is exactly at the limit
		{"exactly at +2%", 102_000, 200, true},
		{"just beyond +2%", 102_001, 200, false},
		{"exactly at -2%", 98_000, 200, true},
		{"just beyond -2%", 97_999, 200, false},
		// 2.5 % of 10.00 = 0.25
		{"fractional percent", 102_500, 250, true},
	}
	for _, tt := range tests {
		if got := money.WithinTolerance(price, tt.actual, tt.tol); got != tt.want {
			t.Errorf("%s: WithinTolerance(10, %s, %s%%) = %v", tt.name, tt.actual, tt.tol, got)
		}
	}
}

func TestShareOf(t *testing.T) {
	t.Parallel()
	part, _ := money.ParseAmount(eur, "1")
	whole, _ := money.ParseAmount(eur, "3")
	// 1/3 = 33.333…% → 33.33
	if p, ok := money.ShareOf(part, whole); !ok || p != 3_333 {
		t.Errorf("ShareOf(1,3) = %d, %v", p, ok)
	}
	two, _ := money.ParseAmount(eur, "2")
	// 2/3 = 66.666…% → 66.67
	if p, _ := money.ShareOf(two, whole); p != 6_667 {
		t.Errorf("ShareOf(2,3) = %d", p)
	}
	if _, ok := money.ShareOf(part, money.Zero(eur)); ok {
		t.Error("share of zero whole")
	}
	if p, ok := money.RatioOf(1, 8); !ok || p != 1_250 { // 12.5 %
		t.Errorf("RatioOf(1,8) = %d, %v", p, ok)
	}
}

func TestScanValueRoundTrip(t *testing.T) {
	t.Parallel()
	var p money.UnitPrice
	if err := p.Scan("4.2000"); err != nil || p != 42_000 {
		t.Errorf("Scan = %d, %v", p, err)
	}
	v, _ := p.Value()
	if v != "4.2000" {
		t.Errorf("Value = %v", v)
	}
	var q money.Quantity
	if err := q.Scan([]byte("-2.500")); err != nil || q != -2_500 {
		t.Errorf("Scan negative = %d, %v", q, err)
	}
	if err := q.Scan(3.5); err == nil {
		t.Error("a float64 was scanned")
	}
}

func TestRoundAmount(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		cur      money.Currency
		in, want string
	}{
		{eur, "12.345", "12.35"},
		{eur, "12.3449999", "12.34"},
		{eur, "-12.345", "-12.35"},
		{eur, "12", "12.00"},
		{eur, "0.005", "0.01"},
		{eur, "-0.004", "0.00"},
		{eur, "-0.005", "-0.01"},
		{jpy, "12.5", "13"},
		{jpy, "12.4999", "12"},
		{kwd, "1.2345", "1.235"},
	} {
		got, err := money.RoundAmount(tt.cur, tt.in)
		if err != nil || got.String() != tt.want {
			t.Errorf("RoundAmount(%s, %s) = %s, %v; want %s", tt.cur, tt.in, got, err, tt.want)
		}
	}
}

// Forms and imports say "The quantity " + message + "." (or "the unit
// price", "Tier 2: the minimum quantity"), so every parse error is a
// predicate of the field: it starts with "is", "must" or "has".
func TestParseErrorsReadAfterTheFieldName(t *testing.T) {
	t.Parallel()
	parsers := map[string]func(string) error{
		"unit price": func(s string) error { _, err := money.ParseUnitPrice(s); return err },
		"quantity":   func(s string) error { _, err := money.ParseQuantity(s); return err },
		"percentage": func(s string) error { _, err := money.ParsePercent(s); return err },
		"amount":     func(s string) error { _, err := money.ParseAmount(money.MustCurrency("EUR"), s); return err },
	}
	inputs := []string{"", " 1", "1 ", "+1", "-1", "-0", "1e3", "1E3", "1,5", "1,234.50", ".5", "5.", "1.2.3", "abc", "NaN",
		"1.23456", "1000000000000", "9999999999999999999", "101", "١٢"}
	for name, parse := range parsers {
		failed := 0
		for _, in := range inputs {
			err := parse(in)
			if err == nil {
				continue
			}
			failed++
			msg := err.Error()
			if !strings.HasPrefix(msg, "is ") && !strings.HasPrefix(msg, "must ") && !strings.HasPrefix(msg, "has ") {
				t.Errorf("%s %q: %q does not read after %q", name, in, msg, "The "+name+" ")
			}
		}
		if failed < len(inputs)-2 {
			t.Errorf("%s refused only %d of %d bad inputs", name, failed, len(inputs))
		}
	}
}
