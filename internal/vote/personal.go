package vote

import (
	"context"
	"fmt"

	"budgetcitoyen/internal/db"
)

// Participation is what a person may read of their own part in a campaign's vote: the
// identity they declared (as the voter register holds it: commune, birth date, method, never
// the names, which are kept only as a keyed hash) and whether they voted. Never what: the
// ballot box holds no link to anyone, and the receipt is the voter's alone.
type Participation struct {
	CampaignID int64
	Commune    string
	BirthDate  Date
	Method     string
	Voted      bool
}

// ParticipationsOf lists the campaigns the account registered to vote in, by campaign id,
// with whether the person is in the participation register.
func ParticipationsOf(ctx context.Context, q db.Querier, accountID int64) ([]Participation, error) {
	rows, err := q.QueryContext(ctx, `SELECT v.campaign_id, v.commune, v.birth_date, v.method,
		(SELECT COUNT(*) FROM vote_participation p WHERE p.campaign_id = v.campaign_id AND p.person_key = v.person_key)
		FROM vote_voters v WHERE v.account_id = $1 ORDER BY v.campaign_id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("list the participations of account %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []Participation
	for rows.Next() {
		var p Participation
		var birth string
		var n int
		if err := rows.Scan(&p.CampaignID, &p.Commune, &birth, &p.Method, &n); err != nil {
			return nil, fmt.Errorf("list the participations of account %d: %w", accountID, err)
		}
		if p.BirthDate, err = ParseDate(birth); err != nil {
			return nil, err
		}
		p.Voted = n > 0
		out = append(out, p)
	}
	return out, rows.Err()
}

// ForgetVoter deletes the voter register rows of an account being deleted: they tie the
// account to the keyed hash of a person. The participation register keeps that hash, without
// any account, so the turnout holds and the same person cannot vote twice by declaring
// themselves again from a new account. It returns how many rows went.
func ForgetVoter(ctx context.Context, q db.Querier, accountID int64) (int64, error) {
	res, err := q.ExecContext(ctx, "DELETE FROM vote_voters WHERE account_id = $1", accountID)
	if err != nil {
		return 0, fmt.Errorf("forget voter %d: %w", accountID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("forget voter %d: %w", accountID, err)
	}
	return n, nil
}

// PendingTrusteeships counts the sealed ballot boxes not unsealed yet of which the account
// holds a share: the count of those votes needs it, so the account may not be deleted
// before.
func PendingTrusteeships(ctx context.Context, q db.Querier, accountID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote_box_trustees t JOIN vote_boxes b ON b.campaign_id = t.campaign_id
		WHERE t.account_id = $1 AND b.unsealed_at IS NULL`, accountID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count the trusteeships of account %d: %w", accountID, err)
	}
	return n, nil
}
