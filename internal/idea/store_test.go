package idea_test

import (
	"context"
	"testing"
	"time"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/idea"
)

var now = time.Date(2018, 3, 12, 9, 30, 0, 0, time.UTC)

func TestStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
		if err != nil {
			t.Fatal(err)
		}
		if err := campaign.Insert(ctx, d, c, now); err != nil {
			t.Fatal(err)
		}
		author, err := account.Create(ctx, d, "auteur@exemple.fr", "", now)
		if err != nil {
			t.Fatal(err)
		}
		agent, err := account.Create(ctx, d, "agent@exemple.fr", "", now)
		if err != nil {
			t.Fatal(err)
		}
		terr := data(t)
		place := func(code string) (string, string, string) {
			cm, ok := terr.Commune(code)
			if !ok {
				t.Fatalf("no commune %s", code)
			}
			return cm.Code, cm.Arrondissement, cm.EPCI
		}
		mk := func(title string, theme idea.Theme, code string, at time.Time) *idea.Idea {
			i := &idea.Idea{CampaignID: c.ID, AuthorID: author.ID, Title: title, Description: "Quelques lignes.",
				Theme: theme, Carrier: idea.CarrierPerson, CreatedAt: at}
			i.Commune, i.Arrondissement, i.EPCI = place(code)
			if err := idea.Insert(ctx, d, i); err != nil {
				t.Fatal(err)
			}
			return i
		}
		a := mk("Jardin partagé", idea.ThemeEnvironment, "62119", now)             // Béthune, arr. 622
		b := mk("Épicerie solidaire", idea.ThemeFood, "62041", now.Add(time.Hour)) // Arras, arr. 621
		cc := mk("Atelier vélo", idea.ThemeMobility, "62119", now.Add(2*time.Hour))

		got, err := idea.ByID(ctx, d, c.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != a.Title || got.Commune != "62119" || got.Arrondissement != "622" || !got.CreatedAt.Equal(now) || got.Hidden() {
			t.Errorf("read back %+v", got)
		}
		if _, err := idea.ByID(ctx, d, c.ID+1, a.ID); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("idea of another campaign: %v", err)
		}

		list, total, err := idea.List(ctx, d, idea.Filter{CampaignID: c.ID})
		if err != nil || total != 3 || len(list) != 3 || list[0].ID != cc.ID || list[2].ID != a.ID {
			t.Fatalf("list: %d, %v, %v", total, ids(list), err)
		}
		list, total, _ = idea.List(ctx, d, idea.Filter{CampaignID: c.ID, Arrondissement: "622"})
		if total != 2 || len(list) != 2 {
			t.Errorf("arrondissement 622: %v", ids(list))
		}
		list, total, _ = idea.List(ctx, d, idea.Filter{CampaignID: c.ID, Theme: idea.ThemeFood})
		if total != 1 || list[0].ID != b.ID {
			t.Errorf("theme food: %v", ids(list))
		}
		list, total, _ = idea.List(ctx, d, idea.Filter{CampaignID: c.ID, Limit: 2, Offset: 2})
		if total != 3 || len(list) != 1 || list[0].ID != a.ID {
			t.Errorf("page 2: %d %v", total, ids(list))
		}

		if err := idea.MarkHidden(ctx, d, c.ID, b.ID, "Hors sujet.", agent.ID, now); err != nil {
			t.Fatal(err)
		}
		if err := idea.MarkHidden(ctx, d, c.ID, b.ID, "Encore.", agent.ID, now); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("hide twice: %v", err)
		}
		if err := idea.MarkHidden(ctx, d, c.ID, 9999, "x", agent.ID, now); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("hide unknown: %v", err)
		}
		got, _ = idea.ByID(ctx, d, c.ID, b.ID)
		if !got.Hidden() || got.HiddenReason != "Hors sujet." || got.HiddenBy == nil || *got.HiddenBy != agent.ID {
			t.Errorf("hidden idea %+v", got)
		}
		_, total, _ = idea.List(ctx, d, idea.Filter{CampaignID: c.ID})
		if total != 2 {
			t.Errorf("published after hiding: %d", total)
		}
		_, total, _ = idea.List(ctx, d, idea.Filter{CampaignID: c.ID, IncludeHidden: true})
		if total != 3 {
			t.Errorf("all after hiding: %d", total)
		}
		list, _, _ = idea.List(ctx, d, idea.Filter{CampaignID: c.ID, OnlyHidden: true})
		if len(list) != 1 || list[0].ID != b.ID {
			t.Errorf("hidden only: %v", ids(list))
		}

		counts, err := idea.CountByCommune(ctx, d, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(counts) != 2 || counts["62119"] != 2 || counts["62041"] != 1 {
			t.Errorf("count by commune %v", counts)
		}

		if err := idea.MarkPublished(ctx, d, c.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		if err := idea.MarkPublished(ctx, d, c.ID, b.ID); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("restore twice: %v", err)
		}
		got, _ = idea.ByID(ctx, d, c.ID, b.ID)
		if got.Hidden() || got.HiddenReason != "" || got.HiddenBy != nil {
			t.Errorf("restored idea %+v", got)
		}
		if counts, _ := idea.CountByCommune(ctx, d, c.ID+1); len(counts) != 0 {
			t.Errorf("other campaign counts %v", counts)
		}
	})
}

func ids(list []idea.Idea) []int64 {
	var out []int64
	for _, i := range list {
		out = append(out, i.ID)
	}
	return out
}
