package account

import (
	"context"
	"fmt"
	"time"

	"budgetcitoyen/internal/db"
)

// TokensIssuedSince counts the tokens of purpose issued to the account at or after since,
// used or not. The code sign-in page asks it before sending another code, so that its form
// cannot be used to flood someone's mailbox.
func TokensIssuedSince(ctx context.Context, q db.Querier, accountID int64, purpose Purpose, since time.Time) (int, error) {
	var n int
	err := q.QueryRowContext(ctx,
		"SELECT COUNT(*) FROM account_tokens WHERE account_id = $1 AND purpose = $2 AND created_at >= $3",
		accountID, string(purpose), since.UTC()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count %s tokens of account %d: %w", purpose, accountID, err)
	}
	return n, nil
}
