package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
)

// Milestones lists a contract's milestones by due date.
func (q queries) Milestones(ctx context.Context, contractID int64) ([]procure.Milestone, error) {
	rows, err := q.db.Query(ctx, `
		SELECT m.id, m.contract_id, m.due_on, m.description, m.owner_id, o.name, m.done_at, COALESCE(d.name, '')
		FROM contract_milestones m JOIN users o ON o.id = m.owner_id LEFT JOIN users d ON d.id = m.done_by
		WHERE m.contract_id = $1 ORDER BY m.due_on, m.id`, contractID)
	if err != nil {
		return nil, classify(err, "milestones")
	}
	defer rows.Close()
	var out []procure.Milestone
	for rows.Next() {
		var m procure.Milestone
		var due time.Time
		if err := rows.Scan(&m.ID, &m.ContractID, &due, &m.Description, &m.OwnerID, &m.OwnerName, &m.DoneAt, &m.DoneBy); err != nil {
			return nil, classify(err, "scan milestone")
		}
		m.Due = pricing.DateOf(due)
		out = append(out, m)
	}
	return out, classify(rows.Err(), "milestones")
}

// AddMilestone adds a milestone to a contract, audited. The owner must be
// an active user.
func (s *Store) AddMilestone(ctx context.Context, actorID, contractID int64, v procure.MilestoneValues) (int64, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.LockContract(ctx, contractID); err != nil {
			return err
		}
		err := tx.db.QueryRow(ctx, `
			INSERT INTO contract_milestones (contract_id, due_on, description, owner_id)
			SELECT $1, $2, $3, u.id FROM users u WHERE u.id = $4 AND u.active RETURNING id`,
			contractID, v.Due.Time(), v.Description, v.OwnerID).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return &procure.Error{Kind: procure.KindInvalid, Message: "Choose an active user as owner.", Fields: map[string]string{"owner_id": "Choose an active user as owner."}}
		}
		if err != nil {
			return classify(err, "add milestone")
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "contract.milestone", Entity: "contract", EntityID: contractID,
			After: map[string]any{"milestone": id, "due": v.Due.String(), "description": v.Description, "owner": v.OwnerID}})
	})
	return id, err
}

// CompleteMilestone marks a contract's milestone done, audited; done
// twice is a conflict.
func (s *Store) CompleteMilestone(ctx context.Context, actorID, contractID, id int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.db.Exec(ctx, `
			UPDATE contract_milestones SET done_at = now(), done_by = NULLIF($3, 0)
			WHERE id = $1 AND contract_id = $2 AND done_at IS NULL`, id, contractID, actorID)
		if err != nil {
			return classify(err, "complete milestone")
		}
		if tag.RowsAffected() == 0 {
			var exists bool
			_ = tx.db.QueryRow(ctx, `SELECT true FROM contract_milestones WHERE id = $1 AND contract_id = $2`, id, contractID).Scan(&exists)
			if !exists {
				return notFound("Milestone", id)
			}
			return procure.Errorf(procure.KindConflict, "This milestone is already done.")
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "contract.milestone_done", Entity: "contract", EntityID: contractID,
			After: map[string]any{"milestone": id}})
	})
}

// Documents lists a contract's documents (without their bytes).
func (q queries) Documents(ctx context.Context, contractID int64) ([]procure.Document, error) {
	rows, err := q.db.Query(ctx, `
		SELECT d.id, d.contract_id, d.filename, d.content_type, d.size, d.sha256, COALESCE(u.name, ''), d.uploaded_at
		FROM contract_documents d LEFT JOIN users u ON u.id = d.uploaded_by
		WHERE d.contract_id = $1 ORDER BY d.id`, contractID)
	if err != nil {
		return nil, classify(err, "documents")
	}
	defer rows.Close()
	var out []procure.Document
	for rows.Next() {
		var d procure.Document
		if err := rows.Scan(&d.ID, &d.ContractID, &d.Filename, &d.ContentType, &d.Size, &d.SHA256, &d.UploadedBy, &d.UploadedAt); err != nil {
			return nil, classify(err, "scan document")
		}
		out = append(out, d)
	}
	return out, classify(rows.Err(), "documents")
}

// AddDocument stores a checked file on a contract, audited.
func (s *Store) AddDocument(ctx context.Context, actorID, contractID int64, filename, contentType string, data []byte) (int64, error) {
	sum := sha256.Sum256(data)
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.LockContract(ctx, contractID); err != nil {
			return err
		}
		if err := tx.db.QueryRow(ctx, `
			INSERT INTO contract_documents (contract_id, filename, content_type, size, data, sha256, uploaded_by)
			VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, 0)) RETURNING id`,
			contractID, filename, contentType, len(data), data, hex.EncodeToString(sum[:]), actorID).Scan(&id); err != nil {
			return classify(err, "add document")
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "contract.document", Entity: "contract", EntityID: contractID,
			After: map[string]any{"document": id, "filename": filename, "size": len(data), "sha256": hex.EncodeToString(sum[:])}})
	})
	return id, err
}

// Document returns one document of a contract with its bytes; a document
// of another contract is "not found".
func (q queries) Document(ctx context.Context, contractID, id int64) (procure.Document, []byte, error) {
	var d procure.Document
	var data []byte
	err := q.db.QueryRow(ctx, `
		SELECT id, contract_id, filename, content_type, size, sha256, uploaded_at, data
		FROM contract_documents WHERE id = $1 AND contract_id = $2`, id, contractID).
		Scan(&d.ID, &d.ContractID, &d.Filename, &d.ContentType, &d.Size, &d.SHA256, &d.UploadedAt, &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return procure.Document{}, nil, notFound("Document", id)
	}
	return d, data, classify(err, "document")
}

// RenewContract drafts the successor of a contract: a new draft with the
// same vendor, terms, cap, tolerance, owner, locations and the price rows
// in force on its last day, starting the day after it ends and running as
// long. A contract has at most one successor (a unique key); a second
// attempt names the first.
func (s *Store) RenewContract(ctx context.Context, actorID, id int64) (int64, error) {
	var newID int64
	err := s.InTx(ctx, func(tx *Tx) error {
		old, err := tx.LockContract(ctx, id)
		if err != nil {
			return err
		}
		if old.SuccessorID != 0 {
			return procure.Errorf(procure.KindConflict, "%s already has its renewal: %s.", old.Number, old.SuccessorNumber)
		}
		if old.Status == procure.ContractDraft {
			return procure.Errorf(procure.KindConflict, "A draft contract cannot be renewed; edit it instead.")
		}
		start := old.End.AddDays(1)
		end := start.AddDays(int(old.End - old.Start))
		number := ""
		for n := 1; n < 100 && number == ""; n++ {
			cand := fmt.Sprintf("%s-R%d", old.Number, n)
			if len(cand) > 40 {
				cand = fmt.Sprintf("R%d-%d", n, old.ID)
			}
			var taken bool
			if err := tx.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM contracts WHERE number = $1)`, cand).Scan(&taken); err != nil {
				return classify(err, "renewal number")
			}
			if !taken {
				number = cand
			}
		}
		if number == "" {
			return procure.Errorf(procure.KindConflict, "No free contract number for the renewal of %s.", old.Number)
		}
		err = tx.db.QueryRow(ctx, `
			INSERT INTO contracts (vendor_id, number, title, currency, start_date, end_date, payment_terms_days, cap, tolerance_pct,
			                       renewal_notice_days, owner_id, terms, predecessor_id)
			SELECT vendor_id, $2, title, currency, $3, $4, payment_terms_days, cap, tolerance_pct, renewal_notice_days, owner_id, terms, id
			FROM contracts WHERE id = $1 RETURNING id`, id, number, start.Time(), end.Time()).Scan(&newID)
		if err != nil {
			return classify(err, "renew contract")
		}
		if _, err := tx.db.Exec(ctx, `
			INSERT INTO contract_locations (contract_id, location_id) SELECT $2, location_id FROM contract_locations WHERE contract_id = $1`,
			id, newID); err != nil {
			return classify(err, "renewal locations")
		}
		// The rows in force on the last day, each with a new id drawn up
		// front, copied with their tiers in two set-based statements.
		rows, err := tx.db.Query(ctx, `
			SELECT id, nextval(pg_get_serial_sequence('contract_prices', 'id')) FROM contract_prices WHERE contract_id = $1
			  AND (valid_from IS NULL OR valid_from <= $2) AND (valid_to IS NULL OR valid_to >= $2) ORDER BY id`, id, old.End.Time())
		if err != nil {
			return classify(err, "renewal prices")
		}
		var olds, news []int64
		for rows.Next() {
			var o, n int64
			if err := rows.Scan(&o, &n); err != nil {
				rows.Close()
				return classify(err, "renewal prices")
			}
			olds, news = append(olds, o), append(news, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return classify(err, "renewal prices")
		}
		if _, err := tx.db.Exec(ctx, `
			INSERT INTO contract_prices (id, contract_id, item_id, vendor_sku, max_qty, preferred, baseline_price, created_by)
			OVERRIDING SYSTEM VALUE
			SELECT m.new_id, $3, p.item_id, p.vendor_sku, p.max_qty, p.preferred, p.baseline_price, NULLIF($4, 0)
			FROM unnest($1::bigint[], $2::bigint[]) AS m (old_id, new_id) JOIN contract_prices p ON p.id = m.old_id`,
			olds, news, newID, actorID); err != nil {
			return classify(err, "renewal price rows")
		}
		if _, err := tx.db.Exec(ctx, `
			INSERT INTO contract_price_tiers (price_id, min_qty, unit_price)
			SELECT m.new_id, t.min_qty, t.unit_price
			FROM unnest($1::bigint[], $2::bigint[]) AS m (old_id, new_id) JOIN contract_price_tiers t ON t.price_id = m.old_id`,
			olds, news); err != nil {
			return classify(err, "renewal tiers")
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "contract.renew", Entity: "contract", EntityID: newID,
			After: map[string]any{"number": number, "renews": old.Number, "start": start.String(), "end": end.String(), "prices": len(olds)}})
	})
	return newID, err
}
