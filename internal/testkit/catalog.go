package testkit

import (
	"context"
	"testing"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
)

// MustVendor creates a vendor with the given status and returns its id.
func MustVendor(t testing.TB, st *store.Store, name string, status procure.VendorStatus) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := st.CreateVendor(ctx, 0, procure.VendorInput{Name: name, Email: "orders@example.test"})
	if err != nil {
		t.Fatalf("testkit: vendor %s: %v", name, err)
	}
	if status != procure.VendorPending {
		if err := st.SetVendorStatus(ctx, 0, id, status, "test fixture"); err != nil {
			t.Fatalf("testkit: vendor status: %v", err)
		}
	}
	return id
}

// MustItem creates an item (whole units) and returns its id.
func MustItem(t testing.TB, st *store.Store, sku, category string) int64 {
	t.Helper()
	id, err := st.CreateItem(context.Background(), 0, procure.ItemInput{SKU: sku, Name: "Item " + sku, Category: category, Unit: "each"})
	if err != nil {
		t.Fatalf("testkit: item %s: %v", sku, err)
	}
	return id
}

// ContractSpec describes a contract fixture. Zero values give a EUR
// contract valid all of 2026, all locations, no cap.
type ContractSpec struct {
	Number    string
	VendorID  int64
	Currency  string
	Start     string
	End       string
	Cap       string
	Tolerance money.Percent
	Locations []int64
	Prices    []procure.PriceValues
	Status    procure.ContractStatus // draft unless set; active needs prices
}

// Tiers builds a tier list from "minQty", "price" pairs.
func Tiers(pairs ...string) []pricing.Tier {
	var out []pricing.Tier
	for i := 0; i+1 < len(pairs); i += 2 {
		q, err := money.ParseQuantity(pairs[i])
		if err != nil {
			panic(err)
		}
		p, err := money.ParseUnitPrice(pairs[i+1])
		if err != nil {
			panic(err)
		}
		out = append(out, pricing.Tier{MinQty: q, Price: p})
	}
	return out
}

// MustContract creates a contract with its prices and moves it to
// spec.Status (on 2026-06-01 unless the dates say otherwise).
func MustContract(t testing.TB, st *store.Store, spec ContractSpec) int64 {
	t.Helper()
	ctx := context.Background()
	if spec.Currency == "" {
		spec.Currency = "EUR"
	}
	if spec.Start == "" {
		spec.Start = "2026-01-01"
	}
	if spec.End == "" {
		spec.End = "2026-12-31"
	}
	cur := money.MustCurrency(spec.Currency)
	v := procure.ContractValues{VendorID: spec.VendorID, Number: spec.Number, Title: "Contract " + spec.Number, Currency: cur,
		Start: pricing.MustDate(spec.Start), End: pricing.MustDate(spec.End), PaymentTermsDays: 30, Tolerance: spec.Tolerance,
		RenewalNoticeDays: 60, Locations: spec.Locations}
	if spec.Cap != "" {
		a, err := money.ParseAmount(cur, spec.Cap)
		if err != nil {
			t.Fatal(err)
		}
		v.Cap = &a
	}
	id, err := st.CreateContract(ctx, 0, v)
	if err != nil {
		t.Fatalf("testkit: contract %s: %v", spec.Number, err)
	}
	for _, p := range spec.Prices {
		if _, err := st.AddPriceRow(ctx, 0, id, p); err != nil {
			t.Fatalf("testkit: price %s on %s: %v", p.SKU, spec.Number, err)
		}
	}
	if spec.Status == procure.ContractActive || spec.Status == procure.ContractSuspended {
		if err := st.MoveContract(ctx, 0, id, procure.ContractActive, v.Start); err != nil {
			t.Fatalf("testkit: activate %s: %v", spec.Number, err)
		}
	}
	if spec.Status == procure.ContractSuspended || spec.Status == procure.ContractTerminated {
		if err := st.MoveContract(ctx, 0, id, spec.Status, v.Start); err != nil {
			t.Fatalf("testkit: move %s: %v", spec.Number, err)
		}
	}
	return id
}
