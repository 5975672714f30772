package main

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// measured is a run of n requests over d, each taking lat.
func measured(n int, d time.Duration, lat ...time.Duration) result {
	r := result{elapsed: d}
	for i := range n {
		r.add([]time.Duration{lat[i%len(lat)]}, 0, nil)
	}
	return r
}

// failed adds n failed requests to r.
func failed(r result, n int64) result {
	r.add(nil, n, errors.New("boom"))
	return r
}

func TestAgainstReference(t *testing.T) {
	ms := time.Millisecond
	ref := measured(2000, 2*time.Second, 40*ms, 50*ms) // 1,000 req/s, p99 50 ms
	tests := []struct {
		name      string
		got, ref  result
		wantParts []string
	}{
		{"half the throughput, twice the p99: both relative targets met, the absolute one not (500 < 550)",
			measured(1000, 2*time.Second, 100*ms), ref,
			[]string{"500 req/s, p99 100.0 ms", "= 50 % of the per-line reference's 1000 req/s (target at least 50 %: met)",
				"2.0× its p99 of 50.0 ms (target at most 2×: met)", "at least 550 req/s with p99 at most 100 ms: not met"}},
		{"too slow and too late",
			measured(800, 2*time.Second, 60*ms, 150*ms), ref,
			[]string{"400 req/s, p99 150.0 ms", "= 40 % of", "(target at least 50 %: not met)", "3.0× its p99", "(target at most 2×: not met)",
				"p99 at most 100 ms: not met"}},
		{"everything met",
			measured(1200, 2*time.Second, 80*ms), ref,
			[]string{"600 req/s, p99 80.0 ms", "60 %", "1.6×", "at most 100 ms: met"}},
		{"fast enough but p99 over 100 ms: the absolute target is not met",
			measured(1200, 2*time.Second, 101*ms), ref,
			[]string{"600 req/s", "at most 2×: not met", "at most 100 ms: not met"}},
		{"failed requests: nothing is met, however fast the rest",
			failed(measured(1200, 2*time.Second, 80*ms), 3), failed(ref, 1),
			[]string{"600 req/s, p99 80.0 ms with 3 failed requests (first: boom)", "(target at least 50 %: not met)",
				"(target at most 2×: not met)", "(the reference had 1 failed requests)", "at most 100 ms: not met"}},
		{"no reference measured: only the absolute target",
			measured(1200, 2*time.Second, 80*ms), result{},
			[]string{"600 req/s, p99 80.0 ms; the issue's absolute target"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := againstReference(tt.got, tt.ref)
			for _, part := range tt.wantParts {
				if !strings.Contains(s, part) {
					t.Errorf("%q\nwants %q", s, part)
				}
			}
			if tt.ref.n == 0 && strings.Contains(s, "reference's") {
				t.Errorf("%q compares with a reference that was not measured", s)
			}
		})
	}
}

func TestResultMerge(t *testing.T) {
	ms := time.Millisecond
	var all result
	all.merge(measured(100, time.Second, 10*ms))
	all.merge(measured(300, time.Second, 30*ms))
	if all.n != 400 || all.elapsed != 2*time.Second || all.rps() != 200 {
		t.Errorf("merged: %d requests over %s = %.0f req/s, want 400 over 2s = 200", all.n, all.elapsed, all.rps())
	}
	if got := all.percentile(0.5); got != 30*ms {
		t.Errorf("p50 = %s, want 30ms", got)
	}
	if got := all.percentile(0.2); got != 10*ms {
		t.Errorf("p20 = %s, want 10ms", got)
	}
	if (result{}).rps() != 0 || (result{}).p99() != 0 {
		t.Error("an empty result has no throughput or latency")
	}
}
