package vote

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strconv"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/seal"
)

// What a sealed box holds: each ballot of a group commit, sealed to the box's public key
// with the group's HPKE sender, in the group's (shuffled) order. The plaintext is the ballot
// as the box would have written it in clear: its receipt code and its choices.

// sealedBallot is the plaintext of a sealed ballot.
type sealedBallot struct {
	Receipt string `json:"r"`
	Choices string `json:"c"` // FormatChoices
}

// sealInfo binds a ciphertext to its campaign's box: a ciphertext copied into another
// campaign's box does not open.
func sealInfo(campaignID int64) []byte {
	return []byte("budgetcitoyen ballot box " + strconv.FormatInt(campaignID, 10))
}

// PublicBox is the part of a stored box that seals, and whose ID names the box.
func (b *SealedBox) PublicBox() seal.Box {
	return seal.Box{K: b.K, N: b.N, PublicKey: b.PublicKey, Commitments: b.Commitments}
}

// sealedGroup is one group's ciphertexts for one campaign, ready to insert.
type sealedGroup struct {
	campaignID int64
	id, enc    []byte
	ballots    [][]any // campaign_id, fingerprint, group_id, seq, ciphertext
	trackers   []string
}

// sealGroup seals ballots (each a receipt and its choices, in the order they are to be
// stored) for the box b of one campaign.
func sealGroup(b *SealedBox, ballots []sealedBallot) (*sealedGroup, error) {
	s, err := seal.NewGroupSealer(b.PublicBox(), sealInfo(b.CampaignID))
	if err != nil {
		return nil, fmt.Errorf("seal a group of ballots: %w", err)
	}
	g := &sealedGroup{campaignID: b.CampaignID, id: make([]byte, 16), enc: s.Enc()}
	_, _ = rand.Read(g.id) // crypto/rand.Read does not return errors
	for i, sb := range ballots {
		pt, err := json.Marshal(sb)
		if err != nil {
			return nil, err
		}
		ct, err := s.Seal(pt)
		if err != nil {
			return nil, fmt.Errorf("seal a ballot: %w", err)
		}
		fp := seal.Fingerprint(ct)
		g.ballots = append(g.ballots, []any{b.CampaignID, fp, g.id, int64(i), ct})
		g.trackers = append(g.trackers, fp)
	}
	return g, nil
}

// insert writes the group's key and ciphertexts.
func (g *sealedGroup) insert(ctx context.Context, q db.Querier) error {
	if _, err := q.ExecContext(ctx, "INSERT INTO vote_sealed_groups (campaign_id, id, enc) VALUES ($1, $2, $3)",
		g.campaignID, g.id, g.enc); err != nil {
		return fmt.Errorf("store a sealed group: %w", err)
	}
	return sealedInsert.Exec(ctx, q, g.ballots)
}

var sealedInsert = db.Batch{Table: "vote_sealed_ballots",
	Columns: []db.Column{campaignColumn, {Name: "fingerprint", PGType: "text"}, {Name: "group_id", PGType: "bytea"},
		{Name: "seq", PGType: "integer"}, {Name: "ciphertext", PGType: "bytea"}}}
