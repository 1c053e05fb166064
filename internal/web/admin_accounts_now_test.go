package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/db"
)

// A role granted or revoked, or an account disabled, through the administrators' pages takes
// effect at the person's next request, served by the same process: the transaction of the
// change tells the process's session cache, whatever the database does. The triggers that
// tell other processes (PostgreSQL's notifications, SQLite's session versions) are dropped
// here, so that only that path can make the change show.
func TestAccountChangesTakeEffectAtOnce(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		for _, drop := range map[db.Dialect][]string{
			db.SQLite: {"DROP TRIGGER accounts_updated", "DROP TRIGGER account_roles_inserted",
				"DROP TRIGGER account_roles_deleted"},
			db.Postgres: {"DROP TRIGGER accounts_changed ON accounts", "DROP TRIGGER account_roles_changed ON account_roles"},
		}[s.db.Dialect] {
			if _, err := s.db.ExecContext(ctx, drop); err != nil {
				t.Fatal(err)
			}
		}
		admin, citizen := demoAccount(t, access.Admin), demoAccount(t, access.Citizen)
		b := s.browser()
		b.signIn(admin.Email, admin.Password)
		lucas := s.browser()
		lucas.signIn(citizen.Email, citizen.Password)
		// Read twice: the second read of the session comes from the process's cache.
		for range 2 {
			wantStatus(t, lucas.get("/admin"), http.StatusForbidden, "citizen before the grant")
		}
		base := "/admin/comptes/" + strconv.FormatInt(s.accountID(citizen.Email), 10)
		b.get(base)

		if p := b.post(base+"/roles", url.Values{"role": {"agent"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("grant: %d\n%s", p.Status, excerpt(p.Body))
		}
		wantStatus(t, lucas.get("/admin"), http.StatusOK, "right after the grant")

		if p := b.post(base+"/roles/retirer", url.Values{"role": {"agent"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("revoke: %d\n%s", p.Status, excerpt(p.Body))
		}
		wantStatus(t, lucas.get("/admin"), http.StatusForbidden, "right after the revocation")

		wantStatus(t, lucas.get("/compte"), http.StatusOK, "before the account is disabled")
		if p := b.post(base+"/statut", url.Values{"disabled": {"1"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("disable: %d\n%s", p.Status, excerpt(p.Body))
		}
		if p := lucas.get("/compte"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/connexion") {
			t.Errorf("right after the account was disabled: %d → %q, want a redirection to sign in", p.Status, p.Location)
		}
	})
}
