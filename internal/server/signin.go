package server

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/web/account"
)

// Sign-in throttling (ASVS 2.4.1, 6.3.1): five failures for one email within
// 15 minutes lock that email for 15 minutes, whether or not an account has
// it; thirty from one address lock the address. From the third failure on,
// each answer is slowed. Counts live in Postgres, shared by all instances.
var (
	emailThrottle = store.LoginThrottle{Limit: 5, Window: 15 * time.Minute, Lockout: 15 * time.Minute}
	ipThrottle    = store.LoginThrottle{Limit: 30, Window: 15 * time.Minute, Lockout: 15 * time.Minute}
)

const wrongCredentials = "The email or password is not right, or the account is not active."

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if signedIn(r) {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	return render(w, r, http.StatusOK, account.LoginPage(account.LoginProps{Next: safeNext(r.URL.Query().Get("next"))}))
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	email := procure.NormalizeEmail(f.str("email"))
	password := f.raw("password")
	next := safeNext(f.str("next"))
	again := func(status int, msg string) error {
		return render(w, r, status, account.LoginPage(account.LoginProps{Email: email, Next: next, Error: msg}))
	}
	if f.err() != nil || email == "" || password == "" {
		return again(http.StatusUnprocessableEntity, "Enter your email and password.")
	}
	ctx := r.Context()
	ip := s.clientIP(r)
	keys := []string{"email:" + email, "ip:" + ip}
	until, err := s.Store.LoginLockedUntil(ctx, keys)
	if err != nil {
		return err
	}
	if !until.IsZero() {
		mins := int(time.Until(until).Minutes()) + 1
		s.Log.WarnContext(ctx, "sign-in refused: locked", "ip", ip, "req_id", procure.RequestID(ctx))
		w.Header().Set("Retry-After", fmt.Sprint(mins*60))
		return again(http.StatusTooManyRequests, fmt.Sprintf("Too many failed sign-ins. Try again in %d minutes.", mins))
	}
	u, hash, err := s.Store.UserCredentials(ctx, email)
	if err != nil && procure.KindOf(err) != procure.KindNotFound {
		return err
	}
	ok, err := s.Hasher.Check(ctx, password, hash) // hash "" (unknown email) still costs one argon2id run
	if err != nil {
		return err
	}
	if !ok || !u.Active {
		failures, err := s.Store.RecordLoginFailure(ctx, keys, []store.LoginThrottle{emailThrottle, ipThrottle})
		if err != nil {
			return err
		}
		if err := s.Store.RecordSignIn(ctx, u.ID, false, email, ip); err != nil {
			return err
		}
		s.Log.InfoContext(ctx, "sign-in failed", "ip", ip, "failures", failures, "req_id", procure.RequestID(ctx))
		if failures >= 3 { // slow down guessing before the lock
			select {
			case <-time.After(time.Duration(min(failures, 8)) * 250 * time.Millisecond):
			case <-ctx.Done():
			}
		}
		return again(http.StatusUnauthorized, wrongCredentials)
	}
	if err := s.Store.ClearLoginFailures(ctx, keys); err != nil {
		return err
	}
	// A new token at sign-in defeats session fixation (ASVS 7.2.4).
	if err := s.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.Sessions.Put(ctx, sessUserID, u.ID)
	s.Sessions.Put(ctx, sessGeneration, u.Generation)
	s.Sessions.Put(ctx, sessSeen, s.Now().Unix())
	if err := s.Store.RecordSignIn(ctx, u.ID, true, email, ip); err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.Sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// safeNext keeps a post-sign-in redirect on this site: a path starting with
// one "/" (not "//" or "/\", which browsers treat as another host; ASVS
// 3.7.2). Anything else goes home.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n\t") || strings.HasPrefix(next, "/login") {
		return "/"
	}
	return next
}
