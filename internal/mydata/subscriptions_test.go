package mydata_test

import (
	"context"
	"strings"
	"testing"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/followup/followuptest"
	"budgetcitoyen/internal/mydata"
	"budgetcitoyen/internal/subscription"
	"budgetcitoyen/internal/workshop"
)

// The subscriptions by e-mail of a person's address are in their data, and go with their
// account; another address's stay.
func TestSubscriptionsExportedAndErased(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := followuptest.New(t, d)
		for i, email := range []string{"Porteuse@exemple.fr", "autre@exemple.fr"} {
			if _, err := d.ExecContext(ctx, `INSERT INTO subscriptions (campaign_id, kind, target_id, email, unsubscribe_token,
				created_at, confirm_sent_at, confirmed_at) VALUES ($1, 'project', $2, $3, $4, $5, $5, $5)`,
				f.Campaign.ID, f.Granted[0], strings.ToLower(email), "jeton-"+email, f.Now); err != nil {
				t.Fatal(i, err)
			}
		}
		// The campaign's news too, with the consent.
		if _, err := d.ExecContext(ctx, `INSERT INTO subscriptions (campaign_id, kind, target_id, email, unsubscribe_token,
			created_at, confirm_sent_at, confirmed_at, topics, commune, consent_text, consent_at)
			VALUES ($1, 'campaign', $1, 'porteuse@exemple.fr', 'jeton-news', $2, $2, $2, ',vote,results,', '62041', 'J''accepte', $2)`,
			f.Campaign.ID, f.Now); err != nil {
			t.Fatal(err)
		}
		x, err := mydata.Collect(ctx, d, f.Carrier.Actor.ID(), f.Now)
		if err != nil {
			t.Fatal(err)
		}
		if len(x.Subscriptions) != 2 || x.Subscriptions[0].Title != "Projet 0" || x.Subscriptions[0].ConfirmedAt == nil ||
			x.Subscriptions[0].Campaign.Slug != f.Campaign.Slug {
			t.Fatalf("export: %+v", x.Subscriptions)
		}
		if n := x.Subscriptions[1]; n.Kind != "campaign" || n.ConsentText != "J'accepte" || n.ConsentAt == nil || n.Commune != "62041" ||
			strings.Join(n.News, ",") != "vote,results" || n.Title != f.Campaign.Name {
			t.Fatalf("campaign news export: %+v", n)
		}
		res, err := mydata.Erase(ctx, mydata.Env{Change: f.Env(), Workshop: workshop.Mailer{}}, f.Carrier)
		if err != nil || res.Subscriptions != 2 {
			t.Fatalf("erase: %+v %v", res, err)
		}
		if list, _ := subscription.ByEmail(ctx, d, "porteuse@exemple.fr"); len(list) != 0 {
			t.Errorf("left after erasure: %+v", list)
		}
		if list, _ := subscription.ByEmail(ctx, d, "autre@exemple.fr"); len(list) != 1 {
			t.Errorf("another address's: %+v", list)
		}
	})
}
