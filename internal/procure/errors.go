package procure

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Kind says who can act on an error and how the web layer answers it.
type Kind uint8

// Kinds of error. The server maps each to one HTTP status.
const (
	KindInternal    Kind = iota // a bug: logged, shown as "Something went wrong."
	KindInvalid                 // the input breaks a rule: the form is shown again with messages (422)
	KindNotFound                // no such record, or the actor may not know it exists (404)
	KindForbidden               // the actor may see the record but not do this to it (403)
	KindConflict                // the record changed state under us: reload and retry (409)
	KindUnavailable             // the database is unreachable or overloaded: try again shortly (503)
	KindTooMany                 // too many attempts: wait (429)
)

var kindNames = [...]string{"internal", "invalid", "not_found", "forbidden", "conflict", "unavailable", "too_many"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Error is a failure a person can understand. Message is safe to show to the
// user; Fields maps form field names to messages (for KindInvalid); Err keeps
// the cause for the log and for errors.Is.
type Error struct {
	Kind    Kind
	Message string
	Fields  map[string]string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error of the given kind with a formatted, user-safe
// message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an Error of the given kind whose cause is err.
func Wrap(kind Kind, err error, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...), Err: err}
}

// KindOf returns the Kind of the first *Error in err's chain, or KindInternal.
func KindOf(err error) Kind {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Kind
	}
	return KindInternal
}

// FieldErrors collects per-field messages while a form is validated.
type FieldErrors map[string]string

// Add records msg for field unless the field already has a message (the
// first problem is the one to fix first).
func (f FieldErrors) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Err returns nil when nothing was added, else a KindInvalid *Error that
// carries the field messages.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	msg := "Please correct the highlighted fields."
	if len(f) == 1 {
		for _, k := range slices.Sorted(maps.Keys(f)) {
			msg = "Please correct the highlighted field: " + f[k]
		}
	}
	return &Error{Kind: KindInvalid, Message: msg, Fields: map[string]string(f)}
}

// FieldsOf returns the field messages of err, if it is a KindInvalid Error.
func FieldsOf(err error) map[string]string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Fields
	}
	return nil
}

// MessageOf returns the user-safe message of err, or "" when err carries
// none (an internal error).
func MessageOf(err error) string {
	if e, ok := errors.AsType[*Error](err); ok && e.Kind != KindInternal {
		return e.Message
	}
	return ""
}
