package pricing_test

import (
	"go/build"
	"strings"
	"testing"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
)

var (
	eur    = money.MustCurrency("EUR")
	usd    = money.MustCurrency("USD")
	today  = pricing.MustDate("2026-11-23")
	munich = int64(1)
	berlin = int64(2)
)

func qty(s string) money.Quantity {
	q, err := money.ParseQuantity(s)
	if err != nil {
		panic(err)
	}
	return q
}

func price(s string) money.UnitPrice {
	p, err := money.ParseUnitPrice(s)
	if err != nil {
		panic(err)
	}
	return p
}

func amount(s string) money.Amount {
	a, err := money.ParseAmount(eur, s)
	if err != nil {
		panic(err)
	}
	return a
}

func line(q string) pricing.Line {
	return pricing.Line{ItemID: 7, Qty: qty(q), LocationID: munich, LocationName: "Munich", Currency: eur, Date: today}
}

// cand is an eligible candidate for Munich today: tiers 10 → 5.00, 100 → 4.50.
func cand(number string, mods ...func(*pricing.Candidate)) pricing.Candidate {
	c := pricing.Candidate{
		ContractID: int64(len(number)), ContractNumber: number, ContractStatus: pricing.ContractActive,
		Start: pricing.MustDate("2026-01-01"), End: pricing.MustDate("2026-12-31"),
		Currency: eur, VendorID: 100, VendorName: "Acme", VendorStatus: pricing.VendorApproved,
		PriceID:   int64(len(number)) * 10,
		Tiers:     []pricing.Tier{{MinQty: qty("10"), Price: price("5")}, {MinQty: qty("100"), Price: price("4.5")}},
		ValidFrom: pricing.MustDate("2026-01-01"), ValidTo: pricing.MustDate("2026-12-31"),
	}
	for _, m := range mods {
		m(&c)
	}
	return c
}

func TestResolveSingleCandidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		qty       string
		mod       func(*pricing.Candidate)
		wantCode  pricing.Code
		wantPrice string // unit price when chosen
		wantTotal string
		reason    string // substring of the reason sentence
	}{
		{"exactly the minimum order quantity", "10", nil, pricing.Chosen, "5.00", "50.00 EUR", "tier from 10"},
		{"below the minimum order quantity", "9.999", nil, pricing.BelowMinimum, "", "", "below minimum order quantity 10"},
		{"between tiers takes the lower tier", "99", nil, pricing.Chosen, "5.00", "495.00 EUR", ""},
		{"at the next tier the whole line moves", "100", nil, pricing.Chosen, "4.50", "450.00 EUR", "tier from 100"},
		{"exactly at the maximum", "500", func(c *pricing.Candidate) { c.MaxQty = qty("500") }, pricing.Chosen, "4.50", "2,250.00 EUR", ""},
		{"just over the maximum", "500.001", func(c *pricing.Candidate) { c.MaxQty = qty("500") }, pricing.AboveMaximum, "", "", "above the maximum of 500 per order line"},
		{"contract starts today (inclusive)", "10", func(c *pricing.Candidate) { c.Start, c.ValidFrom = today, today }, pricing.Chosen, "5.00", "50.00 EUR", ""},
		{"contract ends today (inclusive)", "10", func(c *pricing.Candidate) { c.End, c.ValidTo = today, today }, pricing.Chosen, "5.00", "50.00 EUR", ""},
		{"contract starts tomorrow", "10", func(c *pricing.Candidate) { c.Start = today + 1 }, pricing.NotStarted, "", "", "starts on 2026-11-24"},
		{"contract ended yesterday (expired)", "10", func(c *pricing.Candidate) { c.End = today - 1 }, pricing.Ended, "", "", "ended on 2026-11-22"},
		{"draft contract", "10", func(c *pricing.Candidate) { c.ContractStatus = pricing.ContractDraft }, pricing.NotActive, "", "", "is draft"},
		{"suspended contract", "10", func(c *pricing.Candidate) { c.ContractStatus = pricing.ContractSuspended }, pricing.NotActive, "", "", "is suspended"},
		{"terminated contract", "10", func(c *pricing.Candidate) { c.ContractStatus = pricing.ContractTerminated }, pricing.NotActive, "", "", "is terminated"},
		{"blocked vendor", "10", func(c *pricing.Candidate) { c.VendorStatus = pricing.VendorBlocked }, pricing.VendorNotApproved, "", "", "vendor Acme is blocked"},
		{"pending vendor", "10", func(c *pricing.Candidate) { c.VendorStatus = pricing.VendorPending }, pricing.VendorNotApproved, "", "", "is pending"},
		{"wrong currency", "10", func(c *pricing.Candidate) { c.Currency = usd }, pricing.CurrencyMismatch, "", "", "is in USD, Munich orders in EUR"},
		{"location not covered", "10", func(c *pricing.Candidate) { c.Locations = []int64{berlin} }, pricing.LocationNotCovered, "", "", "does not cover Munich"},
		{"location listed", "10", func(c *pricing.Candidate) { c.Locations = []int64{berlin, munich} }, pricing.Chosen, "5.00", "50.00 EUR", ""},
		{"price row not yet valid", "10", func(c *pricing.Candidate) { c.ValidFrom = today + 1 }, pricing.PriceNotYetValid, "", "", "valid from 2026-11-24"},
		{"price row expired", "10", func(c *pricing.Candidate) { c.ValidTo = today - 1 }, pricing.PriceExpired, "", "", "valid until 2026-11-22"},
		// 10 × 5.00 = 50.00: a cap of exactly 50.00 suffices
		{"cap exactly sufficient", "10", func(c *pricing.Candidate) { c.HasCap, c.CapLeft = true, amount("50") }, pricing.Chosen, "5.00", "50.00 EUR", ""},
		{"cap one cent short", "10", func(c *pricing.Candidate) { c.HasCap, c.CapLeft = true, amount("49.99") }, pricing.CapExceeded, "", "", "cap left 49.99 EUR, line needs 50.00 EUR"},
		{"overflowing line", "999999999999", func(c *pricing.Candidate) {
			c.Tiers = []pricing.Tier{{MinQty: qty("1"), Price: price("999999999999")}}
		}, pricing.TooLarge, "", "", "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := cand("C-1")
			if tt.mod != nil {
				tt.mod(&c)
			}
			l := line(tt.qty)
			r := pricing.Resolve(l, []pricing.Candidate{c})
			if len(r.Options) != 1 {
				t.Fatalf("got %d options", len(r.Options))
			}
			o := r.Options[0]
			if o.Code != tt.wantCode {
				t.Fatalf("code = %s (%s), want %s", o.Code, r.Reason(o), tt.wantCode)
			}
			w, ok := r.Winner()
			if ok != (tt.wantCode == pricing.Chosen) {
				t.Fatalf("winner ok = %v", ok)
			}
			if ok && (w.Tier.Price.String() != tt.wantPrice || w.Total.Display() != tt.wantTotal) {
				t.Errorf("winner %s / %s, want %s / %s", w.Tier.Price, w.Total.Display(), tt.wantPrice, tt.wantTotal)
			}
			if !strings.Contains(r.Reason(o), tt.reason) {
				t.Errorf("reason %q does not mention %q", r.Reason(o), tt.reason)
			}
		})
	}
}

func TestResolveRanking(t *testing.T) {
	t.Parallel()
	cheaper := func(c *pricing.Candidate) {
		c.Tiers = []pricing.Tier{{MinQty: qty("10"), Price: price("4.80")}, {MinQty: qty("100"), Price: price("4.20")}}
	}
	preferred := func(c *pricing.Candidate) { c.Preferred = true }
	otherVendor := func(c *pricing.Candidate) { c.VendorID, c.VendorName = 200, "Bolt" }

	tests := []struct {
		name       string
		cands      []pricing.Candidate
		qty        string
		wantWinner string
		loserWhy   string
	}{
		{"lowest price wins", []pricing.Candidate{cand("C-1"), cand("C-22", cheaper, otherVendor)}, "10", "C-22", "5.00 EUR on C-1 is more than 4.80 EUR on C-22"},
		{"preferred but pricier still wins", []pricing.Candidate{cand("C-1", preferred), cand("C-22", cheaper)}, "10", "C-1", "4.80 EUR on C-22, but C-1 is preferred"},
		{"equal prices: contract number ascending", []pricing.Candidate{cand("C-B"), cand("C-A")}, "10", "C-A", "the same price as C-A, which comes first by contract number"},
		{"ineligible cheaper candidate does not win", []pricing.Candidate{cand("C-1"), cand("C-22", cheaper, func(c *pricing.Candidate) { c.VendorStatus = pricing.VendorBlocked })}, "10", "C-1", "blocked"},
		{"tier decides: 2000 with tiers at 1 and 1000 takes 1000", []pricing.Candidate{cand("C-1", func(c *pricing.Candidate) {
			c.Tiers = []pricing.Tier{{MinQty: qty("1"), Price: price("2")}, {MinQty: qty("1000"), Price: price("1.5")}}
		})}, "2000", "C-1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := line(tt.qty)
			r := pricing.Resolve(l, tt.cands)
			w, ok := r.Winner()
			if !ok || r.Cand(w).ContractNumber != tt.wantWinner {
				t.Fatalf("winner = %+v, want %s; %v", w.Cand, tt.wantWinner, r.Explain())
			}
			if tt.loserWhy != "" && !strings.Contains(r.Reason(r.Options[1]), tt.loserWhy) {
				t.Errorf("loser reason %q does not mention %q", r.Reason(r.Options[1]), tt.loserWhy)
			}
		})
	}
}

func TestResolveTwoThousandTakesTopTier(t *testing.T) {
	t.Parallel()
	c := cand("C-1", func(c *pricing.Candidate) {
		c.Tiers = []pricing.Tier{{MinQty: qty("1000"), Price: price("1.5")}, {MinQty: qty("1"), Price: price("2")}} // unsorted on purpose
	})
	r := pricing.Resolve(line("2000"), []pricing.Candidate{c})
	w, _ := r.Winner()
	// 2000 × 1.50 = 3000.00
	if w.Tier.Price != price("1.5") || w.Total.String() != "3000.00" {
		t.Errorf("got %s, total %s", w.Tier.Price, w.Total)
	}
}

func TestResolveZeroCandidatesIsOffContract(t *testing.T) {
	t.Parallel()
	r := pricing.Resolve(line("1"), nil)
	if _, ok := r.Winner(); ok || len(r.Options) != 0 {
		t.Fatalf("empty candidates resolved: %+v", r)
	}
	if got := r.Explain(); len(got) != 1 || !strings.Contains(got[0], "off-contract") {
		t.Errorf("Explain = %v", got)
	}
}

func TestResolveOffContractListsEveryReason(t *testing.T) {
	t.Parallel()
	l := line("10")
	r := pricing.Resolve(l, []pricing.Candidate{
		cand("C-3", func(c *pricing.Candidate) { c.Locations = []int64{berlin} }),
		cand("C-1", func(c *pricing.Candidate) { c.ContractStatus = pricing.ContractSuspended }),
		cand("C-2", func(c *pricing.Candidate) {
			c.HasCap, c.CapLeft = true, amount("120")
			c.Tiers = []pricing.Tier{{MinQty: qty("1"), Price: price("15")}}
		}),
	})
	if _, ok := r.Winner(); ok {
		t.Fatal("resolved")
	}
	got := r.Explain()
	want := []string{"off-contract", "contract C-1 is suspended", "cap left 120.00 EUR, line needs 150.00 EUR", "contract C-3 does not cover Munich"}
	if len(got) != len(want) {
		t.Fatalf("Explain = %q", got)
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("line %d = %q, want it to contain %q", i, got[i], want[i])
		}
	}
}

func TestResolveHint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cands []pricing.Candidate
		qty   string
		want  string // "" = no hint
	}{
		// 95 × 5.00 = 475.00; 100 × 4.50 = 450.00 ≤ 475.00
		{"next tier is cheaper", []pricing.Candidate{cand("C-1")}, "95", "order 100 for 450.00 EUR instead of 95 for 475.00 EUR"},
		// 90 × 5.00 = 450.00; 100 × 4.50 = 450.00: costs no more
		{"next tier costs exactly the same", []pricing.Candidate{cand("C-1")}, "90", "order 100 for 450.00 EUR instead of 90 for 450.00 EUR"},
		// 89.999 × 5 = 449.995 → 450.00 (rounded); 100 → 450.00
		{"rounding boundary", []pricing.Candidate{cand("C-1")}, "89.999", "order 100 for 450.00 EUR"},
		// 89 × 5.00 = 445.00 < 450.00
		{"next tier costs more", []pricing.Candidate{cand("C-1")}, "89", ""},
		{"already at the top tier", []pricing.Candidate{cand("C-1")}, "150", ""},
		{"the next tier passes the maximum", []pricing.Candidate{cand("C-1", func(c *pricing.Candidate) { c.MaxQty = qty("99") })}, "95", ""},
		// 100 × 4.50 = 450.00 would not fit a cap of 449.99 left
		{"the next tier passes the cap", []pricing.Candidate{cand("C-1", func(c *pricing.Candidate) { c.HasCap, c.CapLeft = true, amount("475") })}, "95", "order 100 for 450.00 EUR"},
		{"smallest of several", []pricing.Candidate{cand("C-1", func(c *pricing.Candidate) {
			c.Tiers = []pricing.Tier{{MinQty: qty("1"), Price: price("10")}, {MinQty: qty("10"), Price: price("5")}, {MinQty: qty("20"), Price: price("1")}}
		})}, "9", "order 10 for 50.00 EUR instead of 9 for 90.00 EUR"},
		// another eligible contract's tier: C-2 gives 100 at 4.00 = 400.00 < 95 × 4.90 = 465.50 on C-1
		{"another candidate's tier", []pricing.Candidate{
			cand("C-1", func(c *pricing.Candidate) { c.Tiers = []pricing.Tier{{MinQty: qty("1"), Price: price("4.9")}} }),
			cand("C-2", func(c *pricing.Candidate) {
				c.Tiers = []pricing.Tier{{MinQty: qty("1"), Price: price("5")}, {MinQty: qty("100"), Price: price("4")}}
			}),
		}, "95", "order 100 for 400.00 EUR instead of 95 for 465.50 EUR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := line(tt.qty)
			r := pricing.Resolve(l, tt.cands)
			w, ok := r.Winner()
			if !ok {
				t.Fatalf("off-contract: %v", r.Explain())
			}
			got := ""
			if h, ok := r.Hint(); ok {
				got = h.String(l, w.Total)
			}
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("hint = %q, want %q", got, tt.want)
			}
		})
	}
	// cap of 449.99 left: 95 × 5.00 = 475 does not fit either; 90 × 5 = 450.00 does not fit
	capped := cand("C-1", func(c *pricing.Candidate) { c.HasCap, c.CapLeft = true, amount("460") })
	l := line("90")
	r := pricing.Resolve(l, []pricing.Candidate{capped})
	if _, ok := r.Hint(); !ok {
		t.Fatalf("hint missing at equal total within cap")
	}
	capped.CapLeft = amount("449.99")
	r = pricing.Resolve(line("89"), []pricing.Candidate{capped}) // 445.00 fits; 100 → 450.00 does not
	if h, ok := r.Hint(); ok {
		t.Errorf("hint beyond cap: %+v", h)
	}
}

func TestImports(t *testing.T) {
	t.Parallel()
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") && imp != "github.com/procure-app/procure/internal/money" {
			t.Errorf("pricing imports %q; only money and the standard library are allowed", imp)
		}
	}
}
