package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// pageBudget is the most a public page may weigh, HTML and CSS before compression, photos
// excluded (issue 23): 60 KB. The communes' map inlined on the statistics page is exempt
// (issue 25): it has its own budget, mapBudget.
const pageBudget = 60 << 10

// mapBudget is the most the inline communes' map of the statistics page may weigh, before
// compression: 100 KB.
const mapBudget = 100 << 10

// inlineMap returns the size of the communes' map inlined in a page (0 when there is none).
func inlineMap(body string) int {
	start := strings.Index(body, `<div class="stats-map">`)
	if start < 0 {
		return 0
	}
	end := strings.Index(body[start:], "</svg>")
	if end < 0 {
		return 0
	}
	return end + len("</svg>") - len(`<div class="stats-map">`)
}

// TestPageWeight walks every public page of the demo as a visitor who is not signed in
// (following the links from the home page through the real router), and measures each
// page's HTML plus the style sheet it links to, before compression. It fails when a page is
// over the budget and logs the heaviest pages (go test -run TestPageWeight -v).
func TestPageWeight(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		home := b.get("/")
		m := cssLinkRe.FindStringSubmatch(home.Body)
		if m == nil {
			t.Fatal("no style sheet link on the home page")
		}
		css := len(b.get(m[1]).Body)
		type weight struct {
			path string
			html int
		}
		var pages []weight
		maps := 0 // pages with an inline map
		seen := map[string]bool{"/": true}
		queue := []string{"/"}
		for len(queue) > 0 && len(pages) < 3000 {
			path := queue[0]
			queue = queue[1:]
			p := b.get(path)
			if p.Status != http.StatusOK || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
				continue
			}
			if cssLinkRe.FindStringSubmatch(p.Body) == nil {
				t.Errorf("%s: no link to the hashed style sheet", path)
			}
			m := inlineMap(p.Body)
			if m > 0 {
				maps++
			}
			if m > mapBudget {
				t.Errorf("%s: the inline map weighs %.1f KB, over its %d KB budget", path, kb(m), mapBudget>>10)
			}
			pages = append(pages, weight{path, len(p.Body) - m})
			for _, l := range anyHrefRe.FindAllStringSubmatch(p.Body, -1) {
				next := publicLink(l[1])
				if next != "" && !seen[next] {
					seen[next] = true
					queue = append(queue, next)
				}
			}
		}
		if maps == 0 {
			t.Error("no page inlines the communes' map: the statistics pages were not reached")
		}
		if len(pages) < 20 {
			t.Fatalf("only %d public pages reached", len(pages))
		}
		slices.SortFunc(pages, func(a, b weight) int { return b.html - a.html })
		total := 0
		for _, p := range pages {
			total += p.html
			if p.html+css > pageBudget {
				t.Errorf("%s: %d bytes of HTML + %d of CSS = %.1f KB, over the %d KB budget", p.path, p.html, css, kb(p.html+css), pageBudget>>10)
			}
		}
		t.Logf("%d public pages; style sheet %.1f KB (one file, hashed URL); HTML mean %.1f KB, median %.1f KB", len(pages), kb(css),
			kb(total/len(pages)), kb(pages[len(pages)/2].html))
		for _, p := range pages[:min(15, len(pages))] {
			t.Logf("%6.1f KB HTML + CSS = %6.1f KB  %s", kb(p.html), kb(p.html+css), p.path)
		}
		for _, path := range []string{"/", "/pas-de-calais-2018", "/pas-de-calais-2018/resultats"} {
			for _, p := range pages {
				if p.path == path {
					t.Logf("%6.1f KB HTML + CSS = %6.1f KB  %s", kb(p.html), kb(p.html+css), p.path)
				}
			}
		}
	})
}

func kb(n int) float64 { return float64(n) / 1024 }

// publicLink is the path (and query) of a link worth following as a visitor: a page of the
// site, not an asset, a download or the API ("" otherwise).
func publicLink(href string) string {
	href = strings.ReplaceAll(href, "&amp;", "&")
	u, err := url.Parse(href)
	if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(u.Path, "/") {
		return ""
	}
	for _, skip := range []string{"/static/", "/api/", "/media/", "/photos/"} {
		if strings.HasPrefix(u.Path, skip) {
			return ""
		}
	}
	if strings.Contains(u.Path, "/pabulib/") || strings.HasSuffix(u.Path, ".csv") || strings.HasSuffix(u.Path, ".json") ||
		strings.HasSuffix(u.Path, ".zip") || strings.HasSuffix(u.Path, ".pdf") {
		return ""
	}
	if u.RawQuery != "" {
		return u.Path + "?" + u.RawQuery
	}
	return u.Path
}
