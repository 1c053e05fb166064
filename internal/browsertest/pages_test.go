package browsertest

import (
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// measureFCP turns on TestFirstContentfulPaint, which measures and logs, not asserts:
// go test ./internal/browsertest -run TestFirstContentfulPaint -fcp -v
var measureFCP = flag.Bool("fcp", false, "measure the first contentful paint of the main public pages (TestFirstContentfulPaint)")

// TestStoryPages: the home page shows each current campaign's main action as a button; the
// 2018 results open with their summary and the SVG chart of votes; the 2018 campaign page
// lists its winners. Each passes axe-core, fits a 375 px phone, and is photographed at 1280
// and 375 px (test-artifacts/TestStoryPages-*.png).
func TestStoryPages(t *testing.T) {
	t.Parallel()
	s := SharedSite(t)
	_, voteSlug := s.Slugs()
	tab := s.NewTab(t)
	for _, pg := range []struct {
		name, path string
		want       []string // selectors the page must have
	}{
		{"home", "/", []string{`main section a.button[href="/` + voteSlug + `/vote"]`, `main a[href="/` + voteSlug + `"]`, "main section ol.timeline"}},
		{"results-2018", "/" + ArchivedSlug + "/resultats", []string{".results-summary .key-figures", ".results-summary .winners li",
			`.vote-chart svg[role=img] rect.bar-funded`, ".vote-chart .envelope-line", "table.table tr.selected"}},
		{"campaign-2018", "/" + ArchivedSlug, []string{".campaign-winners .winners li .winner-amount"}},
	} {
		t.Run(pg.name, func(t *testing.T) {
			tab := tab.For(t)
			tab.SetViewport(1280, 900, false)
			tab.Open(pg.path)
			for _, sel := range pg.want {
				if !tab.Has(sel) {
					t.Errorf("%s: no %s", pg.path, sel)
				}
			}
			tab.CheckAxe()
			tab.Screenshot("1280")
			tab.SetViewport(phoneWidth, phoneHeight, true)
			tab.Open(pg.path)
			tab.CheckAxe()
			tab.Screenshot("375")
			tab.CheckNoHorizontalScroll()
			if pg.name == "results-2018" {
				// The summary comes first: on a phone it starts within the first screen.
				top := Eval[float64](tab, `document.querySelector('.results-summary').getBoundingClientRect().top`)
				if top > phoneHeight {
					t.Errorf("the results summary starts at %.0f px, below the first screen of a phone", top)
				}
			}
		})
	}
}

// fcpConditions are the conditions of a measure: none, or a Lighthouse-like mid-range phone
// (4× slower processor, 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up).
var fcpConditions = []struct {
	name      string
	cpu       float64
	latencyMs float64
	down, up  float64 // bytes per second; -1: no limit
}{
	{"no throttling", 1, 0, -1, -1},
	{"mobile (4x CPU, 150 ms, 1.6 Mbit/s)", 4, 150, 1.6e6 / 8, 750e3 / 8},
}

// TestFirstContentfulPaint measures, with the browser suite's Chromium at 375 px, the first
// contentful paint of the home page, the catalogue, the ballot and the results, cold (cache
// disabled), and logs the median of five loads. A measure, not a test: it runs with -fcp.
func TestFirstContentfulPaint(t *testing.T) {
	if !*measureFCP {
		t.Skip("a measure: run with -fcp")
	}
	s := NewSite(t)
	_, voteSlug := s.Slugs()
	tab := s.NewTab(t)
	tab.SetViewport(phoneWidth, phoneHeight, true)

	// The ballot needs a voter who has given the campaign an e-mail address and a declaration.
	email := "fcp.ballot@example.org"
	tab.Open("/" + voteSlug + "/vote")
	tab.Type("email", email)
	tab.SubmitOK(`main form[action="/` + voteSlug + `/vote/courriel"] button[type=submit]`)
	tab.Type("code", voteCode(t, s, email))
	tab.SubmitOK(`main form[action="/connexion/code/verifier"] button[type=submit]`)
	tab.Type("nom", "Mesure")
	tab.Type("prenom", "Paule")
	tab.Set("naissance", "1970-01-01")
	tab.Set("commune", "62041")
	tab.SubmitOK(`main form[action="/` + voteSlug + `/vote/identite"]:has(input[name=methode][value=email]) button[type=submit]`)
	if !tab.Has(`main form[action="/` + voteSlug + `/vote/verifier"]`) {
		t.Fatalf("no ballot:\n%s", tab.MainText())
	}

	pages := []struct{ name, path string }{
		{"home", "/"},
		{"catalogue", "/" + voteSlug + "/projets"},
		{"ballot", "/" + voteSlug + "/vote"},
		{"results 2018", "/" + ArchivedSlug + "/resultats"},
	}
	if _, err := tabCall(tab, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := tabCall(tab, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		t.Fatal(err)
	}
	var report strings.Builder
	fmt.Fprintf(&report, "first contentful paint, 375×812 mobile viewport, cache disabled, median of 5 loads:\n")
	for _, c := range fcpConditions {
		if _, err := tabCall(tab, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: c.cpu}); err != nil {
			t.Fatal(err)
		}
		if _, err := tabCall(tab, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Latency: c.latencyMs, DownloadThroughput: c.down, UploadThroughput: c.up}}}); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&report, "  %s:\n", c.name)
		for _, pg := range pages {
			var fcps, loads []float64
			for range 5 {
				tab.Open(pg.path)
				fcp := -1.0
				for try := 0; fcp < 0 && try < 20; try++ {
					if try > 0 {
						tab.run("wait for the paint", chromedp.Sleep(50*time.Millisecond))
					}
					fcp = Eval[float64](tab, `(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: -1}).startTime`)
				}
				fcps = append(fcps, fcp)
				loads = append(loads, Eval[float64](tab, `performance.getEntriesByType('navigation')[0].loadEventEnd`))
			}
			fmt.Fprintf(&report, "    %-13s FCP %6.0f ms  load %6.0f ms  (FCP of the 5 loads: %v)\n", pg.name, median(fcps), median(loads), rounded(fcps))
		}
	}
	_, _ = tabCall(tab, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: 1})
	t.Log(report.String())
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func rounded(xs []float64) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = int(x + .5)
	}
	return out
}
