package browsertest

import (
	"testing"

	"budgetcitoyen/internal/access"
)

// TestEspace signs in as each demo role and lands on "Mon espace" (/espace): the page has no
// WCAG 2.1 A/AA violation and no horizontal scroll at 375 px; screenshots at 1280 and 375 px.
func TestEspace(t *testing.T) {
	t.Parallel()
	s := SharedSite(t)
	for _, tc := range []struct {
		role access.Role
		want string // a section of the role's page
	}{
		{access.Citizen, "Mon vote"},
		{access.Carrier, "Mes structures et mes dossiers"},
		{access.Animator, "Mes comptoirs à animer"},
		{access.Committee, "Mes dossiers à examiner"},
		{access.Agent, "Administration"},
		{access.Admin, "Comptes et rôles"},
		{access.Trustee, "Mes urnes scellées"},
	} {
		t.Run(string(tc.role), func(t *testing.T) {
			tab := s.NewTab(t)
			tab.SignInAs(tc.role)
			if p := tab.Path(); p != "/espace" {
				t.Fatalf("after signing in: on %s, want /espace", p)
			}
			tab.WantText("Mon espace", tc.want)
			if !tab.Has(`header a[href="/espace"]`) {
				t.Errorf("the header has no link to Mon espace")
			}
			tab.CheckAxe()
			tab.CheckNoHorizontalScroll()
			tab.SetViewport(1280, 900, false)
			tab.Screenshot("espace-1280")
			tab.SetViewport(phoneWidth, phoneHeight, true)
			tab.Screenshot("espace-375")
			tab.ResetViewport()
		})
	}
}
