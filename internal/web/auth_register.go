package web

import (
	"net/http"
	"strings"

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

// registerSubmit creates a citizen account and sends the verification link, whose page
// signs the person in. When the address has an account already, its owner is told by e-mail
// instead; the visitor sees the same answer either way ("see your mailbox"), so that the
// form does not tell who has an account. The passwords are never sent back to the form.
func (s *Server) registerSubmit(w http.ResponseWriter, r *http.Request) error {
	f := registerForm{Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name"))}
	password := r.PostFormValue("password")
	errs := apperr.FieldErrors{}
	if password != r.PostFormValue("password_confirm") {
		errs.Add("password_confirm", "auth.password_mismatch")
	}
	status := http.StatusUnprocessableEntity
	if len(errs) == 0 {
		_, err := account.Register(r.Context(), s.accountEnv(), change.By(actorOf(r)),
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
	s.flash(r, "auth.register.done")
	http.Redirect(w, r, "/connexion", http.StatusSeeOther)
	return nil
}
