package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
)

// TestAuditPageShowsCurrentNames: the log names a person by account id only; the page shows
// the account as it is now (a renamed person under the new name, a person without a name by
// address, for the staff who read the page) and a deleted account as « compte supprimé »,
// without its former name or address.
func TestAuditPageShowsCurrentNames(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		agent := s.browser()
		a := demoAccount(t, access.Agent)
		agent.signIn(a.Email, a.Password)
		// The demo's committee member declared and scored dossiers: entries of its own.
		member := demoAccount(t, access.Committee)
		acc, err := account.ByEmail(ctx, s.db, member.Email)
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/admin/journal?auteur=%d", acc.ID)
		cases := []struct {
			name, update string
			want, absent []string
		}{
			{"as seeded", "", []string{member.Name, fmt.Sprintf("compte n° %d", acc.ID)}, []string{member.Email}},
			{"renamed", "UPDATE accounts SET display_name = 'Bernadette Renommée' WHERE id = $1",
				[]string{"Bernadette Renommée"}, []string{member.Name, member.Email}},
			{"without a name", "UPDATE accounts SET display_name = '' WHERE id = $1",
				[]string{member.Email}, []string{"Bernadette Renommée", "compte supprimé"}},
			{"deleted", "UPDATE accounts SET email = 'supprime-' || CAST(id AS TEXT), display_name = '', deleted_at = created_at WHERE id = $1",
				[]string{"compte supprimé"}, []string{member.Email, member.Name, "supprime-"}},
		}
		for _, tc := range cases {
			if tc.update != "" {
				if _, err := s.db.ExecContext(ctx, tc.update, acc.ID); err != nil {
					t.Fatal(err)
				}
			}
			p := agent.get(path)
			wantStatus(t, p, http.StatusOK, tc.name)
			wantContains(t, p, tc.name, append([]string{"review.declare"}, tc.want...)...)
			for _, no := range tc.absent {
				if strings.Contains(p.Body, no) {
					t.Errorf("%s: the page shows %q", tc.name, no)
				}
			}
		}
		// A change made by the system keeps its label.
		wantContains(t, agent.get("/admin/journal?action=campaign.create"), "system entries", "\">demo</td>")
	})
}
