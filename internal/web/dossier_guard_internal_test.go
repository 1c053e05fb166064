package web

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

// Until guard has checked its token, a multipart body left by checkCSRF cannot be read: a
// handler reached some other way could not act on it.
func TestPendingBodyUnreadableUntilChecked(t *testing.T) {
	r := httptest.NewRequest("POST", "/x", strings.NewReader("--b\r\n"))
	r.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	r = deferCSRF(r, "token")
	if _, err := io.ReadAll(r.Body); !errors.Is(err, errCSRFPending) {
		t.Errorf("read before the check: %v", err)
	}
	if err := r.ParseMultipartForm(1 << 20); err == nil || r.PostFormValue("x") != "" {
		t.Errorf("form parsed before the check: %v", err)
	}
}

func TestDossierScoped(t *testing.T) {
	for pattern, want := range map[string]bool{
		"GET /{slug}/dossiers/{id}":                        true,
		"POST /{slug}/dossiers/{id}/documents":             true,
		"GET /{slug}/dossiers/{id}/historique":             true,
		"GET /{slug}/dossiers/nouveau":                     false,
		"GET /{slug}/dossiers":                             false,
		"GET /admin/campagnes/{slug}/dossiers/{id}":        false,
		"POST /{slug}/dossiers/{id}x":                      false,
		"GET /admin/campagnes/{slug}/comite/dossiers/{id}": false,
	} {
		if got := dossierScoped(pattern); got != want {
			t.Errorf("%q: %v, want %v", pattern, got, want)
		}
	}
}
