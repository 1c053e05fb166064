package idea

import (
	"context"
	"errors"
	"strconv"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/territory"
)

// The changes made to ideas: deposit (Submit), hide and restore. Each is one change
// (change.Do): the check of who acts and when, the change through the store functions, the
// audit entry and the e-mails commit together.

// Env is what the idea commands need: the change environment, the writer of the e-mails and
// the territory data (the commune of a deposit is checked against it).
type Env struct {
	Change    change.Env
	Mail      Mailer
	Territory *territory.Data
}

func entityID(id int64) string { return strconv.FormatInt(id, 10) }

// SubmitInput is a deposit: the campaign, the form as read by ParseDeposit with the INSEE
// code of the commune picked (CommuneCode, see ResolveCommune), and the language of the page.
type SubmitInput struct {
	Campaign *campaign.Campaign
	Form     Deposit
	Lang     i18n.Lang
	// AuthorID is the account the platform deposits for, in a change made by the system
	// (the demo's seeding); it is ignored for a person, who deposits as themselves or, not
	// signed in, under the address of the form.
	AuthorID int64
}

// Submit deposits an idea during the ideas phase of its campaign. Anyone may: a visitor's
// address creates a citizen account or is attached to the existing account of that address;
// typing an address never signs anyone in. An address typed by a visitor and not confirmed
// yet is sent the link that confirms it, and nothing else; a confirmed one is told of the
// deposit (without its text, which the visitor typed). A signed-in author gets an
// acknowledgement. Invalid input is field errors on the fields of the form, a closed phase
// an apperr Conflict ("change.phase_closed"), a deposit past the limits on e-mails and
// accounts (mail.Take) an apperr TooMany; nothing is saved then.
func Submit(ctx context.Context, env Env, who change.Who, in SubmitInput) (*Idea, error) {
	c := in.Campaign
	fe := in.Form.check()
	switch {
	case who.IsSystem():
		if in.AuthorID == 0 {
			return nil, errors.New("idea: a deposit by the platform names its author")
		}
	case !who.Actor.SignedIn():
		in.Form.CheckEmail(fe)
	}
	commune, key := checkCommune(env.Territory, c.Territory, in.Form.CommuneCode)
	if key != "" {
		fe.Add(FieldCommuneText, key)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var deposited *Idea
	_, err := change.Do(ctx, env.Change, change.Request{
		// Anyone may deposit, visitors included: the deposit itself gives them an account.
		Who: who, Permission: access.PermPublic, Campaign: c.During(campaign.PhaseIdeas),
		Action: "idea.deposit", EntityKind: "idea",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			now := env.Change.Now()
			au, err := findAuthor(ctx, tx, env, who, in)
			if err != nil {
				return change.Outcome{}, err
			}
			i := in.Form.Idea(c.ID, au.account.ID, commune, now)
			if err := Insert(ctx, tx, i); err != nil {
				return change.Outcome{}, err
			}
			deposited = i
			out := change.Outcome{EntityID: entityID(i.ID), After: i.auditState()}
			if env.Mail.quiet() {
				return out, nil
			}
			if au.created {
				out.AccountsCreated = 1
			}
			if au.visitor && !au.account.Verified() {
				// An address typed by a visitor and not confirmed yet gets the link that
				// confirms it, and nothing else: no text of the deposit reaches it before
				// its owner has shown they want the site's e-mails.
				m, err := account.NewVerification(ctx, tx, env.Mail.account(), au.account, au.lang, now)
				if err != nil {
					return change.Outcome{}, err
				}
				out.Mails = append(out.Mails, m)
				return out, nil
			}
			out.Mails = append(out.Mails, env.Mail.deposited(au.account.Email, au.lang, c, i, commune.Name, au.attached))
			return out, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return deposited, nil
}

// checkCommune returns the commune of code, which must be one of departement, or the key
// of the error.
func checkCommune(t *territory.Data, departement, code string) (territory.Commune, string) {
	if code == "" {
		return territory.Commune{}, "idea.error.commune_required"
	}
	c, ok := t.Commune(code)
	switch {
	case !ok:
		return territory.Commune{}, "idea.error.commune_unknown"
	case c.Departement != departement:
		return territory.Commune{}, "idea.error.commune_outside"
	}
	return c, ""
}

// author is the account a deposit is made under, and how it was found.
type author struct {
	account  *access.Account
	lang     i18n.Lang // of the e-mails
	visitor  bool      // the address was typed by a visitor, not signed in
	created  bool      // by this deposit, from the address typed by a visitor
	attached bool      // a visitor typed the address of an existing account
}

// findAuthor returns the author of a deposit: the account the platform names, the signed-in
// person, or the account of the address a visitor typed, created (as a citizen without
// password) when there is none.
func findAuthor(ctx context.Context, tx *db.Tx, env Env, who change.Who, in SubmitInput) (author, error) {
	switch {
	case who.IsSystem():
		a, err := account.ByID(ctx, tx, in.AuthorID)
		if err != nil {
			return author{}, err
		}
		return author{account: a, lang: accountLang(a)}, nil
	case who.Actor.SignedIn():
		return author{account: who.Actor.Account, lang: in.Lang}, nil
	}
	a, err := account.ByEmail(ctx, tx, in.Form.Email)
	if err == nil {
		return author{account: a, lang: accountLang(a), visitor: true, attached: true}, nil
	}
	if !apperr.IsKind(err, apperr.NotFound) {
		return author{}, err
	}
	now := env.Change.Now()
	if a, err = account.Create(ctx, tx, in.Form.Email, "", now); err != nil {
		return author{}, err
	}
	if err := account.GrantRole(ctx, tx, a.ID, access.Citizen, nil, now); err != nil {
		return author{}, err
	}
	return author{account: a, lang: in.Lang, visitor: true, created: true}, nil
}

// HideInput is a moderator's decision to hide an idea of a campaign, with the reason given
// (e-mailed to the author).
type HideInput struct {
	Campaign *campaign.Campaign
	ID       int64
	Reason   string
}

// Hide hides a published idea (the campaign's moderators may, at any time) and tells its
// author why. A missing or too long reason is a field error on "reason"; an idea hidden
// already is an apperr Conflict; nothing is saved then.
func Hide(ctx context.Context, env Env, who change.Who, in HideInput) error {
	reason, fe := ParseReason(in.Reason)
	if err := fe.Err(); err != nil {
		return err
	}
	var by int64
	if !who.IsSystem() {
		by = who.Actor.ID()
	}
	return moderate(ctx, env, who, in.Campaign, in.ID, "idea.hide", mailHidden, func(ctx context.Context, tx *db.Tx) error {
		return MarkHidden(ctx, tx, in.Campaign.ID, in.ID, reason, by, env.Change.Now())
	})
}

// RestoreInput names the hidden idea of a campaign to publish again.
type RestoreInput struct {
	Campaign *campaign.Campaign
	ID       int64
}

// Restore publishes a hidden idea again (the campaign's moderators may, at any time) and
// tells its author. A published idea is an apperr Conflict.
func Restore(ctx context.Context, env Env, who change.Who, in RestoreInput) error {
	return moderate(ctx, env, who, in.Campaign, in.ID, "idea.restore", mailRestored, func(ctx context.Context, tx *db.Tx) error {
		return MarkPublished(ctx, tx, in.Campaign.ID, in.ID)
	})
}

// moderate applies one moderation change (apply) through change.Do: the idea's state before
// and after for the audit log, and the e-mail of kind to its author.
func moderate(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, id int64, action, kind string,
	apply func(ctx context.Context, tx *db.Tx) error) error {
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermModerate, Campaign: c, Action: action, EntityKind: "idea",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			before, err := ByID(ctx, tx, c.ID, id)
			if err != nil {
				return change.Outcome{}, err
			}
			if err := apply(ctx, tx); err != nil {
				return change.Outcome{}, err
			}
			after, err := ByID(ctx, tx, c.ID, id)
			if err != nil {
				return change.Outcome{}, err
			}
			out := change.Outcome{EntityID: entityID(id), Before: before.auditState(), After: after.auditState()}
			if env.Mail.quiet() {
				return out, nil
			}
			a, err := account.ByID(ctx, tx, after.AuthorID)
			if err != nil {
				return change.Outcome{}, err
			}
			out.Mails = []mail.Message{env.Mail.moderated(kind, a, c, after)}
			return out, nil
		},
	})
	return err
}

// auditState is what the audit log keeps of an idea (the author by account id only).
func (i *Idea) auditState() map[string]any {
	m := map[string]any{
		"title": i.Title, "theme": i.Theme, "commune": i.Commune, "carrier": i.Carrier,
		"structure": i.Structure, "author_id": i.AuthorID, "hidden": i.Hidden(),
	}
	if i.Hidden() {
		m["hidden_reason"] = i.HiddenReason
	}
	return m
}
