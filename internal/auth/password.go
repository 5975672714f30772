// Package auth owns passwords (argon2id hashing, the password policy) and
// the sign-in throttling policy. The throttle counters live in Postgres
// (store), so they hold across app instances.
//
// Imports: procure, stdlib, argon2id.
package auth

import (
	"bufio"
	"context"
	_ "embed"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
)

// Params are the argon2id parameters: OWASP's minimum (m=19 MiB, t=2, p=1),
// about 80 ms per hash on this machine.
var Params = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// MinLength and MaxLength bound passwords in characters. Long passphrases
// and any Unicode are welcome (ASVS 6.2.9); the maximum only stops abuse.
const (
	MinLength = 8
	MaxLength = 256
)

//go:embed common-passwords.txt
var commonList string

// Hasher hashes and checks passwords, with at most a few hashes running at
// once: argon2id takes 19 MiB each, and a burst of sign-ins must not exhaust
// memory or CPU.
type Hasher struct {
	slots chan struct{}
	dummy string
	weak  map[string]bool
}

// NewHasher prepares a Hasher. It hashes a random password once, so that
// checking an unknown email costs as much as checking a known one.
func NewHasher() (*Hasher, error) {
	h := &Hasher{slots: make(chan struct{}, max(2, runtime.NumCPU())), weak: map[string]bool{}}
	sc := bufio.NewScanner(strings.NewReader(commonList))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			h.weak[strings.ToLower(line)] = true
		}
	}
	dummy, err := argon2id.CreateHash("not a real password: equalises sign-in timing", Params)
	if err != nil {
		return nil, fmt.Errorf("auth: dummy hash: %w", err)
	}
	h.dummy = dummy
	return h, nil
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns the argon2id hash of password.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return argon2id.CreateHash(password, Params)
}

// Check reports whether password matches hash. An empty hash (unknown user)
// is checked against a dummy, so the answer takes the same time either way
// (WSTG-BUSL-04).
func (h *Hasher) Check(ctx context.Context, password, hash string) (bool, error) {
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	if hash == "" {
		_, _ = argon2id.ComparePasswordAndHash(password, h.dummy)
		return false, nil
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil {
		return false, fmt.Errorf("auth: check password: %w", err)
	}
	return ok, nil
}

// Policy checks a new password and returns a sentence saying what is wrong,
// or "" when it is acceptable. email and name are the account's, which the
// password must not equal.
func (h *Hasher) Policy(password, email, name string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return "The password is not valid text."
	case n < MinLength:
		return fmt.Sprintf("Use at least %d characters.", MinLength)
	case n > MaxLength:
		return fmt.Sprintf("Use at most %d characters.", MaxLength)
	}
	lower := strings.ToLower(password)
	if h.weak[lower] || h.weak[strings.TrimRight(lower, "!1")] {
		return "This is one of the most common passwords; choose something less guessable."
	}
	if lower == strings.ToLower(email) || lower == strings.ToLower(strings.ReplaceAll(name, " ", "")) ||
		(strings.Contains(email, "@") && lower == strings.ToLower(email[:strings.Index(email, "@")])) {
		return "Do not use your email address or name."
	}
	if first, _ := utf8.DecodeRuneInString(password); strings.Count(password, string(first)) == n {
		return "Do not repeat one character."
	}
	return ""
}
