package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/procure-app/procure/internal/procure"
)

// Audit appends e to the audit log inside the transaction that made the
// change it describes.
func (tx *Tx) Audit(ctx context.Context, e procure.AuditEvent) error {
	before, err := jsonOrNil(e.Before)
	if err != nil {
		return err
	}
	after, err := jsonOrNil(e.After)
	if err != nil {
		return err
	}
	var actor *int64
	if e.ActorID != 0 {
		actor = &e.ActorID
	}
	var entityID *int64
	if e.EntityID != 0 {
		entityID = &e.EntityID
	}
	const q = `
		INSERT INTO audit_events (actor_id, action, entity, entity_id, before, after, request_id)
		VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, ''))`
	if _, err := tx.db.Exec(ctx, q, actor, e.Action, e.Entity, entityID, before, after, procure.RequestID(ctx)); err != nil {
		return classify(err, "audit "+e.Action)
	}
	return nil
}

// AuditMany queues several events as one statement (a submission's POs);
// ctx carries the HTTP request id.
func (b *Batch) AuditMany(ctx context.Context, events []procure.AuditEvent) error {
	n := len(events)
	actors, ids := make([]*int64, n), make([]*int64, n)
	actions, entities := make([]string, n), make([]string, n)
	befores, afters := make([]*string, n), make([]*string, n)
	for i, e := range events {
		if e.ActorID != 0 {
			a := e.ActorID
			actors[i] = &a
		}
		if e.EntityID != 0 {
			id := e.EntityID
			ids[i] = &id
		}
		actions[i], entities[i] = e.Action, e.Entity
		for _, p := range []struct {
			m   map[string]any
			out **string
		}{{e.Before, &befores[i]}, {e.After, &afters[i]}} {
			b, err := jsonOrNil(p.m)
			if err != nil {
				return err
			}
			if b != nil {
				s := string(b)
				*p.out = &s
			}
		}
	}
	b.b.Queue(`
		INSERT INTO audit_events (actor_id, action, entity, entity_id, before, after, request_id)
		SELECT u.actor, u.action, u.entity, u.id, u.before::jsonb, u.after::jsonb, NULLIF($7, '')
		FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[])
		     AS u(actor, action, entity, id, before, after)`,
		actors, actions, entities, ids, befores, afters, procure.RequestID(ctx))
	return nil
}

func jsonOrNil(m map[string]any) ([]byte, error) {
	if m == nil {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("store: audit json: %w", err)
	}
	return b, nil
}

// AuditFilter narrows the audit log. Before is a keyset cursor: the id of
// the last event on the previous page (0 = first page).
type AuditFilter struct {
	Entity   string
	EntityID int64
	ActorID  int64
	Action   string // prefix, e.g. "user." or "contract.status"
	From, To time.Time
	Before   int64
	Limit    int
}

// AuditEvents returns events newest first, at most f.Limit (capped at 200).
func (q queries) AuditEvents(ctx context.Context, f AuditFilter) ([]procure.AuditEvent, error) {
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	const sql = `
		SELECT e.id, e.at, COALESCE(e.actor_id, 0), COALESCE(u.name, 'system'), e.action, e.entity,
		       COALESCE(e.entity_id, 0), e.before, e.after
		FROM audit_events e
		LEFT JOIN users u ON u.id = e.actor_id
		WHERE ($1 = '' OR e.entity = $1)
		  AND ($2 = 0 OR e.entity_id = $2)
		  AND ($3 = 0 OR e.actor_id = $3)
		  AND ($4 = '' OR starts_with(e.action, $4))
		  AND ($5::timestamptz IS NULL OR e.at >= $5)
		  AND ($6::timestamptz IS NULL OR e.at < $6)
		  AND ($7 = 0 OR e.id < $7)
		ORDER BY e.id DESC
		LIMIT $8`
	rows, err := q.db.Query(ctx, sql, f.Entity, f.EntityID, f.ActorID, f.Action, nullTime(f.From), nullTime(f.To), f.Before, limit)
	if err != nil {
		return nil, classify(err, "audit events")
	}
	defer rows.Close()
	var out []procure.AuditEvent
	for rows.Next() {
		var e procure.AuditEvent
		var before, after []byte
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.Entity, &e.EntityID, &before, &after); err != nil {
			return nil, classify(err, "scan audit event")
		}
		if before != nil {
			_ = json.Unmarshal(before, &e.Before)
		}
		if after != nil {
			_ = json.Unmarshal(after, &e.After)
		}
		out = append(out, e)
	}
	return out, classify(rows.Err(), "audit events")
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
