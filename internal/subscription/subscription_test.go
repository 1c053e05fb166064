package subscription_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/followup/followuptest"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/subscription"
)

type world struct {
	t   *testing.T
	d   *db.DB
	f   *followuptest.Fixture
	env subscription.Env
}

func newWorld(t *testing.T, d *db.DB) *world {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	f := followuptest.New(t, d)
	return &world{t: t, d: d, f: f, env: subscription.Env{Change: f.Env(), Cat: cat, BaseURL: "https://budget.test"}}
}

func visitor(client string) change.Who { return change.By(access.Actor{Client: client}) }

// lastMail is the newest e-mail queued for addr.
func (w *world) lastMail(addr string) (mail.Message, int) {
	w.t.Helper()
	ms, err := mail.Sent(context.Background(), w.d, addr)
	if err != nil {
		w.t.Fatal(err)
	}
	if len(ms) == 0 {
		return mail.Message{}, 0
	}
	return ms[0], len(ms)
}

// secretOf extracts the ?jeton= of the link to path in body.
func secretOf(t *testing.T, body, path string) string {
	t.Helper()
	i := strings.Index(body, path+"?jeton=")
	if i < 0 {
		t.Fatalf("no link to %s in %q", path, body)
	}
	rest := body[i:]
	if j := strings.IndexAny(rest, " \n"); j >= 0 {
		rest = rest[:j]
	}
	u, err := url.Parse(rest)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("jeton")
}

// publish publishes an update of project id (as the updates' review does) and queues the
// notifier's e-mails through change.Do, as an agent.
func (w *world) publish(id int64, title string) []mail.Message {
	w.t.Helper()
	ctx := context.Background()
	notify := subscription.ProjectNotifier(w.env.Cat, w.env.BaseURL)
	out, err := change.Do(ctx, w.f.Env(), change.Request{Who: w.f.Agent, Permission: access.PermManageDossiers,
		Campaign: w.f.Campaign, Action: "followup.update.publish", EntityKind: "followup_update",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			var uid int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO followup_updates (dossier_id, campaign_id, status, title, body,
				created_at, published_at) VALUES ($1, $2, 'published', $3, 'Texte', $4, $4) RETURNING id`,
				id, w.f.Campaign.ID, title, w.f.Now).Scan(&uid); err != nil {
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
			mails, err := notify(ctx, tx, *u, *p)
			return change.Outcome{EntityID: "1", Mails: mails}, err
		}})
	if err != nil {
		w.t.Fatal(err)
	}
	return out.Mails
}

// The whole life of a subscription: subscribe, confirm, an update reaches the subscriber
// with its unsubscription link, unsubscribe, the next update reaches no one.
func TestSubscriptionLife(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		id := w.f.Granted[1]
		topic := subscription.ProjectTopic(w.f.Campaign, id)
		const addr = "lea@exemple.fr"

		if got := w.publish(id, "Avant"); len(got) != 0 {
			t.Fatalf("no subscriber yet, got %d e-mails", len(got))
		}
		if err := subscription.Subscribe(ctx, w.env, visitor("10.0.0.1"), topic, " Lea@Exemple.fr ", i18n.FR); err != nil {
			t.Fatal(err)
		}
		m, n := w.lastMail(addr)
		if n != 1 || m.Subject != "Confirmez votre abonnement" || strings.Contains(m.Body, "Projet 1") {
			t.Fatalf("confirmation: %d %+v", n, m)
		}
		// Not confirmed: a publication sends nothing to the address.
		if got := w.publish(id, "Pas encore"); len(got) != 0 {
			t.Fatalf("unconfirmed subscriber got %d e-mails", len(got))
		}
		// Asked again within the window: no second e-mail, same answer.
		if err := subscription.Subscribe(ctx, w.env, visitor("10.0.0.2"), topic, addr, i18n.FR); err != nil {
			t.Fatal(err)
		}
		if _, n := w.lastMail(addr); n != 1 {
			t.Fatalf("re-subscription sent again: %d e-mails", n)
		}
		secret := secretOf(t, m.Body, subscription.ConfirmPath)
		s, err := subscription.Confirm(ctx, w.env, visitor("10.0.0.1"), secret)
		if err != nil || !s.Confirmed() || s.TargetID != id {
			t.Fatalf("confirm: %+v %v", s, err)
		}
		if _, err := subscription.Confirm(ctx, w.env, visitor("10.0.0.1"), secret); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("second use of the link: %v", err)
		}
		ok, err := mail.Confirmed(ctx, d, addr)
		if err != nil || !ok {
			t.Errorf("a confirmed subscription's address is confirmed: %v %v", ok, err)
		}

		got := w.publish(id, "Travaux commencés")
		if len(got) != 1 || got[0].To != addr || got[0].Subject != "Nouvelle étape d'un projet que vous suivez" ||
			!strings.Contains(got[0].Body, "Projet 1") || !strings.Contains(got[0].Body, "Travaux commencés") ||
			!strings.Contains(got[0].Body, "https://budget.test/"+w.f.Campaign.Slug+"/projets/") || got[0].Unsubscribe == "" ||
			!strings.Contains(got[0].Body, got[0].Unsubscribe) {
			t.Fatalf("notice: %+v", got)
		}
		m, _ = w.lastMail(addr)
		if m.Unsubscribe != got[0].Unsubscribe {
			t.Errorf("the outbox keeps the unsubscription header: %q", m.Unsubscribe)
		}
		// Another project's update reaches no one.
		if got := w.publish(w.f.Granted[2], "Ailleurs"); len(got) != 0 {
			t.Errorf("another project's update: %+v", got)
		}

		unsub := secretOf(t, got[0].Body, subscription.UnsubscribePath)
		if s, err := subscription.ByUnsubscribe(ctx, d, unsub); err != nil || s.Email != addr {
			t.Fatalf("by unsubscribe: %+v %v", s, err)
		}
		if _, err := subscription.Unsubscribe(ctx, w.env, visitor("10.0.0.3"), unsub); err != nil {
			t.Fatal(err)
		}
		dbtest.LastAudit(t, d, "subscription.unsubscribe")
		if got := w.publish(id, "Après"); len(got) != 0 {
			t.Errorf("after unsubscribing: %+v", got)
		}
		if _, err := subscription.Unsubscribe(ctx, w.env, visitor("10.0.0.3"), unsub); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("second unsubscription: %v", err)
		}
	})
}

func TestSubscribeRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		topic := subscription.ProjectTopic(w.f.Campaign, w.f.Granted[0])
		snap := func() string {
			return dbtest.Snapshot(t, d, "SELECT email FROM subscriptions ORDER BY id",
				"SELECT to_addr FROM outbox ORDER BY id")
		}
		// Five e-mails an hour to one address at most: the sixth ask (each a new project,
		// so each sends) is refused.
		for i, id := range w.f.Granted {
			if err := subscription.Subscribe(ctx, w.env, visitor("10.1.0.1"), subscription.ProjectTopic(w.f.Campaign, id),
				"flot@exemple.fr", i18n.FR); err != nil {
				t.Fatalf("ask %d: %v", i, err)
			}
		}
		if err := subscription.Subscribe(ctx, w.env, visitor("10.1.0.2"), topic, "flot@exemple.fr", i18n.FR); err != nil {
			t.Fatalf("fifth ask (already asked, nothing sent): %v", err)
		}
		// A completed or abandoned project publishes nothing more.
		closed := map[int64]string{w.f.Granted[1]: "completed", w.f.Granted[2]: "abandoned"}
		for id, state := range closed {
			if _, err := d.ExecContext(ctx, "UPDATE dossiers SET state = $1 WHERE id = $2", state, id); err != nil {
				t.Fatal(err)
			}
		}
		dbtest.Refuse(t, snap, []dbtest.Refusal{
			{Name: "bad address", Run: func() error {
				return subscription.Subscribe(ctx, w.env, visitor("10.1.0.3"), topic, "pas-une-adresse", i18n.FR)
			}, Kind: apperr.Invalid, Field: "email"},
			{Name: "completed project", Run: func() error {
				return subscription.Subscribe(ctx, w.env, visitor("10.1.0.3"), subscription.ProjectTopic(w.f.Campaign, w.f.Granted[1]),
					"fin@exemple.fr", i18n.FR)
			}, Kind: apperr.Conflict},
			{Name: "abandoned project", Run: func() error {
				return subscription.Subscribe(ctx, w.env, visitor("10.1.0.3"), subscription.ProjectTopic(w.f.Campaign, w.f.Granted[2]),
					"fin@exemple.fr", i18n.FR)
			}, Kind: apperr.Conflict},
			{Name: "not funded", Run: func() error {
				return subscription.Subscribe(ctx, w.env, visitor("10.1.0.3"), subscription.ProjectTopic(w.f.Campaign, w.f.NotFunded),
					"x@exemple.fr", i18n.FR)
			}, Kind: apperr.NotFound},
			{Name: "flood of one address", Run: func() error {
				return subscription.Subscribe(ctx, w.env, visitor("10.1.0.4"), topic, "flot@exemple.fr", i18n.FR)
			}, Kind: apperr.TooMany},
			{Name: "unknown confirmation", Run: func() error {
				_, err := subscription.Confirm(ctx, w.env, visitor("10.1.0.3"), "nimporte")
				return err
			}, Kind: apperr.NotFound},
			{Name: "unknown unsubscription", Run: func() error {
				_, err := subscription.Unsubscribe(ctx, w.env, visitor("10.1.0.3"), "nimporte")
				return err
			}, Kind: apperr.NotFound},
		})
	})
}

// After the window, an unconfirmed address may be sent a new confirmation; an expired link
// no longer confirms; the purge deletes the unconfirmed; erasure forgets an address.
func TestResendExpiryPurgeForget(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		topic := subscription.ProjectTopic(w.f.Campaign, w.f.Granted[0])
		if err := subscription.Subscribe(ctx, w.env, visitor("10.2.0.1"), topic, "a@exemple.fr", i18n.EN); err != nil {
			t.Fatal(err)
		}
		first, _ := w.lastMail("a@exemple.fr")
		if first.Subject != "Confirm your subscription" {
			t.Errorf("in the visitor's language: %q", first.Subject)
		}
		w.f.Now = w.f.Now.Add(subscription.ResendWindow + time.Minute)
		if err := subscription.Subscribe(ctx, w.env, visitor("10.2.0.1"), topic, "a@exemple.fr", i18n.FR); err != nil {
			t.Fatal(err)
		}
		second, n := w.lastMail("a@exemple.fr")
		if n != 2 {
			t.Fatalf("after the window: %d e-mails", n)
		}
		if _, err := subscription.Confirm(ctx, w.env, visitor("10.2.0.1"), secretOf(t, first.Body, subscription.ConfirmPath)); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("the replaced link still works: %v", err)
		}
		w.f.Now = w.f.Now.Add(subscription.ConfirmTTL + time.Minute)
		if _, err := subscription.Confirm(ctx, w.env, visitor("10.2.0.1"), secretOf(t, second.Body, subscription.ConfirmPath)); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("an expired link still works: %v", err)
		}
		if err := subscription.Subscribe(ctx, w.env, visitor("10.2.0.2"), subscription.ProjectTopic(w.f.Campaign, w.f.Granted[1]),
			"b@exemple.fr", i18n.FR); err != nil {
			t.Fatal(err)
		}
		m, _ := w.lastMail("b@exemple.fr")
		if _, err := subscription.Confirm(ctx, w.env, visitor("10.2.0.2"), secretOf(t, m.Body, subscription.ConfirmPath)); err != nil {
			t.Fatal(err)
		}
		n2, err := subscription.PurgeUnconfirmed(ctx, d, w.f.Now.Add(-time.Hour))
		if err != nil || n2 != 1 {
			t.Errorf("purge: %d %v", n2, err)
		}
		list, err := subscription.ByEmail(ctx, d, "B@exemple.fr")
		if err != nil || len(list) != 1 || !list[0].Confirmed() {
			t.Errorf("by e-mail: %+v %v", list, err)
		}
		if n, err := subscription.ForgetEmail(ctx, d, "b@exemple.fr"); err != nil || n != 1 {
			t.Errorf("forget: %d %v", n, err)
		}
		if list, _ := subscription.ByEmail(ctx, d, "b@exemple.fr"); len(list) != 0 {
			t.Errorf("forgotten: %+v", list)
		}
	})
}
