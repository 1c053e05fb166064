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
// includes it; checkCSRF compares it on every state-changing request. This comes on top of
// the browser-level cross-origin check (Sec-Fetch-Site / Origin) and SameSite cookies.
func (s *Server) csrfToken(r *http.Request) string {
	tok := s.sessions.GetString(r.Context(), sessionCSRFKey)
	if tok == "" {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		tok = base64.RawURLEncoding.EncodeToString(b)
		s.sessions.Put(r.Context(), sessionCSRFKey, tok)
	}
	return tok
}

func (s *Server) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
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
