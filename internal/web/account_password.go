package web

import (
	"context"
	"net/http"
	"strconv"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
)

// PasswordErrors are the errors of the password form of the account page: none on the page
// as first shown. (The template asks every account page for them.)
func (accountPage) PasswordErrors() apperr.FieldErrors { return nil }

// accountPasswordPage is the account page shown again after a failed password change, with
// the errors next to the fields of the password form.
type accountPasswordPage struct {
	accountPage
	errs apperr.FieldErrors
}

// PasswordErrors are the errors of the password form.
func (p accountPasswordPage) PasswordErrors() apperr.FieldErrors { return p.errs }

// accountPasswordChange sets a new password. The current one is asked (and its guesses
// throttled like sign-ins) unless the account has none yet: it signs in with codes, which
// proved the address. The passwords are never sent back to the form. The session token is
// renewed afterwards.
func (s *Server) accountPasswordChange(w http.ResponseWriter, r *http.Request) error {
	actor := actorOf(r)
	acc := actor.Account
	password := r.PostFormValue("password")
	errs := apperr.FieldErrors{}
	if password != r.PostFormValue("password_confirm") {
		errs.Add("password_confirm", "auth.password_mismatch")
	} else if key, args, ok := account.CheckPassword(password, acc.Email); !ok {
		errs.Add("password", key, args...)
	}
	if len(errs) == 0 && acc.HasPassword {
		_, err := account.Authenticate(r.Context(), s.db, acc.Email, r.PostFormValue("current_password"), clientIP(r), s.now())
		switch ae, ok := apperr.As(err); {
		case err == nil:
		case ok && ae.Kind == apperr.TooMany:
			errs["current_password"] = ae.Message
		case ok:
			errs.Add("current_password", "passwordchange.current_wrong")
		default:
			return err
		}
	}
	if len(errs) == 0 {
		_, err := change.Do(r.Context(), s.changeEnv(), change.Request{
			Who: change.By(actor), Permission: access.PermSignedIn, Action: "account.password_change", EntityKind: "account",
			Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
				if err := account.SetPassword(ctx, tx, acc.ID, password, s.now()); err != nil {
					return change.Outcome{}, err
				}
				ended, err := account.EndSessions(ctx, tx, acc.ID, s.sessions.Token(r.Context()))
				if err != nil {
					return change.Outcome{}, err
				}
				return change.Outcome{EntityID: strconv.FormatInt(acc.ID, 10),
					Before: map[string]any{"has_password": acc.HasPassword},
					After:  map[string]any{"has_password": true, "other_sessions_ended": ended}}, nil
			},
		})
		if ae, ok := apperr.As(err); ok && ae.Fields != nil {
			errs = ae.Fields
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		p, err := s.accountPageFor(r)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "account", accountPasswordPage{accountPage: p, errs: errs})
	}
	// Whoever knew the session token before the change (a shared computer) must not keep it.
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.flash(r, "passwordchange.done")
	http.Redirect(w, r, "/compte", http.StatusSeeOther)
	return nil
}

// accountPageFor builds the signed-in person's account page, as accountShow does.
func (s *Server) accountPageFor(r *http.Request) (accountPage, error) {
	actor := actorOf(r)
	p := accountPage{Base: s.base(r, "auth.account.title"), Account: actor.Account}
	for _, g := range actor.Grants {
		v := grantView{Role: g.Role}
		if g.CampaignID != nil {
			c, err := campaign.ByID(r.Context(), s.db, *g.CampaignID)
			if err != nil {
				return accountPage{}, err
			}
			v.Campaign = c.Name
		}
		p.Grants = append(p.Grants, v)
	}
	return p, nil
}
