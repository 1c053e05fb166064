package browsertest

import (
	"strings"
	"testing"
)

// TestStatsAccessibility checks the pages of the statistics of participation alone (they are
// in a11yPages too): axe-core at 1280 and 375 px, no sideways scroll on a phone, with the
// charts' text alternatives and the tables behind them.
func TestStatsAccessibility(t *testing.T) {
	t.Parallel()
	s := SharedSite(t)
	for _, p := range a11yPages(s) {
		if !strings.HasPrefix(p.name, "stats-") {
			continue
		}
		t.Run(p.name, func(t *testing.T) {
			tab := s.NewTab(t)
			if p.role != "" {
				tab.SignInAs(p.role)
			}
			checkPage(t, tab, p)
			if strings.HasSuffix(p.path, "/statistiques") && !tab.Has(`figure svg[role=img][aria-labelledby] title`) {
				t.Error("no chart with its title")
			}
		})
	}
}
