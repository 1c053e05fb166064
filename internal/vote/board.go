package vote

import (
	"context"
	"fmt"
	"slices"

	"budgetcitoyen/internal/db"
)

// The public board of a campaign's ballot box: what anyone may read of it. The trackers are
// the fingerprints of the ciphertexts; each voter got theirs, and they stay after the
// unsealing, so that a voter can check that their ballot is in the box and anyone can check,
// by comparing copies of the list taken at different times, that none was removed.

// ID is the box's short public id (a hash of its public key).
func (b *SealedBox) ID() string { return b.PublicBox().ID() }

// TrusteeNames returns the display names of the box's trustees, in the order of their
// shares ("" for an account without one). Their addresses are not public.
func TrusteeNames(ctx context.Context, q db.Querier, campaignID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT a.display_name FROM vote_box_trustees t
		JOIN accounts a ON a.id = t.account_id WHERE t.campaign_id = $1 ORDER BY t.share_index`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("read the trustees of campaign %d: %w", campaignID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("read the trustees of campaign %d: %w", campaignID, err)
		}
		out = append(out, name)
	}
	return out, rows.Err()
}

// Trackers returns the trackers of the campaign's box in ascending byte order. They are
// random, so that order tells nothing of the order of casting.
func Trackers(ctx context.Context, q db.Querier, campaignID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT fingerprint FROM vote_sealed_ballots WHERE campaign_id = $1
		ORDER BY fingerprint`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("read the trackers of campaign %d: %w", campaignID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var fp string
		if err := rows.Scan(&fp); err != nil {
			return nil, fmt.Errorf("read the trackers of campaign %d: %w", campaignID, err)
		}
		out = append(out, fp)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the trackers of campaign %d: %w", campaignID, err)
	}
	// The index gives the order of the database's collation, which for lower-case hex is
	// byte order everywhere we know; the board's hash must not depend on it.
	if !slices.IsSorted(out) {
		slices.Sort(out)
	}
	return out, nil
}
