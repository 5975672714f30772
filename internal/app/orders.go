package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
)

// ApproveOffContract turns a pending off-contract line into an issued PO
// with the vendor and unit price procurement chose. The line's state is the
// guard: a second approval (double click, two people) finds it decided.
func (a *App) ApproveOffContract(ctx context.Context, actorID, lineID int64, in procure.ApprovalInput) (string, error) {
	price, err := in.Parse()
	if err != nil {
		return "", err
	}
	now := a.Now()
	var number string
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		l, err := tx.LockPendingLine(ctx, lineID)
		if err != nil {
			return err
		}
		v, err := tx.VendorByID(ctx, in.VendorID)
		if procure.KindOf(err) == procure.KindNotFound { // the form's list has only vendors that exist
			msg := "Choose the vendor to order from in the list."
			return &procure.Error{Kind: procure.KindInvalid, Message: msg, Fields: map[string]string{"vendor_id": msg}}
		}
		if err != nil {
			return err
		}
		if v.Status != procure.VendorApproved {
			msg := fmt.Sprintf("%s is %s; order only from approved vendors.", v.Name, v.Status)
			return &procure.Error{Kind: procure.KindInvalid, Message: msg, Fields: map[string]string{"vendor_id": msg}}
		}
		total, err := money.LineTotal(price, l.Qty, l.Currency)
		if err != nil {
			return &procure.Error{Kind: procure.KindInvalid, Message: "That line total is too large.", Fields: map[string]string{"unit_price": "That line total is too large."}}
		}
		po := store.NewPO{LocationID: l.LocationID, VendorID: v.ID, Currency: l.Currency, Total: total, OffContract: true,
			SubmittedAt: l.SubmittedAt, IssuedAt: now, CreatedBy: actorID,
			Lines: []store.NewPOLine{{ItemID: l.ItemID, Category: offContractCategory(l), Description: l.Description, Unit: l.Unit, Qty: l.Qty, UnitPrice: price, Total: total}}}
		keys, err := tx.NextPOs(ctx, a.Today().Time().Year(), 1)
		if err != nil {
			return err
		}
		number = keys[0].Number
		poID := keys[0].ID
		var b store.Batch
		var lineIDs [][]int64
		if err := b.InsertPOs(l.RequestID, []store.NewPO{po}, keys, &lineIDs); err != nil {
			return err
		}
		if err := tx.Send(ctx, &b); err != nil {
			return err
		}
		if err := tx.DecideLine(ctx, lineID, procure.LineApproved, actorID, strings.TrimSpace(in.Note), lineIDs[0][0], now); err != nil {
			return err
		}
		if err := tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "po.issue", Entity: "purchase_order", EntityID: poID,
			After: map[string]any{"number": number, "vendor": v.Name, "total": total.String(), "currency": l.Currency.Code(),
				"off_contract": true, "request_id": l.RequestID}}); err != nil {
			return err
		}
		if err := tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "request_line.approve", Entity: "purchase_request", EntityID: l.RequestID,
			Before: map[string]any{"line": l.LineNo, "status": procure.LinePending},
			After:  map[string]any{"line": l.LineNo, "status": procure.LineApproved, "po": number, "unit_price": price.String(), "note": in.Note}}); err != nil {
			return err
		}
		return a.notifyDecided(ctx, tx, l, true, number+" to "+v.Name)
	})
	return number, err
}

// RejectOffContract rejects a pending off-contract line with a reason the
// requester reads.
func (a *App) RejectOffContract(ctx context.Context, actorID, lineID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 1000 {
		return &procure.Error{Kind: procure.KindInvalid, Message: "Say why the line is rejected.", Fields: map[string]string{"reason": "Say why the line is rejected."}}
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		l, err := tx.LockPendingLine(ctx, lineID)
		if err != nil {
			return err
		}
		if err := tx.DecideLine(ctx, lineID, procure.LineRejected, actorID, reason, 0, a.Now()); err != nil {
			return err
		}
		if err := tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "request_line.reject", Entity: "purchase_request", EntityID: l.RequestID,
			Before: map[string]any{"line": l.LineNo, "status": procure.LinePending},
			After:  map[string]any{"line": l.LineNo, "status": procure.LineRejected, "reason": reason}}); err != nil {
			return err
		}
		return a.notifyDecided(ctx, tx, l, false, reason)
	})
}

// ReceiveGoods books what arrived against a PO's lines: an office admin of
// the PO's location, on an issued or partly received PO, at most the
// quantity still outstanding per line. The PO becomes partially received
// or received. key is the idempotency key the receipt form was issued
// with ("" without a form: a fresh one): a receipt sent again with it
// (a double click, a refresh) books nothing and reports repeated.
func (a *App) ReceiveGoods(ctx context.Context, u procure.User, poID int64, key string, qty map[int64]money.Quantity, note string) (repeated bool, err error) {
	if !u.Has(procure.RoleOrderer) {
		return false, procure.Errorf(procure.KindForbidden, "Goods are received by the office admins of the ordering location.")
	}
	scope := procure.Scope{ActorID: u.ID, Locations: u.Locations}
	if scope.Locations == nil {
		scope.Locations = []int64{}
	}
	if key == "" {
		key = procure.NewFormKey()
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		po, err := tx.LockPO(ctx, scope, poID)
		if err != nil {
			return err
		}
		// Receipts of a PO queue on its row lock, so a repeated form finds
		// the first one's receipt here, before its quantities are checked
		// against what the first one left outstanding.
		if repeated, err = tx.ReceiptRecorded(ctx, u.ID, key); err != nil || repeated {
			return err
		}
		if !po.Status.CanReceive() {
			return procure.Errorf(procure.KindConflict, "%s is %s; goods can be received only on issued or partly received orders.", po.Number, strings.ReplaceAll(string(po.Status), "_", " "))
		}
		fe := procure.FieldErrors{}
		var lines []store.ReceiptLine
		complete := true
		for _, l := range po.Lines {
			q := qty[l.ID]
			field := fmt.Sprintf("qty_%d", l.ID)
			switch {
			case q < 0:
				fe.Add(field, "A received quantity cannot be negative.")
			case q > l.Outstanding():
				verb := "are"
				if l.Outstanding().String() == "1" {
					verb = "is"
				}
				fe.Add(field, fmt.Sprintf("Only %s %s %s still outstanding on line %d.", l.Outstanding(), l.Unit, verb, l.LineNo))
			case q > 0:
				if msg := (procure.Item{Unit: l.Unit, QuantityScale: l.QuantityScale}).CheckQuantity(q); msg != "" {
					fe.Add(field, msg)
				}
				lines = append(lines, store.ReceiptLine{POLineID: l.ID, Qty: q})
			}
			if l.Received+q < l.Qty {
				complete = false
			}
		}
		for id := range qty {
			if !hasLine(po, id) {
				fe.Add(fmt.Sprintf("qty_%d", id), "That line is not on this order.")
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if len(lines) == 0 {
			return procure.Errorf(procure.KindInvalid, "Enter the quantity received for at least one line.")
		}
		to := procure.POPartiallyReceived
		if complete {
			to = procure.POReceived
		}
		if err := tx.RecordReceipt(ctx, po.ID, u.ID, key, note, lines, to); err != nil {
			return err
		}
		var booked []string
		for _, l := range lines {
			booked = append(booked, fmt.Sprintf("line %d: %s", l.POLineID, l.Qty))
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: u.ID, Action: "po.receive", Entity: "purchase_order", EntityID: po.ID,
			Before: map[string]any{"status": po.Status}, After: map[string]any{"status": to, "received": booked, "note": note}})
	})
	return repeated, err
}

func hasLine(po procure.PurchaseOrder, id int64) bool {
	for _, l := range po.Lines {
		if l.ID == id {
			return true
		}
	}
	return false
}

// CancelPO cancels an issued PO on which nothing was received, and gives
// its committed spend back to its contracts, in one transaction.
func (a *App) CancelPO(ctx context.Context, u procure.User, poID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return &procure.Error{Kind: procure.KindInvalid, Message: "Say why the order is cancelled.", Fields: map[string]string{"reason": "Say why the order is cancelled."}}
	}
	scope := u.OrderScope()
	if !u.Has(procure.RoleOrderer, procure.RoleProcurement, procure.RoleOwner) {
		return procure.Errorf(procure.KindForbidden, "Orders are cancelled by their office admins or procurement.")
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		po, err := tx.LockPO(ctx, scope, poID)
		if err != nil {
			return err
		}
		switch {
		case po.Status == procure.POCancelled: // a second click, or someone else meanwhile
			return procure.Errorf(procure.KindConflict, "%s was already cancelled; nothing changed.", po.Number)
		case po.Status != procure.POIssued || po.Received():
			return procure.Errorf(procure.KindConflict, "%s cannot be cancelled: it is %s.", po.Number, strings.ReplaceAll(string(po.Status), "_", " "))
		}
		release := map[int64]money.Amount{}
		for _, l := range po.Lines {
			if l.ContractID == 0 {
				continue
			}
			sum := l.Total
			if prev, ok := release[l.ContractID]; ok {
				if sum, err = prev.Add(l.Total); err != nil {
					return err
				}
			}
			release[l.ContractID] = sum
		}
		for _, id := range slices.Sorted(maps.Keys(release)) {
			if err := tx.ReleaseCap(ctx, id, release[id]); err != nil {
				return err
			}
		}
		if err := tx.SetPOStatus(ctx, po.ID, procure.POCancelled, reason); err != nil {
			return err
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: u.ID, Action: "po.cancel", Entity: "purchase_order", EntityID: po.ID,
			Before: map[string]any{"status": po.Status}, After: map[string]any{"status": procure.POCancelled, "reason": reason}})
	})
}

// offContractCategory is the category an approved off-contract line is
// reported under: its item's, when it was a catalogue item that no
// contract could take, else "Off-catalogue".
func offContractCategory(l procure.RequestLine) string {
	if l.Category != "" {
		return l.Category
	}
	return "Off-catalogue"
}
