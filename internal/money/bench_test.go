package money_test

import (
	"testing"

	"github.com/procure-app/procure/internal/money"
)

// BenchmarkLineTotal: one price × quantity rounded to cents.
func BenchmarkLineTotal(b *testing.B) {
	eur := money.MustCurrency("EUR")
	p, q := money.UnitPrice(42_345), money.Quantity(95_500)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := money.LineTotal(p, q, eur); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseUnitPrice: the strict parser on a typical input.
func BenchmarkParseUnitPrice(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := money.ParseUnitPrice("1234.5678"); err != nil {
			b.Fatal(err)
		}
	}
}
