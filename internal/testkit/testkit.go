// Package testkit builds test fixtures through the store, so fixtures obey
// the same rules and follow schema changes. Test-only.
//
// Imports: store, procure, money, auth.
package testkit

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/procure-app/procure/internal/auth"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
)

// Password is every fixture user's password.
const Password = "correct horse battery"

var (
	hashOnce sync.Once
	hash     string
	hasher   *auth.Hasher
	hashErr  error
)

// Hasher is a shared auth.Hasher, and the hash of Password, computed once
// per test binary (argon2id is deliberately slow).
func Hasher(t testing.TB) (*auth.Hasher, string) {
	t.Helper()
	hashOnce.Do(func() {
		hasher, hashErr = auth.NewHasher()
		if hashErr == nil {
			hash, hashErr = hasher.Hash(context.Background(), Password)
		}
	})
	if hashErr != nil {
		t.Fatalf("testkit: hasher: %v", hashErr)
	}
	return hasher, hash
}

// Store wraps pool.
func Store(pool *pgxpool.Pool) *store.Store { return store.New(pool) }

// MustLocation creates an active location and returns its id.
func MustLocation(t testing.TB, st *store.Store, code, currency string) int64 {
	t.Helper()
	id, err := st.CreateLocation(context.Background(), 0, procure.LocationInput{Code: code, Name: code + " office", Currency: currency, Active: true})
	if err != nil {
		t.Fatalf("testkit: location %s: %v", code, err)
	}
	return id
}

// MustUser creates an active user with Password and returns it as loaded
// from the database.
func MustUser(t testing.TB, st *store.Store, email string, roles []procure.Role, locations ...int64) procure.User {
	t.Helper()
	_, h := Hasher(t)
	id, err := st.CreateUser(context.Background(), 0, procure.UserInput{
		Email: email, Name: nameFrom(email), Roles: roles, Locations: locations, Active: true,
	}, h)
	if err != nil {
		t.Fatalf("testkit: user %s: %v", email, err)
	}
	u, err := st.UserByID(context.Background(), id)
	if err != nil {
		t.Fatalf("testkit: reload user %s: %v", email, err)
	}
	return u
}

func nameFrom(email string) string {
	for i, c := range email {
		if c == '@' {
			return fmt.Sprintf("User %s", email[:i])
		}
	}
	return "User " + email
}

// Roles is a shorthand for a role list.
func Roles(rs ...procure.Role) []procure.Role { return rs }
