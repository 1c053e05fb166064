package web

import (
	"net/http"
	"net/url"
	"strings"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
)

type signinPage struct {
	Base
	Email  string
	Next   string
	Error  string // the form's error, shown above it (the same for a wrong e-mail or password)
	Errors apperr.FieldErrors
}

func (s *Server) signinShow(w http.ResponseWriter, r *http.Request) error {
	if actorOf(r).SignedIn() {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("suite")), http.StatusSeeOther)
		return nil
	}
	p := signinPage{Base: s.base(r, "auth.signin.title"), Next: r.URL.Query().Get("suite")}
	return s.render(w, r, http.StatusOK, "signin", p)
}

func (s *Server) signinSubmit(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PostFormValue("email"))
	next := r.PostFormValue("suite")
	a, err := account.Authenticate(r.Context(), s.db, s.passwords, email, r.PostFormValue("password"), clientIP(r), s.now())
	if err != nil {
		ae, ok := apperr.As(err)
		if !ok {
			return err
		}
		status, known := statusOf[ae.Kind]
		if !known {
			status = http.StatusBadRequest
		}
		p := signinPage{Base: s.base(r, "auth.signin.title"), Email: email, Next: next,
			Error: s.cat.T(langOf(r), ae.Message.Key, ae.Message.Args...)}
		return s.render(w, r, status, "signin", p)
	}
	if err := s.startSession(r, a.ID); err != nil {
		return err
	}
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
	return nil
}

// startSession signs the account in. The session token is renewed so that a token known
// before sign-in (session fixation) is worth nothing after. A signed-in session always holds
// an anti-forgery token: it is created here if the visitor had none.
func (s *Server) startSession(r *http.Request, accountID int64) error {
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessionAccountKey, accountID)
	if s.sessions.GetString(r.Context(), sessionCSRFKey) == "" {
		s.newCSRFToken(r)
	}
	return nil
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// safeNext keeps a post-sign-in destination only if it is a path of this site, and sends
// anywhere else to the person's space (/espace), the page after sign-in. Browsers are lenient where Go's URL parser is not: they
// drop tabs and newlines anywhere in a URL, read a backslash as a slash and trim leading
// spaces and control characters, so "/\t/evil.example" or "/\\evil.example" reach another
// host. Hence the strict rule: printable ASCII only (no space, control character or
// backslash), a single leading "/", no empty (but the last), "." or ".." segment in the path, and a
// relative URL with no scheme, host or user once parsed.
func safeNext(next string) string {
	const fallback = "/espace"
	if len(next) == 0 || len(next) > 2048 || next[0] != '/' {
		return fallback
	}
	for i := 0; i < len(next); i++ {
		if c := next[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return fallback
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return fallback
	}
	// The path is judged decoded too: browsers read "%2e%2e" as "..", and neither an encoded
	// slash, backslash nor control character has a use in a path of this site.
	if strings.ContainsFunc(u.Path, func(r rune) bool { return r < ' ' || r == 0x7f || r == '\\' }) {
		return fallback
	}
	segs := strings.Split(u.Path[1:], "/")
	for i, seg := range segs {
		if seg == "." || seg == ".." || seg == "" && i < len(segs)-1 {
			return fallback
		}
	}
	return next
}
