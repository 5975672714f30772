package pricing

import (
	"cmp"
	"slices"

	"github.com/procure-app/procure/internal/money"
)

// Code says why a candidate won or lost. Programs branch on it; people read
// Option.Reason.
type Code uint8

// Codes, in the order the checks run: a candidate gets the first that fails.
const (
	Chosen             Code = iota // the winner
	NotActive                      // contract is draft, suspended or terminated
	NotStarted                     // the date is before the contract's start
	Ended                          // the date is after the contract's end (expired)
	LocationNotCovered             // the contract lists locations, not this one
	CurrencyMismatch               // contract currency differs from the location's
	VendorNotApproved              // vendor is pending or blocked
	PriceNotYetValid               // the price row starts later
	PriceExpired                   // the price row has ended
	BelowMinimum                   // quantity below the lowest tier
	AboveMaximum                   // quantity above the row's maximum per line
	TooLarge                       // the line total does not fit (overflow)
	CapExceeded                    // the line total does not fit in the cap left
	Outranked                      // eligible, but another candidate ranks first
)

var codeNames = [...]string{"chosen", "not_active", "not_started", "ended", "location_not_covered",
	"currency_mismatch", "vendor_not_approved", "price_not_yet_valid", "price_expired",
	"below_minimum", "above_maximum", "too_large", "cap_exceeded", "outranked"}

// String is the stable machine name, e.g. "cap_exceeded".
func (c Code) String() string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return "unknown"
}

// Eligible reports whether a candidate with this code could have been chosen.
func (c Code) Eligible() bool { return c == Chosen || c == Outranked }

// Option is one candidate as the resolution saw it. It holds no pointers
// (candidates are referred to by index into Result.Cands), so a Result's
// options are one flat allocation the garbage collector never scans.
type Option struct {
	Cand    int32 // index into Result.Cands
	Code    Code
	Tier    Tier         // the tier that priced the line; zero when not priced
	Total   money.Amount // line total at Tier; zero when not priced
	CapLeft money.Amount // the cap left when checked (after earlier lines of the same order)
}

// Hint says that ordering more costs no more: Qty at Total instead of the
// line's quantity at the current total.
type Hint struct {
	Qty   money.Quantity
	Total money.Amount
	Cand  int32 // index into Result.Cands of who would price it
}

// Result is the decision for one line. Options holds every candidate: the
// winner first (if any), then the other eligible ones best first, then the
// rejected ones by contract number.
type Result struct {
	Line    Line
	Cands   []Candidate // the slice given to Resolve, not copied
	Options []Option
}

// Cand is the candidate behind o.
func (r Result) Cand(o Option) *Candidate { return &r.Cands[o.Cand] }

// Winner returns the chosen option, or ok=false when the line is
// off-contract.
func (r Result) Winner() (Option, bool) {
	if len(r.Options) > 0 && r.Options[0].Code == Chosen {
		return r.Options[0], true
	}
	return Option{}, false
}

// Resolve decides the price of one line among cands. It never modifies
// cands; the Result points into it.
func Resolve(l Line, cands []Candidate) Result {
	return resolve(l, cands, nil)
}

// capUse is cap already consumed on a contract by earlier lines of the same
// order.
type capUse struct {
	contractID int64
	used       money.Amount
}

func usedOn(ledger []capUse, contractID int64) (money.Amount, bool) {
	for _, u := range ledger {
		if u.contractID == contractID {
			return u.used, true
		}
	}
	return money.Amount{}, false
}

func resolve(l Line, cands []Candidate, ledger []capUse) Result {
	opts := make([]Option, 0, len(cands)) // the Result's one allocation
	best := -1
	for i := range cands {
		opts = append(opts, Option{Cand: int32(i)})
		o := &opts[i]
		c := &cands[i]
		o.Code = staticCheck(&l, c)
		if o.Code != Chosen {
			continue
		}
		o.CapLeft = capLeft(c, ledger)
		o.Code, o.Tier, o.Total = qtyCheck(&l, c, o.CapLeft, l.Qty)
		if o.Code != Chosen {
			continue
		}
		if best < 0 || rank(c, o.Tier, &cands[best], opts[best].Tier) < 0 {
			best = i
		}
	}
	for i := range opts {
		if i != best && opts[i].Code == Chosen {
			opts[i].Code = Outranked // by the winner, which sorts first
		}
	}
	sortOptions(opts, cands)
	return Result{Line: l, Cands: cands, Options: opts}
}

// staticCheck runs the checks that do not depend on the quantity.
func staticCheck(l *Line, c *Candidate) Code {
	switch {
	case c.ContractStatus != ContractActive:
		return NotActive
	case l.Date < c.Start:
		return NotStarted
	case l.Date > c.End:
		return Ended
	case len(c.Locations) > 0 && !slices.Contains(c.Locations, l.LocationID):
		return LocationNotCovered
	case c.Currency != l.Currency:
		return CurrencyMismatch
	case c.VendorStatus != VendorApproved:
		return VendorNotApproved
	case l.Date < c.ValidFrom:
		return PriceNotYetValid
	case l.Date > c.ValidTo:
		return PriceExpired
	}
	return Chosen
}

func capLeft(c *Candidate, ledger []capUse) money.Amount {
	if !c.HasCap {
		return money.Amount{}
	}
	left := c.CapLeft
	if used, ok := usedOn(ledger, c.ContractID); ok {
		if l, err := left.Sub(used); err == nil {
			left = l
		}
	}
	return left
}

// qtyCheck runs the checks that depend on the quantity and prices the line.
func qtyCheck(l *Line, c *Candidate, left money.Amount, qty money.Quantity) (Code, Tier, money.Amount) {
	tier, ok := TierFor(c.Tiers, qty)
	if !ok {
		return BelowMinimum, Tier{}, money.Amount{}
	}
	if c.MaxQty > 0 && qty > c.MaxQty {
		return AboveMaximum, Tier{}, money.Amount{}
	}
	total, err := money.LineTotal(tier.Price, qty, l.Currency)
	if err != nil {
		return TooLarge, Tier{}, money.Amount{}
	}
	if c.HasCap && total.Cmp(left) > 0 {
		return CapExceeded, tier, total
	}
	return Chosen, tier, total
}

// rank orders eligible candidates a (priced at at) and b (at bt): preferred,
// then the lower unit price, then the contract number, then the price row
// id, so the order of the candidates never matters.
func rank(a *Candidate, at Tier, b *Candidate, bt Tier) int {
	if a.Preferred != b.Preferred {
		if a.Preferred {
			return -1
		}
		return 1
	}
	return cmp.Or(
		cmp.Compare(at.Price, bt.Price),
		cmp.Compare(a.ContractNumber, b.ContractNumber),
		cmp.Compare(a.PriceID, b.PriceID),
	)
}

// sortOptions puts the winner first, other eligible options best first, then
// the rejected ones by contract number and price row. It insertion-sorts a
// small index array and then applies the permutation in place, so each
// option moves about once and nothing is allocated.
func sortOptions(opts []Option, cands []Candidate) {
	if len(opts) > 255 {
		slices.SortFunc(opts, func(a, b Option) int {
			if optionLess(&a, &b, cands) {
				return -1
			}
			if optionLess(&b, &a, cands) {
				return 1
			}
			return 0
		})
		return
	}
	var ibuf [32]uint8
	idx := ibuf[:0]
	for i := range opts {
		idx = append(idx, uint8(i))
	}
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && optionLess(&opts[idx[j]], &opts[idx[j-1]], cands); j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	// Position i must receive opts[idx[i]]: follow each cycle once.
	for start := range idx {
		if idx[start] == uint8(start) {
			continue
		}
		tmp := opts[start]
		i := start
		for {
			src := int(idx[i])
			idx[i] = uint8(i)
			if src == start {
				opts[i] = tmp
				break
			}
			opts[i] = opts[src]
			i = src
		}
	}
}

func optionLess(a, b *Option, cands []Candidate) bool {
	ga, gb := optionGroup(a.Code), optionGroup(b.Code)
	if ga != gb {
		return ga < gb
	}
	ca, cb := &cands[a.Cand], &cands[b.Cand]
	if ga == 1 {
		return rank(ca, a.Tier, cb, b.Tier) < 0
	}
	return cmp.Or(
		cmp.Compare(ca.ContractNumber, cb.ContractNumber),
		cmp.Compare(ca.PriceID, cb.PriceID),
	) < 0
}

func optionGroup(c Code) int {
	switch c {
	case Chosen:
		return 0
	case Outranked:
		return 1
	}
	return 2
}

// Hint looks for the smallest quantity above the line's, at some
// candidate's tier minimum, whose resolution (by the same rules, with the
// same cap left) costs no more in total than the current winner. It is
// computed on demand: a catalogue listing never needs it, a cart line does.
func (r Result) Hint() (Hint, bool) {
	w, ok := r.Winner()
	if !ok {
		return Hint{}, false
	}
	// Tier minimums above the quantity, ascending, and the lowest price any
	// tier offers: a lower bound on the price of every larger quantity.
	var buf [32]money.Quantity
	mins := buf[:0]
	var floor money.UnitPrice
	for _, o := range r.Options {
		if !passedStatic(o.Code) {
			continue
		}
		for _, t := range r.Cands[o.Cand].Tiers {
			if t.MinQty > r.Line.Qty && !slices.Contains(mins, t.MinQty) {
				mins = append(mins, t.MinQty)
			}
			if floor == 0 || t.Price < floor {
				floor = t.Price
			}
		}
	}
	slices.Sort(mins)
	for _, next := range mins {
		// Totals grow with the quantity: once even the lowest price makes
		// next cost more than the current total, no larger quantity can do.
		if lb, err := money.LineTotal(floor, next, r.Line.Currency); err != nil || lb.Cmp(w.Total) > 0 {
			return Hint{}, false
		}
		if h, ok := r.winnerAt(next); ok && h.Total.Cmp(w.Total) <= 0 {
			return h, true
		}
	}
	return Hint{}, false
}

// winnerAt resolves the line at qty among the options that passed the
// quantity-independent checks, each with the cap it had left.
func (r Result) winnerAt(qty money.Quantity) (Hint, bool) {
	best := int32(-1)
	var (
		bestTier  Tier
		bestTotal money.Amount
	)
	for _, o := range r.Options {
		if !passedStatic(o.Code) {
			continue
		}
		c := &r.Cands[o.Cand]
		code, tier, total := qtyCheck(&r.Line, c, o.CapLeft, qty)
		if code != Chosen {
			continue
		}
		if best < 0 || rank(c, tier, &r.Cands[best], bestTier) < 0 {
			best, bestTier, bestTotal = o.Cand, tier, total
		}
	}
	if best < 0 {
		return Hint{}, false
	}
	return Hint{Qty: qty, Total: bestTotal, Cand: best}, true
}

func passedStatic(c Code) bool { return c == Chosen || c >= BelowMinimum }
