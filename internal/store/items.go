package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/procure-app/procure/internal/procure"
)

const itemColumns = `i.id, i.sku, i.name, i.description, i.category, i.unit, i.quantity_scale, i.version`

func scanItem(row pgx.Row) (procure.Item, error) {
	var it procure.Item
	err := row.Scan(&it.ID, &it.SKU, &it.Name, &it.Description, &it.Category, &it.Unit, &it.QuantityScale, &it.Version)
	return it, err
}

// ItemFilter narrows the item list; AfterName/AfterID is the keyset cursor.
type ItemFilter struct {
	Q         string
	Category  string
	AfterName string
	AfterID   int64
	Limit     int
}

// Items lists items by name: search by SKU or name (trigram indexes keep
// ILIKE fast on 100k items), filtered by category, one keyset page.
func (q queries) Items(ctx context.Context, f ItemFilter) ([]procure.Item, error) {
	const sql = `
		SELECT ` + itemColumns + ` FROM items i
		WHERE ($1 = '' OR i.name ILIKE $2 OR i.sku ILIKE $2)
		  AND ($3 = '' OR i.category = $3)
		  AND ($4 = 0 OR (i.name, i.id) > ($5, $4))
		ORDER BY i.name, i.id
		LIMIT $6`
	rows, err := q.db.Query(ctx, sql, f.Q, likePattern(f.Q), f.Category, f.AfterID, f.AfterName, pageLimit(f.Limit))
	if err != nil {
		return nil, classify(err, "items")
	}
	defer rows.Close()
	var out []procure.Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, classify(err, "scan item")
		}
		out = append(out, it)
	}
	return out, classify(rows.Err(), "items")
}

// ItemByID returns one item.
func (q queries) ItemByID(ctx context.Context, id int64) (procure.Item, error) {
	it, err := scanItem(q.db.QueryRow(ctx, `SELECT `+itemColumns+` FROM items i WHERE i.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return procure.Item{}, notFound("Item", id)
	}
	return it, classify(err, "item")
}

// ItemsBySKU returns the items with these SKUs, keyed by SKU; unknown SKUs
// are simply absent.
func (q queries) ItemsBySKU(ctx context.Context, skus []string) (map[string]procure.Item, error) {
	rows, err := q.db.Query(ctx, `SELECT `+itemColumns+` FROM items i WHERE i.sku = ANY ($1)`, skus)
	if err != nil {
		return nil, classify(err, "items by sku")
	}
	defer rows.Close()
	out := map[string]procure.Item{}
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, classify(err, "scan item")
		}
		out[it.SKU] = it
	}
	return out, classify(rows.Err(), "items by sku")
}

// ItemCategories lists the categories in use. A recursive "loose index
// scan" hops from one category to the next through items_category_idx, so
// it costs one probe per category, not a pass over every item.
func (q queries) ItemCategories(ctx context.Context) ([]string, error) {
	rows, err := q.db.Query(ctx, `
		WITH RECURSIVE cats AS (
			(SELECT category FROM items ORDER BY category LIMIT 1)
			UNION ALL
			SELECT (SELECT i.category FROM items i WHERE i.category > cats.category ORDER BY i.category LIMIT 1)
			FROM cats WHERE cats.category IS NOT NULL
		)
		SELECT category FROM cats WHERE category IS NOT NULL`)
	if err != nil {
		return nil, classify(err, "item categories")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, classify(err, "scan category")
		}
		out = append(out, c)
	}
	return out, classify(rows.Err(), "item categories")
}

func itemAudit(in procure.ItemInput) map[string]any {
	return map[string]any{"sku": in.SKU, "name": in.Name, "description": in.Description, "category": in.Category,
		"unit": in.Unit, "quantity_scale": in.QuantityScale}
}

// CreateItem inserts an item, audited.
func (s *Store) CreateItem(ctx context.Context, actorID int64, in procure.ItemInput) (int64, error) {
	if err := in.Validate().Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		id, err = tx.createItem(ctx, actorID, in)
		return err
	})
	return id, err
}

func (tx *Tx) createItem(ctx context.Context, actorID int64, in procure.ItemInput) (int64, error) {
	var id int64
	err := tx.db.QueryRow(ctx, `
		INSERT INTO items (sku, name, description, category, unit, quantity_scale)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		in.SKU, in.Name, in.Description, in.Category, in.Unit, in.QuantityScale).Scan(&id)
	if err != nil {
		return 0, classify(err, "create item")
	}
	return id, tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "item.create", Entity: "item", EntityID: id, After: itemAudit(in)})
}

// UpdateItem changes an item unless it changed since in.Version was read.
// The SKU is our key for imports and stays as it is.
func (s *Store) UpdateItem(ctx context.Context, actorID, id int64, in procure.ItemInput) error {
	if err := in.Validate().Err(); err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *Tx) error {
		before, err := tx.ItemByID(ctx, id)
		if err != nil {
			return err
		}
		if before.SKU != in.SKU {
			return &procure.Error{Kind: procure.KindInvalid, Message: "The SKU cannot be changed.", Fields: map[string]string{"sku": "The SKU cannot be changed."}}
		}
		tag, err := tx.db.Exec(ctx, `
			UPDATE items SET name = $2, description = $3, category = $4, unit = $5, quantity_scale = $6, version = version + 1
			WHERE id = $1 AND version = $7`, id, in.Name, in.Description, in.Category, in.Unit, in.QuantityScale, in.Version)
		if err != nil {
			return classify(err, "update item")
		}
		if tag.RowsAffected() == 0 {
			return changed("item")
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "item.update", Entity: "item", EntityID: id,
			Before: itemAudit(procure.ItemInput{SKU: before.SKU, Name: before.Name, Description: before.Description,
				Category: before.Category, Unit: before.Unit, QuantityScale: before.QuantityScale}),
			After: itemAudit(in)})
	})
}
