package vote

import (
	"context"
	"crypto/rand"
	"io"
	"strconv"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/seal"
)

// The key ceremony of a campaign's sealed ballot box. An agent names the trustees (accounts,
// who receive the trustee role on the campaign) and the threshold k; the box's key pair is
// made in memory, its private key split into one share per trustee, and only the public key
// and the commitments are stored. The shares are returned once, to be handed over in the
// same sitting; they are in no row, log line or audit entry.

// Box sizes: at least two trustees (one alone would hold the key), at most MaxTrustees.
const (
	MinTrustees = 2
	MaxTrustees = 20
)

// SealInput is a key ceremony: the campaign, the trustees' addresses (in the order of their
// shares) and how many of them rebuild the key.
type SealInput struct {
	Campaign *campaign.Campaign
	Trustees []string
	K        int
	// Rand is the source of the key's randomness: crypto/rand when nil. Only the platform
	// may set it (the demo, whose boxes are made from a known seed so that it can print and
	// use its trustees' shares at every start without storing them).
	Rand io.Reader
}

// Ceremony is what a key ceremony returns: the stored box and the shares, Shares[i] for the
// trustee Trustees[i], each given once.
type Ceremony struct {
	Box      *SealedBox
	Trustees []*access.Account
	Shares   []string
}

// SealBox runs the key ceremony of c's ballot box (agents), once, before the vote opens. As a
// vote opens only into a sealed box, a ceremony held late, within the vote's dates, opens the
// vote then, provided no ballot was ever written in clear (Conflict "box.ballots_cast").
// Faults of the input are field errors on "trustees" and "k"; a vote closed or without dates
// ("box.too_late"), or a box already sealed, an apperr Conflict. Nothing is stored then.
func SealBox(ctx context.Context, env change.Env, who change.Who, in SealInput) (*Ceremony, error) {
	c := in.Campaign
	if in.Rand != nil && !who.IsSystem() {
		return nil, apperr.New(apperr.Forbidden, "error.forbidden")
	}
	if w, ok := c.Window(campaign.PhaseVote); !ok || !env.Now().Before(w.End) {
		return nil, apperr.New(apperr.Conflict, "box.too_late")
	}
	var out *Ceremony
	_, err := change.Do(ctx, env, change.Request{
		Who: who, Permission: access.PermManageCampaigns, Campaign: c, Action: "vote.seal", EntityKind: "campaign",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if _, err := SealedBoxOf(ctx, tx, c.ID); err == nil {
				return change.Outcome{}, apperr.New(apperr.Conflict, "box.exists")
			} else if !apperr.IsKind(err, apperr.NotFound) {
				return change.Outcome{}, err
			}
			if n, err := VoterCount(ctx, tx, c.ID); err != nil || n > 0 {
				if err == nil {
					err = apperr.New(apperr.Conflict, "box.ballots_cast")
				}
				return change.Outcome{}, err
			}
			trustees, err := trusteeAccounts(ctx, tx, in)
			if err != nil {
				return change.Outcome{}, err
			}
			rnd := in.Rand
			if rnd == nil {
				rnd = rand.Reader
			}
			pub, shares, err := seal.Ceremony(rnd, in.K, len(trustees))
			if err != nil {
				return change.Outcome{}, err
			}
			b := &SealedBox{CampaignID: c.ID, K: pub.K, N: pub.N, PublicKey: pub.PublicKey,
				Commitments: pub.Commitments, SealedAt: env.Now()}
			ids := make([]int64, len(trustees))
			for i, a := range trustees {
				ids[i] = a.ID
				b.Trustees = append(b.Trustees, a.ID)
				if err := account.GrantRole(ctx, tx, a.ID, access.Trustee, &c.ID, env.Now()); err != nil {
					return change.Outcome{}, err
				}
			}
			if err := insertSealedBox(ctx, tx, b); err != nil {
				return change.Outcome{}, err
			}
			tx.Changed(BoxTopic, c.ID)
			out = &Ceremony{Box: b, Trustees: trustees, Shares: shares}
			return change.Outcome{EntityID: strconv.FormatInt(c.ID, 10), After: map[string]any{
				"box": pub.ID(), "k": b.K, "n": b.N, "trustees": ids}}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// trusteeAccounts checks the ceremony's input and finds the trustees' accounts, in order.
func trusteeAccounts(ctx context.Context, q db.Querier, in SealInput) ([]*access.Account, error) {
	fe := apperr.FieldErrors{}
	n := len(in.Trustees)
	switch {
	case n < MinTrustees:
		fe.Add("trustees", "box.trustees_too_few", MinTrustees)
	case n > MaxTrustees:
		fe.Add("trustees", "box.trustees_too_many", MaxTrustees)
	case in.K < 2 || in.K > n:
		fe.Add("k", "box.k_range", n)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	out := make([]*access.Account, 0, n)
	for _, email := range in.Trustees {
		a, err := account.ByEmail(ctx, q, email)
		if apperr.IsKind(err, apperr.NotFound) {
			fe.Add("trustees", "box.trustee_unknown", email)
			return nil, fe.Err()
		}
		if err != nil {
			return nil, err
		}
		if a.Disabled {
			fe.Add("trustees", "box.trustee_disabled", a.Email)
			return nil, fe.Err()
		}
		if seen[a.ID] {
			fe.Add("trustees", "box.trustee_twice", a.Email)
			return nil, fe.Err()
		}
		seen[a.ID] = true
		out = append(out, a)
	}
	return out, nil
}
