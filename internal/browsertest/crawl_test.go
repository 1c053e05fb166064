package browsertest

import (
	"budgetcitoyen/internal/access"
	"regexp"
	"strings"
	"testing"
)

// crawlLimit bounds the pages one role's crawl checks.
const crawlLimit = 40

var (
	numberSegment = regexp.MustCompile(`/[0-9]+(/|$)`)
	editionSlug   = regexp.MustCompile(`/(budget-citoyen-[0-9]{4}|pas-de-calais-[0-9]{4})(/|$)`)
)

// pendingFixes are the route shapes with known faults in pages owned by other areas: their
// checks are run and logged, not failed, until the fix lands; then the line goes.
var pendingFixes = map[string]string{}

// routeShape stands for all the pages of one route: /budget-citoyen-2027/idees/12 is
// /{slug}/idees/{id}. The crawl checks one page of each shape.
func routeShape(path string) string {
	path, _, _ = strings.Cut(path, "?")
	path = editionSlug.ReplaceAllString(path, "/{slug}$2")
	for numberSegment.MatchString(path) {
		path = numberSegment.ReplaceAllString(path, "/{id}$1")
	}
	return path
}

// TestAccessibilityCrawl follows the links of the site as a visitor and as an agent, and
// checks one page of each route it reaches (axe-core, 375 px), skipping the shapes that
// TestAccessibility covers: a page that a new feature links to is checked without a new
// line in the table.
func TestAccessibilityCrawl(t *testing.T) {
	t.Parallel()
	s := SharedSite(t)
	covered := map[string]bool{}
	for _, p := range a11yPages(s) {
		covered[routeShape(p.path)] = true
	}
	for _, role := range []access.Role{"", access.Agent} {
		name := string(role)
		if name == "" {
			name = "visitor"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tab := s.NewTab(t)
			if role != "" {
				tab.SignInAs(role)
			}
			seen := map[string]bool{}
			queue := []string{"/", "/compte", "/admin"}
			var checked []string
			for len(queue) > 0 && len(seen) < crawlLimit {
				path := queue[0]
				queue = queue[1:]
				shape := routeShape(path)
				if seen[shape] {
					continue
				}
				seen[shape] = true
				tab.OpenStatus(path)
				switch {
				case covered[shape]:
				case pendingFixes[shape] != "":
					for _, v := range tab.Axe() {
						t.Logf("KNOWN FAULT, TO FIX on %s (%s): %s — %s", path, pendingFixes[shape], v.ID, v.Help)
					}
					if o := tab.PhoneOverflow(); o.ScrollWidth > phoneWidth {
						t.Logf("KNOWN FAULT, TO FIX on %s: %d px wide at %d px: %v", path, o.ScrollWidth, phoneWidth, o.Wide)
					}
				default:
					checked = append(checked, path)
					tab.CheckAxe()
					tab.CheckNoHorizontalScroll()
				}
				// Pages of the site only: no downloads, no JSON API (the open-data page links it).
				links := Eval[[]string](tab, `[...document.querySelectorAll('a[href^="/"]:not([download])')]
  .map(a => a.getAttribute('href').split('#')[0])
  .filter(h => h && !/\.(csv|pdf|ics|xlsx|svg|css|png|jpg|txt|atom)(\?|$)/.test(h) && !h.startsWith('/static/') &&
    !/[?&]lang=/.test(h) && !/^\/(metrics|healthz|readyz|api\/)/.test(h) && !/\.(json|pb)(\?|$)/.test(h))`)
				for _, l := range links {
					if !seen[routeShape(l)] {
						queue = append(queue, l)
					}
				}
			}
			t.Logf("checked %d pages beyond the table: %s", len(checked), strings.Join(checked, " "))
		})
	}
}
