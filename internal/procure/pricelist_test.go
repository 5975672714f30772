package procure_test

import (
	"strings"
	"testing"

	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
)

var listContract = procure.Contract{Start: pricing.MustDate("2026-01-01"), End: pricing.MustDate("2026-12-31")}

const header = "sku,vendor_sku,min_qty,unit_price,max_qty,valid_from,valid_to,preferred\n"

func TestParsePriceListGroupsTiers(t *testing.T) {
	t.Parallel()
	csv := "\xef\xbb\xbf" + header +
		"PAP-1,V1,100,4.50,,,2026-06-30,yes\n" +
		"PAP-1,V1,1,5.00,,,2026-06-30,yes\n" +
		"\n" +
		"PAP-1,V1,1,4.00,,2026-07-01,2026-12-31,no\n" +
		"TON-1,,1,60,10,,,\n"
	rows, problems := procure.ParsePriceList([]byte(csv), listContract)
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3 (PAP-1 to June, PAP-1 from July, TON-1)", len(rows))
	}
	first := rows[0]
	if len(first.Values.Tiers) != 2 || first.Values.Tiers[0].MinQty != 1_000 || first.Values.Tiers[1].Price != 45_000 || !first.Values.Preferred {
		t.Errorf("first row %+v", first.Values)
	}
	if first.Lines[0] != 3 || first.Lines[1] != 2 {
		t.Errorf("tier lines %v, want [3 2] (sorted by minimum)", first.Lines)
	}
	if rows[2].Values.MaxQty != 10_000 {
		t.Errorf("max qty %v", rows[2].Values.MaxQty)
	}
}

func TestParsePriceListReportsEveryProblem(t *testing.T) {
	t.Parallel()
	csv := header +
		"PAP-1,V1,1,5.00,,,,\n" + // 2 ok
		"PAP-2,V2,1e3,4,,,,\n" + // 3 exponent
		"PAP-3,V3,1,NaN,,,,\n" + // 4 NaN price
		"PAP-4,V4,1,-2,,,,\n" + // 5 negative price
		"PAP 5,V5,1,2,,,,\n" + // 6 bad SKU
		"PAP-6,V6,1,2.12345,,,,\n" + // 7 five decimals
		"PAP-7,V7,1,2,,2025-01-01,,\n" + // 8 outside contract
		"PAP-1,V1,1,4.00,,,,\n" + // 9 duplicate tier of line 2
		"PAP-8,V8,1,2,,,,maybe\n" + // 10 preferred
		"PAP-9,V9,0,2,,,,\n" + // 11 zero quantity
		"PAP-1,V1,,2,,2026-03-01,,\n" // 12 missing quantity; and overlaps line 2
	_, problems := procure.ParsePriceList([]byte(csv), listContract)
	want := map[int]string{3: "min_qty", 4: "unit_price", 5: "unit_price", 6: "sku", 7: "unit_price", 8: "valid_from", 9: "min_qty",
		10: "preferred", 11: "min_qty", 12: "min_qty"}
	got := map[int]string{}
	for _, p := range problems {
		if _, seen := got[p.Line]; !seen {
			got[p.Line] = p.Column
		}
	}
	for line, col := range want {
		if got[line] != col {
			t.Errorf("line %d: problem in %q, want %q (all: %v)", line, got[line], col, problems)
		}
	}
	if _, ok := got[2]; ok {
		t.Errorf("line 2 is fine but has a problem: %v", problems)
	}
}

func TestParsePriceListRefusesBadFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, data, want string
	}{
		{"not UTF-8", header + "PAP-1,\xff\xfe,1,2,,,,\n", "not UTF-8"},
		{"NUL", header + "PAP-1,V1,1,2,,,,\nPAP-2,V\x002,1,2,,,,\n", "line 3: the line holds a NUL character"},
		{"empty", "", "empty"},
		{"missing column", "sku,min_qty,unit_price\nA,1,2\n", "required column is missing"},
		{"unknown column", header[:len(header)-1] + ",colour\n", "unknown column"},
		{"header only", header, "no price lines"},
		{"ragged line", header + "PAP-1,V1,1\n", "wrong number of fields"},
		{"bare quote", header + "PAP-1,V\"1,1,2,,,,\n", "not valid CSV"},
	}
	for _, tt := range tests {
		_, problems := procure.ParsePriceList([]byte(tt.data), listContract)
		if len(problems) == 0 || !strings.Contains(problems[0].String(), tt.want) {
			t.Errorf("%s: problems %v, want %q", tt.name, problems, tt.want)
		}
	}
}

// FuzzParsePriceList: any bytes give rows or problems, never a panic, and a
// file with no problems only yields valid rows.
func FuzzParsePriceList(f *testing.F) {
	f.Add([]byte(header + "PAP-1,V1,1,5.00,,,,yes\n"))
	f.Add([]byte(header + "PAP-1,V1,1e3,NaN,,,,\n"))
	f.Add([]byte("sku\n\"unterminated"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, problems := procure.ParsePriceList(data, listContract)
		if len(problems) > 0 {
			return
		}
		for _, r := range rows {
			if len(r.Values.Tiers) == 0 || len(r.Lines) != len(r.Values.Tiers) {
				t.Fatalf("row without tiers or lines: %+v", r)
			}
			for i, tier := range r.Values.Tiers {
				if tier.MinQty <= 0 || tier.Price <= 0 || (i > 0 && tier.MinQty <= r.Values.Tiers[i-1].MinQty) {
					t.Fatalf("bad tiers accepted: %+v", r.Values.Tiers)
				}
			}
		}
	})
}
