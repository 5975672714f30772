package procure

import (
	"fmt"
	"math/bits"
	"time"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
)

// Period presets of the report filters.
const (
	PeriodThisMonth   = "this_month"
	PeriodLastMonth   = "last_month"
	PeriodThisQuarter = "this_quarter"
	PeriodLastQuarter = "last_quarter"
	PeriodThisYear    = "this_year"
	PeriodLastYear    = "last_year"
	PeriodCustom      = "custom"
)

// PeriodPresets lists the presets in the order the filter shows them.
var PeriodPresets = []string{PeriodThisMonth, PeriodLastMonth, PeriodThisQuarter, PeriodLastQuarter, PeriodThisYear, PeriodLastYear, PeriodCustom}

// MaxPeriodDays bounds a custom period (ten years).
const MaxPeriodDays = 3660

// Period is a range of calendar days, both ends included.
type Period struct {
	Preset   string
	From, To pricing.Date
}

// Bounds is the period as instants: from its first day's midnight to the
// midnight after its last day, in tz.
func (p Period) Bounds(tz *time.Location) (time.Time, time.Time) {
	f, t := p.From.Time(), p.To.AddDays(1).Time()
	return time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, tz), time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, tz)
}

// Days is the number of days in the period.
func (p Period) Days() int { return int(p.To-p.From) + 1 }

// String is "2026-10-01 – 2026-12-31".
func (p Period) String() string { return p.From.String() + " – " + p.To.String() }

// Months lists the first day of every month the period touches.
func (p Period) Months() []pricing.Date {
	var out []pricing.Date
	t := p.From.Time()
	m := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	for pricing.DateOf(m) <= p.To {
		out = append(out, pricing.DateOf(m))
		m = m.AddDate(0, 1, 0)
	}
	return out
}

// ParsePeriod resolves a preset (default this quarter) or a custom range
// against today. Errors are keyed by field: period, from, to.
func ParsePeriod(preset, from, to string, today pricing.Date) (Period, error) {
	t := today.Time()
	y, m := t.Year(), t.Month()
	first := func(y int, m time.Month) pricing.Date { return pricing.DateFromYMD(y, m, 1) }
	qStart := time.Month((int(m)-1)/3*3 + 1)
	p := Period{Preset: preset}
	switch preset {
	case "", PeriodThisQuarter:
		p.Preset = PeriodThisQuarter
		p.From, p.To = first(y, qStart), first(y, qStart+3)-1
	case PeriodThisMonth:
		p.From, p.To = first(y, m), first(y, m+1)-1
	case PeriodLastMonth:
		p.From, p.To = first(y, m-1), first(y, m)-1
	case PeriodLastQuarter:
		p.From, p.To = first(y, qStart-3), first(y, qStart)-1
	case PeriodThisYear:
		p.From, p.To = first(y, 1), first(y+1, 1)-1
	case PeriodLastYear:
		p.From, p.To = first(y-1, 1), first(y, 1)-1
	case PeriodCustom:
		fe := FieldErrors{}
		var err error
		if p.From, err = pricing.ParseDate(from); err != nil {
			fe.Add("from", "Enter the first day as YYYY-MM-DD.")
		}
		if p.To, err = pricing.ParseDate(to); err != nil {
			fe.Add("to", "Enter the last day as YYYY-MM-DD.")
		}
		if len(fe) == 0 && p.To < p.From {
			fe.Add("to", "The last day must not be before the first.")
		}
		if len(fe) == 0 && p.Days() > MaxPeriodDays {
			fe.Add("to", fmt.Sprintf("Choose at most %d days.", MaxPeriodDays))
		}
		if err := fe.Err(); err != nil {
			return Period{}, err
		}
	default:
		return Period{}, &Error{Kind: KindInvalid, Message: "Choose a period from the list.", Fields: map[string]string{"period": "Choose a period from the list."}}
	}
	return p, nil
}

// ReportFilter narrows a report: its period and, optionally, one vendor,
// one location and one category; By chooses the grouping where a report
// offers several.
type ReportFilter struct {
	Period     Period
	VendorID   int64
	LocationID int64
	Category   string
	By         string
	Today      pricing.Date
}

// Report groupings.
const (
	ByVendor   = "vendor"
	ByLocation = "location"
	ByItem     = "item"
	ByCategory = "category"
)

// PriceVarianceRow is invoiced against contract prices for one group (or,
// with Total set, for one currency over every group).
type PriceVarianceRow struct {
	Total       bool
	Key         int64 // vendor, location or item id; 0 for lines with no item
	Label       string
	Currency    money.Currency
	Lines       int64
	Invoiced    money.Amount
	Overbilled  money.Amount // sum of positive line variances
	Underbilled money.Amount // sum of negative line variances, as a positive amount
	Beyond      int64        // lines beyond the contract's tolerance
}

// Net is overbilled minus underbilled.
func (r PriceVarianceRow) Net() money.Amount {
	n, err := r.Overbilled.Sub(r.Underbilled)
	if err != nil {
		return money.Zero(r.Currency)
	}
	return n
}

// ComplianceRow is ordered spend on and off contract for a group, a month
// or (Total) a whole currency.
type ComplianceRow struct {
	Total    bool
	Month    pricing.Date // first of the month for trend rows, else 0
	Key      int64
	Label    string
	Currency money.Currency
	On, Off  money.Amount
}

// Spend is on plus off contract.
func (r ComplianceRow) Spend() money.Amount {
	s, err := r.On.Add(r.Off)
	if err != nil {
		return money.Zero(r.Currency)
	}
	return s
}

// Rate is the share of spend on contract (ok=false with no spend).
func (r ComplianceRow) Rate() (money.Percent, bool) { return money.ShareOf(r.On, r.Spend()) }

// OffContractItem is one of the top off-contract purchases.
type OffContractItem struct {
	Description string
	Currency    money.Currency
	Lines       int64
	Spend       money.Amount
}

// DriftLocation is what one location paid for an item in the period.
type DriftLocation struct {
	LocationID      int64
	Location        string
	Lowest, Highest money.UnitPrice
	Qty             money.Quantity
	Lines           int64
	Cost            money.Amount // paid above the item's lowest price anywhere
}

// DriftRow is one item's price drift across locations.
type DriftRow struct {
	ItemID          int64
	SKU, Name       string
	Currency        money.Currency
	Lowest, Highest money.UnitPrice
	Qty             money.Quantity
	Cost            money.Amount
	Locations       []DriftLocation
}

// DriftSummary is the whole drift report in figures: how many items
// drifted and what it cost per currency.
type DriftSummary struct {
	Items int64
	Costs []money.Amount
}

// Spread is highest minus lowest price paid.
func (r DriftRow) Spread() money.UnitPrice { return r.Highest - r.Lowest }

// UtilisationRow is a contract's spend against its cap.
type UtilisationRow struct {
	ContractID     int64
	Number, Title  string
	Vendor         string
	Currency       money.Currency
	Status         string
	Start, End     pricing.Date
	NoticeDays     int
	Cap            *money.Amount
	Committed      money.Amount
	Invoiced       money.Amount
	PeriodSpend    money.Amount  // committed in the period (the burn)
	Exhaustion     *pricing.Date // at the period's burn rate; nil when not capped or no burn
	ExhaustionPast bool          // already at or beyond the cap
}

// Used is committed as a share of the cap.
func (r UtilisationRow) Used() (money.Percent, bool) {
	if r.Cap == nil {
		return 0, false
	}
	return money.ShareOf(r.Committed, *r.Cap)
}

// NoticeDate is the last day to give renewal notice.
func (r UtilisationRow) NoticeDate() pricing.Date { return r.End.AddDays(-r.NoticeDays) }

// CycleRow is PO cycle time (submit → issue) for a group: a location or a
// month (Month set), on or off contract, or every PO of the period (Total).
type CycleRow struct {
	Total       bool
	Month       pricing.Date
	Key         int64
	Label       string
	OffContract bool
	POs         int64
	Median, P90 time.Duration
}

// ProjectExhaustion is when a capped contract's remaining cap runs out if
// spending goes on at the period's rate: spend committed in the period over
// the period's days so far (up to today). past reports a cap already used
// up; a nil date means no cap, no spend in the period, or beyond 100 years.
func ProjectExhaustion(capAmt *money.Amount, committed, periodSpend money.Amount, p Period, today pricing.Date) (at *pricing.Date, past bool) {
	if capAmt == nil {
		return nil, false
	}
	remaining, err := capAmt.Sub(committed)
	if err != nil {
		return nil, false
	}
	if remaining.Sign() <= 0 {
		return nil, true
	}
	last := min(p.To, today)
	elapsed := int64(last-p.From) + 1
	if elapsed <= 0 || periodSpend.Sign() <= 0 {
		return nil, false
	}
	// days = ceil(remaining × elapsed / spend), in 128 bits.
	hi, lo := bits.Mul64(uint64(remaining.Minor()), uint64(elapsed))
	spend := uint64(periodSpend.Minor())
	if hi >= spend {
		return nil, false
	}
	days, rem := bits.Div64(hi, lo, spend)
	if rem > 0 {
		days++
	}
	if days > 36_600 {
		return nil, false
	}
	d := today.AddDays(int(days))
	return &d, false
}

// InvoiceLineFilter selects the invoice lines behind a report figure.
type InvoiceLineFilter struct {
	ReportFilter
	ItemID     int64
	ContractID int64
	Only       string // "", "variance" (price differs), "beyond" (beyond tolerance), "exception"
	Before     int64
	Limit      int
}

// InvoiceLineOnlyValues lists the Only choices.
var InvoiceLineOnlyValues = []string{"", "variance", "beyond", "exception"}

// ReportInvoiceLine is one invoice line in a drill-down.
type ReportInvoiceLine struct {
	InvoiceLine
	InvoiceID     int64
	InvoiceNumber string
	InvoiceStatus InvoiceStatus
	Date          pricing.Date
	Currency      money.Currency
	Vendor        string
	Location      string
}

// ValueRow is what procurement delivered for a group (contract, category,
// month) or, with Total, for a whole currency: spend on and off contract
// and the savings against baseline prices, (baseline − contract price) ×
// quantity ordered, over the lines whose price row has a baseline.
type ValueRow struct {
	Total        bool
	Month        pricing.Date
	ContractID   int64
	Label        string // contract number and title, or category
	Group        string // "contract", "category", "month" or "total"
	Currency     money.Currency
	On, Off      money.Amount
	Savings      money.Amount
	BaselineBase money.Amount // spend on the lines that have a baseline
}

// Compliance is the share of spend on contract.
func (r ValueRow) Compliance() (money.Percent, bool) {
	s, err := r.On.Add(r.Off)
	if err != nil {
		return 0, false
	}
	return money.ShareOf(r.On, s)
}

// SavingsRate is savings as a share of what the same lines would have cost
// at baseline prices.
func (r ValueRow) SavingsRate() (money.Percent, bool) {
	at, err := r.BaselineBase.Add(r.Savings)
	if err != nil {
		return 0, false
	}
	return money.ShareOf(r.Savings, at)
}
