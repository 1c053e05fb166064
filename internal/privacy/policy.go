// Package privacy holds how long the platform keeps each kind of personal data, applies it
// (Purge: the worker every night, "budgetcitoyen purge" by hand) and describes it: the
// durations on the personal-data page and the processing register (registre des
// traitements) are generated from the same settings, so what the site says is what it does.
//
// Durations are site-wide (sessions, throttling records, unverified addresses, sent
// e-mails, server logs) or per campaign (the voter register's identities, which the count
// and a possible dispute need until some time after the vote closes).
package privacy

import (
	"time"

	"budgetcitoyen/internal/apperr"
)

// Site holds the site-wide durations and who answers for the processing.
type Site struct {
	// ThrottleHours: records of failed sign-ins and of e-mails asked (client address,
	// hashed recipient). At least LockMemoryHours: the lock-out reads that far back.
	ThrottleHours int
	// UnverifiedDays: an account whose address was never confirmed, and the address of an
	// invitation that ended, are erased this many days after their creation or end.
	UnverifiedDays int
	// OutboxDays: an e-mail's row (address and subject; a sent e-mail keeps no body) is
	// deleted this many days after it was queued.
	OutboxDays int
	// LogDays: how long the host keeps the server's logs (client addresses). The platform
	// writes its logs to its standard output and cannot erase them: this duration is the
	// host's commitment, stated on the pages, not applied by Purge.
	LogDays int
	// Controller is the body responsible for the processing (responsable de traitement) and
	// DPOContact how to reach its data-protection officer; empty: the pages name the
	// campaigns' organisers and contact addresses instead.
	Controller string
	DPOContact string
}

// Campaign holds a campaign's own durations.
type Campaign struct {
	// VoterDays: the voter register's identities (commune, birth date, the keyed hash that
	// stops a second ballot, the census list) are erased this many days after the vote
	// closes. The participation register keeps its rows, without the hash, so the count holds.
	VoterDays int
}

// Fixed durations, set by the platform's security rather than by configuration.
const (
	// SessionHours is a session's lifetime (see internal/web/session.go); expired sessions
	// are deleted.
	SessionHours = 12
	// LockMemoryHours is how far back the sign-in lock-out counts failures
	// (account.FailureMemory).
	LockMemoryHours = 24
)

// Limits on the configurable durations.
const (
	maxDays  = 3650
	maxHours = 24 * 366
	maxText  = 300
)

// DefaultSite applies while administrators have saved nothing.
var DefaultSite = Site{ThrottleHours: LockMemoryHours, UnverifiedDays: 30, OutboxDays: 30, LogDays: 180}

// DefaultCampaign applies to a campaign whose agents have saved nothing: a little over the
// two months in which the results may be contested before a court, counted from the close.
var DefaultCampaign = Campaign{VoterDays: 90}

// Validate refuses durations out of range: an apperr Invalid with the message of each field
// (form names: throttle_hours, unverified_days, outbox_days, log_days, controller,
// dpo_contact).
func (s Site) Validate() error {
	f := apperr.FieldErrors{}
	if s.ThrottleHours < LockMemoryHours || s.ThrottleHours > maxHours {
		f.Add("throttle_hours", "privacy.invalid.hours", LockMemoryHours, maxHours)
	}
	for name, v := range map[string]int{"unverified_days": s.UnverifiedDays, "outbox_days": s.OutboxDays, "log_days": s.LogDays} {
		if v < 1 || v > maxDays {
			f.Add(name, "privacy.invalid.days", maxDays)
		}
	}
	if len(s.Controller) > maxText {
		f.Add("controller", "privacy.invalid.text", maxText)
	}
	if len(s.DPOContact) > maxText {
		f.Add("dpo_contact", "privacy.invalid.text", maxText)
	}
	return f.Err()
}

// Validate refuses durations out of range (form name: voter_days).
func (c Campaign) Validate() error {
	f := apperr.FieldErrors{}
	if c.VoterDays < 1 || c.VoterDays > maxDays {
		f.Add("voter_days", "privacy.invalid.days", maxDays)
	}
	return f.Err()
}

// Cutoffs are the instants before which each kind of data goes, for a purge at now.
type Cutoffs struct {
	Sessions, Throttle, Unverified, Outbox time.Time
}

// CutoffsAt computes the cut-offs of s at now.
func (s Site) CutoffsAt(now time.Time) Cutoffs {
	return Cutoffs{
		Sessions:   now,
		Throttle:   now.Add(-time.Duration(s.ThrottleHours) * time.Hour),
		Unverified: now.AddDate(0, 0, -s.UnverifiedDays),
		Outbox:     now.AddDate(0, 0, -s.OutboxDays),
	}
}

// VotersDue reports whether a vote that closed at closed has kept its voter register
// identities long enough at now.
func (c Campaign) VotersDue(closed, now time.Time) bool {
	return !now.Before(closed.AddDate(0, 0, c.VoterDays))
}
