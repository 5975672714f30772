package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/procure-app/procure/internal/app"
	"github.com/procure-app/procure/internal/pgtest"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/testkit"
)

const header = "sku,vendor_sku,min_qty,unit_price,max_qty,valid_from,valid_to,preferred,item_name,category,unit\n"

func setup(t testing.TB) (*app.App, *store.Store, int64) {
	t.Helper()
	st := store.New(pgtest.Pool(t))
	vendor := testkit.MustVendor(t, st, "Acme", procure.VendorApproved)
	id := testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-1", VendorID: vendor})
	return app.New(st, nil, nil), st, id
}

func TestImportPriceListAllOrNothing(t *testing.T) {
	t.Parallel()
	a, st, id := setup(t)
	ctx := t.Context()
	testkit.MustItem(t, st, "PAP-1", "Paper")
	bad := header +
		"PAP-1,V1,1,5.00,,,,,,,\n" +
		"PAP-1,V1,100,4.50,,,,,,,\n" +
		"NEW-1,V2,1,9,,,,,New thing,Misc,each\n" + // unknown SKU, not allowed to create
		"PAP-1,V1,500,1e2,,,,,,,\n" // bad price
	res, err := a.ImportPriceList(ctx, 0, id, []byte(bad), false)
	if procure.KindOf(err) != procure.KindInvalid {
		t.Fatalf("bad file: %v", err)
	}
	if len(res.Problems) != 2 || res.Problems[0].Line != 4 || res.Problems[1].Line != 5 || res.Problems[1].Column != "unit_price" {
		t.Errorf("problems %v", res.Problems)
	}
	if len(res.UnknownSKUs) != 1 || res.UnknownSKUs[0] != "NEW-1" {
		t.Errorf("unknown SKUs %v", res.UnknownSKUs)
	}
	if rows, _ := st.PriceRows(ctx, id); len(rows) != 0 {
		t.Fatalf("a bad file wrote %d rows", len(rows))
	}

	good := header +
		"PAP-1,V1,1,5.00,,,,,,,\n" +
		"PAP-1,V1,100,4.50,,,,,,,\n" +
		"NEW-1,V2,1,9,20,2026-03-01,2026-09-30,yes,New thing,Misc,box\n"
	res, err = a.ImportPriceList(ctx, 0, id, []byte(good), true)
	if err != nil {
		t.Fatalf("good file: %v %v", err, res.Problems)
	}
	if res.PriceRows != 2 || res.Tiers != 3 || res.ItemsCreated != 1 {
		t.Errorf("result %+v", res)
	}
	rows, _ := st.PriceRows(ctx, id)
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	byItem := map[string]procure.PriceRow{}
	for _, r := range rows {
		byItem[r.ItemSKU] = r
	}
	if p := byItem["PAP-1"]; len(p.Tiers) != 2 || p.Tiers[1].Price != 45_000 || p.VendorSKU != "V1" {
		t.Errorf("PAP-1 %+v", p)
	}
	if p := byItem["NEW-1"]; !p.Preferred || p.MaxQty != 20_000 || p.ValidFrom.String() != "2026-03-01" || p.ItemName != "New thing" || p.ItemUnit != "box" {
		t.Errorf("NEW-1 %+v", p)
	}
	// Importing the same rows again overlaps what is there: refused, line by line.
	res, err = a.ImportPriceList(ctx, 0, id, []byte(good), true)
	if procure.KindOf(err) != procure.KindInvalid || len(res.Problems) != 2 || !strings.Contains(res.Problems[0].Message, "already has a price") {
		t.Errorf("re-import: %v %v", err, res.Problems)
	}
	events, _ := st.AuditEvents(ctx, store.AuditFilter{Action: "contract.import"})
	if len(events) != 1 {
		t.Errorf("%d import audit events, want 1", len(events))
	}
}

func TestImportOnlyIntoDrafts(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	vendor := testkit.MustVendor(t, st, "Acme", procure.VendorApproved)
	testkit.MustItem(t, st, "A-1", "Paper")
	id := testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-1", VendorID: vendor, Status: procure.ContractActive,
		Prices: []procure.PriceValues{{SKU: "A-1", Tiers: testkit.Tiers("1", "2")}}})
	_, err := app.New(st, nil, nil).ImportPriceList(t.Context(), 0, id, []byte(header+"A-1,,1,2,,,,,,,\n"), false)
	if procure.KindOf(err) != procure.KindConflict {
		t.Errorf("import into an active contract: %v", err)
	}
}

func TestImportRefusesFractionalMinimumsForWholeUnits(t *testing.T) {
	t.Parallel()
	a, st, id := setup(t)
	testkit.MustItem(t, st, "CHAIR-1", "Furniture")
	res, err := a.ImportPriceList(t.Context(), 0, id, []byte(header+"CHAIR-1,,0.5,200,,,,,,,\n"), false)
	if err == nil || len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Message, "whole") {
		t.Errorf("half a chair: %v %v", err, res.Problems)
	}
}

// priceList builds n lines: n/2 items with two tiers each.
func priceList(n int) []byte {
	var b strings.Builder
	b.WriteString(header)
	for i := 0; i < n/2; i++ {
		fmt.Fprintf(&b, "BULK-%05d,VB-%05d,1,%d.25,,,,no,Bulk item %d,Bulk,each\n", i, i, 10+i%90, i)
		fmt.Fprintf(&b, "BULK-%05d,VB-%05d,100,%d.10,,,,no,Bulk item %d,Bulk,each\n", i, i, 9+i%90, i)
	}
	return []byte(b.String())
}

func TestImportTenThousandRows(t *testing.T) {
	t.Parallel()
	a, st, id := setup(t)
	start := time.Now()
	res, err := a.ImportPriceList(t.Context(), 0, id, priceList(10_000), true)
	if err != nil {
		t.Fatalf("%v %v", err, res.Problems[:min(5, len(res.Problems))])
	}
	t.Logf("10,000 lines imported in %s", time.Since(start))
	if res.PriceRows != 5_000 || res.Tiers != 10_000 || res.ItemsCreated != 5_000 {
		t.Errorf("result %+v", res)
	}
	if c, _ := st.ContractByID(t.Context(), id); c.PriceRows != 5_000 {
		t.Errorf("contract has %d rows", c.PriceRows)
	}
}

// BenchmarkImportPriceList: 10,000 CSV lines (5,000 items × 2 tiers, items
// created) into a fresh draft contract each iteration. Target: < 2 s.
func BenchmarkImportPriceList(b *testing.B) {
	data := priceList(10_000)
	for b.Loop() {
		b.StopTimer()
		a, _, id := setup(b)
		b.StartTimer()
		if _, err := a.ImportPriceList(b.Context(), 0, id, data, true); err != nil {
			b.Fatal(err)
		}
	}
}
