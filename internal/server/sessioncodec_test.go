package server

import (
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestSessionCodec(t *testing.T) {
	t.Parallel()
	deadline := time.Date(2026, 11, 23, 12, 0, 0, 123456789, time.UTC)
	values := map[string]any{sessUserID: int64(9007199254740993), sessGeneration: int64(-3), sessSeen: int64(1795000000),
		sessFlash: "Request submitted: PO-2026-000001 <issued> & \"quoted\"", sessFlashKind: ""}
	b, err := sessionCodec{}.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	gotDeadline, got, err := sessionCodec{}.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !gotDeadline.Equal(deadline) || len(got) != len(values) {
		t.Fatalf("decoded %v %v; want %v %v", gotDeadline, got, deadline, values)
	}
	for k, v := range values {
		if got[k] != v { // same type and value: int64 stays int64 (2^53+1 exactly)
			t.Errorf("%s: %#v, want %#v", k, got[k], v)
		}
	}
	// A session written by scs's gob codec (before this one) still reads.
	old, err := scs.GobCodec{}.Encode(deadline, map[string]any{sessUserID: int64(42), sessFlash: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	if d, v, err := (sessionCodec{}).Decode(old); err != nil || !d.Equal(deadline) || v[sessUserID] != int64(42) || v[sessFlash] != "hi" {
		t.Errorf("gob session: %v %v %v", d, v, err)
	}
	// Anything else is refused when written, not silently changed.
	if _, err := (sessionCodec{}).Encode(deadline, map[string]any{"n": 3}); err == nil {
		t.Error("an int (not int64) was accepted")
	}
	if _, _, err := (sessionCodec{}).Decode([]byte("{not json")); err == nil {
		t.Error("broken data decoded")
	}
}
