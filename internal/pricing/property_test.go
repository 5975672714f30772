package pricing_test

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
)

// randomCandidates builds n candidates that vary in every fact Resolve
// looks at, so that each property is exercised on eligible and rejected
// candidates alike.
func randomCandidates(rng *rand.Rand, n int) []pricing.Candidate {
	statuses := []pricing.ContractStatus{pricing.ContractActive, pricing.ContractActive, pricing.ContractActive, pricing.ContractSuspended, pricing.ContractDraft}
	vendors := []pricing.VendorStatus{pricing.VendorApproved, pricing.VendorApproved, pricing.VendorApproved, pricing.VendorBlocked}
	cs := make([]pricing.Candidate, n)
	for i := range cs {
		tiers := make([]pricing.Tier, 1+rng.IntN(4))
		minQty := money.Quantity(rng.IntN(5)) * money.QuantityScale
		p := money.UnitPrice(1 + rng.IntN(200_000))
		for j := range tiers {
			tiers[j] = pricing.Tier{MinQty: minQty, Price: p}
			minQty += money.Quantity(1+rng.IntN(50)) * money.QuantityScale
			p -= money.UnitPrice(rng.IntN(int(p)/2 + 1))
			if p < 1 {
				p = 1
			}
		}
		c := pricing.Candidate{
			ContractID: int64(1 + rng.IntN(4)), ContractNumber: string(rune('A' + rng.IntN(6))),
			ContractStatus: statuses[rng.IntN(len(statuses))],
			Start:          today - pricing.Date(rng.IntN(3)), End: today + pricing.Date(rng.IntN(3)) - 1,
			Currency: eur, VendorID: int64(1 + rng.IntN(3)), VendorName: "V",
			VendorStatus: vendors[rng.IntN(len(vendors))],
			PriceID:      int64(i + 1), Tiers: tiers, Preferred: rng.IntN(4) == 0,
			ValidFrom: today - 10, ValidTo: today + 10,
		}
		if rng.IntN(3) == 0 {
			c.MaxQty = money.Quantity(rng.IntN(120)) * money.QuantityScale
		}
		if rng.IntN(3) == 0 {
			c.HasCap = true
			c.CapLeft, _ = money.FromMinor(eur, int64(rng.IntN(1_000_000)))
		}
		if rng.IntN(5) == 0 {
			c.Locations = []int64{berlin}
		}
		cs[i] = c
	}
	return cs
}

// checkInvariants asserts what must hold for any resolution.
func checkInvariants(t *testing.T, l pricing.Line, cands []pricing.Candidate, r pricing.Result) {
	t.Helper()
	if len(r.Options) != len(cands) {
		t.Fatalf("%d options for %d candidates", len(r.Options), len(cands))
	}
	w, ok := r.Winner()
	for i, o := range r.Options {
		if o.Code == pricing.Chosen && i != 0 {
			t.Fatalf("a chosen option at position %d", i)
		}
		if o.Code.Eligible() {
			// line total = rounded product, checked with math/big
			prod := new(big.Int).Mul(big.NewInt(int64(o.Tier.Price)), big.NewInt(int64(l.Qty)))
			quo, rem := new(big.Int).QuoRem(prod, big.NewInt(100_000), new(big.Int))
			if rem.Int64()*2 >= 100_000 {
				quo.Add(quo, big.NewInt(1))
			}
			if o.Total.Minor() != quo.Int64() {
				t.Fatalf("total %s for %s × %s, want %s cents", o.Total, o.Tier.Price, l.Qty, quo)
			}
			if !ok {
				t.Fatalf("an eligible option but no winner")
			}
			// the chosen price is never above an eligible one, unless preferred beats non-preferred
			if o.Code == pricing.Outranked && w.Tier.Price > o.Tier.Price && !(r.Cand(w).Preferred && !r.Cand(o).Preferred) {
				t.Fatalf("winner %s at %s beats %s at %s", r.Cand(w).ContractNumber, w.Tier.Price, r.Cand(o).ContractNumber, o.Tier.Price)
			}
			if r.Cand(o).HasCap && o.Code == pricing.Chosen && o.Total.Cmp(o.CapLeft) > 0 {
				t.Fatalf("winner passes its cap")
			}
		}
		if r.Reason(o) == "" {
			t.Fatalf("empty reason for %s", o.Code)
		}
	}
	if h, hasHint := r.Hint(); hasHint {
		if !ok || h.Qty <= l.Qty || h.Total.Cmp(w.Total) > 0 {
			t.Fatalf("bad hint %+v for qty %s total %s", h, l.Qty, w.Total)
		}
		// The hint is honest: resolving the hinted quantity gives that total.
		hl := l
		hl.Qty = h.Qty
		hw, hok := pricing.Resolve(hl, cands).Winner()
		if !hok || hw.Total != h.Total {
			t.Fatalf("hint says %s for %s, resolving it gives %v", h.Total, h.Qty, hw.Total)
		}
	}
}

// fingerprint is what must not change when candidates are shuffled.
func fingerprint(r pricing.Result) []int64 {
	var fp []int64
	for _, o := range r.Options {
		fp = append(fp, r.Cand(o).PriceID, int64(o.Code), o.Total.Minor())
	}
	if h, ok := r.Hint(); ok {
		fp = append(fp, int64(h.Qty), h.Total.Minor(), r.Cands[h.Cand].PriceID)
	}
	return fp
}

func TestResolveProperties(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		cands := randomCandidates(rng, rng.IntN(9))
		l := line("1")
		l.Qty = money.Quantity(rng.IntN(150_000))
		r := pricing.Resolve(l, cands)
		checkInvariants(t, l, cands, r)

		// Pure: the same input gives the same output.
		if a, b := fingerprint(r), fingerprint(pricing.Resolve(l, cands)); !equal(a, b) {
			t.Fatalf("two calls differ: %v vs %v", a, b)
		}
		// Shuffling never changes the result.
		shuffled := append([]pricing.Candidate(nil), cands...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if a, b := fingerprint(r), fingerprint(pricing.Resolve(l, shuffled)); !equal(a, b) {
			t.Fatalf("shuffle changed the result:\n%v\n%v", a, b)
		}
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzResolve runs resolution over random candidate sets derived from the
// fuzzer's input: it must never panic and every invariant must hold.
func FuzzResolve(f *testing.F) {
	f.Add(uint64(1), uint64(2), uint8(8), int64(95_000))
	f.Add(uint64(7), uint64(7), uint8(0), int64(0))
	f.Add(uint64(42), uint64(9), uint8(3), int64(999_999_999_999_999))
	f.Fuzz(func(t *testing.T, s1, s2 uint64, n uint8, q int64) {
		if q < 0 || q > int64(money.MaxQuantity) {
			return
		}
		rng := rand.New(rand.NewPCG(s1, s2))
		cands := randomCandidates(rng, int(n%12))
		l := line("1")
		l.Qty = money.Quantity(q)
		r := pricing.Resolve(l, cands)
		if q <= 200_000 { // the big-int check of totals assumes no overflow
			checkInvariants(t, l, cands, r)
		}
		_ = r.Record()
	})
}

func TestResolveManyCandidatesShuffled(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{40, 300} { // past the index buffer, and past the insertion-sort limit
		cands := randomCandidates(rng, n)
		l := line("20")
		r := pricing.Resolve(l, cands)
		checkInvariants(t, l, cands, r)
		shuffled := append([]pricing.Candidate(nil), cands...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if a, b := fingerprint(r), fingerprint(pricing.Resolve(l, shuffled)); !equal(a, b) {
			t.Fatalf("%d candidates: shuffle changed the result", n)
		}
	}
}
