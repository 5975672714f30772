package pricing

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/procure-app/procure/internal/money"
)

// OrderLine is one line of an order with its candidate prices.
type OrderLine struct {
	Line       Line
	Candidates []Candidate
}

// Order is a whole order resolved: one Result per line (same order as the
// input), on-contract lines grouped by vendor (one PO each), and the
// off-contract lines.
type Order struct {
	Results     []Result
	Groups      []VendorGroup // by vendor id ascending
	OffContract []int         // indexes into Results
}

// VendorGroup is the on-contract lines that go to one vendor.
type VendorGroup struct {
	VendorID   int64
	VendorName string
	Lines      []int // indexes into Results, ascending
	Total      money.Amount
}

// ResolveOrder resolves lines in order. Cap spent by an earlier line on a
// contract is no longer available to later lines of the same order, so two
// lines can never together pass a cap that each would fit alone; a line
// that no longer fits falls to the next eligible candidate or off-contract.
func ResolveOrder(lines []OrderLine) (Order, error) {
	ord := Order{Results: make([]Result, len(lines))}
	var ledger []capUse
	for i, ol := range lines {
		r := resolve(ol.Line, ol.Candidates, ledger)
		ord.Results[i] = r
		w, ok := r.Winner()
		if !ok {
			ord.OffContract = append(ord.OffContract, i)
			continue
		}
		var err error
		c := r.Cand(w)
		if c.HasCap {
			if ledger, err = spend(ledger, c.ContractID, w.Total); err != nil {
				return Order{}, err
			}
		}
		if ord.Groups, err = addToGroup(ord.Groups, c, w.Total, i); err != nil {
			return Order{}, err
		}
	}
	slices.SortFunc(ord.Groups, func(a, b VendorGroup) int { return cmp.Compare(a.VendorID, b.VendorID) })
	return ord, nil
}

func spend(ledger []capUse, contractID int64, amt money.Amount) ([]capUse, error) {
	for i := range ledger {
		if ledger[i].contractID == contractID {
			sum, err := ledger[i].used.Add(amt)
			if err != nil {
				return nil, fmt.Errorf("pricing: cap use on contract %d: %w", contractID, err)
			}
			ledger[i].used = sum
			return ledger, nil
		}
	}
	return append(ledger, capUse{contractID: contractID, used: amt}), nil
}

func addToGroup(groups []VendorGroup, c *Candidate, total money.Amount, line int) ([]VendorGroup, error) {
	for i := range groups {
		if groups[i].VendorID == c.VendorID {
			sum, err := groups[i].Total.Add(total)
			if err != nil {
				return nil, fmt.Errorf("pricing: order total for vendor %s: %w", c.VendorName, err)
			}
			groups[i].Total = sum
			groups[i].Lines = append(groups[i].Lines, line)
			return groups, nil
		}
	}
	return append(groups, VendorGroup{
		VendorID: c.VendorID, VendorName: c.VendorName, Lines: []int{line}, Total: total,
	}), nil
}
