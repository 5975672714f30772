package procure

import (
	"context"
	"time"
)

// AuditEvent records who did what to which record, when, with the state
// before and after. Every state change writes one in its own transaction;
// the table is append-only.
type AuditEvent struct {
	ID        int64
	At        time.Time
	ActorID   int64 // 0 = the system (seed, scheduled job)
	ActorName string
	Action    string // "user.create", "contract.status", …
	Entity    string // "user", "contract", …
	EntityID  int64
	Before    map[string]any
	After     map[string]any
}

type requestIDKey struct{}

// WithRequestID returns ctx carrying the HTTP request id, so that audit
// events can be traced back to the access log.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID is the request id carried by ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
