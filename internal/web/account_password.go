package web

import (
	"net/http"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
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

// accountPasswordChange sets a new password (account.ChangePassword asks the current one,
// unless the account has none yet). The passwords are never sent back to the form. The
// session token is renewed afterwards.
func (s *Server) accountPasswordChange(w http.ResponseWriter, r *http.Request) error {
	password := r.PostFormValue("password")
	errs := apperr.FieldErrors{}
	if password != r.PostFormValue("password_confirm") {
		errs.Add("password_confirm", "auth.password_mismatch")
	} else {
		err := account.ChangePassword(r.Context(), s.accountEnv(), change.By(actorOf(r)), account.ChangePasswordInput{
			Current: r.PostFormValue("current_password"), Password: password, ClientIP: clientIP(r),
			KeepSession: s.sessions.Token(r.Context())})
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
			if g.Role == access.Trustee {
				v.Link = "/" + c.Slug + "/vote/urne/ouvrir"
			}
		}
		p.Grants = append(p.Grants, v)
	}
	all, err := campaign.List(r.Context(), s.db)
	if err != nil {
		return accountPage{}, err
	}
	for _, c := range all {
		if _, ok := c.Window(campaign.PhaseComptoirs); ok && !c.Archived {
			p.MyWorkshops = append(p.MyWorkshops, espaceLink{"/" + c.Slug + "/comptoirs/mes-inscriptions",
				s.cat.T(langOf(r), "staffpages.account.workshops", c.Name)})
		}
	}
	return p, nil
}
