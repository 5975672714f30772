package app

import (
	"context"
	"log/slog"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pgtest"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/testkit"
)

func TestCandidateCacheKeepsOneVersion(t *testing.T) {
	eur, err := money.ParseCurrency("EUR")
	if err != nil {
		t.Fatal(err)
	}
	left, err := money.ParseAmount(eur, "70.00")
	if err != nil {
		t.Fatal(err)
	}
	day := pricing.MustDate("2026-06-01")
	cand := func(contract int64) map[int64][]pricing.Candidate {
		return map[int64][]pricing.Candidate{1: {{ContractID: contract, HasCap: true, CapLeft: left}}}
	}
	held := func(c *candidateCache, version int64, today pricing.Date) int64 {
		found, missing := c.get(version, today, []int64{1, 2})
		if len(missing) == 0 || missing[len(missing)-1] != 2 {
			t.Fatalf("item 2 was never put, yet not missing: %v", missing)
		}
		if len(found[1]) == 0 {
			return 0
		}
		if !found[1][0].CapLeft.IsZero() {
			t.Errorf("a cap left was kept: %s", found[1][0].CapLeft)
		}
		return found[1][0].ContractID
	}

	c := newCandidateCache(10)
	c.put(5, day, []int64{1, 3}, cand(50)) // 3 has no candidates: kept as none
	if got := held(c, 5, day); got != 50 {
		t.Errorf("version 5: contract %d, want 50", got)
	}
	if found, missing := c.get(5, day, []int64{3}); len(missing) != 0 || found[3] == nil || len(found[3]) != 0 {
		t.Errorf("an item without candidates: found %v, missing %v; want it held as none", found, missing)
	}
	for _, tc := range []struct {
		name    string
		version int64
		today   pricing.Date
	}{{"an older version", 4, day}, {"a newer version", 6, day}, {"another day", 5, day.AddDays(1)}} {
		if got := held(c, tc.version, tc.today); got != 0 {
			t.Errorf("looked up under %s: contract %d, want none", tc.name, got)
		}
	}
	c.put(4, day, []int64{1}, cand(40)) // read at an older version: not kept
	if got := held(c, 5, day); got != 50 {
		t.Errorf("after an older put: contract %d, want 50", got)
	}
	c.put(6, day, []int64{1}, cand(60)) // a newer version replaces everything
	if got := held(c, 6, day); got != 60 {
		t.Errorf("version 6: contract %d, want 60", got)
	}
	if found, _ := c.get(6, day, []int64{3}); found[3] != nil {
		t.Errorf("item 3 of version 5 survived version 6: %v", found[3])
	}
	c.put(6, day.AddDays(1), []int64{1}, cand(61)) // so does the next day
	if got := held(c, 6, day); got != 0 {
		t.Errorf("the day before after a new day: contract %d, want none", got)
	}
	if got := held(c, 6, day.AddDays(1)); got != 61 {
		t.Errorf("the new day: contract %d, want 61", got)
	}

	small := newCandidateCache(2) // full: starts over rather than grow
	small.put(1, day, []int64{1, 3}, cand(10))
	small.put(1, day, []int64{4}, nil)
	if found, missing := small.get(1, day, []int64{1, 4}); len(found) != 1 || found[4] == nil || len(missing) != 1 || missing[0] != 1 {
		t.Errorf("over its size: found %v, missing %v; want only item 4", found, missing)
	}

	var none *candidateCache // an App built without New
	none.put(1, day, []int64{1}, cand(10))
	if found, missing := none.get(1, day, []int64{1}); len(found) != 0 || len(missing) != 1 {
		t.Errorf("nil cache: found %v, missing %v", found, missing)
	}
}

// A put of ids the cache already holds adds nothing, so it does not make a
// full cache start over.
func TestCandidateCacheCountsOnlyNewItemsAgainstItsBound(t *testing.T) {
	day := pricing.MustDate("2026-06-01")
	c := newCandidateCache(2)
	c.put(1, day, []int64{1, 3}, nil)
	c.put(1, day, []int64{3}, nil) // read again: nothing new
	if found, missing := c.get(1, day, []int64{1, 3}); len(found) != 2 || len(missing) != 0 {
		t.Errorf("after a re-put: found %v, missing %v; want both held", found, missing)
	}
	if got := c.held(1, day); got != 2 {
		t.Errorf("held %d, want 2", got)
	}
	for _, tc := range []struct {
		version int64
		today   pricing.Date
	}{{2, day}, {1, day.AddDays(1)}} {
		if got := c.held(tc.version, tc.today); got != 0 {
			t.Errorf("held under version %d on %s: %d, want 0", tc.version, tc.today, got)
		}
	}
}

// The warm-up reads every priced item's candidates, as a submission would
// read them, in chunks; it reads again only when the catalogue moved or
// the cache lost them, and fills nine tenths of the cache's bound at most.
func TestKeepCandidatesWarm(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	st := store.New(pgtest.PoolFor(t, pgtest.URL(t)))
	june := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	today := pricing.DateOf(june)
	newApp := func(max int) *App {
		a := New(st, func() time.Time { return june }, time.UTC)
		a.cands = newCandidateCache(max)
		a.warmer.chunk = 2 // so that five items take three steps
		return a
	}

	a := newApp(100)
	if state, warmed, err := a.KeepCandidatesWarm(ctx); err != nil || !warmed || state.Items != 0 {
		t.Fatalf("empty catalogue: %+v, warmed %v, %v; want a warm-up of nothing", state, warmed, err)
	}

	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	acme := testkit.MustVendor(t, st, "Acme", procure.VendorApproved)
	bolt := testkit.MustVendor(t, st, "Bolt", procure.VendorApproved)
	var priced []int64
	for _, sku := range []string{"A-1", "A-2", "A-3", "A-4", "A-5"} {
		priced = append(priced, testkit.MustItem(t, st, sku, "Item "+sku))
	}
	unpriced := testkit.MustItem(t, st, "U-1", "Nobody sells this")
	cheap := testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-A", VendorID: acme, Status: procure.ContractActive, Cap: "500.00",
		Prices: []procure.PriceValues{{SKU: "A-1", Tiers: testkit.Tiers("1", "5.00", "100", "4.50")}, {SKU: "A-2", Tiers: testkit.Tiers("1", "1.00")},
			{SKU: "A-3", Tiers: testkit.Tiers("1", "2.00")}}})
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-B", VendorID: bolt, Status: procure.ContractActive, Locations: []int64{muc},
		Prices: []procure.PriceValues{{SKU: "A-1", Tiers: testkit.Tiers("1", "5.50"), Preferred: true}, {SKU: "A-4", Tiers: testkit.Tiers("1", "3.00")},
			{SKU: "A-5", Tiers: testkit.Tiers("1", "4.00")}}})

	// Holds what a submission would read, caps left aside.
	holdsCurrent := func(a *App, version int64) {
		t.Helper()
		want, err := st.Candidates(ctx, priced, today)
		if err != nil {
			t.Fatal(err)
		}
		found, missing := a.cands.get(version, today, append(slices.Clone(priced), unpriced))
		if !slices.Equal(missing, []int64{unpriced}) {
			t.Fatalf("missing %v, want only the unpriced item %d", missing, unpriced)
		}
		for _, id := range priced {
			w := want[id]
			for i := range w {
				w[i].CapLeft = money.Amount{}
			}
			if len(w) == 0 || !reflect.DeepEqual(found[id], w) {
				t.Errorf("item %d: held %+v, want %+v", id, found[id], w)
			}
		}
	}

	state, warmed, err := a.KeepCandidatesWarm(ctx)
	if err != nil || !warmed || state.Items != len(priced) || state.Day != today {
		t.Fatalf("first warm-up: %+v, warmed %v, %v; want %d items", state, warmed, err, len(priced))
	}
	holdsCurrent(a, state.Version)
	if again, warmed, err := a.KeepCandidatesWarm(ctx); err != nil || warmed || again != state {
		t.Errorf("nothing moved, yet: %+v, warmed %v, %v", again, warmed, err)
	}

	// A price change moves the version: read again, the new price held.
	rows, err := st.PriceRows(ctx, cheap)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ItemID == priced[1] {
			if _, err := st.AmendPrice(ctx, 0, cheap, r.ID, procure.PriceValues{SKU: "A-2", Tiers: testkit.Tiers("1", "1.25"), ValidFrom: &today}, today); err != nil {
				t.Fatal(err)
			}
		}
	}
	moved, warmed, err := a.KeepCandidatesWarm(ctx)
	if err != nil || !warmed || moved.Version <= state.Version || moved.Items != len(priced) {
		t.Fatalf("after a price change: %+v, warmed %v, %v; want a newer version than %d", moved, warmed, err, state.Version)
	}
	holdsCurrent(a, moved.Version)

	// The catalogue moves in the middle of a walk: the walk stops there
	// (the cache started over for the new version) and the next call
	// reads the new catalogue whole.
	amend := func(item int, sku, price string) {
		t.Helper()
		rows, err := st.PriceRows(ctx, cheap)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.ItemID == priced[item] {
				if _, err := st.AmendPrice(ctx, 0, cheap, r.ID, procure.PriceValues{SKU: sku, Tiers: testkit.Tiers("1", price), ValidFrom: &today}, today); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	steps := 0
	a.warmer.stepped = func() {
		if steps++; steps == 1 {
			amend(0, "A-1", "5.25")
		}
	}
	amend(2, "A-3", "2.25") // so that a warm-up is due
	if stopped, warmed, err := a.KeepCandidatesWarm(ctx); err != nil || warmed || stopped != moved || steps != 1 {
		t.Fatalf("walk under a moving catalogue: %+v after %d steps, warmed %v, %v; want it stopped at the second read, the last complete warm-up kept", stopped, steps, warmed, err)
	}
	a.warmer.stepped = nil
	again, warmed, err := a.KeepCandidatesWarm(ctx)
	if err != nil || !warmed || again.Version <= moved.Version || again.Items != len(priced) {
		t.Fatalf("after the stopped walk: %+v, warmed %v, %v; want the new catalogue read whole", again, warmed, err)
	}
	holdsCurrent(a, again.Version)
	moved = again

	// The cache lost what was read (it starts over when full): read again.
	small := newApp(4) // nine tenths: 4 - 4/10 = 4 items at most
	state, warmed, err = small.KeepCandidatesWarm(ctx)
	if err != nil || !warmed || state.Items != 4 {
		t.Fatalf("bounded warm-up: %+v, warmed %v, %v; want 4 items", state, warmed, err)
	}
	if found, _ := small.cands.get(state.Version, today, priced); len(found) != 4 {
		t.Errorf("bounded warm-up holds %d items, want 4", len(found))
	}
	small.cands.put(state.Version, today, []int64{unpriced}, nil) // a submission's item: over the bound
	if got := small.cands.held(state.Version, today); got != 1 {
		t.Fatalf("after the overflow the cache holds %d, want 1", got)
	}
	if again, warmed, err := small.KeepCandidatesWarm(ctx); err != nil || !warmed || again.Items != 4 {
		t.Errorf("after the cache started over: %+v, warmed %v, %v; want a new warm-up", again, warmed, err)
	}

	// The next day: read again.
	a.Now = func() time.Time { return june.AddDate(0, 0, 1) }
	if next, warmed, err := a.KeepCandidatesWarm(ctx); err != nil || !warmed || next.Day != today.AddDays(1) {
		t.Errorf("the next day: %+v, warmed %v, %v", next, warmed, err)
	}

	// The background loop serve runs: warms at once, stops with ctx.
	bg := newApp(100)
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { bg.RunCandidateWarmer(wctx, time.Hour, slog.New(slog.DiscardHandler)); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for bg.cands.held(moved.Version, today) < len(priced) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	<-done
	if got := bg.cands.held(moved.Version, today); got != len(priced) {
		t.Errorf("the background warmer read %d items, want %d", got, len(priced))
	}
}
