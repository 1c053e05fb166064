package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/console"
	"budgetcitoyen/internal/i18n"
)

// countSQL runs a COUNT query of the test's own, the oracle of the console's numbers.
func countSQL(t *testing.T, s *site, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// inStates is "state IN ('a', 'b')" for a query of the test.
func inStates(states ...string) string {
	return "state IN ('" + strings.Join(states, "', '") + "')"
}

// TestConsoleCountsEqualTheDatabase builds the console of each demo campaign and compares
// each number with a count the test makes itself in the database, then finds the same
// numbers on the page an agent opens.
func TestConsoleCountsEqualTheDatabase(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		all, err := campaign.List(ctx, s.db)
		if err != nil || len(all) != 3 {
			t.Fatalf("demo campaigns: %d, %v", len(all), err)
		}
		b := s.browser()
		agent := demoAccount(t, access.Agent)
		b.signIn(agent.Email, agent.Password)
		nonZero := 0
		for i := range all {
			c := &all[i]
			id := c.ID
			after := func(states ...string) int {
				return countSQL(t, s, "SELECT COUNT(*) FROM dossiers WHERE campaign_id = $1 AND "+inStates(states...), id)
			}
			want := map[string]int{
				"ideas": countSQL(t, s, "SELECT COUNT(*) FROM ideas WHERE campaign_id = $1", id),
				"comptoir": countSQL(t, s, `SELECT COUNT(DISTINCT r.account_id) FROM workshop_registrations r
					JOIN workshop_sessions w ON w.id = r.session_id WHERE w.campaign_id = $1 AND r.attendance = 'present'`, id),
				"drafted":   countSQL(t, s, "SELECT COUNT(*) FROM dossiers WHERE campaign_id = $1", id),
				"submitted": countSQL(t, s, "SELECT COUNT(*) FROM dossiers WHERE campaign_id = $1 AND state <> 'draft'", id),
				"eligible": after("eligible", "labelled", "withdrawn", "ballot", "winner", "not_funded", "granted",
					"in_progress", "completed", "abandoned"),
				"labelled":  after("labelled", "withdrawn", "ballot", "winner", "not_funded", "granted", "in_progress", "completed", "abandoned"),
				"ballot":    after("ballot", "winner", "not_funded", "granted", "in_progress", "completed", "abandoned"),
				"voters":    countSQL(t, s, "SELECT COUNT(*) FROM vote_participation WHERE campaign_id = $1", id),
				"winners":   after("winner", "granted", "in_progress", "completed", "abandoned"),
				"granted":   after("granted", "in_progress", "completed", "abandoned"),
				"completed": after("completed"),
			}
			k, err := console.Build(ctx, s.db, c, s.now)
			if err != nil {
				t.Fatal(err)
			}
			if len(k.Funnel) != len(want) {
				t.Errorf("%s: %d stages, want %d", c.Slug, len(k.Funnel), len(want))
			}
			p := b.get("/admin/campagnes/" + c.Slug)
			wantStatus(t, p, http.StatusOK, c.Slug+" console")
			for _, st := range k.Funnel {
				if st.N != want[st.Key] {
					t.Errorf("%s: stage %s = %d, the database says %d", c.Slug, st.Key, st.N, want[st.Key])
				}
				nonZero += st.N
				shown := `<li data-stage="` + st.Key + `"><span class="funnel-n">` + i18n.Int(i18n.FR, int64(want[st.Key])) + `</span>`
				if !strings.Contains(p.Body, shown) {
					t.Errorf("%s: the page does not show %s", c.Slug, shown)
				}
			}

			// The committee's backlog, counted by the test.
			minReviews, _, err := console.ReviewRules(ctx, s.db, c)
			if err != nil {
				t.Fatal(err)
			}
			unassigned := countSQL(t, s, `SELECT COUNT(*) FROM dossiers d WHERE d.campaign_id = $1
				AND d.state IN ('submitted', 'under_review') AND d.id NOT IN
				(SELECT dossier_id FROM review_assignments WHERE conflict <> 'conflict')`, id)
			pending := countSQL(t, s, `SELECT COUNT(*) FROM review_assignments a, dossiers d WHERE d.id = a.dossier_id
				AND d.campaign_id = $1 AND d.state IN ('submitted', 'under_review', 'eligible')
				AND a.submitted_at IS NULL AND a.conflict <> 'conflict'`, id)
			ready := countSQL(t, s, `SELECT COUNT(*) FROM (SELECT d.id FROM dossiers d
				JOIN review_assignments a ON a.dossier_id = d.id AND a.submitted_at IS NOT NULL AND a.conflict <> 'conflict'
				WHERE d.campaign_id = $1 AND d.state IN ('under_review', 'eligible')
				GROUP BY d.id HAVING COUNT(*) >= $2) x`, id, minReviews)
			if k.Backlog.Unassigned != unassigned || k.Backlog.Pending != pending || k.Backlog.Ready != ready {
				t.Errorf("%s: backlog %+v, the database says unassigned %d, pending %d, ready %d", c.Slug, k.Backlog,
					unassigned, pending, ready)
			}
			recent := countSQL(t, s, "SELECT COUNT(*) FROM ideas WHERE campaign_id = $1 AND hidden_at IS NULL AND created_at >= $2",
				id, s.now.Add(-console.RecentIdeas).UTC())
			if k.Ideas.Recent != recent {
				t.Errorf("%s: %d recent ideas, the database says %d", c.Slug, k.Ideas.Recent, recent)
			}
			registered := countSQL(t, s, `SELECT COUNT(DISTINCT r.account_id) FROM workshop_registrations r
				JOIN workshop_sessions w ON w.id = r.session_id
				WHERE w.campaign_id = $1 AND w.cancelled_at IS NULL AND r.status = 'registered'`, id)
			unmarked := countSQL(t, s, `SELECT COUNT(*) FROM workshop_sessions w WHERE w.campaign_id = $1
				AND w.cancelled_at IS NULL AND w.ends_at <= $2 AND EXISTS (SELECT 1 FROM workshop_registrations r
				WHERE r.session_id = w.id AND r.status = 'registered' AND r.attendance = '')`, id, s.now.UTC())
			if k.Comptoir.Registered != registered || k.Comptoir.Unmarked != unmarked {
				t.Errorf("%s: comptoirs %+v, the database says %d registered, %d sessions to mark", c.Slug, k.Comptoir,
					registered, unmarked)
			}
			hidden := countSQL(t, s, "SELECT COUNT(*) FROM ideas WHERE campaign_id = $1 AND hidden_at IS NOT NULL", id)
			settings := countSQL(t, s, "SELECT COUNT(*) FROM vote_settings WHERE campaign_id = $1", id)
			boxes := countSQL(t, s, "SELECT COUNT(*) FROM vote_boxes WHERE campaign_id = $1", id)
			if k.Ideas.Hidden != hidden || k.Vote.SettingsSaved != (settings > 0) || k.Vote.BoxCeremony != (boxes > 0) {
				t.Errorf("%s: %d hidden ideas, vote %+v; the database says %d hidden, %d settings, %d boxes", c.Slug,
					k.Ideas.Hidden, k.Vote, hidden, settings, boxes)
			}
			// Each waiting count is on the page.
			for _, it := range k.Waiting {
				if !strings.Contains(p.Body, `data-waiting="`+it.Key+`"`) {
					t.Errorf("%s: waiting item %s missing from the page", c.Slug, it.Key)
				}
			}
		}
		if nonZero == 0 {
			t.Fatal("every count of the demo is 0: the comparison proves nothing")
		}
	})
}

var waitingLink = regexp.MustCompile(`<li data-waiting="([a-z_]+)"><a href="([^"]+)">`)

// TestConsoleWaitingItemsLinkToTheirPage opens, for an agent and an administrator, the
// console of each demo campaign, and follows each waiting item's link: it must be the
// page where the work is done, and open.
func TestConsoleWaitingItemsLinkToTheirPage(t *testing.T) {
	// Where each kind of waiting work is done.
	pages := map[string]string{
		"ideas": "/idees/moderation", "attendance": "/comptoirs/gestion", "unassigned": "/comite",
		"reviews_pending": "/comite/seance", "reviews_overdue": "/comite/seance", "ready": "/comite/seance",
		"commission": "/commission", "results": "/commission-permanente", "decision": "/commission-permanente",
		"proclamation": "/commission-permanente", "vote_settings": "/vote", "census": "/vote", "box": "/vote/urne",
		"followup_reports": "/suivi", "followup_payments": "/suivi", "followup_late": "/suivi",
	}
	eachSite(t, func(t *testing.T, s *site) {
		all, err := campaign.List(context.Background(), s.db)
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range []access.Role{access.Agent, access.Admin} {
			b := s.browser()
			a := demoAccount(t, role)
			b.signIn(a.Email, a.Password)
			seen := 0
			for _, c := range all {
				p := b.get("/admin/campagnes/" + c.Slug)
				wantStatus(t, p, http.StatusOK, string(role)+" console "+c.Slug)
				for _, m := range waitingLink.FindAllStringSubmatch(p.Body, -1) {
					key, href := m[1], m[2]
					seen++
					suffix, ok := pages[key]
					if !ok {
						t.Errorf("%s: waiting item %q has no page in this test", c.Slug, key)
						continue
					}
					if !strings.HasSuffix(href, suffix) || !strings.Contains(href, c.Slug) {
						t.Errorf("%s: %s links to %s, want …%s…%s", c.Slug, key, href, c.Slug, suffix)
					}
					wantStatus(t, b.get(href), http.StatusOK, string(role)+" following "+key+" to "+href)
				}
			}
			if seen == 0 {
				t.Errorf("%s: no waiting item in any demo campaign: the test proves nothing", role)
			}
		}
	})
}

// TestCampaignSettingsMoved: the edit form lives at …/parametres, the console took its old
// address, forms posted to the old address still save, and the page shows no empty "⟦⟧"
// error line.
func TestCampaignSettingsMoved(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		agent := demoAccount(t, access.Agent)
		b.signIn(agent.Email, agent.Password)
		const slug = "pas-de-calais-2018"
		edit := b.get("/admin/campagnes/" + slug + "/parametres")
		wantStatus(t, edit, http.StatusOK, "settings page")
		wantContains(t, edit, "settings page", `action="/admin/campagnes/`+slug+`/parametres"`, `name="envelope"`,
			`class="breadcrumb"`, `class="staffnav"`, `href="/admin/campagnes/`+slug+`/parametres" aria-current="page"`)
		if strings.Contains(edit.Body, "⟦") {
			t.Errorf("the settings page shows a missing message: %s", excerpt(edit.Body[strings.Index(edit.Body, "⟦"):]))
		}
		console := b.get("/admin/campagnes/" + slug)
		wantContains(t, console, "console", "Console — ", `href="/admin/campagnes/`+slug+`/parametres"`,
			"Ce qui attend", "De l&#39;idée au projet réalisé", "Toutes les pages de la campagne")
		if strings.Contains(console.Body, "⟦") {
			t.Errorf("the console shows a missing message")
		}
		// The lists link to the console and to the settings: every campaign on the list,
		// the campaigns not archived on the administration's home.
		all, err := campaign.List(context.Background(), s.db)
		if err != nil {
			t.Fatal(err)
		}
		home, list := b.get("/admin"), b.get("/admin/campagnes")
		for _, c := range all {
			links := []string{`href="/admin/campagnes/` + c.Slug + `"`, `href="/admin/campagnes/` + c.Slug + `/parametres"`}
			wantContains(t, list, "campaign list", links...)
			if !c.Archived {
				wantContains(t, home, "administration home", links...)
			}
		}

		// Saved through the new address and through the old one; both lead to the form.
		for _, target := range []string{"/admin/campagnes/" + slug + "/parametres", "/admin/campagnes/" + slug} {
			v := editForm(t, s, slug)
			v.Set("contact_email", "budget"+strconv.Itoa(strings.Count(target, "/"))+"@example.org")
			p := b.post(target, v)
			if p.Status != http.StatusSeeOther || p.Location != "/admin/campagnes/"+slug+"/parametres" {
				t.Fatalf("POST %s: %d → %q\n%s", target, p.Status, p.Location, excerpt(p.Body))
			}
			c, _ := campaign.BySlug(context.Background(), s.db, slug)
			if c.ContactEmail != v.Get("contact_email") {
				t.Errorf("POST %s saved %q", target, c.ContactEmail)
			}
			// An invalid form posted to the old address shows the form as the settings page.
			v.Set("envelope", "beaucoup")
			p = b.post(target, v)
			wantStatus(t, p, http.StatusUnprocessableEntity, "invalid POST "+target)
			wantContains(t, p, "invalid POST "+target, `action="/admin/campagnes/`+slug+`/parametres"`, "Montant illisible")
		}
		// In English (the choice sticks for the session: last).
		en := b.get("/admin/campagnes/" + slug + "?lang=en")
		wantContains(t, en, "console in English", "What is waiting", "Every page of the campaign")
		if strings.Contains(en.Body, "⟦") {
			t.Errorf("the English console shows a missing message")
		}
	})
}
