package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/followup/followuptest"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/subscription"
)

// followed is the 2018 campaign of the demo with follow-up rows written directly (as the
// updates' and payments' commands would): payments on the first funded projects, updates
// published and pending, a photo.
type followed struct {
	c        *campaign.Campaign
	projects []followup.Project
	paid     int64 // the sum of every payment recorded
	granted  int64
	updates  []int64 // published, oldest first
	pending  int64
}

func seedFollowup(t *testing.T, s *site) *followed {
	t.Helper()
	ctx := context.Background()
	c, err := campaign.BySlug(ctx, s.db, campaign.PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	f := &followed{c: c}
	// Three projects as on the day of their grant (first in the list), the first steps of
	// their follow-up below.
	afresh := followuptest.Completed(t, s.db, c.ID, 3)
	followuptest.Afresh(t, s.db, afresh...)
	if f.projects, err = followup.Projects(ctx, s.db, c.ID); err != nil {
		t.Fatal(err)
	}
	if len(f.projects) < 3 {
		t.Fatalf("the 2018 demo has %d funded projects", len(f.projects))
	}
	// Whatever the demo holds already counts too.
	for _, p := range f.projects {
		f.granted += p.GrantedCents
		f.paid += p.PaidCents
	}
	exec := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := s.db.QueryRowContext(ctx, q+" RETURNING id", args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	at := s.now.Add(-30 * 24 * time.Hour)
	var fresh, others []followup.Project
	for _, p := range f.projects {
		if slices.Contains(afresh, p.DossierID) {
			fresh = append(fresh, p)
		} else {
			others = append(others, p)
		}
	}
	f.projects = append(fresh, others...)
	for i, p := range fresh[:2] {
		for _, amount := range []int64{1_234_56, 100_00 * int64(i+1)} {
			exec(`INSERT INTO followup_payments (dossier_id, campaign_id, kind, amount_cents, paid_on, recorded_at)
				VALUES ($1, $2, 'advance', $3, '2019-03-01', $4)`, p.DossierID, c.ID, amount, at)
			f.paid += amount
		}
	}
	p := fresh[0]
	if err := followup.SetStepProgress(ctx, s.db, c.ID, p.DossierID, 2, ptr(60), at); err != nil {
		t.Fatal(err)
	}
	for i, title := range []string{"Convention signée", "Chantier & travaux <commencés>"} {
		id := exec(`INSERT INTO followup_updates (dossier_id, campaign_id, status, title, body, planned_on, done_on, step, progress,
			created_at, published_at) VALUES ($1, $2, 'published', $3, $8, '2019-03-01', $4, $5, $6, $7, $7)`,
			p.DossierID, c.ID, title, []string{"2019-03-02", ""}[i], i+1, 30*(i+1), at.Add(time.Duration(i)*time.Hour),
			"Premier paragraphe.\n\nSecond paragraphe.")
		f.updates = append(f.updates, id)
	}
	exec(`INSERT INTO followup_photos (update_id, blob_key, content_type, size, sha256, alt_text, width, height, position)
		VALUES ($1, 'followup/x', 'image/jpeg', 100, 'abcdef0123456789abcdef', 'Les bénévoles au jardin', 1600, 1200, 0)`, f.updates[1])
	f.pending = exec(`INSERT INTO followup_updates (dossier_id, campaign_id, status, title, body, created_at)
		VALUES ($1, $2, 'pending', 'Brouillon secret', 'Pas encore publié', $3)`, p.DossierID, c.ID, at)
	return f
}

func ptr(n int) *int { return &n }

// The follow-up page lists every funded project; its totals are the sums of the recorded
// payments and of the grants, as are the API's; the filters narrow the list.
func TestFollowupPageTotals(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		f := seedFollowup(t, s)
		b := s.browser()
		page := b.get("/" + f.c.Slug + "/suivi")
		wantStatus(t, page, http.StatusOK, "suivi")
		wantContains(t, page, "suivi", "Où en sont les projets ?", i18n.Money(i18n.FR, f.paid), i18n.Money(i18n.FR, f.granted),
			`<progress max="100" value="60"`, `rel="alternate" type="application/atom+xml" href="/`+f.c.Slug+`/suivi.atom"`)
		for _, p := range f.projects {
			if !strings.Contains(page.Body, fmt.Sprintf(`href="/%s/projets/%d"`, f.c.Slug, p.DossierID)) {
				t.Errorf("the page does not list project %d", p.DossierID)
			}
		}
		var paid int64
		if err := s.db.QueryRowContext(context.Background(), `SELECT COALESCE(SUM(amount_cents), 0) FROM followup_payments
			WHERE campaign_id = $1`, f.c.ID).Scan(&paid); err != nil {
			t.Fatal(err)
		}
		if paid != f.paid {
			t.Fatalf("payments recorded %d, the fixture counted %d", paid, f.paid)
		}
		api := b.get("/api/v1/campaigns/" + f.c.Slug + "/followup")
		wantStatus(t, api, http.StatusOK, "api")
		var out struct {
			Totals struct {
				Projects     int   `json:"projects"`
				GrantedCents int64 `json:"granted_cents"`
				PaidCents    int64 `json:"paid_cents"`
			} `json:"totals"`
			Projects []struct {
				ID         int64 `json:"id"`
				PaidCents  int64 `json:"paid_cents"`
				Milestones []struct {
					Title  string `json:"title"`
					Photos []struct {
						URL, Alt string
					} `json:"photos"`
				} `json:"milestones"`
			} `json:"projects"`
		}
		if err := json.Unmarshal([]byte(api.Body), &out); err != nil {
			t.Fatal(err)
		}
		if out.Totals.PaidCents != paid || out.Totals.GrantedCents != f.granted || out.Totals.Projects != len(f.projects) {
			t.Errorf("API totals %+v, want paid %d granted %d of %d projects", out.Totals, paid, f.granted, len(f.projects))
		}
		for _, p := range out.Projects {
			paid -= p.PaidCents
			if p.ID == f.projects[0].DossierID && (len(p.Milestones) != 2 || len(p.Milestones[1].Photos) != 1 ||
				p.Milestones[1].Photos[0].Alt != "Les bénévoles au jardin") {
				t.Errorf("milestones of the API: %+v", p.Milestones)
			}
		}
		if paid != 0 {
			t.Errorf("the projects' payments differ from the total by %d", paid)
		}
		if strings.Contains(api.Body, "Brouillon secret") || strings.Contains(page.Body, "Brouillon secret") {
			t.Error("a pending update is public")
		}

		// Filters: a status and a category nobody has together list none; a category lists
		// only its projects.
		for _, cat := range f.c.Categories {
			if n := s.count(fmt.Sprintf(`SELECT COUNT(*) FROM dossiers WHERE campaign_id = %d AND category_id = %d
				AND state = 'abandoned'`, f.c.ID, cat.ID)); n == 0 {
				none := b.get(fmt.Sprintf("/%s/suivi?statut=abandoned&categorie=%d", f.c.Slug, cat.ID))
				wantContains(t, none, "filter", "Aucun projet ne correspond", `<option value="abandoned" selected>`)
				break
			}
		}
		cat := f.projects[0].CategoryID
		one := b.get(fmt.Sprintf("/%s/suivi?categorie=%d&statut=bidon", f.c.Slug, cat))
		for _, p := range f.projects {
			listed := strings.Contains(one.Body, fmt.Sprintf(`href="/%s/projets/%d"`, f.c.Slug, p.DossierID))
			if listed != (p.CategoryID == cat) {
				t.Errorf("category filter: project %d (category %d) listed %v", p.DossierID, p.CategoryID, listed)
			}
		}
		// A campaign with nothing funded shows the empty state.
		c2, _ := votingCampaign(t, s)
		empty := b.get("/" + c2.Slug + "/suivi")
		wantStatus(t, empty, http.StatusOK, "empty")
		wantContains(t, empty, "empty", "Aucun projet n&#39;est encore financé")
	})
}

// The feed is valid Atom with the published updates, latest first, each linking to its
// project's page; the CSV files have one row per project and per published milestone.
func TestFollowupFeedAndCSV(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		f := seedFollowup(t, s)
		b := s.browser()
		feed := b.get("/" + f.c.Slug + "/suivi.atom")
		wantStatus(t, feed, http.StatusOK, "feed")
		if ct := feed.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
			t.Errorf("feed content type %q", ct)
		}
		var atom struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			ID      string   `xml:"id"`
			Updated string   `xml:"updated"`
			Entries []struct {
				ID      string `xml:"id"`
				Title   string `xml:"title"`
				Updated string `xml:"updated"`
				Link    struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(feed.Body), &atom); err != nil {
			t.Fatalf("feed: %v\n%s", err, feed.Body)
		}
		// The two updates above are the latest; the demo's own follow them.
		if atom.ID == "" || atom.Updated == "" || len(atom.Entries) < 2 || len(atom.Entries) > 50 {
			t.Fatalf("feed: %+v", atom)
		}
		first := atom.Entries[0]
		wantLink := fmt.Sprintf("http://example.test/%s/projets/%d#etape-%d", f.c.Slug, f.projects[0].DossierID, f.updates[1])
		if first.Link.Href != wantLink || first.ID == "" || !strings.Contains(first.Title, "Chantier & travaux <commencés>") ||
			atom.Updated != first.Updated {
			t.Errorf("latest entry: %+v, want link %s", first, wantLink)
		}
		if _, err := time.Parse(time.RFC3339, first.Updated); err != nil {
			t.Errorf("entry date: %v", err)
		}

		rows := readCSV(t, b.get("/"+f.c.Slug+"/suivi.csv"))
		if len(rows) != len(f.projects)+1 || rows[0][0] != "id" || rows[0][9] != "paid_cents" {
			t.Fatalf("suivi.csv: %d rows, header %v", len(rows), rows[0])
		}
		var paid int64
		for _, r := range rows[1:] {
			var n int64
			fmt.Sscan(r[9], &n)
			paid += n
			if r[0] == fmt.Sprint(f.projects[0].DossierID) && (r[5] != "60" || r[6] != "2" || r[12] != "") {
				t.Errorf("row of the first project: %v", r)
			}
		}
		if paid != f.paid {
			t.Errorf("suivi.csv pays %d, want %d", paid, f.paid)
		}
		// jalons.csv: the demo's milestones and the two above, which are the first project's.
		var ours [][]string
		all := readCSV(t, b.get("/"+f.c.Slug+"/suivi/jalons.csv"))
		for _, r := range all[1:] {
			if r[0] == fmt.Sprint(f.projects[0].DossierID) {
				ours = append(ours, r)
			}
		}
		if all[0][0] != "project_id" || len(ours) != 2 || ours[0][3] != "Convention signée" || ours[0][6] != "2019-03-02" || ours[1][11] != "1" {
			t.Errorf("jalons.csv: %v", ours)
		}
	})
}

func readCSV(t *testing.T, p page) [][]string {
	t.Helper()
	wantStatus(t, p, http.StatusOK, "csv")
	rows, err := csv.NewReader(strings.NewReader(p.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// A funded project's page shows its result, its follow-up and the timeline of its published
// milestones with their photos; /donnees links and documents the follow-up's files.
func TestFollowedProjectPage(t *testing.T) {
	s := newSite(t, siteDB(t))
	f := seedFollowup(t, s)
	b := s.browser()
	p := b.get(fmt.Sprintf("/%s/projets/%d", f.c.Slug, f.projects[0].DossierID))
	wantStatus(t, p, http.StatusOK, "project")
	wantContains(t, p, "project", "Résultat du vote", "Voix", "Commission permanente du", "Suivi du projet",
		"Chantier &amp; travaux &lt;commencés&gt;", fmt.Sprintf(`id="etape-%d"`, f.updates[1]), `alt="Les bénévoles au jardin"`,
		fmt.Sprintf(`/%s/suivi/photos/`, f.c.Slug), "1280w", "<p>Second paragraphe.</p>", "Fait le 2 mars 2019", "Suivre ce projet",
		`action="/`+f.c.Slug+fmt.Sprintf(`/projets/%d/suivre#suivre"`, f.projects[0].DossierID), `href="/`+f.c.Slug+`/suivi"`)
	if strings.Contains(p.Body, "Brouillon secret") {
		t.Error("a pending update is on the page")
	}

	// An abandoned project shows its public reason; a completed one its accepted report.
	ctx := context.Background()
	gone, done := f.projects[1].DossierID, f.projects[2].DossierID
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"UPDATE dossiers SET state = 'abandoned' WHERE id = $1", []any{gone}},
		{`INSERT INTO review_history (dossier_id, from_state, to_state, motivation, at) VALUES ($1, 'granted', 'abandoned',
			'Le local a été repris par la commune.', $2)`, []any{gone, s.now}},
		{"UPDATE dossiers SET state = 'completed' WHERE id = $1", []any{done}},
		{`INSERT INTO followup_reports (dossier_id, campaign_id, status, indicators, summary, total_cost_cents, submitted_at)
			VALUES ($1, $2, 'accepted', '[{"label":"Personnes touchées","value":1250}]', 'Un an de réparations.', 987654, $3)`,
			[]any{done, f.c.ID, s.now}},
	} {
		if _, err := s.db.ExecContext(ctx, q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	goneP := b.get(fmt.Sprintf("/%s/projets/%d", f.c.Slug, gone))
	wantContains(t, goneP, "abandoned", "Projet abandonné", "Le local a été repris par la commune.")
	doneP := b.get(fmt.Sprintf("/%s/projets/%d", f.c.Slug, done))
	wantContains(t, doneP, "completed", "Le bilan", "Personnes touchées",
		i18n.Int(i18n.FR, 1250), i18n.Money(i18n.FR, 987654), "Un an de réparations.", `value="100"`)
	// They publish nothing more: no form to follow them, and a request is refused.
	for _, p := range []page{goneP, doneP} {
		if strings.Contains(p.Body, "/suivre#suivre") {
			t.Error("a closed project offers to follow it")
		}
	}
	wantStatus(t, b.post(fmt.Sprintf("/%s/projets/%d/suivre", f.c.Slug, done), url.Values{"email": {"fin@exemple.fr"}}),
		http.StatusConflict, "follow a completed project")
	ab := b.get("/" + f.c.Slug + "/suivi?statut=abandoned")
	wantContains(t, ab, "abandoned filter", fmt.Sprintf(`href="/%s/projets/%d"`, f.c.Slug, gone), `<strong class="figure">2</strong> projets financés affichés`) // the demo's own and this one
	od := b.get("/donnees")
	wantContains(t, od, "donnees", "/"+f.c.Slug+"/suivi.csv", "/"+f.c.Slug+"/suivi/jalons.csv",
		"/api/v1/campaigns/"+f.c.Slug+"/followup", "<code>paid_cents</code>")
	home := b.get("/" + f.c.Slug)
	wantContains(t, home, "campaign home", `href="/`+f.c.Slug+`/suivi"`)
	res := b.get("/" + f.c.Slug + "/resultats")
	wantContains(t, res, "results", `href="/`+f.c.Slug+`/suivi"`)
}

var linkRe = regexp.MustCompile(`http://example\.test(/abonnements/[a-z]+\?jeton=[A-Za-z0-9_-]+)`)

// linkIn returns the path of the subscription link of the latest e-mail to addr.
func (s *site) linkIn(addr, path string) string {
	s.t.Helper()
	ms, err := mail.Sent(context.Background(), s.db, addr)
	if err != nil || len(ms) == 0 {
		s.t.Fatalf("no e-mail to %s (%v)", addr, err)
	}
	for _, m := range linkRe.FindAllStringSubmatch(ms[0].Body, -1) {
		if strings.HasPrefix(m[1], path) {
			return m[1]
		}
	}
	s.t.Fatalf("no link to %s in %q", path, ms[0].Body)
	return ""
}

// publishNotified publishes an update as the review would, with the server's notifier, and
// returns the e-mails it queued.
func (s *site) publishNotified(f *followed, title string) []mail.Message {
	s.t.Helper()
	ctx := context.Background()
	cat, err := i18n.Load()
	if err != nil {
		s.t.Fatal(err)
	}
	a, err := account.ByEmail(ctx, s.db, demoAccount(s.t, access.Agent).Email)
	if err != nil {
		s.t.Fatal(err)
	}
	agent := access.ActorFor(a)
	notify := subscription.ProjectNotifier(cat, "http://example.test")
	id := f.projects[0].DossierID
	out, err := change.Do(ctx, change.Env{DB: s.db, Now: func() time.Time { return s.now }}, change.Request{
		Who: change.By(agent), Permission: access.PermManageDossiers, Campaign: f.c, Action: "followup.update.publish",
		EntityKind: "followup_update", Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			var uid int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO followup_updates (dossier_id, campaign_id, status, title, body,
				created_at, published_at) VALUES ($1, $2, 'published', $3, 'Texte', $4, $4) RETURNING id`, id, f.c.ID, title,
				s.now).Scan(&uid); err != nil {
				return change.Outcome{}, err
			}
			u, err := followup.UpdateByID(ctx, tx, uid)
			if err != nil {
				return change.Outcome{}, err
			}
			p, err := followup.ProjectOf(ctx, tx, id)
			if err != nil {
				return change.Outcome{}, err
			}
			ms, err := notify(ctx, tx, *u, *p)
			return change.Outcome{EntityID: fmt.Sprint(uid), Mails: ms}, err
		}})
	if err != nil {
		s.t.Fatal(err)
	}
	return out.Mails
}

// A visitor follows a project: the confirmation e-mail, its page and button, the notice of
// the next published update with its unsubscription link, the one-click unsubscription of a
// mail client, and no notice after. Bad input changes nothing.
func TestFollowAProjectByEmail(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		f := seedFollowup(t, s)
		b := s.browser()
		const addr = "visiteuse@exemple.fr"
		path := fmt.Sprintf("/%s/projets/%d", f.c.Slug, f.projects[0].DossierID)
		b.get(path)

		bad := b.postRaw(path+"/suivre", url.Values{"email": {"pas une adresse"}})
		wantStatus(t, bad, http.StatusUnprocessableEntity, "bad address")
		wantContains(t, bad, "bad address", `value="pas une adresse"`, `aria-invalid="true"`)
		var notFunded int64
		if err := s.db.QueryRowContext(context.Background(), `SELECT MIN(id) FROM dossiers WHERE campaign_id = $1
			AND state = 'not_funded'`, f.c.ID).Scan(&notFunded); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, b.postRaw(fmt.Sprintf("/%s/projets/%d/suivre", f.c.Slug, notFunded), url.Values{"email": {addr}}),
			http.StatusNotFound, "not funded")
		if n := s.count("SELECT COUNT(*) FROM subscriptions"); n != 0 {
			t.Fatalf("refusals left %d subscriptions", n)
		}

		ok := b.postRaw(path+"/suivre", url.Values{"email": {addr}})
		wantStatus(t, ok, http.StatusOK, "subscribe")
		wantContains(t, ok, "subscribe", "Vérifiez votre messagerie")
		// Asked again: the same answer, no second e-mail.
		wantStatus(t, b.postRaw(path+"/suivre", url.Values{"email": {addr}}), http.StatusOK, "again")
		if n := s.outboxTo(addr); n != 1 {
			t.Fatalf("%d e-mails to the address, want 1", n)
		}
		if ms := s.publishNotified(f, "Avant confirmation"); len(ms) != 0 {
			t.Fatalf("an unconfirmed address was notified: %+v", ms)
		}

		confirm := s.linkIn(addr, subscription.ConfirmPath)
		cp := b.get(confirm)
		wantStatus(t, cp, http.StatusOK, "confirm page")
		wantContains(t, cp, "confirm page", "Confirmer l&#39;abonnement", html.EscapeString(f.projects[0].Title))
		if n := s.count("SELECT COUNT(*) FROM subscriptions WHERE confirmed_at IS NOT NULL"); n != 0 {
			t.Fatal("the page of the link confirmed on GET")
		}
		secret, _ := url.ParseQuery(strings.SplitN(confirm, "?", 2)[1])
		done := b.postRaw(subscription.ConfirmPath, url.Values{"jeton": {secret.Get("jeton")}})
		wantStatus(t, done, http.StatusOK, "confirmed")
		wantContains(t, done, "confirmed", "Abonnement confirmé")
		wantStatus(t, b.postRaw(subscription.ConfirmPath, url.Values{"jeton": {secret.Get("jeton")}}), http.StatusNotFound, "used link")

		ms := s.publishNotified(f, "Inauguration")
		if len(ms) != 1 || ms[0].To != addr || ms[0].Unsubscribe == "" || !strings.Contains(ms[0].Body, "Inauguration") ||
			strings.Contains(ms[0].Subject, f.projects[0].Title) {
			t.Fatalf("notice: %+v", ms)
		}
		unsub := s.linkIn(addr, subscription.UnsubscribePath)
		up := b.get(unsub)
		wantContains(t, up, "unsubscribe page", "Me désabonner", html.EscapeString(f.projects[0].Title))
		if n := s.count("SELECT COUNT(*) FROM subscriptions"); n != 1 {
			t.Fatal("the page of the link unsubscribed on GET")
		}
		// RFC 8058: the mail client posts to the header's address, without session nor Origin.
		req, err := http.NewRequest(http.MethodPost, s.srv.URL+unsub, strings.NewReader("List-Unsubscribe=One-Click"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		oneClick := s.browser().do(req)
		wantStatus(t, oneClick, http.StatusOK, "one-click")
		if n := s.count("SELECT COUNT(*) FROM subscriptions"); n != 0 {
			t.Fatalf("%d subscriptions after unsubscribing", n)
		}
		if ms := s.publishNotified(f, "Après"); len(ms) != 0 {
			t.Errorf("notified after unsubscribing: %+v", ms)
		}
		wantContains(t, b.get(unsub), "ended", "Vous ne recevrez plus")
	})
}
