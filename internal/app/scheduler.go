package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
)

// RunScheduled produces today's date-driven notifications: contracts that
// reached their renewal-notice date, contracts ending within 30 days, and
// milestones due. It is safe on several instances at once twice over: the
// run holds a transaction-scoped advisory lock (a second instance skips),
// and every notification carries a dedupe key naming its event (contract
// and end date, milestone), so a run repeated later adds nothing.
// It returns how many notifications it created (0 when another instance
// held the lock or everything due was already told).
func (a *App) RunScheduled(ctx context.Context) (int, error) {
	today := a.Today()
	created := 0
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		ok, err := tx.TryJobLock(ctx, "procure.scheduled-notifications")
		if err != nil || !ok {
			return err
		}
		contracts, err := tx.ContractsNearEnd(ctx, today.Time(), 30)
		if err != nil {
			return err
		}
		staff, err := tx.RoleMembers(ctx, procurementRoles) // read once for every contract below
		if err != nil {
			return err
		}
		for _, c := range contracts {
			end := pricing.DateOf(c.End)
			link := fmt.Sprintf("/contracts/%d", c.ID)
			notice := end.AddDays(-c.NoticeDays)
			if today >= notice {
				n := procure.NewNotification{At: a.Now(), Kind: procure.NotifyRenewalNotice,
					Title: fmt.Sprintf("%s: renewal notice date %s reached", c.Number, notice),
					Body:  fmt.Sprintf("%s ends on %s. Decide now whether to renew, renegotiate or let it end; a renewal can be drafted from the contract page.", c.Title, end),
					Link:  link, DedupeKey: fmt.Sprintf("contract:%d:renewal:%s", c.ID, end)}
				if err := tx.Notify(ctx, store.WithUsers(staff, c.OwnerID), n, a.Email); err != nil {
					return err
				}
			}
			if int(end-today) <= 30 {
				n := procure.NewNotification{At: a.Now(), Kind: procure.NotifyContractEnding,
					Title: fmt.Sprintf("%s ends on %s (in %d days)", c.Number, end, int(end-today)),
					Body:  c.Title, Link: link, DedupeKey: fmt.Sprintf("contract:%d:ending:%s", c.ID, end)}
				if err := tx.Notify(ctx, store.WithUsers(staff, c.OwnerID), n, a.Email); err != nil {
					return err
				}
			}
		}
		milestones, err := tx.MilestonesDue(ctx, today.Time())
		if err != nil {
			return err
		}
		for _, m := range milestones {
			n := procure.NewNotification{At: a.Now(), Kind: procure.NotifyMilestoneDue,
				Title: fmt.Sprintf("%s: milestone due %s", m.Number, pricing.DateOf(m.Due)), Body: m.Description,
				Link: fmt.Sprintf("/contracts/%d#milestones", m.ContractID), DedupeKey: fmt.Sprintf("milestone:%d:due", m.ID)}
			if err := tx.Notify(ctx, []int64{m.OwnerID}, n, a.Email); err != nil {
				return err
			}
		}
		created = tx.Notified()
		return nil
	})
	return created, err
}

// RunScheduler runs RunScheduled now and then every interval until ctx ends.
func (a *App) RunScheduler(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := a.RunScheduled(ctx); err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "scheduled notifications", "err", err)
		} else if n > 0 {
			log.InfoContext(ctx, "scheduled notifications", "created", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
