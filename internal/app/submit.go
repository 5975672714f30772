package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
)

// SubmitResult is what a submission did.
type SubmitResult struct {
	RequestID   int64
	Duplicate   bool     // the key was used before: nothing new was created
	POs         []string // numbers of the POs issued now
	OffContract int      // lines waiting for procurement
	Notes       []string // what the person should know (a price changed, a line fell back)
}

// Today is the calendar day "now" falls on in the configured zone.
func (a *App) Today() pricing.Date { return pricing.DateOf(a.Now().In(a.Zone)) }

// errCapRace says an optimistic submission found a cap used up by someone
// else between reading it and reserving it; the submission is run again
// with the caps locked first.
var errCapRace = errors.New("app: cap taken meanwhile")

// errRepeated rolls back a submission whose key was used before (the cart
// it took stays as it is); SubmitRequest answers with the first request.
var errRepeated = errors.New("app: submitted before")

// SubmitRequest turns the user's cart for a location into a purchase
// request, in one transaction: on-contract lines are resolved on the
// server and issued at once as one PO per vendor; off-contract lines, and
// lines no contract can take any more, wait for procurement. key is the
// idempotency key the cart form was issued with: a repeated submit returns
// the first request and creates nothing. seen holds the unit prices the
// cart showed, by cart line id, only to tell the person what changed.
//
// Caps: the first attempt reads caps without locking and reserves them at
// the very end with guarded UPDATEs in contract id order, so contracts are
// locked only from there to commit. If a reservation no longer fits (a
// concurrent order took the room), the transaction rolls back and runs
// again with every capped candidate contract locked first (FOR UPDATE, id
// order) and caps re-read under the locks: then a line that no longer fits
// falls to the next contract or off-contract, exactly.
func (a *App) SubmitRequest(ctx context.Context, u procure.User, locationID int64, key string, seen map[int64]money.UnitPrice) (SubmitResult, error) {
	res, err := a.submitRequest(ctx, u, locationID, key, seen, false)
	if errors.Is(err, errCapRace) {
		res, err = a.submitRequest(ctx, u, locationID, key, seen, true)
	}
	if errors.Is(err, errRepeated) {
		return res, nil
	}
	return res, err
}

func (a *App) submitRequest(ctx context.Context, u procure.User, locationID int64, key string, seen map[int64]money.UnitPrice, lockFirst bool) (SubmitResult, error) {
	var res SubmitResult
	now := a.Now()
	today := a.Today()
	// BEGIN travels with the first batch and, unless a cap is reserved
	// (whose crossing may need a notification after it), COMMIT with the
	// last: two round trips fewer (store.InPipelinedTx).
	err := a.Store.InPipelinedTx(ctx, func(tx *store.Tx) error {
		res = SubmitResult{}
		// One round trip: the location, the request (unless the key was
		// used), unless caps must be locked first the catalogue version
		// with the cap left on the contracts that price the cart's items
		// (cartCandidates), and the cart taken. The caps are read before
		// the cart is taken: read after, they find no cart, and every
		// capped candidate would be read from Postgres again. Whatever
		// fails below rolls it back.
		var (
			b        store.Batch
			loc      procure.Location
			reqID    int64
			cart     []procure.CartLine
			version  int64
			capsLeft map[int64]money.Amount
			cands    map[int64][]pricing.Candidate
		)
		b.LocationByID(u.OrderScope(), locationID, &loc)
		b.InsertRequest(u.ID, locationID, key, now, &reqID)
		if !lockFirst {
			b.CartCapsLeft(u.ID, locationID, &version, &capsLeft)
		}
		b.TakeCart(u.ID, locationID, &cart)
		if err := tx.Send(ctx, &b); err != nil {
			return err
		}
		if !u.InLocation(loc.ID) {
			return procure.Errorf(procure.KindNotFound, "Location %d does not exist.", locationID)
		}
		if !loc.Active {
			return procure.Errorf(procure.KindInvalid, "%s is not active and cannot order.", loc.Name)
		}
		if reqID == 0 {
			id, err := tx.RequestIDByKey(ctx, u.ID, key)
			if err != nil {
				return err
			}
			res.RequestID, res.Duplicate = id, true
			return errRepeated
		}
		res.RequestID = reqID
		if len(cart) == 0 {
			return procure.Errorf(procure.KindInvalid, "Your cart for %s is empty.", loc.Name)
		}
		var itemIDs []int64
		for _, l := range cart {
			if l.Item != nil {
				itemIDs = append(itemIDs, l.Item.ID)
			}
		}
		if !lockFirst && len(itemIDs) > 0 {
			var err error
			if cands, err = a.cartCandidates(ctx, tx, itemIDs, today, version, capsLeft); err != nil {
				return err
			}
		}
		if lockFirst {
			if len(itemIDs) > 0 {
				if err := tx.LockCappedContracts(ctx, itemIDs); err != nil {
					return err
				}
				var err error
				if cands, err = tx.Candidates(ctx, itemIDs, today); err != nil { // after the locks: caps are current
					return err
				}
			}
		}
		return a.submit(ctx, tx, u, loc, reqID, cart, cands, seen, now, today, lockFirst, &res)
	})
	return res, err
}

// cartCandidates returns the candidate prices of a cart's items for a
// submission that read the catalogue version and the capped contracts'
// cap left together (store.Batch.CartCapsLeft): the candidates kept under
// that version with the cap left just read, and those not kept read now.
// If the catalogue changed in between, every item's candidates are read
// again, all at once, rather than mixing two versions.
func (a *App) cartCandidates(ctx context.Context, tx *store.Tx, itemIDs []int64, today pricing.Date,
	version int64, capsLeft map[int64]money.Amount) (map[int64][]pricing.Candidate, error) {
	found, missing := a.cands.get(version, today, itemIDs)
	cands := make(map[int64][]pricing.Candidate, len(itemIDs))
	for id, kept := range found {
		fresh := make([]pricing.Candidate, len(kept))
		for i, c := range kept {
			if c.HasCap {
				left, ok := capsLeft[c.ContractID]
				if !ok { // kept from after a cap was set that the caps just read predate: read the item again
					missing = append(missing, id)
					fresh = nil
					break
				}
				c.CapLeft = left
			}
			fresh[i] = c
		}
		if fresh != nil {
			cands[id] = fresh
		}
	}
	if len(missing) == 0 {
		return cands, nil
	}
	a.cands.countRead(len(missing))
	read, at, err := tx.CandidatesAt(ctx, missing, today)
	if err != nil {
		return nil, err
	}
	a.cands.put(at, today, missing, read)
	if at != version {
		a.cands.countRead(len(itemIDs))
		read, at, err = tx.CandidatesAt(ctx, itemIDs, today)
		if err != nil {
			return nil, err
		}
		a.cands.put(at, today, itemIDs, read)
		return read, nil
	}
	for _, id := range missing {
		cands[id] = read[id]
	}
	return cands, nil
}

func (a *App) submit(ctx context.Context, tx *store.Tx, u procure.User, loc procure.Location, reqID int64, cart []procure.CartLine,
	cands map[int64][]pricing.Candidate, seen map[int64]money.UnitPrice, now time.Time, today pricing.Date, lockFirst bool, res *SubmitResult) error {
	// Resolve every catalogue line; later lines see the cap earlier ones use.
	// A request numbers its lines in cart order: lineNo[i] is catalogue line i's.
	var orderLines []pricing.OrderLine
	var catalogue []procure.CartLine
	var lineNo []int
	for n, l := range cart {
		if l.Item == nil {
			continue
		}
		catalogue = append(catalogue, l)
		lineNo = append(lineNo, n+1)
		orderLines = append(orderLines, pricing.OrderLine{
			Line:       pricing.Line{ItemID: l.Item.ID, Qty: l.Qty, LocationID: loc.ID, LocationName: loc.Name, Currency: loc.Currency, Date: today},
			Candidates: cands[l.Item.ID],
		})
	}
	ord, err := pricing.ResolveOrder(orderLines)
	if err != nil {
		return procure.Wrap(procure.KindInvalid, err, "An order total is too large to compute; split the order.")
	}
	// One PO per vendor, issued now.
	ordered := make([]bool, len(catalogue))
	keys, err := tx.NextPOs(ctx, today.Time().Year(), len(ord.Groups))
	if err != nil {
		return err
	}
	numbers := make([]string, len(keys))
	for i, k := range keys {
		numbers[i] = k.Number
	}
	res.POs = numbers
	caps, uncapped := map[int64]money.Amount{}, map[int64]money.Amount{}
	pos := make([]store.NewPO, len(ord.Groups))
	for g, grp := range ord.Groups {
		po := store.NewPO{LocationID: loc.ID, VendorID: grp.VendorID, Currency: loc.Currency, Total: grp.Total,
			SubmittedAt: now, IssuedAt: now, CreatedBy: u.ID}
		for _, i := range grp.Lines {
			r := ord.Results[i]
			w, _ := r.Winner()
			c := r.Cand(w)
			rec := r.Record()
			it := catalogue[i].Item
			po.Lines = append(po.Lines, store.NewPOLine{ItemID: it.ID, Category: it.Category, Description: it.Name, Unit: it.Unit, VendorSKU: c.VendorSKU,
				Qty: r.Line.Qty, UnitPrice: w.Tier.Price, Total: w.Total, ContractID: c.ContractID, PriceID: c.PriceID,
				TierMin: w.Tier.MinQty, Resolution: &rec, RequestLineNo: lineNo[i]})
			ordered[i] = true
			spend := uncapped // capped contracts reserve under the cap guard, the rest add to a counter
			if c.HasCap {
				spend = caps
			}
			sum := w.Total
			if prev, ok := spend[c.ContractID]; ok {
				var err error
				if sum, err = prev.Add(w.Total); err != nil {
					return err
				}
			}
			spend[c.ContractID] = sum
			if p, ok := seen[catalogue[i].ID]; ok && p != w.Tier.Price {
				res.Notes = append(res.Notes, fmt.Sprintf("%s: the price is now %s (the cart showed %s); resolved when you submitted.",
					it.Name, w.Tier.Price.Display(loc.Currency), p.Display(loc.Currency)))
			}
		}
		pos[g] = po
	}
	// The rest of the submission's writes go in one round trip: the POs
	// with their lines, the request's lines that go to procurement and its
	// notes, committed spend, audit events and, last, the cap reservations.
	var b store.Batch
	if err := b.InsertPOs(reqID, pos, keys, nil); err != nil {
		return err
	}
	// The request's lines that go to procurement: off-contract lines, and
	// catalogue lines no contract could take (with their resolution).
	var lines []store.NewRequestLine
	ci := 0
	for n, l := range cart {
		if l.Item == nil {
			lines = append(lines, store.NewRequestLine{LineNo: n + 1, Description: l.Description, Unit: l.Unit, Qty: l.Qty, OffContract: l.OffContract})
			res.OffContract++
			continue
		}
		if !ordered[ci] {
			rec := ord.Results[ci].Record()
			lines = append(lines, store.NewRequestLine{LineNo: n + 1, ItemID: l.Item.ID, Description: l.Item.Name, Unit: l.Item.Unit, Qty: l.Qty,
				Resolution: &rec, OffContract: procure.OffContract{Description: l.Item.Name, Unit: l.Item.Unit,
					Reason: "No contract price could take this line when it was submitted."}})
			res.OffContract++
			res.Notes = append(res.Notes, fmt.Sprintf("%s: no contract could take %s %s now, so it waits for procurement as an off-contract line.",
				l.Item.Name, l.Qty, l.Item.Unit))
		}
		ci++
	}
	if err := b.InsertRequestLines(reqID, lines); err != nil {
		return err
	}
	if len(res.Notes) > 0 {
		b.SetRequestNotes(reqID, res.Notes)
	}
	b.AddCommitted(uncapped)
	events := []procure.AuditEvent{{ActorID: u.ID, Action: "request.submit", Entity: "purchase_request", EntityID: reqID,
		After: map[string]any{"location": loc.Code, "lines": len(cart), "pos": numbers, "off_contract": res.OffContract}}}
	for i, k := range keys {
		grp := ord.Groups[i]
		events = append(events, procure.AuditEvent{ActorID: u.ID, Action: "po.issue", Entity: "purchase_order", EntityID: k.ID,
			After: map[string]any{"number": numbers[i], "vendor": grp.VendorName, "total": grp.Total.String(), "currency": loc.Currency.Code(),
				"lines": len(grp.Lines), "request_id": reqID}})
	}
	if err := b.AuditMany(ctx, events); err != nil {
		return err
	}
	if res.OffContract > 0 { // rare: its own statements, before any contract is locked
		if err := tx.Send(ctx, &b); err != nil {
			return err
		}
		b = store.Batch{}
		if err := a.notifyWaiting(ctx, tx, u, loc, reqID, res.OffContract); err != nil {
			return err
		}
	}
	// With no cap to reserve, COMMIT goes with this batch: it all commits
	// or, if any statement fails, none of it does.
	if len(caps) == 0 {
		return tx.SendCommit(ctx, &b)
	}
	// Reserve the caps last, so capped contracts are locked from here to
	// commit only.
	var reserved []store.CapCrossing
	b.ReserveCaps(caps, &reserved)
	err = tx.Send(ctx, &b)
	if procure.KindOf(err) == procure.KindConflict && !lockFirst {
		return errCapRace
	}
	if err != nil {
		return err
	}
	return a.notifyCapsCrossed(ctx, tx, reserved)
}
