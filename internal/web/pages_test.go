package web_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/results"
)

// lastDay is the text of a phase's last day on a button: in words, without the year when it
// is the year of now.
func lastDay(c *campaign.Campaign, p campaign.Phase, now time.Time) string {
	w, _ := c.Window(p)
	end := w.End.In(c.Location())
	s := i18n.Date(i18n.FR, end)
	if end.Year() == now.In(c.Location()).Year() {
		s = strings.TrimSuffix(s, " "+strconv.Itoa(end.Year()))
	}
	return s
}

func (s *site) campaign(slug string) *campaign.Campaign {
	s.t.Helper()
	c, err := campaign.BySlug(context.Background(), s.db, slug)
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// sectionOf cuts the home page's section of one campaign.
func sectionOf(t *testing.T, body, slug string) string {
	t.Helper()
	i := strings.Index(body, `<section class="card campaign-card" aria-labelledby="c-`+slug+`">`)
	if i < 0 {
		t.Fatalf("no section for %s on the home page", slug)
	}
	rest := body[i:]
	return rest[:strings.Index(rest, "</section>")]
}

// TestHomePrimaryAction: each current campaign's section on the home page shows the open
// phase's main action as a button, with the phase's last day in words, and its timeline.
func TestHomePrimaryAction(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		openSlug, voteSlug := demo.Slugs(testNow)
		open, voting := s.campaign(openSlug), s.campaign(voteSlug)
		ideasEnd, _ := open.Window(campaign.PhaseIdeas)
		comptoirs, _ := open.Window(campaign.PhaseComptoirs)
		voteEnd, _ := voting.Window(campaign.PhaseVote)
		cases := []struct {
			name string
			now  time.Time
			slug string
			want string // the button, as written in the page
		}{
			{"ideas open", testNow, openSlug, `<a class="button" href="/` + openSlug + `/idees/deposer">Déposez votre idée jusqu'au ` + lastDay(open, campaign.PhaseIdeas, testNow) + `</a>`},
			{"vote open", testNow, voteSlug, `<a class="button" href="/` + voteSlug + `/vote">Votez jusqu'au ` + lastDay(voting, campaign.PhaseVote, testNow) + `</a>`},
			{"dossiers open", ideasEnd.End.Add(time.Hour), openSlug, `<a class="button" href="/` + openSlug + `/dossiers">Déposez votre dossier</a>`},
			{"comptoirs and dossiers open: the dossier first", comptoirs.End.Add(-time.Hour), openSlug, `<a class="button" href="/` + openSlug + `/dossiers">Déposez votre dossier</a>`},
			{"vote closed", voteEnd.End.Add(time.Hour), voteSlug, `<a class="button" href="/` + voteSlug + `/resultats">Découvrez les lauréats</a>`},
		}
		for _, tc := range cases {
			s.now = tc.now
			p := s.browser().get("/")
			wantStatus(t, p, http.StatusOK, tc.name)
			sec := html.UnescapeString(sectionOf(t, p.Body, tc.slug))
			for _, want := range []string{tc.want, `<a href="/` + tc.slug + `">`, `<ol class="timeline">`, "Étapes en cours et à venir"} {
				if !strings.Contains(sec, want) {
					t.Errorf("%s: the section of %s lacks %q:\n%s", tc.name, tc.slug, want, sec)
				}
			}
			if n := strings.Count(sec, `class="button"`); n != 1 {
				t.Errorf("%s: %d main buttons, want 1", tc.name, n)
			}
		}
		s.now = testNow
	})
}

var (
	figureRe  = regexp.MustCompile(`<strong class="figure">([^<]+)</strong>`)
	barRe     = regexp.MustCompile(`<rect class="(bar-funded|bar-other)"`)
	winnerRe  = regexp.MustCompile(`<span class="winner-title">([^<]+)</span>`)
	votersRe  = regexp.MustCompile(`<p>([0-9\x{202f}\x{a0}]+) votants\. `)
	selRowsRe = regexp.MustCompile(`<tr class="selected">`)
)

// TestResultsSummary: the 2018 results open with a summary (winners by category with their
// amounts, the amount funded against the envelope, the turnout), then the bar chart of votes
// drawn on the server (a bar per project, winners filled, the envelope marked), then the
// full table.
func TestResultsSummary(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		slug := campaign.PresetPasDeCalais2018
		c := s.campaign(slug)
		ps, err := results.Projects(context.Background(), s.db, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		p := s.browser().get("/" + slug + "/resultats")
		wantStatus(t, p, http.StatusOK, "2018 results")
		body := p.Body
		summary, chart, table := strings.Index(body, `class="results-summary"`), strings.Index(body, `<figure class="vote-chart">`), strings.Index(body, `<table class="table results-table">`)
		if summary < 0 || chart < summary || table < chart {
			t.Fatalf("summary at %d, chart at %d, table at %d: want them in that order", summary, chart, table)
		}
		sum := body[summary:chart]
		figs := figureRe.FindAllStringSubmatch(sum, -1)
		winners := winnerRe.FindAllStringSubmatch(sum, -1)
		if len(figs) != 3 || len(winners) == 0 {
			t.Fatalf("summary: %d key figures, %d winners:\n%s", len(figs), len(winners), sum)
		}
		if figs[0][1] != strconv.Itoa(len(winners)) {
			t.Errorf("summary says %s winners, lists %d", figs[0][1], len(winners))
		}
		if n := len(selRowsRe.FindAllString(body[table:], -1)); n < len(winners) {
			t.Errorf("%d funded rows in the tables, %d winners in the summary", n, len(winners))
		}
		wantContains(t, page{Body: sum}, "summary", "attribués sur une enveloppe de "+i18n.Money(i18n.FR, c.EnvelopeCents),
			"Démarche de bonnes pratiques", `<strong class="winner-amount">`, "votants")
		if v := votersRe.FindStringSubmatch(body); v == nil || v[1] != figs[2][1] {
			t.Errorf("turnout in the summary %q, in the turnout section %v", figs[2][1], v)
		}
		svg := body[chart:table]
		bars := barRe.FindAllStringSubmatch(svg, -1)
		funded := 0
		for _, b := range bars {
			if b[1] == "bar-funded" {
				funded++
			}
		}
		if len(bars) != len(ps) || funded != len(winners) {
			t.Errorf("chart: %d bars (%d filled), want %d projects, %d winners", len(bars), funded, len(ps), len(winners))
		}
		wantContains(t, page{Body: svg}, "chart", `role="img"`, "<title id=", "<desc id=", `class="envelope-line"`, "Enveloppe de ")
	})
}

// TestArchivedCampaignWinners: the page of the archived 2018 campaign lists its winners
// (title, category, amount); a campaign whose vote is not over lists none.
func TestArchivedCampaignWinners(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		res := b.get("/" + campaign.PresetPasDeCalais2018 + "/resultats")
		p := b.get("/" + campaign.PresetPasDeCalais2018)
		wantStatus(t, p, http.StatusOK, "2018 campaign")
		wantContains(t, p, "2018 campaign", `<h2 id="laureats">Les projets lauréats</h2>`, "<h3>Innovation sociale</h3>", `<strong class="winner-amount">`)
		sum := res.Body[strings.Index(res.Body, `class="results-summary"`):strings.Index(res.Body, `<figure class="vote-chart">`)]
		want := winnerRe.FindAllString(sum, -1)
		if got := winnerRe.FindAllString(p.Body, -1); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("the campaign page lists %d winners, the results %d", len(got), len(want))
		}
		openSlug, voteSlug := demo.Slugs(testNow)
		if strings.Contains(b.get("/"+openSlug).Body, `id="laureats"`) {
			t.Error("a campaign whose vote is not over lists winners")
		}
		// The page of a campaign whose vote is open leads with the same button as the home.
		wantContains(t, b.get("/"+voteSlug), "campaign voting now", `<p class="primary-action"><a class="button" href="/`+voteSlug+`/vote">Votez jusqu&#39;au `)
	})
}

var cssLinkRe = regexp.MustCompile(`<link rel="stylesheet" href="(/static/site\.css\?v=[0-9a-f]{12})">`)

// TestStyleSheetHashedURL: pages link to the style sheet by its content hash, which browsers
// may keep a year; the plain address still works, for an hour.
func TestStyleSheetHashedURL(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		m := cssLinkRe.FindStringSubmatch(b.get("/").Body)
		if m == nil {
			t.Fatal("the home page does not link to the style sheet by its hash")
		}
		for _, tc := range []struct{ url, cache string }{
			{m[1], "public, max-age=31536000, immutable"},
			{"/static/site.css", "public, max-age=3600"},
			{"/static/site.css?v=000000000000", "public, max-age=3600"},
		} {
			p := b.get(tc.url)
			wantStatus(t, p, http.StatusOK, tc.url)
			if got := p.Header.Get("Cache-Control"); got != tc.cache {
				t.Errorf("%s: Cache-Control %q, want %q", tc.url, got, tc.cache)
			}
			if !strings.Contains(p.Body, ":root") {
				t.Errorf("%s: not the style sheet", tc.url)
			}
		}
	})
}
