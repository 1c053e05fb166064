package vote_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/vote"
)

// The counters of the days of the vote follow the register: after N ballots cast through the
// box (in groups, with people voting twice) and written by WriteGroup, the days sum to the
// register's count, and a refused ballot counts in no day.
func TestVoteDaysSumToTheRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c, ids := setup(t, d)
		paris, _ := time.LoadLocation("Europe/Paris")
		// 23:30 UTC on 9 September is already the 10th in Paris.
		if got := vote.DayOf(time.Date(2026, 9, 9, 23, 30, 0, 0, time.UTC), paris); got != "2026-09-10" {
			t.Fatalf("DayOf = %s", got)
		}
		box := vote.NewBox(d, func() time.Time { return now })
		days := []string{"2026-09-10", "2026-09-11", "2026-09-12"}
		const n = 60
		var wg sync.WaitGroup
		refused := make([]error, n+10)
		for i := range n + 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				person := i % n // the last ten vote a second time
				_, refused[i] = box.Cast(ctx, vote.Cast{CampaignID: c.ID, PersonKey: fmt.Sprintf("p%d", person), Commune: "62041",
					AgeBracket: "25-34", Choices: ids[:1], Day: days[person%3]})
			}()
		}
		wg.Wait()
		box.Flush()
		again := 0
		for _, err := range refused {
			if err != nil {
				again++
			}
		}
		if again != 10 {
			t.Fatalf("%d refused, want 10", again)
		}
		// The demo's path: one transaction of WriteGroup, with a ballot without day.
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := vote.WriteGroup(ctx, tx, []vote.Cast{
				{CampaignID: c.ID, PersonKey: "q1", Commune: "62041", AgeBracket: "18-24", Choices: ids[:1], Day: days[0]},
				{CampaignID: c.ID, PersonKey: "q2", Commune: "62041", AgeBracket: "18-24", Choices: ids[:1]},
				{CampaignID: c.ID, PersonKey: "p1", Commune: "62041", AgeBracket: "18-24", Choices: ids[:1], Day: days[0]},
			}, nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		byDay, err := vote.VotersByDay(ctx, d, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		registered, err := vote.VoterCount(ctx, d, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, v := range byDay {
			sum += v
		}
		if registered != n+2 || sum != n+1 || byDay[days[0]] != n/3+1 || byDay[days[1]] != n/3 {
			t.Errorf("register %d, days %v (sum %d)", registered, byDay, sum)
		}
	})
}

// Into a sealed box too, the days count the people the register takes.
func TestVoteDaysSealedBox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRegFixture(t, d)
		f.sealBox()
		ctx := context.Background()
		box := vote.NewBox(d, func() time.Time { return f.clock })
		day := vote.DayOf(f.clock, f.c.Location())
		for i := range 12 {
			_, err := box.Cast(ctx, vote.Cast{CampaignID: f.c.ID, PersonKey: fmt.Sprintf("s%d", i%10), Commune: "62041",
				AgeBracket: "25-34", Day: day})
			if (err != nil) != (i >= 10) {
				t.Fatalf("cast %d: %v", i, err)
			}
		}
		box.Flush()
		byDay, err := vote.VotersByDay(ctx, d, f.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := vote.VoterCount(ctx, d, f.c.ID); n != 10 || byDay[day] != 10 || len(byDay) != 1 {
			t.Errorf("register %d, days %v", n, byDay)
		}
	})
}
