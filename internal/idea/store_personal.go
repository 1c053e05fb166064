package idea

import (
	"context"
	"fmt"

	"budgetcitoyen/internal/db"
)

// ByAuthor lists the ideas an account deposited, in every campaign, hidden ones included
// (the person's right of access covers them), oldest first.
func ByAuthor(ctx context.Context, q db.Querier, authorID int64) ([]Idea, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+columns+" FROM ideas WHERE author_id = $1 ORDER BY created_at, id", authorID)
	if err != nil {
		return nil, fmt.Errorf("list the ideas of account %d: %w", authorID, err)
	}
	defer rows.Close()
	var out []Idea
	for rows.Next() {
		i, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("list the ideas of account %d: %w", authorID, err)
		}
		out = append(out, *i)
	}
	return out, rows.Err()
}
