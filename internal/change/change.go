// Package change is the one path of every state change on the platform: in one transaction
// it checks who acts (role), when (phase) and from what (current state, checked by the
// change itself), applies the change, appends the audit entry and queues the e-mails. Either
// all of it happens or none of it.
package change

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/mail"
)

// Env is what a change needs from the outside: the database and the clock.
type Env struct {
	DB  *db.DB
	Now func() time.Time
}

// Request describes one state change.
type Request struct {
	// Actor is who acts. System changes (command line, demo seeding, scheduled jobs) set
	// System instead: they skip the permission check and are audited as SystemLabel.
	Actor       account.Actor
	System      bool
	SystemLabel string // "cli", "demo", "worker"; default "system"

	Permission account.Permission
	Campaign   *campaign.Campaign // the campaign concerned; nil for changes outside campaigns
	// Phases: the change is allowed only while one of them is open; empty means any time.
	Phases []campaign.Phase

	Action     string // audit action, "area.verb"
	EntityKind string

	// Apply performs the change inside the transaction. It reads the current state, refuses
	// an illegal transition with an apperr.Conflict, writes the new state and returns what the
	// audit entry and the e-mails need.
	Apply func(ctx context.Context, tx *sql.Tx) (Outcome, error)
}

// Outcome is what Apply reports.
type Outcome struct {
	EntityID      string
	Before, After any // states for the audit log (nil: none)
	Mails         []mail.Message
}

// Do checks and applies r. The returned error is an apperr for anything the user can fix.
func Do(ctx context.Context, env Env, r Request) (Outcome, error) {
	if r.Apply == nil || r.Action == "" || r.EntityKind == "" {
		return Outcome{}, errors.New("change: request without Apply, Action or EntityKind")
	}
	if err := authorize(r); err != nil {
		return Outcome{}, err
	}
	now := env.Now()
	if len(r.Phases) > 0 && !anyOpen(r.Campaign, r.Phases, now) {
		return Outcome{}, apperr.New(apperr.Conflict, "change.phase_closed")
	}
	var out Outcome
	err := env.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if out, err = r.Apply(ctx, tx); err != nil {
			return err
		}
		if err := appendAudit(ctx, env.DB, tx, r, out, now); err != nil {
			return err
		}
		for _, m := range out.Mails {
			if err := mail.Enqueue(ctx, tx, m, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if _, ok := apperr.As(err); ok {
			return Outcome{}, err
		}
		return Outcome{}, fmt.Errorf("%s: %w", r.Action, err)
	}
	return out, nil
}

func authorize(r Request) error {
	if r.System {
		return nil
	}
	var cid *int64
	if r.Campaign != nil {
		cid = &r.Campaign.ID
	}
	if account.Allowed(r.Actor, r.Permission, cid) {
		return nil
	}
	if !r.Actor.SignedIn() {
		return apperr.New(apperr.Unauthenticated, "error.unauthenticated")
	}
	return apperr.New(apperr.Forbidden, "error.forbidden")
}

func anyOpen(c *campaign.Campaign, phases []campaign.Phase, now time.Time) bool {
	if c == nil {
		return false
	}
	for _, p := range phases {
		if c.IsOpen(p, now) {
			return true
		}
	}
	return false
}

func appendAudit(ctx context.Context, d *db.DB, tx *sql.Tx, r Request, out Outcome, now time.Time) error {
	before, err := audit.JSON(out.Before)
	if err != nil {
		return err
	}
	after, err := audit.JSON(out.After)
	if err != nil {
		return err
	}
	e := audit.Entry{At: now, Action: r.Action, EntityKind: r.EntityKind, EntityID: out.EntityID, Before: before, After: after}
	switch {
	case r.System:
		e.Actor = r.SystemLabel
		if e.Actor == "" {
			e.Actor = "system"
		}
	case r.Actor.SignedIn():
		id := r.Actor.ID()
		e.ActorID = &id
		e.Actor = r.Actor.Account.Email
	default:
		e.Actor = "visitor"
	}
	if r.Campaign != nil && r.Campaign.ID != 0 {
		id := r.Campaign.ID
		e.CampaignID = &id
	}
	_, err = audit.Append(ctx, d, tx, e)
	return err
}
