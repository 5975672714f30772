package devpg

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// Huge pages for the benchmark server's shared memory.
//
// With -server, shared buffers are a quarter of the RAM (6 GB on the 24 GB
// bench machine). On regular 4 kB pages every backend maps each buffer
// page on its first touch: on this machine (a virtual machine, where a
// page fault is costly) one-contract submissions spent ~8 % of Postgres's
// CPU in page faults, and made 274 / 305 req/s against 435 / 464 req/s
// with the same server on 2 MB huge pages (alternating runs, p99 246 / 191
// against 142 / 121 ms). Postgres uses huge pages whenever the kernel has
// enough free ones (huge_pages=try, its default); the kernel holds none
// until an administrator reserves them (vm.nr_hugepages), as one does on a
// database server.

// HugePagesNeeded returns how many huge pages the server's shared memory
// takes with the settings Start would use (Postgres 15 or later computes
// it; the server must not be running). 0: this platform has none.
func (c *Cluster) HugePagesNeeded() (int, error) {
	args := append([]string{"-D", c.DataDir}, c.settings()...)
	args = append(args, "-C", "shared_memory_size_in_huge_pages")
	out, err := c.command("postgres", args...).Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return 0, fmt.Errorf("devpg: postgres -C shared_memory_size_in_huge_pages: %w: %s", err, strings.TrimSpace(string(exit.Stderr)))
		}
		return 0, fmt.Errorf("devpg: postgres -C shared_memory_size_in_huge_pages: %w", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		return 0, fmt.Errorf("devpg: huge pages needed: %q is not a number", strings.TrimSpace(string(out)))
	}
	return max(n, 0), nil // -1: huge pages are not supported here
}

// HugePool is the kernel's pool of huge pages: Reserved is the file
// holding how many are reserved (vm.nr_hugepages), MemInfo the file
// telling how many of them are free.
type HugePool struct {
	Reserved, MemInfo string
	// kernel, when set, stands in for the kernel in tests: given the
	// size asked for, the size it settles on (less when memory is short).
	kernel func(asked int) int
}

// KernelHugePool is Linux's.
var KernelHugePool = HugePool{Reserved: "/proc/sys/vm/nr_hugepages", MemInfo: "/proc/meminfo"}

// Available returns how many reserved huge pages nothing uses or has
// claimed yet (HugePages_Free less HugePages_Rsvd).
func (p HugePool) Available() (int, error) {
	b, err := os.ReadFile(p.MemInfo)
	if err != nil {
		return 0, fmt.Errorf("devpg: huge pages: %w", err)
	}
	free, rsvd := -1, -1
	for line := range strings.SplitSeq(string(b), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(value))
		switch {
		case name != "HugePages_Free" && name != "HugePages_Rsvd":
			continue
		case err != nil:
			return 0, fmt.Errorf("devpg: huge pages: %s is %q in %s", name, strings.TrimSpace(value), p.MemInfo)
		case name == "HugePages_Free":
			free = n
		default:
			rsvd = n
		}
	}
	if free < 0 || rsvd < 0 {
		return 0, fmt.Errorf("devpg: huge pages: %s does not say how many are free (no huge pages in this kernel?)", p.MemInfo)
	}
	return max(free-rsvd, 0), nil
}

func (p HugePool) reserved() (int, error) {
	b, err := os.ReadFile(p.Reserved)
	if err != nil {
		return 0, fmt.Errorf("devpg: huge pages: %w", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("devpg: huge pages: %s holds %q", p.Reserved, strings.TrimSpace(string(b)))
	}
	return n, nil
}

func (p HugePool) setReserved(n int) error {
	if p.kernel != nil {
		n = p.kernel(n)
	}
	if err := os.WriteFile(p.Reserved, []byte(strconv.Itoa(n)+"\n"), 0o644); err != nil {
		return fmt.Errorf("devpg: huge pages: reserve %d: %w", n, err)
	}
	return nil
}

// HugePageReservation is what Reserve did: the pool's size before and
// after (equal when enough were free already).
type HugePageReservation struct {
	Before, After int
	pool          HugePool
}

// Release gives back what Reserve added; the kernel frees pages still in
// use as their user lets go of them.
func (r HugePageReservation) Release() error {
	if r.After == r.Before {
		return nil
	}
	return r.pool.setReserved(r.Before)
}

// Reserve makes need huge pages available, growing the pool by what it
// lacks (root only). If the kernel cannot find the memory for all of
// them, it reserves none: a shared memory segment takes all its huge
// pages or none. The error says what to run when it cannot.
func (p HugePool) Reserve(need int) (HugePageReservation, error) {
	avail, err := p.Available()
	if err != nil {
		return HugePageReservation{}, err
	}
	before, err := p.reserved()
	if err != nil {
		return HugePageReservation{}, err
	}
	r := HugePageReservation{Before: before, After: before, pool: p}
	if avail >= need {
		return r, nil
	}
	want := before + need - avail
	if err := p.setReserved(want); err != nil {
		return r, fmt.Errorf("%w (as root: sysctl -w vm.nr_hugepages=%d)", err, want)
	}
	got, err := p.reserved()
	if err != nil || got < want {
		if rerr := p.setReserved(before); rerr != nil {
			return r, fmt.Errorf("devpg: huge pages: the kernel reserved %d of %d, and giving them back failed: %w", got, want, rerr)
		}
		if err != nil {
			return r, err
		}
		return r, fmt.Errorf("devpg: huge pages: the kernel found memory for %d of the %d asked for (memory too fragmented or too small); none kept", got-before, want-before)
	}
	r.After = got
	return r, nil
}
