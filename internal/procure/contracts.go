package procure

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
)

// ContractStatus is pricing's lifecycle: draft → active → (suspended ↔
// active) → terminated. "expired" is never stored: an active contract past
// its end date is shown and treated as expired.
type ContractStatus = pricing.ContractStatus

// Contract statuses.
const (
	ContractDraft      = pricing.ContractDraft
	ContractActive     = pricing.ContractActive
	ContractSuspended  = pricing.ContractSuspended
	ContractTerminated = pricing.ContractTerminated
	// ContractExpired is a display status only.
	ContractExpired ContractStatus = "expired"
)

// Contract fixes vendor, prices and terms upfront.
type Contract struct {
	ID                int64
	VendorID          int64
	VendorName        string
	VendorStatus      VendorStatus
	Number            string
	Title             string
	Currency          money.Currency
	Start, End        pricing.Date
	PaymentTermsDays  int
	Cap               *money.Amount // nil = no cap
	Committed         money.Amount
	Tolerance         money.Percent
	RenewalNoticeDays int
	OwnerID           int64
	OwnerName         string
	Terms             string
	Status            ContractStatus
	Locations         []int64 // covered; empty = every location
	LocationNames     []string
	PriceRows         int
	Version           int64
	PredecessorID     int64 // the contract this one renews
	PredecessorNumber string
	SuccessorID       int64 // its renewal, once drafted
	SuccessorNumber   string
}

// DisplayStatus is the status a person sees: expired for an active
// contract whose end date has passed.
func (c Contract) DisplayStatus(today pricing.Date) ContractStatus {
	if c.Status == ContractActive && today > c.End {
		return ContractExpired
	}
	return c.Status
}

// DaysToEnd is the number of days from today to the end date (negative
// once ended).
func (c Contract) DaysToEnd(today pricing.Date) int { return int(c.End - today) }

// RenewalNoticeDate is the last day to give notice before the end date.
func (c Contract) RenewalNoticeDate() pricing.Date { return c.End.AddDays(-c.RenewalNoticeDays) }

// CapUsed is committed spend as a share of the cap; ok=false without a cap.
func (c Contract) CapUsed() (money.Percent, bool) {
	if c.Cap == nil {
		return 0, false
	}
	return money.ShareOf(c.Committed, *c.Cap)
}

// CapLeft is the cap minus committed spend; ok=false without a cap.
func (c Contract) CapLeft() (money.Amount, bool) {
	if c.Cap == nil {
		return money.Amount{}, false
	}
	left, err := c.Cap.Sub(c.Committed)
	return left, err == nil
}

// ContractInput is what the contract form submits, as text where the user
// typed text, so that a form with errors shows exactly what was typed.
type ContractInput struct {
	VendorID          int64
	Number            string
	Title             string
	Currency          string
	Start, End        string
	PaymentTermsDays  string
	Cap               string
	Tolerance         string
	RenewalNoticeDays string
	OwnerID           int64
	Terms             string
	Locations         []int64
	Version           int64
}

// ContractValues is a validated ContractInput.
type ContractValues struct {
	VendorID          int64
	Number            string
	Title             string
	Currency          money.Currency
	Start, End        pricing.Date
	PaymentTermsDays  int
	Cap               *money.Amount
	Tolerance         money.Percent
	RenewalNoticeDays int
	OwnerID           int64
	Terms             string
	Locations         []int64
	Version           int64
}

// Parse validates the form and returns typed values, or field errors.
func (in ContractInput) Parse() (ContractValues, error) {
	fe := FieldErrors{}
	v := ContractValues{VendorID: in.VendorID, Number: in.Number, Title: in.Title, OwnerID: in.OwnerID,
		Terms: in.Terms, Locations: in.Locations, Version: in.Version}
	if in.VendorID <= 0 {
		fe.Add("vendor_id", "Choose the vendor.")
	}
	if !SKUPattern.MatchString(in.Number) {
		fe.Add("number", "Use 1 to 40 letters, digits, dots, dashes or slashes, like C-2026-014.")
	}
	if n := utf8.RuneCountInString(in.Title); n == 0 || n > 200 {
		fe.Add("title", "Enter a title of at most 200 characters.")
	}
	cur, err := money.ParseCurrency(in.Currency)
	if err != nil {
		fe.Add("currency", "Choose an ISO 4217 currency, like EUR.")
	}
	v.Currency = cur
	if v.Start, err = pricing.ParseDate(in.Start); err != nil {
		fe.Add("start", "Enter the start date as YYYY-MM-DD.")
	}
	if v.End, err = pricing.ParseDate(in.End); err != nil {
		fe.Add("end", "Enter the end date as YYYY-MM-DD.")
	}
	if _, ok := fe["start"]; !ok {
		if _, ok := fe["end"]; !ok && v.End < v.Start {
			fe.Add("end", "The end date must not be before the start date.")
		}
	}
	v.PaymentTermsDays = parseDays(fe, "payment_terms_days", in.PaymentTermsDays, 30, 365)
	v.RenewalNoticeDays = parseDays(fe, "renewal_notice_days", in.RenewalNoticeDays, 60, 730)
	if strings.TrimSpace(in.Cap) != "" && !cur.IsZero() {
		capAmt, err := money.ParseAmount(cur, in.Cap)
		switch {
		case err != nil:
			fe.Add("cap", "The cap "+err.Error()+".")
		case capAmt.IsZero():
			fe.Add("cap", "A cap must be more than zero; leave it empty for no cap.")
		default:
			v.Cap = &capAmt
		}
	}
	if in.Tolerance != "" {
		if v.Tolerance, err = money.ParsePercent(in.Tolerance); err != nil {
			fe.Add("tolerance", "The tolerance "+err.Error()+" (a percentage from 0 to 100).")
		}
	}
	if utf8.RuneCountInString(in.Terms) > 20000 {
		fe.Add("terms", "Use at most 20,000 characters.")
	}
	return v, fe.Err()
}

func parseDays(fe FieldErrors, field, s string, def, maxDays int) int {
	if strings.TrimSpace(s) == "" {
		return def
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' || n > 100000 {
			fe.Add(field, fmt.Sprintf("Enter whole days from 0 to %d.", maxDays))
			return def
		}
		n = n*10 + int(r-'0')
	}
	if n > maxDays {
		fe.Add(field, fmt.Sprintf("Enter whole days from 0 to %d.", maxDays))
		return def
	}
	return n
}

// ActivationFacts are what activation depends on besides the status.
type ActivationFacts struct {
	PriceRows    int
	VendorStatus VendorStatus
	Start, End   pricing.Date
	Today        pricing.Date
}

var contractMoves = map[ContractStatus][]ContractStatus{
	ContractDraft:     {ContractActive, ContractTerminated},
	ContractActive:    {ContractSuspended, ContractTerminated},
	ContractSuspended: {ContractActive, ContractTerminated},
}

// CheckContractMove says whether a contract may move from → to. Activation
// (from draft or suspended) also needs price rows, an approved vendor,
// sensible dates and an end date not yet passed; every missing condition
// is listed.
func CheckContractMove(from, to ContractStatus, f ActivationFacts) error {
	if !slices.Contains(contractMoves[from], to) {
		return Errorf(KindConflict, "A %s contract cannot become %s.", from, to)
	}
	if to != ContractActive {
		return nil
	}
	var reasons []string
	if f.PriceRows == 0 {
		reasons = append(reasons, "it has no price rows")
	}
	if f.VendorStatus != VendorApproved {
		reasons = append(reasons, fmt.Sprintf("its vendor is %s, not approved", f.VendorStatus))
	}
	if f.End < f.Start {
		reasons = append(reasons, "its end date is before its start date")
	}
	if f.End < f.Today {
		reasons = append(reasons, fmt.Sprintf("it ended on %s", f.End))
	}
	if len(reasons) > 0 {
		return Errorf(KindInvalid, "The contract cannot be activated: %s.", strings.Join(reasons, "; "))
	}
	return nil
}

// PriceRow is one contract price: an item with tiers and limits.
type PriceRow struct {
	ID         int64
	ContractID int64
	ItemID     int64
	ItemSKU    string
	ItemName   string
	ItemUnit   string
	VendorSKU  string
	Tiers      []pricing.Tier // ascending by MinQty
	MaxQty     money.Quantity // 0 = none
	ValidFrom  *pricing.Date
	ValidTo    *pricing.Date
	Preferred  bool
	Baseline   *money.UnitPrice // what was paid or quoted before the contract
	CreatedAt  time.Time
	CreatedBy  string
}

// PriceInput is a price row as typed: up to MaxTiers (minimum, price) pairs.
type PriceInput struct {
	SKU       string
	VendorSKU string
	MinQty    []string
	Price     []string
	MaxQty    string
	ValidFrom string
	ValidTo   string
	Preferred bool
	Baseline  string // optional: the price before the contract, for the value report
}

// MaxTiers is the number of tier lines a price form offers.
const MaxTiers = 5

// PriceValues is a validated PriceInput (the item is still a SKU).
type PriceValues struct {
	SKU       string
	VendorSKU string
	Tiers     []pricing.Tier
	MaxQty    money.Quantity
	ValidFrom *pricing.Date
	ValidTo   *pricing.Date
	Preferred bool
	Baseline  *money.UnitPrice
}

// Parse validates a price row against its contract's dates: at least one
// tier, minimums strictly increasing, prices positive with at most four
// decimals, the maximum not below the minimum order quantity, and the
// validity window inside the contract.
func (in PriceInput) Parse(c Contract) (PriceValues, error) {
	fe := FieldErrors{}
	if !SKUPattern.MatchString(strings.TrimSpace(in.SKU)) {
		fe.Add("sku", "Enter our item SKU.")
	}
	return in.parse(c, fe)
}

// ParseAmendment validates the new terms of an amended price row, whose
// item is the row's own (no SKU is typed).
func (in PriceInput) ParseAmendment(c Contract) (PriceValues, error) {
	return in.parse(c, FieldErrors{})
}

func (in PriceInput) parse(c Contract, fe FieldErrors) (PriceValues, error) {
	v := PriceValues{SKU: strings.TrimSpace(in.SKU), VendorSKU: strings.TrimSpace(in.VendorSKU), Preferred: in.Preferred}
	if utf8.RuneCountInString(v.VendorSKU) > 60 {
		fe.Add("vendor_sku", "Use at most 60 characters.")
	}
	for i := 0; i < len(in.MinQty) || i < len(in.Price); i++ {
		minS, priceS := at(in.MinQty, i), at(in.Price, i)
		if minS == "" && priceS == "" {
			continue
		}
		field := fmt.Sprintf("tier%d", i+1)
		q, err := money.ParseQuantity(minS)
		if err != nil {
			fe.Add(field, fmt.Sprintf("Tier %d: the minimum quantity %s.", i+1, err))
			continue
		}
		if q == 0 {
			fe.Add(field, fmt.Sprintf("Tier %d: the minimum quantity must be more than zero.", i+1))
			continue
		}
		p, err := money.ParseUnitPrice(priceS)
		if err != nil {
			fe.Add(field, fmt.Sprintf("Tier %d: the unit price %s.", i+1, err))
			continue
		}
		if p == 0 {
			fe.Add(field, fmt.Sprintf("Tier %d: the unit price must be more than zero.", i+1))
			continue
		}
		if n := len(v.Tiers); n > 0 && q <= v.Tiers[n-1].MinQty {
			fe.Add(field, fmt.Sprintf("Tier %d: minimum quantities must increase from tier to tier (%s is not above %s).", i+1, q, v.Tiers[n-1].MinQty))
			continue
		}
		v.Tiers = append(v.Tiers, pricing.Tier{MinQty: q, Price: p})
	}
	if len(v.Tiers) == 0 && len(fe) == 0 {
		fe.Add("tier1", "Enter at least one tier: a minimum quantity and its unit price.")
	}
	if s := strings.TrimSpace(in.MaxQty); s != "" {
		q, err := money.ParseQuantity(s)
		switch {
		case err != nil:
			fe.Add("max_qty", "The maximum "+err.Error()+".")
		case q == 0:
			fe.Add("max_qty", "The maximum must be more than zero; leave it empty for none.")
		case len(v.Tiers) > 0 && q < v.Tiers[0].MinQty:
			fe.Add("max_qty", fmt.Sprintf("The maximum %s is below the minimum order quantity %s.", q, v.Tiers[0].MinQty))
		default:
			v.MaxQty = q
		}
	}
	if s := strings.TrimSpace(in.Baseline); s != "" {
		b, err := money.ParseUnitPrice(s)
		if err != nil {
			fe.Add("baseline", "The baseline price "+err.Error()+".")
		} else {
			v.Baseline = &b
		}
	}
	v.ValidFrom = optionalDate(fe, "valid_from", in.ValidFrom)
	v.ValidTo = optionalDate(fe, "valid_to", in.ValidTo)
	if v.ValidFrom != nil && (*v.ValidFrom < c.Start || *v.ValidFrom > c.End) {
		fe.Add("valid_from", fmt.Sprintf("Valid from must lie within the contract (%s to %s).", c.Start, c.End))
	}
	if v.ValidTo != nil && (*v.ValidTo < c.Start || *v.ValidTo > c.End) {
		fe.Add("valid_to", fmt.Sprintf("Valid to must lie within the contract (%s to %s).", c.Start, c.End))
	}
	if v.ValidFrom != nil && v.ValidTo != nil && *v.ValidTo < *v.ValidFrom {
		fe.Add("valid_to", "Valid to must not be before valid from.")
	}
	return v, fe.Err()
}

func at(s []string, i int) string {
	if i < len(s) {
		return strings.TrimSpace(s[i])
	}
	return ""
}

func optionalDate(fe FieldErrors, field, s string) *pricing.Date {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	d, err := pricing.ParseDate(strings.TrimSpace(s))
	if err != nil {
		fe.Add(field, "Enter the date as YYYY-MM-DD.")
		return nil
	}
	return &d
}
