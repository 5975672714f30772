package pricing

// Record is a Result frozen for storage: the inputs, every candidate with
// its terms and the reason it won or lost, and any tier hint, as plain
// values. A PO line keeps its Record unchanged forever ("Why this price?"),
// so it must not depend on rows that may change later.
type Record struct {
	Date         string         `json:"date"`
	ItemID       int64          `json:"item_id"`
	Qty          string         `json:"qty"`
	LocationID   int64          `json:"location_id"`
	LocationName string         `json:"location_name"`
	Currency     string         `json:"currency"`
	OnContract   bool           `json:"on_contract"`
	Options      []RecordOption `json:"options"`
	Hint         string         `json:"hint,omitempty"`
}

// RecordOption is one candidate in a Record.
type RecordOption struct {
	Code           string       `json:"code"`
	Reason         string       `json:"reason"`
	ContractID     int64        `json:"contract_id"`
	ContractNumber string       `json:"contract_number"`
	VendorID       int64        `json:"vendor_id"`
	VendorName     string       `json:"vendor_name"`
	PriceID        int64        `json:"price_id"`
	VendorSKU      string       `json:"vendor_sku,omitempty"`
	Preferred      bool         `json:"preferred,omitempty"`
	Tiers          []RecordTier `json:"tiers"`
	UnitPrice      string       `json:"unit_price,omitempty"`
	Total          string       `json:"total,omitempty"`
}

// RecordTier is one tier in a Record.
type RecordTier struct {
	MinQty string `json:"min_qty"`
	Price  string `json:"price"`
}

// Record freezes r. It allocates: call it once per stored line, not in a
// loop over a catalogue.
func (r Result) Record() Record {
	l := r.Line
	rec := Record{
		Date: l.Date.String(), ItemID: l.ItemID, Qty: l.Qty.String(),
		LocationID: l.LocationID, LocationName: l.LocationName, Currency: l.Currency.Code(),
		Options: make([]RecordOption, len(r.Options)),
	}
	_, rec.OnContract = r.Winner()
	for i, o := range r.Options {
		c := r.Cand(o)
		ro := RecordOption{
			Code: o.Code.String(), Reason: r.Reason(o),
			ContractID: c.ContractID, ContractNumber: c.ContractNumber,
			VendorID: c.VendorID, VendorName: c.VendorName,
			PriceID: c.PriceID, VendorSKU: c.VendorSKU, Preferred: c.Preferred,
			Tiers: make([]RecordTier, len(c.Tiers)),
		}
		for j, t := range c.Tiers {
			ro.Tiers[j] = RecordTier{MinQty: t.MinQty.String(), Price: t.Price.String()}
		}
		if o.Code.Eligible() {
			ro.UnitPrice, ro.Total = o.Tier.Price.String(), o.Total.String()
		}
		rec.Options[i] = ro
	}
	if w, ok := r.Winner(); ok {
		if h, ok := r.Hint(); ok {
			rec.Hint = h.String(l, w.Total)
		}
	}
	return rec
}
