package web

import (
	"context"
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/stats"
)

// The days of the reminders come from Config.ReminderDays, in the campaign's time zone, and
// are marked on the chart of the vote's days; none without the function.
func TestStatsReminderDays(t *testing.T) {
	c := &campaign.Campaign{ID: 7, TimeZone: "Europe/Paris"}
	s := &Server{}
	if got, err := s.reminderDaysOf(context.Background(), c); err != nil || len(got) != 0 {
		t.Fatalf("without reminders: %v %v", got, err)
	}
	s.reminderDays = func(_ context.Context, id int64) ([]time.Time, error) {
		if id != 7 {
			t.Errorf("campaign %d", id)
		}
		// 22:30 UTC on 10 September is the 11th in Paris.
		return []time.Time{time.Date(2026, 9, 10, 22, 30, 0, 0, time.UTC), time.Date(2026, 9, 12, 8, 0, 0, 0, time.UTC)}, nil
	}
	got, err := s.reminderDaysOf(context.Background(), c)
	if err != nil || len(got) != 2 || !got["2026-09-11"] || !got["2026-09-12"] {
		t.Fatalf("reminders %v %v", got, err)
	}
	days := []stats.Count{{Key: "2026-09-10", N: 10}, {Key: "2026-09-11", N: 40}, {Key: "2026-09-12", N: 0}}
	ch := buildStatsDays("d", "Jours", "Desc", days, got)
	if len(ch.Bars) != 3 || ch.Bars[0].Reminder || !ch.Bars[1].Reminder || !ch.Bars[2].Reminder {
		t.Fatalf("bars %+v", ch.Bars)
	}
	if ch.Bars[1].H != 140 || ch.Bars[0].H != 35 || ch.Bars[2].H != 0 || ch.Bars[1].Y+ch.Bars[1].H != ch.Base || ch.Bars[0].Label != "10" {
		t.Errorf("bars %+v", ch.Bars)
	}
}

// The copy of a campaign's figures serves while its version holds.
func TestStatsCache(t *testing.T) {
	var c statsCache
	if _, ok := c.get(1, "v1"); ok {
		t.Fatal("empty cache hit")
	}
	c.put(1, "v1", stats.Raw{ByDay: map[string]int{"2026-09-10": 3}})
	if raw, ok := c.get(1, "v1"); !ok || raw.ByDay["2026-09-10"] != 3 {
		t.Fatal("miss")
	}
	if _, ok := c.get(1, "v2"); ok {
		t.Fatal("a copy of another version served")
	}
	if _, ok := c.get(2, "v1"); ok {
		t.Fatal("another campaign's copy served")
	}
}
