package app

import (
	"slices"
	"sync"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
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
}

// maxCachedItems bounds the memory the cache holds: an item's candidates
// are a few hundred bytes each, so some 40 MB at most.
const maxCachedItems = 100_000

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
	if len(c.items)+len(ids) > c.max {
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
