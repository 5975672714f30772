package pricing_test

import (
	"fmt"
	"testing"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
)

// benchCandidates: 8 candidates with 4 tiers each, a mix of preferred,
// capped, location-limited and one blocked vendor, all for Munich in EUR.
func benchCandidates() []pricing.Candidate {
	cs := make([]pricing.Candidate, 8)
	for i := range cs {
		cs[i] = cand(fmt.Sprintf("C-2026-%03d", i), func(c *pricing.Candidate) {
			c.ContractID, c.PriceID, c.VendorID = int64(i+1), int64(100+i), int64(10+i%3)
			base := money.UnitPrice(50_000 + 1_000*i)
			c.Tiers = []pricing.Tier{
				{MinQty: 1_000, Price: base},
				{MinQty: 50_000, Price: base - 2_000},
				{MinQty: 100_000, Price: base - 4_000},
				{MinQty: 500_000, Price: base - 6_000},
			}
			c.Preferred = i == 5
			if i%2 == 0 {
				c.HasCap, c.CapLeft = true, amount("100000")
			}
			if i == 3 {
				c.Locations = []int64{berlin, munich}
			}
			if i == 7 {
				c.VendorStatus = pricing.VendorBlocked
			}
		})
	}
	return cs
}

// BenchmarkResolve: one line (95 units, just under a tier, so the hint
// search runs) against 8 candidates × 4 tiers. Target: ≤ 1 µs, ≤ 2 allocs.
func BenchmarkResolve(b *testing.B) {
	cands := benchCandidates()
	l := line("95")
	b.ReportAllocs()
	for b.Loop() {
		r := pricing.Resolve(l, cands)
		if _, ok := r.Winner(); !ok {
			b.Fatal("off-contract")
		}
	}
}

// BenchmarkResolveWithHint: the same line as BenchmarkResolve plus the tier
// hint a cart line shows ("order 100 for … instead of 95 for …").
func BenchmarkResolveWithHint(b *testing.B) {
	cands := benchCandidates()
	l := line("95")
	b.ReportAllocs()
	for b.Loop() {
		r := pricing.Resolve(l, cands)
		if _, ok := r.Winner(); !ok {
			b.Fatal("off-contract")
		}
		_, _ = r.Hint()
	}
}

// BenchmarkResolveOrder: a 100-line order, every line against the same 8
// candidates, with cap consumption across lines and grouping by vendor.
func BenchmarkResolveOrder(b *testing.B) {
	cands := benchCandidates()
	lines := make([]pricing.OrderLine, 100)
	for i := range lines {
		l := line("1")
		l.ItemID = int64(i)
		l.Qty = money.Quantity(1_000 * (1 + i%120))
		lines[i] = pricing.OrderLine{Line: l, Candidates: cands}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pricing.ResolveOrder(lines); err != nil {
			b.Fatal(err)
		}
	}
}
