package app

import (
	"context"
	"fmt"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
)

// The events that notify people, each recorded in the transaction of the
// change it tells about, with a dedupe key naming the event.

var procurementRoles = []procure.Role{procure.RoleProcurement}

// notifyWaiting tells procurement about a request's off-contract lines
// waiting for a decision.
func (a *App) notifyWaiting(ctx context.Context, tx *store.Tx, u procure.User, loc procure.Location, reqID int64, waiting int) error {
	if waiting == 0 {
		return nil
	}
	n := procure.NewNotification{At: a.Now(), Kind: procure.NotifyOffContractWaiting,
		Title: fmt.Sprintf("%d off-contract line(s) from %s (%s) wait for approval", waiting, u.Name, loc.Name),
		Body:  fmt.Sprintf("Request #%d has lines no contract could take. Approve them with a vendor and price, or reject them with a reason.", reqID),
		Link:  "/approvals", DedupeKey: procure.RequestWaitingKey(reqID)}
	return tx.NotifyRoles(ctx, procurementRoles, nil, n, a.Email)
}

// notifyCapsCrossed tells procurement and the contracts' owners about caps
// an order carried past 80 % or 100 %.
func (a *App) notifyCapsCrossed(ctx context.Context, tx *store.Tx, reserved []store.CapCrossing) error {
	for _, c := range reserved {
		if !c.Passed80 && !c.Passed100 {
			continue
		}
		level := "80 %"
		if c.Passed100 {
			level = "100 %"
		}
		n := procure.NewNotification{At: a.Now(), Kind: procure.NotifyCapThreshold,
			Title: fmt.Sprintf("Contract %s passed %s of its cap", c.Number, level),
			Body:  "Committed spend on the contract reached this share of its cap with a new order. Consider raising the cap or preparing a successor.",
			Link:  fmt.Sprintf("/contracts/%d", c.ContractID), DedupeKey: fmt.Sprintf("contract:%d:cap:%s", c.ContractID, level)}
		if err := tx.NotifyRoles(ctx, procurementRoles, []int64{c.OwnerID}, n, a.Email); err != nil {
			return err
		}
	}
	return nil
}

// notifyDecided tells the requester what became of an off-contract line,
// and settles procurement's notification once no line of the request
// waits any more.
func (a *App) notifyDecided(ctx context.Context, tx *store.Tx, l procure.RequestLine, approved bool, detail string) error {
	if err := tx.SettleRequestWaiting(ctx, l.RequestID); err != nil {
		return err
	}
	owner, err := tx.RequestOwner(ctx, l.RequestID)
	if err != nil {
		return err
	}
	title := fmt.Sprintf("Approved: %s (%s)", l.Description, detail)
	if !approved {
		title = fmt.Sprintf("Rejected: %s", l.Description)
	}
	body := ""
	if !approved {
		body = "Reason: " + detail
	}
	return tx.Notify(ctx, []int64{owner}, procure.NewNotification{At: a.Now(), Kind: procure.NotifyOffContractDecided, Title: title, Body: body,
		Link: fmt.Sprintf("/requests/%d", l.RequestID), DedupeKey: fmt.Sprintf("request-line:%d:decided", l.ID)}, a.Email)
}

// notifyInvoiceException tells finance an invoice needs a decision.
func (a *App) notifyInvoiceException(ctx context.Context, tx *store.Tx, id int64, number, vendor string, exceptions int) error {
	n := procure.NewNotification{At: a.Now(), Kind: procure.NotifyInvoiceException,
		Title: fmt.Sprintf("Invoice %s from %s has %d line(s) in exception", number, vendor, exceptions),
		Body:  "Accept the variance with a comment, or dispute the invoice.",
		Link:  fmt.Sprintf("/invoices/%d", id), DedupeKey: procure.InvoiceExceptionKey(id)}
	return tx.NotifyRoles(ctx, []procure.Role{procure.RoleFinance}, nil, n, a.Email)
}
