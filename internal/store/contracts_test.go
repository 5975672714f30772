package store_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pgtest"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/testkit"
)

func price(sku string, tiers ...string) procure.PriceValues {
	return procure.PriceValues{SKU: sku, VendorSKU: "V-" + sku, Tiers: testkit.Tiers(tiers...)}
}

func TestVendorLifecycle(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	ctx := t.Context()
	id, err := st.CreateVendor(ctx, 0, procure.VendorInput{Name: "Acme", Categories: []string{"Paper"}})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := st.VendorByID(ctx, id)
	if v.Status != procure.VendorPending {
		t.Errorf("new vendor is %s, want pending", v.Status)
	}
	if _, err := st.CreateVendor(ctx, 0, procure.VendorInput{Name: "ACME"}); procure.FieldsOf(err)["name"] == "" {
		t.Errorf("duplicate name (case-insensitive): %v", err)
	}
	if err := st.SetVendorStatus(ctx, 0, id, procure.VendorBlocked, ""); procure.KindOf(err) != procure.KindInvalid {
		t.Errorf("block without reason: %v", err)
	}
	if err := st.SetVendorStatus(ctx, 0, id, procure.VendorBlocked, "Late deliveries"); err != nil {
		t.Fatal(err)
	}
	v, _ = st.VendorByID(ctx, id)
	if v.Status != procure.VendorBlocked || v.StatusReason != "Late deliveries" {
		t.Errorf("after block: %+v", v)
	}
	in := procure.VendorInput{Name: "Acme GmbH", Version: v.Version}
	if err := st.UpdateVendor(ctx, 0, id, in); err != nil {
		t.Fatal(err)
	}
	if err := st.UpdateVendor(ctx, 0, id, in); procure.KindOf(err) != procure.KindConflict {
		t.Errorf("stale vendor edit: %v", err)
	}
	list, err := st.Vendors(ctx, store.VendorFilter{Q: "acme g"})
	if err != nil || len(list) != 1 {
		t.Errorf("search: %d, %v", len(list), err)
	}
	// LIKE wildcards in the search are literal text.
	if list, _ := st.Vendors(ctx, store.VendorFilter{Q: "%"}); len(list) != 0 {
		t.Errorf("%% matched %d vendors", len(list))
	}
	events, _ := st.AuditEvents(ctx, store.AuditFilter{Entity: "vendor", EntityID: id})
	if len(events) != 3 { // create, status, update
		t.Errorf("%d vendor audit events, want 3", len(events))
	}
}

func TestVendorKeysetPagination(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	for _, n := range []string{"delta", "Alpha", "charlie", "Bravo", "echo"} {
		testkit.MustVendor(t, st, n, procure.VendorApproved)
	}
	var names []string
	f := store.VendorFilter{Limit: 2}
	for {
		page, err := st.Vendors(t.Context(), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range page {
			names = append(names, v.Name)
		}
		if len(page) < f.Limit {
			break
		}
		f.AfterID, f.AfterName = page[len(page)-1].ID, page[len(page)-1].Name
	}
	if strings.Join(names, ",") != "Alpha,Bravo,charlie,delta,echo" {
		t.Errorf("pages gave %v", names)
	}
}

func TestContractRules(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	ctx := t.Context()
	vendor := testkit.MustVendor(t, st, "Acme", procure.VendorApproved)
	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	lon := testkit.MustLocation(t, st, "LON", "GBP")
	testkit.MustItem(t, st, "PAP-1", "Paper")

	v := procure.ContractValues{VendorID: vendor, Number: "C-1", Title: "Paper", Currency: money.MustCurrency("EUR"),
		Start: pricing.MustDate("2026-01-01"), End: pricing.MustDate("2026-12-31"), Locations: []int64{muc, lon}}
	if _, err := st.CreateContract(ctx, 0, v); procure.FieldsOf(err)["locations"] == "" || !strings.Contains(procure.MessageOf(err), "GBP") {
		t.Errorf("EUR contract covering a GBP location: %v", err)
	}
	v.Locations = []int64{muc}
	// The owner gets the contract's notices: an active procurement user.
	office := testkit.MustUser(t, st, "office@example.test", testkit.Roles(procure.RoleOrderer), muc)
	buyer := testkit.MustUser(t, st, "buyer@example.test", testkit.Roles(procure.RoleProcurement))
	for _, owner := range []int64{office.ID, 987654} {
		v.OwnerID = owner
		if _, err := st.CreateContract(ctx, 0, v); procure.FieldsOf(err)["owner_id"] == "" {
			t.Errorf("owner %d: %v", owner, err)
		}
	}
	v.OwnerID = buyer.ID
	id, err := st.CreateContract(ctx, 0, v)
	if err != nil {
		t.Fatal(err)
	}
	c0, _ := st.ContractByID(ctx, id)
	v.Version = c0.Version
	v.OwnerID = office.ID
	if err := st.UpdateContract(ctx, 0, id, v); procure.FieldsOf(err)["owner_id"] == "" {
		t.Errorf("changing the owner to an office admin: %v", err)
	}
	v.OwnerID = buyer.ID
	if _, err := st.CreateContract(ctx, 0, v); procure.FieldsOf(err)["number"] == "" {
		t.Errorf("duplicate number: %v", err)
	}
	today := pricing.MustDate("2026-06-01")
	// Activation refused with reasons while incomplete.
	err = st.MoveContract(ctx, 0, id, procure.ContractActive, today)
	if procure.KindOf(err) != procure.KindInvalid || !strings.Contains(procure.MessageOf(err), "no price rows") {
		t.Fatalf("activate without prices: %v", err)
	}
	if _, err := st.AddPriceRow(ctx, 0, id, price("NOPE-1", "1", "5")); procure.FieldsOf(err)["sku"] == "" {
		t.Errorf("unknown SKU: %v", err)
	}
	pid, err := st.AddPriceRow(ctx, 0, id, price("PAP-1", "1", "5.00", "100", "4.50"))
	if err != nil {
		t.Fatal(err)
	}
	// A second open-ended price for the same item would overlap.
	if _, err := st.AddPriceRow(ctx, 0, id, price("PAP-1", "1", "4")); procure.FieldsOf(err)["valid_from"] == "" {
		t.Errorf("overlapping window: %v", err)
	}
	if err := st.MoveContract(ctx, 0, id, procure.ContractActive, today); err != nil {
		t.Fatal(err)
	}
	// Active: no free edits, no new rows, no removals.
	c, _ := st.ContractByID(ctx, id)
	v.Version = c.Version
	if err := st.UpdateContract(ctx, 0, id, v); procure.KindOf(err) != procure.KindConflict {
		t.Errorf("editing an active contract: %v", err)
	}
	if _, err := st.AddPriceRow(ctx, 0, id, price("PAP-1", "1", "4")); procure.KindOf(err) != procure.KindConflict {
		t.Errorf("adding a row to an active contract: %v", err)
	}
	if err := st.RemovePriceRow(ctx, 0, id, pid); procure.KindOf(err) != procure.KindConflict {
		t.Errorf("removing a row of an active contract: %v", err)
	}
	// Amendment: the old row closes the day before, a new row starts.
	from := pricing.MustDate("2026-07-01")
	amend := procure.PriceValues{Tiers: testkit.Tiers("1", "4.80"), ValidFrom: &from}
	if _, err := st.AmendPrice(ctx, 0, id, pid, amend, today); err != nil {
		t.Fatal(err)
	}
	rows, _ := st.PriceRows(ctx, id)
	if len(rows) != 2 {
		t.Fatalf("%d rows after amendment", len(rows))
	}
	if rows[0].ValidTo == nil || rows[0].ValidTo.String() != "2026-06-30" || rows[0].Tiers[1].Price != 45_000 {
		t.Errorf("old row: %+v", rows[0])
	}
	if rows[1].ValidFrom == nil || rows[1].ValidFrom.String() != "2026-07-01" || rows[1].Tiers[0].Price != 48_000 {
		t.Errorf("new row: %+v", rows[1])
	}
	past := pricing.MustDate("2026-05-01")
	if _, err := st.AmendPrice(ctx, 0, id, rows[1].ID, procure.PriceValues{Tiers: testkit.Tiers("1", "1"), ValidFrom: &past}, today); procure.FieldsOf(err)["valid_from"] == "" {
		t.Errorf("back-dated amendment: %v", err)
	}
	// Lifecycle edges.
	if err := st.MoveContract(ctx, 0, id, procure.ContractSuspended, today); err != nil {
		t.Fatal(err)
	}
	if err := st.MoveContract(ctx, 0, id, procure.ContractActive, today); err != nil {
		t.Fatal(err)
	}
	if err := st.MoveContract(ctx, 0, id, procure.ContractTerminated, today); err != nil {
		t.Fatal(err)
	}
	if err := st.MoveContract(ctx, 0, id, procure.ContractActive, today); procure.KindOf(err) != procure.KindConflict {
		t.Errorf("reviving a terminated contract: %v", err)
	}
	history, _ := st.AuditEvents(ctx, store.AuditFilter{Entity: "contract", EntityID: id})
	actions := map[string]int{}
	for _, e := range history {
		actions[e.Action]++
	}
	if actions["contract.status"] != 4 || actions["contract.price_add"] != 1 || actions["contract.price_amend"] != 1 || actions["contract.create"] != 1 {
		t.Errorf("history %v", actions)
	}
}

func TestActivationNeedsApprovedVendor(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	vendor := testkit.MustVendor(t, st, "Pending Ltd", procure.VendorPending)
	testkit.MustItem(t, st, "A-1", "Paper")
	id := testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-1", VendorID: vendor, Prices: []procure.PriceValues{price("A-1", "1", "2")}})
	err := st.MoveContract(t.Context(), 0, id, procure.ContractActive, pricing.MustDate("2026-02-01"))
	if !strings.Contains(procure.MessageOf(err), "vendor is pending") {
		t.Errorf("activation with a pending vendor: %v", err)
	}
}

func TestConcurrentContractEditsDoNotOverwrite(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	vendor := testkit.MustVendor(t, st, "Acme", procure.VendorApproved)
	id := testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-1", VendorID: vendor})
	c, _ := st.ContractByID(t.Context(), id)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, title := range []string{"First editor", "Second editor"} {
		wg.Go(func() {
			v := procure.ContractValues{VendorID: vendor, Number: "C-1", Title: title, Currency: c.Currency, Start: c.Start, End: c.End, Version: c.Version}
			errs[i] = st.UpdateContract(t.Context(), 0, id, v)
		})
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("want one save and one conflict: %v / %v", errs[0], errs[1])
	}
	for _, err := range errs {
		if err != nil && procure.KindOf(err) != procure.KindConflict {
			t.Errorf("loser got %v, want a conflict", err)
		}
	}
}

// The database itself refuses what the application must never write.
func TestMoneyColumnsRefuseNaNAndNegatives(t *testing.T) {
	t.Parallel()
	pool := pgtest.Pool(t)
	st := store.New(pool)
	vendor := testkit.MustVendor(t, st, "Acme", procure.VendorApproved)
	item := testkit.MustItem(t, st, "A-1", "Paper")
	id := testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-1", VendorID: vendor, Prices: []procure.PriceValues{price("A-1", "1", "2")}})
	var pid int64
	if err := pool.QueryRow(t.Context(), `SELECT id FROM contract_prices WHERE contract_id = $1`, id).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`UPDATE contracts SET cap = 'NaN' WHERE id = $1`,
		`UPDATE contracts SET cap = -1 WHERE id = $1`,
		`UPDATE contracts SET committed = 10, cap = 5 WHERE id = $1`,
		`UPDATE contracts SET tolerance_pct = 'NaN' WHERE id = $1`,
		`UPDATE contracts SET end_date = '2025-01-01' WHERE id = $1`,
	} {
		if _, err := pool.Exec(t.Context(), sql, id); err == nil {
			t.Errorf("accepted: %s", sql)
		}
	}
	for _, sql := range []string{
		`INSERT INTO contract_price_tiers (price_id, min_qty, unit_price) VALUES ($1, 5, 'NaN')`,
		`INSERT INTO contract_price_tiers (price_id, min_qty, unit_price) VALUES ($1, 6, 0)`,
		`INSERT INTO contract_price_tiers (price_id, min_qty, unit_price) VALUES ($1, 'NaN', 1)`,
		`INSERT INTO contract_price_tiers (price_id, min_qty, unit_price) VALUES ($1, -1, 1)`,
	} {
		if _, err := pool.Exec(t.Context(), sql, pid); err == nil {
			t.Errorf("accepted: %s", sql)
		}
	}
	_ = item
}

func TestContractListFilters(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	ctx := t.Context()
	vendor := testkit.MustVendor(t, st, "Acme", procure.VendorApproved)
	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	ber := testkit.MustLocation(t, st, "BER", "EUR")
	testkit.MustItem(t, st, "A-1", "Paper")
	p := []procure.PriceValues{price("A-1", "1", "2")}
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-ALL", VendorID: vendor, Prices: p, Status: procure.ContractActive, End: "2026-06-20"})
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-BER", VendorID: vendor, Prices: p, Status: procure.ContractActive, Locations: []int64{ber}})
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-OLD", VendorID: vendor, Prices: p, Status: procure.ContractActive, Start: "2025-01-01", End: "2025-12-31"})
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-DRAFT", VendorID: vendor})
	today := pricing.MustDate("2026-06-01")
	numbers := func(f store.ContractFilter) string {
		f.Today = today
		list, err := st.Contracts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range list {
			out = append(out, c.Number)
		}
		return strings.Join(out, ",")
	}
	for _, tt := range []struct {
		f    store.ContractFilter
		want string
	}{
		{store.ContractFilter{}, "C-ALL,C-BER,C-DRAFT,C-OLD"},
		{store.ContractFilter{Status: "active"}, "C-ALL,C-BER"},
		{store.ContractFilter{Status: "expired"}, "C-OLD"},
		{store.ContractFilter{Status: "draft"}, "C-DRAFT"},
		{store.ContractFilter{LocationID: muc}, "C-ALL,C-DRAFT,C-OLD"},
		{store.ContractFilter{EndsWithin: 30}, "C-ALL"},
		{store.ContractFilter{Sort: "end"}, "C-OLD,C-ALL,C-BER,C-DRAFT"},
		{store.ContractFilter{Sort: "number", Desc: true}, "C-OLD,C-DRAFT,C-BER,C-ALL"},
		{store.ContractFilter{Limit: 2, Offset: 2}, "C-DRAFT,C-OLD"},
	} {
		if got := numbers(tt.f); got != tt.want {
			t.Errorf("%+v: %s, want %s", tt.f, got, tt.want)
		}
	}
	if n, _ := st.SuggestContractNumber(ctx, 2026); n != "C-2026-001" {
		t.Errorf("suggested %s", n)
	}
}

func TestSupplierDirectory(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	ctx := t.Context()
	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	ber := testkit.MustLocation(t, st, "BER", "EUR")
	paper := testkit.MustVendor(t, st, "Paper Co", procure.VendorApproved)
	toner := testkit.MustVendor(t, st, "Toner Co", procure.VendorApproved)
	testkit.MustVendor(t, st, "Blocked Co", procure.VendorBlocked)
	testkit.MustItem(t, st, "P-1", "Paper")
	testkit.MustItem(t, st, "T-1", "Toner")
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-P", VendorID: paper, Prices: []procure.PriceValues{price("P-1", "1", "2")}, Status: procure.ContractActive})
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-T", VendorID: toner, Locations: []int64{ber}, Prices: []procure.PriceValues{price("T-1", "1", "9")}, Status: procure.ContractActive})
	today := pricing.MustDate("2026-06-01").Time()
	all, err := st.Suppliers(ctx, store.SupplierFilter{Today: today})
	if err != nil || len(all) != 2 {
		t.Fatalf("directory: %d, %v", len(all), err)
	}
	if all[0].Vendor.Name != "Paper Co" || strings.Join(all[0].Categories, ",") != "Paper" || strings.Join(all[0].Locations, ",") != "all locations" {
		t.Errorf("paper: %+v", all[0])
	}
	if got, _ := st.Suppliers(ctx, store.SupplierFilter{Today: today, LocationID: muc}); len(got) != 1 || got[0].Vendor.Name != "Paper Co" {
		t.Errorf("Munich: %+v", got)
	}
	if got, _ := st.Suppliers(ctx, store.SupplierFilter{Today: today, Category: "Toner"}); len(got) != 1 || got[0].Vendor.Name != "Toner Co" {
		t.Errorf("Toner: %+v", got)
	}
	// One page at a time, by name: the second page starts after the first.
	first, _ := st.Suppliers(ctx, store.SupplierFilter{Today: today, Limit: 1})
	if len(first) != 1 || first[0].Vendor.Name != "Paper Co" {
		t.Fatalf("first page: %+v", first)
	}
	second, _ := st.Suppliers(ctx, store.SupplierFilter{Today: today, Limit: 1, AfterName: first[0].Vendor.Name, AfterID: first[0].Vendor.ID})
	if len(second) != 1 || second[0].Vendor.Name != "Toner Co" {
		t.Errorf("second page: %+v", second)
	}
	if rest, _ := st.Suppliers(ctx, store.SupplierFilter{Today: today, AfterName: second[0].Vendor.Name, AfterID: second[0].Vendor.ID}); len(rest) != 0 {
		t.Errorf("after the last: %+v", rest)
	}
}
