package browsertest

import (
	"testing"
	"time"
)

// TestMapPages: the catalogue of the 2018 edition and the comptoirs of the open campaign show
// the map of their communes (a file loaded by an <img> with its alternative text), followed
// by the list of the communes; each passes axe-core at 1280 and 375 px, fits a phone, and is
// photographed (test-artifacts/TestMapPages-*.png).
func TestMapPages(t *testing.T) {
	t.Parallel()
	s := SharedSite(t)
	open, _ := s.Slugs()
	tab := s.NewTab(t)
	for _, pg := range []struct{ name, path string }{
		{"catalogue-2018", "/" + ArchivedSlug + "/projets"},
		{"comptoirs", "/" + open + "/comptoirs"},
	} {
		t.Run(pg.name, func(t *testing.T) {
			tab := tab.For(t)
			for _, w := range screenWidths {
				tab.SetViewport(w.width, w.height, w.mobile)
				tab.Open(pg.path)
				for _, sel := range []string{`.map img[alt][src*="/carte/"]`, ".map details summary", ".map details p"} {
					if !tab.Has(sel) {
						t.Fatalf("%s at %s px: no %s", pg.path, w.name, sel)
					}
				}
				// The map is lazy: bring it into view and wait for the file.
				loaded := false
				for range 100 {
					if loaded = Eval[bool](tab, `(() => { const i = document.querySelector('.map img'); i.scrollIntoView(); return i.complete && i.naturalWidth > 0; })()`); loaded {
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
				if !loaded {
					t.Errorf("%s at %s px: the map did not load", pg.path, w.name)
				}
				if width := Eval[float64](tab, `document.querySelector('.map img').getBoundingClientRect().width`); width < 300 {
					t.Errorf("%s at %s px: the map is %.0f px wide", pg.path, w.name, width)
				}
				tab.CheckAxe()
				tab.Screenshot(w.name)
				if w.mobile {
					tab.CheckNoHorizontalScroll()
				}
			}
		})
	}
}
