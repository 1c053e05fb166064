package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/db"
)

const (
	sessionAccountKey = "account_id"
	sessionCSRFKey    = "csrf"
	sessionFlashKey   = "flash"
)

// newSessionManager keeps sessions in the database, so that several server processes behind
// a load balancer share them. The cookie is HttpOnly, SameSite=Lax, and Secure when the site
// is served over HTTPS.
func newSessionManager(d *db.DB, baseURL string) *scs.SessionManager {
	sm := scs.New()
	sm.Store = account.NewSessionStore(d)
	sm.Lifetime = 12 * time.Hour
	sm.IdleTimeout = 2 * time.Hour
	sm.Cookie.Name = "bc_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = strings.HasPrefix(baseURL, "https://")
	sm.Cookie.Path = "/"
	return sm
}
