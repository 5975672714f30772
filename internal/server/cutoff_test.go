package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/testkit"
)

// cutter terminates the backend of the connection that is about to send
// a statement (or a batch holding one) containing match, once armed:
// Postgres going away in the middle of a transaction, as when it is
// stopped mid-order.
type cutter struct {
	admin *pgxpool.Pool
	match string
	armed atomic.Bool
	cut   atomic.Int32 // backends terminated
	err   atomic.Value // error of the termination itself
}

func (c *cutter) TraceQueryStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if strings.Contains(data.SQL, c.match) {
		c.terminate(ctx, conn)
	}
	return ctx
}

func (c *cutter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *cutter) TraceBatchStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	for _, q := range data.Batch.QueuedQueries {
		if strings.Contains(q.SQL, c.match) {
			c.terminate(ctx, conn)
			break
		}
	}
	return ctx
}

func (c *cutter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (c *cutter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

func (c *cutter) terminate(ctx context.Context, conn *pgx.Conn) {
	if c.armed.CompareAndSwap(true, false) {
		var done bool
		// The timeout makes it wait until the backend has exited.
		if err := c.admin.QueryRow(ctx, `SELECT pg_terminate_backend($1, 5000)`, conn.PgConn().PID()).Scan(&done); err != nil || !done {
			c.err.Store(fmt.Errorf("terminate backend %d: %v, %v", conn.PgConn().PID(), done, err))
		} else {
			c.cut.Add(1)
		}
	}
}

// Postgres lost in the middle of a submission, after the request row is
// written and the cart taken: before the PO numbers are drawn, or as the
// batch that writes the POs, their lines, the audit events and the cap
// reservations goes out. The user gets a 503 that says to try again,
// nothing of the submission is kept (request, POs, lines, audit events,
// committed spend), the cart is still there, and submitting the same form
// again creates the request once.
func TestSubmissionCutOffMidwayKeepsNothingAndCanBeRepeated(t *testing.T) {
	t.Parallel()
	for _, at := range []string{"next_po_numbers", "INSERT INTO po_lines"} {
		t.Run(at, func(t *testing.T) {
			t.Parallel()
			submitCutOffAt(t, at)
		})
	}
}

func submitCutOffAt(t *testing.T, match string) {
	cut := &cutter{match: match}
	app, admin := startTraced(t, cut)
	cut.admin = admin
	st := app.Store
	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	office := testkit.MustUser(t, st, "office@example.test", testkit.Roles(procure.RoleOrderer), muc)
	paper := testkit.MustItem(t, st, "PAP-1", "Paper")
	pens := testkit.MustItem(t, st, "PEN-1", "Writing")
	acme := testkit.MustVendor(t, st, "Acme Paper", procure.VendorApproved)
	bolt := testkit.MustVendor(t, st, "Bolt Pens", procure.VendorApproved)
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-A", VendorID: acme, Status: procure.ContractActive, Cap: "100000",
		Prices: []procure.PriceValues{{SKU: "PAP-1", Tiers: testkit.Tiers("1", "5.00")}}})
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-B", VendorID: bolt, Status: procure.ContractActive,
		Prices: []procure.PriceValues{{SKU: "PEN-1", Tiers: testkit.Tiers("1", "1.00")}}})
	c := app.SignIn(t, "office@example.test")
	loc := fmt.Sprint(muc)
	for _, item := range []int64{paper, pens} {
		if r := app.PostForm(t, c, "/cart/lines", url.Values{"location": {loc}, "item_id": {fmt.Sprint(item)}, "qty": {"10"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("add %d: %d", item, r.StatusCode)
		}
	}
	cart := app.Get(t, c, "/cart?location="+loc)
	key := keyRe.FindStringSubmatch(cart.Body)
	if key == nil {
		t.Fatalf("the cart page issued no key: %d", cart.StatusCode)
	}
	form := url.Values{"location": {loc}, "key": {key[1]}}

	type counts struct {
		requests, pos, lines, audit int
		committed                   string
	}
	count := func() counts {
		t.Helper()
		var n counts
		if err := admin.QueryRow(t.Context(), `
			SELECT (SELECT count(*) FROM purchase_requests), (SELECT count(*) FROM purchase_orders),
			       (SELECT count(*) FROM po_lines), (SELECT count(*) FROM audit_events),
			       (SELECT committed::text FROM contracts WHERE number = 'C-A')`).
			Scan(&n.requests, &n.pos, &n.lines, &n.audit, &n.committed); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()

	cut.armed.Store(true)
	r := app.PostForm(t, c, "/cart/submit", form)
	if e := cut.err.Load(); e != nil {
		t.Fatal(e)
	}
	if cut.cut.Load() != 1 {
		t.Fatalf("the submission never sent %q: nothing was cut", match)
	}
	if r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" ||
		!strings.Contains(r.Body, "The database is not reachable right now. Please try again shortly.") {
		t.Fatalf("submission cut off: %d %v %q", r.StatusCode, r.Header, r.Body)
	}
	if after := count(); after != before {
		t.Errorf("the cut-off submission left something behind: %+v, before %+v", after, before)
	}
	if lines, err := st.CartLines(t.Context(), office.ID, muc); err != nil || len(lines) != 2 {
		t.Errorf("the cart after the cut-off: %d lines, %v; want both lines kept", len(lines), err)
	}

	// The same form again, as the user retries: one request, two POs.
	r = app.PostForm(t, c, "/cart/submit", form)
	if r.StatusCode != http.StatusSeeOther || !regexp.MustCompile(`^/requests/[0-9]+\?submitted=1$`).MatchString(r.Header.Get("Location")) {
		t.Fatalf("submitting again: %d → %q %s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	after := count()
	if after.requests != before.requests+1 || after.pos != before.pos+2 || after.lines != before.lines+2 || after.committed != "50.000" {
		t.Errorf("after submitting again: %+v, before %+v; want one request, two POs, two lines, 50.000 committed on C-A", after, before)
	}
	if r := app.PostForm(t, c, "/cart/submit", form); !strings.HasSuffix(r.Header.Get("Location"), "?submitted=again") {
		t.Errorf("a third submit of the same form went to %q, not to the request already made", r.Header.Get("Location"))
	}
}
