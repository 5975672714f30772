package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
)

// InvoiceTarget is what an invoice line is matched against: its PO line,
// the contract price that line resolved to, the contract's tolerance and
// dates, and the quantities ordered, received and already invoiced.
type InvoiceTarget struct {
	POLineID       int64
	POID           int64
	PONumber       string
	POStatus       procure.POStatus
	VendorID       int64
	Currency       money.Currency
	LocationID     int64
	ItemID         int64
	Category       string
	Description    string
	ContractID     int64 // 0 for an approved off-contract line
	ContractNumber string
	Tolerance      money.Percent
	Start, End     pricing.Date
	Qty            money.Quantity
	UnitPrice      money.UnitPrice // what the line resolved to
	Received       money.Quantity
	Invoiced       money.Quantity // on earlier invoices
}

// LockInvoiceTargets locks the PO lines being invoiced (in id order, so two
// invoices of the same lines queue instead of deadlocking) and returns their
// facts. Locking makes "already invoiced" exact across concurrent invoices.
//
// The lock is its own statement: under READ COMMITTED a statement that
// waited for a row lock re-checks only that row, so a sum over invoice
// lines in the same statement would still miss the invoice that held the
// lock. The second statement takes a fresh snapshot, after the wait.
func (tx *Tx) LockInvoiceTargets(ctx context.Context, poLineIDs []int64) (map[int64]InvoiceTarget, error) {
	if _, err := tx.db.Exec(ctx, `SELECT id FROM po_lines WHERE id = ANY ($1) ORDER BY id FOR UPDATE`, poLineIDs); err != nil {
		return nil, classify(err, "lock invoice targets")
	}
	rows, err := tx.db.Query(ctx, `
		SELECT pl.id, po.id, po.number, po.status, po.vendor_id, po.currency, po.location_id, COALESCE(pl.item_id, 0), pl.category,
		       pl.description, COALESCE(pl.contract_id, 0), COALESCE(c.number, ''), COALESCE(c.tolerance_pct, 0)::text,
		       c.start_date, c.end_date,
		       pl.qty::text, pl.unit_price::text, pl.received::text,
		       (SELECT COALESCE(sum(il.qty), 0) FROM invoice_lines il WHERE il.po_line_id = pl.id)::text
		FROM po_lines pl
		JOIN purchase_orders po ON po.id = pl.po_id
		LEFT JOIN contracts c ON c.id = pl.contract_id
		WHERE pl.id = ANY ($1)
		ORDER BY pl.id`, poLineIDs)
	if err != nil {
		return nil, classify(err, "invoice targets")
	}
	defer rows.Close()
	out := map[int64]InvoiceTarget{}
	for rows.Next() {
		var t InvoiceTarget
		var status, cur, tol, qty, price, received, invoiced string
		var start, end *time.Time
		if err := rows.Scan(&t.POLineID, &t.POID, &t.PONumber, &status, &t.VendorID, &cur, &t.LocationID, &t.ItemID, &t.Category,
			&t.Description, &t.ContractID, &t.ContractNumber, &tol, &start, &end, &qty, &price, &received, &invoiced); err != nil {
			return nil, classify(err, "scan invoice target")
		}
		t.POStatus = procure.POStatus(status)
		if t.Currency, err = money.ParseCurrency(cur); err != nil {
			return nil, err
		}
		if err := errors.Join(t.Tolerance.Scan(tol), t.Qty.Scan(qty), t.UnitPrice.Scan(price), t.Received.Scan(received), t.Invoiced.Scan(invoiced)); err != nil {
			return nil, err
		}
		t.Start, t.End = pricing.Date(-1<<30), pricing.Date(1<<30) // an off-contract line has no dates to check
		if start != nil && end != nil {
			t.Start, t.End = pricing.DateOf(*start), pricing.DateOf(*end)
		}
		out[t.POLineID] = t
	}
	return out, classify(rows.Err(), "invoice targets")
}

// NewInvoiceLine is an invoice line with its match, to write.
type NewInvoiceLine struct {
	POLineID        int64
	Description     string
	Qty             money.Quantity
	UnitPrice       money.UnitPrice
	Total           money.Amount
	Status          string
	Exceptions      []string
	Explanation     string
	ContractPrice   *money.UnitPrice
	UnitVariance    money.UnitPrice
	TotalVariance   money.Amount
	BeyondTolerance bool
	QtyVariance     money.Quantity
	LocationID      int64
	ItemID          int64
	Category        string
	ContractID      int64
}

// InsertInvoice writes an invoice and its matched lines, audited.
func (tx *Tx) InsertInvoice(ctx context.Context, actorID int64, v procure.InvoiceValues, status procure.InvoiceStatus, total money.Amount, lines []NewInvoiceLine) (int64, error) {
	var id int64
	err := tx.db.QueryRow(ctx, `
		INSERT INTO invoices (vendor_id, number, invoice_date, currency, status, total, note, created_by)
		VALUES ($1, $2, $3, $4, $5, $6::numeric, $7, NULLIF($8, 0)) RETURNING id`,
		v.VendorID, v.Number, v.Date.Time(), v.Currency.Code(), string(status), total.String(), v.Note, actorID).Scan(&id)
	if err != nil {
		return 0, classify(err, "insert invoice")
	}
	n := len(lines)
	nos := make([]int32, n)
	poLines, locs, items, contracts := make([]*int64, n), make([]*int64, n), make([]*int64, n), make([]*int64, n)
	descs, qtys, prices, totals, statuses, expls, cats := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	excs := make([]string, n)
	cprices := make([]*string, n)
	uvars, tvars, qvars := make([]string, n), make([]string, n), make([]string, n)
	beyond := make([]bool, n)
	opt := func(v int64) *int64 {
		if v == 0 {
			return nil
		}
		return &v
	}
	for i, l := range lines {
		nos[i] = int32(i + 1)
		poLines[i], locs[i], items[i], contracts[i] = opt(l.POLineID), opt(l.LocationID), opt(l.ItemID), opt(l.ContractID)
		descs[i], qtys[i], prices[i], totals[i] = l.Description, l.Qty.String(), l.UnitPrice.Format(4), l.Total.String()
		statuses[i], expls[i], cats[i] = l.Status, l.Explanation, l.Category
		excs[i] = "{" + joinComma(l.Exceptions) + "}"
		if l.ContractPrice != nil {
			s := l.ContractPrice.Format(4)
			cprices[i] = &s
		}
		uvars[i], tvars[i], qvars[i], beyond[i] = l.UnitVariance.Format(4), l.TotalVariance.String(), l.QtyVariance.String(), l.BeyondTolerance
	}
	if _, err := tx.db.Exec(ctx, `
		INSERT INTO invoice_lines (invoice_id, line_no, po_line_id, description, qty, unit_price, total, status, exceptions, explanation,
		                           contract_price, unit_variance, total_variance, beyond_tolerance, qty_variance,
		                           invoice_date, currency, vendor_id, location_id, item_id, category, contract_id)
		SELECT $1, u.no, u.poline, u.descr, u.qty::numeric, u.price::numeric, u.total::numeric, u.status, u.exc::text[], u.expl,
		       u.cprice::numeric, u.uvar::numeric, u.tvar::numeric, u.beyond, u.qvar::numeric,
		       $2, $3, $4, u.loc, u.item, u.cat, u.contract
		FROM unnest($5::int[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],
		            $14::text[], $15::text[], $16::text[], $17::bool[], $18::text[], $19::bigint[], $20::bigint[], $21::text[], $22::bigint[])
		     AS u(no, poline, descr, qty, price, total, status, exc, expl, cprice, uvar, tvar, beyond, qvar, loc, item, cat, contract)`,
		id, v.Date.Time(), v.Currency.Code(), v.VendorID,
		nos, poLines, descs, qtys, prices, totals, statuses, excs, expls, cprices, uvars, tvars, beyond, qvars, locs, items, cats, contracts); err != nil {
		return 0, classify(err, "insert invoice lines")
	}
	if _, err := tx.db.Exec(ctx, `
		INSERT INTO contract_invoiced (contract_id, total)
		SELECT u.contract, sum(u.total::numeric) FROM unnest($1::bigint[], $2::text[]) AS u(contract, total)
		WHERE u.contract IS NOT NULL GROUP BY u.contract
		ON CONFLICT (contract_id) DO UPDATE SET total = contract_invoiced.total + EXCLUDED.total`, contracts, totals); err != nil {
		return 0, classify(err, "contract invoiced")
	}
	exceptions := 0
	for _, l := range lines {
		if l.Status == "exception" {
			exceptions++
		}
	}
	return id, tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "invoice.record", Entity: "invoice", EntityID: id,
		After: map[string]any{"vendor_id": v.VendorID, "number": v.Number, "date": v.Date.String(), "total": total.String(),
			"currency": v.Currency.Code(), "status": status, "lines": len(lines), "exceptions": exceptions}})
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

const invoiceColumns = `
	inv.id, inv.vendor_id, v.name, inv.number, inv.invoice_date, inv.currency, inv.status, inv.total::text, inv.note,
	inv.resolution_note, COALESCE(ru.name, ''), inv.resolved_at, COALESCE(cu.name, ''), inv.created_at, inv.version,
	(SELECT count(*) FROM invoice_lines il WHERE il.invoice_id = inv.id AND il.status = 'exception')`

const invoiceFrom = `
	FROM invoices inv JOIN vendors v ON v.id = inv.vendor_id
	LEFT JOIN users ru ON ru.id = inv.resolved_by LEFT JOIN users cu ON cu.id = inv.created_by`

func scanInvoice(row pgx.Row) (procure.Invoice, error) {
	var inv procure.Invoice
	var date time.Time
	var cur, status, total string
	if err := row.Scan(&inv.ID, &inv.VendorID, &inv.VendorName, &inv.Number, &date, &cur, &status, &total, &inv.Note,
		&inv.ResolutionNote, &inv.ResolvedBy, &inv.ResolvedAt, &inv.CreatedBy, &inv.CreatedAt, &inv.Version, &inv.Exceptions); err != nil {
		return procure.Invoice{}, err
	}
	inv.Date, inv.Status = pricing.DateOf(date), procure.InvoiceStatus(status)
	var err error
	if inv.Currency, err = money.ParseCurrency(cur); err != nil {
		return procure.Invoice{}, err
	}
	inv.Total, err = money.ScanAmount(inv.Currency, total)
	return inv, err
}

// InvoiceFilter narrows the invoice list; Before is a keyset cursor.
type InvoiceFilter struct {
	Status   string
	VendorID int64
	From, To time.Time // invoice date, To exclusive
	Before   int64
	Limit    int
}

// Invoices lists invoices newest first.
func (q queries) Invoices(ctx context.Context, f InvoiceFilter) ([]procure.Invoice, error) {
	rows, err := q.db.Query(ctx, `SELECT `+invoiceColumns+invoiceFrom+`
		WHERE ($1 = '' OR inv.status = $1) AND ($2 = 0 OR inv.vendor_id = $2)
		  AND ($3::date IS NULL OR inv.invoice_date >= $3) AND ($4::date IS NULL OR inv.invoice_date < $4)
		  AND ($5 = 0 OR inv.id < $5)
		ORDER BY inv.id DESC LIMIT $6`, f.Status, f.VendorID, nullTime(f.From), nullTime(f.To), f.Before, pageLimit(f.Limit))
	if err != nil {
		return nil, classify(err, "invoices")
	}
	defer rows.Close()
	var out []procure.Invoice
	for rows.Next() {
		inv, err := scanInvoice(rows)
		if err != nil {
			return nil, classify(err, "scan invoice")
		}
		out = append(out, inv)
	}
	return out, classify(rows.Err(), "invoices")
}

// InvoiceByID returns an invoice with its lines.
func (q queries) InvoiceByID(ctx context.Context, id int64) (procure.Invoice, error) {
	inv, err := scanInvoice(q.db.QueryRow(ctx, `SELECT `+invoiceColumns+invoiceFrom+` WHERE inv.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return procure.Invoice{}, notFound("Invoice", id)
	}
	if err != nil {
		return procure.Invoice{}, classify(err, "invoice")
	}
	rows, err := q.db.Query(ctx, `
		SELECT il.id, il.line_no, COALESCE(il.po_line_id, 0), COALESCE(po.number, ''), COALESCE(po.id, 0), il.description,
		       il.qty::text, il.unit_price::text, il.total::text, il.status, il.exceptions, il.explanation,
		       COALESCE(il.contract_price::text, '0'), il.unit_variance::text, il.total_variance::text, il.beyond_tolerance,
		       il.qty_variance::text, COALESCE(c.number, '')
		FROM invoice_lines il
		LEFT JOIN po_lines pl ON pl.id = il.po_line_id
		LEFT JOIN purchase_orders po ON po.id = pl.po_id
		LEFT JOIN contracts c ON c.id = il.contract_id
		WHERE il.invoice_id = $1 ORDER BY il.line_no`, id)
	if err != nil {
		return procure.Invoice{}, classify(err, "invoice lines")
	}
	defer rows.Close()
	for rows.Next() {
		var l procure.InvoiceLine
		var qty, price, total, cprice, uvar, tvar, qvar string
		if err := rows.Scan(&l.ID, &l.LineNo, &l.POLineID, &l.PONumber, &l.POID, &l.Description, &qty, &price, &total, &l.Status,
			&l.Exceptions, &l.Explanation, &cprice, &uvar, &tvar, &l.BeyondTolerance, &qvar, &l.ContractNumber); err != nil {
			return procure.Invoice{}, classify(err, "scan invoice line")
		}
		if err := errors.Join(l.Qty.Scan(qty), l.UnitPrice.Scan(price), l.ContractPrice.Scan(cprice), l.UnitVariance.Scan(uvar), l.QtyVariance.Scan(qvar)); err != nil {
			return procure.Invoice{}, err
		}
		if l.Total, err = money.ScanAmount(inv.Currency, total); err != nil {
			return procure.Invoice{}, err
		}
		if l.TotalVariance, err = money.ScanAmount(inv.Currency, tvar); err != nil {
			return procure.Invoice{}, err
		}
		inv.Lines = append(inv.Lines, l)
	}
	return inv, classify(rows.Err(), "invoice lines")
}

// ResolveInvoice moves an invoice to approved or disputed if its status
// allows, with the note, audited. The row lock and the expected version
// make a double click or a second finance user a conflict, not a repeat.
func (s *Store) ResolveInvoice(ctx context.Context, actorID, id int64, version int64, to procure.InvoiceStatus, note string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var from string
		var ver int64
		err := tx.db.QueryRow(ctx, `SELECT status, version FROM invoices WHERE id = $1 FOR UPDATE`, id).Scan(&from, &ver)
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("Invoice", id)
		}
		if err != nil {
			return classify(err, "lock invoice")
		}
		if ver != version {
			return changed("invoice")
		}
		st := procure.InvoiceStatus(from)
		switch to {
		case procure.InvoiceApproved:
			ok, needsNote := st.CanApprove()
			if !ok {
				return procure.Errorf(procure.KindConflict, "This invoice is already %s.", st)
			}
			if needsNote && note == "" {
				return &procure.Error{Kind: procure.KindInvalid, Message: "Say why the variance is accepted.", Fields: map[string]string{"note": "Say why the variance is accepted."}}
			}
		case procure.InvoiceDisputed:
			if !st.CanDispute() {
				return procure.Errorf(procure.KindConflict, "A %s invoice cannot be disputed.", st)
			}
			if note == "" {
				return &procure.Error{Kind: procure.KindInvalid, Message: "Say what is disputed.", Fields: map[string]string{"note": "Say what is disputed."}}
			}
		default:
			return procure.Errorf(procure.KindInvalid, "Approve or dispute.")
		}
		if _, err := tx.db.Exec(ctx, `
			UPDATE invoices SET status = $2, resolution_note = $3, resolved_by = NULLIF($4, 0), resolved_at = now(), version = version + 1
			WHERE id = $1`, id, string(to), note, actorID); err != nil {
			return classify(err, "resolve invoice")
		}
		// Accepted or disputed, its exceptions are decided: finance's
		// notification about them asks nothing more.
		if err := tx.settle(ctx, procure.InvoiceExceptionKey(id)); err != nil {
			return err
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "invoice." + string(to), Entity: "invoice", EntityID: id,
			Before: map[string]any{"status": st}, After: map[string]any{"status": to, "note": note}})
	})
}

// POLinesForInvoice returns a PO and how much of each line was already
// invoiced, to prefill the invoice form.
func (q queries) POLinesForInvoice(ctx context.Context, poID int64) (procure.PurchaseOrder, map[int64]money.Quantity, error) {
	po, err := q.PurchaseOrderByID(ctx, procure.Scope{}, poID)
	if err != nil {
		return procure.PurchaseOrder{}, nil, err
	}
	rows, err := q.db.Query(ctx, `
		SELECT pl.id, COALESCE(sum(il.qty), 0)::text FROM po_lines pl LEFT JOIN invoice_lines il ON il.po_line_id = pl.id
		WHERE pl.po_id = $1 GROUP BY pl.id`, poID)
	if err != nil {
		return procure.PurchaseOrder{}, nil, classify(err, "invoiced quantities")
	}
	defer rows.Close()
	invoiced := map[int64]money.Quantity{}
	for rows.Next() {
		var id int64
		var q string
		if err := rows.Scan(&id, &q); err != nil {
			return procure.PurchaseOrder{}, nil, classify(err, "scan invoiced")
		}
		var qty money.Quantity
		if err := qty.Scan(q); err != nil {
			return procure.PurchaseOrder{}, nil, err
		}
		invoiced[id] = qty
	}
	return po, invoiced, classify(rows.Err(), "invoiced quantities")
}

// ApprovedForPayment streams approved invoices in date order for the
// payment export.
func (q queries) ApprovedForPayment(ctx context.Context, each func(procure.Invoice) error) error {
	rows, err := q.db.Query(ctx, `SELECT `+invoiceColumns+invoiceFrom+` WHERE inv.status = 'approved' ORDER BY inv.invoice_date, inv.id`)
	if err != nil {
		return classify(err, "approved invoices")
	}
	defer rows.Close()
	for rows.Next() {
		inv, err := scanInvoice(rows)
		if err != nil {
			return classify(err, "scan invoice")
		}
		if err := each(inv); err != nil {
			return err
		}
	}
	return classify(rows.Err(), "approved invoices")
}

// InvoiceNumberTaken returns the id of the vendor's invoice with that
// number, or 0. The unique key still guards the race; this check gives a
// clear message (and keeps a CSV import's transaction usable).
func (q queries) InvoiceNumberTaken(ctx context.Context, vendorID int64, number string) (int64, error) {
	var id int64
	err := q.db.QueryRow(ctx, `SELECT id FROM invoices WHERE vendor_id = $1 AND number = $2`, vendorID, number).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return id, classify(err, "invoice number")
}

// POLineByNumber finds a PO line by its PO's number and line number.
func (q queries) POLineByNumber(ctx context.Context, poNumber string, lineNo int) (int64, error) {
	var id int64
	err := q.db.QueryRow(ctx, `
		SELECT pl.id FROM po_lines pl JOIN purchase_orders po ON po.id = pl.po_id
		WHERE po.number = $1 AND pl.line_no = $2`, poNumber, lineNo).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, procure.Errorf(procure.KindNotFound, "%s has no line %d.", poNumber, lineNo)
	}
	return id, classify(err, "po line by number")
}

// PONumberID finds a PO by its number.
func (q queries) PONumberID(ctx context.Context, number string) (int64, error) {
	var id int64
	err := q.db.QueryRow(ctx, `SELECT id FROM purchase_orders WHERE number = $1`, number).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, procure.Errorf(procure.KindNotFound, "No purchase order has the number %s.", number)
	}
	return id, classify(err, "po by number")
}
