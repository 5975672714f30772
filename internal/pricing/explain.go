package pricing

import (
	"fmt"

	"github.com/procure-app/procure/internal/money"
)

// Reason is the sentence a person reads for o: why it won, or why it lost,
// with the numbers. It is built on demand so that Resolve stays free of
// string work.
func (r Result) Reason(o Option) string {
	l, c := r.Line, r.Cand(o)
	switch o.Code {
	case Chosen:
		return fmt.Sprintf("chosen: %s, %s", o.tierText(l), chosenWhy(c))
	case NotActive:
		return fmt.Sprintf("contract %s is %s", c.ContractNumber, c.ContractStatus)
	case NotStarted:
		return fmt.Sprintf("contract %s starts on %s", c.ContractNumber, c.Start)
	case Ended:
		return fmt.Sprintf("contract %s ended on %s", c.ContractNumber, c.End)
	case LocationNotCovered:
		return fmt.Sprintf("contract %s does not cover %s", c.ContractNumber, locationName(l))
	case CurrencyMismatch:
		return fmt.Sprintf("contract %s is in %s, %s orders in %s", c.ContractNumber, c.Currency, locationName(l), l.Currency)
	case VendorNotApproved:
		return fmt.Sprintf("vendor %s is %s, not approved", c.VendorName, c.VendorStatus)
	case PriceNotYetValid:
		return fmt.Sprintf("this price on %s is valid from %s", c.ContractNumber, c.ValidFrom)
	case PriceExpired:
		return fmt.Sprintf("this price on %s was valid until %s", c.ContractNumber, c.ValidTo)
	case BelowMinimum:
		return fmt.Sprintf("below minimum order quantity %s", MinOrderQty(c.Tiers))
	case AboveMaximum:
		return fmt.Sprintf("above the maximum of %s per order line", c.MaxQty)
	case TooLarge:
		return "the line total is too large to compute; order less"
	case CapExceeded:
		return fmt.Sprintf("cap left %s, line needs %s", o.CapLeft.Display(), o.Total.Display())
	case Outranked:
		w := r.Options[0] // an outranked option implies a winner, sorted first
		return outrankedWhy(l, o, c, w, r.Cand(w))
	}
	return o.Code.String()
}

func (o Option) tierText(l Line) string {
	return fmt.Sprintf("%s at %s (tier from %s) = %s", l.Qty, o.Tier.Price.Display(l.Currency), o.Tier.MinQty, o.Total.Display())
}

func chosenWhy(c *Candidate) string {
	if c.Preferred {
		return "preferred contract " + c.ContractNumber
	}
	return "best price on contract " + c.ContractNumber
}

func outrankedWhy(l Line, o Option, c *Candidate, win Option, w *Candidate) string {
	price := o.Tier.Price.Display(l.Currency)
	switch {
	case w.Preferred && !c.Preferred:
		return fmt.Sprintf("%s on %s, but %s is preferred", price, c.ContractNumber, w.ContractNumber)
	case win.Tier.Price < o.Tier.Price:
		return fmt.Sprintf("%s on %s is more than %s on %s", price, c.ContractNumber, win.Tier.Price.Display(l.Currency), w.ContractNumber)
	case w.ContractNumber == c.ContractNumber:
		return fmt.Sprintf("%s, the same price as another row of %s", price, w.ContractNumber)
	}
	return fmt.Sprintf("%s, the same price as %s, which comes first by contract number", price, w.ContractNumber)
}

func locationName(l Line) string {
	if l.LocationName != "" {
		return l.LocationName
	}
	return fmt.Sprintf("location %d", l.LocationID)
}

// String is the advice shown with the line: "order 100 for 450.00 EUR
// instead of 95 for 475.00 EUR".
func (h Hint) String(l Line, current money.Amount) string {
	return fmt.Sprintf("order %s for %s instead of %s for %s", h.Qty, h.Total.Display(), l.Qty, current.Display())
}

// Explain is the whole decision in sentences: the winner (or "off-contract")
// and every other candidate with its reason.
func (r Result) Explain() []string {
	out := make([]string, 0, len(r.Options)+1)
	if _, ok := r.Winner(); !ok {
		out = append(out, "off-contract: no contract price is eligible for this line")
	}
	for _, o := range r.Options {
		out = append(out, r.Reason(o))
	}
	return out
}
