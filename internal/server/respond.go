package server

import (
	"bytes"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/web/layout"
)

// handlerFunc is a handler that returns its failure instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts h to net/http: one place decides what every error looks like.
func (s *Server) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

var statusOf = map[procure.Kind]int{
	procure.KindInvalid:     http.StatusUnprocessableEntity,
	procure.KindNotFound:    http.StatusNotFound,
	procure.KindForbidden:   http.StatusForbidden,
	procure.KindConflict:    http.StatusConflict,
	procure.KindUnavailable: http.StatusServiceUnavailable,
	procure.KindTooMany:     http.StatusTooManyRequests,
	procure.KindInternal:    http.StatusInternalServerError,
}

const genericMessage = "Something went wrong. It has been logged; please try again."

// fail answers err: a user-safe message with the status of its kind.
// Internal errors are logged with the request id and shown generically;
// outages get 503 with Retry-After. htmx requests get the message swapped
// into the page's error area.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	kind := procure.KindOf(err)
	msg := procure.MessageOf(err)
	status := statusOf[kind]
	var maxBytes *http.MaxBytesError
	if errors.As(err, &maxBytes) {
		status, msg = http.StatusRequestEntityTooLarge, "The upload is larger than the "+strconv.FormatInt(maxBytes.Limit>>20, 10)+" MB allowed."
	}
	switch {
	case kind == procure.KindInternal && status != http.StatusRequestEntityTooLarge:
		msg = genericMessage
		s.Log.ErrorContext(r.Context(), "request failed", "err", err, "method", r.Method, "path", r.URL.Path,
			"req_id", procure.RequestID(r.Context()))
	case kind == procure.KindUnavailable:
		w.Header().Set("Retry-After", "5")
		s.Log.WarnContext(r.Context(), "unavailable", "err", err, "path", r.URL.Path, "req_id", procure.RequestID(r.Context()))
	case kind == procure.KindForbidden:
		s.Log.WarnContext(r.Context(), "forbidden", "msg", msg, "path", r.URL.Path, "req_id", procure.RequestID(r.Context()))
	}
	if msg == "" {
		msg = genericMessage
	}
	// A refusal before the page shell was set up (a cross-site POST,
	// refused before the session is read) still gets the styles.
	if c := layout.ChromeFrom(r.Context()); c.Assets.App == "" {
		c.Assets, c.Path = s.Assets, r.URL.Path
		r = r.WithContext(layout.WithChrome(r.Context(), c))
	}
	if r.Header.Get("HX-Request") != "" {
		w.Header().Set("HX-Retarget", "#htmx-error")
		w.Header().Set("HX-Reswap", "innerHTML")
		if err := render(w, r, status, layout.ErrorFragment(status, msg)); err == nil {
			return
		}
	}
	// A page refusing values from its own address (its filters) says which
	// ones and links to itself without them; "the highlighted field" of
	// the message would point at nothing.
	if fields := procure.FieldsOf(err); r.Method == http.MethodGet && kind == procure.KindInvalid && len(fields) > 0 {
		q := r.URL.Query()
		errs := make([]layout.QueryError, 0, len(fields))
		for _, name := range slices.Sorted(maps.Keys(fields)) {
			errs = append(errs, layout.QueryError{Name: name, Value: shownValue(q.Get(name)), Message: fields[name]})
		}
		if rerr := render(w, r, status, layout.QueryErrorPage(errs, r.URL.Path)); rerr == nil {
			return
		}
	}
	// A form refused on fields reaches this page only when the page it
	// came from has no place to mark them (a hidden value sent altered):
	// the fields are named here instead of "the highlighted field".
	if fields := procure.FieldsOf(err); r.Method != http.MethodGet && kind == procure.KindInvalid && len(fields) > 0 {
		errs := make([]layout.QueryError, 0, len(fields))
		for _, name := range slices.Sorted(maps.Keys(fields)) {
			errs = append(errs, layout.QueryError{Name: name, Message: fields[name]})
		}
		if rerr := render(w, r, status, layout.FormErrorPage(errs, sameOriginReferer(r))); rerr == nil {
			return
		}
	}
	if rerr := render(w, r, status, layout.ErrorPage(status, msg)); rerr != nil {
		http.Error(w, msg, status)
	}
}

// render writes c with status. It renders into a buffer first, so a template
// error becomes a clean 500 instead of half a page.
func render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// isHTMX reports whether the request came from htmx (and wants a fragment).
func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// redirect answers a successful POST: 303 to target for plain forms
// (post/redirect/get), HX-Redirect for htmx.
func redirect(w http.ResponseWriter, r *http.Request, target string) {
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", target)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// flash stores a one-time message for the next page.
func (s *Server) flash(r *http.Request, kind, msg string) {
	s.Sessions.Put(r.Context(), sessFlash, msg)
	s.Sessions.Put(r.Context(), sessFlashKind, kind)
}

// pathID parses a positive int64 route parameter. A malformed id is the same
// as a missing record: 404, not 400, so probing ids teaches nothing.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id <= 0 {
		return 0, procure.Errorf(procure.KindNotFound, "That page does not exist.")
	}
	return id, nil
}

// formStatus says whether err should re-show the form (with its messages)
// rather than an error page: invalid input (422) or an edit that lost an
// optimistic version race (409).
func formStatus(err error) (int, bool) {
	if err == nil {
		return 0, false
	}
	switch procure.KindOf(err) {
	case procure.KindInvalid:
		return http.StatusUnprocessableEntity, true
	case procure.KindConflict:
		return http.StatusConflict, true
	}
	return 0, false
}

// shownValue is a value from the address as the page shows it back: in
// quotes, control characters escaped, cut after 60 characters.
func shownValue(v string) string {
	if r := []rune(v); len(r) > 60 {
		return strconv.Quote(string(r[:60])) + "…"
	}
	return strconv.Quote(v)
}

// sameOriginReferer is the path (and query) of the page a form was sent
// from, when the Referer names this site; else "". Only a local path is
// ever linked to.
func sameOriginReferer(r *http.Request) string {
	ref, err := url.Parse(r.Header.Get("Referer"))
	if err != nil || ref.Host != r.Host {
		return ""
	}
	ref.Scheme, ref.Host, ref.User, ref.Fragment = "", "", nil, ""
	if back := ref.String(); safeLocalPath(back) {
		return back
	}
	return ""
}
