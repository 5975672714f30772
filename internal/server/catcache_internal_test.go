package server

import (
	"testing"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/store"
)

func TestCatalogueCacheServesOnlyTheCurrentVersion(t *testing.T) {
	t.Parallel()
	c := newCatalogueCache(3)
	k := func(q string) catalogueKey { return catalogueKey{location: 1, q: q} }
	page := &cataloguePage{}
	c.putPage(5, k("a"), page)
	if p, ok := c.page(5, k("a")); !ok || p != page {
		t.Fatal("a page kept at version 5 is not served at version 5")
	}
	if _, ok := c.page(5, k("b")); ok {
		t.Error("another key served")
	}
	// A reader that read an older version neither reads nor fills.
	if _, ok := c.page(4, k("a")); ok {
		t.Error("served to a reader of version 4")
	}
	c.putPage(4, k("old"), page)
	if _, ok := c.page(5, k("old")); ok {
		t.Error("a page computed at version 4 is served at 5")
	}
	// A newer version drops everything kept before it.
	if _, ok := c.page(6, k("a")); ok {
		t.Error("a version-5 page served at version 6")
	}
	if _, ok := c.page(5, k("a")); ok {
		t.Error("version 5 readable after 6 was seen")
	}
	// Bounded: the fourth page pushes one out.
	for _, q := range []string{"1", "2", "3", "4"} {
		c.putPage(6, k(q), page)
	}
	if n := len(c.pages); n != 3 {
		t.Errorf("%d pages kept, want at most 3", n)
	}
	if _, ok := c.page(6, k("4")); !ok {
		t.Error("the newest page was not kept")
	}
}

func TestWithCapsLeftCopies(t *testing.T) {
	t.Parallel()
	eur := money.MustCurrency("EUR")
	old, _ := money.ParseAmount(eur, "100.00")
	now, _ := money.ParseAmount(eur, "40.00")
	page := &cataloguePage{cands: map[int64][]pricing.Candidate{
		7: {{ContractID: 1, Currency: eur, HasCap: true, CapLeft: old}, {ContractID: 2, Currency: eur}},
		8: {{ContractID: 3, Currency: eur, HasCap: true, CapLeft: old}},
	}, rows: []store.CatalogueRow{}}
	if ids := page.cappedContracts(); len(ids) != 2 {
		t.Errorf("capped contracts %v, want 1 and 3", ids)
	}
	got := page.withCapsLeft(map[int64]money.Amount{1: now}) // contract 3 is gone
	if got[7][0].CapLeft != now || got[8][0].CapLeft != money.Zero(eur) || got[7][1].HasCap {
		t.Errorf("caps left %v %v", got[7][0].CapLeft, got[8][0].CapLeft)
	}
	if page.cands[7][0].CapLeft != old {
		t.Error("the cached page was changed")
	}
}
