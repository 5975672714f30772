package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/procure"
)

const cartColumns = `
	cl.id, cl.location_id, cl.qty::text, cl.description, cl.unit, COALESCE(cl.est_price::text, '0'),
	COALESCE(cl.suggested_vendor_id, 0), cl.suggested_vendor_name, cl.reason,
	i.id, i.sku, i.name, i.category, i.unit, i.quantity_scale`

func scanCartLine(row pgx.Row) (procure.CartLine, error) {
	var l procure.CartLine
	var qty, est string
	var itemID *int64
	var sku, name, cat, unit *string
	var scale *int
	if err := row.Scan(&l.ID, &l.LocationID, &qty, &l.Description, &l.Unit, &est, &l.SuggestedVendorID, &l.SuggestedVendorName,
		&l.Reason, &itemID, &sku, &name, &cat, &unit, &scale); err != nil {
		return procure.CartLine{}, err
	}
	if err := l.Qty.Scan(qty); err != nil {
		return procure.CartLine{}, err
	}
	if err := l.EstPrice.Scan(est); err != nil {
		return procure.CartLine{}, err
	}
	if itemID != nil {
		l.Item = &procure.Item{ID: *itemID, SKU: *sku, Name: *name, Category: *cat, Unit: *unit, QuantityScale: *scale}
	}
	return l, nil
}

// CartLines returns a user's cart for a location, catalogue lines first.
func (q queries) CartLines(ctx context.Context, userID, locationID int64) ([]procure.CartLine, error) {
	rows, err := q.db.Query(ctx, `SELECT `+cartColumns+`
		FROM cart_lines cl LEFT JOIN items i ON i.id = cl.item_id
		WHERE cl.user_id = $1 AND cl.location_id = $2
		ORDER BY cl.item_id IS NULL, cl.id`, userID, locationID)
	return scanCartLines(rows, err)
}

// TakeCart queues emptying a user's cart for a location and reading what
// it held into *into, catalogue lines first: the submitting transaction's
// first step. A concurrent change to those lines waits for the
// transaction (and then finds them gone); a line added meanwhile stays for
// the next cart; and if the submission goes no further, its rollback puts
// the lines back.
func (b *Batch) TakeCart(userID, locationID int64, into *[]procure.CartLine) {
	b.b.Queue(`
		WITH cl AS (DELETE FROM cart_lines WHERE user_id = $1 AND location_id = $2 RETURNING *)
		SELECT `+cartColumns+`
		FROM cl LEFT JOIN items i ON i.id = cl.item_id
		ORDER BY cl.item_id IS NULL, cl.id`, userID, locationID).Query(func(rows pgx.Rows) error {
		lines, err := scanCartLines(rows, nil)
		*into = lines
		return err
	})
}

func scanCartLines(rows pgx.Rows, err error) ([]procure.CartLine, error) {
	if err != nil {
		return nil, classify(err, "cart")
	}
	defer rows.Close()
	var out []procure.CartLine
	for rows.Next() {
		l, err := scanCartLine(rows)
		if err != nil {
			return nil, classify(err, "scan cart line")
		}
		out = append(out, l)
	}
	return out, classify(rows.Err(), "cart")
}

// CartCount is the number of lines in a user's cart for a location.
func (q queries) CartCount(ctx context.Context, userID, locationID int64) (int, error) {
	var n int
	err := q.db.QueryRow(ctx, `SELECT count(*) FROM cart_lines WHERE user_id = $1 AND location_id = $2`, userID, locationID).Scan(&n)
	return n, classify(err, "cart count")
}

func (q queries) checkCartRoom(ctx context.Context, userID, locationID int64) error {
	n, err := q.CartCount(ctx, userID, locationID)
	if err != nil {
		return err
	}
	if n >= procure.MaxCartLines {
		return procure.Errorf(procure.KindInvalid, "A cart holds at most %d lines; submit this one first.", procure.MaxCartLines)
	}
	return nil
}

// AddToCart puts qty of an item into the cart, adding to a line that
// already holds it, and returns the quantity the line holds now. The
// caller has checked that the user orders for the location and the item
// is offered there.
func (s *Store) AddToCart(ctx context.Context, userID, locationID, itemID int64, qty money.Quantity) (inCart money.Quantity, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		var exists bool
		if err := tx.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cart_lines WHERE user_id = $1 AND location_id = $2 AND item_id = $3)`,
			userID, locationID, itemID).Scan(&exists); err != nil {
			return classify(err, "cart line exists")
		}
		if !exists {
			if err := tx.checkCartRoom(ctx, userID, locationID); err != nil {
				return err
			}
		}
		var total string
		err := tx.db.QueryRow(ctx, `
			INSERT INTO cart_lines (user_id, location_id, item_id, qty) VALUES ($1, $2, $3, $4::numeric)
			ON CONFLICT (user_id, location_id, item_id) WHERE item_id IS NOT NULL
			DO UPDATE SET qty = cart_lines.qty + EXCLUDED.qty
			RETURNING qty::text`, userID, locationID, itemID, qty).Scan(&total)
		if err != nil {
			return classify(err, "add to cart")
		}
		if err := inCart.Scan(total); err != nil || inCart > money.MaxQuantity {
			return procure.Errorf(procure.KindInvalid, "That would make the quantity too large.")
		}
		return nil
	})
	return inCart, err
}

// AddOffContractLine puts an off-contract request into the cart.
func (s *Store) AddOffContractLine(ctx context.Context, userID, locationID int64, qty money.Quantity, oc procure.OffContract) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.checkCartRoom(ctx, userID, locationID); err != nil {
			return err
		}
		var est *money.UnitPrice
		if oc.EstPrice > 0 {
			est = &oc.EstPrice
		}
		_, err := tx.db.Exec(ctx, `
			INSERT INTO cart_lines (user_id, location_id, qty, description, unit, est_price, suggested_vendor_id, suggested_vendor_name, reason)
			VALUES ($1, $2, $3::numeric, $4, $5, $6::numeric, NULLIF($7, 0), $8, $9)`,
			userID, locationID, qty, oc.Description, oc.Unit, est, oc.SuggestedVendorID, oc.SuggestedVendorName, oc.Reason)
		return classify(err, "add off-contract line")
	})
}

// CartLine returns one line of the user's cart (another user's line is
// not found).
func (q queries) CartLine(ctx context.Context, userID, lineID int64) (procure.CartLine, error) {
	l, err := scanCartLine(q.db.QueryRow(ctx, `SELECT `+cartColumns+`
		FROM cart_lines cl LEFT JOIN items i ON i.id = cl.item_id WHERE cl.id = $1 AND cl.user_id = $2`, lineID, userID))
	if errors.Is(err, pgx.ErrNoRows) {
		return procure.CartLine{}, notFound("Cart line", lineID)
	}
	return l, classify(err, "cart line")
}

// SetCartQty changes a line's quantity (only the owner's line).
func (s *Store) SetCartQty(ctx context.Context, userID, lineID int64, qty money.Quantity) error {
	tag, err := s.db.Exec(ctx, `UPDATE cart_lines SET qty = $3::numeric WHERE id = $1 AND user_id = $2`, lineID, userID, qty)
	if err != nil {
		return classify(err, "set cart quantity")
	}
	if tag.RowsAffected() == 0 {
		return notFound("Cart line", lineID)
	}
	return nil
}

// RemoveCartLine deletes a line of the user's cart.
func (s *Store) RemoveCartLine(ctx context.Context, userID, lineID int64) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM cart_lines WHERE id = $1 AND user_id = $2`, lineID, userID)
	if err != nil {
		return classify(err, "remove cart line")
	}
	if tag.RowsAffected() == 0 {
		return notFound("Cart line", lineID)
	}
	return nil
}

// SetFavourite adds or removes an item from the user's favourites.
func (s *Store) SetFavourite(ctx context.Context, userID, itemID int64, on bool) error {
	var err error
	if on {
		_, err = s.db.Exec(ctx, `INSERT INTO favourites (user_id, item_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, userID, itemID)
	} else {
		_, err = s.db.Exec(ctx, `DELETE FROM favourites WHERE user_id = $1 AND item_id = $2`, userID, itemID)
	}
	return classify(err, "set favourite")
}
