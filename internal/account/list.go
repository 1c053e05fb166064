package account

import (
	"context"
	"fmt"
	"strings"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/db"
)

// ListFilter selects accounts for the administrators' list.
type ListFilter struct {
	// Search matches a part of the e-mail or of the display name, ignoring case.
	Search string
	// Role keeps accounts that hold this role (globally, or for CampaignID when set).
	Role access.Role
	// CampaignID, with Role, keeps the holders of Role for this campaign (a global grant
	// counts); without Role, the accounts holding any role in this campaign.
	CampaignID *int64
	// Disabled, when set, keeps only disabled (true) or enabled (false) accounts.
	Disabled *bool
	// Limit is the page size (default 50, at most 500); Offset skips that many accounts.
	Limit, Offset int
}

// Page sizes of List.
const (
	DefaultListLimit = 50
	MaxListLimit     = 500
)

// List returns the accounts that match f, with their roles, by creation order, and how many
// match in all (for paging).
func List(ctx context.Context, q db.Querier, f ListFilter) (accounts []access.Account, total int, err error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		// LOWER on both sides: LIKE ignores case in SQLite but not in PostgreSQL.
		p := arg("%" + escapeLike(strings.ToLower(s)) + "%")
		where = append(where, "(email LIKE "+p+` ESCAPE '\' OR LOWER(display_name) LIKE `+p+` ESCAPE '\')`)
	}
	switch {
	case f.Role != "" && f.CampaignID != nil:
		where = append(where, "EXISTS (SELECT 1 FROM account_roles r WHERE r.account_id = accounts.id AND r.role = "+
			arg(string(f.Role))+" AND (r.campaign_id IS NULL OR r.campaign_id = "+arg(*f.CampaignID)+"))")
	case f.Role != "":
		where = append(where, "EXISTS (SELECT 1 FROM account_roles r WHERE r.account_id = accounts.id AND r.role = "+
			arg(string(f.Role))+")")
	case f.CampaignID != nil:
		where = append(where, "EXISTS (SELECT 1 FROM account_roles r WHERE r.account_id = accounts.id AND r.campaign_id = "+
			arg(*f.CampaignID)+")")
	}
	if f.Disabled != nil {
		where = append(where, "disabled = "+arg(*f.Disabled))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM accounts"+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count accounts: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultListLimit
	}
	limit = min(limit, MaxListLimit)
	offset := max(f.Offset, 0)
	query := "SELECT " + accountColumns + " FROM accounts" + cond + " ORDER BY id LIMIT " + arg(limit) + " OFFSET " + arg(offset)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		a, _, err := scanAccount(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list accounts: %w", err)
		}
		accounts = append(accounts, *a)
		ids = append(ids, a.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list accounts: %w", err)
	}
	rows.Close() // free the connection before the next query (a Tx has only one)
	grants, err := grantsOf(ctx, q, ids)
	if err != nil {
		return nil, 0, err
	}
	for i := range accounts {
		accounts[i].Roles = grants[accounts[i].ID]
	}
	return accounts, total, nil
}

// escapeLike makes s match literally inside a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
