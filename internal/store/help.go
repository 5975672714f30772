package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/procure-app/procure/internal/procure"
)

const helpPageColumns = `p.id, p.slug, p.topic, p.title, p.body, p.version, COALESCE(u.name, ''), p.updated_at`

func scanHelpPage(row pgx.Row) (procure.HelpPage, error) {
	var p procure.HelpPage
	err := row.Scan(&p.ID, &p.Slug, &p.Topic, &p.Title, &p.Body, &p.Version, &p.UpdatedBy, &p.UpdatedAt)
	return p, err
}

// HelpPages lists the help pages by topic and title, or, with a search,
// the pages matching it best first (full-text, falling back to the title).
func (q queries) HelpPages(ctx context.Context, search string) ([]procure.HelpPage, error) {
	rows, err := q.db.Query(ctx, `
		SELECT `+helpPageColumns+` FROM help_pages p LEFT JOIN users u ON u.id = p.updated_by
		WHERE $1 = '' OR p.search @@ websearch_to_tsquery('simple', $1) OR p.title ILIKE '%' || $1 || '%'
		ORDER BY CASE WHEN $1 = '' THEN 0 ELSE ts_rank(p.search, websearch_to_tsquery('simple', $1)) END DESC, p.topic, p.title
		LIMIT 200`, search)
	if err != nil {
		return nil, classify(err, "help pages")
	}
	defer rows.Close()
	var out []procure.HelpPage
	for rows.Next() {
		p, err := scanHelpPage(rows)
		if err != nil {
			return nil, classify(err, "scan help page")
		}
		out = append(out, p)
	}
	return out, classify(rows.Err(), "help pages")
}

// HelpPageBySlug returns one page.
func (q queries) HelpPageBySlug(ctx context.Context, slug string) (procure.HelpPage, error) {
	p, err := scanHelpPage(q.db.QueryRow(ctx, `SELECT `+helpPageColumns+` FROM help_pages p LEFT JOIN users u ON u.id = p.updated_by WHERE p.slug = $1`, slug))
	if errors.Is(err, pgx.ErrNoRows) {
		return procure.HelpPage{}, procure.Errorf(procure.KindNotFound, "That help page does not exist.")
	}
	return p, classify(err, "help page")
}

// SaveHelpPage creates a page (id 0) or updates one unless it changed
// since in.Version, audited.
func (s *Store) SaveHelpPage(ctx context.Context, actorID, id int64, in procure.HelpPageInput) (string, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		if id == 0 {
			if err := tx.db.QueryRow(ctx, `
				INSERT INTO help_pages (slug, topic, title, body, updated_by) VALUES ($1, $2, $3, $4, NULLIF($5, 0)) RETURNING id`,
				in.Slug, in.Topic, in.Title, in.Body, actorID).Scan(&id); err != nil {
				return classify(err, "create help page")
			}
		} else {
			tag, err := tx.db.Exec(ctx, `
				UPDATE help_pages SET slug = $2, topic = $3, title = $4, body = $5, updated_by = NULLIF($6, 0), updated_at = now(), version = version + 1
				WHERE id = $1 AND version = $7`, id, in.Slug, in.Topic, in.Title, in.Body, actorID, in.Version)
			if err != nil {
				return classify(err, "update help page")
			}
			if tag.RowsAffected() == 0 {
				return changed("help page")
			}
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "help_page.save", Entity: "help_page", EntityID: id,
			After: map[string]any{"slug": in.Slug, "title": in.Title, "topic": in.Topic}})
	})
	return in.Slug, err
}

const helpRequestColumns = `
	r.id, r.user_id, u.name, r.subject, r.link, r.status, COALESCE(r.assignee_id, 0), COALESCE(a.name, ''), r.created_at,
	r.first_response_at, r.resolved_at, r.version, (SELECT count(*) - 1 FROM help_messages m WHERE m.request_id = r.id)`

const helpRequestFrom = ` FROM help_requests r JOIN users u ON u.id = r.user_id LEFT JOIN users a ON a.id = r.assignee_id`

func scanHelpRequest(row pgx.Row) (procure.HelpRequest, error) {
	var r procure.HelpRequest
	var status string
	err := row.Scan(&r.ID, &r.UserID, &r.UserName, &r.Subject, &r.Link, &status, &r.AssigneeID, &r.AssigneeName, &r.CreatedAt,
		&r.FirstResponseAt, &r.ResolvedAt, &r.Version, &r.Replies)
	r.Status = procure.HelpStatus(status)
	return r, err
}

// HelpFilter selects help requests: one asker's (UserID), or the queue.
type HelpFilter struct {
	UserID int64 // 0: everyone's (procurement's queue)
	Status string
	Before int64
	Limit  int
}

// HelpRequests lists help requests newest first.
func (q queries) HelpRequests(ctx context.Context, f HelpFilter) ([]procure.HelpRequest, error) {
	rows, err := q.db.Query(ctx, `SELECT `+helpRequestColumns+helpRequestFrom+`
		WHERE ($1 = 0 OR r.user_id = $1) AND ($2 = '' OR r.status = $2) AND ($3 = 0 OR r.id < $3)
		ORDER BY r.id DESC LIMIT $4`, f.UserID, f.Status, f.Before, pageLimit(f.Limit))
	if err != nil {
		return nil, classify(err, "help requests")
	}
	defer rows.Close()
	var out []procure.HelpRequest
	for rows.Next() {
		r, err := scanHelpRequest(rows)
		if err != nil {
			return nil, classify(err, "scan help request")
		}
		out = append(out, r)
	}
	return out, classify(rows.Err(), "help requests")
}

// HelpRequestByID returns a request with its thread if viewer may see it:
// its asker, or procurement (staff). Anyone else gets "not found".
func (q queries) HelpRequestByID(ctx context.Context, viewerID int64, staff bool, id int64) (procure.HelpRequest, error) {
	r, err := scanHelpRequest(q.db.QueryRow(ctx, `SELECT `+helpRequestColumns+helpRequestFrom+` WHERE r.id = $1 AND ($2 OR r.user_id = $3)`,
		id, staff, viewerID))
	if errors.Is(err, pgx.ErrNoRows) {
		return procure.HelpRequest{}, notFound("Help request", id)
	}
	if err != nil {
		return procure.HelpRequest{}, classify(err, "help request")
	}
	rows, err := q.db.Query(ctx, `
		SELECT m.id, m.user_id, u.name, EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = m.user_id AND ur.role = 'procurement'),
		       m.body, m.created_at
		FROM help_messages m JOIN users u ON u.id = m.user_id WHERE m.request_id = $1 ORDER BY m.id`, id)
	if err != nil {
		return procure.HelpRequest{}, classify(err, "help messages")
	}
	defer rows.Close()
	for rows.Next() {
		var m procure.HelpMessage
		if err := rows.Scan(&m.ID, &m.UserID, &m.UserName, &m.FromStaff, &m.Body, &m.CreatedAt); err != nil {
			return procure.HelpRequest{}, classify(err, "scan help message")
		}
		m.FromStaff = m.FromStaff && m.UserID != r.UserID
		r.Messages = append(r.Messages, m)
	}
	return r, classify(rows.Err(), "help messages")
}

// CreateHelpRequest records a question with its first message and tells
// procurement, in one transaction. key is the form's idempotency key: the
// same key again (a double click) records nothing and returns the first
// request's id.
func (s *Store) CreateHelpRequest(ctx context.Context, actorID int64, in procure.HelpRequestInput, key string, email bool) (int64, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		err := tx.db.QueryRow(ctx, `
			INSERT INTO help_requests (user_id, subject, link, form_key)
			VALUES ($1, $2, $3, COALESCE(NULLIF($4, ''), replace(gen_random_uuid()::text, '-', '')))
			ON CONFLICT (user_id, form_key) DO NOTHING RETURNING id`,
			actorID, in.Subject, in.Link, key).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return classify(tx.db.QueryRow(ctx, `SELECT id FROM help_requests WHERE user_id = $1 AND form_key = $2`, actorID, key).Scan(&id),
				"repeated help request")
		}
		if err != nil {
			return classify(err, "create help request")
		}
		if _, err := tx.db.Exec(ctx, `INSERT INTO help_messages (request_id, user_id, body) VALUES ($1, $2, $3)`, id, actorID, in.Text); err != nil {
			return classify(err, "help message")
		}
		if err := tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "help_request.create", Entity: "help_request", EntityID: id,
			After: map[string]any{"subject": in.Subject, "link": in.Link}}); err != nil {
			return err
		}
		return tx.NotifyRoles(ctx, []procure.Role{procure.RoleProcurement}, nil, procure.NewNotification{Kind: procure.NotifyHelpRequest,
			Title: "New help request: " + in.Subject, Body: in.Text, Link: fmt.Sprintf("/help/requests/%d", id),
			DedupeKey: fmt.Sprintf("help:%d:new", id)}, email)
	})
	return id, err
}

// ReplyHelp adds a message to a request the actor may see. A reply from
// procurement sets the first-response time (once), marks the request
// answered and tells the asker; the asker's reply re-opens it and tells the
// assignee (or procurement). Replying to a resolved request re-opens it.
func (s *Store) ReplyHelp(ctx context.Context, actorID int64, staff bool, id int64, text, key string, email bool) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var asker, assignee int64
		var subject string
		err := tx.db.QueryRow(ctx, `
			SELECT user_id, COALESCE(assignee_id, 0), subject FROM help_requests WHERE id = $1 AND ($2 OR user_id = $3) FOR UPDATE`,
			id, staff, actorID).Scan(&asker, &assignee, &subject)
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("Help request", id)
		}
		if err != nil {
			return classify(err, "lock help request")
		}
		var msgID int64
		err = tx.db.QueryRow(ctx, `
			INSERT INTO help_messages (request_id, user_id, body, form_key)
			VALUES ($1, $2, $3, COALESCE(NULLIF($4, ''), replace(gen_random_uuid()::text, '-', '')))
			ON CONFLICT (user_id, form_key) DO NOTHING RETURNING id`, id, actorID, text, key).Scan(&msgID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // this reply was sent already (a double click)
		}
		if err != nil {
			return classify(err, "help reply")
		}
		fromStaff := staff && actorID != asker
		status := procure.HelpOpen
		if fromStaff {
			status = procure.HelpAnswered
		}
		if _, err := tx.db.Exec(ctx, `
			UPDATE help_requests SET status = $2, resolved_at = NULL, version = version + 1,
			       first_response_at = CASE WHEN $3 THEN COALESCE(first_response_at, now()) ELSE first_response_at END,
			       assignee_id = CASE WHEN $3 THEN COALESCE(assignee_id, $4) ELSE assignee_id END
			WHERE id = $1`, id, string(status), fromStaff, actorID); err != nil {
			return classify(err, "help status")
		}
		if err := tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "help_request.reply", Entity: "help_request", EntityID: id,
			After: map[string]any{"message": msgID, "status": status}}); err != nil {
			return err
		}
		n := procure.NewNotification{Kind: procure.NotifyHelpReply, Title: "Reply on: " + subject, Body: text,
			Link: fmt.Sprintf("/help/requests/%d", id), DedupeKey: fmt.Sprintf("help:%d:msg:%d", id, msgID)}
		if fromStaff {
			return tx.Notify(ctx, []int64{asker}, n, email)
		}
		if assignee != 0 {
			return tx.Notify(ctx, []int64{assignee}, n, email)
		}
		return tx.NotifyRoles(ctx, []procure.Role{procure.RoleProcurement}, nil, n, email)
	})
}

// AssignHelp gives a request to a procurement user.
func (s *Store) AssignHelp(ctx context.Context, actorID, id, assigneeID int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.db.Exec(ctx, `
			UPDATE help_requests SET assignee_id = $2, version = version + 1
			WHERE id = $1 AND EXISTS (SELECT 1 FROM user_roles WHERE user_id = $2 AND role = 'procurement')`, id, assigneeID)
		if err != nil {
			return classify(err, "assign help")
		}
		if tag.RowsAffected() == 0 {
			var exists bool
			_ = tx.db.QueryRow(ctx, `SELECT true FROM help_requests WHERE id = $1`, id).Scan(&exists)
			if !exists {
				return notFound("Help request", id)
			}
			return &procure.Error{Kind: procure.KindInvalid, Message: "Assign to someone in procurement.", Fields: map[string]string{"assignee_id": "Assign to someone in procurement."}}
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "help_request.assign", Entity: "help_request", EntityID: id,
			After: map[string]any{"assignee": assigneeID}})
	})
}

// ResolveHelp closes a request (procurement, or its asker).
func (s *Store) ResolveHelp(ctx context.Context, actorID int64, staff bool, id int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var status string
		err := tx.db.QueryRow(ctx, `SELECT status FROM help_requests WHERE id = $1 AND ($2 OR user_id = $3) FOR UPDATE`, id, staff, actorID).Scan(&status)
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("Help request", id)
		}
		if err != nil {
			return classify(err, "lock help request")
		}
		if status == string(procure.HelpResolved) {
			return procure.Errorf(procure.KindConflict, "This request is already resolved.")
		}
		if _, err := tx.db.Exec(ctx, `UPDATE help_requests SET status = 'resolved', resolved_at = now(), version = version + 1 WHERE id = $1`, id); err != nil {
			return classify(err, "resolve help")
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "help_request.resolve", Entity: "help_request", EntityID: id,
			Before: map[string]any{"status": status}, After: map[string]any{"status": "resolved"}})
	})
}

// HelpTimes is the median first response and resolution of requests
// created in [from, to).
func (q queries) HelpTimes(ctx context.Context, from, to time.Time) (requests int64, firstResponse, resolution *time.Duration, err error) {
	var fr, res *int64
	err = q.db.QueryRow(ctx, `
		SELECT count(*),
		       (extract(epoch FROM percentile_disc(0.5) WITHIN GROUP (ORDER BY first_response_at - created_at)))::bigint,
		       (extract(epoch FROM percentile_disc(0.5) WITHIN GROUP (ORDER BY resolved_at - created_at)))::bigint
		FROM help_requests WHERE created_at >= $1 AND created_at < $2`, from, to).Scan(&requests, &fr, &res)
	if fr != nil {
		d := time.Duration(*fr) * time.Second
		firstResponse = &d
	}
	if res != nil {
		d := time.Duration(*res) * time.Second
		resolution = &d
	}
	return requests, firstResponse, resolution, classify(err, "help times")
}

// CreateAnnouncement posts news from procurement, audited.
func (s *Store) CreateAnnouncement(ctx context.Context, actorID int64, title, body string, endsOn *time.Time, key string) (int64, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		err := tx.db.QueryRow(ctx, `
			INSERT INTO announcements (title, body, created_by, ends_on, form_key)
			VALUES ($1, $2, NULLIF($3, 0), $4, COALESCE(NULLIF($5, ''), replace(gen_random_uuid()::text, '-', '')))
			ON CONFLICT (created_by, form_key) DO NOTHING RETURNING id`,
			title, body, actorID, endsOn, key).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return classify(tx.db.QueryRow(ctx, `SELECT id FROM announcements WHERE created_by = $1 AND form_key = $2`, actorID, key).Scan(&id),
				"repeated announcement")
		}
		if err != nil {
			return classify(err, "create announcement")
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "announcement.create", Entity: "announcement", EntityID: id,
			After: map[string]any{"title": title}})
	})
	return id, err
}

// Announcements lists the announcements a user has not dismissed and that
// have not ended, newest first.
func (q queries) Announcements(ctx context.Context, userID int64, today time.Time) ([]procure.Announcement, error) {
	rows, err := q.db.Query(ctx, `
		SELECT a.id, a.title, a.body, COALESCE(u.name, ''), a.created_at, a.ends_on
		FROM announcements a LEFT JOIN users u ON u.id = a.created_by
		WHERE (a.ends_on IS NULL OR a.ends_on >= $2::date)
		  AND NOT EXISTS (SELECT 1 FROM announcement_dismissals d WHERE d.announcement_id = a.id AND d.user_id = $1)
		ORDER BY a.id DESC LIMIT 10`, userID, today)
	if err != nil {
		return nil, classify(err, "announcements")
	}
	defer rows.Close()
	var out []procure.Announcement
	for rows.Next() {
		var a procure.Announcement
		if err := rows.Scan(&a.ID, &a.Title, &a.Body, &a.CreatedBy, &a.CreatedAt, &a.EndsOn); err != nil {
			return nil, classify(err, "scan announcement")
		}
		out = append(out, a)
	}
	return out, classify(rows.Err(), "announcements")
}

// DismissAnnouncement hides an announcement for one user (idempotent).
func (s *Store) DismissAnnouncement(ctx context.Context, userID, id int64) error {
	tag, err := s.db.Exec(ctx, `
		INSERT INTO announcement_dismissals (announcement_id, user_id) SELECT id, $2 FROM announcements WHERE id = $1
		ON CONFLICT DO NOTHING`, id, userID)
	if err != nil {
		return classify(err, "dismiss announcement")
	}
	if tag.RowsAffected() == 0 {
		var exists bool
		_ = s.db.QueryRow(ctx, `SELECT true FROM announcements WHERE id = $1`, id).Scan(&exists)
		if !exists {
			return notFound("Announcement", id)
		}
	}
	return nil
}
