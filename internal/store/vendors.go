package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/procure"
)

const vendorColumns = `
	v.id, v.name, v.tax_id, v.email, v.phone, v.address, v.categories, v.status, v.status_reason,
	COALESCE(su.name, ''), v.status_changed_at, v.notes, v.version`

func scanVendor(row pgx.Row) (procure.Vendor, error) {
	var v procure.Vendor
	var status string
	var changed *time.Time
	err := row.Scan(&v.ID, &v.Name, &v.TaxID, &v.Email, &v.Phone, &v.Address, &v.Categories, &status,
		&v.StatusReason, &v.StatusChangedBy, &changed, &v.Notes, &v.Version)
	v.Status = procure.VendorStatus(status)
	if changed != nil {
		v.StatusChangedAt = *changed
	}
	return v, err
}

// VendorFilter narrows the vendor list. After is a keyset cursor: the name
// and id of the last vendor on the previous page.
type VendorFilter struct {
	Q         string
	Status    string
	AfterName string
	AfterID   int64
	Limit     int
}

// likePattern escapes LIKE wildcards in user text and wraps it in %…%.
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(q) + "%"
}

func pageLimit(n int) int {
	if n <= 0 || n > 200 {
		return 50
	}
	return n
}

// Vendors lists vendors by name, searched and filtered, one keyset page.
func (q queries) Vendors(ctx context.Context, f VendorFilter) ([]procure.Vendor, error) {
	const sql = `
		SELECT ` + vendorColumns + `
		FROM vendors v LEFT JOIN users su ON su.id = v.status_changed_by
		WHERE ($1 = '' OR v.name ILIKE $2 OR v.tax_id ILIKE $2 OR array_to_string(v.categories, ' ') ILIKE $2)
		  AND ($3 = '' OR v.status = $3)
		  AND ($4 = 0 OR (lower(v.name), v.id) > (lower($5), $4))
		ORDER BY lower(v.name), v.id
		LIMIT $6`
	rows, err := q.db.Query(ctx, sql, f.Q, likePattern(f.Q), f.Status, f.AfterID, f.AfterName, pageLimit(f.Limit))
	if err != nil {
		return nil, classify(err, "vendors")
	}
	defer rows.Close()
	var out []procure.Vendor
	for rows.Next() {
		v, err := scanVendor(rows)
		if err != nil {
			return nil, classify(err, "scan vendor")
		}
		out = append(out, v)
	}
	return out, classify(rows.Err(), "vendors")
}

// VendorByID returns one vendor.
func (q queries) VendorByID(ctx context.Context, id int64) (procure.Vendor, error) {
	v, err := scanVendor(q.db.QueryRow(ctx, `SELECT `+vendorColumns+`
		FROM vendors v LEFT JOIN users su ON su.id = v.status_changed_by WHERE v.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return procure.Vendor{}, notFound("Vendor", id)
	}
	return v, classify(err, "vendor")
}

func vendorAudit(in procure.VendorInput) map[string]any {
	return map[string]any{"name": in.Name, "tax_id": in.TaxID, "email": in.Email, "phone": in.Phone,
		"address": in.Address, "categories": in.Categories, "notes": in.Notes}
}

// CreateVendor inserts a vendor as pending approval, audited.
func (s *Store) CreateVendor(ctx context.Context, actorID int64, in procure.VendorInput) (int64, error) {
	if err := in.Validate().Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		err := tx.db.QueryRow(ctx, `
			INSERT INTO vendors (name, tax_id, email, phone, address, categories, notes, status_changed_by, status_changed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, 0), now()) RETURNING id`,
			in.Name, in.TaxID, in.Email, in.Phone, in.Address, nonNil(in.Categories), in.Notes, actorID).Scan(&id)
		if err != nil {
			return classify(err, "create vendor")
		}
		after := vendorAudit(in)
		after["status"] = procure.VendorPending
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "vendor.create", Entity: "vendor", EntityID: id, After: after})
	})
	return id, err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// UpdateVendor changes a vendor's details unless it changed since
// in.Version was read.
func (s *Store) UpdateVendor(ctx context.Context, actorID, id int64, in procure.VendorInput) error {
	if err := in.Validate().Err(); err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *Tx) error {
		before, err := tx.VendorByID(ctx, id)
		if err != nil {
			return err
		}
		tag, err := tx.db.Exec(ctx, `
			UPDATE vendors SET name = $2, tax_id = $3, email = $4, phone = $5, address = $6, categories = $7,
			       notes = $8, version = version + 1
			WHERE id = $1 AND version = $9`,
			id, in.Name, in.TaxID, in.Email, in.Phone, in.Address, nonNil(in.Categories), in.Notes, in.Version)
		if err != nil {
			return classify(err, "update vendor")
		}
		if tag.RowsAffected() == 0 {
			return changed("vendor")
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "vendor.update", Entity: "vendor", EntityID: id,
			Before: vendorAudit(procure.VendorInput{Name: before.Name, TaxID: before.TaxID, Email: before.Email, Phone: before.Phone,
				Address: before.Address, Categories: before.Categories, Notes: before.Notes}),
			After: vendorAudit(in)})
	})
}

// SetVendorStatus approves, sets pending or blocks a vendor, recording who
// and why. Blocking takes effect on the next order: resolution skips
// vendors that are not approved.
func (s *Store) SetVendorStatus(ctx context.Context, actorID, id int64, to procure.VendorStatus, reason string) error {
	if err := procure.CheckVendorStatus(to, reason); err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *Tx) error {
		var from string
		err := tx.db.QueryRow(ctx, `SELECT status FROM vendors WHERE id = $1 FOR UPDATE`, id).Scan(&from)
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("Vendor", id)
		}
		if err != nil {
			return classify(err, "lock vendor")
		}
		if _, err := tx.db.Exec(ctx, `
			UPDATE vendors SET status = $2, status_reason = $3, status_changed_by = NULLIF($4, 0),
			       status_changed_at = now(), version = version + 1
			WHERE id = $1`, id, string(to), reason, actorID); err != nil {
			return classify(err, "set vendor status")
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "vendor.status", Entity: "vendor", EntityID: id,
			Before: map[string]any{"status": from}, After: map[string]any{"status": to, "reason": reason}})
	})
}

// VendorSpend is committed spend on a vendor's contracts, per currency.
func (q queries) VendorSpend(ctx context.Context, vendorID int64) ([]money.Amount, error) {
	rows, err := q.db.Query(ctx, `
		SELECT c.currency, sum(`+committedExpr+`)::text FROM contracts c
		WHERE c.vendor_id = $1 GROUP BY c.currency ORDER BY c.currency`, vendorID)
	if err != nil {
		return nil, classify(err, "vendor spend")
	}
	defer rows.Close()
	var out []money.Amount
	for rows.Next() {
		var cur, sum string
		if err := rows.Scan(&cur, &sum); err != nil {
			return nil, classify(err, "scan vendor spend")
		}
		a, err := amountOf(cur, sum)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, classify(rows.Err(), "vendor spend")
}

// amountOf reads NUMERIC text in the given currency.
func amountOf(cur, s string) (money.Amount, error) {
	c, err := money.ParseCurrency(cur)
	if err != nil {
		return money.Amount{}, err
	}
	return money.ScanAmount(c, s)
}

// SupplierFilter narrows the directory.
type SupplierFilter struct {
	Category   string
	LocationID int64
	Today      time.Time
	AfterName  string // keyset: the page starts after this vendor (name, id)
	AfterID    int64
	Limit      int
}

// Suppliers is the approved-supplier directory: approved vendors, with the
// item categories and locations of their active, unexpired contracts, one
// keyset page by name. Filtering by location keeps vendors with an active
// contract covering it.
func (q queries) Suppliers(ctx context.Context, f SupplierFilter) ([]procure.Supplier, error) {
	const sql = `
		WITH live AS (
			SELECT c.id, c.vendor_id FROM contracts c
			WHERE c.status = 'active' AND c.start_date <= $3 AND c.end_date >= $3
			  AND ($2 = 0 OR NOT EXISTS (SELECT 1 FROM contract_locations cl WHERE cl.contract_id = c.id)
			       OR EXISTS (SELECT 1 FROM contract_locations cl WHERE cl.contract_id = c.id AND cl.location_id = $2))
		)
		SELECT ` + vendorColumns + `,
		       COALESCE((SELECT array_agg(DISTINCT i.category ORDER BY i.category)
		                 FROM live l JOIN contract_prices p ON p.contract_id = l.id JOIN items i ON i.id = p.item_id
		                 WHERE l.vendor_id = v.id), '{}'),
		       (SELECT count(*) FROM live l WHERE l.vendor_id = v.id),
		       CASE WHEN EXISTS (SELECT 1 FROM live l WHERE l.vendor_id = v.id
		                         AND NOT EXISTS (SELECT 1 FROM contract_locations cl WHERE cl.contract_id = l.id))
		            THEN ARRAY['all locations']
		            ELSE COALESCE((SELECT array_agg(DISTINCT lo.name ORDER BY lo.name) FROM live l
		                 JOIN contract_locations cl ON cl.contract_id = l.id JOIN locations lo ON lo.id = cl.location_id
		                 WHERE l.vendor_id = v.id), '{}') END
		FROM vendors v LEFT JOIN users su ON su.id = v.status_changed_by
		WHERE v.status = 'approved'
		  AND ($2 = 0 OR EXISTS (SELECT 1 FROM live l WHERE l.vendor_id = v.id))
		  AND ($1 = '' OR $1 = ANY (v.categories) OR EXISTS (
		        SELECT 1 FROM live l JOIN contract_prices p ON p.contract_id = l.id JOIN items i ON i.id = p.item_id
		        WHERE l.vendor_id = v.id AND i.category = $1))
		  AND ($4 = 0 OR (lower(v.name), v.id) > (lower($5), $4))
		ORDER BY lower(v.name), v.id
		LIMIT $6`
	rows, err := q.db.Query(ctx, sql, f.Category, f.LocationID, f.Today, f.AfterID, f.AfterName, pageLimit(f.Limit))
	if err != nil {
		return nil, classify(err, "suppliers")
	}
	defer rows.Close()
	var out []procure.Supplier
	for rows.Next() {
		var s procure.Supplier
		var status string
		var changedAt *time.Time
		v := &s.Vendor
		if err := rows.Scan(&v.ID, &v.Name, &v.TaxID, &v.Email, &v.Phone, &v.Address, &v.Categories, &status,
			&v.StatusReason, &v.StatusChangedBy, &changedAt, &v.Notes, &v.Version,
			&s.Categories, &s.Contracts, &s.Locations); err != nil {
			return nil, classify(err, "scan supplier")
		}
		v.Status = procure.VendorStatus(status)
		out = append(out, s)
	}
	return out, classify(rows.Err(), "suppliers")
}

// VendorOptions lists every vendor's id, name and status, for select boxes.
func (q queries) VendorOptions(ctx context.Context) ([]procure.Vendor, error) {
	rows, err := q.db.Query(ctx, `SELECT id, name, status FROM vendors ORDER BY lower(name), id`)
	return scanVendorOptions(rows, err, "vendor options")
}

// scanVendorOptions reads rows of (id, name, status) vendors.
func scanVendorOptions(rows pgx.Rows, err error, what string) ([]procure.Vendor, error) {
	if err != nil {
		return nil, classify(err, what)
	}
	defer rows.Close()
	var out []procure.Vendor
	for rows.Next() {
		var v procure.Vendor
		var status string
		if err := rows.Scan(&v.ID, &v.Name, &status); err != nil {
			return nil, classify(err, "scan "+what)
		}
		v.Status = procure.VendorStatus(status)
		out = append(out, v)
	}
	return out, classify(rows.Err(), what)
}
