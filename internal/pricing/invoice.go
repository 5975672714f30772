package pricing

import (
	"fmt"

	"github.com/procure-app/procure/internal/money"
)

// InvoiceLine is what an invoice line is checked against: the contract price
// its PO line resolved to (not merely the PO), the contract's tolerance and
// dates, and what the vendor billed.
type InvoiceLine struct {
	ContractNumber string
	ContractPrice  money.UnitPrice
	Tolerance      money.Percent
	Start, End     Date // contract validity, inclusive
	Currency       money.Currency

	InvoicePrice money.UnitPrice
	Qty          money.Quantity
	InvoiceDate  Date
}

// PriceCheck is the outcome of checking one invoice line's price and date.
type PriceCheck struct {
	UnitVariance    money.UnitPrice // invoice price − contract price; negative = under
	TotalVariance   money.Amount    // invoiced line total − contract line total (each rounded once)
	WithinTolerance bool            // |unit variance| ≤ contract price × tolerance
	DateOutside     bool            // the invoice date is outside the contract's validity
}

// Matched reports whether the line passes: price within tolerance and date
// inside the contract.
func (c PriceCheck) Matched() bool { return c.WithinTolerance && !c.DateOutside }

// Over reports whether the vendor billed more than the contract price.
func (c PriceCheck) Over() bool { return c.UnitVariance > 0 }

// CheckInvoiceLine compares an invoice line with the contract price its PO
// line resolved to. The variance is exact; the only error is overflow.
func CheckInvoiceLine(in InvoiceLine) (PriceCheck, error) {
	invoiced, err := money.LineTotal(in.InvoicePrice, in.Qty, in.Currency)
	if err != nil {
		return PriceCheck{}, fmt.Errorf("pricing: invoiced total: %w", err)
	}
	contracted, err := money.LineTotal(in.ContractPrice, in.Qty, in.Currency)
	if err != nil {
		return PriceCheck{}, fmt.Errorf("pricing: contract total: %w", err)
	}
	total, err := invoiced.Sub(contracted)
	if err != nil {
		return PriceCheck{}, fmt.Errorf("pricing: variance: %w", err)
	}
	return PriceCheck{
		UnitVariance:    in.InvoicePrice - in.ContractPrice,
		TotalVariance:   total,
		WithinTolerance: money.WithinTolerance(in.ContractPrice, in.InvoicePrice, in.Tolerance),
		DateOutside:     in.InvoiceDate < in.Start || in.InvoiceDate > in.End,
	}, nil
}

// Describe is the check in a sentence: "matched", or what is wrong with the
// numbers.
func (c PriceCheck) Describe(in InvoiceLine) string {
	var msg string
	switch {
	case c.UnitVariance == 0:
		msg = "price matches the contract"
	case c.WithinTolerance:
		msg = fmt.Sprintf("price %s vs contract %s, within the %s%% tolerance", in.InvoicePrice.Display(in.Currency),
			in.ContractPrice.Display(in.Currency), in.Tolerance)
	default:
		dir := "over"
		if !c.Over() {
			dir = "under"
		}
		msg = fmt.Sprintf("billed %s per unit %s contract %s (%s in total), beyond the %s%% tolerance",
			absPrice(c.UnitVariance).Display(in.Currency), dir, in.ContractPrice.Display(in.Currency),
			c.TotalVariance.Display(), in.Tolerance)
	}
	if c.DateOutside {
		msg += fmt.Sprintf("; invoice date %s is outside contract %s (%s to %s)", in.InvoiceDate, in.ContractNumber, in.Start, in.End)
	}
	return msg
}

func absPrice(p money.UnitPrice) money.UnitPrice {
	if p < 0 {
		return -p
	}
	return p
}
