package subscription_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/subscription"
	"budgetcitoyen/internal/workshop"
)

const consent = "J'accepte de recevoir les nouvelles de la campagne par e-mail."

func (w *world) newsroom() *subscription.Newsroom {
	return &subscription.Newsroom{DB: w.d, Cat: w.env.Cat, BaseURL: w.env.BaseURL, Now: func() time.Time { return w.f.Now }}
}

// subscribeCampaign subscribes and confirms addr to the fixture's campaign.
func (w *world) subscribeCampaign(addr, commune string) {
	w.t.Helper()
	ctx := context.Background()
	err := subscription.SubscribeCampaign(ctx, w.env, visitor("10.9.0.1"), w.f.Campaign,
		subscription.CampaignRequest{Email: addr, Commune: commune, Consent: consent, Lang: i18n.FR})
	if err != nil {
		w.t.Fatal(err)
	}
	m, _ := w.lastMail(addr)
	if _, err := subscription.Confirm(ctx, w.env, visitor("10.9.0.1"), secretOf(w.t, m.Body, subscription.ConfirmPath)); err != nil {
		w.t.Fatal(err)
	}
}

func subjects(t *testing.T, d *db.DB, addr string) []string {
	t.Helper()
	ms, err := mail.Sent(context.Background(), d, addr)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, m.Subject)
	}
	slices.Reverse(out)
	return out
}

// A campaign's news: consent recorded, the vote's two e-mails each once (however many
// runs, and two workers at once), the preferences narrow them, none after unsubscribing.
func TestCampaignNews(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		c := w.f.Campaign
		vote, _ := c.Window(campaign.PhaseVote)
		w.f.Now = vote.Start.Add(-48 * time.Hour)
		w.subscribeCampaign("lea@exemple.fr", "62041")
		w.subscribeCampaign("marc@exemple.fr", "")
		list, err := subscription.ByEmail(ctx, d, "lea@exemple.fr")
		if err != nil || len(list) != 1 || list[0].Kind != subscription.KindCampaign || list[0].ConsentText != consent ||
			list[0].ConsentAt == nil || !list[0].ConsentAt.Equal(w.f.Now) || list[0].Commune != "62041" ||
			len(list[0].News) != len(subscription.AllNews()) {
			t.Fatalf("subscription: %+v %v", list, err)
		}
		nr := w.newsroom()
		if n, err := nr.Run(ctx); err != nil || n != 0 {
			t.Fatalf("before the vote: %d %v", n, err)
		}
		w.f.Now = vote.Start.Add(time.Hour)
		// Two workers at once: each subscriber gets one e-mail.
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := nr.Run(ctx); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if _, err := nr.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if got := subjects(t, d, "lea@exemple.fr"); !slices.Equal(got, []string{"Confirmez votre abonnement", "Le vote du budget citoyen est ouvert"}) {
			t.Fatalf("vote open: %q", got)
		}
		ms, _ := mail.Sent(ctx, d, "lea@exemple.fr")
		m := ms[0]
		if m.Unsubscribe == "" || !strings.Contains(m.Body, m.Unsubscribe) || !strings.Contains(m.Body, subscription.PreferencesPath+"?jeton=") ||
			!strings.Contains(m.Body, "https://budget.test/"+c.Slug+"/vote") {
			t.Errorf("vote open e-mail: %+v", m)
		}
		if !strings.Contains(m.HTML, `<a href="`+m.Unsubscribe+`">`) || !strings.Contains(m.HTML, `<html lang="fr">`) ||
			!strings.Contains(m.HTML, "<h1>Le vote du budget citoyen est ouvert</h1>") || strings.Contains(m.HTML, "\x00") {
			t.Errorf("vote open HTML: %s", m.HTML)
		}
		// Marc wants no more than the results.
		marc, _ := subscription.ByEmail(ctx, d, "marc@exemple.fr")
		if _, err := subscription.SetPreferences(ctx, w.env, visitor("10.9.0.2"), marc[0].Unsubscribe,
			subscription.Preferences{News: []subscription.News{subscription.NewsResults}}); err != nil {
			t.Fatal(err)
		}
		w.f.Now = vote.End.Add(-subscription.ClosingNotice + time.Minute)
		for range 2 {
			if _, err := nr.Run(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if got := subjects(t, d, "lea@exemple.fr"); len(got) != 3 || got[2] != "Plus que trois jours pour voter au budget citoyen" {
			t.Fatalf("closing: %q", got)
		}
		if got := subjects(t, d, "marc@exemple.fr"); len(got) != 2 {
			t.Fatalf("marc chose the results only: %q", got)
		}
		days, err := subscription.MailingDays(ctx, d, c.ID)
		if err != nil || len(days) != 2 || !days[0].Equal(vote.Start.Add(time.Hour)) {
			t.Errorf("mailing days: %v %v", days, err)
		}
		if _, err := subscription.Unsubscribe(ctx, w.env, visitor("10.9.0.3"), secretOf(t, ms[0].Body, subscription.UnsubscribePath)); err != nil {
			t.Fatal(err)
		}
		// The results: lea is gone, marc gets them.
		if _, err := d.ExecContext(ctx, "INSERT INTO review_proclamations (campaign_id, proclaimed_at) VALUES ($1, $2)", c.ID, w.f.Now); err != nil {
			t.Fatal(err)
		}
		w.f.Now = w.f.Now.Add(time.Hour)
		if _, err := nr.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if got := subjects(t, d, "lea@exemple.fr"); len(got) != 3 {
			t.Errorf("after unsubscribing: %q", got)
		}
		if got := subjects(t, d, "marc@exemple.fr"); len(got) != 3 || got[2] != "Les résultats du budget citoyen sont proclamés" {
			t.Errorf("results: %q", got)
		}
	})
}

// The chunks: a mailing queued in several transactions reaches each subscriber once, and
// a mailing another worker left midway is finished by the next run.
func TestCampaignNewsChunks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		c := w.f.Campaign
		vote, _ := c.Window(campaign.PhaseVote)
		w.f.Now = vote.Start.Add(time.Hour)
		seedSubscribers(t, d, c.ID, 25, w.f.Now)
		nr := w.newsroom()
		nr.Chunk = 7
		n, err := nr.Run(ctx)
		if err != nil || n != 25 {
			t.Fatalf("queued %d %v", n, err)
		}
		if n, err := nr.Run(ctx); err != nil || n != 0 {
			t.Fatalf("second run queued %d %v", n, err)
		}
		var recipients, distinct int
		if err := d.QueryRowContext(ctx, "SELECT recipients FROM campaign_mailings WHERE campaign_id = $1", c.ID).Scan(&recipients); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRowContext(ctx, "SELECT COUNT(DISTINCT to_addr) FROM outbox").Scan(&distinct); err != nil {
			t.Fatal(err)
		}
		if recipients != 25 || distinct != 25 {
			t.Errorf("recipients %d, distinct addresses %d", recipients, distinct)
		}
	})
}

// seedSubscribers writes n confirmed subscribers of every news to campaign id.
func seedSubscribers(t testing.TB, d *db.DB, campaignID int64, n int, now time.Time) {
	t.Helper()
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{campaignID, "campaign", campaignID, fmt.Sprintf("abonne%d@exemple.fr", i), "fr",
			fmt.Sprintf("jeton-%d-%d", campaignID, i), now, now, now, ",ideas,comptoirs,vote,closing,results,followup,letters,", consent}
	}
	b := db.Batch{Table: "subscriptions", Columns: []db.Column{{Name: "campaign_id", PGType: "bigint"}, {Name: "kind", PGType: "text"},
		{Name: "target_id", PGType: "bigint"}, {Name: "email", PGType: "text"}, {Name: "lang", PGType: "text"},
		{Name: "unsubscribe_token", PGType: "text"}, {Name: "created_at", PGType: "timestamptz"},
		{Name: "confirm_sent_at", PGType: "timestamptz"}, {Name: "confirmed_at", PGType: "timestamptz"},
		{Name: "topics", PGType: "text"}, {Name: "consent_text", PGType: "text"}}}
	if err := d.InTx(context.Background(), func(tx *db.Tx) error { return b.Exec(context.Background(), tx, rows) }); err != nil {
		t.Fatal(err)
	}
}

func TestSubscribeCampaignRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		snap := func() string {
			return dbtest.Snapshot(t, d, "SELECT email, topics FROM subscriptions ORDER BY id", "SELECT to_addr FROM outbox ORDER BY id")
		}
		archived := *w.f.Campaign
		archived.Archived = true
		dbtest.Refuse(t, snap, []dbtest.Refusal{
			{Name: "bad address", Run: func() error {
				return subscription.SubscribeCampaign(ctx, w.env, visitor("10.8.0.1"), w.f.Campaign,
					subscription.CampaignRequest{Email: "non", Consent: consent})
			}, Kind: apperr.Invalid, Field: "email"},
			{Name: "archived campaign", Run: func() error {
				return subscription.SubscribeCampaign(ctx, w.env, visitor("10.8.0.1"), &archived,
					subscription.CampaignRequest{Email: "x@exemple.fr", Consent: consent})
			}, Kind: apperr.NotFound},
			{Name: "preferences of an unknown secret", Run: func() error {
				_, err := subscription.SetPreferences(ctx, w.env, visitor("10.8.0.1"), "nimporte", subscription.Preferences{})
				return err
			}, Kind: apperr.NotFound},
		})
	})
}

func TestParsePreferences(t *testing.T) {
	for _, tc := range []struct {
		form     url.Values
		news     []subscription.News
		text, cd string
	}{
		{url.Values{}, nil, "", ""},
		{url.Values{"news": {"vote", "ideas", "vote", "bogus"}, "commune_q": {" Arras "}, "commune": {"62041"}},
			[]subscription.News{subscription.NewsIdeas, subscription.NewsVote}, "Arras", "62041"},
		{url.Values{"news": {"letters", "followup", "results", "closing", "vote", "comptoirs", "ideas"}}, subscription.AllNews(), "", ""},
	} {
		news, text, code := subscription.ParsePreferences(tc.form)
		if !slices.Equal(news, tc.news) || text != tc.text || code != tc.cd {
			t.Errorf("%v: %v %q %q", tc.form, news, text, code)
		}
	}
}

func FuzzParsePreferences(f *testing.F) {
	f.Add("news=vote&news=ideas&commune_q=Arras")
	f.Add("news=%00&commune=6204")
	f.Fuzz(func(t *testing.T, raw string) {
		form, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		news, _, _ := subscription.ParsePreferences(form)
		for i, n := range news {
			if !n.Valid() || slices.Index(news, n) != i {
				t.Fatalf("%q: %v", raw, news)
			}
		}
	})
}

func FuzzParseLetter(f *testing.F) {
	f.Add("Titre", "Un paragraphe.\r\n\r\nUn autre.")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, title, body string) {
		l, errs := subscription.ParseLetter(url.Values{"title": {title}, "body": {body}})
		if len(errs) == 0 && (l.Title == "" || l.Body == "" || strings.Contains(l.Body, "\r\n")) {
			t.Fatalf("accepted %q %q", l.Title, l.Body)
		}
	})
}

func TestHTMLMail(t *testing.T) {
	h := subscription.HTMLMail(i18n.FR, "Sujet <b>", "<p>x</p>\n")
	for _, want := range []string{`<html lang="fr">`, "<h1>Sujet &lt;b&gt;</h1>", "<title>Sujet &lt;b&gt;</title>"} {
		if !strings.Contains(h, want) {
			t.Errorf("missing %q in %s", want, h)
		}
	}
	if strings.Contains(h, "<img") || strings.Contains(h, "<script") {
		t.Errorf("remote content: %s", h)
	}
}

// A comptoir session reaches the subscribers of its commune (or its intercommunality) who
// want the comptoirs' news; a published update reaches those who want the follow-up's.
func TestComptoirAndFollowupNews(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		c := w.f.Campaign
		w.subscribeCampaign("arras@exemple.fr", "62041")
		w.subscribeCampaign("loin@exemple.fr", "62765")
		w.subscribeCampaign("nulle@exemple.fr", "")
		s := &workshop.Session{CampaignID: c.ID, Title: "Comptoir", Topics: []workshop.Topic{workshop.TopicPitch}, Host: "Asso",
			Address: "1 rue", Commune: "62041", StartsAt: w.f.Now.Add(72 * time.Hour), EndsAt: w.f.Now.Add(75 * time.Hour), Capacity: 10}
		if err := workshop.Create(ctx, d, s, w.f.Now); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `INSERT INTO followup_updates (dossier_id, campaign_id, status, title, body, created_at, published_at)
			VALUES ($1, $2, 'published', 'Travaux commencés', 'Texte', $3, $3)`, w.f.Granted[0], c.ID, w.f.Now); err != nil {
			t.Fatal(err)
		}
		w.f.Now = w.f.Now.Add(time.Hour)
		if _, err := w.newsroom().Run(ctx); err != nil {
			t.Fatal(err)
		}
		for addr, want := range map[string][]string{
			"arras@exemple.fr": {"Confirmez votre abonnement", "Un comptoir à initiatives citoyennes près de chez vous", "Des nouvelles d'un projet du budget citoyen"},
			"loin@exemple.fr":  {"Confirmez votre abonnement", "Des nouvelles d'un projet du budget citoyen"},
			"nulle@exemple.fr": {"Confirmez votre abonnement", "Des nouvelles d'un projet du budget citoyen"},
		} {
			got := subjects(t, d, addr)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: %q, want %q", addr, got, want)
			}
		}
	})
}

// A newsletter: saved, scheduled, cancelled, scheduled again, sent once by the worker to
// the subscribers who want the newsletters; no longer cancellable once sent. Audited.
func TestLetterLife(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		c := w.f.Campaign
		w.subscribeCampaign("lit@exemple.fr", "")
		w.subscribeCampaign("nelit@exemple.fr", "")
		nelit, _ := subscription.ByEmail(ctx, d, "nelit@exemple.fr")
		if _, err := subscription.SetPreferences(ctx, w.env, visitor("10.9.0.5"), nelit[0].Unsubscribe,
			subscription.Preferences{News: []subscription.News{subscription.NewsResults}}); err != nil {
			t.Fatal(err)
		}
		id, err := subscription.SaveLetter(ctx, w.env, w.f.Agent, c, 0, subscription.LetterForm{Title: "Le vote <approche>", Body: "Premier.\n\nSecond."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := subscription.SaveLetter(ctx, w.env, visitor("10.9.0.6"), c, id, subscription.LetterForm{Title: "x", Body: "y"}); !apperr.IsKind(err, apperr.Forbidden) && !apperr.IsKind(err, apperr.Unauthenticated) {
			t.Errorf("a visitor changed a letter: %v", err)
		}
		at := w.f.Now.Add(time.Hour)
		if err := subscription.ScheduleLetter(ctx, w.env, w.f.Agent, c, id, at); err != nil {
			t.Fatal(err)
		}
		if err := subscription.CancelLetter(ctx, w.env, w.f.Agent, c, id); err != nil {
			t.Fatal(err)
		}
		if err := subscription.ScheduleLetter(ctx, w.env, w.f.Agent, c, id, at); err != nil {
			t.Fatal(err)
		}
		dbtest.LastAudit(t, d, "subscription.letter.schedule")
		nr := w.newsroom()
		if n, err := nr.Run(ctx); err != nil || n != 0 {
			t.Fatalf("before its time: %d %v", n, err)
		}
		w.f.Now = at.Add(time.Minute)
		for range 2 {
			if _, err := nr.Run(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if got := subjects(t, d, "lit@exemple.fr"); len(got) != 2 || got[1] != "La lettre d'information du budget citoyen" {
			t.Errorf("reader: %q", got)
		}
		if got := subjects(t, d, "nelit@exemple.fr"); len(got) != 1 {
			t.Errorf("not a reader: %q", got)
		}
		ms, _ := mail.Sent(ctx, d, "lit@exemple.fr")
		if !strings.Contains(ms[0].Body, "Le vote <approche>") || !strings.Contains(ms[0].HTML, "Le vote &lt;approche&gt;") ||
			!strings.Contains(ms[0].HTML, "<p>Second.</p>") {
			t.Errorf("letter: %q\n%s", ms[0].Body, ms[0].HTML)
		}
		if err := subscription.CancelLetter(ctx, w.env, w.f.Agent, c, id); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("cancel after sending: %v", err)
		}
		if err := subscription.TestLetter(ctx, w.env, w.f.Agent, c, id, i18n.FR); err != nil {
			t.Fatal(err)
		}
		if got := subjects(t, d, "agent@exemple.fr"); len(got) != 1 {
			t.Errorf("test send: %q", got)
		}
	})
}
