package account

import (
	"context"
	"fmt"

	"budgetcitoyen/internal/db"
)

// Shown is an account as a page that names it shows it: its current name and address, and
// whether it was deleted. A deleted account is anonymised in place (its row stays, for the
// records that point to it, see Anonymise): deleted_at is set, the address becomes the
// placeholder DeletedEmail and the name is emptied.
type Shown struct {
	Name, Email string
	Deleted     bool
}

// ShownByID returns how the accounts of ids are shown, in one query (a page of the audit log
// names up to a hundred actors). An id of no account is left out of the map: the page shows
// it as deleted too.
func ShownByID(ctx context.Context, q db.Querier, ids []int64) (map[int64]Shown, error) {
	out := map[int64]Shown{}
	seen := map[int64]bool{}
	var args []any
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			args = append(args, id)
		}
	}
	if len(args) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, "SELECT id, email, display_name, deleted_at IS NOT NULL FROM accounts WHERE id IN ("+
		db.Placeholders(1, len(args))+")", args...)
	if err != nil {
		return nil, fmt.Errorf("read account names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var s Shown
		if err := rows.Scan(&id, &s.Email, &s.Name, &s.Deleted); err != nil {
			return nil, fmt.Errorf("read account names: %w", err)
		}
		if s.Deleted {
			s.Email = ""
		}
		out[id] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read account names: %w", err)
	}
	return out, nil
}
