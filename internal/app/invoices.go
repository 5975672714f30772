package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
)

// RecordInvoice records a vendor invoice and matches every line three
// ways, in one transaction: the unit price against the contract price the
// PO line resolved to (within the contract's tolerance), the quantity
// invoiced on all invoices against what was received (and ordered), and the
// invoice date against the contract's validity. Lines with no PO line are
// exceptions ("no PO"). The PO lines are locked, so two invoices for the
// same line cannot both slip past the received quantity. Bad input (an
// unknown PO line, another vendor's PO, another currency, a cancelled
// order, a duplicate number) writes nothing.
func (a *App) RecordInvoice(ctx context.Context, actorID int64, v procure.InvoiceValues) (int64, procure.InvoiceStatus, error) {
	var id int64
	var status procure.InvoiceStatus
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, status, err = a.recordInvoice(ctx, tx, actorID, v)
		return err
	})
	return id, status, err
}

func (a *App) recordInvoice(ctx context.Context, tx *store.Tx, actorID int64, v procure.InvoiceValues) (int64, procure.InvoiceStatus, error) {
	vendor, err := tx.VendorByID(ctx, v.VendorID)
	if procure.KindOf(err) == procure.KindNotFound {
		return 0, "", &procure.Error{Kind: procure.KindInvalid, Message: "Choose the vendor from the list.", Fields: map[string]string{"vendor_id": "Choose the vendor from the list."}}
	}
	if err != nil {
		return 0, "", err
	}
	taken, err := tx.InvoiceNumberTaken(ctx, v.VendorID, v.Number)
	if err != nil {
		return 0, "", err
	}
	if taken != 0 {
		msg := fmt.Sprintf("Invoice %s from %s is already recorded (invoice #%d).", v.Number, vendor.Name, taken)
		return 0, "", &procure.Error{Kind: procure.KindInvalid, Message: msg, Fields: map[string]string{"number": msg}}
	}
	var ids []int64
	for _, l := range v.Lines {
		if l.POLineID != 0 {
			ids = append(ids, l.POLineID)
		}
	}
	targets, err := tx.LockInvoiceTargets(ctx, ids)
	if err != nil {
		return 0, "", err
	}
	fe := procure.FieldErrors{}
	thisInvoice := map[int64]money.Quantity{} // a PO line twice on one invoice counts twice
	lines := make([]store.NewInvoiceLine, 0, len(v.Lines))
	total := money.Zero(v.Currency)
	status := procure.InvoiceMatched
	for i, l := range v.Lines {
		n := i + 1
		lineTotal, err := money.LineTotal(l.UnitPrice, l.Qty, v.Currency)
		if err != nil {
			fe.Add(fmt.Sprintf("qty_%d", n), fmt.Sprintf("Line %d: the line total is too large.", n))
			continue
		}
		if total, err = total.Add(lineTotal); err != nil {
			fe.Add("lines", "The invoice total is too large.")
			continue
		}
		nl := store.NewInvoiceLine{POLineID: l.POLineID, Description: l.Description, Qty: l.Qty, UnitPrice: l.UnitPrice, Total: lineTotal,
			Status: "matched", TotalVariance: money.Zero(v.Currency)}
		if l.POLineID == 0 {
			nl.Status, nl.Exceptions = "exception", []string{procure.ExceptionNoPO}
			nl.Explanation = "No PO line: check it is agreed (freight, extras) before accepting."
			lines = append(lines, nl)
			status = procure.InvoiceException
			continue
		}
		t, ok := targets[l.POLineID]
		switch {
		case !ok:
			fe.Add(fmt.Sprintf("qty_%d", n), fmt.Sprintf("Line %d: that PO line does not exist.", n))
			continue
		case t.VendorID != v.VendorID:
			fe.Add(fmt.Sprintf("qty_%d", n), fmt.Sprintf("Line %d: %s is an order to another vendor, not %s.", n, t.PONumber, vendor.Name))
			continue
		case t.Currency != v.Currency:
			fe.Add("currency", fmt.Sprintf("%s is in %s; the invoice says %s.", t.PONumber, t.Currency, v.Currency))
			continue
		case t.POStatus == procure.POCancelled || t.POStatus == procure.PORejected:
			fe.Add(fmt.Sprintf("qty_%d", n), fmt.Sprintf("Line %d: %s was %s; it cannot be invoiced.", n, t.PONumber, t.POStatus))
			continue
		}
		if nl.Description == "" {
			nl.Description = t.Description
		}
		nl.LocationID, nl.ItemID, nl.Category, nl.ContractID = t.LocationID, t.ItemID, t.Category, t.ContractID
		contractPrice := t.UnitPrice
		nl.ContractPrice = &contractPrice
		in := pricing.InvoiceLine{ContractNumber: t.ContractNumber, ContractPrice: t.UnitPrice, Tolerance: t.Tolerance,
			Start: t.Start, End: t.End, Currency: v.Currency, InvoicePrice: l.UnitPrice, Qty: l.Qty, InvoiceDate: v.Date}
		check, err := pricing.CheckInvoiceLine(in)
		if err != nil {
			fe.Add(fmt.Sprintf("qty_%d", n), fmt.Sprintf("Line %d: the amounts are too large.", n))
			continue
		}
		nl.UnitVariance, nl.TotalVariance, nl.BeyondTolerance = check.UnitVariance, check.TotalVariance, !check.WithinTolerance
		var why []string
		if !check.WithinTolerance {
			nl.Exceptions = append(nl.Exceptions, procure.ExceptionPrice)
		}
		if check.DateOutside {
			nl.Exceptions = append(nl.Exceptions, procure.ExceptionDate)
		}
		why = append(why, check.Describe(in))
		invoiced := t.Invoiced + thisInvoice[l.POLineID] + l.Qty
		thisInvoice[l.POLineID] += l.Qty
		if invoiced > t.Received {
			nl.Exceptions = append(nl.Exceptions, procure.ExceptionQuantity)
			nl.QtyVariance = invoiced - t.Received
			msg := fmt.Sprintf("invoiced %s in all against %s received", invoiced, t.Received)
			if invoiced > t.Qty {
				msg += fmt.Sprintf(" and %s ordered", t.Qty)
			}
			why = append(why, msg)
		}
		nl.Explanation = strings.Join(why, "; ")
		if len(nl.Exceptions) > 0 {
			nl.Status, status = "exception", procure.InvoiceException
		}
		lines = append(lines, nl)
	}
	if err := fe.Err(); err != nil {
		return 0, "", err
	}
	id, err := tx.InsertInvoice(ctx, actorID, v, status, total, lines)
	if err != nil {
		return 0, "", err
	}
	if status == procure.InvoiceException {
		exceptions := 0
		for _, l := range lines {
			if l.Status == "exception" {
				exceptions++
			}
		}
		if err := a.notifyInvoiceException(ctx, tx, id, v.Number, vendor.Name, exceptions); err != nil {
			return 0, "", err
		}
	}
	return id, status, nil
}
