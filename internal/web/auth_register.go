package web

import (
	"net/http"
	"strings"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
)

type registerForm struct {
	Email, Name string
}

type registerPage struct {
	Base
	Form   registerForm
	Errors apperr.FieldErrors
}

func (s *Server) registerShow(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "register", registerPage{Base: s.base(r, "auth.register.title")})
}

// registerSubmit creates a citizen account, signs it in and sends the verification link.
// The passwords are never sent back to the form.
func (s *Server) registerSubmit(w http.ResponseWriter, r *http.Request) error {
	f := registerForm{Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name"))}
	password := r.PostFormValue("password")
	errs := apperr.FieldErrors{}
	if password != r.PostFormValue("password_confirm") {
		errs.Add("password_confirm", "auth.password_mismatch")
	}
	var acc *access.Account
	status := http.StatusUnprocessableEntity
	if len(errs) == 0 {
		var err error
		acc, err = account.Register(r.Context(), s.accountEnv(), change.By(actorOf(r)),
			account.RegisterInput{Email: f.Email, Name: f.Name, Password: password, Lang: langOf(r)})
		if ae, ok := apperr.As(err); ok && ae.Fields != nil {
			errs, status = ae.Fields, formStatus(ae)
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		p := registerPage{Base: s.base(r, "auth.register.title"), Form: f, Errors: errs}
		return s.render(w, r, status, "register", p)
	}
	if err := s.startSession(r, acc.ID); err != nil {
		return err
	}
	s.flash(r, "auth.register.done")
	http.Redirect(w, r, "/compte", http.StatusSeeOther)
	return nil
}
