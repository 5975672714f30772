package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
)

const contractColumns = `
	c.id, c.vendor_id, v.name, v.status, c.number, c.title, c.currency, c.start_date, c.end_date,
	c.payment_terms_days, c.cap::text, (` + committedExpr + `)::text, c.tolerance_pct::text, c.renewal_notice_days,
	COALESCE(c.owner_id, 0), COALESCE(o.name, ''), c.terms, c.status, c.version,
	COALESCE((SELECT array_agg(cl.location_id ORDER BY cl.location_id) FROM contract_locations cl WHERE cl.contract_id = c.id), '{}'),
	COALESCE((SELECT array_agg(l.name ORDER BY l.name) FROM contract_locations cl JOIN locations l ON l.id = cl.location_id
	          WHERE cl.contract_id = c.id), '{}'),
	(SELECT count(*) FROM contract_prices p WHERE p.contract_id = c.id),
	COALESCE(c.predecessor_id, 0), COALESCE((SELECT pc.number FROM contracts pc WHERE pc.id = c.predecessor_id), ''),
	COALESCE((SELECT sc.id FROM contracts sc WHERE sc.predecessor_id = c.id), 0),
	COALESCE((SELECT sc.number FROM contracts sc WHERE sc.predecessor_id = c.id), '')`

// committedExpr is a contract's committed spend. A capped contract keeps
// it in contracts.committed, reserved in the submitting transaction (the
// cap guard needs it there); an uncapped one in the sharded counter
// contract_committed (migration 0008), so that orders on big uncapped
// contracts rarely queue on one row.
const committedExpr = `CASE WHEN c.cap IS NULL
	THEN COALESCE((SELECT sum(cc.amount) FROM contract_committed cc WHERE cc.contract_id = c.id), 0)
	ELSE c.committed END`

const contractFrom = `
	FROM contracts c JOIN vendors v ON v.id = c.vendor_id LEFT JOIN users o ON o.id = c.owner_id`

func scanContract(row pgx.Row) (procure.Contract, error) {
	var c procure.Contract
	var vstatus, cur, committed, tolerance, status string
	var capText *string
	var start, end time.Time
	err := row.Scan(&c.ID, &c.VendorID, &c.VendorName, &vstatus, &c.Number, &c.Title, &cur, &start, &end,
		&c.PaymentTermsDays, &capText, &committed, &tolerance, &c.RenewalNoticeDays, &c.OwnerID, &c.OwnerName,
		&c.Terms, &status, &c.Version, &c.Locations, &c.LocationNames, &c.PriceRows,
		&c.PredecessorID, &c.PredecessorNumber, &c.SuccessorID, &c.SuccessorNumber)
	if err != nil {
		return procure.Contract{}, err
	}
	c.VendorStatus, c.Status = procure.VendorStatus(vstatus), procure.ContractStatus(status)
	c.Start, c.End = pricing.DateOf(start), pricing.DateOf(end)
	if c.Currency, err = money.ParseCurrency(cur); err != nil {
		return procure.Contract{}, err
	}
	if c.Committed, err = money.ScanAmount(c.Currency, committed); err != nil {
		return procure.Contract{}, err
	}
	if capText != nil {
		capAmt, err := money.ScanAmount(c.Currency, *capText)
		if err != nil {
			return procure.Contract{}, err
		}
		c.Cap = &capAmt
	}
	if err := c.Tolerance.Scan(tolerance); err != nil {
		return procure.Contract{}, err
	}
	return c, nil
}

// ContractFilter narrows and orders the contract list. Status may be
// "expired" (active, past its end date). EndsWithin keeps active contracts
// ending within that many days of Today. Sort is one of number, end,
// vendor, cap_used (with Desc).
type ContractFilter struct {
	Status     string
	VendorID   int64
	LocationID int64
	EndsWithin int
	Sort       string
	Desc       bool
	Today      pricing.Date
	Offset     int
	Limit      int
}

// Contracts lists contracts. The sort column comes in as a parameter and
// is chosen by CASE, so the SQL text stays constant.
func (q queries) Contracts(ctx context.Context, f ContractFilter) ([]procure.Contract, error) {
	const sql = `
		SELECT ` + contractColumns + contractFrom + `
		WHERE ($1 = '' OR ($1 = 'expired' AND c.status = 'active' AND c.end_date < $5)
		                OR ($1 = 'active' AND c.status = 'active' AND c.end_date >= $5)
		                OR ($1 NOT IN ('expired', 'active') AND c.status = $1))
		  AND ($2 = 0 OR c.vendor_id = $2)
		  AND ($3 = 0 OR NOT EXISTS (SELECT 1 FROM contract_locations cl WHERE cl.contract_id = c.id)
		       OR EXISTS (SELECT 1 FROM contract_locations cl WHERE cl.contract_id = c.id AND cl.location_id = $3))
		  AND ($4 = 0 OR (c.status = 'active' AND c.end_date BETWEEN $5 AND $5 + $4::int))
		ORDER BY
			CASE WHEN $6 = 'end' AND NOT $7 THEN c.end_date END ASC,
			CASE WHEN $6 = 'end' AND $7 THEN c.end_date END DESC,
			CASE WHEN $6 = 'vendor' AND NOT $7 THEN lower(v.name) END ASC,
			CASE WHEN $6 = 'vendor' AND $7 THEN lower(v.name) END DESC,
			CASE WHEN $6 = 'cap_used' AND NOT $7 THEN c.committed / NULLIF(c.cap, 0) END ASC NULLS LAST,
			CASE WHEN $6 = 'cap_used' AND $7 THEN c.committed / NULLIF(c.cap, 0) END DESC NULLS LAST,
			CASE WHEN $6 NOT IN ('end', 'vendor', 'cap_used') AND $7 THEN c.number END DESC,
			c.number ASC
		OFFSET $8 LIMIT $9`
	rows, err := q.db.Query(ctx, sql, f.Status, f.VendorID, f.LocationID, f.EndsWithin, f.Today.Time(),
		f.Sort, f.Desc, max(f.Offset, 0), pageLimit(f.Limit))
	if err != nil {
		return nil, classify(err, "contracts")
	}
	defer rows.Close()
	var out []procure.Contract
	for rows.Next() {
		c, err := scanContract(rows)
		if err != nil {
			return nil, classify(err, "scan contract")
		}
		out = append(out, c)
	}
	return out, classify(rows.Err(), "contracts")
}

// ContractByID returns one contract with vendor, owner and locations.
func (q queries) ContractByID(ctx context.Context, id int64) (procure.Contract, error) {
	c, err := scanContract(q.db.QueryRow(ctx, `SELECT `+contractColumns+contractFrom+` WHERE c.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return procure.Contract{}, notFound("Contract", id)
	}
	return c, classify(err, "contract")
}

// LockContract reads a contract FOR UPDATE inside a transaction: writers to
// one contract queue here.
func (tx *Tx) LockContract(ctx context.Context, id int64) (procure.Contract, error) {
	var ok bool
	err := tx.db.QueryRow(ctx, `SELECT true FROM contracts WHERE id = $1 FOR UPDATE`, id).Scan(&ok)
	if errors.Is(err, pgx.ErrNoRows) {
		return procure.Contract{}, notFound("Contract", id)
	}
	if err != nil {
		return procure.Contract{}, classify(err, "lock contract")
	}
	return tx.ContractByID(ctx, id)
}

// SuggestContractNumber proposes the next "C-<year>-NNN" number not yet
// used. It is a suggestion: the unique key decides.
func (q queries) SuggestContractNumber(ctx context.Context, year int) (string, error) {
	var n int
	err := q.db.QueryRow(ctx, `
		SELECT COALESCE(max(substring(number FROM '^C-[0-9]{4}-([0-9]+)$')::int), 0) + 1
		FROM contracts WHERE number LIKE 'C-' || $1 || '-%'`, strconv.Itoa(year)).Scan(&n)
	if err != nil {
		return "", classify(err, "suggest contract number")
	}
	return fmt.Sprintf("C-%d-%03d", year, n), nil
}

func contractAudit(v procure.ContractValues) map[string]any {
	m := map[string]any{"vendor_id": v.VendorID, "number": v.Number, "title": v.Title, "currency": v.Currency.Code(),
		"start": v.Start.String(), "end": v.End.String(), "payment_terms_days": v.PaymentTermsDays,
		"tolerance_pct": v.Tolerance.String(), "renewal_notice_days": v.RenewalNoticeDays, "owner_id": v.OwnerID,
		"locations": v.Locations}
	if v.Cap != nil {
		m["cap"] = v.Cap.String()
	}
	return m
}

func capParam(c *money.Amount) *string {
	if c == nil {
		return nil
	}
	s := c.String()
	return &s
}

// checkLocations refuses covered locations that do not exist or order in
// another currency than the contract's (ASVS 2.2.3).
// checkOwner refuses a contract owner the form would not offer: only an
// active procurement user or owner receives the contract's cap and expiry
// notices (0 is no owner).
func (tx *Tx) checkOwner(ctx context.Context, ownerID int64) error {
	if ownerID == 0 {
		return nil
	}
	var ok bool
	err := tx.db.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id
		               WHERE u.id = $1 AND u.active AND r.role IN ('procurement', 'owner'))`, ownerID).Scan(&ok)
	if err != nil {
		return classify(err, "contract owner")
	}
	if !ok {
		const msg = "Choose the owner from the list (an active procurement user)."
		return &procure.Error{Kind: procure.KindInvalid, Message: msg, Fields: map[string]string{"owner_id": msg}}
	}
	return nil
}

func (tx *Tx) checkLocations(ctx context.Context, v procure.ContractValues) error {
	if len(v.Locations) == 0 {
		return nil
	}
	rows, err := tx.db.Query(ctx, `SELECT name, currency FROM locations WHERE id = ANY ($1)`, v.Locations)
	if err != nil {
		return classify(err, "covered locations")
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name, cur string
		if err := rows.Scan(&name, &cur); err != nil {
			return classify(err, "scan location")
		}
		n++
		if cur != v.Currency.Code() {
			msg := fmt.Sprintf("%s orders in %s, but the contract is in %s.", name, cur, v.Currency)
			return &procure.Error{Kind: procure.KindInvalid, Message: msg, Fields: map[string]string{"locations": msg}}
		}
	}
	if err := rows.Err(); err != nil {
		return classify(err, "covered locations")
	}
	if n != len(uniqueIDs(v.Locations)) {
		return &procure.Error{Kind: procure.KindInvalid, Message: "Choose locations from the list.", Fields: map[string]string{"locations": "Choose locations from the list."}}
	}
	return nil
}

func uniqueIDs(ids []int64) map[int64]bool {
	m := map[int64]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func (tx *Tx) setContractLocations(ctx context.Context, id int64, locs []int64) error {
	if _, err := tx.db.Exec(ctx, `DELETE FROM contract_locations WHERE contract_id = $1`, id); err != nil {
		return classify(err, "clear contract locations")
	}
	if len(locs) == 0 {
		return nil
	}
	_, err := tx.db.Exec(ctx, `
		INSERT INTO contract_locations (contract_id, location_id)
		SELECT DISTINCT $1::bigint, unnest($2::bigint[])`, id, locs)
	return classify(err, "set contract locations")
}

// CreateContract inserts a draft contract, audited.
func (s *Store) CreateContract(ctx context.Context, actorID int64, v procure.ContractValues) (int64, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.checkLocations(ctx, v); err != nil {
			return err
		}
		if err := tx.checkOwner(ctx, v.OwnerID); err != nil {
			return err
		}
		err := tx.db.QueryRow(ctx, `
			INSERT INTO contracts (vendor_id, number, title, currency, start_date, end_date, payment_terms_days, cap,
			                       tolerance_pct, renewal_notice_days, owner_id, terms)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8::numeric, $9::numeric, $10, NULLIF($11, 0), $12) RETURNING id`,
			v.VendorID, v.Number, v.Title, v.Currency.Code(), v.Start.Time(), v.End.Time(), v.PaymentTermsDays,
			capParam(v.Cap), v.Tolerance, v.RenewalNoticeDays, v.OwnerID, v.Terms).Scan(&id)
		if err != nil {
			return classify(err, "create contract")
		}
		if err := tx.setContractLocations(ctx, id, v.Locations); err != nil {
			return err
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "contract.create", Entity: "contract", EntityID: id, After: contractAudit(v)})
	})
	return id, err
}

// UpdateContract changes a draft contract's terms unless it changed since
// v.Version was read. Active contracts change only by amendment.
func (s *Store) UpdateContract(ctx context.Context, actorID, id int64, v procure.ContractValues) error {
	return s.InTx(ctx, func(tx *Tx) error {
		before, err := tx.LockContract(ctx, id)
		if err != nil {
			return err
		}
		if before.Version != v.Version {
			return changed("contract")
		}
		if before.Status != procure.ContractDraft {
			return procure.Errorf(procure.KindConflict, "Only draft contracts can be edited; change prices of a %s contract with an amendment.", before.Status)
		}
		if before.Currency != v.Currency && before.PriceRows > 0 {
			return &procure.Error{Kind: procure.KindInvalid, Message: "Remove the price rows before changing the currency.",
				Fields: map[string]string{"currency": "Remove the price rows before changing the currency."}}
		}
		if err := tx.checkLocations(ctx, v); err != nil {
			return err
		}
		if v.OwnerID != before.OwnerID { // an owner who has since left may stay until someone changes it
			if err := tx.checkOwner(ctx, v.OwnerID); err != nil {
				return err
			}
		}
		if _, err := tx.db.Exec(ctx, `
			UPDATE contracts SET vendor_id = $2, number = $3, title = $4, currency = $5, start_date = $6, end_date = $7,
			       payment_terms_days = $8, cap = $9::numeric, tolerance_pct = $10::numeric, renewal_notice_days = $11,
			       owner_id = NULLIF($12, 0), terms = $13, version = version + 1
			WHERE id = $1`,
			id, v.VendorID, v.Number, v.Title, v.Currency.Code(), v.Start.Time(), v.End.Time(), v.PaymentTermsDays,
			capParam(v.Cap), v.Tolerance, v.RenewalNoticeDays, v.OwnerID, v.Terms); err != nil {
			return classify(err, "update contract")
		}
		if err := tx.setContractLocations(ctx, id, v.Locations); err != nil {
			return err
		}
		if err := tx.checkPricesInside(ctx, id, v.Start, v.End); err != nil {
			return err
		}
		old := procure.ContractValues{VendorID: before.VendorID, Number: before.Number, Title: before.Title, Currency: before.Currency,
			Start: before.Start, End: before.End, PaymentTermsDays: before.PaymentTermsDays, Cap: before.Cap, Tolerance: before.Tolerance,
			RenewalNoticeDays: before.RenewalNoticeDays, OwnerID: before.OwnerID, Locations: before.Locations}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "contract.update", Entity: "contract", EntityID: id,
			Before: contractAudit(old), After: contractAudit(v)})
	})
}

// checkPricesInside refuses contract dates that would leave a price row's
// validity window outside the contract.
func (tx *Tx) checkPricesInside(ctx context.Context, id int64, start, end pricing.Date) error {
	var n int
	err := tx.db.QueryRow(ctx, `
		SELECT count(*) FROM contract_prices
		WHERE contract_id = $1 AND (valid_from < $2 OR valid_to > $3 OR valid_from > $3 OR valid_to < $2)`,
		id, start.Time(), end.Time()).Scan(&n)
	if err != nil {
		return classify(err, "check price windows")
	}
	if n > 0 {
		return &procure.Error{Kind: procure.KindInvalid, Message: fmt.Sprintf("%d price rows have validity windows outside these dates; change them first.", n),
			Fields: map[string]string{"start": "Price rows fall outside these dates."}}
	}
	return nil
}

// MoveContract changes a contract's status if procure allows the move, and
// audits it, in one transaction. The row lock makes concurrent moves queue.
func (s *Store) MoveContract(ctx context.Context, actorID, id int64, to procure.ContractStatus, today pricing.Date) error {
	return s.InTx(ctx, func(tx *Tx) error {
		c, err := tx.LockContract(ctx, id)
		if err != nil {
			return err
		}
		facts := procure.ActivationFacts{PriceRows: c.PriceRows, VendorStatus: c.VendorStatus, Start: c.Start, End: c.End, Today: today}
		if err := procure.CheckContractMove(c.Status, to, facts); err != nil {
			return err
		}
		if _, err := tx.db.Exec(ctx, `UPDATE contracts SET status = $2, version = version + 1 WHERE id = $1`, id, string(to)); err != nil {
			return classify(err, "move contract")
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "contract.status", Entity: "contract", EntityID: id,
			Before: map[string]any{"status": c.Status}, After: map[string]any{"status": to}})
	})
}
