package subscription_test

import (
	"context"
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/followup/followuptest"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/subscription"
)

// BenchmarkVoteReminder100k queues the "vote open" e-mail of a campaign to 100,000 confirmed
// subscribers (the limit: under 10 s), on each database.
func BenchmarkVoteReminder100k(b *testing.B) {
	for _, open := range []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(open.name, func(b *testing.B) {
			cat, err := i18n.Load()
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				d := open.open(b)
				f := followuptest.New(b, d)
				vote, _ := f.Campaign.Window(campaign.PhaseVote)
				now := vote.Start.Add(time.Hour)
				seedSubscribers(b, d, f.Campaign.ID, 100_000, now)
				nr := &subscription.Newsroom{DB: d, Cat: cat, BaseURL: "https://budget.test", Now: func() time.Time { return now }}
				b.StartTimer()
				n, err := nr.Run(ctx)
				if err != nil || n != 100_000 {
					b.Fatalf("queued %d: %v", n, err)
				}
			}
		})
	}
}
