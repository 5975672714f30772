package store

import (
	"context"
	"time"
)

// LoginThrottle is the sign-in rate-limit policy: after Limit failures for
// one key within Window, the key is locked for Lockout. Keys are
// "email:<address>" (whether or not the account exists, so the lock reveals
// nothing) and "ip:<address>".
type LoginThrottle struct {
	Limit   int
	Window  time.Duration
	Lockout time.Duration
}

// LoginLockedUntil returns the latest lock among keys that is still in
// force, or the zero time.
func (q queries) LoginLockedUntil(ctx context.Context, keys []string) (time.Time, error) {
	var until *time.Time
	err := q.db.QueryRow(ctx, `
		SELECT max(locked_until) FROM login_failures
		WHERE key = ANY ($1) AND locked_until > now()`, keys).Scan(&until)
	if err != nil || until == nil {
		return time.Time{}, classify(err, "login lock")
	}
	return *until, nil
}

// RecordLoginFailure counts a failure for each key and locks a key that
// reaches its limit. It returns the highest failure count in the window, so
// the caller can slow down answers as failures grow. One statement per key:
// concurrent failures from several instances count exactly.
func (s *Store) RecordLoginFailure(ctx context.Context, keys []string, limits []LoginThrottle) (int, error) {
	worst := 0
	for i, key := range keys {
		p := limits[i]
		var n int
		err := s.db.QueryRow(ctx, `
			INSERT INTO login_failures AS f (key, failures, window_start)
			VALUES ($1, 1, now())
			ON CONFLICT (key) DO UPDATE SET
				failures     = CASE WHEN f.window_start < now() - $2::interval THEN 1 ELSE f.failures + 1 END,
				window_start = CASE WHEN f.window_start < now() - $2::interval THEN now() ELSE f.window_start END
			RETURNING failures`, key, p.Window).Scan(&n)
		if err != nil {
			return 0, classify(err, "record login failure")
		}
		if n >= p.Limit {
			if _, err := s.db.Exec(ctx, `
				UPDATE login_failures SET locked_until = now() + $2::interval, failures = 0, window_start = now()
				WHERE key = $1`, key, p.Lockout); err != nil {
				return 0, classify(err, "lock login")
			}
		}
		worst = max(worst, n)
	}
	return worst, nil
}

// ClearLoginFailures forgets the failures of keys after a successful
// sign-in.
func (s *Store) ClearLoginFailures(ctx context.Context, keys []string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM login_failures WHERE key = ANY ($1) AND (locked_until IS NULL OR locked_until <= now())`, keys)
	return classify(err, "clear login failures")
}
