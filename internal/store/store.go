// Package store is the only package with SQL. It maps rows to procure types
// and Postgres errors to procure errors (by constraint name), and every
// write that changes state records its audit event in the same transaction.
//
// Reads are methods of queries, shared by Store (the pool) and Tx (one
// transaction); writes that span one aggregate are Store methods that open
// their own transaction, and flows across aggregates (internal/app) compose
// Tx methods inside Store.InTx. Every read an office admin can reach takes a
// procure.Scope that goes into the WHERE clause.
//
// Imports: procure, money, pricing, pgx. Never server, app or web.
package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/puddle/v2"

	"github.com/procure-app/procure/internal/procure"
)

// conn is what both a pool and a transaction can do.
type conn interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// queries holds the reads and single statements usable on a pool or inside
// a transaction.
type queries struct{ db conn }

// Store is the database behind the app.
type Store struct {
	queries
	pool  *pgxpool.Pool
	fixed queries // the fixed-shape reads every request makes (UseFixedPool)
}

// New wraps a pool.
func New(pool *pgxpool.Pool) *Store {
	return &Store{queries: queries{db: pool}, pool: pool, fixed: queries{db: pool}}
}

// OpenFixedPool opens a second pool for the fixed-shape reads every request
// makes (the session, the signed-in user, the catalogue's version and its
// fresh figures): like pool, half its size (at least two connections), but
// letting Postgres reuse their plans. pool's connections plan every
// statement afresh (SessionSettings: force_custom_plan, for the queries
// with optional filters), and for these reads planning was three quarters
// of their Postgres time: ~0.37 of ~0.48 ms per catalogue view
// (pg_stat_statements with track_planning, bench data).
func OpenFixedPool(ctx context.Context, pool *pgxpool.Pool) (*pgxpool.Pool, error) {
	cfg := pool.Config().Copy()
	cfg.MaxConns = max(2, cfg.MaxConns/2)
	cfg.MinConns = min(cfg.MinConns, cfg.MaxConns)
	cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "auto"
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	return p, classify(err, "open fixed-read pool")
}

// UseFixedPool sends the fixed-shape reads to p (from OpenFixedPool).
func (s *Store) UseFixedPool(p *pgxpool.Pool) { s.fixed = queries{db: p} }

// Viewer is queries.Viewer on the fixed-read pool.
func (s *Store) Viewer(ctx context.Context, id int64, withUnread bool) (procure.User, int, error) {
	return s.fixed.Viewer(ctx, id, withUnread)
}

// LocationsAtCatalogueVersion is queries.LocationsAtCatalogueVersion on the
// fixed-read pool.
func (s *Store) LocationsAtCatalogueVersion(ctx context.Context, scope procure.Scope) ([]procure.Location, int64, error) {
	return s.fixed.LocationsAtCatalogueVersion(ctx, scope)
}

// CatalogueFresh is queries.CatalogueFresh on the fixed-read pool.
func (s *Store) CatalogueFresh(ctx context.Context, userID, locationID int64, capped, itemIDs []int64) (Fresh, error) {
	return s.fixed.CatalogueFresh(ctx, userID, locationID, capped, itemIDs)
}

// Pool exposes the pool for the session store and health checks.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Tx is the store inside one transaction. Flows in internal/app compose its
// methods so that a state change and its audit event commit together.
type Tx struct {
	queries
	tx       pgx.Tx         // InTx's transaction
	p        *pipelinedConn // or InPipelinedTx's connection
	notified int            // notifications Notify created in this transaction
}

// Notified is how many notifications this transaction created so far (a
// repeated event, deduplicated, adds none).
func (tx *Tx) Notified() int { return tx.notified }

// maxAttempts bounds retries of a transaction that lost a deadlock or a
// serialization race (RELIABILITY.md 3.1, rule 2).
const maxAttempts = 3

// beginWrite opens a write transaction. Its statements, and the foreign-key
// and trigger checks they fire, may run on cached generic plans once
// Postgres judges them as good as fresh ones: connections plan every
// statement afresh by default (force_custom_plan, for the read queries
// with optional filters), and that includes each foreign-key check, which
// then cost 30-40 µs instead of a few. Measured on the bench data, one
// connection submitting 20-line carts: 61 → 104 submissions/s, the
// PO-line insert 2.8 → 1.3 ms (pg_stat_statements with track_planning).
// Write transactions look rows up by key; a statement whose generic plan
// would be worse keeps being planned per execution (Postgres compares).
// One round trip: the simple protocol carries both statements.
var beginWrite = pgx.TxOptions{BeginQuery: beginWriteSQL}

// beginWriteSQL is beginWrite's text; InPipelinedTx sends the same two
// statements with its first batch, one per message.
const beginWriteSQL = beginWriteStatement1 + "; " + beginWriteStatement2

const (
	beginWriteStatement1 = "BEGIN ISOLATION LEVEL READ COMMITTED"
	beginWriteStatement2 = "SET LOCAL plan_cache_mode = auto"
)

// InTx runs fn in a READ COMMITTED transaction: committed if fn returns nil,
// else rolled back. A deadlock or serialization failure is retried up to
// three times with a short jittered pause; fn must therefore be safe to run
// again (it is: nothing outside the transaction is touched).
func (s *Store) InTx(ctx context.Context, fn func(*Tx) error) error {
	return withRetries(ctx, func() error {
		return pgx.BeginTxFunc(ctx, s.pool, beginWrite, func(tx pgx.Tx) error {
			return fn(&Tx{queries: queries{db: tx}, tx: tx})
		})
	})
}

// withRetries runs a transaction, again after a short growing pause when
// it lost a deadlock or a serialization race, up to maxAttempts times.
func withRetries(ctx context.Context, run func() error) error {
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = run()
		if !retryable(err) {
			break
		}
		select {
		case <-ctx.Done():
			return classify(ctx.Err(), "transaction")
		case <-time.After(time.Duration(attempt*attempt*15) * time.Millisecond):
		}
	}
	return classify(err, "transaction")
}

// inReportTx runs a big report query in a read-only transaction whose
// planner leans towards parallel workers: with the defaults it judged
// handing ~100k groups back from two workers too dear and aggregated a
// quarter of invoice lines in one process; measured on the benchmark,
// letting it split the work took a quarter's drift report from ~970 to
// ~870 ms and price variance by item from ~690 to ~500 ms (5,000,000
// invoice lines, this 2-core machine). Only these queries get it, so
// short queries keep their plans. They also get 64 MB per sort or hash:
// drift's per-item aggregate of a quarter spilled to disk at 32 MB.
func (s *Store) inReportTx(ctx context.Context, fn func(q queries) error) error {
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('parallel_setup_cost', '100', true), set_config('parallel_tuple_cost', '0.001', true),
		                        set_config('work_mem', '64MB', true)`); err != nil {
			return err
		}
		return fn(queries{db: tx})
	})
	return classify(err, "report")
}

// formKeyMessage answers a form whose idempotency key was not issued here.
const formKeyMessage = "This form was not issued by this site or has expired. Reload the page and send it again."

func retryable(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40001" || pg.Code == "40P01")
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// constraintErrors turns a violated constraint into what the user should
// read, and which form field it concerns. Named constraints are the
// contract between migrations and this map.
var constraintErrors = map[string]struct {
	kind    procure.Kind
	field   string
	message string
}{
	"users_email_key":               {procure.KindInvalid, "email", "A user with this email address already exists."},
	"help_requests_form_key_format": {procure.KindInvalid, "", formKeyMessage},
	"help_messages_form_key_format": {procure.KindInvalid, "", formKeyMessage},
	"announcements_form_key_format": {procure.KindInvalid, "", formKeyMessage},
	"receipts_form_key_format":      {procure.KindInvalid, "", formKeyMessage},
	"receipts_form_key":             {procure.KindConflict, "", "This receipt was already recorded."},
	"locations_code_key":            {procure.KindInvalid, "code", "Another location already uses this code."},
	"users_email_lower":             {procure.KindInvalid, "email", "Enter a valid email address."},
	"locations_name_length":         {procure.KindInvalid, "name", "Enter a name of at most 120 characters."},
	"locations_address_length":      {procure.KindInvalid, "address", "Enter an address of at most 500 characters."},
	"organisation_name_length":      {procure.KindInvalid, "org_name", "Enter the organisation's name (at most 200 characters)."},
	"organisation_address_length":   {procure.KindInvalid, "org_address", "Enter an address of at most 500 characters."},
	"vendors_name_key":              {procure.KindInvalid, "name", "A vendor with this name already exists."},
	"items_sku_key":                 {procure.KindInvalid, "sku", "Another item already has this SKU."},
	"contracts_number_key":          {procure.KindInvalid, "number", "This contract number is already used."},
	"contracts_dates_check":         {procure.KindInvalid, "end", "The end date must not be before the start date."},
	"contract_prices_no_overlap": {procure.KindInvalid, "valid_from",
		"This item already has a price on this contract for part of that period; validity windows must not overlap."},
	"contract_locations_location_id_fkey": {procure.KindInvalid, "locations", "Choose locations from the list."},
	"contracts_vendor_id_fkey":            {procure.KindInvalid, "vendor_id", "Choose the vendor from the list."},
	"contracts_owner_id_fkey":             {procure.KindInvalid, "owner_id", "Choose the owner from the list (an active procurement user)."},
	"invoices_vendor_number_key":          {procure.KindInvalid, "number", "This vendor's invoice with that number is already recorded."},
}

// classify turns err into a *procure.Error the web layer can answer: known
// constraint violations become KindInvalid with a field message, an
// unreachable or overloaded database becomes KindUnavailable, anything else
// stays internal (with its cause) for the log. what names the operation.
func classify(err error, what string) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*procure.Error](err); ok {
		return err
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		if c, ok := constraintErrors[pg.ConstraintName]; ok {
			e := &procure.Error{Kind: c.kind, Message: c.message, Err: err}
			if c.field != "" {
				e.Fields = map[string]string{c.field: c.message}
			}
			return e
		}
		switch {
		case pg.Code == "40001" || pg.Code == "40P01":
			return procure.Wrap(procure.KindUnavailable, err, "The system is busy. Please try again.")
		case pg.Code == "22021": // character_not_in_repertoire: a NUL or bad byte that got past the readers
			return procure.Wrap(procure.KindInvalid, err, "The text holds a character that cannot be stored (a NUL or invalid byte); remove it and try again.")
		case pg.Code == "55P03" || pg.Code == "57014": // lock_timeout, statement_timeout
			return procure.Wrap(procure.KindUnavailable, err, "The system is busy. Please try again in a moment.")
		case len(pg.Code) == 2+3 && (pg.Code[:2] == "08" || pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03" || pg.Code == "53300"):
			return procure.Wrap(procure.KindUnavailable, err, "The database is not reachable right now. Please try again shortly.")
		}
		return fmt.Errorf("store: %s: %w", what, err)
	}
	var netErr net.Error
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) || errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded) ||
		pgconn.Timeout(err) || errors.Is(err, net.ErrClosed) || errors.Is(err, puddle.ErrClosedPool) {
		return procure.Wrap(procure.KindUnavailable, err, "The database is not reachable right now. Please try again shortly.")
	}
	if errors.Is(err, context.Canceled) {
		return procure.Wrap(procure.KindUnavailable, err, "The request was cancelled.")
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// Classify is classify for errors that reach the store's callers from
// elsewhere (the session store): connection trouble becomes KindUnavailable.
func Classify(err error, what string) error { return classify(err, what) }

// notFound is the error for a missing (or out-of-scope) record.
func notFound(what string, id int64) error {
	return procure.Errorf(procure.KindNotFound, "%s %d does not exist.", what, id)
}

// changed is the error for an optimistic version mismatch.
func changed(what string) error {
	return procure.Errorf(procure.KindConflict, "This %s was changed by someone else while you were editing. Reload the page to see the current version, then make your change again.", what)
}

// SessionSettings sets what every connection of the app runs with: limits
// so that no request holds a lock or a connection for long (RELIABILITY.md
// 3.1, rule 7), and planner settings measured on the report benchmark.
func SessionSettings(rp map[string]string) {
	rp["statement_timeout"] = "10s"
	rp["lock_timeout"] = "3s"
	rp["idle_in_transaction_session_timeout"] = "30s"
	rp["application_name"] = "procure"
	rp["timezone"] = "UTC"
	// Queries with optional filters ("$1 = '' OR …") need a plan per set of
	// values: a cached generic plan cannot know which filters are on.
	// Write transactions opt back into cached plans (beginWrite).
	rp["plan_cache_mode"] = "force_custom_plan"
	// JIT compiling a report query cost about 0.5 s and saved less than it
	// cost on every report measured; nothing here runs long enough to win.
	rp["jit"] = "off"
	// Report aggregates over a quarter sort and hash ~650k rows: with the
	// 4 MB default they spill to disk. 32 MB per sort or hash node keeps
	// them in memory; with DATABASE_MAX_CONNS 12 the worst case stays well
	// within a small server's RAM.
	rp["work_mem"] = "32MB"
}
