package account

import (
	"context"
	"fmt"
	"sort"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
)

// checkGrant enforces where each role may be held: staff roles are global (an agent of one
// campaign does not exist), animators and committee members are appointed per campaign.
func checkGrant(role access.Role, campaignID *int64) error {
	if !role.Valid() {
		return apperr.New(apperr.Invalid, "account.role_unknown", string(role))
	}
	switch role.Scope() {
	case access.ScopeGlobal:
		if campaignID != nil {
			return apperr.New(apperr.Invalid, "account.role_global_only")
		}
	case access.ScopeCampaign:
		if campaignID == nil {
			return apperr.New(apperr.Invalid, "account.role_needs_campaign")
		}
	}
	return nil
}

// GrantRole gives role to the account, for campaignID or globally (nil). Granting a role the
// account already holds changes nothing and is not an error.
func GrantRole(ctx context.Context, q db.Querier, accountID int64, role access.Role, campaignID *int64, now time.Time) error {
	if err := checkGrant(role, campaignID); err != nil {
		return err
	}
	// No conflict target: the unique index is on an expression (COALESCE(campaign_id, 0)),
	// and a bare DO NOTHING covers it in both dialects.
	_, err := q.ExecContext(ctx,
		`INSERT INTO account_roles (account_id, role, campaign_id, granted_at) VALUES ($1, $2, $3, $4)
		 ON CONFLICT DO NOTHING`, accountID, string(role), campaignID, now.UTC())
	if err != nil {
		return fmt.Errorf("grant %s to account %d: %w", access.Grant{Role: role, CampaignID: campaignID}, accountID, err)
	}
	accountChanged(q, accountID)
	return nil
}

// RevokeRole takes role (for campaignID, or the global grant for nil) from the account.
// Revoking a role the account does not hold is not an error. A global grant is not touched
// by revoking a campaign grant, and the other way round.
func RevokeRole(ctx context.Context, q db.Querier, accountID int64, role access.Role, campaignID *int64) error {
	var err error
	if campaignID == nil {
		_, err = q.ExecContext(ctx,
			"DELETE FROM account_roles WHERE account_id = $1 AND role = $2 AND campaign_id IS NULL", accountID, string(role))
	} else {
		_, err = q.ExecContext(ctx,
			"DELETE FROM account_roles WHERE account_id = $1 AND role = $2 AND campaign_id = $3", accountID, string(role), *campaignID)
	}
	if err != nil {
		return fmt.Errorf("revoke %s from account %d: %w", access.Grant{Role: role, CampaignID: campaignID}, accountID, err)
	}
	accountChanged(q, accountID)
	return nil
}

// Grants lists the roles of an account, global ones first, in a stable order.
func Grants(ctx context.Context, q db.Querier, accountID int64) ([]access.Grant, error) {
	m, err := grantsOf(ctx, q, []int64{accountID})
	if err != nil {
		return nil, err
	}
	return m[accountID], nil
}

func loadGrants(ctx context.Context, q db.Querier, a *access.Account) error {
	g, err := Grants(ctx, q, a.ID)
	if err != nil {
		return err
	}
	a.Roles = g
	return nil
}

// grantsOf reads the grants of several accounts in one query.
func grantsOf(ctx context.Context, q db.Querier, ids []int64) (map[int64][]access.Grant, error) {
	out := map[int64][]access.Grant{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx,
		"SELECT account_id, role, campaign_id FROM account_roles WHERE account_id IN ("+db.Placeholders(1, len(ids))+")", args...)
	if err != nil {
		return nil, fmt.Errorf("read roles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id   int64
			role string
			cid  *int64
		)
		if err := rows.Scan(&id, &role, &cid); err != nil {
			return nil, fmt.Errorf("read roles: %w", err)
		}
		out[id] = append(out[id], access.Grant{Role: access.Role(role), CampaignID: cid})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read roles: %w", err)
	}
	for _, g := range out {
		sortGrants(g)
	}
	return out, nil
}

func roleRank(r access.Role) int {
	for i, x := range access.Roles {
		if x == r {
			return i
		}
	}
	return len(access.Roles)
}

// sortGrants orders grants global first, then by campaign, then by role.
func sortGrants(g []access.Grant) {
	sort.Slice(g, func(i, j int) bool {
		a, b := g[i], g[j]
		if (a.CampaignID == nil) != (b.CampaignID == nil) {
			return a.CampaignID == nil
		}
		if a.CampaignID != nil && *a.CampaignID != *b.CampaignID {
			return *a.CampaignID < *b.CampaignID
		}
		if ra, rb := roleRank(a.Role), roleRank(b.Role); ra != rb {
			return ra < rb
		}
		return a.Role < b.Role
	})
}
