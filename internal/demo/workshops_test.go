package demo_test

import (
	"context"
	"testing"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/territory"
	"budgetcitoyen/internal/workshop"
)

func TestSeedWorkshops(t *testing.T) {
	terr, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	now := demo.SeededNow
	demo.Seeded.Each(t, func(t *testing.T, d *db.DB, _ string) {
		ctx := context.Background()
		archived, err := campaign.BySlug(ctx, d, campaign.PresetPasDeCalais2018)
		if err != nil {
			t.Fatal(err)
		}
		list, err := workshop.List(ctx, d, archived.ID)
		if err != nil {
			t.Fatal(err)
		}
		arrs, people := map[string]bool{}, 0
		for _, s := range list {
			c, ok := terr.Commune(s.Commune)
			if !ok || c.Departement != "62" {
				t.Errorf("session %q in commune %s outside the 62", s.Title, s.Commune)
			}
			arrs[c.Arrondissement] = true
			people += s.Registered
			if s.StartsAt.Year() != 2018 {
				t.Errorf("2018 session %q starts %v", s.Title, s.StartsAt)
			}
		}
		if len(list) != 15 || len(arrs) != 7 || people != 180 {
			t.Errorf("2018: %d sessions in %d arrondissements, %d participants; want 15, 7, 180", len(list), len(arrs), people)
		}
		counts, err := workshop.CountsByCommune(ctx, d, archived.ID)
		if err != nil {
			t.Fatal(err)
		}
		present := 0
		for _, n := range counts.Attendances {
			present += n
		}
		if present < 150 || present >= 180 {
			t.Errorf("2018: %d present of 180, want most", present)
		}

		open, _ := demo.Slugs(now)
		oc, err := campaign.BySlug(ctx, d, open)
		if err != nil {
			t.Fatal(err)
		}
		up, err := workshop.Upcoming(ctx, d, oc.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		animated, nearlyFull, today := 0, 0, 0
		for _, s := range up {
			if len(s.Animators) > 0 {
				animated++
			}
			if s.SeatsLeft() == 1 {
				nearlyFull++
			}
			if !s.StartsAt.After(now) {
				// The session in progress: in Arras, today, not full, so that a new person
				// can register and be marked present the same day.
				today++
				local, start := now.In(oc.Location()), s.StartsAt.In(oc.Location())
				if s.Commune != "62041" || !s.EndsAt.After(now) || s.Full() || len(s.Animators) == 0 ||
					start.YearDay() != local.YearDay() {
					t.Errorf("session in progress %+v", s)
				}
				continue
			}
			if s.StartsAt.After(now.AddDate(0, 0, 40)) {
				t.Errorf("open campaign session %q starts %v, not in the coming weeks", s.Title, s.StartsAt)
			}
		}
		if len(up) != 9 || animated == 0 || nearlyFull != 1 || today != 1 {
			t.Errorf("open campaign: %d sessions, %d animated, %d nearly full, %d in progress", len(up), animated, nearlyFull, today)
		}
	})
}
