package store

import (
	"context"
	"errors"
	"time"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
)

// The reconciliation reports read the facts copied onto invoice_lines and
// po_lines when they were written (vendor, location, category, currency,
// date), so no report joins invoice lines to PO lines or contract prices.
// Every sum is NUMERIC in Postgres and an exact decimal in Go, grouped by
// currency; GROUPING SETS give the per-currency totals in the same pass
// over the rows as the groups. Rows are streamed to a callback, so a CSV
// export of a million groups never holds them in memory.

// reportBounds turns the period's calendar days into the instants that
// bound them in the organisation's time zone ([from, to)).
func reportBounds(p procure.Period, tz *time.Location) (time.Time, time.Time) { return p.Bounds(tz) }

func tzName(tz *time.Location) string {
	if tz == nil || tz.String() == "Local" || tz.String() == "" {
		return "UTC"
	}
	return tz.String()
}

func byOr(by, def string) string {
	if by == "" {
		return def
	}
	return by
}

// PriceVariance streams the price variance of the period's invoice lines
// that have a contract price: first the totals per currency, then the
// groups by f.By (vendor, location or item) with the most overbilled
// first. limit bounds the groups streamed (0: all of them, as the CSV
// export wants; a negative limit: totals only); groups is how many there
// are in all. Groups are aggregated once and the totals summed from them;
// only the groups streamed are labelled.
func (s *Store) PriceVariance(ctx context.Context, f procure.ReportFilter, limit int, each func(procure.PriceVarianceRow) error) (groups int64, err error) {
	err = s.inReportTx(ctx, func(q queries) error {
		groups, err = q.priceVariance(ctx, f, limit, each)
		return err
	})
	return groups, err
}

func (q queries) priceVariance(ctx context.Context, f procure.ReportFilter, limit int, each func(procure.PriceVarianceRow) error) (groups int64, err error) {
	rows, err := q.db.Query(ctx, `
		WITH g AS MATERIALIZED (
			SELECT CASE $6 WHEN 'location' THEN COALESCE(il.location_id, 0) WHEN 'item' THEN COALESCE(il.item_id, 0) ELSE il.vendor_id END AS key,
			       il.currency, count(*) AS n, sum(il.total) AS invoiced,
			       COALESCE(sum(il.total_variance) FILTER (WHERE il.total_variance > 0), 0) AS over,
			       COALESCE(-sum(il.total_variance) FILTER (WHERE il.total_variance < 0), 0) AS under,
			       count(*) FILTER (WHERE il.beyond_tolerance) AS beyond
			FROM invoice_lines il
			WHERE il.invoice_date BETWEEN $1 AND $2 AND il.contract_price IS NOT NULL
			  AND ($3 = 0 OR il.vendor_id = $3) AND ($4 = 0 OR il.location_id = $4) AND ($5 = '' OR il.category = $5)
			GROUP BY 1, 2),
		top AS (
			SELECT * FROM g WHERE $7 >= 0 ORDER BY currency, over DESC, under DESC, key LIMIT CASE WHEN $7 > 0 THEN $7 END)
		SELECT is_total, key, label, currency, n, invoiced::text, over::text, under::text, beyond, groups
		FROM (
			SELECT true AS is_total, 0::bigint AS key, 'Total' AS label, currency, sum(n) AS n, sum(invoiced) AS invoiced,
			       sum(over) AS over, sum(under) AS under, sum(beyond) AS beyond, (SELECT count(*) FROM g) AS groups
			FROM g GROUP BY currency
			UNION ALL
			SELECT false, top.key,
			       CASE WHEN $6 = 'location' THEN COALESCE((SELECT l.name FROM locations l WHERE l.id = top.key), 'No location')
			            WHEN $6 = 'item' THEN COALESCE((SELECT i.sku || ' ' || i.name FROM items i WHERE i.id = top.key), 'Lines with no catalogue item')
			            ELSE (SELECT v.name FROM vendors v WHERE v.id = top.key) END,
			       top.currency, top.n, top.invoiced, top.over, top.under, top.beyond, 0
			FROM top) u
		-- u.: sort by the numbers, not by the text output columns of the same names
		ORDER BY u.is_total DESC, u.currency, u.over DESC, u.under DESC, u.key`,
		f.Period.From.Time(), f.Period.To.Time(), f.VendorID, f.LocationID, f.Category, byOr(f.By, procure.ByVendor), limit)
	if err != nil {
		return 0, classify(err, "price variance")
	}
	defer rows.Close()
	for rows.Next() {
		var r procure.PriceVarianceRow
		var cur, invoiced, over, under string
		var n int64
		if err := rows.Scan(&r.Total, &r.Key, &r.Label, &cur, &r.Lines, &invoiced, &over, &under, &r.Beyond, &n); err != nil {
			return 0, classify(err, "scan price variance")
		}
		if r.Total {
			groups = n
		}
		if r.Currency, err = money.ParseCurrency(cur); err != nil {
			return 0, err
		}
		if err := scanAmounts(r.Currency, []string{invoiced, over, under}, &r.Invoiced, &r.Overbilled, &r.Underbilled); err != nil {
			return 0, err
		}
		if err := each(r); err != nil {
			return 0, err
		}
	}
	return groups, classify(rows.Err(), "price variance")
}

func scanAmounts(c money.Currency, texts []string, dst ...*money.Amount) error {
	for i, s := range texts {
		a, err := money.ScanAmount(c, s)
		if err != nil {
			return err
		}
		*dst[i] = a
	}
	return nil
}

// Compliance streams ordered spend on and off contract for the period's PO
// lines (cancelled and rejected orders left out): per-currency totals, then
// groups by f.By (location, vendor or category), then months.
func (q queries) Compliance(ctx context.Context, f procure.ReportFilter, tz *time.Location, each func(procure.ComplianceRow) error) error {
	from, to := reportBounds(f.Period, tz)
	rows, err := q.db.Query(ctx, `
		WITH lines AS (
			SELECT CASE $6 WHEN 'vendor' THEN pl.vendor_id WHEN 'category' THEN 0 ELSE pl.location_id END AS key,
			       CASE WHEN $6 = 'category' THEN pl.category ELSE '' END AS cat,
			       date_trunc('month', pl.ordered_at AT TIME ZONE $7)::date AS month,
			       pl.currency, pl.total, pl.contract_id IS NOT NULL AS on_contract
			FROM po_lines pl
			WHERE pl.ordered_at >= $1 AND pl.ordered_at < $2 AND NOT EXISTS (SELECT 1 FROM purchase_orders po
			      WHERE po.id = pl.po_id AND po.status IN ('cancelled', 'rejected'))
			  AND ($3 = 0 OR pl.vendor_id = $3) AND ($4 = 0 OR pl.location_id = $4) AND ($5 = '' OR pl.category = $5)),
		g AS (
			SELECT GROUPING(key, cat, month) AS mask, key, cat, month, currency,
			       COALESCE(sum(total) FILTER (WHERE on_contract), 0) AS on_c,
			       COALESCE(sum(total) FILTER (WHERE NOT on_contract), 0) AS off_c
			FROM lines GROUP BY GROUPING SETS ((currency), (key, cat, currency), (month, currency)))
		SELECT g.mask, COALESCE(g.key, 0), g.month,
		       CASE WHEN g.mask <> 1 THEN ''
		            WHEN $6 = 'category' THEN g.cat
		            WHEN $6 = 'vendor' THEN (SELECT v.name FROM vendors v WHERE v.id = g.key)
		            ELSE (SELECT l.name FROM locations l WHERE l.id = g.key) END,
		       g.currency, g.on_c::text, g.off_c::text
		FROM g ORDER BY g.mask DESC, g.currency, g.month, g.off_c DESC, g.on_c DESC, g.key, g.cat`,
		from, to, f.VendorID, f.LocationID, f.Category, byOr(f.By, procure.ByLocation), tzName(tz))
	if err != nil {
		return classify(err, "compliance")
	}
	defer rows.Close()
	for rows.Next() {
		var r procure.ComplianceRow
		var mask int
		var month *time.Time
		var cur, on, off string
		if err := rows.Scan(&mask, &r.Key, &month, &r.Label, &cur, &on, &off); err != nil {
			return classify(err, "scan compliance")
		}
		r.Total = mask == 7
		if month != nil && mask == 6 {
			r.Month = pricing.DateOf(*month)
		}
		if r.Currency, err = money.ParseCurrency(cur); err != nil {
			return err
		}
		if err := scanAmounts(r.Currency, []string{on, off}, &r.On, &r.Off); err != nil {
			return err
		}
		if err := each(r); err != nil {
			return err
		}
	}
	return classify(rows.Err(), "compliance")
}

// TopOffContract returns the biggest off-contract purchases of the period,
// grouped by description (case-insensitive), the top n per currency.
func (q queries) TopOffContract(ctx context.Context, f procure.ReportFilter, tz *time.Location, n int) ([]procure.OffContractItem, error) {
	from, to := reportBounds(f.Period, tz)
	rows, err := q.db.Query(ctx, `
		SELECT descr, currency, n, spend::text FROM (
			SELECT min(pl.description) AS descr, pl.currency, count(*) AS n, sum(pl.total) AS spend,
			       row_number() OVER (PARTITION BY pl.currency ORDER BY sum(pl.total) DESC, min(pl.description)) AS rank
			FROM po_lines pl
			WHERE pl.ordered_at >= $1 AND pl.ordered_at < $2 AND NOT EXISTS (SELECT 1 FROM purchase_orders po
			      WHERE po.id = pl.po_id AND po.status IN ('cancelled', 'rejected')) AND pl.contract_id IS NULL
			  AND ($3 = 0 OR pl.vendor_id = $3) AND ($4 = 0 OR pl.location_id = $4) AND ($5 = '' OR pl.category = $5)
			GROUP BY lower(pl.description), pl.currency) t
		WHERE rank <= $6 ORDER BY currency, rank`, from, to, f.VendorID, f.LocationID, f.Category, n)
	if err != nil {
		return nil, classify(err, "top off-contract")
	}
	defer rows.Close()
	var out []procure.OffContractItem
	for rows.Next() {
		var it procure.OffContractItem
		var cur, spend string
		if err := rows.Scan(&it.Description, &cur, &it.Lines, &spend); err != nil {
			return nil, classify(err, "scan top off-contract")
		}
		if it.Currency, err = money.ParseCurrency(cur); err != nil {
			return nil, err
		}
		if it.Spend, err = money.ScanAmount(it.Currency, spend); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, classify(rows.Err(), "top off-contract")
}

// Drift streams, for every catalogue item invoiced at more than one price
// in the period, the lowest and highest price paid, the quantity and the
// cost of drift: what was paid above the item's lowest price, Σ(price ×
// qty) − lowest × Σ qty, exact, rounded once per figure. Items come by cost,
// biggest first (within each currency), each with its locations. limit
// bounds the items streamed (0: all, for the CSV export; negative: none);
// the summary counts every item and sums their exact cost per currency
// (rounded once), so a page of the top items still has the whole totals.
// Whole months are read pre-summed (invoice_item_months, migration 0015);
// items are ranked from those sums, and only the items shown are broken
// down by location.
func (s *Store) Drift(ctx context.Context, f procure.ReportFilter, limit int, each func(procure.DriftRow) error) (sum procure.DriftSummary, err error) {
	err = s.inReportTx(ctx, func(q queries) error {
		sum, err = q.drift(ctx, f, limit, each)
		return err
	})
	return sum, err
}

func (q queries) drift(ctx context.Context, f procure.ReportFilter, limit int, each func(procure.DriftRow) error) (procure.DriftSummary, error) {
	var sum procure.DriftSummary
	// Whole months of the period come pre-summed from invoice_item_months
	// (migration 0015); the days before the first and after the last whole
	// month come from invoice_lines.
	first, end := wholeMonths(f.Period.From, f.Period.To)
	rows, err := q.db.Query(ctx, `
		WITH src AS MATERIALIZED (
			SELECT m.item_id, m.currency, m.location_id, m.lo, m.hi, m.qty AS q, m.pq, m.n
			FROM invoice_item_months m
			WHERE m.month >= $7 AND m.month < $8
			  AND ($3 = 0 OR m.vendor_id = $3) AND ($4 = 0 OR m.location_id = $4) AND ($5 = '' OR m.category = $5)
			UNION ALL
			SELECT il.item_id, il.currency, il.location_id, il.unit_price, il.unit_price, il.qty, il.unit_price * il.qty, 1
			FROM invoice_lines il
			WHERE il.invoice_date BETWEEN $1 AND $2 AND NOT (il.invoice_date >= $7 AND il.invoice_date < $8)
			  AND il.item_id IS NOT NULL AND il.location_id IS NOT NULL
			  AND ($3 = 0 OR il.vendor_id = $3) AND ($4 = 0 OR il.location_id = $4) AND ($5 = '' OR il.category = $5)),
		it AS MATERIALIZED (
			SELECT item_id, currency, min(lo) AS lo, max(hi) AS hi, sum(q) AS q, sum(pq) - min(lo) * sum(q) AS cost
			FROM src GROUP BY item_id, currency HAVING max(hi) > min(lo)),
		top AS MATERIALIZED (
			SELECT * FROM it WHERE $6 >= 0 ORDER BY currency, cost DESC, item_id LIMIT CASE WHEN $6 > 0 THEN $6 END),
		per AS (
			SELECT s.item_id, s.currency, s.location_id, min(s.lo) AS lo, max(s.hi) AS hi, sum(s.q) AS q, sum(s.pq) AS pq, sum(s.n)::bigint AS n
			FROM src s JOIN top t ON t.item_id = s.item_id AND t.currency = s.currency
			GROUP BY s.item_id, s.currency, s.location_id)
		SELECT summary, item_id, sku, name, currency, lo, hi, q, cost, location_id, location, llo, lhi, lq, n, lcost
		FROM (
			SELECT false AS summary, top.item_id, i.sku, i.name, top.currency, top.lo::text, top.hi::text, top.q::text, top.cost::text,
			       per.location_id, l.name AS location, per.lo::text AS llo, per.hi::text AS lhi, per.q::text AS lq, per.n,
			       (per.pq - top.lo * per.q)::text AS lcost, top.cost AS item_cost, per.pq - top.lo * per.q AS loc_cost, l.name AS sort_name
			FROM top JOIN per ON per.item_id = top.item_id AND per.currency = top.currency
			JOIN items i ON i.id = top.item_id JOIN locations l ON l.id = per.location_id
			UNION ALL
			SELECT true, count(*), '', '', currency, '0', '0', '0', sum(cost)::text, 0, '', '0', '0', '0', 0, '0', 0, 0, ''
			FROM it GROUP BY currency) u
		ORDER BY summary, currency, item_cost DESC, item_id, loc_cost DESC, sort_name`,
		f.Period.From.Time(), f.Period.To.Time(), f.VendorID, f.LocationID, f.Category, limit, first.Time(), end.Time())
	if err != nil {
		return sum, classify(err, "drift")
	}
	defer rows.Close()
	var cur procure.DriftRow
	flush := func() error {
		if cur.ItemID == 0 {
			return nil
		}
		err := each(cur)
		cur = procure.DriftRow{}
		return err
	}
	for rows.Next() {
		var r procure.DriftRow
		var loc procure.DriftLocation
		var summary bool
		var code, lo, hi, qty, cost, llo, lhi, lqty, lcost string
		if err := rows.Scan(&summary, &r.ItemID, &r.SKU, &r.Name, &code, &lo, &hi, &qty, &cost,
			&loc.LocationID, &loc.Location, &llo, &lhi, &lqty, &loc.Lines, &lcost); err != nil {
			return sum, classify(err, "scan drift")
		}
		if r.Currency, err = money.ParseCurrency(code); err != nil {
			return sum, err
		}
		if summary {
			total, err := money.RoundAmount(r.Currency, cost)
			if err != nil {
				return sum, err
			}
			sum.Items += r.ItemID // a summary row carries its item count where items carry their id
			sum.Costs = append(sum.Costs, total)
			continue
		}
		if r.ItemID != cur.ItemID || r.Currency != cur.Currency {
			if err := flush(); err != nil {
				return sum, err
			}
			if err := errors.Join(r.Lowest.Scan(lo), r.Highest.Scan(hi), r.Qty.Scan(qty)); err != nil {
				return sum, err
			}
			if r.Cost, err = money.RoundAmount(r.Currency, cost); err != nil {
				return sum, err
			}
			cur = r
		}
		if err := errors.Join(loc.Lowest.Scan(llo), loc.Highest.Scan(lhi), loc.Qty.Scan(lqty)); err != nil {
			return sum, err
		}
		if loc.Cost, err = money.RoundAmount(r.Currency, lcost); err != nil {
			return sum, err
		}
		cur.Locations = append(cur.Locations, loc)
	}
	if err := rows.Err(); err != nil {
		return sum, classify(err, "drift")
	}
	return sum, flush()
}

// Utilisation returns the contracts live at some point in the period (not
// drafts), with committed spend (as the contract list computes it),
// invoiced spend (kept per contract when invoices are recorded), and the
// spend committed within the period, which sets the burn rate for the
// projected exhaustion date. A location filter keeps contracts covering it;
// a category filter, contracts with a price for an item of it.
func (q queries) Utilisation(ctx context.Context, f procure.ReportFilter, tz *time.Location) ([]procure.UtilisationRow, error) {
	from, to := reportBounds(f.Period, tz)
	rows, err := q.db.Query(ctx, `
		WITH burn AS (
			SELECT pl.contract_id, sum(pl.total) AS spend
			FROM po_lines pl
			WHERE pl.ordered_at >= $1 AND pl.ordered_at < $2 AND pl.contract_id IS NOT NULL
			  AND NOT EXISTS (SELECT 1 FROM purchase_orders po WHERE po.id = pl.po_id AND po.status IN ('cancelled', 'rejected'))
			GROUP BY pl.contract_id)
		SELECT c.id, c.number, c.title, v.name, c.currency, c.status, c.start_date, c.end_date, c.renewal_notice_days,
		       c.cap::text, (`+committedExpr+`)::text, COALESCE(ci.total, 0)::text, COALESCE(b.spend, 0)::text
		FROM contracts c JOIN vendors v ON v.id = c.vendor_id
		LEFT JOIN contract_invoiced ci ON ci.contract_id = c.id
		LEFT JOIN burn b ON b.contract_id = c.id
		WHERE c.status <> 'draft' AND c.start_date <= $7 AND c.end_date >= $6
		  AND ($3 = 0 OR c.vendor_id = $3)
		  AND ($4 = 0 OR NOT EXISTS (SELECT 1 FROM contract_locations cl WHERE cl.contract_id = c.id)
		       OR EXISTS (SELECT 1 FROM contract_locations cl WHERE cl.contract_id = c.id AND cl.location_id = $4))
		  AND ($5 = '' OR EXISTS (SELECT 1 FROM contract_prices p JOIN items i ON i.id = p.item_id WHERE p.contract_id = c.id AND i.category = $5))
		ORDER BY c.currency, c.end_date, c.number`,
		from, to, f.VendorID, f.LocationID, f.Category, f.Period.From.Time(), f.Period.To.Time())
	if err != nil {
		return nil, classify(err, "utilisation")
	}
	defer rows.Close()
	var out []procure.UtilisationRow
	for rows.Next() {
		var r procure.UtilisationRow
		var cur, committed, invoiced, spend string
		var capText *string
		var start, end time.Time
		if err := rows.Scan(&r.ContractID, &r.Number, &r.Title, &r.Vendor, &cur, &r.Status, &start, &end, &r.NoticeDays,
			&capText, &committed, &invoiced, &spend); err != nil {
			return nil, classify(err, "scan utilisation")
		}
		r.Start, r.End = pricing.DateOf(start), pricing.DateOf(end)
		if r.Currency, err = money.ParseCurrency(cur); err != nil {
			return nil, err
		}
		if err := scanAmounts(r.Currency, []string{committed, invoiced, spend}, &r.Committed, &r.Invoiced, &r.PeriodSpend); err != nil {
			return nil, err
		}
		if capText != nil {
			c, err := money.ScanAmount(r.Currency, *capText)
			if err != nil {
				return nil, err
			}
			r.Cap = &c
		}
		r.Exhaustion, r.ExhaustionPast = procure.ProjectExhaustion(r.Cap, r.Committed, r.PeriodSpend, f.Period, f.Today)
		out = append(out, r)
	}
	return out, classify(rows.Err(), "utilisation")
}

// CycleTimes returns median and p90 submit → issue of the POs submitted in
// the period and issued, on and off contract: overall, per location and
// per month (percentile_disc: each figure is a real PO's time).
func (q queries) CycleTimes(ctx context.Context, f procure.ReportFilter, tz *time.Location) ([]procure.CycleRow, error) {
	from, to := reportBounds(f.Period, tz)
	rows, err := q.db.Query(ctx, `
		WITH pos AS (
			SELECT po.location_id, date_trunc('month', po.submitted_at AT TIME ZONE $6)::date AS month, po.off_contract,
			       po.issued_at - po.submitted_at AS took
			FROM purchase_orders po
			WHERE po.submitted_at >= $1 AND po.submitted_at < $2 AND po.issued_at IS NOT NULL
			  AND ($3 = 0 OR po.vendor_id = $3) AND ($4 = 0 OR po.location_id = $4)
			  AND ($5 = '' OR EXISTS (SELECT 1 FROM po_lines pl WHERE pl.po_id = po.id AND pl.category = $5))),
		g AS (
			SELECT GROUPING(location_id, month) AS mask, location_id, month, off_contract, count(*) AS n,
			       percentile_disc(0.5) WITHIN GROUP (ORDER BY took) AS p50,
			       percentile_disc(0.9) WITHIN GROUP (ORDER BY took) AS p90
			FROM pos GROUP BY GROUPING SETS ((off_contract), (location_id, off_contract), (month, off_contract)))
		SELECT g.mask, COALESCE(g.location_id, 0), g.month, COALESCE((SELECT l.name FROM locations l WHERE l.id = g.location_id), ''),
		       g.off_contract, g.n,
		       (extract(epoch FROM g.p50) * 1000)::bigint, (extract(epoch FROM g.p90) * 1000)::bigint
		FROM g ORDER BY g.mask DESC, g.month, 4, g.off_contract`,
		from, to, f.VendorID, f.LocationID, f.Category, tzName(tz))
	if err != nil {
		return nil, classify(err, "cycle time")
	}
	defer rows.Close()
	var out []procure.CycleRow
	for rows.Next() {
		var r procure.CycleRow
		var mask int
		var month *time.Time
		var p50, p90 int64
		if err := rows.Scan(&mask, &r.Key, &month, &r.Label, &r.OffContract, &r.POs, &p50, &p90); err != nil {
			return nil, classify(err, "scan cycle time")
		}
		r.Total = mask == 3
		if month != nil && mask == 2 {
			r.Month = pricing.DateOf(*month)
		}
		r.Median, r.P90 = time.Duration(p50)*time.Millisecond, time.Duration(p90)*time.Millisecond
		out = append(out, r)
	}
	return out, classify(rows.Err(), "cycle time")
}

// OpenInvoiceExceptions counts invoices waiting for finance: in exception,
// and disputed.
func (q queries) OpenInvoiceExceptions(ctx context.Context) (exceptions, disputed int64, err error) {
	err = q.db.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE status = 'exception'), count(*) FILTER (WHERE status = 'disputed')
		FROM invoices WHERE status IN ('exception', 'disputed')`).Scan(&exceptions, &disputed)
	return exceptions, disputed, classify(err, "open exceptions")
}

// ReportInvoiceLines lists the invoice lines behind a report figure,
// newest first, one keyset page.
func (q queries) ReportInvoiceLines(ctx context.Context, f procure.InvoiceLineFilter) ([]procure.ReportInvoiceLine, error) {
	rows, err := q.db.Query(ctx, `
		SELECT il.id, il.line_no, COALESCE(il.po_line_id, 0), COALESCE(po.number, ''), COALESCE(po.id, 0), il.description,
		       il.qty::text, il.unit_price::text, il.total::text, il.status, il.exceptions, il.explanation,
		       COALESCE(il.contract_price::text, '0'), il.unit_variance::text, il.total_variance::text, il.beyond_tolerance,
		       il.qty_variance::text, COALESCE(c.number, ''),
		       inv.id, inv.number, inv.status, il.invoice_date, il.currency, v.name, COALESCE(l.name, '')
		FROM invoice_lines il
		JOIN invoices inv ON inv.id = il.invoice_id
		JOIN vendors v ON v.id = il.vendor_id
		LEFT JOIN locations l ON l.id = il.location_id
		LEFT JOIN po_lines pl ON pl.id = il.po_line_id
		LEFT JOIN purchase_orders po ON po.id = pl.po_id
		LEFT JOIN contracts c ON c.id = il.contract_id
		WHERE il.invoice_date BETWEEN $1 AND $2
		  AND ($3 = 0 OR il.vendor_id = $3) AND ($4 = 0 OR il.location_id = $4) AND ($5 = '' OR il.category = $5)
		  AND ($6 = 0 OR il.item_id = $6) AND ($7 = 0 OR il.contract_id = $7)
		  AND ($8 = '' OR ($8 = 'variance' AND il.unit_variance <> 0) OR ($8 = 'beyond' AND il.beyond_tolerance)
		       OR ($8 = 'exception' AND il.status = 'exception'))
		  AND ($9 = 0 OR il.id < $9)
		ORDER BY il.id DESC LIMIT $10`,
		f.Period.From.Time(), f.Period.To.Time(), f.VendorID, f.LocationID, f.Category, f.ItemID, f.ContractID, f.Only, f.Before, pageLimit(f.Limit))
	if err != nil {
		return nil, classify(err, "report invoice lines")
	}
	defer rows.Close()
	var out []procure.ReportInvoiceLine
	for rows.Next() {
		var l procure.ReportInvoiceLine
		var qty, price, total, cprice, uvar, tvar, qvar, status, cur string
		var date time.Time
		if err := rows.Scan(&l.ID, &l.LineNo, &l.POLineID, &l.PONumber, &l.POID, &l.Description, &qty, &price, &total, &l.Status,
			&l.Exceptions, &l.Explanation, &cprice, &uvar, &tvar, &l.BeyondTolerance, &qvar, &l.ContractNumber,
			&l.InvoiceID, &l.InvoiceNumber, &status, &date, &cur, &l.Vendor, &l.Location); err != nil {
			return nil, classify(err, "scan report invoice line")
		}
		l.InvoiceStatus, l.Date = procure.InvoiceStatus(status), pricing.DateOf(date)
		if l.Currency, err = money.ParseCurrency(cur); err != nil {
			return nil, err
		}
		if err := errors.Join(l.Qty.Scan(qty), l.UnitPrice.Scan(price), l.ContractPrice.Scan(cprice), l.UnitVariance.Scan(uvar), l.QtyVariance.Scan(qvar)); err != nil {
			return nil, err
		}
		if err := scanAmounts(l.Currency, []string{total, tvar}, &l.Total, &l.TotalVariance); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, classify(rows.Err(), "report invoice lines")
}

// ContractsEndingWithin counts live contracts ending in the next days days.
func (q queries) ContractsEndingWithin(ctx context.Context, today pricing.Date, days int) (int64, error) {
	var n int64
	err := q.db.QueryRow(ctx, `
		SELECT count(*) FROM contracts WHERE status IN ('active', 'suspended') AND end_date >= $1 AND end_date <= $2`,
		today.Time(), today.AddDays(days).Time()).Scan(&n)
	return n, classify(err, "contracts ending")
}

// Value streams the value report: per currency, then per contract, per
// category and per month, the ordered spend on and off contract and the
// savings against baseline prices (rounded once per figure).
func (q queries) Value(ctx context.Context, f procure.ReportFilter, tz *time.Location, each func(procure.ValueRow) error) error {
	from, to := reportBounds(f.Period, tz)
	rows, err := q.db.Query(ctx, `
		WITH lines AS (
			SELECT pl.contract_id, pl.category, pl.currency, pl.total, pl.contract_id IS NOT NULL AS on_contract,
			       date_trunc('month', pl.ordered_at AT TIME ZONE $6)::date AS month,
			       CASE WHEN cp.baseline_price IS NOT NULL THEN (cp.baseline_price - pl.unit_price) * pl.qty END AS saved,
			       CASE WHEN cp.baseline_price IS NOT NULL THEN pl.total END AS base_total
			FROM po_lines pl
			LEFT JOIN contract_prices cp ON cp.id = pl.price_id
			WHERE pl.ordered_at >= $1 AND pl.ordered_at < $2 AND NOT EXISTS (SELECT 1 FROM purchase_orders po
			      WHERE po.id = pl.po_id AND po.status IN ('cancelled', 'rejected'))
			  AND ($3 = 0 OR pl.vendor_id = $3) AND ($4 = 0 OR pl.location_id = $4) AND ($5 = '' OR pl.category = $5)),
		g AS (
			SELECT GROUPING(contract_id, category, month) AS mask, contract_id, category, month, currency,
			       COALESCE(sum(total) FILTER (WHERE on_contract), 0) AS on_c, COALESCE(sum(total) FILTER (WHERE NOT on_contract), 0) AS off_c,
			       COALESCE(sum(saved), 0) AS saved, COALESCE(sum(base_total), 0) AS base_total
			FROM lines GROUP BY GROUPING SETS ((currency), (contract_id, currency), (category, currency), (month, currency)))
		SELECT g.mask, COALESCE(g.contract_id, 0), g.month,
		       CASE WHEN g.mask = 3 THEN COALESCE((SELECT c.number || ' ' || c.title FROM contracts c WHERE c.id = g.contract_id), 'Off contract')
		            WHEN g.mask = 5 THEN g.category ELSE '' END,
		       g.currency, g.on_c::text, g.off_c::text, g.saved::text, g.base_total::text
		FROM g
		WHERE g.mask <> 3 OR g.contract_id IS NOT NULL
		ORDER BY g.mask DESC, g.currency, g.month, g.saved DESC, g.on_c DESC, 4`,
		from, to, f.VendorID, f.LocationID, f.Category, tzName(tz))
	if err != nil {
		return classify(err, "value")
	}
	defer rows.Close()
	for rows.Next() {
		var r procure.ValueRow
		var mask int
		var month *time.Time
		var cur, on, off, saved, base string
		if err := rows.Scan(&mask, &r.ContractID, &month, &r.Label, &cur, &on, &off, &saved, &base); err != nil {
			return classify(err, "scan value")
		}
		switch mask {
		case 7:
			r.Total, r.Group = true, "total"
		case 3:
			r.Group = "contract"
		case 5:
			r.Group = "category"
		case 6:
			r.Group = "month"
			if month != nil {
				r.Month = pricing.DateOf(*month)
			}
		}
		if r.Currency, err = money.ParseCurrency(cur); err != nil {
			return err
		}
		if err := scanAmounts(r.Currency, []string{on, off, base}, &r.On, &r.Off, &r.BaselineBase); err != nil {
			return err
		}
		if r.Savings, err = money.RoundAmount(r.Currency, saved); err != nil {
			return err
		}
		if err := each(r); err != nil {
			return err
		}
	}
	return classify(rows.Err(), "value")
}

// wholeMonths is the run of whole calendar months inside the days from..to
// (inclusive), as the first day of the first whole month and the first day
// after the last. With no whole month inside, first >= end.
func wholeMonths(from, to pricing.Date) (first, end pricing.Date) {
	f, t := from.Time(), to.AddDays(1).Time()
	m := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, time.UTC)
	if m.Before(f) {
		m = m.AddDate(0, 1, 0)
	}
	return pricing.DateOf(m), pricing.DateOf(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC))
}

// FilterIDsExist reports whether a report filter's vendor and location
// exist (an id of 0, no filter, exists), so a made-up id in the URL is
// refused on the form instead of giving an empty report under a filter
// showing "all".
func (q queries) FilterIDsExist(ctx context.Context, vendorID, locationID int64) (vendorOK, locationOK bool, err error) {
	err = q.db.QueryRow(ctx, `
		SELECT $1 = 0 OR EXISTS (SELECT 1 FROM vendors WHERE id = $1),
		       $2 = 0 OR EXISTS (SELECT 1 FROM locations WHERE id = $2)`, vendorID, locationID).Scan(&vendorOK, &locationOK)
	return vendorOK, locationOK, classify(err, "report filter ids")
}
