package browsertest

import (
	"fmt"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
)

// TestStaffTablesFitAPhone opens the staff pages with the widest tables on a 375 px phone:
// no table is wider than the screen (each row is a card whose lines name their column), and
// the page does not scroll sideways. A table inside a scrolling box would pass the page's
// own check while the person still scrolls sideways in it: the tables are measured
// themselves. At 1280 px, the committee's session page fits the window too.
func TestStaffTablesFitAPhone(t *testing.T) {
	t.Parallel()
	s := SharedSite(t)
	open, _ := s.Slugs()
	past := campaign.PresetPasDeCalais2018 // the edition with its many dossiers reviewed
	citizen := s.accountID(s.demoEmail(access.Citizen))
	pages := []struct {
		role  access.Role
		path  string
		shot  string // screenshot name, "" for none
		cards bool   // the page has a table shown as cards
	}{
		{access.Admin, "/admin/comptes", "accounts-phone", true},
		{access.Admin, fmt.Sprintf("/admin/comptes/%d", citizen), "", true},
		{access.Admin, "/admin/journal", "audit-phone", true},
		{access.Agent, "/admin/campagnes", "", true},
		{access.Agent, "/admin/campagnes/" + past + "/dossiers", "dossiers-phone", true},
		{access.Agent, "/admin/campagnes/" + past + "/comite", "", true},
		{access.Agent, "/admin/campagnes/" + past + "/comite/seance", "session-phone", true},
		{access.Agent, "/admin/campagnes/" + past + "/commission-permanente", "", false},
		{access.Agent, "/admin/campagnes/" + past + "/suivi", "followup-phone", true},
		{access.Agent, "/" + open + "/comptoirs/gestion", "comptoirs-phone", true},
	}
	byRole := map[access.Role]*Tab{}
	for _, p := range pages {
		tab := byRole[p.role]
		if tab == nil {
			tab = s.NewTab(t)
			tab.SignInAs(p.role)
			byRole[p.role] = tab
		}
		tab.Open(p.path)
		tab.SetViewport(phoneWidth, phoneHeight, true)
		wide := Eval[[]string](tab, `[...document.querySelectorAll('main table')]
			.filter(t => t.getBoundingClientRect().width > window.innerWidth + 1)
			.map(t => (t.className || 'table') + ' ' + Math.round(t.getBoundingClientRect().width) + ' px')`)
		if len(wide) > 0 {
			t.Errorf("%s at %d px: tables wider than the screen: %v", p.path, phoneWidth, wide)
		}
		if p.cards && !tab.Has(`main table.cards td[data-label]`) {
			t.Errorf("%s: no table shown as cards", p.path)
		}
		if p.shot != "" {
			tab.Screenshot(p.shot)
		}
		tab.ResetViewport()
		tab.CheckNoHorizontalScroll()
	}
	tab := byRole[access.Agent]
	tab.SetViewport(1280, 900, false)
	defer tab.ResetViewport()
	tab.Open("/admin/campagnes/" + past + "/comite/seance")
	if w := Eval[int](tab, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
		t.Errorf("the session page is %d px wider than the window at its desktop size", w)
	}
	tab.Screenshot("session-desktop")
}
