package demo

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/seal"
	"budgetcitoyen/internal/vote"
)

// The sealed ballot boxes of the demo. Both current campaigns are sealed at seeding, with
// the three demo trustees and k = 2, before their votes open. A real box's shares exist only
// in the ceremony's answer; the demo makes its boxes from a known seed instead (its shares
// are public, like its passwords), so that it can print them at every start and unseal a
// box itself once its vote has closed, without storing them anywhere.

// TrusteeK is how many of the demo trustees' shares open a demo box.
const TrusteeK = 2

// trusteeEmails are the demo trustees, in the order of their shares.
func trusteeEmails(now time.Time) []string {
	var out []string
	for _, a := range Accounts(now) {
		if a.Role == access.Trustee {
			out = append(out, a.Email)
		}
	}
	return out
}

// boxRand is the known source of a demo box's key: a ChaCha8 stream seeded by the slug.
func boxRand(slug string) *rand.ChaCha8 {
	return rand.NewChaCha8(sha256.Sum256([]byte("budgetcitoyen demo box " + slug)))
}

// seedBoxes seals the boxes of the two current campaigns, each an hour before its vote
// opens (the ceremony's time).
func seedBoxes(ctx context.Context, d *db.DB, now time.Time) error {
	open, voting := Slugs(now)
	for _, slug := range []string{open, voting} {
		c, err := campaign.BySlug(ctx, d, slug)
		if err != nil {
			return err
		}
		w, ok := c.Window(campaign.PhaseVote)
		if !ok {
			continue
		}
		at := w.Start.Add(-time.Hour)
		env := change.Env{DB: d, Now: func() time.Time { return at }}
		_, err = vote.SealBox(ctx, env, change.System("demo"), vote.SealInput{Campaign: c, Trustees: trusteeEmails(now),
			K: TrusteeK, Rand: boxRand(slug)})
		if err != nil {
			return fmt.Errorf("demo box of %s: %w", slug, err)
		}
	}
	return nil
}

// Share is one demo trustee's share of a demo box, printed by the demo command.
type Share struct {
	Slug, Email, Share string
}

// Shares returns the shares of the demo boxes still sealed in d (none of a box that is not
// the demo's own, made from its seed).
func Shares(ctx context.Context, d *db.DB, now time.Time) ([]Share, error) {
	var out []Share
	open, voting := Slugs(now)
	for _, slug := range []string{open, voting} {
		shares, err := demoShares(ctx, d, slug, trusteeEmails(now))
		if err != nil {
			return nil, err
		}
		for i, s := range shares {
			out = append(out, Share{Slug: slug, Email: trusteeEmails(now)[i], Share: s})
		}
	}
	return out, nil
}

// demoShares makes the shares of the demo box of slug again, if its box is sealed and is the
// one the demo made.
func demoShares(ctx context.Context, d *db.DB, slug string, trustees []string) ([]string, error) {
	c, err := campaign.BySlug(ctx, d, slug)
	if apperr.IsKind(err, apperr.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	b, err := vote.SealedBoxOf(ctx, d, c.ID)
	if apperr.IsKind(err, apperr.NotFound) || err == nil && !b.Sealed() {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	box, shares, err := seal.Ceremony(boxRand(slug), TrusteeK, len(trustees))
	if err != nil {
		return nil, err
	}
	stored := b.PublicBox()
	if box.ID() != stored.ID() {
		return nil, nil
	}
	return shares, nil
}

// UnsealClosed unseals, with the demo trustees' shares, every demo box still sealed whose
// vote has closed at now, and returns the slugs of the campaigns it unsealed: a demo run at
// later dates then shows results.
func UnsealClosed(ctx context.Context, d *db.DB, now time.Time) ([]string, error) {
	var done []string
	open, voting := Slugs(now)
	for _, slug := range []string{open, voting} {
		c, err := campaign.BySlug(ctx, d, slug)
		if apperr.IsKind(err, apperr.NotFound) {
			continue
		}
		if err != nil {
			return done, err
		}
		if w, ok := c.Window(campaign.PhaseVote); !ok || now.Before(w.End) {
			continue
		}
		shares, err := demoShares(ctx, d, slug, trusteeEmails(now))
		if err != nil || len(shares) < TrusteeK {
			if err != nil {
				return done, err
			}
			continue
		}
		env := change.Env{DB: d, Now: func() time.Time { return now }}
		if _, err := vote.Unseal(ctx, env, change.System("demo"), vote.UnsealInput{Campaign: c, Shares: shares[:TrusteeK]}); err != nil {
			return done, fmt.Errorf("unseal the demo box of %s: %w", slug, err)
		}
		done = append(done, slug)
	}
	return done, nil
}
