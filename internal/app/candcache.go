package app

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/store"
)

// candidateCache keeps the candidate prices of catalogue items in memory
// for submissions: reading them (contracts, price rows, tiers, covered
// locations, vendors) was the largest single cost of a submission in
// Postgres (~0.8 of ~2.8 ms for a 20-line cart, pg_stat_statements on the
// bench data), and they change only when procurement changes a catalogue.
//
// Correctness comes from Postgres, as for the catalogue pages' cache
// (internal/server/catcache.go): every committed change to what a
// candidate holds moves the catalogue version (migration 0013), in the
// same transaction. Candidates are kept under the version read just
// before them (store.Tx.CandidatesAt), so they are never older than the
// version they are found under, and a submission looks them up under the
// version it reads inside its own transaction (store.Batch.CartCapsLeft):
// once a change commits, no instance uses what it replaced. The cap left,
// which every order moves without moving the version, is never kept: the
// submission reads it in the same statement as the version, and the
// guarded reservation at commit checks it again.
//
// The mutex guards the map only.
type candidateCache struct {
	mu      sync.Mutex
	version int64        // the catalogue version the entries are valid for
	today   pricing.Date // the day they were read for (a price row's window ends on a day)
	items   map[int64][]pricing.Candidate
	max     int // items held at most; then the cache starts over
	// readThrough counts the items submissions read from Postgres: not
	// held, or held with a capped contract whose cap left the submission
	// did not read (tests check that a warm cache serves a cart whole).
	readThrough atomic.Int64
}

// maxCachedItems bounds the memory the cache holds: an item's candidates
// take some 600 bytes (90,000 warmed items: 60 MB of heap on the bench
// data), so some 90 MB at most. The warm-up fills nine tenths of it, so a
// catalogue of 100,000 priced items (the scale) is read whole.
const maxCachedItems = 150_000

func newCandidateCache(max int) *candidateCache {
	return &candidateCache{items: map[int64][]pricing.Candidate{}, max: max}
}

// get returns the candidates held for ids under version and today (an
// item without any as an empty list), and the ids it does not hold (a
// slice of its own).
func (c *candidateCache) get(version int64, today pricing.Date, ids []int64) (map[int64][]pricing.Candidate, []int64) {
	if c == nil {
		return map[int64][]pricing.Candidate{}, slices.Clone(ids)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version || today != c.today {
		return map[int64][]pricing.Candidate{}, slices.Clone(ids)
	}
	found := make(map[int64][]pricing.Candidate, len(ids))
	var missing []int64
	for _, id := range ids {
		if cands, ok := c.items[id]; ok {
			found[id] = cands
		} else {
			missing = append(missing, id)
		}
	}
	return found, missing
}

// put keeps the candidates of ids (from cands; an id without an entry has
// none) under version and today, read no earlier than that version. A
// newer version or day empties the cache first; an older one is not kept.
// Kept candidates carry no cap left.
func (c *candidateCache) put(version int64, today pricing.Date, ids []int64, cands map[int64][]pricing.Candidate) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case version > c.version || (version == c.version && today > c.today):
		c.version, c.today, c.items = version, today, map[int64][]pricing.Candidate{}
	case version != c.version || today != c.today:
		return
	}
	added := 0
	for _, id := range ids {
		if _, ok := c.items[id]; !ok {
			added++
		}
	}
	if len(c.items)+added > c.max {
		c.items = map[int64][]pricing.Candidate{}
	}
	for _, id := range ids {
		kept := make([]pricing.Candidate, len(cands[id]))
		for i, cand := range cands[id] {
			cand.CapLeft = money.Amount{}
			kept[i] = cand
		}
		c.items[id] = kept
	}
}

// countRead counts n items a submission read from Postgres.
func (c *candidateCache) countRead(n int) {
	if c != nil {
		c.readThrough.Add(int64(n))
	}
}

// held returns how many items the cache holds under version and today.
func (c *candidateCache) held(version int64, today pricing.Date) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version || today != c.today {
		return 0
	}
	return len(c.items)
}

// warmChunk is how many items a warm-up step reads: some 2,000 price rows
// on the bench data, tens of milliseconds of one connection.
const warmChunk = 1000

// warmCandidates reads the candidates for today of every item some
// contract has a price row for into the cache, a chunk at a time (an item
// no contract offers today is kept with none): submissions then read none
// themselves (on the bench's uniformly spread carts, six submissions in
// ten read some while the cache filled only as they went, ~1.2 ms of
// Postgres each, and a round trip). The chunks are kept under the
// catalogue version each read first, as every cache entry is. It fills
// nine tenths of the cache's bound at most, so that items beyond it are
// still kept as submissions read them. It returns the version it read the
// walk under and how many items it read; done is false when the version
// moved during the walk: the chunk read under the new version is not
// kept, and the next warm-up reads the new catalogue from the start.
func (a *App) warmCandidates(ctx context.Context, today pricing.Date) (version int64, items int, done bool, err error) {
	chunk := a.warmer.chunk
	if chunk <= 0 {
		chunk = warmChunk
	}
	limit := a.cands.max - a.cands.max/10
	version = -1
	var after int64
	for items < limit {
		var (
			ids   []int64
			cands map[int64][]pricing.Candidate
			at    int64
		)
		err := a.Store.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if ids, err = tx.PricedItemIDs(ctx, after, min(chunk, limit-items)); err != nil || len(ids) == 0 {
				return err
			}
			cands, at, err = tx.CandidatesAt(ctx, ids, today)
			return err
		})
		if err != nil {
			return version, items, false, err
		}
		if len(ids) == 0 {
			break
		}
		if version >= 0 && at != version {
			return version, items, false, nil
		}
		version = at
		a.cands.put(at, today, ids, cands)
		items += len(ids)
		after = ids[len(ids)-1]
		if a.warmer.stepped != nil {
			a.warmer.stepped()
		}
	}
	return version, items, true, nil
}

// WarmState is what the last complete warm-up read: the catalogue version
// and day it read under and how many items.
type WarmState struct {
	Version int64
	Day     pricing.Date
	Items   int
}

// candidateWarmer remembers the last complete warm-up; the mutex makes
// KeepCandidatesWarm one at a time per App.
type candidateWarmer struct {
	mu     sync.Mutex
	warmed WarmState
	ok     bool // warmed holds a complete warm-up
	chunk  int  // items per step; 0: warmChunk (tests set less)
	// stepped, when set, runs after each step (tests change the catalogue
	// in the middle of a walk).
	stepped func()
}

// KeepCandidatesWarm warms the candidate cache when it is not warm: no
// complete warm-up yet, or the catalogue version or the day moved since
// the last, or the cache lost what it read (it starts over when full).
// Otherwise it costs one small query. warmed reports whether it completed
// a warm-up now (one the catalogue moved under stops early; the next call
// reads again); state is the last complete warm-up's.
func (a *App) KeepCandidatesWarm(ctx context.Context) (state WarmState, warmed bool, err error) {
	if a.cands == nil {
		return WarmState{}, false, nil
	}
	w := &a.warmer
	w.mu.Lock()
	defer w.mu.Unlock()
	v, err := a.Store.CatalogueVersion(ctx)
	if err != nil {
		return w.warmed, false, err
	}
	today := a.Today()
	if w.ok && v == w.warmed.Version && today == w.warmed.Day && a.cands.held(v, today) >= w.warmed.Items {
		return w.warmed, false, nil
	}
	version, n, done, err := a.warmCandidates(ctx, today)
	if err != nil || !done {
		return w.warmed, false, err
	}
	if version < 0 { // nothing is priced: the cache holds nothing to lose
		version = v
	}
	w.warmed, w.ok = WarmState{Version: version, Day: today, Items: n}, true
	return w.warmed, true, nil
}

// RunCandidateWarmer keeps the candidate cache warm until ctx ends: at
// once, then every interval (KeepCandidatesWarm).
func (a *App) RunCandidateWarmer(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		start := time.Now()
		state, warmed, err := a.KeepCandidatesWarm(ctx)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				log.WarnContext(ctx, "candidate cache warm-up", "err", err)
			}
		case warmed:
			log.InfoContext(ctx, "candidate cache warm", "items", state.Items, "catalogue_version", state.Version,
				"took_ms", time.Since(start).Milliseconds())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
