// Package app holds the flows that span aggregates, each inside one
// store transaction: importing a price list (items + prices, all or
// nothing), submitting a cart, reviewing off-contract lines, receiving goods
// and recording invoices. Time comes from an injected clock.
//
// Imports: procure, money, pricing, store. Never server or web.
package app

import (
	"time"

	"github.com/procure-app/procure/internal/store"
)

// App runs the flows.
type App struct {
	Store *store.Store
	Now   func() time.Time
	Zone  *time.Location // which calendar day "today" is
	// Email: notifications also queue an email (SMTP is configured).
	Email bool

	cands  *candidateCache // for submissions; nil: none (an App built without New)
	warmer candidateWarmer
}

// New builds an App.
func New(st *store.Store, now func() time.Time, zone *time.Location) *App {
	if now == nil {
		now = time.Now
	}
	if zone == nil {
		zone = time.UTC
	}
	return &App{Store: st, Now: now, Zone: zone, cands: newCandidateCache(maxCachedItems)}
}
