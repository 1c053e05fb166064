package browsertest

import (
	"fmt"
	"testing"
)

// TestDemoPhotos: the demo's campaign voting now shows each project's photo (lazy-loaded,
// with its description) on the catalogue, the project page and the ballot, at 1280 and
// 375 px, without horizontal scroll and with axe-core's approval; the screenshots are
// test-artifacts/TestDemoPhotos-*.png.
func TestDemoPhotos(t *testing.T) {
	t.Parallel()
	s := SharedSite(t)
	_, slug := s.Slugs()
	tab := s.NewTab(t)
	email := "camille.photos@example.org"

	views := []struct {
		w, h   int64
		mobile bool
	}{{1280, 900, false}, {phoneWidth, phoneHeight, true}}
	for _, vp := range views {
		tab.SetViewport(vp.w, vp.h, vp.mobile)
		tab.Open("/" + slug + "/projets")
		cards := Eval[int](tab, `document.querySelectorAll('main .card').length`)
		photos := Eval[int](tab, `document.querySelectorAll('main .card figure.project-photo img[loading=lazy][srcset][sizes][alt]:not([alt=""])').length`)
		if cards == 0 || photos != cards {
			t.Fatalf("catalogue at %d px: %d photos with a description for %d cards", vp.w, photos, cards)
		}
		loadImages(t, tab)
		// The browser picks the width that fits the card: never the 1280 px one here.
		if big := Eval[[]string](tab, `[...document.querySelectorAll('main .card img')].map(i => i.currentSrc).filter(u => !/-(320|640)\.jpg$/.test(u))`); len(big) > 0 {
			t.Errorf("catalogue at %d px loads %v", vp.w, big)
		}
		tab.CheckAxe()
		if vp.mobile {
			tab.CheckNoHorizontalScroll()
		}
		tab.Screenshot(fmt.Sprintf("catalogue-%d", vp.w))
	}

	tab.SetViewport(1280, 900, false)
	tab.Open("/" + slug + "/projets")
	tab.SubmitOK(`main .card h2 a`)
	if !tab.Has(`main figure.project-photo-full img[srcset*="1280w"], main figure.project-photo-full img[srcset*="1200w"]`) {
		t.Fatalf("the project page has no photo:\n%s", tab.MainText())
	}
	loadImages(t, tab)
	tab.CheckAxe()
	tab.Screenshot("project-1280")

	// The ballot, after the e-mail code and the declaration.
	tab.Open("/" + slug + "/vote")
	tab.Type("email", email)
	tab.SubmitOK(`main form[action="/` + slug + `/vote/courriel"] button[type=submit]`)
	tab.Type("code", voteCode(t, s, email))
	tab.SubmitOK(`main form[action="/connexion/code/verifier"] button[type=submit]`)
	tab.Type("nom", "Photo")
	tab.Type("prenom", "Camille")
	tab.Set("naissance", "1990-04-02")
	tab.Set("commune", "62041")
	tab.SubmitOK(`main form[action="/` + slug + `/vote/identite"]:has(input[name=methode][value=email]) button[type=submit]`)
	ballot := `main form[action="/` + slug + `/vote/verifier"]`
	if !tab.Has(ballot) {
		t.Fatalf("no ballot after the declaration:\n%s", tab.MainText())
	}
	for _, vp := range views {
		tab.SetViewport(vp.w, vp.h, vp.mobile)
		tab.Open("/" + slug + "/vote")
		choices := Eval[int](tab, `document.querySelectorAll('main form.ballot .choice input[name^=cat-]:not([value=""]), main form.ballot .choice input[name=p]').length`)
		photos := Eval[int](tab, `document.querySelectorAll('main form.ballot .choice figure.project-photo img[alt]:not([alt=""])').length`)
		if choices == 0 || photos != choices {
			t.Errorf("ballot at %d px: %d photos for %d projects", vp.w, photos, choices)
		}
		loadImages(t, tab)
		tab.CheckAxe()
		if vp.mobile {
			tab.CheckNoHorizontalScroll()
		}
		tab.Screenshot(fmt.Sprintf("ballot-%d", vp.w))
	}
}
