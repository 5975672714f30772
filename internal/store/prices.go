package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
)

const priceColumns = `
	p.id, p.contract_id, p.item_id, i.sku, i.name, i.unit, p.vendor_sku, COALESCE(p.max_qty::text, '0'),
	p.valid_from, p.valid_to, p.preferred, p.created_at, COALESCE(u.name, 'system'),
	(SELECT array_agg(t.min_qty::text ORDER BY t.min_qty) FROM contract_price_tiers t WHERE t.price_id = p.id),
	(SELECT array_agg(t.unit_price::text ORDER BY t.min_qty) FROM contract_price_tiers t WHERE t.price_id = p.id),
	p.baseline_price::text`

func scanPriceRow(row pgx.Row) (procure.PriceRow, error) {
	var p procure.PriceRow
	var maxQty string
	var from, to *time.Time
	var mins, prices []string
	var baseline *string
	if err := row.Scan(&p.ID, &p.ContractID, &p.ItemID, &p.ItemSKU, &p.ItemName, &p.ItemUnit, &p.VendorSKU, &maxQty,
		&from, &to, &p.Preferred, &p.CreatedAt, &p.CreatedBy, &mins, &prices, &baseline); err != nil {
		return procure.PriceRow{}, err
	}
	if baseline != nil {
		var b money.UnitPrice
		if err := b.Scan(*baseline); err != nil {
			return procure.PriceRow{}, err
		}
		p.Baseline = &b
	}
	if err := p.MaxQty.Scan(maxQty); err != nil {
		return procure.PriceRow{}, err
	}
	if from != nil {
		d := pricing.DateOf(*from)
		p.ValidFrom = &d
	}
	if to != nil {
		d := pricing.DateOf(*to)
		p.ValidTo = &d
	}
	tiers, err := scanTiers(mins, prices)
	p.Tiers = tiers
	return p, err
}

func scanTiers(mins, prices []string) ([]pricing.Tier, error) {
	tiers := make([]pricing.Tier, len(mins))
	for i := range mins {
		if err := tiers[i].MinQty.Scan(mins[i]); err != nil {
			return nil, err
		}
		if err := tiers[i].Price.Scan(prices[i]); err != nil {
			return nil, err
		}
	}
	return tiers, nil
}

// PriceRows lists a contract's price rows by item, then validity.
func (q queries) PriceRows(ctx context.Context, contractID int64) ([]procure.PriceRow, error) {
	rows, err := q.db.Query(ctx, `
		SELECT `+priceColumns+`
		FROM contract_prices p JOIN items i ON i.id = p.item_id LEFT JOIN users u ON u.id = p.created_by
		WHERE p.contract_id = $1
		ORDER BY i.name, i.id, p.valid_from NULLS FIRST, p.id`, contractID)
	if err != nil {
		return nil, classify(err, "price rows")
	}
	defer rows.Close()
	var out []procure.PriceRow
	for rows.Next() {
		p, err := scanPriceRow(rows)
		if err != nil {
			return nil, classify(err, "scan price row")
		}
		out = append(out, p)
	}
	return out, classify(rows.Err(), "price rows")
}

func dateParam(d *pricing.Date) *time.Time {
	if d == nil {
		return nil
	}
	t := d.Time()
	return &t
}

func qtyParam(q money.Quantity) *string {
	if q == 0 {
		return nil
	}
	s := q.String()
	return &s
}

func tierAudit(tiers []pricing.Tier) []string {
	out := make([]string, len(tiers))
	for i, t := range tiers {
		out[i] = "from " + t.MinQty.String() + ": " + t.Price.String()
	}
	return out
}

// insertPrice writes one price row with its tiers.
func (tx *Tx) insertPrice(ctx context.Context, actorID, contractID, itemID int64, v procure.PriceValues) (int64, error) {
	var id int64
	err := tx.db.QueryRow(ctx, `
		INSERT INTO contract_prices (contract_id, item_id, vendor_sku, max_qty, valid_from, valid_to, preferred, created_by, baseline_price)
		VALUES ($1, $2, $3, $4::numeric, $5, $6, $7, NULLIF($8, 0), $9::numeric) RETURNING id`,
		contractID, itemID, v.VendorSKU, qtyParam(v.MaxQty), dateParam(v.ValidFrom), dateParam(v.ValidTo), v.Preferred, actorID,
		baselineParam(v.Baseline)).Scan(&id)
	if err != nil {
		return 0, classify(err, "insert price row")
	}
	mins := make([]string, len(v.Tiers))
	prices := make([]string, len(v.Tiers))
	for i, t := range v.Tiers {
		mins[i], prices[i] = t.MinQty.String(), t.Price.Format(4)
	}
	if _, err := tx.db.Exec(ctx, `
		INSERT INTO contract_price_tiers (price_id, min_qty, unit_price)
		SELECT $1, unnest($2::numeric[]), unnest($3::numeric[])`, id, mins, prices); err != nil {
		return 0, classify(err, "insert tiers")
	}
	return id, nil
}

func (tx *Tx) itemForPrice(ctx context.Context, sku string) (procure.Item, error) {
	items, err := tx.ItemsBySKU(ctx, []string{sku})
	if err != nil {
		return procure.Item{}, err
	}
	it, ok := items[sku]
	if !ok {
		msg := fmt.Sprintf("No item has SKU %s. Create it on the Items page first.", sku)
		return procure.Item{}, &procure.Error{Kind: procure.KindInvalid, Message: msg, Fields: map[string]string{"sku": msg}}
	}
	return it, nil
}

// AddPriceRow adds a price row to a draft contract, audited. Prices of an
// active contract change only through AmendPrice, so history stays true.
func (s *Store) AddPriceRow(ctx context.Context, actorID, contractID int64, v procure.PriceValues) (int64, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		c, err := tx.LockContract(ctx, contractID)
		if err != nil {
			return err
		}
		if c.Status != procure.ContractDraft {
			return procure.Errorf(procure.KindConflict, "Contract %s is %s: change its prices with an amendment from a date.", c.Number, c.Status)
		}
		it, err := tx.itemForPrice(ctx, v.SKU)
		if err != nil {
			return err
		}
		if msg := qtyScaleProblem(it, v); msg != "" {
			return &procure.Error{Kind: procure.KindInvalid, Message: msg, Fields: map[string]string{"tier1": msg}}
		}
		if id, err = tx.insertPrice(ctx, actorID, contractID, it.ID, v); err != nil {
			return err
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "contract.price_add", Entity: "contract", EntityID: contractID,
			After: map[string]any{"price_id": id, "sku": it.SKU, "tiers": tierAudit(v.Tiers), "max_qty": v.MaxQty.String(),
				"valid_from": optDate(v.ValidFrom), "valid_to": optDate(v.ValidTo), "preferred": v.Preferred}})
	})
	return id, err
}

// qtyScaleProblem refuses tier minimums an item cannot be ordered in (half
// a chair).
func qtyScaleProblem(it procure.Item, v procure.PriceValues) string {
	for _, t := range v.Tiers {
		if msg := it.CheckQuantity(t.MinQty); msg != "" {
			return "Minimum quantity " + t.MinQty.String() + ": " + msg
		}
	}
	if v.MaxQty > 0 {
		if msg := it.CheckQuantity(v.MaxQty); msg != "" {
			return "Maximum " + v.MaxQty.String() + ": " + msg
		}
	}
	return ""
}

func optDate(d *pricing.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// RemovePriceRow deletes a price row of a draft contract (no order can have
// used it: drafts never resolve), audited.
func (s *Store) RemovePriceRow(ctx context.Context, actorID, contractID, priceID int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		c, err := tx.LockContract(ctx, contractID)
		if err != nil {
			return err
		}
		if c.Status != procure.ContractDraft {
			return procure.Errorf(procure.KindConflict, "Price rows of a %s contract are kept for history; amend them instead.", c.Status)
		}
		var sku string
		err = tx.db.QueryRow(ctx, `
			DELETE FROM contract_prices p USING items i
			WHERE p.id = $1 AND p.contract_id = $2 AND i.id = p.item_id RETURNING i.sku`, priceID, contractID).Scan(&sku)
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("Price row", priceID)
		}
		if err != nil {
			return classify(err, "remove price row")
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "contract.price_remove", Entity: "contract", EntityID: contractID,
			Before: map[string]any{"price_id": priceID, "sku": sku}})
	})
}

// AmendPrice changes the price of an item on an active or suspended
// contract from a date: the current row is closed the day before and a new
// row starts that day. Both rows stay, so every order keeps the price it
// used. The date may not be in the past.
func (s *Store) AmendPrice(ctx context.Context, actorID, contractID, priceID int64, v procure.PriceValues, today pricing.Date) (int64, error) {
	var newID int64
	err := s.InTx(ctx, func(tx *Tx) error {
		c, err := tx.LockContract(ctx, contractID)
		if err != nil {
			return err
		}
		if c.Status != procure.ContractActive && c.Status != procure.ContractSuspended {
			return procure.Errorf(procure.KindConflict, "Amendments apply to active or suspended contracts; this one is %s.", c.Status)
		}
		old, err := scanPriceRow(tx.db.QueryRow(ctx, `
			SELECT `+priceColumns+`
			FROM contract_prices p JOIN items i ON i.id = p.item_id LEFT JOIN users u ON u.id = p.created_by
			WHERE p.id = $1 AND p.contract_id = $2 FOR UPDATE OF p`, priceID, contractID))
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("Price row", priceID)
		}
		if err != nil {
			return classify(err, "lock price row")
		}
		eff := v.ValidFrom
		field := func(msg string) error {
			return &procure.Error{Kind: procure.KindInvalid, Message: msg, Fields: map[string]string{"valid_from": msg}}
		}
		if eff == nil {
			return field("Enter the date the new price applies from.")
		}
		oldFrom, oldTo := c.Start, c.End
		if old.ValidFrom != nil {
			oldFrom = *old.ValidFrom
		}
		if old.ValidTo != nil {
			oldTo = *old.ValidTo
		}
		switch {
		case *eff < today:
			return field(fmt.Sprintf("An amendment cannot start in the past (before %s).", today))
		case *eff <= oldFrom || *eff > oldTo:
			return field(fmt.Sprintf("The new price must start after %s and by %s, inside the current price's window.", oldFrom, oldTo))
		}
		if v.ValidTo == nil {
			v.ValidTo = old.ValidTo
		}
		it, err := tx.ItemByID(ctx, old.ItemID)
		if err != nil {
			return err
		}
		if msg := qtyScaleProblem(it, v); msg != "" {
			return &procure.Error{Kind: procure.KindInvalid, Message: msg, Fields: map[string]string{"tier1": msg}}
		}
		closeOn := eff.AddDays(-1)
		if _, err := tx.db.Exec(ctx, `UPDATE contract_prices SET valid_to = $2 WHERE id = $1`, priceID, closeOn.Time()); err != nil {
			return classify(err, "close price row")
		}
		if newID, err = tx.insertPrice(ctx, actorID, contractID, old.ItemID, v); err != nil {
			return err
		}
		if _, err := tx.db.Exec(ctx, `UPDATE contracts SET version = version + 1 WHERE id = $1`, contractID); err != nil {
			return classify(err, "bump contract version")
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "contract.price_amend", Entity: "contract", EntityID: contractID,
			Before: map[string]any{"price_id": priceID, "sku": old.ItemSKU, "tiers": tierAudit(old.Tiers), "valid_to": optDate(old.ValidTo)},
			After: map[string]any{"price_id": newID, "closed_on": closeOn.String(), "valid_from": eff.String(),
				"valid_to": optDate(v.ValidTo), "tiers": tierAudit(v.Tiers), "max_qty": v.MaxQty.String(), "preferred": v.Preferred}})
	})
	return newID, err
}

func baselineParam(p *money.UnitPrice) *string {
	if p == nil {
		return nil
	}
	s := p.Format(4)
	return &s
}
