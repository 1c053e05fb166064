package review

import (
	"context"
	"strconv"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
)

// NewMember is what an agent types to add a member to the committee.
type NewMember struct {
	Email        string
	Name         string // for an account that does not exist yet
	Kind         Kind
	Organisation string
}

// ParseNewMember checks the form.
func ParseNewMember(email, name, kind, organisation string) (NewMember, apperr.FieldErrors) {
	fe := apperr.FieldErrors{}
	m := NewMember{Email: account.NormalizeEmail(email), Name: trimmed(name), Organisation: trimmed(organisation)}
	if key, ok := account.CheckEmail(m.Email); !ok {
		fe.Add("email", key)
	}
	k, ok := ParseKind(kind)
	if !ok {
		fe.Add("kind", "review.members.kind_required")
	}
	m.Kind = k
	checkLen(fe, "organisation", m.Organisation, 200)
	checkLen(fe, "name", m.Name, 120)
	return m, fe
}

// AddMember puts a person on the campaign's committee with their kind: an existing account,
// or a new one without password (it signs in with codes sent by e-mail; its address counts
// as confirmed), which gets the committee role for the campaign. It returns the account id.
func AddMember(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, nm NewMember) (int64, error) {
	var id int64
	r := request(who, c, dossier.Transition{Perm: access.PermManageDossiers}, "member_add", "account")
	r.Apply = func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
		now := env.Change.Now()
		created := false
		a, err := account.ByEmail(ctx, tx, nm.Email)
		if apperr.IsKind(err, apperr.NotFound) {
			if nm.Name == "" {
				fe := apperr.FieldErrors{}
				fe.Add("name", "review.members.name_required")
				return change.Outcome{}, fe.Err()
			}
			a, err = account.Create(ctx, tx, nm.Email, nm.Name, now)
			created = true
			if err == nil {
				// As for an account added by an administrator (account.Add), the address
				// counts as confirmed: whoever adds the member knows the person. The
				// committee's e-mails go only to confirmed addresses.
				err = account.MarkVerified(ctx, tx, a.ID, now)
			}
		}
		if err != nil {
			return change.Outcome{}, err
		}
		if err := account.GrantRole(ctx, tx, a.ID, access.Committee, &c.ID, now); err != nil {
			return change.Outcome{}, err
		}
		if err := PutMember(ctx, tx, &Member{CampaignID: c.ID, AccountID: a.ID, Kind: nm.Kind, Organisation: nm.Organisation}, now); err != nil {
			return change.Outcome{}, err
		}
		id = a.ID
		return change.Outcome{EntityID: strconv.FormatInt(a.ID, 10),
			After: map[string]any{"kind": nm.Kind, "organisation": nm.Organisation, "new_account": created}}, nil
	}
	_, err := change.Do(ctx, env.Change, r)
	return id, err
}

// DropMember takes a member off the committee and revokes the campaign's committee role;
// their assignments without a review handed in are removed.
func DropMember(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, accountID int64) error {
	r := request(who, c, dossier.Transition{Perm: access.PermManageDossiers}, "member_remove", "account")
	r.Apply = func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
		ok, err := IsMember(ctx, tx, c.ID, accountID)
		if err != nil {
			return change.Outcome{}, err
		}
		if !ok {
			return change.Outcome{}, apperr.New(apperr.NotFound, "review.assign.not_member")
		}
		if err := RemoveMember(ctx, tx, c.ID, accountID); err != nil {
			return change.Outcome{}, err
		}
		if err := account.RevokeRole(ctx, tx, accountID, access.Committee, &c.ID); err != nil {
			return change.Outcome{}, err
		}
		return change.Outcome{EntityID: strconv.FormatInt(accountID, 10), Before: map[string]any{"member": true},
			After: map[string]any{"member": false}}, nil
	}
	_, err := change.Do(ctx, env.Change, r)
	return err
}

// SaveSettings sets the number of reviewers per dossier. Audited.
func SaveSettings(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, n int) error {
	r := request(who, c, dossier.Transition{Perm: access.PermManageDossiers}, "settings", "campaign")
	r.Apply = func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
		old, err := MinReviewers(ctx, tx, c.ID)
		if err != nil {
			return change.Outcome{}, err
		}
		cur, err := SettingsOf(ctx, tx, c.ID)
		if err != nil {
			return change.Outcome{}, err
		}
		if n >= 1 && cur.Quorum > n {
			fe := apperr.FieldErrors{}
			fe.Add("min_reviewers", "committee.quorum.above_reviewers", n)
			return change.Outcome{}, fe.Err()
		}
		if err := SetMinReviewers(ctx, tx, c.ID, n, env.Change.Now()); err != nil {
			return change.Outcome{}, err
		}
		return change.Outcome{EntityID: strconv.FormatInt(c.ID, 10), Before: map[string]any{"min_reviewers": old},
			After: map[string]any{"min_reviewers": n}}, nil
	}
	_, err := change.Do(ctx, env.Change, r)
	return err
}

// SaveCriteria replaces a category's grid. Audited.
func SaveCriteria(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, categoryID int64, cs []Criterion) error {
	if _, ok := c.Category(categoryID); !ok {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	r := request(who, c, dossier.Transition{Perm: access.PermManageDossiers}, "criteria", "category")
	r.Apply = func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
		before, err := Criteria(ctx, tx, categoryID)
		if err != nil {
			return change.Outcome{}, err
		}
		if err := SetCriteria(ctx, tx, categoryID, cs); err != nil {
			return change.Outcome{}, err
		}
		return change.Outcome{EntityID: strconv.FormatInt(categoryID, 10), Before: before[categoryID], After: cs}, nil
	}
	_, err := change.Do(ctx, env.Change, r)
	return err
}
