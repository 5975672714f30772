package server

import (
	"maps"
	"slices"
	"sync"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
)

// catalogueCache keeps computed catalogue pages in memory: the search, the
// offers and every item's candidates, which are the same for everyone
// ordering for a location on a day and cost Postgres most of a page view.
//
// It is only ever consulted with the catalogue version just read from
// Postgres (store.CatalogueVersion; migration 0013 moves it with every
// committed change to items, vendors, contracts, price rows, tiers,
// covered locations or locations). A page is kept under the version read
// before it was computed, and served only while that is still the version,
// so no instance serves a page after a change that alters it committed,
// whichever instance made the change. What moves with every order (the cap
// left on capped contracts) and what is the viewer's own (favourites, the
// cart) is never cached: the handler reads it fresh for each view.
//
// The mutex guards the map only; correctness comes from the version read
// from Postgres, not from this process.
type catalogueCache struct {
	mu      sync.Mutex
	version int64 // the newest catalogue version seen; pages of older ones are gone
	pages   map[catalogueKey]*cataloguePage
	lists   map[listsKey]*catalogueLists // the filter lists of each location's page
	max     int
}

// catalogueKey is everything a cached page depends on besides the version.
type catalogueKey struct {
	location   int64
	currency   string
	today      pricing.Date
	q          string
	category   string
	vendor     int64
	sort       string
	afterID    int64
	afterName  string
	afterPrice money.UnitPrice
}

// cataloguePage is one computed page. Read-only once cached: the handler
// copies what it adjusts per view.
type cataloguePage struct {
	rows  []store.CatalogueRow
	next  store.CatalogueFilter
	cands map[int64][]pricing.Candidate
}

// listsKey is what the filter lists depend on besides the version.
type listsKey struct {
	location int64
	currency string
	today    pricing.Date
}

// catalogueLists are the category and vendor filters of the full page.
type catalogueLists struct {
	categories []string
	vendors    []procure.Vendor
}

// maxCachedPages bounds the memory the cache holds: a page is 25 items
// with their candidates, some 10-20 kB, so at most about 40 MB.
const maxCachedPages = 2048

func newCatalogueCache(max int) *catalogueCache {
	return &catalogueCache{pages: map[catalogueKey]*cataloguePage{}, lists: map[listsKey]*catalogueLists{}, max: max}
}

// keyOf is the cache key of a catalogue filter; ok is false for a filter
// that is the viewer's own (favourites only), which is never cached.
func keyOf(f store.CatalogueFilter) (catalogueKey, bool) {
	if f.FavouritesOnly {
		return catalogueKey{}, false
	}
	return catalogueKey{location: f.LocationID, currency: f.Currency.Code(), today: f.Today, q: f.Q, category: f.Category,
		vendor: f.VendorID, sort: f.Sort, afterID: f.AfterID, afterName: f.AfterName, afterPrice: f.AfterPrice}, true
}

// see moves the cache to version, dropping everything older; it reports
// whether version is current (a reader of an older version neither reads
// nor fills the cache).
func (c *catalogueCache) see(version int64) bool {
	if version > c.version {
		c.version = version
		clear(c.pages)
		clear(c.lists)
	}
	return version == c.version
}

func (c *catalogueCache) page(version int64, k catalogueKey) (*cataloguePage, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.see(version) {
		return nil, false
	}
	p, ok := c.pages[k]
	return p, ok
}

func (c *catalogueCache) putPage(version int64, k catalogueKey, p *cataloguePage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.see(version) {
		return
	}
	if len(c.pages) >= c.max {
		for old := range c.pages { // map order is random: an arbitrary page goes
			delete(c.pages, old)
			break
		}
	}
	c.pages[k] = p
}

func (c *catalogueCache) filterLists(version int64, k listsKey) (*catalogueLists, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.see(version) {
		return nil, false
	}
	l, ok := c.lists[k]
	return l, ok
}

func (c *catalogueCache) putLists(version int64, k listsKey, l *catalogueLists) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.see(version) {
		return
	}
	if len(c.lists) >= c.max {
		clear(c.lists)
	}
	c.lists[k] = l
}

// cappedContracts lists the capped contracts among a page's candidates.
func (p *cataloguePage) cappedContracts() []int64 {
	var ids []int64
	for _, cs := range p.cands {
		for _, c := range cs {
			if c.HasCap && !slices.Contains(ids, c.ContractID) {
				ids = append(ids, c.ContractID)
			}
		}
	}
	return ids
}

// withCapsLeft is the page's candidates with the cap left now: a copy,
// the cached page stays as it is. A capped contract missing from left is
// gone from the database, so nothing is left on it.
func (p *cataloguePage) withCapsLeft(left map[int64]money.Amount) map[int64][]pricing.Candidate {
	out := maps.Clone(p.cands)
	for item, cs := range out {
		cs = slices.Clone(cs)
		for i := range cs {
			if cs[i].HasCap {
				if l, ok := left[cs[i].ContractID]; ok {
					cs[i].CapLeft = l
				} else {
					cs[i].CapLeft = money.Zero(cs[i].Currency)
				}
			}
		}
		out[item] = cs
	}
	return out
}
