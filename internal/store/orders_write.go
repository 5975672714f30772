package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
)

// InsertRequest queues creating a purchase request for a location, in the
// location's currency, unless this user already submitted one with key:
// then *id stays 0 and RequestIDByKey finds that request. It is the first
// write of a submission, so a concurrent duplicate waits on the unique
// index and then finds the first one's request.
func (b *Batch) InsertRequest(userID, locationID int64, key string, at time.Time, id *int64) {
	b.b.Queue(`
		INSERT INTO purchase_requests (user_id, location_id, currency, idempotency_key, submitted_at)
		SELECT $1, l.id, l.currency, $3, $4 FROM locations l WHERE l.id = $2
		ON CONFLICT (user_id, idempotency_key) DO NOTHING
		RETURNING id`, userID, locationID, key, at).QueryRow(func(row pgx.Row) error {
		err := row.Scan(id)
		var pgErr interface{ SQLState() string }
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return nil
		case errors.As(err, &pgErr) && pgErr.SQLState() == "23514":
			return procure.Errorf(procure.KindInvalid, "The form was not issued by this site. Reload the cart and submit again.")
		}
		return err
	})
}

// SetRequestNotes queues keeping what a submission told its submitter
// besides its POs with the request (purchase_requests.submit_notes).
func (b *Batch) SetRequestNotes(requestID int64, notes []string) {
	b.b.Queue(`UPDATE purchase_requests SET submit_notes = $2 WHERE id = $1`, requestID, notes)
}

// RequestIDByKey is the request this user submitted with key.
func (tx *Tx) RequestIDByKey(ctx context.Context, userID int64, key string) (int64, error) {
	var id int64
	err := tx.db.QueryRow(ctx, `SELECT id FROM purchase_requests WHERE user_id = $1 AND idempotency_key = $2`, userID, key).Scan(&id)
	return id, classify(err, "find request")
}

// NewPO is a purchase order to write.
type NewPO struct {
	LocationID  int64
	VendorID    int64
	Currency    money.Currency
	Total       money.Amount
	OffContract bool
	SubmittedAt time.Time
	IssuedAt    time.Time
	CreatedBy   int64
	Lines       []NewPOLine
}

// NewPOLine is a PO line to write with its frozen resolution.
type NewPOLine struct {
	ItemID      int64 // 0 = none (off-contract)
	Category    string
	Description string
	Unit        string
	VendorSKU   string
	Qty         money.Quantity
	UnitPrice   money.UnitPrice
	Total       money.Amount
	ContractID  int64
	PriceID     int64
	TierMin     money.Quantity
	Resolution  *pricing.Record
	// the line's number in the request it was ordered from at once, on
	// contract (0 for a line procurement approved: its request line has it)
	RequestLineNo int
}

// InsertPOs queues writing issued POs (keys[i], drawn by NextPOs, for
// pos[i]) and all their lines in two statements. When the batch has run,
// *lineIDs (unless nil) holds each PO's line ids in line order.
func (b *Batch) InsertPOs(requestID int64, pos []NewPO, keys []POKey, lineIDs *[][]int64) error {
	if len(keys) != len(pos) {
		return fmt.Errorf("store: %d POs with %d keys", len(pos), len(keys))
	}
	n := len(pos)
	if n == 0 {
		return nil
	}
	ids, numbers := make([]int64, n), make([]string, n)
	locs, vendors, created := make([]int64, n), make([]int64, n), make([]int64, n)
	curs, totals := make([]string, n), make([]string, n)
	offs := make([]bool, n)
	subs, issued := make([]time.Time, n), make([]time.Time, n)
	for i, po := range pos {
		ids[i], numbers[i] = keys[i].ID, keys[i].Number
		locs[i], vendors[i], created[i] = po.LocationID, po.VendorID, po.CreatedBy
		curs[i], totals[i], offs[i] = po.Currency.Code(), po.Total.String(), po.OffContract
		subs[i], issued[i] = po.SubmittedAt, po.IssuedAt
	}
	b.b.Queue(`
		INSERT INTO purchase_orders (id, number, request_id, location_id, vendor_id, currency, status, total, off_contract,
		                             submitted_at, issued_at, created_by)
		OVERRIDING SYSTEM VALUE
		SELECT u.id, u.number, $3, u.loc, u.vendor, u.cur, 'issued', u.total::numeric, u.off, u.sub, u.iss, NULLIF(u.created, 0)
		FROM unnest($1::bigint[], $2::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::bool[], $9::timestamptz[],
		            $10::timestamptz[], $11::bigint[])
		     AS u(id, number, loc, vendor, cur, total, off, sub, iss, created)`,
		ids, numbers, requestID, locs, vendors, curs, totals, offs, subs, issued, created)
	// Each line carries its PO's location, vendor, currency and order time
	// for the reports, from the same values as the PO (and the composite
	// key to purchase_orders holds location and vendor to the PO's).
	var (
		poIDs, items, contracts, priceIDs, lineLocs, lineVendors []*int64
		nos                                                      []int32
		requestNos                                               []*int32
		descs, units, vskus, cats, lineCurs                      []string
		qtys, prices, lineTotals                                 []string
		tiers, res                                               []*string
		ordered                                                  []time.Time
	)
	for i, po := range pos {
		for k, l := range po.Lines {
			poID, loc, vendor := ids[i], po.LocationID, po.VendorID
			poIDs, lineLocs, lineVendors = append(poIDs, &poID), append(lineLocs, &loc), append(lineVendors, &vendor)
			lineCurs, ordered = append(lineCurs, po.Currency.Code()), append(ordered, po.SubmittedAt)
			nos = append(nos, int32(k+1))
			var rno *int32
			if l.RequestLineNo > 0 {
				v := int32(l.RequestLineNo)
				rno = &v
			}
			requestNos = append(requestNos, rno)
			var item, contract, price *int64
			var tier, rec *string
			if l.ItemID != 0 {
				v := l.ItemID
				item = &v
			}
			if l.ContractID != 0 {
				c, p, t := l.ContractID, l.PriceID, l.TierMin.String()
				contract, price, tier = &c, &p, &t
			}
			if l.Resolution != nil {
				b, err := json.Marshal(l.Resolution)
				if err != nil {
					return fmt.Errorf("store: resolution json: %w", err)
				}
				s := string(b)
				rec = &s
			}
			items, contracts, priceIDs, tiers, res = append(items, item), append(contracts, contract), append(priceIDs, price), append(tiers, tier), append(res, rec)
			descs, units, vskus = append(descs, l.Description), append(units, l.Unit), append(vskus, l.VendorSKU)
			cats = append(cats, l.Category)
			qtys, prices, lineTotals = append(qtys, l.Qty.String()), append(prices, l.UnitPrice.Format(4)), append(lineTotals, l.Total.String())
		}
	}
	q := b.b.Queue(`
		INSERT INTO po_lines (po_id, line_no, item_id, description, unit, vendor_sku, qty, unit_price, total,
		                      contract_id, price_id, tier_min, resolution, category, location_id, vendor_id, currency, ordered_at, request_line_no)
		SELECT u.po, u.no, u.item, u.descr, u.unit, u.vsku, u.qty::numeric, u.price::numeric, u.total::numeric,
		       u.contract, u.price_id, u.tier::numeric, u.res::jsonb, u.cat, u.loc, u.vendor, u.cur, u.ordered, u.rno
		FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
		            $10::bigint[], $11::bigint[], $12::text[], $13::text[], $14::text[], $15::int[], $16::bigint[], $17::bigint[],
		            $18::text[], $19::timestamptz[])
		     AS u(po, no, item, descr, unit, vsku, qty, price, total, contract, price_id, tier, res, cat, rno, loc, vendor, cur, ordered)
		RETURNING id, po_id, line_no`, poIDs, nos, items, descs, units, vskus, qtys, prices, lineTotals, contracts, priceIDs, tiers, res, cats,
		requestNos, lineLocs, lineVendors, lineCurs, ordered)
	if lineIDs == nil {
		return nil
	}
	q.Query(func(rows pgx.Rows) error {
		defer rows.Close()
		index := make(map[int64]int, n)
		out := make([][]int64, n)
		for i := range pos {
			index[ids[i]] = i
			out[i] = make([]int64, len(pos[i].Lines))
		}
		for rows.Next() {
			var lid, po int64
			var no int
			if err := rows.Scan(&lid, &po, &no); err != nil {
				return err
			}
			out[index[po]][no-1] = lid
		}
		*lineIDs = out
		return rows.Err()
	})
	return nil
}

// NewRequestLine is a requested line that goes to procurement: an
// off-contract line, or a catalogue line no contract could take.
type NewRequestLine struct {
	LineNo      int // in the request, counting the lines ordered at once
	ItemID      int64
	Description string
	Unit        string
	Qty         money.Quantity
	OffContract procure.OffContract
	Resolution  *pricing.Record // for catalogue lines: every candidate and why it could not take the line
}

// InsertRequestLines queues writing a request's lines that wait for
// procurement.
func (b *Batch) InsertRequestLines(requestID int64, lines []NewRequestLine) error {
	if len(lines) == 0 {
		return nil
	}
	n := len(lines)
	nos := make([]int32, n)
	items, vendors := make([]*int64, n), make([]*int64, n)
	descs, units, qtys := make([]string, n), make([]string, n), make([]string, n)
	ests, res := make([]*string, n), make([]*string, n)
	vnames, reasons := make([]string, n), make([]string, n)
	for i, l := range lines {
		nos[i] = int32(l.LineNo)
		if l.ItemID != 0 {
			items[i] = &l.ItemID
		}
		if l.OffContract.SuggestedVendorID != 0 {
			vendors[i] = &l.OffContract.SuggestedVendorID
		}
		descs[i], units[i], qtys[i] = l.Description, l.Unit, l.Qty.String()
		vnames[i], reasons[i] = l.OffContract.SuggestedVendorName, l.OffContract.Reason
		if l.OffContract.EstPrice > 0 {
			e := l.OffContract.EstPrice.Format(4)
			ests[i] = &e
		}
		if l.Resolution != nil {
			b, err := json.Marshal(l.Resolution)
			if err != nil {
				return fmt.Errorf("store: resolution json: %w", err)
			}
			s := string(b)
			res[i] = &s
		}
	}
	b.b.Queue(`
		INSERT INTO request_lines (request_id, line_no, item_id, description, unit, qty, est_price, suggested_vendor_id,
		                           suggested_vendor_name, reason, status, resolution)
		SELECT $1, u.no, u.item, u.descr, u.unit, u.qty::numeric, u.est::numeric, u.vendor, u.vname, u.reason, 'pending', u.res::jsonb
		FROM unnest($2::int[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[],
		            $10::text[], $11::text[])
		     AS u(no, item, descr, unit, qty, est, vendor, vname, reason, res)`,
		requestID, nos, items, descs, units, qtys, ests, vendors, vnames, reasons, res)
	return nil
}

// ReserveCaps queues adding each amount to its capped contract's committed
// spend if it still fits the cap: one guarded UPDATE per contract,
// re-checked by Postgres on the newest row version (RELIABILITY.md 3.1,
// pattern D), with the CHECK constraint as backstop. The updates run in
// contract id order, so two submissions never wait on each other in a
// cycle; queued last before commit, they lock a contract row for one round
// trip and the commit; waiting for one, they wait up to 8 s
// (setCapLockTimeout). A contract whose cap no longer fits fails the batch
// with a KindConflict. The reservations land in *into, in contract id
// order, when the batch has run.
func (b *Batch) ReserveCaps(amounts map[int64]money.Amount, into *[]CapCrossing) {
	ids := slices.Sorted(maps.Keys(amounts))
	*into = make([]CapCrossing, len(ids))
	if len(ids) > 0 {
		b.b.Queue(setCapLockTimeout)
	}
	for i, id := range ids {
		c := &(*into)[i]
		b.b.Queue(`
		UPDATE contracts SET committed = committed + $2::numeric
		WHERE id = $1 AND (cap IS NULL OR committed + $2::numeric <= cap)
		RETURNING id, number, COALESCE(owner_id, 0),
		          cap IS NOT NULL AND committed - $2::numeric < cap * 0.8 AND committed >= cap * 0.8,
		          cap IS NOT NULL AND committed - $2::numeric < cap AND committed >= cap`, id, amounts[id].String()).
			QueryRow(func(row pgx.Row) error {
				err := row.Scan(&c.ContractID, &c.Number, &c.OwnerID, &c.Passed80, &c.Passed100)
				if errors.Is(err, pgx.ErrNoRows) {
					return procure.Errorf(procure.KindConflict, "A contract's cap was used up while you ordered. Please submit again.")
				}
				return err
			})
	}
}

// setCapLockTimeout lets a transaction wait longer for a capped
// contract's row than for other locks (3 s, SessionSettings). Orders on a
// capped contract queue on its row, each holding it to its commit, and an
// order locks several such rows in id order; when the disk is slow to
// flush commits (measured under load: a few seconds now and then), that
// queue outlasts 3 s, and the orders at its end failed with "busy" though
// nothing was wrong but the wait. 8 s stays inside the 10 s statement
// timeout.
const setCapLockTimeout = `SET LOCAL lock_timeout = '8s'`

// CapCrossing says whether a reservation carried a contract's committed
// spend past 80 % or 100 % of its cap.
type CapCrossing struct {
	ContractID          int64
	Number              string
	OwnerID             int64
	Passed80, Passed100 bool
}

// ReleaseCap gives committed spend back to a contract (a cancelled PO):
// to contracts.committed when it is capped, else to one shard of its
// counter.
func (tx *Tx) ReleaseCap(ctx context.Context, contractID int64, amt money.Amount) error {
	_, err := tx.db.Exec(ctx, `
		WITH capped AS (UPDATE contracts SET committed = committed - $2::numeric WHERE id = $1 AND cap IS NOT NULL RETURNING id)
		INSERT INTO contract_committed (contract_id, shard, amount)
		SELECT $1, floor(random() * $3)::smallint, -$2::numeric WHERE NOT EXISTS (SELECT 1 FROM capped)
		ON CONFLICT (contract_id, shard) DO UPDATE SET amount = contract_committed.amount + EXCLUDED.amount`, contractID, amt.String(), committedShards)
	return classify(err, "release cap")
}

// AddCommitted queues adding new orders' spend to uncapped contracts'
// counters: one shard, chosen at random, for the whole transaction, rows
// taken in contract id order (so two submissions never wait on each other
// in a cycle).
func (b *Batch) AddCommitted(amounts map[int64]money.Amount) {
	if len(amounts) == 0 {
		return
	}
	ids := slices.Sorted(maps.Keys(amounts))
	vals := make([]string, len(ids))
	for i, id := range ids {
		vals[i] = amounts[id].String()
	}
	b.b.Queue(`
		WITH s AS (SELECT floor(random() * $3)::smallint AS shard)
		INSERT INTO contract_committed (contract_id, shard, amount)
		SELECT a.id, s.shard, a.amount::numeric FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS a (id, amount, n), s
		ORDER BY a.n
		ON CONFLICT (contract_id, shard) DO UPDATE SET amount = contract_committed.amount + EXCLUDED.amount`, ids, vals, committedShards)
}

// committedShards is how many rows each uncapped contract's committed
// spend is spread over (contract_committed; its CHECK allows shards 0 to
// committedShards-1, migration 0022). Two submissions wait for each other
// on a contract only when they draw the same shard: with 8, the wait
// events of 20-contract carts under load showed a third as many waits on
// the shards as on capped contracts' rows.
const committedShards = 32

// POKey is a PO's id and number, drawn before the PO is written, so that
// the POs, their lines and their audit events go to Postgres in one batch.
type POKey struct {
	ID     int64
	Number string
}

// NextPOs draws n PO numbers of a year from that year's sequence (never
// reused, ascending, without a lock that would serialise every
// submission; a rolled-back submission leaves a gap) and an id for each
// PO from purchase_orders' own identity sequence.
func (tx *Tx) NextPOs(ctx context.Context, year, n int) ([]POKey, error) {
	if n == 0 {
		return nil, nil
	}
	// Postgres evaluates nextval after the sort, so ids ascend with numbers.
	rows, err := tx.db.Query(ctx, `
		SELECT n, nextval(pg_get_serial_sequence('purchase_orders', 'id'))
		FROM next_po_numbers($1, $2) AS n ORDER BY n`, year, n)
	if err != nil {
		return nil, classify(err, "po numbers")
	}
	defer rows.Close()
	keys := make([]POKey, 0, n)
	for rows.Next() {
		var v, id int64
		if err := rows.Scan(&v, &id); err != nil {
			return nil, classify(err, "scan po number")
		}
		keys = append(keys, POKey{ID: id, Number: procure.PONumber(year, v)})
	}
	return keys, classify(rows.Err(), "po numbers")
}

// LockPendingLine locks an off-contract line that is still waiting for a
// decision; a decided line is a conflict (it was approved or rejected
// meanwhile).
func (tx *Tx) LockPendingLine(ctx context.Context, lineID int64) (procure.RequestLine, error) {
	var status string
	err := tx.db.QueryRow(ctx, `SELECT status FROM request_lines WHERE id = $1 FOR UPDATE`, lineID).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return procure.RequestLine{}, notFound("Request line", lineID)
	}
	if err != nil {
		return procure.RequestLine{}, classify(err, "lock request line")
	}
	if status != string(procure.LinePending) {
		return procure.RequestLine{}, procure.Errorf(procure.KindConflict, "This line was already %s.", status)
	}
	lines, err := tx.requestLine(ctx, lineID)
	if err != nil {
		return procure.RequestLine{}, err
	}
	return lines[0], nil
}

// DecideLine records procurement's decision on a pending line.
func (tx *Tx) DecideLine(ctx context.Context, lineID int64, to procure.RequestLineStatus, actorID int64, note string, poLineID int64, at time.Time) error {
	_, err := tx.db.Exec(ctx, `
		UPDATE request_lines SET status = $2, decided_by = NULLIF($3, 0), decision_note = $4, po_line_id = NULLIF($5, 0), decided_at = $6
		WHERE id = $1 AND status = 'pending'`, lineID, string(to), actorID, note, poLineID, at)
	return classify(err, "decide line")
}

// ReceiptLine is a quantity received on a PO line.
type ReceiptLine struct {
	POLineID int64
	Qty      money.Quantity
}

// ReceiptRecorded reports whether this user already recorded a receipt
// with the form key key (a double-clicked or re-sent receipt form).
func (tx *Tx) ReceiptRecorded(ctx context.Context, userID int64, key string) (bool, error) {
	var found bool
	err := tx.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM receipts WHERE received_by = $1 AND form_key = $2)`, userID, key).Scan(&found)
	return found, classify(err, "find receipt")
}

// RecordReceipt books a goods receipt, sent with the form key key, and
// moves the PO to status to. The po_lines CHECK (received <= qty) is the
// backstop against over-receipt, the unique key on (received_by,
// form_key) the one against booking one form twice.
func (tx *Tx) RecordReceipt(ctx context.Context, poID, userID int64, key, note string, lines []ReceiptLine, to procure.POStatus) error {
	var rid int64
	if err := tx.db.QueryRow(ctx, `INSERT INTO receipts (po_id, received_by, note, form_key) VALUES ($1, $2, $3, $4) RETURNING id`,
		poID, userID, note, key).Scan(&rid); err != nil {
		return classify(err, "insert receipt")
	}
	ids := make([]int64, len(lines))
	qtys := make([]string, len(lines))
	for i, l := range lines {
		ids[i], qtys[i] = l.POLineID, l.Qty.String()
	}
	if _, err := tx.db.Exec(ctx, `
		INSERT INTO receipt_lines (receipt_id, po_line_id, qty)
		SELECT $1, u.id, u.qty::numeric FROM unnest($2::bigint[], $3::text[]) AS u(id, qty)`, rid, ids, qtys); err != nil {
		return classify(err, "insert receipt lines")
	}
	if _, err := tx.db.Exec(ctx, `
		UPDATE po_lines pl SET received = pl.received + u.qty::numeric
		FROM unnest($1::bigint[], $2::text[]) AS u(id, qty) WHERE pl.id = u.id AND pl.po_id = $3`, ids, qtys, poID); err != nil {
		return classify(err, "book received quantities")
	}
	return tx.SetPOStatus(ctx, poID, to, "")
}

// SetPOStatus moves a PO (the caller checked the move).
func (tx *Tx) SetPOStatus(ctx context.Context, poID int64, to procure.POStatus, reason string) error {
	_, err := tx.db.Exec(ctx, `
		UPDATE purchase_orders SET status = $2, cancel_reason = CASE WHEN $2 = 'cancelled' THEN $3 ELSE cancel_reason END,
		       closed_at = CASE WHEN $2 IN ('closed', 'cancelled') THEN now() ELSE closed_at END
		WHERE id = $1`, poID, string(to), reason)
	return classify(err, "set po status")
}
