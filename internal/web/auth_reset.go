package web

import (
	"net/http"
	"strings"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
)

type forgotPage struct {
	Base
	Email  string
	Errors apperr.FieldErrors
}

func (s *Server) forgotShow(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "forgot", forgotPage{Base: s.base(r, "auth.forgot.title")})
}

// forgotSubmit sends a reset link if the address has an account. The answer is the same
// either way, so that the form does not tell who has an account.
func (s *Server) forgotSubmit(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PostFormValue("email"))
	err := account.RequestReset(r.Context(), s.accountEnv(), change.By(actorOf(r)), account.ResetRequest{Email: email, Lang: langOf(r)})
	if ae, ok := apperr.As(err); ok && ae.Fields != nil {
		p := forgotPage{Base: s.base(r, "auth.forgot.title"), Email: email, Errors: ae.Fields}
		return s.render(w, r, formStatus(ae), "forgot", p)
	}
	if err != nil {
		return err
	}
	s.flash(r, "auth.forgot.sent")
	http.Redirect(w, r, "/connexion", http.StatusSeeOther)
	return nil
}

func (s *Server) resetShow(w http.ResponseWriter, r *http.Request) error {
	p := tokenPage{Base: s.base(r, "auth.reset.title"), Token: r.URL.Query().Get("jeton")}
	return s.render(w, r, http.StatusOK, "reset", p)
}

// resetSubmit consumes the link and sets the password (account.ResetPassword checks the
// password first, so that a typo does not use up the link).
func (s *Server) resetSubmit(w http.ResponseWriter, r *http.Request) error {
	token, password := r.PostFormValue("jeton"), r.PostFormValue("password")
	errs := apperr.FieldErrors{}
	if password != r.PostFormValue("password_confirm") {
		errs.Add("password_confirm", "auth.password_mismatch")
	}
	var generalErr string
	if len(errs) == 0 {
		err := account.ResetPassword(r.Context(), s.accountEnv(), change.By(actorOf(r)), account.ResetInput{Token: token, Password: password})
		if ae, ok := apperr.As(err); ok {
			if ae.Fields != nil {
				errs = ae.Fields
			} else {
				generalErr = s.cat.T(langOf(r), ae.Message.Key, ae.Message.Args...)
			}
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 || generalErr != "" {
		p := tokenPage{Base: s.base(r, "auth.reset.title"), Token: token, Errors: errs, Error: generalErr}
		return s.render(w, r, http.StatusUnprocessableEntity, "reset", p)
	}
	s.flash(r, "auth.reset.done")
	http.Redirect(w, r, "/connexion", http.StatusSeeOther)
	return nil
}
