// Package demo seeds the demonstration organisation that `make run` serves:
// locations in two currencies, one user per role and office admins, and
// (as later areas arrive) vendors, items, contracts and orders. It writes
// through the store, so demo data obeys every rule real data does. It is
// idempotent: a database that already has the demo owner is left alone.
//
// Demo accounts exist only where seed-demo ran; never in production.
package demo

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/procure-app/procure/internal/auth"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
)

// Password is every demo user's password.
const Password = "procure-demo"

// Users are the demo sign-ins, as the README lists them.
var Users = []struct {
	Email, Name string
	Roles       []procure.Role
	Locations   []string // location codes
}{
	{"owner@demo.test", "Olivia Owner", []procure.Role{procure.RoleOwner}, nil},
	{"procurement@demo.test", "Paul Procurement", []procure.Role{procure.RoleProcurement}, nil},
	{"finance@demo.test", "Fiona Finance", []procure.Role{procure.RoleFinance}, nil},
	{"office@demo.test", "Oscar Office", []procure.Role{procure.RoleOrderer}, []string{"MUC", "LON"}},
	{"office.north@demo.test", "Nora North", []procure.Role{procure.RoleOrderer}, []string{"HAM"}},
}

// Locations are the demo sites: three in EUR, one in GBP.
var Locations = []procure.LocationInput{
	{Code: "MUC", Name: "Munich HQ", Currency: "EUR", Active: true, Address: "Goods receiving, Leopoldstraße 120\n80802 München\nGermany"},
	{Code: "BER", Name: "Berlin Office", Currency: "EUR", Active: true, Address: "Reception, Friedrichstraße 68\n10117 Berlin\nGermany"},
	{Code: "HAM", Name: "Hamburg North", Currency: "EUR", Active: true, Address: "Warehouse gate 2, Am Sandtorkai 40\n20457 Hamburg\nGermany"},
	{Code: "LON", Name: "London Office", Currency: "GBP", Active: true, Address: "Post room, 30 Finsbury Square\nLondon EC2A 1AG\nUnited Kingdom"},
}

// Seed creates the demo organisation unless it exists. Contract dates are
// relative to today, so "ending within 30 days" stays true whenever it runs.
func Seed(ctx context.Context, st *store.Store, hasher *auth.Hasher, log *slog.Logger, today pricing.Date) error {
	if _, _, err := st.UserCredentials(ctx, Users[0].Email); err == nil {
		log.Info("demo data already present")
		return nil
	} else if procure.KindOf(err) != procure.KindNotFound {
		return err
	}
	org, err := st.Organisation(ctx)
	if err != nil {
		return err
	}
	if err := st.UpdateOrganisation(ctx, 0, procure.OrganisationInput{Name: "Procure Demo GmbH",
		Address: "Leopoldstraße 120, 80802 München, Germany\nVAT DE123456789", Version: org.Version}); err != nil {
		return fmt.Errorf("demo: organisation: %w", err)
	}
	codes := map[string]int64{}
	for _, l := range Locations {
		id, err := st.CreateLocation(ctx, 0, l)
		if err != nil {
			return fmt.Errorf("demo: location %s: %w", l.Code, err)
		}
		codes[l.Code] = id
	}
	hash, err := hasher.Hash(ctx, Password)
	if err != nil {
		return err
	}
	ids := map[string]int64{}
	for _, u := range Users {
		in := procure.UserInput{Email: u.Email, Name: u.Name, Roles: u.Roles, Active: true}
		for _, c := range u.Locations {
			in.Locations = append(in.Locations, codes[c])
		}
		id, err := st.CreateUser(ctx, 0, in, hash)
		if err != nil {
			return fmt.Errorf("demo: user %s: %w", u.Email, err)
		}
		ids[u.Email] = id
	}
	if err := seedCatalog(ctx, st, today, codes, ids["procurement@demo.test"]); err != nil {
		return err
	}
	if err := seedActivity(ctx, st, today, ids); err != nil {
		return err
	}
	if err := seedService(ctx, st, today, ids); err != nil {
		return err
	}
	log.Info("demo data seeded", "users", len(Users), "locations", len(Locations), "vendors", len(demoVendors), "contracts", len(demoContracts))
	return nil
}
