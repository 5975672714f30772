package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
)

// candidateSQL loads every price row that could price the given items:
// rows of active or suspended contracts that are current, or that run to
// their contract's end (an amended-away row is history, not a candidate).
// Which of them wins, and why the others lose, is pricing's decision.
//
// The contract of each price row is looked up by key (the OFFSET 0 keeps
// the planner from hashing the whole contracts table for a few dozen rows:
// ~0.25 ms of a 20-line cart's ~1 ms), and each row's tiers are read once.
const candidateSelect = `
	SELECT p.item_id, c.id, c.number, c.status, c.start_date, c.end_date, c.currency,
	       c.cap::text, c.committed::text,
	       COALESCE((SELECT array_agg(cl.location_id) FROM contract_locations cl WHERE cl.contract_id = c.id), '{}'),
	       v.id, v.name, v.status,
	       p.id, p.vendor_sku, COALESCE(p.max_qty::text, '0'), COALESCE(p.valid_from, c.start_date), COALESCE(p.valid_to, c.end_date),
	       p.preferred, t.mins, t.prices
	FROM contract_prices p
	CROSS JOIN LATERAL (SELECT c.id, c.number, c.status, c.start_date, c.end_date, c.currency, c.cap, c.committed, c.vendor_id
	                    FROM contracts c WHERE c.id = p.contract_id AND c.status IN ('active', 'suspended') OFFSET 0) c
	JOIN vendors v ON v.id = c.vendor_id
	CROSS JOIN LATERAL (SELECT array_agg(t.min_qty::text ORDER BY t.min_qty) AS mins, array_agg(t.unit_price::text ORDER BY t.min_qty) AS prices
	                    FROM contract_price_tiers t WHERE t.price_id = p.id) t
	WHERE (p.valid_to IS NULL OR p.valid_to >= $2 OR p.valid_to >= c.end_date)`

const candidateOrder = ` ORDER BY p.item_id, c.number, p.id`

// candidateSQL is the candidates for the items $1.
const candidateSQL = candidateSelect + ` AND p.item_id = ANY ($1)` + candidateOrder

// Candidates returns the candidate prices for each item.
func (q queries) Candidates(ctx context.Context, itemIDs []int64, today pricing.Date) (map[int64][]pricing.Candidate, error) {
	rows, err := q.db.Query(ctx, candidateSQL, itemIDs, today.Time())
	if err != nil {
		return nil, classify(err, "candidates")
	}
	return scanCandidates(rows)
}

// CandidatesAt is Candidates with the catalogue version read just before
// them (migration 0013): what a cache may keep them under. Read first, the
// version is never newer than the candidates, so the cached candidates are
// never older than the version they are found under.
func (tx *Tx) CandidatesAt(ctx context.Context, itemIDs []int64, today pricing.Date) (map[int64][]pricing.Candidate, int64, error) {
	var (
		b       Batch
		version int64
		cands   map[int64][]pricing.Candidate
	)
	b.b.Queue(`SELECT version FROM catalogue_version`).QueryRow(func(row pgx.Row) error { return row.Scan(&version) })
	b.b.Queue(candidateSQL, itemIDs, today.Time()).Query(func(rows pgx.Rows) error {
		m, err := scanCandidates(rows)
		cands = m
		return err
	})
	if err := tx.Send(ctx, &b); err != nil {
		return nil, 0, err
	}
	return cands, version, nil
}

// PricedItemIDs returns up to limit ids of items that some contract has a
// price row for, ascending, from after on: what the candidate cache's
// warm-up walks (contract_prices_item_idx, a few thousand at a time).
func (tx *Tx) PricedItemIDs(ctx context.Context, after int64, limit int) ([]int64, error) {
	rows, err := tx.db.Query(ctx, `
		SELECT DISTINCT item_id FROM contract_prices WHERE item_id > $1 ORDER BY item_id LIMIT $2`, after, limit)
	if err != nil {
		return nil, classify(err, "priced items")
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return ids, classify(err, "priced items")
}

// CatalogueVersion returns the catalogue version (migration 0013): it moves
// with every committed change to what a candidate price holds.
func (s *Store) CatalogueVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.pool.QueryRow(ctx, `SELECT version FROM catalogue_version`).Scan(&v)
	return v, classify(err, "catalogue version")
}

// CartCapsLeft queues reading, in one statement and so from one snapshot,
// the catalogue version and the cap left (cap minus committed spend) on
// every capped contract with a price row for a catalogue item in user's
// cart for location: with the items' candidates kept under that version,
// what a submission reads fresh. Caps move with every order and never
// move the version. It reads the cart: queue it before TakeCart, which
// empties it (after, it finds no items and returns no caps). The cart's items come as an array, not an IN
// subquery, so that the plan does not hinge on the cart's size (with the
// subquery, a generic plan's estimate was ~13 times one cart's, and the
// query was planned afresh every time); so do their contracts, looked up
// by key (as an IN subquery they were a hash join over a sequential scan
// of every contract: 121 buffers and 0.19 ms against 73 and 0.13 ms for a
// one-contract cart on the bench data).
func (b *Batch) CartCapsLeft(userID, locationID int64, version *int64, into *map[int64]money.Amount) {
	b.b.Queue(`
		SELECT v.version, COALESCE(c.ids, '{}'), COALESCE(c.curs, '{}'), COALESCE(c.lefts, '{}')
		FROM catalogue_version v CROSS JOIN (
			SELECT array_agg(c.id ORDER BY c.id) AS ids, array_agg(c.currency ORDER BY c.id) AS curs,
			       array_agg((c.cap - c.committed)::text ORDER BY c.id) AS lefts
			FROM contracts c
			WHERE c.cap IS NOT NULL AND c.id = ANY (ARRAY(
				SELECT p.contract_id FROM contract_prices p
				WHERE p.item_id = ANY (ARRAY(SELECT cl.item_id FROM cart_lines cl
				                             WHERE cl.user_id = $1 AND cl.location_id = $2 AND cl.item_id IS NOT NULL))))) c`,
		userID, locationID).QueryRow(func(row pgx.Row) error {
		var (
			ids         []int64
			curs, lefts []string
		)
		if err := row.Scan(version, &ids, &curs, &lefts); err != nil {
			return classify(err, "caps left")
		}
		m := make(map[int64]money.Amount, len(ids))
		for i, id := range ids {
			cur, err := money.ParseCurrency(curs[i])
			if err != nil {
				return err
			}
			if m[id], err = money.ScanAmount(cur, lefts[i]); err != nil {
				return err
			}
		}
		*into = m
		return nil
	})
}

func scanCandidates(rows pgx.Rows) (map[int64][]pricing.Candidate, error) {
	defer rows.Close()
	var err error
	out := map[int64][]pricing.Candidate{}
	for rows.Next() {
		var (
			itemID                 int64
			c                      pricing.Candidate
			status, cur, vstatus   string
			capText                *string
			committed, maxQty      string
			start, end, vfrom, vto time.Time
			mins, prices           []string
		)
		if err := rows.Scan(&itemID, &c.ContractID, &c.ContractNumber, &status, &start, &end, &cur, &capText, &committed,
			&c.Locations, &c.VendorID, &c.VendorName, &vstatus, &c.PriceID, &c.VendorSKU, &maxQty, &vfrom, &vto,
			&c.Preferred, &mins, &prices); err != nil {
			return nil, classify(err, "scan candidate")
		}
		c.ContractStatus, c.VendorStatus = pricing.ContractStatus(status), pricing.VendorStatus(vstatus)
		c.Start, c.End, c.ValidFrom, c.ValidTo = pricing.DateOf(start), pricing.DateOf(end), pricing.DateOf(vfrom), pricing.DateOf(vto)
		if c.Currency, err = money.ParseCurrency(cur); err != nil {
			return nil, err
		}
		if err := c.MaxQty.Scan(maxQty); err != nil {
			return nil, err
		}
		if c.Tiers, err = scanTiers(mins, prices); err != nil {
			return nil, err
		}
		if capText != nil {
			capAmt, err := money.ScanAmount(c.Currency, *capText)
			if err != nil {
				return nil, err
			}
			used, err := money.ScanAmount(c.Currency, committed)
			if err != nil {
				return nil, err
			}
			if c.CapLeft, err = capAmt.Sub(used); err != nil {
				return nil, err
			}
			c.HasCap = true
		}
		out[itemID] = append(out[itemID], c)
	}
	return out, classify(rows.Err(), "candidates")
}

// LockCappedContracts locks, in id order, every capped active contract that
// prices any of the items: concurrent orders on one contract queue here,
// and a fixed order means two carts touching the same contracts cannot
// deadlock. Caps read after this are current.
func (tx *Tx) LockCappedContracts(ctx context.Context, itemIDs []int64) error {
	if _, err := tx.db.Exec(ctx, setCapLockTimeout); err != nil {
		return classify(err, "lock contracts")
	}
	_, err := tx.db.Exec(ctx, `
		SELECT c.id FROM contracts c
		WHERE c.id IN (SELECT p.contract_id FROM contract_prices p WHERE p.item_id = ANY ($1))
		  AND c.cap IS NOT NULL AND c.status = 'active'
		ORDER BY c.id
		FOR UPDATE`, itemIDs)
	return classify(err, "lock contracts")
}

// CatalogueFilter chooses a page of a location's catalogue. Sort is "name"
// or "price"; the After fields are the keyset cursor of the last row shown.
type CatalogueFilter struct {
	LocationID     int64
	Currency       money.Currency
	Today          pricing.Date
	Q              string
	Category       string
	VendorID       int64
	UserID         int64 // whose favourites are marked
	FavouritesOnly bool
	Sort           string
	AfterName      string
	AfterPrice     money.UnitPrice
	AfterID        int64
	Limit          int
}

// CatalogueRow is an item offered at a location and its catalogue offer:
// the price row a person ordering its minimum quantity would get first.
type CatalogueRow struct {
	Item      procure.Item
	FromPrice money.UnitPrice
	VendorID  int64
	Favourite bool
}

// offerLateral finds an item's catalogue offer at a location on a date
// ($1 location, $2 date, $3 currency, $4 vendor filter or 0): the first
// price row by preferred, lowest first-tier price, contract number. It
// probes the item's price rows through the btree on contract_prices(item_id).
const offerLateral = `
	SELECT t.unit_price AS price, c.vendor_id
	FROM contract_prices p
	JOIN contracts c ON c.id = p.contract_id
	JOIN vendors v ON v.id = c.vendor_id
	JOIN LATERAL (SELECT unit_price FROM contract_price_tiers WHERE price_id = p.id ORDER BY min_qty LIMIT 1) t ON true
	WHERE p.item_id = i.id
	  AND c.status = 'active' AND c.start_date <= $2 AND c.end_date >= $2 AND c.currency = $3
	  AND v.status = 'approved'
	  AND COALESCE(p.valid_from, c.start_date) <= $2 AND COALESCE(p.valid_to, c.end_date) >= $2
	  AND (NOT EXISTS (SELECT 1 FROM contract_locations cl WHERE cl.contract_id = c.id)
	       OR EXISTS (SELECT 1 FROM contract_locations cl WHERE cl.contract_id = c.id AND cl.location_id = $1))
	  AND ($4 = 0 OR c.vendor_id = $4)
	ORDER BY p.preferred DESC, t.unit_price, c.number, p.id
	LIMIT 1`

// catalogueSelect is the row every catalogue query returns ($5 = user).
const catalogueSelect = `
	SELECT i.id, i.sku, i.name, i.description, i.category, i.unit, i.quantity_scale, i.version, o.price::text,
	       COALESCE(o.vendor_id, 0), EXISTS (SELECT 1 FROM favourites fv WHERE fv.user_id = $5 AND fv.item_id = i.id)`

// catalogueWalk serves browsing without a search term: items in name order
// from the cursor, each probed for an offer, until a page is full.
// $6 category, $7 favourites only, $8 cursor id, $9 cursor name, $10 limit.
const catalogueWalk = catalogueSelect + `
	FROM items i
	CROSS JOIN LATERAL (` + offerLateral + `) o
	WHERE ($6 = '' OR i.category = $6)
	  AND (NOT $7 OR EXISTS (SELECT 1 FROM favourites fv WHERE fv.user_id = $5 AND fv.item_id = i.id))
	  AND ($8 = 0 OR (i.name, i.id) > ($9, $8))
	ORDER BY i.name, i.id
	LIMIT $10`

// catalogueSearchWindow serves a search sorted by name. The matches are
// gathered first through the trigram indexes (MATERIALIZED stops the
// planner from walking the whole name index filtering by ILIKE, which is
// slow for rare terms), then a window of them after the cursor, in name
// order, is probed for offers. Items without an offer come back with a NULL
// price, so the caller knows how far the window reached.
// $6 category, $7 favourites only, $8 cursor id, $9 cursor name, $10 window,
// $11 search pattern.
const catalogueSearchWindow = `
	WITH m AS MATERIALIZED (
		SELECT i.id, i.sku, i.name, i.description, i.category, i.unit, i.quantity_scale, i.version FROM items i
		WHERE (i.name ILIKE $11 OR i.sku ILIKE $11) AND ($6 = '' OR i.category = $6)
	)` + catalogueSelect + `
	FROM (SELECT * FROM m WHERE $8 = 0 OR (m.name, m.id) > ($9, $8) ORDER BY m.name, m.id LIMIT $10) i
	LEFT JOIN LATERAL (` + offerLateral + `) o ON true
	WHERE NOT $7 OR EXISTS (SELECT 1 FROM favourites fv WHERE fv.user_id = $5 AND fv.item_id = i.id)
	ORDER BY i.name, i.id`

// catalogueByPrice serves the price sort (with or without a search term):
// every match needs its offer before the cheapest can be known.
// $6 category, $7 favourites only, $8 cursor id, $9 cursor price, $10 limit,
// $11 search term, $12 search pattern.
const catalogueByPrice = catalogueSelect + `
	FROM items i
	CROSS JOIN LATERAL (` + offerLateral + `) o
	WHERE ($11 = '' OR i.name ILIKE $12 OR i.sku ILIKE $12)
	  AND ($6 = '' OR i.category = $6)
	  AND (NOT $7 OR EXISTS (SELECT 1 FROM favourites fv WHERE fv.user_id = $5 AND fv.item_id = i.id))
	  AND ($8 = 0 OR (o.price, i.id) > ($9::numeric, $8))
	ORDER BY o.price, i.id
	LIMIT $10`

// searchWindow is how many matches one window of a name-sorted search
// probes; windowRounds bounds the windows one page may take.
const (
	searchWindow = 100
	windowRounds = 10
)

// Catalogue lists the items offered at a location today: those with a
// current price row on an active contract, in the location's currency,
// covering it, from an approved vendor. It is a pre-filter for speed; the
// page then resolves each item with pricing.Resolve, which decides the
// price shown and explains it. next is the filter for the following page
// (next.AfterID is 0 when there is none).
func (q queries) Catalogue(ctx context.Context, f CatalogueFilter) (rows []CatalogueRow, next CatalogueFilter, err error) {
	limit := pageLimit(f.Limit)
	next = f
	next.AfterID = 0
	base := []any{f.LocationID, f.Today.Time(), f.Currency.Code(), f.VendorID, f.UserID, f.Category, f.FavouritesOnly}
	switch {
	case f.Sort == "price":
		rows, err = scanCatalogue(q.db.Query(ctx, catalogueByPrice, append(base, f.AfterID, f.AfterPrice, limit, f.Q, likePattern(f.Q))...))
		if err == nil && len(rows) == limit {
			last := rows[len(rows)-1]
			next.AfterID, next.AfterName, next.AfterPrice = last.Item.ID, last.Item.Name, last.FromPrice
		}
		return rows, next, err
	case f.Q == "":
		rows, err = scanCatalogue(q.db.Query(ctx, catalogueWalk, append(base, f.AfterID, f.AfterName, limit)...))
		if err == nil && len(rows) == limit {
			last := rows[len(rows)-1]
			next.AfterID, next.AfterName = last.Item.ID, last.Item.Name
		}
		return rows, next, err
	}
	cursorID, cursorName := f.AfterID, f.AfterName
	for round := 0; round < windowRounds; round++ {
		window, err := scanCatalogue(q.db.Query(ctx, catalogueSearchWindow,
			append(base[:len(base):len(base)], cursorID, cursorName, searchWindow, likePattern(f.Q))...))
		if err != nil {
			return nil, next, err
		}
		for _, r := range window {
			cursorID, cursorName = r.Item.ID, r.Item.Name
			if r.VendorID == 0 {
				continue // matched, not offered here
			}
			rows = append(rows, r)
			if len(rows) == limit {
				next.AfterID, next.AfterName = r.Item.ID, r.Item.Name
				return rows, next, nil
			}
		}
		if len(window) < searchWindow {
			return rows, next, nil // every match seen
		}
	}
	// A page's worth of windows probed without filling the page: the next
	// page carries on from there.
	next.AfterID, next.AfterName = cursorID, cursorName
	return rows, next, nil
}

func scanCatalogue(rows pgx.Rows, err error) ([]CatalogueRow, error) {
	if err != nil {
		return nil, classify(err, "catalogue")
	}
	defer rows.Close()
	var out []CatalogueRow
	for rows.Next() {
		var r CatalogueRow
		var price *string
		it := &r.Item
		if err := rows.Scan(&it.ID, &it.SKU, &it.Name, &it.Description, &it.Category, &it.Unit, &it.QuantityScale, &it.Version,
			&price, &r.VendorID, &r.Favourite); err != nil {
			return nil, classify(err, "scan catalogue row")
		}
		if price != nil {
			if err := r.FromPrice.Scan(*price); err != nil {
				return nil, err
			}
		}
		out = append(out, r)
	}
	return out, classify(rows.Err(), "catalogue")
}

// LocationsAtCatalogueVersion is Locations with the catalogue's version
// now, in one statement: what every catalogue page view starts with. The
// version (migration 0013) moves with every committed change to what a
// catalogue page shows, in the changing transaction; it is read before the
// page, so a page computed after it is at least as new as the version it
// is kept under. With no locations there is no version (0).
func (q queries) LocationsAtCatalogueVersion(ctx context.Context, scope procure.Scope) ([]procure.Location, int64, error) {
	rows, err := q.db.Query(ctx, `
		SELECT `+locationColumns+`, v.version FROM locations l CROSS JOIN catalogue_version v
		WHERE ($1::bigint[] IS NULL OR l.id = ANY ($1))
		ORDER BY l.name, l.id`, scope.Locations)
	if err != nil {
		return nil, 0, classify(err, "locations")
	}
	defer rows.Close()
	var (
		out     []procure.Location
		version int64
	)
	for rows.Next() {
		l, err := scanLocation(rows, &version)
		if err != nil {
			return nil, 0, classify(err, "scan location")
		}
		out = append(out, l)
	}
	return out, version, classify(rows.Err(), "locations")
}

// Fresh is what a catalogue page reads anew for every view, cached or not.
type Fresh struct {
	CapsLeft   map[int64]money.Amount // cap left on each capped contract asked about
	Favourites map[int64]bool         // the viewer's favourites among the items asked about
	CartLines  int                    // lines in the viewer's cart at the location
}

// CatalogueFresh reads, in one statement, the cap left (cap minus
// committed spend now) on the capped contracts, which of the items the
// user has marked favourite, and how many lines the user's cart at the
// location holds.
func (q queries) CatalogueFresh(ctx context.Context, userID, locationID int64, capped, itemIDs []int64) (Fresh, error) {
	var (
		ids        []int64
		curs, left []string
		favs       []int64
		f          = Fresh{CapsLeft: map[int64]money.Amount{}, Favourites: map[int64]bool{}}
	)
	err := q.db.QueryRow(ctx, `
		SELECT COALESCE(array_agg(c.id ORDER BY c.id), '{}'), COALESCE(array_agg(c.currency ORDER BY c.id), '{}'),
		       COALESCE(array_agg((c.cap - c.committed)::text ORDER BY c.id), '{}'),
		       COALESCE((SELECT array_agg(fv.item_id) FROM favourites fv WHERE fv.user_id = $2 AND fv.item_id = ANY ($3)), '{}'),
		       (SELECT count(*) FROM cart_lines cl WHERE cl.user_id = $2 AND cl.location_id = $4)
		FROM contracts c WHERE c.id = ANY ($1) AND c.cap IS NOT NULL`,
		capped, userID, itemIDs, locationID).Scan(&ids, &curs, &left, &favs, &f.CartLines)
	if err != nil {
		return Fresh{}, classify(err, "catalogue fresh")
	}
	for i, id := range ids {
		c, err := money.ParseCurrency(curs[i])
		if err != nil {
			return Fresh{}, err
		}
		if f.CapsLeft[id], err = money.ScanAmount(c, left[i]); err != nil {
			return Fresh{}, err
		}
	}
	for _, id := range favs {
		f.Favourites[id] = true
	}
	return f, nil
}

// CatalogueVendors lists the vendors a location's catalogue can offer from
// on a date, for its vendor filter: approved vendors with an active
// contract in the location's currency that runs that day and covers the
// location (or every location).
func (q queries) CatalogueVendors(ctx context.Context, locationID int64, cur money.Currency, today pricing.Date) ([]procure.Vendor, error) {
	rows, err := q.db.Query(ctx, `
		SELECT v.id, v.name, v.status FROM vendors v
		WHERE v.status = 'approved' AND EXISTS (
			SELECT 1 FROM contracts c
			WHERE c.vendor_id = v.id AND c.status = 'active' AND c.currency = $2 AND c.start_date <= $3 AND c.end_date >= $3
			  AND (NOT EXISTS (SELECT 1 FROM contract_locations cl WHERE cl.contract_id = c.id)
			       OR EXISTS (SELECT 1 FROM contract_locations cl WHERE cl.contract_id = c.id AND cl.location_id = $1)))
		ORDER BY lower(v.name), v.id`, locationID, cur.Code(), today.Time())
	return scanVendorOptions(rows, err, "catalogue vendors")
}
