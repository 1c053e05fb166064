package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/review"
	"budgetcitoyen/internal/vote"
	"budgetcitoyen/internal/workshop"
)

var espaceHrefRe = regexp.MustCompile(`href="([^"]+)"`)

// mainLinks returns the links of the page's main element (not the header's or footer's),
// each once.
func mainLinks(body string) []string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if i := strings.Index(body, "</main>"); i >= 0 {
		body = body[:i]
	}
	seen := map[string]bool{}
	var out []string
	for _, m := range espaceHrefRe.FindAllStringSubmatch(body, -1) {
		u := html.UnescapeString(m[1])
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}

// section returns the HTML of the page's section with the id, empty if it has none.
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</section>")
	if j < 0 {
		return body[i:]
	}
	return body[i : i+j]
}

// followAll opens every link of the main element of the page and wants each to answer 200.
func followAll(t *testing.T, b *browser, p page, what string) []string {
	t.Helper()
	links := mainLinks(p.Body)
	for _, l := range links {
		if !strings.HasPrefix(l, "/") {
			t.Errorf("%s: link %q leaves the site", what, l)
			continue
		}
		if got := b.get(l); got.Status != http.StatusOK {
			t.Errorf("%s: link %s answers %d", what, l, got.Status)
		}
	}
	return links
}

// TestEspaceForEachDemoRole: each demo account lands on /espace after signing in, finds its
// own items there, each link of the page opens (200), and /compte links back to it.
func TestEspaceForEachDemoRole(t *testing.T) {
	open, voteSlug := demo.Slugs(testNow)
	tests := []struct {
		role  access.Role
		want  []string // in the page
		links []string // among the page's links
		not   []string // not in the page
	}{
		{role: access.Citizen, want: []string{"Mon vote", "Le vote est ouvert jusqu&#39;au"},
			links: []string{"/" + voteSlug + "/vote"}, not: []string{"Vous avez voté", `id="espace-staff"`, `id="espace-rien"`}},
		{role: access.Carrier, want: []string{"Association Les Jardins de Nadia", "Jardin partagé du quartier Saint-Sauveur",
			"Brouillon", "Prochaine étape : ", "Participer maintenant"},
			links: []string{"/compte/structures", "/compte/structures/", "/" + open + "/dossiers", "/" + open + "/idees/deposer"},
			not:   []string{`id="espace-staff"`}},
		{role: access.Animator, want: []string{"Mes comptoirs à animer", "Comptoir d&#39;Arras"},
			links: []string{"/" + open + "/comptoirs", "/presences"}, not: []string{`id="espace-staff"`}},
		{role: access.Committee, want: []string{"Mes dossiers à examiner"},
			links: []string{"/" + open + "/comite", "/" + voteSlug + "/comite"}, not: []string{`id="espace-staff"`}},
		{role: access.Agent, want: []string{"Administration"}, links: []string{"/admin"},
			not: []string{"/admin/comptes", "Participer maintenant"}},
		{role: access.Admin, want: []string{"Administration", "Comptes et rôles"}, links: []string{"/admin", "/admin/comptes"},
			not: []string{"Mes dossiers à examiner", "Mes comptoirs à animer"}},
		{role: access.Trustee, want: []string{"Mes urnes scellées", "Donner ma part de clé"},
			links: []string{"/" + open + "/vote/urne/ouvrir", "/" + voteSlug + "/vote/urne/ouvrir"}},
	}
	eachSite(t, func(t *testing.T, s *site) {
		for _, tt := range tests {
			t.Run(string(tt.role), func(t *testing.T) {
				a := demoAccount(t, tt.role)
				b := s.browser()
				b.get("/connexion")
				p := b.post("/connexion", url.Values{"email": {a.Email}, "password": {a.Password}})
				if p.Status != http.StatusSeeOther || p.Location != "/espace" {
					t.Fatalf("sign in: %d → %q, want /espace", p.Status, p.Location)
				}
				p = b.get("/espace")
				wantStatus(t, p, http.StatusOK, "espace")
				wantContains(t, p, "espace", append([]string{"<h1>Mon espace</h1>", `href="/compte"`}, tt.want...)...)
				if i, j := strings.Index(p.Body, `href="/espace"`), strings.Index(p.Body, `href="/compte"`); i < 0 || i > j {
					t.Errorf("the header lacks Mon espace before Mon compte")
				}
				for _, n := range tt.not {
					if strings.Contains(p.Body, n) {
						t.Errorf("page shows %q", n)
					}
				}
				links := followAll(t, b, p, string(tt.role))
				for _, want := range tt.links {
					found := false
					for _, l := range links {
						if strings.HasPrefix(l, want) || strings.HasSuffix(l, want) {
							found = true
						}
					}
					if !found {
						t.Errorf("no link %q among %v", want, links)
					}
				}
				wantContains(t, b.get("/compte"), "account page", `href="/espace"`)
			})
		}
	})
}

// TestEspaceCitizenItemsAndVote: a citizen's idea, comptoir registration and vote appear
// with their links; once voted, the page says « Vous avez voté » with no date or time and
// none of the choices or the receipt.
func TestEspaceCitizenItemsAndVote(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		c, slug := votingCampaign(t, s)
		const email = "yasmine.espace@exemple.fr"
		b, p := voteAs(t, s, email, "Espace", "1990-06-15", "62041")
		wantStatus(t, p, http.StatusSeeOther, "declaration")
		p = b.get("/espace")
		wantContains(t, p, "before voting", "Le vote est ouvert jusqu&#39;au", `href="/`+slug+`/vote"`)

		projects, err := vote.BallotProjects(ctx, s.db, c.ID)
		if err != nil || len(projects) == 0 {
			t.Fatalf("projects: %v", err)
		}
		p = b.post("/"+slug+"/vote/confirmer", url.Values{"p": {strconv.FormatInt(projects[0].ID, 10)}})
		wantStatus(t, p, http.StatusOK, "vote")
		receipt := regexp.MustCompile(`id="receipt">([A-Z0-9-]{23})<`).FindStringSubmatch(p.Body)
		if receipt == nil {
			t.Fatalf("no receipt:\n%s", excerpt(p.Body))
		}
		s.box.Flush()

		p = b.post("/"+openSlug()+"/idees/deposer", ideaForm("Une épicerie pour mon espace", "bethune", email))
		wantStatus(t, p, http.StatusSeeOther, "idea")
		arras, _ := demoSessionID(t, s, "Arras")
		p = b.post("/"+openSlug()+"/comptoirs/"+arras+"/inscription", url.Values{})
		wantStatus(t, p, http.StatusSeeOther, "register")

		p = b.get("/espace")
		wantStatus(t, p, http.StatusOK, "espace")
		wantContains(t, p, "after voting", "Vous avez voté.", "Une épicerie pour mon espace", "/orientation",
			"Comptoir d&#39;Arras", `href="/`+openSlug()+`/comptoirs/mes-inscriptions"`, `href="/`+openSlug()+`/comptoirs/`+arras+`"`,
			"Mon idée", "Mon inscription à un comptoir")
		if strings.Contains(p.Body, receipt[1]) {
			t.Errorf("the page shows the receipt")
		}
		for _, pr := range projects {
			if strings.Contains(p.Body, html.EscapeString(pr.Title)) {
				t.Errorf("the page names the ballot's project %q", pr.Title)
			}
		}
		// The vote section: no date, no time (the register keeps none), only the campaign's name.
		votes := strings.ReplaceAll(section(p.Body, "espace-votes"), html.EscapeString(c.Name), "")
		votes = regexp.MustCompile(`<[^>]*>`).ReplaceAllString(votes, "")
		if votes == "" || regexp.MustCompile(`[0-9]`).MatchString(votes) {
			t.Errorf("the vote section holds a number (date or time?):\n%s", votes)
		}
		followAll(t, b, p, "citizen after voting")
	})
}

// TestEspaceEmptyState: a person with no role and nothing yet is told what they can do,
// each suggestion a working link.
func TestEspaceEmptyState(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		env := account.Env{Change: change.Env{DB: s.db, Now: func() time.Time { return s.now }}, Passwords: testPasswords}
		const email, password = "nouvelle.personne@exemple.fr", "une phrase secrète assez longue"
		if _, err := account.Add(context.Background(), env, change.System("test"),
			account.AddInput{Email: email, Name: "Nouvelle Personne", Password: password}); err != nil {
			t.Fatal(err)
		}
		b := s.browser()
		b.signIn(email, password)
		p := b.get("/espace")
		wantStatus(t, p, http.StatusOK, "espace")
		wantContains(t, p, "empty", "Rien pour l&#39;instant", "Déposer une idée — ", "S&#39;inscrire à un comptoir — ",
			`href="/`+openSlug()+`/idees/deposer"`, `href="/`+openSlug()+`/comptoirs"`)
		followAll(t, b, p, "empty")
	})
}

// TestEspaceCommitteeAssignment: a dossier assigned to a committee member shows in their
// space with what they have to do and the date of the assignment, and its link opens the
// review form (here the declaration of interests, asked first).
func TestEspaceCommitteeAssignment(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		member := demoAccount(t, access.Committee)
		acc, err := account.ByEmail(ctx, s.db, member.Email)
		if err != nil {
			t.Fatal(err)
		}
		c, err := campaign.BySlug(ctx, s.db, openSlug())
		if err != nil {
			t.Fatal(err)
		}
		ds, err := dossier.List(ctx, s.db, dossier.Filter{CampaignID: c.ID})
		if err != nil || len(ds) == 0 {
			t.Fatalf("dossiers of %s: %d (%v)", c.Slug, len(ds), err)
		}
		if _, err := review.Assign(ctx, s.db, c.ID, review.Pair{DossierID: ds[0].ID, AccountID: acc.ID}, false, s.now); err != nil {
			t.Fatal(err)
		}
		// The campaign's review due date: the last day of its labelling phase.
		lw, _ := c.Window(campaign.PhaseLabelling)
		_, last := lw.LocalDays(c.Location())
		set, err := review.SettingsOf(ctx, s.db, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		set.DueOn = last
		if err := review.PutSettings(ctx, s.db, c.ID, set, s.now); err != nil {
			t.Fatal(err)
		}
		b := s.browser()
		b.signIn(member.Email, member.Password)
		p := b.get("/espace")
		form := "/" + c.Slug + "/comite/" + strconv.FormatInt(ds[0].ID, 10)
		due := "Date limite : " + i18n.LongDate(i18n.FR, last.DayStart(c.Location())) + "."
		wantContains(t, p, "assigned", "1 avis à rendre.", due, "Déclaration d&#39;intérêts à faire", "confié le 27 novembre 2026",
			`href="`+form+`"`, html.EscapeString(ds[0].Title))
		followAll(t, b, p, "committee with an assignment")
	})
}

// TestEspaceAnimatorSessionsToMark: once a session has started, its animator's space counts
// the registered people not yet marked present or absent, and links to the attendance sheet;
// a session fully marked leaves the page.
func TestEspaceAnimatorSessionsToMark(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		id, c := demoSessionID(t, s, "Arras")
		n, _ := strconv.ParseInt(id, 10, 64)
		ws, err := workshop.ByID(ctx, s.db, n)
		if err != nil {
			t.Fatal(err)
		}
		regs, err := workshop.Registrations(ctx, s.db, ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		unmarked := 0
		for _, r := range regs {
			if r.Status == workshop.Registered && r.Attendance == workshop.Unmarked {
				unmarked++
			}
		}
		if unmarked < 2 {
			t.Fatalf("the demo session has %d people to mark, want several", unmarked)
		}
		s.now = ws.StartsAt.Add(30 * time.Minute)
		animator := demoAccount(t, access.Animator)
		b := s.browser()
		b.signIn(animator.Email, animator.Password)
		sheet := "/" + c.Slug + "/comptoirs/" + id + "/presences"
		p := b.get("/espace")
		wantContains(t, p, "started session", strconv.Itoa(unmarked)+" présences à marquer", `href="`+sheet+`"`)
		followAll(t, b, p, "animator")

		marks := url.Values{}
		for _, r := range regs {
			if r.Status == workshop.Registered {
				marks.Set("a-"+strconv.FormatInt(r.AccountID, 10), "present")
			}
		}
		b.get(sheet)
		wantStatus(t, b.post(sheet, marks), http.StatusSeeOther, "attendance")
		if p := b.get("/espace"); strings.Contains(p.Body, `href="`+sheet+`"`) {
			t.Errorf("a fully marked session is still listed")
		}
	})
}

// TestEspaceCarrierNextStep: the carrier's draft says what is missing and where, before the
// deadline; past it, that the draft can no longer be sent. The page exists in English too.
func TestEspaceCarrierNextStep(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		carrier := demoAccount(t, access.Carrier)
		b := s.browser()
		b.signIn(carrier.Email, carrier.Password)
		p := b.get("/espace")
		wantContains(t, p, "draft", "Prochaine étape : compléter le dossier (", "éléments manquants) avant le ",
			"Reprendre à l&#39;étape « ")
		wantContains(t, b.get("/espace?lang=en"), "in English", "<h1>My space</h1>", "Next step: complete the dossier")

		c, err := campaign.BySlug(context.Background(), s.db, openSlug())
		if err != nil {
			t.Fatal(err)
		}
		w, _ := c.Window(campaign.PhaseDossiers)
		s.now = w.End.Add(time.Hour)
		p = b.get("/espace?lang=fr")
		wantContains(t, p, "after the deadline", "Le dépôt est clos : ce brouillon ne peut plus être envoyé.")
		if strings.Contains(p.Body, "Prochaine étape : compléter") {
			t.Errorf("past the deadline, the page still asks to complete the draft")
		}
		followAll(t, b, p, "carrier after the deadline")
	})
}
