package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/db/dbtest"
)

// An agent writes a newsletter, previews it, sends it to themselves, schedules it, takes it
// back, schedules it again; the worker sends it to the subscribers who want it, once. A
// visitor cannot reach the pages; refused forms change nothing.
func TestNewsletters(t *testing.T) {
	s := newSite(t, sqliteDB(t))
	c, slug := votingCampaign(t, s)
	ctx := context.Background()
	// Two subscribers: one wants the newsletters, one does not.
	for i, topics := range []string{",letters,", ",results,"} {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO subscriptions (campaign_id, kind, target_id, email, unsubscribe_token,
			created_at, confirm_sent_at, confirmed_at, topics, consent_text, consent_at) VALUES ($1, 'campaign', $1, $2, $3, $4, $4, $4, $5, 'oui', $4)`,
			c.ID, []string{"lit@exemple.fr", "nelit@exemple.fr"}[i], []string{"j1", "j2"}[i], s.now, topics); err != nil {
			t.Fatal(err)
		}
	}
	base := "/admin/campagnes/" + slug + "/lettres"
	visitor := s.browser()
	if p := visitor.get(base); p.Status == http.StatusOK {
		t.Fatal("a visitor reached the newsletters")
	}
	admin := demoAccount(t, access.Admin)
	b := s.browser()
	b.signIn(admin.Email, admin.Password)
	list := b.get(base)
	wantStatus(t, list, http.StatusOK, "list")
	wantContains(t, list, "list", "Écrire une lettre", "1 personne aujourd&#39;hui")
	snap := func() string {
		return dbtest.Snapshot(t, s.db, "SELECT title, body, status FROM campaign_letters ORDER BY id", "SELECT COUNT(*) FROM outbox")
	}
	before := snap()
	wantStatus(t, b.post(base, url.Values{"title": {""}, "body": {"Texte"}}), http.StatusUnprocessableEntity, "no title")
	if snap() != before {
		t.Fatal("a refused letter left rows")
	}
	created := b.post(base, url.Values{"title": {"Le vote <approche>"}, "body": {"Premier paragraphe.\r\n\r\nVoir https://exemple.fr"}})
	wantStatus(t, created, http.StatusSeeOther, "create")
	path := created.Location
	show := b.get(path)
	wantContains(t, show, "show", "Aperçu", "La lettre d&#39;information du budget citoyen", "Le vote &lt;approche&gt;", "Premier paragraphe.")
	wantStatus(t, b.post(path+"/essai", nil), http.StatusSeeOther, "test send")
	if n := s.outboxTo(admin.Email); n < 1 {
		t.Fatal("no test e-mail to the agent")
	}
	wantStatus(t, b.post(path+"/programmer", url.Values{"send_at": {"2001-01-01T10:00"}}), http.StatusUnprocessableEntity, "past date")
	at := s.now.In(c.Location()).Add(2 * time.Hour).Format("2006-01-02T15:04")
	wantStatus(t, b.post(path+"/programmer", url.Values{"send_at": {at}}), http.StatusSeeOther, "schedule")
	wantStatus(t, b.post(path, url.Values{"title": {"Changé"}, "body": {"x"}}), http.StatusConflict, "edit scheduled")
	wantStatus(t, b.post(path+"/annuler", nil), http.StatusSeeOther, "cancel")
	wantStatus(t, b.post(path+"/annuler", nil), http.StatusConflict, "cancel twice")
	wantStatus(t, b.post(path+"/programmer", url.Values{"send_at": {at}}), http.StatusSeeOther, "schedule again")
	dbtest.LastAudit(t, s.db, "subscription.letter.schedule")

	worker := s.newsQueue()
	worker()
	if s.outboxTo("lit@exemple.fr") != 0 {
		t.Fatal("sent before its time")
	}
	s.now = s.now.Add(3 * time.Hour)
	worker()
	worker()
	if s.outboxTo("lit@exemple.fr") != 1 || s.outboxTo("nelit@exemple.fr") != 0 {
		t.Fatalf("sent %d / %d", s.outboxTo("lit@exemple.fr"), s.outboxTo("nelit@exemple.fr"))
	}
	var body string
	if err := s.db.QueryRowContext(ctx, "SELECT body_text FROM outbox WHERE to_addr = 'lit@exemple.fr'").Scan(&body); err != nil ||
		!strings.Contains(body, "Le vote <approche>") || !strings.Contains(body, "/abonnements/preferences?jeton=j1") {
		t.Fatalf("letter e-mail: %q %v", body, err)
	}
	wantStatus(t, b.post(path+"/annuler", nil), http.StatusConflict, "cancel after sending")
	wantContains(t, b.get(path), "sent", "Envoyée")
}
