package browsertest

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"

	"github.com/chromedp/chromedp"
)

// screensDir turns on TestScreens: go test ./internal/browsertest -run Screens -screens DIR
var screensDir = flag.String("screens", "", "take a screenshot of every page at 1280 and 375 px into this folder (TestScreens)")

// screensCrawlLimit bounds the route shapes one role's crawl photographs beyond the table.
const screensCrawlLimit = 60

// TestScreens photographs every page of the site at 1280 and 375 px into the -screens
// folder, to be looked at: the pages of the accessibility table (as their role, forms also
// re-displayed with their errors), then one page of each route shape that the links reach
// as a visitor and as each staff role. Files are named ROLE_NAME-WIDTH.png; index.txt lists
// them with their addresses.
func TestScreens(t *testing.T) {
	if *screensDir == "" {
		t.Skip("screenshots of every page: run with -screens DIR")
	}
	dir, err := filepath.Abs(*screensDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := SharedSite(t)
	byRole := map[access.Role][]a11yPage{}
	var roles []access.Role
	for _, p := range a11yPages(s) {
		if _, ok := byRole[p.role]; !ok {
			roles = append(roles, p.role)
		}
		byRole[p.role] = append(byRole[p.role], p)
	}
	for _, r := range []access.Role{access.Citizen, access.Carrier, access.Animator, access.Committee, access.Trustee, access.Agent, access.Admin} {
		if !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	index := make([][]string, len(roles))
	t.Run("roles", func(t *testing.T) {
		for i, role := range roles {
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
				shot := func(file, path string) {
					tab.SetViewport(1280, 900, false)
					writeShot(t, tab, filepath.Join(dir, file+"-1280.png"))
					tab.SetViewport(phoneWidth, phoneHeight, true)
					writeShot(t, tab, filepath.Join(dir, file+"-375.png"))
					index[i] = append(index[i], fmt.Sprintf("%s\t%s", file, path))
				}
				seen := map[string]bool{}
				for _, p := range byRole[role] {
					tab.SetViewport(1280, 900, false)
					tab.OpenStatus(p.path)
					if p.action != nil {
						p.action(t, tab.For(t))
					}
					seen[routeShape(p.path)] = true
					shot(name+"_"+safeName(p.name), p.path)
					if strings.Contains(p.path, "lang=en") { // the language sticks: back to French
						tab.OpenStatus("/?lang=fr")
					}
				}
				// Then what the links reach that the table does not list.
				queue := []string{"/", "/compte", "/espace", "/admin"}
				for n := 0; len(queue) > 0 && n < screensCrawlLimit; {
					path := queue[0]
					queue = queue[1:]
					tab.SetViewport(1280, 900, false)
					st := tab.OpenStatus(path)
					for _, l := range Eval[[]string](tab, `[...document.querySelectorAll('a[href^="/"]:not([download])')]
  .map(a => a.getAttribute('href').split('#')[0])
  .filter(h => h && !/\.(csv|pdf|ics|xlsx|svg|css|png|jpg|webp|txt|json)(\?|$)/.test(h) && !h.startsWith('/static/') &&
    !h.startsWith('/api/') && !/[?&]lang=/.test(h) && !/^\/(metrics|healthz|readyz)/.test(h))`) {
						if !seen[routeShape(l)] && !slices.Contains(queue, l) {
							queue = append(queue, l)
						}
					}
					shape := routeShape(path)
					if seen[shape] || st != 200 {
						continue
					}
					seen[shape] = true
					n++
					file := safeName(strings.ReplaceAll(strings.Trim(shape, "/"), "/", "-"))
					if file == "" {
						file = "home"
					}
					shot(name+"_crawl_"+file, path)
				}
			})
		}
	})
	var all []string
	for _, lines := range index {
		all = append(all, lines...)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.txt"), []byte(strings.Join(all, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d pages, %d screenshots in %s", len(all), 2*len(all), dir)
}

// writeShot saves a full-page screenshot of the tab's page.
func writeShot(t *testing.T, tab *Tab, path string) {
	t.Helper()
	png := value(tab, "screenshot", chromedp.FullScreenshot(100))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}
