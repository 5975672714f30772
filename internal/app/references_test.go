package app_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/procure-app/procure/internal/pgtest"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/testkit"
)

// A PO line's references (its PO with the PO's location and vendor, its
// item, its contract's price row) are kept by the database without
// foreign keys (migration 0027): every statement's new lines are checked
// at once, and what they name can neither go away nor change. Straight
// SQL, as a bug in any code path would write it.
func TestPOLineReferencesAreKeptByTheDatabase(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := t.Context()
	db := pgtest.PoolFor(t, w.url)
	if _, err := w.st.AddToCart(ctx, w.office.ID, w.muc, w.paper, qty("10")); err != nil {
		t.Fatal(err)
	}
	res, err := w.a.SubmitRequest(ctx, w.office, w.muc, "references-key-0001", nil)
	if err != nil {
		t.Fatal(err)
	}
	type line struct{ po, loc, vendor, item, contract, price int64 }
	var ok line
	if err := db.QueryRow(ctx, `SELECT pl.po_id, pl.location_id, pl.vendor_id, pl.item_id, pl.contract_id, pl.price_id
		FROM po_lines pl JOIN purchase_orders po ON po.id = pl.po_id WHERE po.request_id = $1`, res.RequestID).
		Scan(&ok.po, &ok.loc, &ok.vendor, &ok.item, &ok.contract, &ok.price); err != nil {
		t.Fatal(err)
	}
	var boltPens int64 // Bolt's price row for pens, on C-B
	if err := db.QueryRow(ctx, `SELECT id FROM contract_prices WHERE contract_id = $1`, w.pref).Scan(&boltPens); err != nil {
		t.Fatal(err)
	}
	draft := testkit.MustContract(t, w.st, testkit.ContractSpec{Number: "C-DRAFT", VendorID: w.acme, Status: procure.ContractDraft,
		Prices: []procure.PriceValues{{SKU: "PAP-1", Tiers: testkit.Tiers("1", "4.00")}}})
	var draftPaper int64
	if err := db.QueryRow(ctx, `SELECT id FROM contract_prices WHERE contract_id = $1`, draft).Scan(&draftPaper); err != nil {
		t.Fatal(err)
	}
	countLines := func() (n int) {
		t.Helper()
		if err := db.QueryRow(ctx, `SELECT count(*) FROM po_lines`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := countLines()

	// insert writes lines numbered from 100 in one statement.
	insert := func(tx pgx.Tx, ls ...line) error {
		var po, loc, vendor, item, contract, price []int64
		for _, l := range ls {
			po, loc, vendor, item = append(po, l.po), append(loc, l.loc), append(vendor, l.vendor), append(item, l.item)
			contract, price = append(contract, l.contract), append(price, l.price)
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO po_lines (po_id, line_no, item_id, description, unit, qty, unit_price, total, contract_id, price_id, location_id, vendor_id)
			SELECT u.po, 99 + u.n, u.item, 'Paper', 'each', 1, 5, 5, NULLIF(u.contract, 0), NULLIF(u.price, 0), u.loc, u.vendor
			FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[]) WITH ORDINALITY
			     AS u(po, loc, vendor, item, contract, price, n)`, po, loc, vendor, item, contract, price)
		return err
	}
	with := func(f func(*line)) line { l := ok; f(&l); return l }
	// The well-formed line goes in (and is rolled back): the statement is right.
	tx, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := insert(tx, ok, with(func(l *line) { l.contract, l.price = 0, 0 })); err != nil {
		t.Fatalf("well-formed lines refused: %v", err)
	}
	_ = tx.Rollback(ctx)

	for _, tc := range []struct {
		name  string
		lines []line
	}{
		{"unknown PO", []line{with(func(l *line) { l.po = 99_999_999 })}},
		{"another location than the PO's", []line{with(func(l *line) { l.loc = w.ber })}},
		{"another vendor than the PO's", []line{with(func(l *line) { l.vendor = w.bolt })}},
		{"unknown item", []line{with(func(l *line) { l.item = 99_999_999 })}},
		{"unknown item on a line without a contract price", []line{with(func(l *line) { l.item, l.contract, l.price = 99_999_999, 0, 0 })}},
		{"another item's price row", []line{with(func(l *line) { l.item = w.pens })}},
		{"unknown price row", []line{with(func(l *line) { l.price = 99_999_999 })}},
		{"another contract's price row", []line{with(func(l *line) { l.price = boltPens })}},
		{"a draft contract's price row", []line{with(func(l *line) { l.contract, l.price = draft, draftPaper })}},
		{"one bad line among good ones", []line{ok, with(func(l *line) { l.item = 99_999_999 }), ok}},
	} {
		tx, err := db.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		err = insert(tx, tc.lines...)
		_ = tx.Rollback(ctx)
		if pgErr, isPg := errors.AsType[*pgconn.PgError](err); !isPg || pgErr.ConstraintName != "po_lines_references" || pgErr.Code != "23503" {
			t.Errorf("%s: %v, want a po_lines_references violation", tc.name, err)
		}
	}
	if n := countLines(); n != before {
		t.Errorf("%d PO lines after the refusals, want %d", n, before)
	}

	// What a line names stays, committed or not.
	for _, tc := range []struct{ sql, constraint string }{
		{`DELETE FROM items WHERE id = ` + itoa(w.pens), "items_kept"}, // never ordered, still kept
		{`TRUNCATE items CASCADE`, "items_kept"},
		{`UPDATE items SET id = DEFAULT WHERE id = ` + itoa(ok.item), "items_keys_fixed"},
		{`DELETE FROM purchase_orders WHERE id = ` + itoa(ok.po), "purchase_orders_kept"},
		{`TRUNCATE purchase_orders CASCADE`, "purchase_orders_kept"},
		{`UPDATE purchase_orders SET id = DEFAULT WHERE id = ` + itoa(ok.po), "purchase_orders_keys_fixed"},
		{`UPDATE purchase_orders SET vendor_id = ` + itoa(w.bolt) + ` WHERE id = ` + itoa(ok.po), "purchase_orders_keys_fixed"},
		{`UPDATE purchase_orders SET location_id = ` + itoa(w.ber) + ` WHERE id = ` + itoa(ok.po), "purchase_orders_keys_fixed"},
		{`DELETE FROM contract_prices WHERE id = ` + itoa(boltPens), "contract_prices_kept"}, // active contract, never ordered
		{`UPDATE contract_prices SET contract_id = ` + itoa(draft) + ` WHERE id = ` + itoa(boltPens), "contract_prices_kept"},
		{`TRUNCATE contract_prices CASCADE`, "contract_prices_kept"},
		{`UPDATE contracts SET status = 'draft' WHERE id = ` + itoa(w.cheap), "contracts_no_return_to_draft"},
		{`UPDATE po_lines SET item_id = ` + itoa(w.pens) + ` WHERE po_id = ` + itoa(ok.po), "po_lines_frozen"},
		{`UPDATE po_lines SET vendor_id = ` + itoa(w.bolt) + ` WHERE po_id = ` + itoa(ok.po), "po_lines_frozen"},
	} {
		_, err := db.Exec(ctx, tc.sql)
		if pgErr, isPg := errors.AsType[*pgconn.PgError](err); !isPg || pgErr.ConstraintName != tc.constraint {
			t.Errorf("%s: %v, want %s", tc.sql, err, tc.constraint)
		}
	}

	// A draft's price row can be removed; meanwhile the contract cannot be
	// activated (its row is locked), so no line can name the row and lose it.
	tx, err = db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `DELETE FROM contract_prices WHERE id = $1`, draftPaper); err != nil {
		t.Fatalf("a draft's price row: %v", err)
	}
	other, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = other.Rollback(ctx) }()
	if _, err := other.Exec(ctx, `SET LOCAL lock_timeout = '200ms'`); err != nil {
		t.Fatal(err)
	}
	_, err = other.Exec(ctx, `UPDATE contracts SET status = 'active' WHERE id = $1`, draft)
	if err == nil || !strings.Contains(err.Error(), "lock timeout") {
		t.Errorf("activation while a price row of the draft is being removed: %v, want a lock wait", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
