package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/procure"
)

const locationColumns = `l.id, l.code, l.name, l.currency, l.active, l.version, l.address`

// scanLocation scans locationColumns, then extra for any columns after them.
func scanLocation(row pgx.Row, extra ...any) (procure.Location, error) {
	var l procure.Location
	var cur string
	if err := row.Scan(append([]any{&l.ID, &l.Code, &l.Name, &cur, &l.Active, &l.Version, &l.Address}, extra...)...); err != nil {
		return procure.Location{}, err
	}
	c, err := money.ParseCurrency(cur)
	if err != nil {
		return procure.Location{}, err
	}
	l.Currency = c
	return l, nil
}

// Locations lists locations by name; scope limits them for office admins.
func (q queries) Locations(ctx context.Context, scope procure.Scope) ([]procure.Location, error) {
	rows, err := q.db.Query(ctx, `
		SELECT `+locationColumns+` FROM locations l
		WHERE ($1::bigint[] IS NULL OR l.id = ANY ($1))
		ORDER BY l.name, l.id`, scope.Locations)
	if err != nil {
		return nil, classify(err, "locations")
	}
	defer rows.Close()
	var out []procure.Location
	for rows.Next() {
		l, err := scanLocation(rows)
		if err != nil {
			return nil, classify(err, "scan location")
		}
		out = append(out, l)
	}
	return out, classify(rows.Err(), "locations")
}

const locationByIDSQL = `SELECT ` + locationColumns + ` FROM locations l
	WHERE l.id = $1 AND ($2::bigint[] IS NULL OR l.id = ANY ($2))`

// LocationByID returns a location if it exists and scope may see it.
func (q queries) LocationByID(ctx context.Context, scope procure.Scope, id int64) (procure.Location, error) {
	l, err := scanLocation(q.db.QueryRow(ctx, locationByIDSQL, id, scope.Locations))
	if errors.Is(err, pgx.ErrNoRows) {
		return procure.Location{}, notFound("Location", id)
	}
	return l, classify(err, "location")
}

// LocationByID queues reading a location scope may see into *into; a
// missing one fails the batch with KindNotFound.
func (b *Batch) LocationByID(scope procure.Scope, id int64, into *procure.Location) {
	b.b.Queue(locationByIDSQL, id, scope.Locations).QueryRow(func(row pgx.Row) error {
		l, err := scanLocation(row)
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("Location", id)
		}
		*into = l
		return err
	})
}

// CreateLocation inserts a location, audited.
func (s *Store) CreateLocation(ctx context.Context, actorID int64, in procure.LocationInput) (int64, error) {
	cur, fe := in.Validate()
	if err := fe.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		err := tx.db.QueryRow(ctx, `INSERT INTO locations (code, name, currency, active, address) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			in.Code, in.Name, cur.Code(), in.Active, in.Address).Scan(&id)
		if err != nil {
			return classify(err, "create location")
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "location.create", Entity: "location", EntityID: id,
			After: map[string]any{"code": in.Code, "name": in.Name, "currency": cur.Code(), "active": in.Active, "address": in.Address}})
	})
	return id, err
}

// UpdateLocation changes a location unless it changed since in.Version was
// read. The currency of a location that has orders never changes.
func (s *Store) UpdateLocation(ctx context.Context, actorID, id int64, in procure.LocationInput) error {
	cur, fe := in.Validate()
	if err := fe.Err(); err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *Tx) error {
		before, err := scanLocation(tx.db.QueryRow(ctx, `SELECT `+locationColumns+` FROM locations l WHERE l.id = $1 FOR UPDATE`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("Location", id)
		}
		if err != nil {
			return classify(err, "lock location")
		}
		if before.Version != in.Version {
			return changed("location")
		}
		if before.Currency != cur {
			if err := tx.checkCurrencyChange(ctx, id); err != nil {
				return err
			}
		}
		if _, err := tx.db.Exec(ctx, `
			UPDATE locations SET code = $2, name = $3, currency = $4, active = $5, address = $6, version = version + 1
			WHERE id = $1`, id, in.Code, in.Name, cur.Code(), in.Active, in.Address); err != nil {
			return classify(err, "update location")
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "location.update", Entity: "location", EntityID: id,
			Before: map[string]any{"code": before.Code, "name": before.Name, "currency": before.Currency.Code(), "active": before.Active, "address": before.Address},
			After:  map[string]any{"code": in.Code, "name": in.Name, "currency": cur.Code(), "active": in.Active, "address": in.Address}})
	})
}

// checkCurrencyChange refuses a currency change for a location that already
// has orders (their amounts are in the old currency) or a cart, or that a
// contract in the old currency covers by name.
func (tx *Tx) checkCurrencyChange(ctx context.Context, id int64) error {
	var orders, covered bool
	err := tx.db.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM purchase_requests WHERE location_id = $1)
		    OR EXISTS (SELECT 1 FROM cart_lines WHERE location_id = $1),
		       EXISTS (SELECT 1 FROM contract_locations WHERE location_id = $1)`, id).Scan(&orders, &covered)
	if err != nil {
		return classify(err, "location currency in use")
	}
	msg := ""
	switch {
	case orders:
		msg = "This location has orders or a cart in its currency; create a new location for the new currency."
	case covered:
		msg = "Contracts in the old currency cover this location; change them first."
	}
	if msg != "" {
		return &procure.Error{Kind: procure.KindInvalid, Message: msg, Fields: map[string]string{"currency": msg}}
	}
	return nil
}

// Organisation is the buyer printed on every PO.
func (q queries) Organisation(ctx context.Context) (procure.Organisation, error) {
	var o procure.Organisation
	err := q.db.QueryRow(ctx, `SELECT name, address, version FROM organisation`).Scan(&o.Name, &o.Address, &o.Version)
	return o, classify(err, "organisation")
}

// UpdateOrganisation changes the organisation's name and address unless
// they changed since in.Version was read, audited.
func (s *Store) UpdateOrganisation(ctx context.Context, actorID int64, in procure.OrganisationInput) error {
	if err := in.Validate().Err(); err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *Tx) error {
		var before procure.Organisation
		if err := tx.db.QueryRow(ctx, `SELECT name, address, version FROM organisation FOR UPDATE`).Scan(&before.Name, &before.Address, &before.Version); err != nil {
			return classify(err, "lock organisation")
		}
		if before.Version != in.Version {
			return changed("organisation")
		}
		if _, err := tx.db.Exec(ctx, `UPDATE organisation SET name = $1, address = $2, version = version + 1, updated_at = now()`,
			in.Name, in.Address); err != nil {
			return classify(err, "update organisation")
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "organisation.update", Entity: "organisation",
			Before: map[string]any{"name": before.Name, "address": before.Address}, After: map[string]any{"name": in.Name, "address": in.Address}})
	})
}
