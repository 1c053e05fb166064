package browsertest

import (
	"cmp"
	"context"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
)

// screensDir is where TestScreens writes its screenshots:
// go test ./internal/browsertest -run Screens -screens DIR
var screensDir = flag.String("screens", "", "directory where TestScreens saves a screenshot of every page at 375 and 1280 px")

// screenWidths are the two widths every page is looked at: a desktop and a small phone.
var screenWidths = []struct {
	name          string
	width, height int64
	mobile        bool
}{
	{"1280", 1280, 900, false},
	{"375", phoneWidth, phoneHeight, true},
}

// screenPages are the pages of a campaign that a11yPages leaves out: its public pages, and
// the forms of its steps (the ballot and its review, a dossier's steps, the idea form, the
// review form of a committee member). Pages reached by a journey come from screenJourneys.
func screenPages(s *Site) []a11yPage {
	open, vote := s.Slugs()
	return []a11yPage{
		{name: "projects", path: "/" + vote + "/projets"},
		{name: "ideas", path: "/" + open + "/idees"},
		{name: "idea-form", role: access.Citizen, path: "/" + open + "/idees/deposer"},
		{name: "idea-form-errors", role: access.Citizen, path: "/" + open + "/idees/deposer", action: submitWithErrors},
		{name: "vote-start", path: "/" + vote + "/vote"},
		{name: "vote-board", path: "/" + vote + "/vote/urne"},
		{name: "comptoirs", path: "/" + open + "/comptoirs"},
		{name: "results-archived", path: "/" + ArchivedSlug + "/resultats"},
		{name: "results-ballots", path: "/" + ArchivedSlug + "/resultats/bulletins"},
		{name: "projects-archived", path: "/" + ArchivedSlug + "/projets"},
		{name: "dossier-new", role: access.Carrier, path: "/" + open + "/dossiers/nouveau"},
		{name: "structures", role: access.Carrier, path: "/compte/structures"},
		{name: "committee", role: access.Committee, path: "/" + open + "/comite"},
	}
}

// TestScreens saves a full-page screenshot of every page at 1280 and 375 px into the
// directory given by -screens, to be looked at by a person (it checks nothing else than
// that each page opens). Without -screens it skips.
func TestScreens(t *testing.T) {
	if *screensDir == "" {
		t.Skip("no -screens DIR: run go test ./internal/browsertest -run Screens -screens DIR to save the screenshots")
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
	for _, p := range append(a11yPages(s), screenPages(s)...) {
		if _, ok := byRole[p.role]; !ok {
			roles = append(roles, p.role)
		}
		byRole[p.role] = append(byRole[p.role], p)
	}
	for _, ps := range byRole {
		// The English pages last: the language chosen stays for the pages after them.
		slices.SortStableFunc(ps, func(a, b a11yPage) int {
			en := func(p a11yPage) int {
				if strings.Contains(p.path, "lang=en") {
					return 1
				}
				return 0
			}
			return cmp.Compare(en(a), en(b))
		})
	}
	for _, role := range roles {
		name := string(role)
		if name == "" {
			name = "visitor"
		}
		t.Run(name, func(t *testing.T) {
			tab := s.NewTab(t)
			if role != "" {
				tab.SignInAs(role)
			}
			for _, p := range byRole[role] {
				t.Run(p.name, func(t *testing.T) {
					tab := tab.For(t)
					want := p.status
					if want == 0 {
						want = http.StatusOK
					}
					if st := tab.OpenStatus(p.path); st != want {
						t.Fatalf("open %s: status %d, want %d", p.path, st, want)
					}
					if p.action != nil {
						p.action(t, tab)
					}
					tab.screens(dir, p.name)
				})
			}
		})
	}
	t.Run("journeys", func(t *testing.T) { screenJourneys(t, s, dir) })
}

// screens saves the page as it is at both widths: DIR/<name>-1280.png and DIR/<name>-375.png.
func (tab *Tab) screens(dir, name string) {
	tab.t.Helper()
	for _, w := range screenWidths {
		tab.SetViewport(w.width, w.height, w.mobile)
		png := value(tab, "screenshot", chromedp.FullScreenshot(100))
		path := filepath.Join(dir, safeName(name)+"-"+w.name+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			tab.t.Fatal(err)
		}
	}
	tab.SetViewport(1280, 900, false)
}

var (
	dossierLinkRe   = regexp.MustCompile(`^/[a-z0-9-]+/dossiers/\d+$`)
	committeeLinkRe = regexp.MustCompile(`^/[a-z0-9-]+/comite/\d+$`)
)

// screenJourneys reaches the pages behind a step: the ballot and its review (a new voter),
// the steps of the demo carrier's first dossier, a committee member's review form.
func screenJourneys(t *testing.T, s *Site, dir string) {
	open, vote := s.Slugs()
	t.Run("vote", func(t *testing.T) {
		tab := s.NewTab(t)
		email := "ecrans.vote@example.org"
		tab.Open("/" + vote + "/vote")
		tab.Type("email", email)
		tab.SubmitOK(`main form[action="/` + vote + `/vote/courriel"] button[type=submit]`)
		tab.screens(dir, "vote-code")
		tab.Type("code", voteCode(t, s, email))
		tab.SubmitOK(`main form[action="/connexion/code/verifier"] button[type=submit]`)
		tab.screens(dir, "vote-identity")
		tab.Type("nom", "Écrans")
		tab.Type("prenom", "Paule")
		tab.Set("naissance", "1970-01-01")
		tab.Set("commune", "62041")
		tab.SubmitOK(`main form[action="/` + vote + `/vote/identite"]:has(input[name=methode][value=email]) button[type=submit]`)
		tab.screens(dir, "vote-ballot")
		if st := tab.Submit(`main form[action="/` + vote + `/vote/verifier"] button[type=submit]`); st == http.StatusUnprocessableEntity {
			tab.screens(dir, "vote-ballot-errors")
		}
		// One choice in the first category, then the review (the vote is not cast).
		tab.Click(`form.ballot .choice input`)
		tab.SubmitOK(`main form[action="/` + vote + `/vote/verifier"] button[type=submit]`)
		tab.screens(dir, "vote-review")
	})
	t.Run("dossier", func(t *testing.T) {
		tab := s.NewTab(t)
		tab.SignInAs(access.Carrier)
		tab.Open("/espace")
		d := firstLink(tab, dossierLinkRe)
		if d == "" {
			t.Skipf("the demo carrier has no dossier:\n%s", tab.MainText())
		}
		for _, step := range []string{"projet", "presentation", "budget", "documents", ""} {
			path, name := d+"/"+step, "dossier-"+step
			if step == "" {
				path, name = d, "dossier-review"
			}
			tab.Open(path)
			tab.screens(dir, name)
		}
		_ = open
	})
	t.Run("review-form", func(t *testing.T) {
		// On a site of its own: the open campaign's dossiers are submitted and assigned to
		// the demo committee member, who declares no conflict and opens the review form.
		s := NewSite(t)
		ctx := context.Background()
		c, err := campaign.BySlug(ctx, s.DB, open)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB.ExecContext(ctx, "UPDATE dossiers SET state = 'submitted', submitted_at = $1 WHERE campaign_id = $2",
			seedNow, c.ID); err != nil {
			t.Fatal(err)
		}
		s.SetNow(seedNow.AddDate(0, 0, 65))
		_, last, _ := c.Days(campaign.PhaseLabelling)
		admin := "/admin/campagnes/" + open
		tab := s.NewTab(t)
		tab.SignInAs(access.Agent)
		tab.Open(admin + "/comite")
		tab.Type("min_reviewers", "1")
		tab.Type("quorum", "1")
		tab.Set("due_on", last.String())
		tab.SubmitOK(`main form[action="` + admin + `/comite/reglages"] button[type=submit]`)
		tab.SubmitOK(`main form[action="` + admin + `/comite/affectations/auto"] button[type=submit]`)
		tab.screens(dir, "committee-admin")
		tab.Open(admin + "/comite/seance")
		tab.screens(dir, "committee-session")

		mt := s.NewTab(t)
		mt.SignInAs(access.Committee)
		mt.Open("/" + open + "/comite")
		mt.screens(dir, "committee-member")
		r := firstLink(mt, committeeLinkRe)
		if r == "" {
			t.Skipf("the demo committee member has no dossier to review:\n%s", mt.MainText())
		}
		mt.Open(r)
		if mt.Has(`input[name=conflict]`) {
			mt.screens(dir, "review-declaration")
			mt.Click(`#conflict-no`)
			mt.SubmitOK(`main form[action$="/declaration"] button[type=submit]`)
		}
		mt.screens(dir, "review-form")
		if st := mt.Submit(`main button[name=submit][value=final]`); st == http.StatusUnprocessableEntity {
			mt.screens(dir, "review-form-errors")
		}
	})
}

// firstLink is the first link of the main content whose address matches re, or "".
func firstLink(tab *Tab, re *regexp.Regexp) string {
	for _, href := range Eval[[]string](tab, `[...document.querySelectorAll('main a[href]')].map(a => a.getAttribute('href'))`) {
		if re.MatchString(href) {
			return href
		}
	}
	return ""
}
