package pricing_test

import (
	"strings"
	"testing"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
)

func TestResolveOrderCapConsumedByEarlierLines(t *testing.T) {
	t.Parallel()
	// C-1 (Acme) is cheaper but has 100.00 left; C-2 (Bolt) has no cap.
	capped := cand("C-1", func(c *pricing.Candidate) {
		c.ContractID, c.HasCap, c.CapLeft = 1, true, amount("100")
		c.Tiers = []pricing.Tier{{MinQty: qty("1"), Price: price("4")}}
	})
	other := cand("C-2", func(c *pricing.Candidate) {
		c.ContractID, c.VendorID, c.VendorName = 2, 200, "Bolt"
		c.Tiers = []pricing.Tier{{MinQty: qty("1"), Price: price("5")}}
	})
	both := []pricing.Candidate{capped, other}
	l := func(item int64, q string) pricing.OrderLine {
		ln := line(q)
		ln.ItemID = item
		return pricing.OrderLine{Line: ln, Candidates: both}
	}
	ord, err := pricing.ResolveOrder([]pricing.OrderLine{
		l(1, "20"), // 20 × 4 = 80.00 on C-1, 20.00 left
		l(2, "5"),  // 5 × 4 = 20.00 on C-1 exactly, 0.00 left
		l(3, "1"),  // 4.00 does not fit any more → C-2 at 5.00
	})
	if err != nil {
		t.Fatal(err)
	}
	wantContract := []string{"C-1", "C-1", "C-2"}
	for i, r := range ord.Results {
		w, ok := r.Winner()
		if !ok || r.Cand(w).ContractNumber != wantContract[i] {
			t.Fatalf("line %d went to %v; %v", i, w.Cand, r.Explain())
		}
	}
	// line 3's reason for losing C-1 shows the cap left after lines 1 and 2
	if got := ord.Results[2].Reason(ord.Results[2].Options[1]); got != "cap left 0.00 EUR, line needs 4.00 EUR" {
		t.Errorf("reason = %q", got)
	}
	if len(ord.Groups) != 2 || ord.Groups[0].VendorID != 100 || ord.Groups[1].VendorID != 200 {
		t.Fatalf("groups = %+v", ord.Groups)
	}
	// Acme: 80.00 + 20.00 = 100.00; Bolt: 5.00
	if ord.Groups[0].Total.String() != "100.00" || len(ord.Groups[0].Lines) != 2 || ord.Groups[1].Total.String() != "5.00" {
		t.Errorf("group totals %s, %s", ord.Groups[0].Total, ord.Groups[1].Total)
	}
	if len(ord.OffContract) != 0 {
		t.Errorf("off-contract lines: %v", ord.OffContract)
	}
	// The input candidates are untouched.
	if capped.CapLeft.String() != "100.00" || both[0].CapLeft.String() != "100.00" {
		t.Error("ResolveOrder modified its input")
	}
}

func TestResolveOrderOffContractAndGrouping(t *testing.T) {
	t.Parallel()
	ord, err := pricing.ResolveOrder([]pricing.OrderLine{
		{Line: line("1"), Candidates: []pricing.Candidate{cand("C-1")}},  // below MOQ 10 → off-contract
		{Line: line("10"), Candidates: []pricing.Candidate{cand("C-1")}}, // Acme
		{Line: line("10"), Candidates: nil},                              // nothing → off-contract
		{Line: line("20"), Candidates: []pricing.Candidate{cand("C-1")}}, // Acme again
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ord.OffContract) != 2 || ord.OffContract[0] != 0 || ord.OffContract[1] != 2 {
		t.Errorf("off-contract = %v", ord.OffContract)
	}
	// 10 × 5 + 20 × 5 = 150.00
	if len(ord.Groups) != 1 || ord.Groups[0].Total.String() != "150.00" || len(ord.Groups[0].Lines) != 2 {
		t.Errorf("groups = %+v", ord.Groups)
	}
}

func TestCheckInvoiceLine(t *testing.T) {
	t.Parallel()
	base := pricing.InvoiceLine{
		ContractNumber: "C-1", ContractPrice: price("10"), Tolerance: 200, // 2 %
		Start: pricing.MustDate("2026-01-01"), End: pricing.MustDate("2026-12-31"), Currency: eur,
		Qty: qty("3"), InvoiceDate: today,
	}
	tests := []struct {
		name         string
		price        string
		date         pricing.Date
		wantMatched  bool
		wantUnit     string
		wantTotal    string
		wantDescribe string
	}{
		{"exact price", "10", today, true, "0.00", "0.00", "price matches the contract"},
		// 10.20 is exactly 2 % over; 3 × 0.20 = 0.60
		{"exactly at tolerance", "10.2", today, true, "0.20", "0.60", "within the 2% tolerance"},
		// 10.2001 × 3 = 30.6003 → 30.60; 30.60 − 30.00 = 0.60
		{"just beyond tolerance", "10.2001", today, false, "0.2001", "0.60", "billed 0.2001 EUR per unit over contract 10.00 EUR"},
		// 9.50 × 3 = 28.50; 28.50 − 30.00 = −1.50
		{"under beyond tolerance", "9.5", today, false, "-0.50", "-1.50", "under contract"},
		{"invoice dated after the contract", "10", pricing.MustDate("2027-01-01"), false, "0.00", "0.00", "outside contract C-1 (2026-01-01 to 2026-12-31)"},
		{"invoice dated on the last day", "10", pricing.MustDate("2026-12-31"), true, "0.00", "0.00", "matches"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := base
			in.InvoicePrice, in.InvoiceDate = price(tt.price), tt.date
			got, err := pricing.CheckInvoiceLine(in)
			if err != nil {
				t.Fatal(err)
			}
			if got.Matched() != tt.wantMatched || got.UnitVariance.String() != tt.wantUnit || got.TotalVariance.String() != tt.wantTotal {
				t.Errorf("got matched=%v unit=%s total=%s", got.Matched(), got.UnitVariance, got.TotalVariance)
			}
			if d := got.Describe(in); !strings.Contains(d, tt.wantDescribe) {
				t.Errorf("Describe = %q, want %q", d, tt.wantDescribe)
			}
		})
	}
	in := base
	in.InvoicePrice, in.Qty = money.MaxUnitPrice, money.MaxQuantity
	if _, err := pricing.CheckInvoiceLine(in); err == nil {
		t.Error("overflow accepted")
	}
}

func TestRecordKeepsEveryCandidate(t *testing.T) {
	t.Parallel()
	l := line("95")
	r := pricing.Resolve(l, []pricing.Candidate{cand("C-1"), cand("C-2", func(c *pricing.Candidate) { c.VendorStatus = pricing.VendorBlocked })})
	rec := r.Record()
	if !rec.OnContract || len(rec.Options) != 2 || rec.Options[0].Code != "chosen" || rec.Options[1].Code != "vendor_not_approved" {
		t.Fatalf("record = %+v", rec)
	}
	// 95 × 5.00 = 475.00
	if rec.Options[0].Total != "475.00" || rec.Options[0].UnitPrice != "5.00" || len(rec.Options[0].Tiers) != 2 {
		t.Errorf("winner = %+v", rec.Options[0])
	}
	if rec.Hint != "order 100 for 450.00 EUR instead of 95 for 475.00 EUR" || rec.Date != "2026-11-23" || rec.Qty != "95" {
		t.Errorf("hint %q date %q qty %q", rec.Hint, rec.Date, rec.Qty)
	}
}
