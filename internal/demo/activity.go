package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/procure-app/procure/internal/app"
	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
)

// activityRounds is how many ordering rounds the demo replays, one every
// activityEvery days, ending a few days before today.
const (
	activityRounds = 14
	activityEvery  = 6
)

// demoOrder is what one office admin orders in one round.
type demoOrder struct {
	user     string // email
	location string // code
	skus     []string
	qty      int64 // whole units, varied by round
}

var demoOrders = []demoOrder{
	{"office@demo.test", "MUC", []string{"PAP-001", "PAP-006", "WRI-002", "ITA-003"}, 12},
	{"office.north@demo.test", "HAM", []string{"PAP-001", "PAP-006", "TON-001", "TON-005"}, 8},
	{"office@demo.test", "LON", []string{"PAP-001", "WRI-002"}, 20},
}

// tonerContractStarts is how many days before today Hamburg's toner
// contract starts (demoContracts); tonerListPrice is what its toner cost
// before.
const tonerContractStarts = 30

var tonerListPrice = map[string]string{"TON-001": "51.90", "TON-005": "76.90"}

var demoOffContract = []procure.OffContract{
	{Description: "Conference speakerphone", Unit: "each", EstPrice: 1_890_000, SuggestedVendorName: "TechNest", Reason: "Not in the catalogue"},
	{Description: "Standing desk, electric", Unit: "each", EstPrice: 5_490_000, SuggestedVendorName: "FurniWorks", Reason: "Ergonomic assessment"},
	{Description: "Flip chart easel", Unit: "each", EstPrice: 1_290_000, Reason: "Training room"},
}

// seedActivity replays a quarter of ordering, receiving and invoicing
// through the real flows, each step with the clock set to its day, so the
// reports, the finance home page and the order history show true figures:
// some invoices overbilled beyond tolerance (exceptions, some accepted,
// one disputed), paper bought at different prices in different sites
// (drift), off-contract purchases approved days after the request (cycle
// time, compliance).
func seedActivity(ctx context.Context, st *store.Store, today pricing.Date, ids map[string]int64) error {
	items, err := st.ItemsBySKU(ctx, []string{"PAP-001", "PAP-006", "WRI-002", "ITA-003", "TON-001", "TON-005"})
	if err != nil {
		return err
	}
	locs, err := st.Locations(ctx, procure.Scope{})
	if err != nil {
		return err
	}
	codes := map[string]procure.Location{}
	for _, l := range locs {
		codes[l.Code] = l
	}
	users := map[string]procure.User{}
	for email, id := range ids {
		if users[email], err = st.UserByID(ctx, id); err != nil {
			return err
		}
	}
	vendors, err := st.VendorOptions(ctx)
	if err != nil {
		return err
	}
	vendorNamed := func(name string) int64 {
		for _, v := range vendors {
			if v.Name == name {
				return v.ID
			}
		}
		return 0
	}
	finance, procurement := ids["finance@demo.test"], ids["procurement@demo.test"]
	clock := func(daysAgo int, hour int) *app.App {
		t := today.AddDays(-daysAgo).Time().Add(time.Duration(hour) * time.Hour)
		return app.New(st, func() time.Time { return t }, time.UTC)
	}
	invoiceNo := 0
	for round := range activityRounds {
		day := 3 + (activityRounds-1-round)*activityEvery // days ago the round's orders are placed
		for k, o := range demoOrders {
			u, loc := users[o.user], codes[o.location]
			for j, sku := range o.skus {
				q := money.Quantity((o.qty + int64((round+j)%5)*2) * money.QuantityScale)
				if _, err := st.AddToCart(ctx, u.ID, loc.ID, items[sku].ID, q); err != nil {
					return fmt.Errorf("demo: cart %s: %w", sku, err)
				}
			}
			offContract := k == 0 && round%3 == 1
			if offContract {
				if err := st.AddOffContractLine(ctx, u.ID, loc.ID, money.QuantityScale, demoOffContract[(round/3)%len(demoOffContract)]); err != nil {
					return fmt.Errorf("demo: off-contract line: %w", err)
				}
			}
			a := clock(day, 9+k)
			res, err := a.SubmitRequest(ctx, u, loc.ID, fmt.Sprintf("demo-activity-%02d-%d-0000000", round, k), nil)
			if err != nil {
				return fmt.Errorf("demo: submit round %d: %w", round, err)
			}
			req, err := st.PurchaseRequestByID(ctx, procure.Scope{}, res.RequestID)
			if err != nil {
				return err
			}
			// Catalogue lines no contract priced yet (Hamburg's toner, before
			// its contract started): procurement bought them from the
			// vendor at its list price two days later, all but the last
			// round's, which still wait in the queue.
			if day > tonerContractStarts+activityEvery {
				for _, l := range req.Lines {
					if l.Status != procure.LinePending || l.ItemID == 0 {
						continue
					}
					if _, err := clock(day-2, 15).ApproveOffContract(ctx, procurement, l.ID, procure.ApprovalInput{VendorID: vendorNamed("InkWell Print Services"),
						UnitPrice: tonerListPrice[l.SKU], Note: "No toner contract yet: bought at list price."}); err != nil {
						return fmt.Errorf("demo: approve %s: %w", l.SKU, err)
					}
				}
				if req, err = st.PurchaseRequestByID(ctx, procure.Scope{}, res.RequestID); err != nil {
					return err
				}
			}
			if offContract {
				for _, l := range req.Lines {
					if l.Status != procure.LinePending || l.ItemID != 0 {
						continue
					}
					price := l.OffContract.EstPrice
					vendor := vendorNamed("OfficeMax Europe")
					if _, err := clock(day-2, 14).ApproveOffContract(ctx, procurement, l.ID, procure.ApprovalInput{VendorID: vendor,
						UnitPrice: price.Format(2), Note: "Approved: no contract covers this; bought once."}); err != nil {
						return fmt.Errorf("demo: approve: %w", err)
					}
				}
				if req, err = st.PurchaseRequestByID(ctx, procure.Scope{}, res.RequestID); err != nil {
					return err
				}
			}
			if day < 4 {
				continue // the latest orders are not delivered yet
			}
			for _, ref := range req.Orders {
				po, err := st.PurchaseOrderByID(ctx, procure.Scope{}, ref.ID)
				if err != nil {
					return err
				}
				recv := map[int64]money.Quantity{}
				for _, l := range po.Lines {
					recv[l.ID] = l.Qty
				}
				if _, err := clock(day-3, 11).ReceiveGoods(ctx, u, po.ID, "", recv, "Delivered complete"); err != nil {
					return fmt.Errorf("demo: receive %s: %w", po.Number, err)
				}
				if day < 10 {
					continue // not invoiced yet
				}
				invoiceNo++
				if err := demoInvoice(ctx, st, clock(day-5, 10), finance, po, invoiceNo, day); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// demoInvoice bills a PO as vendors do: mostly at the contract price,
// every fourth invoice with its first line 3 % over (beyond the 2 %
// tolerance). Older invoices are settled: matched ones approved, most
// exceptions accepted with a comment, one disputed.
func demoInvoice(ctx context.Context, st *store.Store, a *app.App, finance int64, po procure.PurchaseOrder, n, daysAgo int) error {
	v := procure.InvoiceValues{VendorID: po.VendorID, Number: fmt.Sprintf("INV-%s-%04d", po.LocationCode, 1000+n), Date: a.Today(), Currency: po.Currency}
	for i, l := range po.Lines {
		price := l.UnitPrice
		if n%4 == 0 && i == 0 {
			price = price * 103 / 100
		}
		v.Lines = append(v.Lines, procure.InvoiceLineValues{POLineID: l.ID, Qty: l.Qty, UnitPrice: price})
	}
	id, status, err := a.RecordInvoice(ctx, finance, v)
	if err != nil {
		return fmt.Errorf("demo: invoice %s: %w", v.Number, err)
	}
	if daysAgo < 30 {
		return nil // recent invoices wait for finance
	}
	inv, err := st.InvoiceByID(ctx, id)
	if err != nil {
		return err
	}
	switch {
	case status == procure.InvoiceMatched:
		return st.ResolveInvoice(ctx, finance, id, inv.Version, procure.InvoiceApproved, "")
	case n%12 == 0:
		return st.ResolveInvoice(ctx, finance, id, inv.Version, procure.InvoiceDisputed, "Price above contract; credit note requested from the vendor.")
	default:
		return st.ResolveInvoice(ctx, finance, id, inv.Version, procure.InvoiceApproved, "Surcharge confirmed by procurement; accepted this once.")
	}
}
