package store

import (
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/procure-app/procure/internal/procure"
)

// userColumns selects a user with roles and locations aggregated, so one
// row is one procure.User.
const userColumns = `
	u.id, u.email, u.name, u.active, u.generation, u.version,
	COALESCE((SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r WHERE r.user_id = u.id), '{}'),
	COALESCE((SELECT array_agg(l.location_id ORDER BY l.location_id) FROM user_locations l WHERE l.user_id = u.id), '{}')`

// scanUser scans userColumns, then extra for any columns after them.
func scanUser(row pgx.Row, extra ...any) (procure.User, error) {
	var u procure.User
	var roles []string
	if err := row.Scan(append([]any{&u.ID, &u.Email, &u.Name, &u.Active, &u.Generation, &u.Version, &roles, &u.Locations}, extra...)...); err != nil {
		return procure.User{}, err
	}
	for _, r := range roles {
		u.Roles = append(u.Roles, procure.Role(r))
	}
	return u, nil
}

// UserByID returns a user with roles and locations. It is read on every
// request, so role and location changes apply at once.
func (q queries) UserByID(ctx context.Context, id int64) (procure.User, error) {
	u, err := scanUser(q.db.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return procure.User{}, notFound("User", id)
	}
	return u, classify(err, "user by id")
}

// Viewer is UserByID for the signed-in user of a request, with the count
// of their unread notifications (the bell) when withUnread, in one query.
func (q queries) Viewer(ctx context.Context, id int64, withUnread bool) (procure.User, int, error) {
	var unread int
	u, err := scanUser(q.db.QueryRow(ctx, `
		SELECT `+userColumns+`,
		       CASE WHEN $2 THEN (SELECT count(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL) ELSE 0 END
		FROM users u WHERE u.id = $1`, id, withUnread), &unread)
	if errors.Is(err, pgx.ErrNoRows) {
		return procure.User{}, 0, notFound("User", id)
	}
	return u, unread, classify(err, "viewer")
}

// UserCredentials returns the user with email (normalised) and their
// password hash, for sign-in. A missing user is KindNotFound.
func (q queries) UserCredentials(ctx context.Context, email string) (procure.User, string, error) {
	var hash string
	u, err := scanUser(q.db.QueryRow(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u WHERE u.email = $1`,
		procure.NormalizeEmail(email)), &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return procure.User{}, "", procure.Errorf(procure.KindNotFound, "No such user.")
	}
	if err != nil {
		return procure.User{}, "", classify(err, "user credentials")
	}
	return u, hash, nil
}

// Users lists every user by name.
func (q queries) Users(ctx context.Context) ([]procure.User, error) {
	rows, err := q.db.Query(ctx, `SELECT `+userColumns+` FROM users u ORDER BY lower(u.name), u.id`)
	if err != nil {
		return nil, classify(err, "users")
	}
	defer rows.Close()
	var out []procure.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, classify(err, "scan user")
		}
		out = append(out, u)
	}
	return out, classify(rows.Err(), "users")
}

// CreateUser inserts a user with roles and locations, audited. in must be
// validated; hash is the password hash.
func (s *Store) CreateUser(ctx context.Context, actorID int64, in procure.UserInput, hash string) (int64, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		err := tx.db.QueryRow(ctx, `
			INSERT INTO users (email, name, password_hash, active) VALUES ($1, $2, $3, $4) RETURNING id`,
			in.Email, in.Name, hash, in.Active).Scan(&id)
		if err != nil {
			return classify(err, "create user")
		}
		if err := tx.setRolesAndLocations(ctx, id, in); err != nil {
			return err
		}
		return tx.Audit(ctx, procure.AuditEvent{
			ActorID: actorID, Action: "user.create", Entity: "user", EntityID: id,
			After: userAudit(in),
		})
	})
	return id, err
}

func userAudit(in procure.UserInput) map[string]any {
	return map[string]any{"email": in.Email, "name": in.Name, "roles": in.Roles, "locations": in.Locations, "active": in.Active}
}

func (tx *Tx) setRolesAndLocations(ctx context.Context, id int64, in procure.UserInput) error {
	roles := make([]string, len(in.Roles))
	for i, r := range in.Roles {
		roles[i] = string(r)
	}
	if _, err := tx.db.Exec(ctx, `DELETE FROM user_roles WHERE user_id = $1`, id); err != nil {
		return classify(err, "clear roles")
	}
	if _, err := tx.db.Exec(ctx, `INSERT INTO user_roles (user_id, role) SELECT $1, unnest($2::text[])`, id, roles); err != nil {
		return classify(err, "set roles")
	}
	if _, err := tx.db.Exec(ctx, `DELETE FROM user_locations WHERE user_id = $1`, id); err != nil {
		return classify(err, "clear locations")
	}
	locs := in.Locations
	if locs == nil {
		locs = []int64{}
	}
	tag, err := tx.db.Exec(ctx, `
		INSERT INTO user_locations (user_id, location_id)
		SELECT $1, l.id FROM locations l WHERE l.id = ANY ($2)`, id, locs)
	if err != nil {
		return classify(err, "set locations")
	}
	if int(tag.RowsAffected()) != len(slices.Compact(slices.Sorted(slices.Values(locs)))) {
		return &procure.Error{Kind: procure.KindInvalid, Message: "Choose locations from the list.",
			Fields: map[string]string{"locations": "Choose locations from the list."}}
	}
	return nil
}

// lockOwners serialises every change that could remove an owner, so two
// owners demoting each other at once cannot leave the organisation with
// none: the second waits, then counts what the first left.
func (tx *Tx) lockOwners(ctx context.Context) error {
	_, err := tx.db.Exec(ctx, `SELECT pg_advisory_xact_lock(7201)`) // 7201: the owner set
	return classify(err, "lock owners")
}

// UpdateUser changes name, roles, locations and the active flag, unless the
// record changed since in.Version was read, or the change would leave no
// active owner. Deactivation ends the user's sessions (generation bump).
func (s *Store) UpdateUser(ctx context.Context, actorID, id int64, in procure.UserInput) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.lockOwners(ctx); err != nil {
			return err
		}
		before, err := tx.UserByID(ctx, id)
		if err != nil {
			return err
		}
		if before.Version != in.Version {
			return changed("user")
		}
		tag, err := tx.db.Exec(ctx, `
			UPDATE users SET name = $2, active = $3, version = version + 1, updated_at = now(),
			       generation = generation + CASE WHEN active AND NOT $3 THEN 1 ELSE 0 END
			WHERE id = $1 AND version = $4`, id, in.Name, in.Active, in.Version)
		if err != nil {
			return classify(err, "update user")
		}
		if tag.RowsAffected() == 0 {
			return changed("user")
		}
		if err := tx.setRolesAndLocations(ctx, id, in); err != nil {
			return err
		}
		if err := tx.requireAnOwner(ctx); err != nil {
			return err
		}
		return tx.Audit(ctx, procure.AuditEvent{
			ActorID: actorID, Action: "user.update", Entity: "user", EntityID: id,
			Before: map[string]any{"name": before.Name, "roles": before.Roles, "locations": before.Locations, "active": before.Active},
			After:  map[string]any{"name": in.Name, "roles": in.Roles, "locations": in.Locations, "active": in.Active},
		})
	})
}

func (tx *Tx) requireAnOwner(ctx context.Context) error {
	var owners int
	err := tx.db.QueryRow(ctx, `
		SELECT count(*) FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE r.role = 'owner' AND u.active`).Scan(&owners)
	if err != nil {
		return classify(err, "count owners")
	}
	if owners == 0 {
		return &procure.Error{Kind: procure.KindInvalid,
			Message: "This would leave no active owner. Make someone else an owner first.",
			Fields:  map[string]string{"roles": "The last active owner must keep the owner role and stay active."}}
	}
	return nil
}

// SetPassword replaces a user's password hash and ends all their sessions.
func (s *Store) SetPassword(ctx context.Context, actorID, id int64, hash string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.db.Exec(ctx, `
			UPDATE users SET password_hash = $2, generation = generation + 1, version = version + 1, updated_at = now()
			WHERE id = $1`, id, hash)
		if err != nil {
			return classify(err, "set password")
		}
		if tag.RowsAffected() == 0 {
			return notFound("User", id)
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "user.password", Entity: "user", EntityID: id})
	})
}

// EndSessions ends every session of a user (their next request signs them
// out), audited.
func (s *Store) EndSessions(ctx context.Context, actorID, id int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.db.Exec(ctx, `UPDATE users SET generation = generation + 1 WHERE id = $1`, id)
		if err != nil {
			return classify(err, "end sessions")
		}
		if tag.RowsAffected() == 0 {
			return notFound("User", id)
		}
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "user.sessions_ended", Entity: "user", EntityID: id})
	})
}

// RecordSignIn audits a successful or failed sign-in (ASVS 16.3.1). A
// failed attempt for an unknown email has no user id.
func (s *Store) RecordSignIn(ctx context.Context, userID int64, ok bool, email, ip string) error {
	action := "auth.sign_in"
	if !ok {
		action = "auth.sign_in_failed"
	}
	actor := userID
	if !ok {
		actor = 0 // whoever tried is not known to be that user
	}
	return s.InTx(ctx, func(tx *Tx) error {
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actor, Action: action, Entity: "user", EntityID: userID,
			After: map[string]any{"email": email, "ip": ip, "method": "password"}})
	})
}

// UsersWithRole lists the active users holding role, by name (whom a help
// request or a milestone can be given to).
func (q queries) UsersWithRole(ctx context.Context, role procure.Role) ([]procure.User, error) {
	rows, err := q.db.Query(ctx, `
		SELECT u.id, u.name, u.email FROM users u
		WHERE u.active AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = $1)
		ORDER BY u.name, u.id`, string(role))
	if err != nil {
		return nil, classify(err, "users with role")
	}
	defer rows.Close()
	var out []procure.User
	for rows.Next() {
		var u procure.User
		if err := rows.Scan(&u.ID, &u.Name, &u.Email); err != nil {
			return nil, classify(err, "scan user")
		}
		out = append(out, u)
	}
	return out, classify(rows.Err(), "users with role")
}
