package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
)

// csrfField is the hidden form field that carries the token.
const csrfField = "csrf_token"

// csrfToken returns the session's anti-forgery token, creating it on first use. Every form
// includes it; checkCSRF compares it on every state-changing request but those of the
// visitor forms (visitorForms). This comes on top of the browser-level cross-origin check
// (Sec-Fetch-Site / Origin) and SameSite cookies.
//
// A visitor without a session gets none: the only forms shown to them are visitor forms,
// which need no token, and creating one would store a session for every page read (a
// database write each, and a row per reader). Signing in creates the token (startSession).
func (s *Server) csrfToken(r *http.Request) string {
	tok := s.sessions.GetString(r.Context(), sessionCSRFKey)
	if tok == "" {
		if len(s.sessions.Keys(r.Context())) == 0 {
			return ""
		}
		tok = s.newCSRFToken(r)
	}
	return tok
}

// newCSRFToken puts a fresh token in the session.
func (s *Server) newCSRFToken(r *http.Request) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	s.sessions.Put(r.Context(), sessionCSRFKey, tok)
	return tok
}

// visitorForms are the routes of the forms meant for visitors who may have no session yet:
// signing in (password or e-mailed code), registering, confirming an address, resetting a
// password, depositing an idea, asking for a vote code, looking up a tracker or a receipt.
// They take no token, since a visitor has none; Go's cross-origin protection
// (http.CrossOriginProtection, around the whole site) refuses them from another site.
var visitorForms = map[string]bool{
	"POST /connexion":                  true,
	"POST /connexion/code":             true,
	"POST /connexion/code/verifier":    true,
	"POST /inscription":                true,
	"POST /verifier":                   true,
	"POST /mot-de-passe-oublie":        true,
	"POST /reinitialiser":              true,
	"POST /{slug}/idees/deposer":       true,
	"POST /{slug}/vote/courriel":       true,
	"POST /{slug}/vote/urne":           true,
	"POST /{slug}/resultats/bulletins": true,
	// Following a project by e-mail, and the buttons of the subscription e-mails' links
	// (the one-click unsubscription of RFC 8058 comes from a mail client, with no session).
	"POST /{slug}/projets/{id}/suivre": true,
	"POST /abonnements/confirmer":      true,
	"POST /abonnements/desabonner":     true,
	// A campaign's news: the form of the home and campaign pages, the preferences page of
	// the e-mails' links.
	"POST /{slug}/abonnement":       true,
	"POST /abonnements/preferences": true,
}

// checkCSRF checks the token of every state-changing request, but those of visitorForms
// (mux is the site's route table, asked which route a request goes to).
func (s *Server) checkCSRF(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		if _, pattern := mux.Handler(r); visitorForms[pattern] {
			next.ServeHTTP(w, r)
			return
		}
		want := s.sessions.GetString(r.Context(), sessionCSRFKey)
		got := r.Header.Get("X-CSRF-Token")
		if got == "" {
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				// An upload larger than any form accepts is refused as such, before reading it:
				// the person must learn that the file is too big, not that the form expired.
				if r.ContentLength > maxBody {
					s.renderError(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
					return
				}
				// The token is in the body: guard checks it once the route has refused, without
				// reading the body, those who may not use it (checkPendingCSRF).
				next.ServeHTTP(w, deferCSRF(r, want))
				return
			}
			got = r.PostFormValue(csrfField)
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			s.renderError(w, r, http.StatusForbidden, "error.csrf")
			return
		}
		next.ServeHTTP(w, r)
	})
}
