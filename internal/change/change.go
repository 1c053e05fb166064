// Package change is the one path of every state change on the platform: in one transaction
// it checks who acts (role), when (phase) and from what (current state, checked by the
// change itself), applies the change, appends the audit entry and queues the e-mails. Either
// all of it happens or none of it.
package change

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/mail"
)

// Env is what a change needs from the outside: the database and the clock.
type Env struct {
	DB  *db.DB
	Now func() time.Time
}

// Who is who makes a change: a person, or the system (the command line, the demo's seeding,
// the worker), which is not subject to the permission policy and is audited by its label.
type Who struct {
	Actor  access.Actor
	System string // "cli", "demo", "worker"; empty for a person
}

// By is a change made by a person (or a visitor).
func By(a access.Actor) Who { return Who{Actor: a} }

// System is a change made by the platform itself, audited as label.
func System(label string) Who { return Who{System: label} }

// IsSystem reports whether the change is made by the platform rather than a person.
func (w Who) IsSystem() bool { return w.System != "" }

// Campaign is what a change needs of the campaign it concerns. *campaign.Campaign and the
// value of its During method are ones; change does not import campaign, so that the
// campaign's own changes go through Do too.
type Campaign interface {
	// CampaignID is the campaign's id, 0 for none (a campaign being created).
	CampaignID() int64
	// OpenAt reports whether the change may be made at now: the phases it needs are open.
	OpenAt(now time.Time) bool
}

// Request describes one state change.
type Request struct {
	// Who acts: a person (their permission is checked) or the system (not checked).
	Who Who

	Permission access.Permission
	// Campaign is the campaign concerned (nil for changes outside campaigns) and when the
	// change is allowed: a *campaign.Campaign allows it any time, c.During(phases…) only
	// while one of the phases is open.
	Campaign Campaign

	Action     string // audit action, "area.verb"
	EntityKind string

	// Apply performs the change inside the transaction. It reads the current state, refuses
	// an illegal transition with an apperr.Conflict, writes the new state and returns what the
	// audit entry and the e-mails need.
	Apply func(ctx context.Context, tx *db.Tx) (Outcome, error)
}

// Outcome is what Apply reports.
type Outcome struct {
	EntityID      string
	Before, After any // states for the audit log (nil: none)
	Mails         []mail.Message
	// AccountsCreated is the number of accounts the change created, counted against the
	// client's limit (see mail.Take).
	AccountsCreated int
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
	if r.Campaign != nil && !r.Campaign.OpenAt(now) {
		return Outcome{}, apperr.New(apperr.Conflict, "change.phase_closed")
	}
	var out Outcome
	err := env.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if out, err = r.Apply(ctx, tx); err != nil {
			return err
		}
		if err := appendAudit(ctx, env.DB, tx, r, out, now); err != nil {
			return err
		}
		mails, err := limited(ctx, env.DB, tx, r.Who, out, now)
		if err != nil {
			return err
		}
		for _, m := range mails {
			if err := mail.Enqueue(ctx, tx, m, now); err != nil {
				return err
			}
		}
		out.Mails = mails
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

// limited returns the e-mails of the outcome that may be sent: to confirmed addresses only
// (confirmedOnly), within the limits on e-mails and accounts (mail.Take), which refuse the
// change past them. The e-mails a visitor asks for, and those a signed-in person asks for
// themselves, are asked by the client; those to other people are their notices.
func limited(ctx context.Context, d *db.DB, tx *db.Tx, who Who, out Outcome, now time.Time) ([]mail.Message, error) {
	mails, err := confirmedOnly(ctx, tx, out.Mails)
	if err != nil {
		return nil, err
	}
	ask := mail.Ask{Client: who.Actor.Client, Exempt: who.IsSystem() || who.Actor.Staff(), Accounts: out.AccountsCreated}
	var notices []int
	for i, m := range mails {
		if who.Actor.SignedIn() && !strings.EqualFold(m.To, who.Actor.Account.Email) {
			ask.Notify = append(ask.Notify, m.To)
			notices = append(notices, i)
		} else {
			ask.To = append(ask.To, m.To)
		}
	}
	v, err := mail.Take(ctx, d, tx, mail.DefaultLimits(), ask, now)
	if err != nil {
		return nil, err
	}
	drop := map[int]bool{}
	for j, i := range notices {
		drop[i] = v.Drop[j]
	}
	kept := mails[:0:0]
	for i, m := range mails {
		if !drop[i] {
			kept = append(kept, m)
		}
	}
	return kept, nil
}

// confirmedOnly leaves out the e-mails to an address not confirmed yet, but those that prove
// it (mail.Message.Proof): nothing else is sent to an address before its owner has shown
// that they receive the site's e-mails there.
func confirmedOnly(ctx context.Context, q db.Querier, mails []mail.Message) ([]mail.Message, error) {
	var out []mail.Message
	known := map[string]bool{}
	for _, m := range mails {
		ok, seen := known[m.To]
		if !seen && !m.Proof {
			var err error
			if ok, err = mail.Confirmed(ctx, q, m.To); err != nil {
				return nil, err
			}
			known[m.To] = ok
		}
		if m.Proof || ok {
			out = append(out, m)
		}
	}
	return out, nil
}

func authorize(r Request) error {
	if r.Who.IsSystem() {
		return nil
	}
	if access.Allowed(r.Who.Actor, r.Permission, campaignID(r)) {
		return nil
	}
	if !r.Who.Actor.SignedIn() {
		return apperr.New(apperr.Unauthenticated, "error.unauthenticated")
	}
	return apperr.New(apperr.Forbidden, "error.forbidden")
}

func appendAudit(ctx context.Context, d *db.DB, tx *db.Tx, r Request, out Outcome, now time.Time) error {
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
	case r.Who.IsSystem():
		e.Actor = r.Who.System
	case r.Who.Actor.SignedIn():
		// The id says who; the label stays neutral. An e-mail address here would be personal
		// data written into the hash chain, which no erasure could then remove without breaking
		// it; the audit page looks the person's current name up by the id instead.
		id := r.Who.Actor.ID()
		e.ActorID = &id
		e.Actor = audit.ActorAccount
	default:
		e.Actor = "visitor"
	}
	e.CampaignID = campaignID(r)
	_, err = audit.Append(ctx, d, tx, e)
	return err
}

// campaignID is the id of the campaign concerned, nil for none.
func campaignID(r Request) *int64 {
	if r.Campaign == nil {
		return nil
	}
	if id := r.Campaign.CampaignID(); id != 0 {
		return &id
	}
	return nil
}
