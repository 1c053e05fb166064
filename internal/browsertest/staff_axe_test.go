package browsertest

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
)

// TestStaffPagesAtBothWidths opens every screen each campaign's console links to, as an
// administrator (who may open them all), and checks each with axe-core at 1280 px and again
// on a 375 px phone, where it must not scroll sideways either.
func TestStaffPagesAtBothWidths(t *testing.T) {
	t.Parallel()
	s := SharedSite(t)
	open, vote := s.Slugs()
	tab := s.NewTab(t)
	tab.SignInAs(access.Admin)
	seen := map[string]bool{}
	var pages []string
	for _, slug := range []string{open, vote, campaign.PresetPasDeCalais2018} {
		console := "/admin/campagnes/" + slug
		tab.Open(console)
		pages = append(pages, console)
		for _, href := range Eval[[]string](tab, `[...document.querySelectorAll('[aria-labelledby=console-screens] a[href], .console-waiting a[href]')].map(a => a.getAttribute('href'))`) {
			u, err := url.Parse(href)
			if err != nil || u.Host != "" || seen[u.RequestURI()] {
				continue
			}
			seen[u.RequestURI()] = true
			pages = append(pages, u.RequestURI())
		}
	}
	sort.Strings(pages)
	if len(pages) < 30 {
		t.Fatalf("the consoles link to %d screens only: %v", len(pages), pages)
	}
	for _, p := range pages {
		t.Run(p, func(t *testing.T) {
			tab := tab.For(t)
			// Before its vote closes a campaign's results page says when they will be
			// published, as a 404: there are none yet.
			if st := tab.OpenStatus(p); st != http.StatusOK && !(st == http.StatusNotFound && strings.HasSuffix(p, "/resultats")) {
				t.Fatalf("open %s: status %d", p, st)
			}
			tab.SetViewport(1280, 900, false)
			tab.CheckAxe()
			tab.SetViewport(phoneWidth, phoneHeight, true)
			tab.CheckAxe()
			tab.ResetViewport()
			tab.CheckNoHorizontalScroll()
		})
	}
}
