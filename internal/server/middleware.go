package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/web/layout"
)

type ctxKey int

const (
	userKey ctxKey = iota
	logInfoKey
)

// logInfo is filled in by later middleware for the access log line.
type logInfo struct{ userID int64 }

// requestID gives each request a random id, echoed in X-Request-Id, logged
// with every line and stored with every audit event.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), middleware.RequestIDKey, id)
		ctx = procure.WithRequestID(ctx, id)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// accessLog writes one structured line per request: method, route pattern
// (not the raw path, so ids do not explode the cardinality), status, size,
// duration, request id and user.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		info := &logInfo{}
		next.ServeHTTP(ww, r.WithContext(context.WithValue(r.Context(), logInfoKey, info)))
		route := r.URL.Path
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		s.Log.LogAttrs(r.Context(), levelFor(status), "http",
			slog.String("method", r.Method), slog.String("route", route), slog.Int("status", status),
			slog.Int("bytes", ww.BytesWritten()), slog.Int("dur_ms", int(time.Since(start).Milliseconds())),
			slog.String("req_id", procure.RequestID(r.Context())), slog.Int64("user_id", info.userID))
	})
}

// recoverPanics turns a panic into a logged error and a generic 500 page
// without internals (ASVS 16.5.1).
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.fail(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows only our own scripts and styles: htmx is
// served locally with eval and injected styles off (see the htmx-config
// meta tag), so no 'unsafe-inline' is needed.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

func securityHeaders(https bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", contentSecurityPolicy)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
			if https {
				h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// noStore keeps authenticated pages out of every cache (ASVS 14.3.2).
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// timeout bounds each request, so a slow database cannot pile requests up.
func (s *Server) timeout(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := s.Options.RequestTimeout
		if isExport(r) {
			// A streamed CSV export of a big report may take minutes; it
			// holds one connection and little memory while it runs.
			d = exportTimeout
			_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(exportTimeout))
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// exportTimeout bounds a CSV export.
const exportTimeout = 10 * time.Minute

// isExport reports whether r asks for a CSV download.
func isExport(r *http.Request) bool {
	return r.Method == http.MethodGet && (r.URL.Query().Get("format") == "csv" || strings.HasSuffix(r.URL.Path, ".csv"))
}

// limitBody caps request bodies; a larger body fails form parsing with 413.
func limitBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Body = http.MaxBytesReader(w, r.Body, n)
			next.ServeHTTP(w, r)
		})
	}
}

// Session keys.
const (
	sessUserID     = "user_id"
	sessGeneration = "generation"
	sessSeen       = "seen" // when the session last made a request
	sessFlash      = "flash"
	sessFlashKind  = "flash_kind"
)

// loadUser reads the signed-in user from the database on every request, so
// deactivation, role and location changes apply at once. A session whose
// user is gone, inactive or signed out everywhere is destroyed.
func (s *Server) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := s.Sessions.GetInt64(ctx, sessUserID)
		if id == 0 {
			next.ServeHTTP(w, s.withChrome(r, nil, 0))
			return
		}
		u, unread, err := s.Store.Viewer(ctx, id, wantsBell(r))
		switch {
		case procure.KindOf(err) == procure.KindNotFound:
		case err != nil:
			s.fail(w, r, err)
			return
		case u.Active && u.Generation == s.Sessions.GetInt64(ctx, sessGeneration) && s.touch(ctx):
			if info, ok := ctx.Value(logInfoKey).(*logInfo); ok {
				info.userID = u.ID
			}
			r = r.WithContext(context.WithValue(ctx, userKey, u))
			next.ServeHTTP(w, s.withChrome(r, &u, unread))
			return
		}
		if err := s.Sessions.Destroy(ctx); err != nil {
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, s.withChrome(r, nil, 0))
	})
}

// touch enforces the idle timeout: false when the session has been idle too
// long. It records activity at most once a minute, so a signed-in page view
// does not rewrite the session row every time.
func (s *Server) touch(ctx context.Context) bool {
	now := s.Now()
	seen := time.Unix(s.Sessions.GetInt64(ctx, sessSeen), 0) // Unix seconds: gob needs no registration
	if now.Sub(seen) > s.Options.SessionIdle {
		return false
	}
	if now.Sub(seen) > time.Minute {
		s.Sessions.Put(ctx, sessSeen, now.Unix())
	}
	return true
}

// withChrome puts what the page shell shows into the context, taking the
// one-time flash message out of the session.
// unread is the bell's count, read with the user when wantsBell.
func (s *Server) withChrome(r *http.Request, u *procure.User, unread int) *http.Request {
	ctx := r.Context()
	c := layout.Chrome{Assets: s.Assets, Path: r.URL.Path, Unread: unread}
	if u != nil {
		c.Viewer = &layout.Viewer{ID: u.ID, Name: u.Name, Email: u.Email, Roles: u.Roles}
	}
	if r.Method == http.MethodGet && r.Header.Get("HX-Request") == "" {
		if msg := s.Sessions.PopString(ctx, sessFlash); msg != "" {
			c.Flash = layout.Flash{Kind: s.Sessions.PopString(ctx, sessFlashKind), Text: msg}
		}
	}
	return r.WithContext(layout.WithChrome(ctx, c))
}

// wantsBell says whether the response is a full page, whose shell shows
// the bell with the count of unread notifications.
func wantsBell(r *http.Request) bool {
	return r.Method == http.MethodGet && r.Header.Get("HX-Request") == "" && !isExport(r)
}

// currentUser is the signed-in user; only call it behind requireSignIn.
func currentUser(r *http.Request) procure.User {
	u, _ := r.Context().Value(userKey).(procure.User)
	return u
}

func signedIn(r *http.Request) bool {
	_, ok := r.Context().Value(userKey).(procure.User)
	return ok
}

// requireSignIn sends anonymous visitors to the sign-in page, remembering
// where they wanted to go (GET only).
func (s *Server) requireSignIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if signedIn(r) {
			next.ServeHTTP(w, r)
			return
		}
		target := "/login"
		if r.Method == http.MethodGet && r.URL.Path != "/" {
			target += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		if r.Header.Get("HX-Request") != "" {
			w.Header().Set("HX-Redirect", target)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
	})
}

// requireRole refuses users without any of roles with 403, and logs the
// attempt (ASVS 16.3.2).
func (s *Server) requireRole(roles ...procure.Role) func(http.Handler) http.Handler {
	var names []string
	for _, r := range roles {
		names = append(names, r.People())
	}
	msg := "This page is for " + strings.Join(names, " or ") + ". An owner can give you the role if you need it."
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u := currentUser(r)
			if !u.Has(roles...) {
				s.Log.WarnContext(r.Context(), "authorisation refused", "user_id", u.ID, "path", r.URL.Path,
					"method", r.Method, "req_id", procure.RequestID(r.Context()))
				s.fail(w, r, procure.Errorf(procure.KindForbidden, "%s", msg))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// clientIP is the address of the client: the connection's peer, unless that
// peer is a trusted proxy, in which case the right-most X-Forwarded-For
// entry that is not a trusted proxy (clients cannot forge what our proxies
// append; ASVS 4.1.3).
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(peer) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !s.trusted(a) {
			return a.String()
		}
	}
	return host
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.Options.TrustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

func levelFor(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}
