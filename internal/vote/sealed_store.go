package vote

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
)

// SealedBox is the public record of a campaign's sealed ballot box: the threshold, the
// public key, the commitments that check a returning share, and who holds which share. The
// private key and the shares are never stored.
type SealedBox struct {
	CampaignID  int64
	K, N        int
	PublicKey   []byte
	Commitments [][]byte
	Trustees    []int64 // account ids; Trustees[i] holds share i+1
	SealedAt    time.Time
	UnsealedAt  *time.Time
}

// Sealed reports whether the box holds ciphertexts only (not unsealed yet).
func (b *SealedBox) Sealed() bool { return b != nil && b.UnsealedAt == nil }

// ErrUnsealed refuses a vote whose window is open but whose box was never sealed: a vote
// opens only into a sealed box.
var ErrUnsealed = apperr.New(apperr.Conflict, "vote.unsealed")

// BoxSealed reports whether the campaign's box is sealed now (its ceremony done, not yet
// unsealed).
func BoxSealed(ctx context.Context, q db.Querier, campaignID int64) (bool, error) {
	b, err := SealedBoxOf(ctx, q, campaignID)
	if apperr.IsKind(err, apperr.NotFound) {
		return false, nil
	}
	return b.Sealed(), err
}

// boxReady reports whether a vote of the campaign may take ballots as far as its box goes:
// sealed, or the bench's clear ballots.
func (env Env) boxReady(ctx context.Context, q db.Querier, campaignID int64) (bool, error) {
	if env.ClearBallots {
		return true, nil
	}
	return BoxSealed(ctx, q, campaignID)
}

// SealedBoxOf reads the box of a campaign; apperr NotFound "box.none" when no ceremony took
// place.
func SealedBoxOf(ctx context.Context, q db.Querier, campaignID int64) (*SealedBox, error) {
	b := &SealedBox{CampaignID: campaignID}
	var commitments string
	var unsealed *time.Time
	err := q.QueryRowContext(ctx, `SELECT k, n, public_key, commitments, sealed_at, unsealed_at
		FROM vote_boxes WHERE campaign_id = $1`, campaignID).
		Scan(&b.K, &b.N, &b.PublicKey, &commitments, &b.SealedAt, &unsealed)
	if db.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "box.none")
	}
	if err != nil {
		return nil, fmt.Errorf("read the box of campaign %d: %w", campaignID, err)
	}
	if b.Commitments, err = decodeCommitments(commitments); err != nil {
		return nil, fmt.Errorf("read the box of campaign %d: %w", campaignID, err)
	}
	b.SealedAt = b.SealedAt.UTC()
	if unsealed != nil {
		t := unsealed.UTC()
		b.UnsealedAt = &t
	}
	rows, err := q.QueryContext(ctx, `SELECT account_id FROM vote_box_trustees WHERE campaign_id = $1
		ORDER BY share_index`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("read the trustees of campaign %d: %w", campaignID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read the trustees of campaign %d: %w", campaignID, err)
		}
		b.Trustees = append(b.Trustees, id)
	}
	return b, rows.Err()
}

// insertSealedBox stores the public record of a new box and its trustees.
func insertSealedBox(ctx context.Context, q db.Querier, b *SealedBox) error {
	commitments, err := encodeCommitments(b.Commitments)
	if err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO vote_boxes (campaign_id, k, n, public_key, commitments, sealed_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, b.CampaignID, b.K, b.N, b.PublicKey, commitments, b.SealedAt.UTC()); err != nil {
		return fmt.Errorf("store the box of campaign %d: %w", b.CampaignID, err)
	}
	for i, id := range b.Trustees {
		if _, err := q.ExecContext(ctx, `INSERT INTO vote_box_trustees (campaign_id, share_index, account_id)
			VALUES ($1, $2, $3)`, b.CampaignID, i+1, id); err != nil {
			return fmt.Errorf("store the trustees of campaign %d: %w", b.CampaignID, err)
		}
	}
	return nil
}

// encodeCommitments writes the commitments as a JSON list of base64 strings.
func encodeCommitments(cs [][]byte) (string, error) {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = base64.StdEncoding.EncodeToString(c)
	}
	b, err := json.Marshal(out)
	return string(b), err
}

func decodeCommitments(s string) ([][]byte, error) {
	var in []string
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("commitments: %w", err)
	}
	out := make([][]byte, len(in))
	for i, c := range in {
		b, err := base64.StdEncoding.DecodeString(c)
		if err != nil {
			return nil, fmt.Errorf("commitment %d: %w", i, err)
		}
		out[i] = b
	}
	return out, nil
}

// SealedBallotCount is how many ballots a campaign's sealed box holds (their trackers stay
// after the unsealing).
func SealedBallotCount(ctx context.Context, q db.Querier, campaignID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM vote_sealed_ballots WHERE campaign_id = $1", campaignID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count the sealed ballots of campaign %d: %w", campaignID, err)
	}
	return n, nil
}
