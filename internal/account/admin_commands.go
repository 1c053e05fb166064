package account

import (
	"context"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
)

// The commands of the administrators (and of the platform itself: the command line, the
// demo) on the accounts of others: add an account, grant and revoke roles, disable and
// enable an account.

// AddInput is an account made by an administrator or the platform: its address, name,
// password (empty: it signs in with codes) and roles.
type AddInput struct {
	Email, Name, Password string
	Grants                []access.Grant
}

// Add creates an account with its roles. Its address counts as verified: whoever adds it
// knows the person. Invalid input and an address already used are field errors on "email",
// "display_name" and "password"; a role that cannot be held so, or for a campaign that does
// not exist, is an apperr Invalid. Nothing is saved then.
func Add(ctx context.Context, env Env, who change.Who, in AddInput) (*access.Account, error) {
	var acc *access.Account
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermManageAccounts, Action: "account.create", EntityKind: "account",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			now := env.Change.Now()
			a, err := CreateWithPassword(ctx, tx, env.Passwords, in.Email, in.Name, in.Password, now)
			if err != nil {
				return change.Outcome{}, err
			}
			if err := MarkVerified(ctx, tx, a.ID, now); err != nil {
				return change.Outcome{}, err
			}
			for _, g := range in.Grants {
				if err := checkCampaign(ctx, tx, g.CampaignID); err != nil {
					return change.Outcome{}, err
				}
				if err := GrantRole(ctx, tx, a.ID, g.Role, g.CampaignID, now); err != nil {
					return change.Outcome{}, err
				}
			}
			if a.Roles, err = Grants(ctx, tx, a.ID); err != nil {
				return change.Outcome{}, err
			}
			t := now.UTC()
			a.EmailVerifiedAt = &t
			acc = a
			return change.Outcome{EntityID: entityID(a.ID),
				After: map[string]any{"roles": grantStrings(a.Roles)}}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return acc, nil
}

// checkCampaign refuses a grant for a campaign that does not exist.
func checkCampaign(ctx context.Context, q db.Querier, campaignID *int64) error {
	if campaignID == nil {
		return nil
	}
	_, err := campaign.ByID(ctx, q, *campaignID)
	if apperr.IsKind(err, apperr.NotFound) {
		return apperr.New(apperr.Invalid, "adminaccounts.error.campaign_unknown")
	}
	return err
}

// RoleInput names a role of an account: for one campaign, or for every campaign (nil).
type RoleInput struct {
	AccountID  int64
	Role       access.Role
	CampaignID *int64
}

// Grant gives a role to an account, for one campaign or for all (administrators only). A role
// the account already holds is an apperr Conflict; a role that cannot be held so, or for a
// campaign that does not exist, an apperr Invalid; an unknown account an apperr NotFound.
func Grant(ctx context.Context, env change.Env, who change.Who, in RoleInput) error {
	return changeRoles(ctx, env, who, "account.grant", in.AccountID, func(ctx context.Context, tx *db.Tx, a *access.Account) error {
		if err := checkCampaign(ctx, tx, in.CampaignID); err != nil {
			return err
		}
		if holds(a.Roles, in.Role, in.CampaignID) {
			return apperr.New(apperr.Conflict, "adminaccounts.error.already_held")
		}
		return GrantRole(ctx, tx, a.ID, in.Role, in.CampaignID, env.Now())
	})
}

// Revoke takes a role from an account (administrators only). A role the account does not hold
// is an apperr Conflict. An administrator cannot take their own administrator role: the
// platform could be left without anyone to give it back.
func Revoke(ctx context.Context, env change.Env, who change.Who, in RoleInput) error {
	return changeRoles(ctx, env, who, "account.revoke", in.AccountID, func(ctx context.Context, tx *db.Tx, a *access.Account) error {
		if !who.IsSystem() && a.ID == who.Actor.ID() && in.Role == access.Admin && in.CampaignID == nil {
			return apperr.New(apperr.Conflict, "adminaccounts.error.self_revoke_admin")
		}
		if !holds(a.Roles, in.Role, in.CampaignID) {
			return apperr.New(apperr.Conflict, "adminaccounts.error.not_held")
		}
		return RevokeRole(ctx, tx, a.ID, in.Role, in.CampaignID)
	})
}

// changeRoles makes a grant or a revocation of the account's roles; apply receives the account
// as it is in the transaction. The audit entry keeps the roles before and after.
func changeRoles(ctx context.Context, env change.Env, who change.Who, action string, accountID int64,
	apply func(ctx context.Context, tx *db.Tx, a *access.Account) error) error {
	_, err := change.Do(ctx, env, change.Request{
		Who: who, Permission: access.PermManageAccounts, Action: action, EntityKind: "account",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			a, err := ByID(ctx, tx, accountID)
			if err != nil {
				return change.Outcome{}, err
			}
			if err := refuseDeleted(ctx, tx, a.ID); err != nil {
				return change.Outcome{}, err
			}
			if err := apply(ctx, tx, a); err != nil {
				return change.Outcome{}, err
			}
			after, err := Grants(ctx, tx, accountID)
			if err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: entityID(accountID),
				Before: map[string]any{"roles": grantStrings(a.Roles)}, After: map[string]any{"roles": grantStrings(after)}}, nil
		},
	})
	return err
}

// grantStrings is how grants appear in the audit log ("animator@campaign:3").
func grantStrings(grants []access.Grant) []string {
	out := make([]string, len(grants))
	for i, g := range grants {
		out[i] = g.String()
	}
	return out
}

// holds reports whether grants has role for exactly this campaign (nil: the global grant).
func holds(grants []access.Grant, role access.Role, campaignID *int64) bool {
	for _, g := range grants {
		if g.Role == role && (g.CampaignID == nil) == (campaignID == nil) &&
			(g.CampaignID == nil || *g.CampaignID == *campaignID) {
			return true
		}
	}
	return false
}

// StatusInput disables an account, or enables it again.
type StatusInput struct {
	AccountID int64
	Disabled  bool
}

// SetStatus disables or re-enables an account (administrators only). A disabled account cannot
// sign in, and its open sessions stop signing it in at their next request. An administrator
// cannot disable their own account; disabling a disabled account, or enabling an enabled one,
// is an apperr Conflict.
func SetStatus(ctx context.Context, env change.Env, who change.Who, in StatusInput) error {
	action := "account.enable"
	if in.Disabled {
		action = "account.disable"
	}
	_, err := change.Do(ctx, env, change.Request{
		Who: who, Permission: access.PermManageAccounts, Action: action, EntityKind: "account",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			a, err := ByID(ctx, tx, in.AccountID)
			if err != nil {
				return change.Outcome{}, err
			}
			if err := refuseDeleted(ctx, tx, a.ID); err != nil {
				return change.Outcome{}, err
			}
			switch {
			case in.Disabled && !who.IsSystem() && a.ID == who.Actor.ID():
				return change.Outcome{}, apperr.New(apperr.Conflict, "adminaccounts.error.self_disable")
			case in.Disabled && a.Disabled:
				return change.Outcome{}, apperr.New(apperr.Conflict, "adminaccounts.error.already_disabled")
			case !in.Disabled && !a.Disabled:
				return change.Outcome{}, apperr.New(apperr.Conflict, "adminaccounts.error.already_enabled")
			}
			if err := SetDisabled(ctx, tx, a.ID, in.Disabled); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: entityID(a.ID),
				Before: map[string]any{"disabled": a.Disabled}, After: map[string]any{"disabled": in.Disabled}}, nil
		},
	})
	return err
}

// refuseDeleted is an apperr Conflict for an account its owner deleted: it stays, anonymised,
// for the records that point to it, but no one may give it roles or enable it again.
func refuseDeleted(ctx context.Context, q db.Querier, id int64) error {
	deleted, err := Deleted(ctx, q, id)
	if err != nil {
		return err
	}
	if deleted {
		return apperr.New(apperr.Conflict, "adminaccounts.error.deleted")
	}
	return nil
}
