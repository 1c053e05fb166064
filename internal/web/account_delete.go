package web

import (
	"net/http"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/mydata"
)

// DeleteErrors are the errors of the account deletion form: none on the page as first shown.
func (accountPage) DeleteErrors() apperr.FieldErrors { return nil }

// accountDeletePage is the account page shown again when the deletion was not confirmed.
type accountDeletePage struct {
	accountPage
	errs apperr.FieldErrors
}

// DeleteErrors are the errors of the deletion form.
func (p accountDeletePage) DeleteErrors() apperr.FieldErrors { return p.errs }

// accountDelete deletes the signed-in person's own account (mydata.Erase: only the actor's
// account, never another), once they ticked the box that says they understand. Their
// sessions end with it, this one too: they land on the home page, signed out, with a message.
func (s *Server) accountDelete(w http.ResponseWriter, r *http.Request) error {
	if r.PostFormValue("delete_confirm") == "" {
		p, err := s.accountPageFor(r)
		if err != nil {
			return err
		}
		errs := apperr.FieldErrors{}
		errs.Add("delete_confirm", "mydata.delete.confirm_required")
		return s.render(w, r, http.StatusUnprocessableEntity, "account", accountDeletePage{accountPage: p, errs: errs})
	}
	env := mydata.Env{Change: s.changeEnv(), Workshop: s.workshopMailer()}
	res, err := mydata.Erase(r.Context(), env, whoOf(r))
	if err != nil {
		return err
	}
	s.log.Info("account deleted by its owner", "id", requestID(r.Context()), "account", res.AccountID)
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	s.flash(r, "mydata.delete.done")
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
