package devpg_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procure-app/procure/internal/devpg"
)

// pool is a huge-page pool in files: reserved pages, and a meminfo with
// free and claimed ones.
func pool(t *testing.T, reserved, meminfo string) devpg.HugePool {
	t.Helper()
	dir := t.TempDir()
	p := devpg.HugePool{Reserved: filepath.Join(dir, "nr_hugepages"), MemInfo: filepath.Join(dir, "meminfo")}
	if err := os.WriteFile(p.Reserved, []byte(reserved), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.MemInfo, []byte(meminfo), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func reservedIn(t *testing.T, p devpg.HugePool) string {
	t.Helper()
	b, err := os.ReadFile(p.Reserved)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

const meminfo = "MemTotal:       24000000 kB\nHugePages_Total:      10\nHugePages_Free:        4\nHugePages_Rsvd:        1\nHugePages_Surp:        0\nHugepagesize:       2048 kB\n"

func TestHugePoolReserve(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		need        int
		wantAfter   int    // the pool's size while reserved
		wantFile    string // vm.nr_hugepages while reserved
		wantRelease string // and after Release
	}{
		{"enough free already: nothing changes", 3, 10, "10", "10"},
		{"short: the pool grows by what it lacks", 8, 15, "15", "10"},
		{"nothing free is needed", 0, 10, "10", "10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := pool(t, "10\n", meminfo)
			if got, err := p.Available(); err != nil || got != 3 {
				t.Fatalf("Available() = %d, %v; want 3 (4 free, 1 claimed)", got, err)
			}
			r, err := p.Reserve(tc.need)
			if err != nil {
				t.Fatal(err)
			}
			if r.Before != 10 || r.After != tc.wantAfter || reservedIn(t, p) != tc.wantFile {
				t.Errorf("Reserve(%d): %d -> %d, file %s; want 10 -> %d, file %s", tc.need, r.Before, r.After, reservedIn(t, p), tc.wantAfter, tc.wantFile)
			}
			if err := r.Release(); err != nil {
				t.Fatal(err)
			}
			if got := reservedIn(t, p); got != tc.wantRelease {
				t.Errorf("after Release: %s, want %s", got, tc.wantRelease)
			}
		})
	}
}

// A kernel without huge pages, or files that do not say, is an error that
// names the file, and nothing is written.
func TestHugePoolUnreadable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, reserved, meminfo, wantErr string
	}{
		{"no huge pages in meminfo", "0\n", "MemTotal:       24000000 kB\n", "does not say how many are free"},
		{"a count that is not a number", "0\n", "HugePages_Free:  x\nHugePages_Rsvd: 0\n", `HugePages_Free is "x"`},
		{"a pool size that is not a number", "many\n", meminfo, `holds "many"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := pool(t, tc.reserved, tc.meminfo)
			_, err := p.Reserve(100)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Reserve: %v, want an error with %q", err, tc.wantErr)
			}
			if got := reservedIn(t, p); got != strings.TrimSpace(tc.reserved) {
				t.Errorf("the pool file changed to %s", got)
			}
		})
	}
	missing := devpg.HugePool{Reserved: filepath.Join(t.TempDir(), "none"), MemInfo: filepath.Join(t.TempDir(), "none")}
	if _, err := missing.Reserve(1); err == nil {
		t.Error("Reserve on missing files: no error")
	}
}
