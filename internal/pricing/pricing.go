// Package pricing decides which contract price an order line gets, and why.
//
// It is pure: no database, no HTTP, no clock, no randomness. Callers pass in
// everything a decision needs (including the date), so the same input always
// gives the same Result, whatever the order of the candidates.
//
// The rules (DESIGN.md, "Pricing resolution"):
//  1. A candidate is eligible when its contract is active on the date (start
//     and end inclusive), covers the location (no locations listed = all),
//     is in the location's currency, its vendor is approved, its price row is
//     valid on the date, the quantity reaches the lowest tier's minimum (the
//     minimum order quantity) and does not pass the row's maximum, and the
//     line total fits in the contract's remaining cap.
//  2. Tiers are all-units: the whole line gets the price of the tier with the
//     highest minimum at or below the quantity.
//  3. Among eligible candidates: preferred first, then the lowest unit price,
//     then the contract number ascending (then the price row id).
//  4. Every other candidate carries a typed Code and a sentence with its
//     numbers (Option.Reason).
//  5. When a larger quantity at a higher tier costs no more in total, the
//     Result carries a Hint with the smallest such quantity.
//
// Line totals are money.LineTotal: price × quantity rounded once, half away
// from zero, to the currency's minor unit. It imports money and the standard
// library only.
package pricing

import "github.com/procure-app/procure/internal/money"

// ContractStatus is where a contract is in its lifecycle. Only active
// contracts resolve; "expired" is derived (active past its end date).
type ContractStatus string

// Contract statuses.
const (
	ContractDraft      ContractStatus = "draft"
	ContractActive     ContractStatus = "active"
	ContractSuspended  ContractStatus = "suspended"
	ContractTerminated ContractStatus = "terminated"
)

// VendorStatus says whether a vendor may be bought from.
type VendorStatus string

// Vendor statuses. Only approved vendors resolve.
const (
	VendorApproved VendorStatus = "approved"
	VendorPending  VendorStatus = "pending"
	VendorBlocked  VendorStatus = "blocked"
)

// Tier is one step of an all-units price ladder: from MinQty upwards, every
// unit on the line costs Price.
type Tier struct {
	MinQty money.Quantity
	Price  money.UnitPrice
}

// Candidate is one contract price row for the line's item, with the facts of
// its contract and vendor that a decision needs.
type Candidate struct {
	ContractID     int64
	ContractNumber string
	ContractStatus ContractStatus
	Start, End     Date    // inclusive
	Locations      []int64 // covered locations; empty means every location
	Currency       money.Currency
	HasCap         bool
	CapLeft        money.Amount // cap minus committed spend, in Currency; when HasCap

	VendorID     int64
	VendorName   string
	VendorStatus VendorStatus

	PriceID            int64
	VendorSKU          string
	Tiers              []Tier         // at least one; need not be sorted
	MaxQty             money.Quantity // largest quantity per order line; 0 = none
	ValidFrom, ValidTo Date           // inclusive; callers fill the contract's dates when the row has no window
	Preferred          bool
}

// Line is what is being resolved: an item, a quantity, where and when.
type Line struct {
	ItemID       int64
	Qty          money.Quantity
	LocationID   int64
	LocationName string
	Currency     money.Currency // the location's currency
	Date         Date
}

// TierFor returns the tier that prices the whole line: the one with the
// highest MinQty at or below qty. ok is false when qty is below every tier,
// i.e. below the minimum order quantity.
func TierFor(tiers []Tier, qty money.Quantity) (t Tier, ok bool) {
	for _, tier := range tiers {
		if tier.MinQty <= qty && (!ok || tier.MinQty > t.MinQty) {
			t, ok = tier, true
		}
	}
	return t, ok
}

// MinOrderQty is the lowest tier minimum.
func MinOrderQty(tiers []Tier) money.Quantity {
	var moq money.Quantity
	for i, tier := range tiers {
		if i == 0 || tier.MinQty < moq {
			moq = tier.MinQty
		}
	}
	return moq
}
