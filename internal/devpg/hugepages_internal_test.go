package devpg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// When the kernel finds memory for only some of the pages asked for, none
// are kept: a shared memory segment takes all its huge pages or none.
func TestHugePoolReserveShortOfMemory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := HugePool{Reserved: filepath.Join(dir, "nr_hugepages"), MemInfo: filepath.Join(dir, "meminfo"),
		kernel: func(asked int) int { return min(asked, 12) }} // room for 2 more than the 10 reserved
	if err := os.WriteFile(p.Reserved, []byte("10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.MemInfo, []byte("HugePages_Free: 0\nHugePages_Rsvd: 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := p.Reserve(5)
	if err == nil || !strings.Contains(err.Error(), "found memory for 2 of the 5") {
		t.Fatalf("Reserve(5) with room for 2: %v, want an error saying so", err)
	}
	if b, _ := os.ReadFile(p.Reserved); strings.TrimSpace(string(b)) != "10" || r.After != r.Before {
		t.Errorf("after a short reservation: pool %s, reservation %+v; want 10, unchanged", b, r)
	}
}
