package browsertest

import (
	"net/http"
	"net/url"
	"testing"

	"budgetcitoyen/internal/access"
)

// TestSearchPagesAtBothWidths checks lists searched with q (found, and nothing found) with
// axe-core at 1280 px and on a 375 px phone, where they must not scroll sideways either.
func TestSearchPagesAtBothWidths(t *testing.T) {
	t.Parallel()
	s := SharedSite(t)
	open, _ := s.Slugs()
	tab := s.NewTab(t)
	tab.SignInAs(access.Agent)
	for _, p := range []string{
		"/" + ArchivedSlug + "/idees?theme=alimentation&q=" + url.QueryEscape("épiceries"),
		"/" + ArchivedSlug + "/projets?q=" + url.QueryEscape("aucun mot trouvé"),
		"/" + open + "/comptoirs?q=de+la",
		"/admin/campagnes/" + ArchivedSlug + "/dossiers?q=epicerie",
	} {
		t.Run(p, func(t *testing.T) {
			tab := tab.For(t)
			if st := tab.OpenStatus(p); st != http.StatusOK {
				t.Fatalf("open %s: status %d", p, st)
			}
			if !tab.Has(`input[type=search][name=q]`) {
				t.Fatalf("%s: no search field", p)
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
