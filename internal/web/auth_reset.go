package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/mail"
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
	if key, ok := account.CheckEmail(email); !ok {
		p := forgotPage{Base: s.base(r, "auth.forgot.title"), Email: email, Errors: apperr.FieldErrors{"email": apperr.Msg(key)}}
		return s.render(w, r, http.StatusUnprocessableEntity, "forgot", p)
	}
	lang := langOf(r)
	a, err := account.ByEmail(r.Context(), s.db, email)
	switch {
	case apperr.IsKind(err, apperr.NotFound):
	case err != nil:
		return err
	case !a.Disabled:
		_, err := change.Do(r.Context(), s.changeEnv(), change.Request{
			Who: change.By(actorOf(r)), Permission: access.PermPublic, Action: "account.reset_requested", EntityKind: "account",
			Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
				secret, err := account.IssueToken(ctx, tx, a.ID, account.PurposeReset, account.ResetTTL, s.now())
				if err != nil {
					return change.Outcome{}, err
				}
				link := s.baseURL + "/reinitialiser?jeton=" + secret
				m := mail.Message{To: a.Email, Subject: s.cat.T(lang, "mail.reset.subject"), Body: s.cat.T(lang, "mail.reset.body", link)}
				return change.Outcome{EntityID: strconv.FormatInt(a.ID, 10), Mails: []mail.Message{m}}, nil
			},
		})
		if err != nil {
			return err
		}
	}
	s.flash(r, "auth.forgot.sent")
	http.Redirect(w, r, "/connexion", http.StatusSeeOther)
	return nil
}

func (s *Server) resetShow(w http.ResponseWriter, r *http.Request) error {
	p := tokenPage{Base: s.base(r, "auth.reset.title"), Token: r.URL.Query().Get("jeton")}
	return s.render(w, r, http.StatusOK, "reset", p)
}

// resetSubmit checks the new password first (so a typo does not use up the link), then
// consumes the link and sets the password in one transaction.
func (s *Server) resetSubmit(w http.ResponseWriter, r *http.Request) error {
	token, password := r.PostFormValue("jeton"), r.PostFormValue("password")
	errs := apperr.FieldErrors{}
	if password != r.PostFormValue("password_confirm") {
		errs.Add("password_confirm", "auth.password_mismatch")
	} else if key, args, ok := account.CheckPassword(password, ""); !ok {
		errs.Add("password", key, args...)
	}
	var generalErr string
	if len(errs) == 0 {
		_, err := change.Do(r.Context(), s.changeEnv(), change.Request{
			Who: change.By(actorOf(r)), Permission: access.PermPublic, Action: "account.password_reset", EntityKind: "account",
			Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
				id, err := account.ConsumeToken(ctx, tx, account.PurposeReset, token, s.now())
				if err != nil {
					return change.Outcome{}, err
				}
				if err := account.SetPassword(ctx, tx, id, password, s.now()); err != nil {
					return change.Outcome{}, err
				}
				ended, err := account.EndSessions(ctx, tx, id, "")
				if err != nil {
					return change.Outcome{}, err
				}
				return change.Outcome{EntityID: strconv.FormatInt(id, 10), After: map[string]any{"sessions_ended": ended}}, nil
			},
		})
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
