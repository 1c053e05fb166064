package web_test

import (
	"context"
	"html"
	"log/slog"
	"mime"
	"net/http"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/mail/mailtest"
	"budgetcitoyen/internal/subscription"
	"budgetcitoyen/internal/web"
	"budgetcitoyen/internal/workshop"
)

// subjects decodes the subjects of the messages received for addr, in order.
func subjects(t *testing.T, box *mailtest.Inbox, addr string) []string {
	t.Helper()
	var out []string
	for _, m := range box.Messages() {
		parsed := parseMail(t, m)
		if !strings.Contains(parsed.Header.Get("To"), addr) {
			continue
		}
		s, err := new(mime.WordDecoder).DecodeHeader(parsed.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// parseMail reads a received message's headers and body.
func parseMail(t *testing.T, m mailtest.Received) *netmail.Message {
	t.Helper()
	parsed, err := netmail.ReadMessage(strings.NewReader(string(m.Data)))
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}

// newsQueue is a server process's queueing of the campaigns' news (without sending).
func (s *site) newsQueue() func() {
	srv, err := web.New(web.Config{DB: s.db, Logger: slog.New(slog.NewTextHandler(s.logs, nil)),
		Now: func() time.Time { return s.now }, BaseURL: "http://example.test", Territory: territoryData(s.t),
		DataDir: s.t.TempDir(), Passwords: testPasswords, Box: s.box})
	if err != nil {
		s.t.Fatal(err)
	}
	return func() {
		s.t.Helper()
		if _, err := srv.QueueCampaignNews(context.Background()); err != nil {
			s.t.Fatal(err)
		}
	}
}

// worker is the background work of a server process against the site's database: the
// campaigns' news, then the outbox sent through SMTP.
func (s *site) newsWorker(port int) func() {
	srv, err := web.New(web.Config{DB: s.db, Logger: slog.New(slog.NewTextHandler(s.logs, nil)),
		Now: func() time.Time { return s.now }, BaseURL: "http://example.test", Territory: territoryData(s.t),
		DataDir: s.t.TempDir(), Passwords: testPasswords, Box: s.box})
	if err != nil {
		s.t.Fatal(err)
	}
	w := &mail.Worker{DB: s.db, Now: func() time.Time { return s.now }, Batch: 500,
		Sender: mail.SMTPSender{Config: mail.SMTPConfig{Host: "127.0.0.1", Port: port, From: "Budget citoyen <noreply@example.test>"}}}
	return func() {
		s.t.Helper()
		ctx := context.Background()
		if _, err := srv.QueueCampaignNews(ctx); err != nil {
			s.t.Fatal(err)
		}
		for {
			n, err := w.RunOnce(ctx)
			if err != nil {
				s.t.Fatal(err)
			}
			if n == 0 {
				return
			}
		}
	}
}

// Done when: a visitor subscribes on the demo campaign's page, confirms, and receives by
// SMTP the "vote open" and "three days left" e-mails when the worker runs at those dates,
// each once; one click (POST) on the List-Unsubscribe address stops the next ones.
func TestCampaignNewsByEmail(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		inbox, port := mailtest.Start(t)
		c, slug := votingCampaign(t, s)
		vote, _ := c.Window(campaign.PhaseVote)
		s.now = vote.Start.Add(-24 * time.Hour)
		run := s.newsWorker(port)
		run() // whatever the demo had queued leaves first
		const addr = "voisine@exemple.fr"
		b := s.browser()

		home := b.get("/")
		wantContains(t, home, "home form", `action="/`+slug+`/abonnement"`, `id="news-`+slug+`-email"`)
		cp := b.get("/" + slug)
		wantStatus(t, cp, http.StatusOK, "campaign page")
		wantContains(t, cp, "campaign form", `action="/`+slug+`/abonnement"`, `name="commune_q"`, "Recevoir les nouvelles par e-mail")

		// Refusals save nothing.
		before := s.count("SELECT COUNT(*) FROM subscriptions") + s.count("SELECT COUNT(*) FROM outbox")
		bad := b.postRaw("/"+slug+"/abonnement", url.Values{"email": {"pas-une-adresse"}, "commune_q": {"Nullepart-sur-Mer"}})
		wantStatus(t, bad, http.StatusUnprocessableEntity, "bad form")
		wantContains(t, bad, "bad form", `aria-invalid="true"`, `value="pas-une-adresse"`)
		if after := s.count("SELECT COUNT(*) FROM subscriptions") + s.count("SELECT COUNT(*) FROM outbox"); after != before {
			t.Fatalf("a refused form left rows: %d → %d", before, after)
		}

		ok := b.postRaw("/"+slug+"/abonnement", url.Values{"email": {addr}, "commune_q": {"Arras"}})
		wantStatus(t, ok, http.StatusOK, "subscribe")
		wantContains(t, ok, "subscribe", "Vérifiez votre messagerie", html.EscapeString(c.Name))
		confirm := s.linkIn(addr, subscription.ConfirmPath)
		wantContains(t, b.get(confirm), "confirm page", "Confirmer l&#39;abonnement")
		secret, _ := url.ParseQuery(strings.SplitN(confirm, "?", 2)[1])
		done := b.postRaw(subscription.ConfirmPath, url.Values{"jeton": {secret.Get("jeton")}})
		wantStatus(t, done, http.StatusOK, "confirmed")
		wantContains(t, done, "confirmed", "Abonnement confirmé", subscription.PreferencesPath+"?jeton=")
		var consent string
		if err := s.db.QueryRowContext(context.Background(), "SELECT consent_text FROM subscriptions WHERE email = $1 AND consent_at IS NOT NULL AND commune = '62041'",
			addr).Scan(&consent); err != nil || !strings.Contains(consent, c.Name) {
			t.Fatalf("consent: %q %v", consent, err)
		}
		run()
		if got := subjects(t, inbox, addr); len(got) != 1 || got[0] != "Confirmez votre abonnement" {
			t.Fatalf("before the vote: %q", got)
		}

		s.now = vote.Start.Add(time.Minute)
		run()
		run()
		s.now = vote.End.Add(-subscription.ClosingNotice + time.Minute)
		run()
		run()
		want := []string{"Confirmez votre abonnement", "Le vote du budget citoyen est ouvert", "Plus que trois jours pour voter au budget citoyen"}
		if got := subjects(t, inbox, addr); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("received %q, want %q", got, want)
		}
		msgs := inbox.Messages()
		raw := string(msgs[len(msgs)-1].Data)
		last := parseMail(t, msgs[len(msgs)-1])
		if !strings.Contains(raw, "multipart/alternative") || !strings.Contains(raw, `<html lang="fr">`) || strings.Contains(raw, "<img") {
			t.Errorf("not an accessible HTML alternative: %s", raw)
		}
		header := last.Header.Get("List-Unsubscribe")
		if last.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.HasPrefix(header, "<http://example.test/") {
			t.Fatalf("headers: %v", last.Header)
		}

		// The preferences page of the link, then the one click of a mail client.
		m := linkRe.FindStringSubmatch(raw[strings.Index(raw, "http://example.test"+subscription.PreferencesPath):])
		if m == nil {
			t.Fatalf("no preferences link in %s", raw)
		}
		prefs := m[1]
		pp := b.get(prefs)
		wantStatus(t, pp, http.StatusOK, "preferences")
		wantContains(t, pp, "preferences", `name="news" value="vote" checked`, "Arras", "Me désabonner")
		unsub := strings.TrimSuffix(strings.TrimPrefix(header, "<http://example.test"), ">")
		req, err := http.NewRequest(http.MethodPost, s.srv.URL+unsub, strings.NewReader("List-Unsubscribe=One-Click"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		wantStatus(t, s.browser().do(req), http.StatusOK, "one-click")
		if n := s.count("SELECT COUNT(*) FROM subscriptions WHERE email = $1", addr); n != 0 {
			t.Fatalf("%d subscriptions after one click", n)
		}
		if _, err := s.db.ExecContext(context.Background(), "INSERT INTO review_proclamations (campaign_id, proclaimed_at) VALUES ($1, $2)",
			c.ID, vote.End.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		s.now = vote.End.Add(2 * time.Hour)
		run()
		if got := subjects(t, inbox, addr); len(got) != 3 {
			t.Errorf("after unsubscribing: %q", got)
		}
		if n := s.count("SELECT COUNT(*) FROM campaign_mailings WHERE campaign_id = $1 AND kind = 'results'", c.ID); n != 1 {
			t.Errorf("the results' mailing was not claimed: %d", n)
		}
	})
}

// The preferences form: choices saved, an unknown link refused, nothing changed on GET.
func TestNewsPreferences(t *testing.T) {
	s := newSite(t, sqliteDB(t))
	_, slug := votingCampaign(t, s)
	b := s.browser()
	const addr = "choix@exemple.fr"
	wantStatus(t, b.postRaw("/"+slug+"/abonnement", url.Values{"email": {addr}}), http.StatusOK, "subscribe")
	// Not confirmed: no preferences page.
	var token string
	if err := s.db.QueryRowContext(context.Background(), "SELECT unsubscribe_token FROM subscriptions WHERE email = $1", addr).Scan(&token); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, b.get(subscription.PreferencesPath+"?jeton="+token), http.StatusNotFound, "unconfirmed")
	confirm := s.linkIn(addr, subscription.ConfirmPath)
	secret, _ := url.ParseQuery(strings.SplitN(confirm, "?", 2)[1])
	wantStatus(t, b.postRaw(subscription.ConfirmPath, url.Values{"jeton": {secret.Get("jeton")}}), http.StatusOK, "confirm")
	wantStatus(t, b.get(subscription.PreferencesPath+"?jeton=nimporte"), http.StatusNotFound, "unknown link")
	wantStatus(t, b.postRaw(subscription.PreferencesPath, url.Values{"jeton": {"nimporte"}, "news": {"vote"}}), http.StatusNotFound, "unknown post")
	bad := b.postRaw(subscription.PreferencesPath, url.Values{"jeton": {token}, "news": {"vote"}, "commune_q": {"Nullepart-sur-Mer"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity, "unknown commune")
	if n := s.count("SELECT COUNT(*) FROM subscriptions WHERE email = $1 AND topics = ',ideas,comptoirs,vote,closing,results,followup,letters,'", addr); n != 1 {
		t.Fatal("a refused form changed the preferences")
	}
	okp := b.postRaw(subscription.PreferencesPath, url.Values{"jeton": {token}, "news": {"results", "vote", "bogus"}, "commune_q": {"62041"}})
	wantStatus(t, okp, http.StatusOK, "saved")
	wantContains(t, okp, "saved", "Vos choix sont enregistrés", `value="vote" checked`)
	if n := s.count("SELECT COUNT(*) FROM subscriptions WHERE email = $1 AND topics = ',vote,results,' AND commune = '62041'", addr); n != 1 {
		t.Fatal("preferences not saved")
	}
}

// A signed-in person depositing an idea subscribes to the campaign's news with one
// checkbox: confirmed at once (their address is verified), with the checkbox's wording as
// consent; unchecked, nothing.
func TestIdeaDepositNewsOptIn(t *testing.T) {
	s := newSite(t, sqliteDB(t))
	citizen := demoAccount(t, access.Citizen)
	b := s.browser()
	b.signIn(citizen.Email, citizen.Password)
	slug := openSlug()
	page := b.get("/" + slug + "/idees/deposer")
	wantContains(t, page, "deposit form", `name="news"`)
	form := ideaForm("Une épicerie solidaire", "Arras", "")
	wantStatus(t, b.post("/"+slug+"/idees/deposer", form), http.StatusSeeOther, "without the box")
	if n := s.count("SELECT COUNT(*) FROM subscriptions WHERE email = $1", citizen.Email); n != 0 {
		t.Fatalf("unchecked box subscribed: %d", n)
	}
	form = ideaForm("Un atelier vélo", "Arras", "")
	form.Set("news", "1")
	wantStatus(t, b.post("/"+slug+"/idees/deposer", form), http.StatusSeeOther, "with the box")
	if n := s.count(`SELECT COUNT(*) FROM subscriptions WHERE email = $1 AND kind = 'campaign' AND confirmed_at IS NOT NULL
		AND consent_at IS NOT NULL AND consent_text LIKE 'Recevoir aussi%' AND commune = '62041'`, citizen.Email); n != 1 {
		t.Fatalf("opt-in: %d", n)
	}
}

// A signed-in person registering for a comptoir subscribes to the campaign's news with one
// checkbox, the comptoir's commune standing for theirs; unchecked, nothing.
func TestComptoirRegistrationNewsOptIn(t *testing.T) {
	s := newSite(t, siteDB(t))
	citizen := demoAccount(t, access.Citizen)
	b := s.browser()
	b.signIn(citizen.Email, citizen.Password)
	lens, c := demoSessionID(t, s, "Comptoir de Lens")
	arras, _ := demoSessionID(t, s, "Comptoir d'Arras")
	base := "/" + c.Slug + "/comptoirs/"
	wantContains(t, b.get(base+lens), "session page", `name="news"`, "Recevoir aussi par e-mail les nouvelles")
	wantStatus(t, b.post(base+lens+"/inscription", url.Values{}), http.StatusSeeOther, "without the box")
	if n := s.count("SELECT COUNT(*) FROM subscriptions WHERE email = $1", citizen.Email); n != 0 {
		t.Fatalf("unchecked box subscribed: %d", n)
	}
	wantStatus(t, b.post(base+arras+"/inscription", url.Values{"news": {"1"}}), http.StatusSeeOther, "with the box")
	var commune string
	if err := s.db.QueryRowContext(context.Background(), `SELECT commune FROM subscriptions WHERE email = $1 AND kind = 'campaign'
		AND confirmed_at IS NOT NULL AND consent_text LIKE 'Recevoir aussi%comptoirs près de ce lieu%'`, citizen.Email).Scan(&commune); err != nil {
		t.Fatalf("opt-in: %v", err)
	}
	id, _ := strconv.ParseInt(arras, 10, 64)
	ws, err := workshop.ByID(context.Background(), s.db, id)
	if err != nil || commune != ws.Commune {
		t.Errorf("subscribed with commune %q, want the comptoir's %q (%v)", commune, ws.Commune, err)
	}
}
