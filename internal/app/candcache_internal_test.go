package app

import (
	"testing"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
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
