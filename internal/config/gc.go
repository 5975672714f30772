package config

import (
	"runtime/debug"
	"strings"
)

// Garbage-collector defaults for the server (see TuneGC).
const (
	DefaultGCPercent = 400
	DefaultMemLimit  = 768 << 20 // bytes
)

// TuneGC sets the garbage collector for a server whose live heap is small
// (tens of megabytes: pools, caches, a few requests in flight) but which
// allocates with every page it renders. Go's default (GOGC=100: collect
// whenever the heap has doubled) then collects every few dozen requests
// and spends a tenth of the CPU marking. Unless GOGC or GOMEMLIMIT is set
// in environ (the runtime honours those as always), the heap may grow to
// five times the live data before a collection, and collections come
// sooner as the heap nears a soft limit of 768 MiB, so memory stays
// bounded. It returns what is in effect, for the start-up log; -1 means
// the runtime's own (environment) setting stands.
func TuneGC(environ []string) (gcPercent int, memLimit int64) {
	gcPercent, memLimit = -1, -1
	set := map[string]bool{}
	for _, kv := range environ {
		if k, _, ok := strings.Cut(kv, "="); ok {
			set[k] = true
		}
	}
	if !set["GOGC"] {
		debug.SetGCPercent(DefaultGCPercent)
		gcPercent = DefaultGCPercent
	}
	if !set["GOMEMLIMIT"] {
		debug.SetMemoryLimit(DefaultMemLimit)
		memLimit = DefaultMemLimit
	}
	return gcPercent, memLimit
}
