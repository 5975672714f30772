package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/procure-app/procure/internal/procure"
)

// Notify records n for each active user of userIDs, in the caller's
// transaction (the event and its notifications commit together). A user
// who already has a notification with n's dedupe key gets nothing new.
// With email on, each new notification also gets an outbox row, unless the
// user switched that kind's email off.
func (tx *Tx) Notify(ctx context.Context, userIDs []int64, n procure.NewNotification, email bool) error {
	if len(userIDs) == 0 {
		return nil
	}
	var created int
	err := tx.db.QueryRow(ctx, `
		WITH new AS (
			INSERT INTO notifications (user_id, kind, title, body, link, dedupe_key, created_at)
			SELECT u.id, $2, $3, $4, $5, $6, COALESCE($10, now()) FROM users u WHERE u.id = ANY ($1) AND u.active
			ON CONFLICT (user_id, dedupe_key) DO NOTHING
			RETURNING id, user_id),
		mail AS (
			INSERT INTO outbox (notification_id, to_email, subject, body)
			SELECT new.id, u.email, $7, $8
			FROM new JOIN users u ON u.id = new.user_id
			WHERE $9 AND NOT EXISTS (SELECT 1 FROM notification_prefs p WHERE p.user_id = u.id AND p.kind = $2 AND NOT p.email))
		SELECT count(*) FROM new`,
		userIDs, string(n.Kind), n.Title, n.Body, n.Link, n.DedupeKey, mailSubject(n.Title), mailBody(n), email, nullTime(n.At)).Scan(&created)
	tx.notified += created
	return classify(err, "notify")
}

// NotifyRoles is Notify for every active user holding any of roles, plus
// extra users (a contract's owner, say).
func (tx *Tx) NotifyRoles(ctx context.Context, roles []procure.Role, extra []int64, n procure.NewNotification, email bool) error {
	ids, err := tx.RoleMembers(ctx, roles)
	if err != nil {
		return err
	}
	return tx.Notify(ctx, WithUsers(ids, extra...), n, email)
}

// RoleMembers lists the users holding any of roles (a job telling many
// events to the same people reads them once).
func (tx *Tx) RoleMembers(ctx context.Context, roles []procure.Role) ([]int64, error) {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	rows, err := tx.db.Query(ctx, `SELECT DISTINCT user_id FROM user_roles WHERE role = ANY ($1)`, names)
	if err != nil {
		return nil, classify(err, "role members")
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return ids, classify(err, "role members")
}

// WithUsers is ids plus the non-zero extra ids (a contract's owner, say),
// in a new slice. Notify records one notification per person however often
// they appear.
func WithUsers(ids []int64, extra ...int64) []int64 {
	out := append([]int64(nil), ids...)
	for _, id := range extra {
		if id != 0 {
			out = append(out, id)
		}
	}
	return out
}

// mailSubject is a one-line subject: no CR or LF reaches a mail header
// (ASVS 1.3.11), and it is bounded.
func mailSubject(title string) string {
	s := strings.Join(strings.Fields(title), " ")
	if r := []rune(s); len(r) > 150 {
		s = string(r[:149]) + "…"
	}
	return "[Procure] " + s
}

// mailBody is the plain-text email: the notification and where to look.
// The sender adds the app's base URL to the link.
func mailBody(n procure.NewNotification) string {
	var b strings.Builder
	b.WriteString(n.Title)
	b.WriteString("\n\n")
	if n.Body != "" {
		b.WriteString(n.Body)
		b.WriteString("\n\n")
	}
	if n.Link != "" {
		b.WriteString("Open it in Procure: {{base}}")
		b.WriteString(n.Link)
		b.WriteString("\n\n")
	}
	b.WriteString("You get this email because it is switched on in your notification settings ({{base}}/settings/notifications).\n")
	return b.String()
}

// Notifications lists a user's notifications, newest first, one keyset page.
func (q queries) Notifications(ctx context.Context, userID, before int64, limit int) ([]procure.Notification, error) {
	rows, err := q.db.Query(ctx, `
		SELECT id, kind, title, body, link, created_at, read_at FROM notifications
		WHERE user_id = $1 AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3`, userID, before, pageLimit(limit))
	if err != nil {
		return nil, classify(err, "notifications")
	}
	defer rows.Close()
	var out []procure.Notification
	for rows.Next() {
		var n procure.Notification
		var kind string
		if err := rows.Scan(&n.ID, &kind, &n.Title, &n.Body, &n.Link, &n.CreatedAt, &n.ReadAt); err != nil {
			return nil, classify(err, "scan notification")
		}
		n.Kind = procure.NotificationKind(kind)
		out = append(out, n)
	}
	return out, classify(rows.Err(), "notifications")
}

// UnreadCount is the number on the bell.
func (q queries) UnreadCount(ctx context.Context, userID int64) (int, error) {
	var n int
	err := q.db.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, userID).Scan(&n)
	return n, classify(err, "unread count")
}

// MarkRead marks one of the user's notifications read and returns its
// link. Another user's notification is "not found".
func (s *Store) MarkRead(ctx context.Context, userID, id int64) (string, error) {
	var link string
	err := s.db.QueryRow(ctx, `
		UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING link`, id, userID).Scan(&link)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", notFound("Notification", id)
	}
	return link, classify(err, "mark read")
}

// MarkAllRead marks every notification of the user read.
func (s *Store) MarkAllRead(ctx context.Context, userID int64) error {
	_, err := s.db.Exec(ctx, `UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL`, userID)
	return classify(err, "mark all read")
}

// SettleRequestWaiting marks read, for everyone it went to, the
// notification that a request's lines wait for approval, once none of
// them waits any more: it asks nothing of anyone then.
func (tx *Tx) SettleRequestWaiting(ctx context.Context, requestID int64) error {
	_, err := tx.db.Exec(ctx, `
		UPDATE notifications SET read_at = now()
		WHERE read_at IS NULL AND dedupe_key = $2
		  AND NOT EXISTS (SELECT 1 FROM request_lines WHERE request_id = $1 AND status = 'pending')`, requestID, procure.RequestWaitingKey(requestID))
	return classify(err, "settle waiting notifications")
}

// settle marks read, for everyone it went to, the notification of an
// event that needs nothing from anyone any more.
func (tx *Tx) settle(ctx context.Context, dedupeKey string) error {
	_, err := tx.db.Exec(ctx, `UPDATE notifications SET read_at = now() WHERE read_at IS NULL AND dedupe_key = $1`, dedupeKey)
	return classify(err, "settle notifications")
}

// EmailPrefs returns which kinds the user gets by email (all on unless
// switched off).
func (q queries) EmailPrefs(ctx context.Context, userID int64) (map[procure.NotificationKind]bool, error) {
	out := map[procure.NotificationKind]bool{}
	for _, k := range procure.NotificationKinds {
		out[k.Kind] = true
	}
	rows, err := q.db.Query(ctx, `SELECT kind, email FROM notification_prefs WHERE user_id = $1`, userID)
	if err != nil {
		return nil, classify(err, "notification prefs")
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var on bool
		if err := rows.Scan(&kind, &on); err != nil {
			return nil, classify(err, "scan pref")
		}
		out[procure.NotificationKind(kind)] = on
	}
	return out, classify(rows.Err(), "notification prefs")
}

// SetEmailPrefs stores the user's choice for every kind, audited.
func (s *Store) SetEmailPrefs(ctx context.Context, userID int64, on map[procure.NotificationKind]bool) error {
	return s.InTx(ctx, func(tx *Tx) error {
		kinds, emails := []string{}, []bool{}
		after := map[string]any{}
		for _, k := range procure.NotificationKinds {
			kinds, emails = append(kinds, string(k.Kind)), append(emails, on[k.Kind])
			after[string(k.Kind)] = on[k.Kind]
		}
		if _, err := tx.db.Exec(ctx, `
			INSERT INTO notification_prefs (user_id, kind, email) SELECT $1, k, e FROM unnest($2::text[], $3::bool[]) AS u(k, e)
			ON CONFLICT (user_id, kind) DO UPDATE SET email = EXCLUDED.email`, userID, kinds, emails); err != nil {
			return classify(err, "set prefs")
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: userID, Action: "user.notification_prefs", Entity: "user", EntityID: userID, After: after})
	})
}

// ClaimOutbox leases up to n due emails for lease: rows another worker
// holds (locked or leased) are skipped, so instances never send the same
// row at once. Each claim counts as an attempt.
func (s *Store) ClaimOutbox(ctx context.Context, n int, lease time.Duration) ([]procure.OutboxMail, error) {
	rows, err := s.db.Query(ctx, `
		UPDATE outbox o SET leased_until = now() + $2::interval, attempts = o.attempts + 1
		WHERE o.id IN (
			SELECT id FROM outbox
			WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now() AND (leased_until IS NULL OR leased_until < now())
			ORDER BY next_attempt_at, id LIMIT $1
			FOR UPDATE SKIP LOCKED)
		RETURNING o.id, o.to_email, o.subject, o.body, o.attempts`, n, lease)
	if err != nil {
		return nil, classify(err, "claim outbox")
	}
	defer rows.Close()
	var out []procure.OutboxMail
	for rows.Next() {
		var m procure.OutboxMail
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.Attempts); err != nil {
			return nil, classify(err, "scan outbox")
		}
		out = append(out, m)
	}
	return out, classify(rows.Err(), "claim outbox")
}

// OutboxSent records a delivered email.
func (s *Store) OutboxSent(ctx context.Context, id int64) error {
	_, err := s.db.Exec(ctx, `UPDATE outbox SET sent_at = now(), leased_until = NULL, last_error = '' WHERE id = $1`, id)
	return classify(err, "outbox sent")
}

// OutboxRetry records a failed attempt: the next one after backoff, or,
// when giveUp, none (the row stays, marked failed, for the record).
func (s *Store) OutboxRetry(ctx context.Context, id int64, backoff time.Duration, giveUp bool, reason string) error {
	if len(reason) > 500 {
		reason = reason[:500]
	}
	_, err := s.db.Exec(ctx, `
		UPDATE outbox SET leased_until = NULL, last_error = $4,
		       next_attempt_at = now() + $2::interval, failed_at = CASE WHEN $3 THEN now() END
		WHERE id = $1`, id, backoff, giveUp, reason)
	return classify(err, "outbox retry")
}

// OutboxCounts reports pending, sent and failed emails (for tests and /readyz-like checks).
func (q queries) OutboxCounts(ctx context.Context) (pending, sent, failed int64, err error) {
	err = q.db.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL), count(*) FILTER (WHERE sent_at IS NOT NULL),
		       count(*) FILTER (WHERE failed_at IS NOT NULL)
		FROM outbox`).Scan(&pending, &sent, &failed)
	return pending, sent, failed, classify(err, "outbox counts")
}

// DueContract is a live contract the scheduled job looks at.
type DueContract struct {
	ID         int64
	Number     string
	Title      string
	OwnerID    int64
	End        time.Time
	NoticeDays int
}

// TryJobLock takes the scheduled job's transaction-scoped advisory lock;
// false means another instance is running the job right now.
func (tx *Tx) TryJobLock(ctx context.Context, name string) (bool, error) {
	var ok bool
	err := tx.db.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(hashtext($1))`, name).Scan(&ok)
	return ok, classify(err, "job lock")
}

// ContractsNearEnd lists active contracts that have reached their renewal
// notice date or end within days of today (and have not ended).
func (tx *Tx) ContractsNearEnd(ctx context.Context, today time.Time, days int) ([]DueContract, error) {
	rows, err := tx.db.Query(ctx, `
		SELECT id, number, title, COALESCE(owner_id, 0), end_date, renewal_notice_days FROM contracts
		WHERE status = 'active' AND end_date >= $1::date
		  AND ($1::date >= end_date - renewal_notice_days OR end_date <= $1::date + $2::int)
		ORDER BY end_date, id`, today, days)
	if err != nil {
		return nil, classify(err, "contracts near end")
	}
	defer rows.Close()
	var out []DueContract
	for rows.Next() {
		var c DueContract
		if err := rows.Scan(&c.ID, &c.Number, &c.Title, &c.OwnerID, &c.End, &c.NoticeDays); err != nil {
			return nil, classify(err, "scan contract near end")
		}
		out = append(out, c)
	}
	return out, classify(rows.Err(), "contracts near end")
}

// DueMilestone is an open milestone whose date has come.
type DueMilestone struct {
	ID, ContractID int64
	Number         string
	Description    string
	OwnerID        int64
	Due            time.Time
}

// MilestonesDue lists open milestones due on or before today.
func (tx *Tx) MilestonesDue(ctx context.Context, today time.Time) ([]DueMilestone, error) {
	rows, err := tx.db.Query(ctx, `
		SELECT m.id, m.contract_id, c.number, m.description, m.owner_id, m.due_on
		FROM contract_milestones m JOIN contracts c ON c.id = m.contract_id
		WHERE m.done_at IS NULL AND m.due_on <= $1::date ORDER BY m.due_on, m.id`, today)
	if err != nil {
		return nil, classify(err, "milestones due")
	}
	defer rows.Close()
	var out []DueMilestone
	for rows.Next() {
		var m DueMilestone
		if err := rows.Scan(&m.ID, &m.ContractID, &m.Number, &m.Description, &m.OwnerID, &m.Due); err != nil {
			return nil, classify(err, "scan milestone")
		}
		out = append(out, m)
	}
	return out, classify(rows.Err(), "milestones due")
}
