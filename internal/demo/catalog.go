package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
)

// itemFamily generates a category's demo items: each base name in each
// variant, e.g. "Copy paper A4 80 g" × ("ream", "box of 5 reams").
type itemFamily struct {
	category string
	prefix   string
	unit     string
	bases    []string
	variants []string
	price    string // a typical unit price, varied per item
}

var families = []itemFamily{
	{"Paper", "PAP", "ream", []string{"Copy paper A4 80 g", "Copy paper A3 80 g", "Recycled paper A4", "Premium paper A4 100 g", "Coloured paper A4 pastel", "Photo paper A4 glossy"},
		[]string{"white", "natural", "bright white", "eco"}, "4.20"},
	{"Writing", "WRI", "each", []string{"Ballpoint pen", "Gel pen", "Fineliner", "Highlighter", "Permanent marker", "Whiteboard marker", "Pencil HB", "Mechanical pencil"},
		[]string{"blue", "black", "red", "green", "purple", "assorted"}, "0.85"},
	{"Toner & Ink", "TON", "each", []string{"Toner HP 26A", "Toner HP 59X", "Toner Brother TN-2420", "Ink Epson 603", "Toner Kyocera TK-5240", "Drum Brother DR-2400"},
		[]string{"black", "cyan", "magenta", "yellow"}, "64.00"},
	{"Kitchen", "KIT", "pack", []string{"Coffee beans 1 kg", "Tea bags", "Paper cups 200 ml", "Sugar sticks", "Milk portions", "Dishwasher tabs"},
		[]string{"standard", "organic", "fair trade", "large pack"}, "12.50"},
	{"Cleaning", "CLN", "each", []string{"Surface cleaner 1 l", "Hand soap 500 ml", "Paper towels", "Toilet paper", "Bin bags 60 l", "Disinfectant wipes"},
		[]string{"standard", "eco", "refill", "bulk"}, "3.40"},
	{"IT accessories", "ITA", "each", []string{"USB-C cable 1 m", "HDMI cable 2 m", "Wireless mouse", "Keyboard", "Headset", "USB stick 64 GB", "Monitor stand"},
		[]string{"basic", "pro", "travel", "wireless"}, "19.90"},
	{"Mailing", "MAI", "pack", []string{"Envelopes C4", "Envelopes DL", "Padded envelopes", "Shipping boxes", "Parcel tape"},
		[]string{"white", "brown", "window", "self-seal"}, "8.90"},
	{"Furniture", "FUR", "each", []string{"Office chair", "Desk 160x80", "Filing cabinet", "Bookshelf", "Monitor arm"},
		[]string{"standard", "ergonomic"}, "189.00"},
}

// demoItems builds the ~200 demo items and a list price per SKU.
func demoItems() ([]procure.ItemInput, map[string]money.UnitPrice) {
	var items []procure.ItemInput
	prices := map[string]money.UnitPrice{}
	for _, f := range families {
		base, _ := money.ParseUnitPrice(f.price)
		n := 0
		for bi, b := range f.bases {
			for vi, v := range f.variants {
				n++
				sku := fmt.Sprintf("%s-%03d", f.prefix, n)
				items = append(items, procure.ItemInput{SKU: sku, Name: b + ", " + v, Category: f.category, Unit: f.unit,
					Description: fmt.Sprintf("%s (%s). Demo item.", b, v)})
				// vary around the family price, deterministically: ±30 %
				step := money.UnitPrice((bi*7+vi*3)%13-6) * base / 20
				prices[sku] = base + step
			}
		}
	}
	return items, prices
}

type demoVendor struct {
	in     procure.VendorInput
	status procure.VendorStatus
	reason string
}

var demoVendors = []demoVendor{
	{procure.VendorInput{Name: "Papyrus Office Supplies", TaxID: "DE811234567", Email: "orders@papyrus.example", Phone: "+49 89 1234 560",
		Address: "Papierstraße 5, 80331 München", Categories: []string{"Paper", "Writing"}}, procure.VendorApproved, "Framework tender 2026"},
	{procure.VendorInput{Name: "OfficeMax Europe", TaxID: "NL859012345B01", Email: "sales@officemax.example", Phone: "+31 20 555 0100",
		Categories: []string{"Paper", "Writing", "Kitchen"}}, procure.VendorApproved, "Strategic supplier, next-day delivery"},
	{procure.VendorInput{Name: "InkWell Print Services", TaxID: "DE298765432", Email: "service@inkwell.example", Categories: []string{"Toner & Ink"}},
		procure.VendorApproved, "Managed print partner for Hamburg"},
	{procure.VendorInput{Name: "CleanCo Facility", TaxID: "DE276543210", Email: "kontakt@cleanco.example", Categories: []string{"Cleaning", "Kitchen"}},
		procure.VendorApproved, "Facility services contract"},
	{procure.VendorInput{Name: "TechNest", TaxID: "DE301234999", Email: "b2b@technest.example", Categories: []string{"IT accessories"}},
		procure.VendorApproved, "IT accessories catalogue"},
	{procure.VendorInput{Name: "Britannia Stationers Ltd", TaxID: "GB123456789", Email: "orders@britannia.example", Phone: "+44 20 7946 0000",
		Address: "1 Fleet Street, London EC4Y", Categories: []string{"Paper", "Writing"}}, procure.VendorApproved, "UK stationery supplier"},
	{procure.VendorInput{Name: "Budget Bulk GmbH", TaxID: "DE199999999", Email: "info@budgetbulk.example", Categories: []string{"Paper", "Cleaning"}},
		procure.VendorBlocked, "Repeated late deliveries and invoice errors in 2025"},
	{procure.VendorInput{Name: "FurniWorks", TaxID: "DE255555555", Email: "hello@furniworks.example", Categories: []string{"Furniture"}},
		procure.VendorPending, ""},
}

// demoContract is a contract to seed, with the SKU prefixes it prices.
type demoContract struct {
	vendor      int // index into demoVendors
	title       string
	currency    string
	startOffset int // days from today
	endOffset   int
	capAmount   string
	locations   []string // codes; none = all
	prefixes    []string
	markup      money.UnitPrice // added to the list price, in 1/10000
	preferred   bool
	tiers       bool // add volume tiers
	maxQty      string
	activate    bool
	every       int // price every n-th item of the prefixes
}

var demoContracts = []demoContract{
	{vendor: 0, title: "Paper and writing supplies, all sites", currency: "EUR", startOffset: -180, endOffset: 185, capAmount: "50000",
		prefixes: []string{"PAP", "WRI", "MAI"}, tiers: true, activate: true, every: 1},
	{vendor: 1, title: "Preferred stationery, Munich and Berlin", currency: "EUR", startOffset: -90, endOffset: 275,
		locations: []string{"MUC", "BER"}, prefixes: []string{"PAP"}, markup: 3000, preferred: true, activate: true, every: 2},
	{vendor: 2, title: "Managed print consumables, Hamburg", currency: "EUR", startOffset: -tonerContractStarts, endOffset: 700,
		locations: []string{"HAM"}, prefixes: []string{"TON"}, tiers: true, activate: true, every: 1},
	{vendor: 3, title: "Cleaning and kitchen, small pilot", currency: "EUR", startOffset: -60, endOffset: 300, capAmount: "500",
		prefixes: []string{"CLN", "KIT"}, maxQty: "200", activate: true, every: 1},
	{vendor: 4, title: "IT accessories framework (ending soon)", currency: "EUR", startOffset: -345, endOffset: 20,
		prefixes: []string{"ITA"}, tiers: true, activate: true, every: 1},
	{vendor: 5, title: "UK stationery", currency: "GBP", startOffset: -120, endOffset: 245,
		locations: []string{"LON"}, prefixes: []string{"PAP", "WRI"}, markup: -5000, tiers: true, activate: true, every: 1},
	{vendor: 7, title: "Office furniture (awaiting vendor approval)", currency: "EUR", startOffset: 0, endOffset: 730,
		prefixes: []string{"FUR"}, activate: false, every: 1},
}

// seedCatalog creates vendors, items and contracts through the store.
func seedCatalog(ctx context.Context, st *store.Store, today pricing.Date, locations map[string]int64, procurementID int64) error {
	vendorIDs := make([]int64, len(demoVendors))
	for i, v := range demoVendors {
		id, err := st.CreateVendor(ctx, procurementID, v.in)
		if err != nil {
			return fmt.Errorf("demo: vendor %s: %w", v.in.Name, err)
		}
		if v.status != procure.VendorPending {
			if err := st.SetVendorStatus(ctx, procurementID, id, v.status, v.reason); err != nil {
				return fmt.Errorf("demo: vendor status %s: %w", v.in.Name, err)
			}
		}
		vendorIDs[i] = id
	}
	items, listPrices := demoItems()
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.CreateItemsBulk(ctx, items)
		return err
	}); err != nil {
		return fmt.Errorf("demo: items: %w", err)
	}
	year := today.Time().Year()
	for n, dc := range demoContracts {
		cur := money.MustCurrency(dc.currency)
		v := procure.ContractValues{VendorID: vendorIDs[dc.vendor], Number: fmt.Sprintf("C-%d-%03d", year, n+1), Title: dc.title,
			Currency: cur, Start: today.AddDays(dc.startOffset), End: today.AddDays(dc.endOffset), PaymentTermsDays: 30,
			Tolerance: 200, RenewalNoticeDays: 60, OwnerID: procurementID,
			Terms: "Prices include delivery to the ordering site. Invoices within 2% of the contract price are accepted."}
		if dc.capAmount != "" {
			capAmt, err := money.ParseAmount(cur, dc.capAmount)
			if err != nil {
				return err
			}
			v.Cap = &capAmt
		}
		for _, code := range dc.locations {
			v.Locations = append(v.Locations, locations[code])
		}
		id, err := st.CreateContract(ctx, procurementID, v)
		if err != nil {
			return fmt.Errorf("demo: contract %s: %w", v.Number, err)
		}
		k := 0
		for _, it := range items {
			if !hasPrefix(it.SKU, dc.prefixes) {
				continue
			}
			k++
			if (k-1)%dc.every != 0 {
				continue
			}
			base := cents(listPrices[it.SKU] + dc.markup*listPrices[it.SKU]/100_000)
			pv := procure.PriceValues{SKU: it.SKU, VendorSKU: "V-" + it.SKU, Preferred: dc.preferred,
				Tiers: []pricing.Tier{{MinQty: money.QuantityScale, Price: base}}}
			if k%3 != 0 {
				// What the sites paid before the contract (shop prices about
				// 12 % above list), for the value report's savings.
				before := cents(listPrices[it.SKU] * 112 / 100)
				pv.Baseline = &before
			}
			if dc.tiers {
				pv.Tiers = append(pv.Tiers,
					pricing.Tier{MinQty: 50 * money.QuantityScale, Price: cents(base * 95 / 100)},
					pricing.Tier{MinQty: 200 * money.QuantityScale, Price: cents(base * 90 / 100)})
			}
			if dc.maxQty != "" {
				pv.MaxQty, _ = money.ParseQuantity(dc.maxQty)
			}
			if _, err := st.AddPriceRow(ctx, procurementID, id, pv); err != nil {
				return fmt.Errorf("demo: price %s on %s: %w", it.SKU, v.Number, err)
			}
		}
		if dc.activate {
			if err := st.MoveContract(ctx, procurementID, id, procure.ContractActive, today); err != nil {
				return fmt.Errorf("demo: activate %s: %w", v.Number, err)
			}
		}
	}
	return nil
}

// cents rounds a demo price to whole cents, as vendors quote them.
func cents(p money.UnitPrice) money.UnitPrice { return (p + 50) / 100 * 100 }

func hasPrefix(sku string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(sku, p+"-") {
			return true
		}
	}
	return false
}
