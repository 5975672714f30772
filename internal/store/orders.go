package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
)

const poColumns = `
	po.id, po.number, po.request_id, po.location_id, l.name, l.code, po.vendor_id, v.name, v.email, po.currency, po.status,
	po.total::text, po.off_contract, po.submitted_at, po.issued_at, COALESCE(u.name, ''), po.cancel_reason, l.address, v.address, o.name, o.address`

const poFrom = `
	FROM purchase_orders po
	JOIN locations l ON l.id = po.location_id
	JOIN vendors v ON v.id = po.vendor_id
	JOIN purchase_requests pr ON pr.id = po.request_id
	LEFT JOIN users u ON u.id = pr.user_id
	CROSS JOIN organisation o`

func scanPO(row pgx.Row) (procure.PurchaseOrder, error) {
	var po procure.PurchaseOrder
	var cur, status, total string
	if err := row.Scan(&po.ID, &po.Number, &po.RequestID, &po.LocationID, &po.LocationName, &po.LocationCode, &po.VendorID,
		&po.VendorName, &po.VendorEmail, &cur, &status, &total, &po.OffContract, &po.SubmittedAt, &po.IssuedAt,
		&po.RequestedBy, &po.CancelReason, &po.LocationAddress, &po.VendorAddress, &po.BuyerName, &po.BuyerAddress); err != nil {
		return procure.PurchaseOrder{}, err
	}
	po.Status = procure.POStatus(status)
	var err error
	if po.Currency, err = money.ParseCurrency(cur); err != nil {
		return procure.PurchaseOrder{}, err
	}
	po.Total, err = money.ScanAmount(po.Currency, total)
	return po, err
}

// POFilter narrows the order history. Before is a keyset cursor (the id of
// the last PO shown; newest first).
type POFilter struct {
	LocationID int64
	VendorID   int64
	Status     string
	From, To   time.Time // submitted_at range, To exclusive
	RequestID  int64
	Category   string // POs with a line of this category
	Contract   string // "on": on-contract POs, "off": off-contract ones
	Before     int64
	Limit      int
}

// PurchaseOrders lists POs newest first within scope.
func (q queries) PurchaseOrders(ctx context.Context, scope procure.Scope, f POFilter) ([]procure.PurchaseOrder, error) {
	rows, err := q.db.Query(ctx, `SELECT `+poColumns+poFrom+`
		WHERE ($1::bigint[] IS NULL OR po.location_id = ANY ($1))
		  AND ($2 = 0 OR po.location_id = $2)
		  AND ($3 = 0 OR po.vendor_id = $3)
		  AND ($4 = '' OR po.status = $4)
		  AND ($5::timestamptz IS NULL OR po.submitted_at >= $5)
		  AND ($6::timestamptz IS NULL OR po.submitted_at < $6)
		  AND ($7 = 0 OR po.request_id = $7)
		  AND ($8 = 0 OR po.id < $8)
		  AND ($10 = '' OR EXISTS (SELECT 1 FROM po_lines pl WHERE pl.po_id = po.id AND pl.category = $10))
		  AND ($11 = '' OR po.off_contract = ($11 = 'off'))
		ORDER BY po.id DESC
		LIMIT $9`, scope.Locations, f.LocationID, f.VendorID, f.Status, nullTime(f.From), nullTime(f.To), f.RequestID, f.Before, pageLimit(f.Limit),
		f.Category, f.Contract)
	if err != nil {
		return nil, classify(err, "purchase orders")
	}
	defer rows.Close()
	var out []procure.PurchaseOrder
	for rows.Next() {
		po, err := scanPO(rows)
		if err != nil {
			return nil, classify(err, "scan purchase order")
		}
		out = append(out, po)
	}
	return out, classify(rows.Err(), "purchase orders")
}

// PurchaseOrderByID returns a PO with its lines if it exists and scope may
// see it. Another location's PO is "not found", exactly like a missing one.
func (q queries) PurchaseOrderByID(ctx context.Context, scope procure.Scope, id int64) (procure.PurchaseOrder, error) {
	po, err := scanPO(q.db.QueryRow(ctx, `SELECT `+poColumns+poFrom+`
		WHERE po.id = $1 AND ($2::bigint[] IS NULL OR po.location_id = ANY ($2))`, id, scope.Locations))
	if errors.Is(err, pgx.ErrNoRows) {
		return procure.PurchaseOrder{}, notFound("Purchase order", id)
	}
	if err != nil {
		return procure.PurchaseOrder{}, classify(err, "purchase order")
	}
	po.Lines, err = q.poLines(ctx, id, po.Currency)
	return po, err
}

// LockPO locks a PO row inside a transaction (scope-checked) and returns it
// with its lines.
func (tx *Tx) LockPO(ctx context.Context, scope procure.Scope, id int64) (procure.PurchaseOrder, error) {
	var ok bool
	err := tx.db.QueryRow(ctx, `SELECT true FROM purchase_orders WHERE id = $1 AND ($2::bigint[] IS NULL OR location_id = ANY ($2)) FOR UPDATE`,
		id, scope.Locations).Scan(&ok)
	if errors.Is(err, pgx.ErrNoRows) {
		return procure.PurchaseOrder{}, notFound("Purchase order", id)
	}
	if err != nil {
		return procure.PurchaseOrder{}, classify(err, "lock purchase order")
	}
	return tx.PurchaseOrderByID(ctx, scope, id)
}

func (q queries) poLines(ctx context.Context, poID int64, cur money.Currency) ([]procure.POLine, error) {
	rows, err := q.db.Query(ctx, `
		SELECT pl.id, pl.line_no, COALESCE(pl.item_id, 0), COALESCE(i.sku, ''), pl.description, pl.unit, pl.vendor_sku,
		       pl.qty::text, pl.unit_price::text, pl.total::text, COALESCE(pl.contract_id, 0), COALESCE(c.number, ''),
		       COALESCE(c.payment_terms_days, 30), COALESCE(pl.tier_min::text, '0'), pl.received::text, pl.resolution,
		       COALESCE(i.quantity_scale, 3)
		FROM po_lines pl LEFT JOIN items i ON i.id = pl.item_id LEFT JOIN contracts c ON c.id = pl.contract_id
		WHERE pl.po_id = $1 ORDER BY pl.line_no`, poID)
	if err != nil {
		return nil, classify(err, "po lines")
	}
	defer rows.Close()
	var out []procure.POLine
	for rows.Next() {
		var l procure.POLine
		var qty, price, total, tier, received string
		var res []byte
		if err := rows.Scan(&l.ID, &l.LineNo, &l.ItemID, &l.SKU, &l.Description, &l.Unit, &l.VendorSKU, &qty, &price, &total,
			&l.ContractID, &l.ContractNumber, &l.PaymentTerms, &tier, &received, &res, &l.QuantityScale); err != nil {
			return nil, classify(err, "scan po line")
		}
		if err := errors.Join(l.Qty.Scan(qty), l.UnitPrice.Scan(price), l.TierMin.Scan(tier), l.Received.Scan(received)); err != nil {
			return nil, err
		}
		if l.Total, err = money.ScanAmount(cur, total); err != nil {
			return nil, err
		}
		if res != nil {
			var rec pricing.Record
			if err := json.Unmarshal(res, &rec); err != nil {
				return nil, fmt.Errorf("store: po line %d resolution: %w", l.ID, err)
			}
			l.Resolution = &rec
		}
		out = append(out, l)
	}
	return out, classify(rows.Err(), "po lines")
}

// RequestFilter narrows the request history.
type RequestFilter struct {
	LocationID int64
	Before     int64
	Limit      int
}

// PurchaseRequests lists requests newest first within scope (without lines).
func (q queries) PurchaseRequests(ctx context.Context, scope procure.Scope, f RequestFilter) ([]procure.PurchaseRequest, error) {
	rows, err := q.db.Query(ctx, `
		SELECT pr.id, pr.user_id, u.name, pr.location_id, l.name, pr.currency, pr.submitted_at, n.lines, n.pending
		FROM purchase_requests pr JOIN users u ON u.id = pr.user_id JOIN locations l ON l.id = pr.location_id
		CROSS JOIN LATERAL (
			SELECT (SELECT count(*) FROM request_lines rl WHERE rl.request_id = pr.id) +
			       (SELECT count(*) FROM purchase_orders po JOIN po_lines pl ON pl.po_id = po.id
			        WHERE po.request_id = pr.id AND pl.request_line_no IS NOT NULL) AS lines,
			       (SELECT count(*) FROM request_lines rl WHERE rl.request_id = pr.id AND rl.status = 'pending') AS pending) n
		WHERE ($1::bigint[] IS NULL OR pr.location_id = ANY ($1))
		  AND ($2 = 0 OR pr.location_id = $2)
		  AND ($3 = 0 OR pr.id < $3)
		  AND n.lines > 0
		ORDER BY pr.id DESC LIMIT $4`, scope.Locations, f.LocationID, f.Before, pageLimit(f.Limit))
	if err != nil {
		return nil, classify(err, "requests")
	}
	defer rows.Close()
	var out []procure.PurchaseRequest
	for rows.Next() {
		var r procure.PurchaseRequest
		var cur string
		var lines, pending int
		if err := rows.Scan(&r.ID, &r.UserID, &r.UserName, &r.LocationID, &r.LocationName, &cur, &r.SubmittedAt, &lines, &pending); err != nil {
			return nil, classify(err, "scan request")
		}
		r.Currency, _ = money.ParseCurrency(cur)
		r.Lines = make([]procure.RequestLine, lines) // counts only, for the list
		for i := range pending {
			r.Lines[i].Status = procure.LinePending
		}
		out = append(out, r)
	}
	return out, classify(rows.Err(), "requests")
}

// PurchaseRequestByID returns a request with its lines and POs, within scope.
func (q queries) PurchaseRequestByID(ctx context.Context, scope procure.Scope, id int64) (procure.PurchaseRequest, error) {
	var r procure.PurchaseRequest
	var cur string
	err := q.db.QueryRow(ctx, `
		SELECT pr.id, pr.user_id, u.name, pr.location_id, l.name, pr.currency, pr.submitted_at, pr.submit_notes
		FROM purchase_requests pr JOIN users u ON u.id = pr.user_id JOIN locations l ON l.id = pr.location_id
		WHERE pr.id = $1 AND ($2::bigint[] IS NULL OR pr.location_id = ANY ($2))`, id, scope.Locations).Scan(
		&r.ID, &r.UserID, &r.UserName, &r.LocationID, &r.LocationName, &cur, &r.SubmittedAt, &r.SubmitNotes)
	if errors.Is(err, pgx.ErrNoRows) {
		return procure.PurchaseRequest{}, notFound("Request", id)
	}
	if err != nil {
		return procure.PurchaseRequest{}, classify(err, "request")
	}
	if r.Currency, err = money.ParseCurrency(cur); err != nil {
		return procure.PurchaseRequest{}, err
	}
	if r.Lines, err = q.requestLinesOf(ctx, id); err != nil {
		return procure.PurchaseRequest{}, err
	}
	r.Orders, err = q.PurchaseOrders(ctx, procure.Scope{}, POFilter{RequestID: id, Limit: 200})
	return r, err
}

// requestLineSQL selects request lines with their request's facts; the
// WHERE condition is one of two constants below.
const requestLineSelect = `
	SELECT rl.id, rl.request_id, rl.line_no, COALESCE(rl.item_id, 0), COALESCE(i.sku, ''), COALESCE(i.category, ''), rl.description, rl.unit, rl.qty::text,
	       COALESCE(rl.est_price::text, '0'), COALESCE(rl.suggested_vendor_id, 0), rl.suggested_vendor_name, rl.reason,
	       rl.status, COALESCE(po.number, ''), COALESCE(po.id, 0), COALESCE(d.name, ''), rl.decided_at, rl.decision_note, rl.resolution,
	       pr.location_id, l.name, pr.currency, u.name, pr.submitted_at
	FROM request_lines rl
	JOIN purchase_requests pr ON pr.id = rl.request_id
	JOIN locations l ON l.id = pr.location_id
	JOIN users u ON u.id = pr.user_id
	LEFT JOIN items i ON i.id = rl.item_id
	LEFT JOIN po_lines pl ON pl.id = rl.po_line_id
	LEFT JOIN purchase_orders po ON po.id = pl.po_id
	LEFT JOIN users d ON d.id = rl.decided_by`

// orderedLineSelect selects a request's lines that were ordered at once,
// on contract: its PO lines (their resolution is on the PO), shaped as
// request lines.
const orderedLineSelect = `
	SELECT 0, po.request_id, pl.request_line_no, COALESCE(pl.item_id, 0), COALESCE(i.sku, ''), COALESCE(i.category, ''), pl.description, pl.unit,
	       pl.qty::text, '0', 0, '', '', 'ordered', po.number, po.id, '', NULL::timestamptz, '', NULL::jsonb,
	       pr.location_id, l.name, pr.currency, u.name, pr.submitted_at
	FROM purchase_orders po
	JOIN po_lines pl ON pl.po_id = po.id
	JOIN purchase_requests pr ON pr.id = po.request_id
	JOIN locations l ON l.id = pr.location_id
	JOIN users u ON u.id = pr.user_id
	LEFT JOIN items i ON i.id = pl.item_id`

// requestLinesOf returns a request's lines in order: those ordered at once
// and those that went to procurement.
func (q queries) requestLinesOf(ctx context.Context, requestID int64) ([]procure.RequestLine, error) {
	rows, err := q.db.Query(ctx, requestLineSelect+` WHERE rl.request_id = $1
		UNION ALL`+orderedLineSelect+` WHERE po.request_id = $1 AND pl.request_line_no IS NOT NULL
		ORDER BY 3`, requestID)
	if err != nil {
		return nil, classify(err, "request lines")
	}
	return scanRequestLines(rows)
}

// requestLine returns one request line.
func (q queries) requestLine(ctx context.Context, lineID int64) ([]procure.RequestLine, error) {
	rows, err := q.db.Query(ctx, requestLineSelect+` WHERE rl.id = $1`, lineID)
	if err != nil {
		return nil, classify(err, "request line")
	}
	return scanRequestLines(rows)
}

func scanRequestLines(rows pgx.Rows) ([]procure.RequestLine, error) {
	defer rows.Close()
	var out []procure.RequestLine
	for rows.Next() {
		var l procure.RequestLine
		var qty, est, status, cur string
		var res []byte
		if err := rows.Scan(&l.ID, &l.RequestID, &l.LineNo, &l.ItemID, &l.SKU, &l.Category, &l.Description, &l.Unit, &qty, &est,
			&l.OffContract.SuggestedVendorID, &l.OffContract.SuggestedVendorName, &l.OffContract.Reason, &status, &l.PONumber, &l.POID,
			&l.DecidedBy, &l.DecidedAt, &l.DecisionNote, &res, &l.LocationID, &l.LocationName, &cur, &l.RequestedBy, &l.SubmittedAt); err != nil {
			return nil, classify(err, "scan request line")
		}
		l.Status = procure.RequestLineStatus(status)
		l.OffContract.Description, l.OffContract.Unit = l.Description, l.Unit
		if err := errors.Join(l.Qty.Scan(qty), l.OffContract.EstPrice.Scan(est)); err != nil {
			return nil, err
		}
		l.Currency, _ = money.ParseCurrency(cur)
		if res != nil {
			var rec pricing.Record
			if err := json.Unmarshal(res, &rec); err == nil {
				l.Resolution = &rec
			}
		}
		out = append(out, l)
	}
	return out, classify(rows.Err(), "request lines")
}

// PendingOffContract is a page of procurement's queue: off-contract lines
// waiting for a decision, oldest first, from the one after line id after
// (0: from the start), at most limit of them.
func (q queries) PendingOffContract(ctx context.Context, after int64, limit int) ([]procure.RequestLine, error) {
	rows, err := q.db.Query(ctx, requestLineSelect+` WHERE rl.status = 'pending' AND rl.id > $1 ORDER BY rl.id LIMIT $2`, after, limit)
	if err != nil {
		return nil, classify(err, "pending lines")
	}
	return scanRequestLines(rows)
}

// PendingOffContractCount is how many off-contract lines wait for a
// decision, and how many of them come before line id after in the queue.
func (q queries) PendingOffContractCount(ctx context.Context, after int64) (total, before int, err error) {
	err = q.db.QueryRow(ctx, `
		SELECT count(*), count(*) FILTER (WHERE id <= $1) FROM request_lines WHERE status = 'pending'`, after).Scan(&total, &before)
	return total, before, classify(err, "count pending lines")
}

// RecurringOffContractItems lists off-contract lines asked for at least
// twice, most requested first.
func (q queries) RecurringOffContractItems(ctx context.Context) ([]procure.RecurringOffContract, error) {
	rows, err := q.db.Query(ctx, `
		SELECT min(rl.description), COALESCE(NULLIF(min(COALESCE(v.name, rl.suggested_vendor_name)), ''), '—'),
		       count(*), count(DISTINCT pr.location_id), pr.currency,
		       sum(COALESCE(pl.total, rl.qty * rl.est_price, 0))::text, max(pr.submitted_at)
		FROM request_lines rl
		JOIN purchase_requests pr ON pr.id = rl.request_id
		LEFT JOIN vendors v ON v.id = rl.suggested_vendor_id
		LEFT JOIN po_lines pl ON pl.id = rl.po_line_id
		WHERE rl.status IN ('pending', 'approved', 'rejected') AND rl.item_id IS NULL
		GROUP BY lower(trim(rl.description)), pr.currency
		HAVING count(*) >= 2
		ORDER BY count(*) DESC, max(pr.submitted_at) DESC
		LIMIT 100`)
	if err != nil {
		return nil, classify(err, "recurring off-contract")
	}
	defer rows.Close()
	var out []procure.RecurringOffContract
	for rows.Next() {
		var r procure.RecurringOffContract
		var cur, spend string
		if err := rows.Scan(&r.Description, &r.Vendor, &r.Requests, &r.Locations, &cur, &spend, &r.LastAsked); err != nil {
			return nil, classify(err, "scan recurring")
		}
		c, err := money.ParseCurrency(cur)
		if err != nil {
			return nil, err
		}
		if r.Spend, err = money.RoundAmount(c, spend); err != nil {
			return nil, err
		}
		r.Currency = r.Spend.Currency()
		out = append(out, r)
	}
	return out, classify(rows.Err(), "recurring off-contract")
}

// RequestOwner is the user who submitted a request.
func (q queries) RequestOwner(ctx context.Context, requestID int64) (int64, error) {
	var id int64
	err := q.db.QueryRow(ctx, `SELECT user_id FROM purchase_requests WHERE id = $1`, requestID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, notFound("Request", requestID)
	}
	return id, classify(err, "request owner")
}
