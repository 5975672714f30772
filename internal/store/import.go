package store

import (
	"context"
	"time"

	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
)

// PriceWindows returns the validity windows of a contract's price rows per
// item, for overlap checks before a bulk import.
func (tx *Tx) PriceWindows(ctx context.Context, contractID int64) (map[int64][]procure.Window, error) {
	rows, err := tx.db.Query(ctx, `SELECT item_id, valid_from, valid_to FROM contract_prices WHERE contract_id = $1`, contractID)
	if err != nil {
		return nil, classify(err, "price windows")
	}
	defer rows.Close()
	out := map[int64][]procure.Window{}
	for rows.Next() {
		var item int64
		var from, to *time.Time
		if err := rows.Scan(&item, &from, &to); err != nil {
			return nil, classify(err, "scan window")
		}
		var w procure.Window
		if from != nil {
			d := pricing.DateOf(*from)
			w.From = &d
		}
		if to != nil {
			d := pricing.DateOf(*to)
			w.To = &d
		}
		out[item] = append(out[item], w)
	}
	return out, classify(rows.Err(), "price windows")
}

// CreateItemsBulk inserts items in one statement and returns their ids by
// SKU. The caller audits the batch.
func (tx *Tx) CreateItemsBulk(ctx context.Context, items []procure.ItemInput) (map[string]int64, error) {
	n := len(items)
	skus, names, cats, units := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, it := range items {
		skus[i], names[i], cats[i], units[i] = it.SKU, it.Name, it.Category, it.Unit
	}
	rows, err := tx.db.Query(ctx, `
		INSERT INTO items (sku, name, category, unit)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
		RETURNING sku, id`, skus, names, cats, units)
	if err != nil {
		return nil, classify(err, "create items")
	}
	defer rows.Close()
	out := make(map[string]int64, n)
	for rows.Next() {
		var sku string
		var id int64
		if err := rows.Scan(&sku, &id); err != nil {
			return nil, classify(err, "scan new item")
		}
		out[sku] = id
	}
	return out, classify(rows.Err(), "create items")
}

// BulkPrice is one price row to insert in bulk.
type BulkPrice struct {
	ItemID int64
	Values procure.PriceValues
}

// InsertPricesBulk writes many price rows and their tiers in three
// statements: ids are drawn from the identity sequence first, so tiers can
// reference them without relying on the order RETURNING happens to use.
func (tx *Tx) InsertPricesBulk(ctx context.Context, actorID, contractID int64, prices []BulkPrice) (tiers int, err error) {
	n := len(prices)
	ids := make([]int64, 0, n)
	rows, err := tx.db.Query(ctx, `SELECT nextval(pg_get_serial_sequence('contract_prices', 'id')) FROM generate_series(1, $1)`, n)
	if err != nil {
		return 0, classify(err, "reserve price ids")
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, classify(err, "scan price id")
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, classify(err, "reserve price ids")
	}
	items := make([]int64, n)
	vskus := make([]string, n)
	maxes := make([]*string, n)
	froms, tos := make([]*time.Time, n), make([]*time.Time, n)
	prefs := make([]bool, n)
	var tPrice []int64
	var tMin, tUnit []string
	for i, p := range prices {
		v := p.Values
		items[i], vskus[i], maxes[i], prefs[i] = p.ItemID, v.VendorSKU, qtyParam(v.MaxQty), v.Preferred
		froms[i], tos[i] = dateParam(v.ValidFrom), dateParam(v.ValidTo)
		for _, t := range v.Tiers {
			tPrice = append(tPrice, ids[i])
			tMin = append(tMin, t.MinQty.String())
			tUnit = append(tUnit, t.Price.Format(4))
		}
	}
	if _, err := tx.db.Exec(ctx, `
		INSERT INTO contract_prices (id, contract_id, item_id, vendor_sku, max_qty, valid_from, valid_to, preferred, created_by)
		OVERRIDING SYSTEM VALUE
		SELECT u.id, $2, u.item, u.vsku, u.maxq::numeric, u.vfrom, u.vto, u.pref, NULLIF($9, 0)
		FROM unnest($1::bigint[], $3::bigint[], $4::text[], $5::text[], $6::date[], $7::date[], $8::bool[])
		     AS u(id, item, vsku, maxq, vfrom, vto, pref)`,
		ids, contractID, items, vskus, maxes, froms, tos, prefs, actorID); err != nil {
		return 0, classify(err, "insert price rows")
	}
	if _, err := tx.db.Exec(ctx, `
		INSERT INTO contract_price_tiers (price_id, min_qty, unit_price)
		SELECT * FROM unnest($1::bigint[], $2::numeric[], $3::numeric[])`, tPrice, tMin, tUnit); err != nil {
		return 0, classify(err, "insert tiers")
	}
	return len(tPrice), nil
}
