package search_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/idea"
	"budgetcitoyen/internal/search"
	"budgetcitoyen/internal/workshop"
)

var now = time.Date(2018, 3, 12, 9, 30, 0, 0, time.UTC)

type fixture struct {
	ctx      context.Context
	d        *db.DB
	c        *campaign.Campaign
	authorID int64
	st       *dossier.Structure
}

func setup(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	if err := campaign.Insert(ctx, d, c, now); err != nil {
		t.Fatal(err)
	}
	a, err := account.Create(ctx, d, "auteur@exemple.fr", "", now)
	if err != nil {
		t.Fatal(err)
	}
	st := &dossier.Structure{Name: "Les Paniers du Ternois", LegalForm: dossier.FormAssociation, Commune: "62041"}
	if err := dossier.InsertStructure(ctx, d, st, a.ID, now); err != nil {
		t.Fatal(err)
	}
	return &fixture{ctx: ctx, d: d, c: c, authorID: a.ID, st: st}
}

func (f *fixture) idea(t testing.TB, title, description string) *idea.Idea {
	t.Helper()
	i := &idea.Idea{CampaignID: f.c.ID, AuthorID: f.authorID, Title: title, Description: description,
		Theme: idea.ThemeFood, Carrier: idea.CarrierPerson, Commune: "62041", Arrondissement: "621", CreatedAt: now}
	if err := idea.Insert(f.ctx, f.d, i); err != nil {
		t.Fatal(err)
	}
	return i
}

func (f *fixture) dossier(t *testing.T, title, summary string) *dossier.Dossier {
	t.Helper()
	dd := &dossier.Dossier{CampaignID: f.c.ID, StructureID: f.st.ID, CategoryID: f.c.Categories[0].ID,
		Title: title, Summary: summary, CreatedBy: f.authorID}
	if err := dossier.Insert(f.ctx, f.d, dd, now); err != nil {
		t.Fatal(err)
	}
	return dd
}

func (f *fixture) ideaTitles(t *testing.T, q string, hidden bool) []string {
	t.Helper()
	list, _, err := idea.List(f.ctx, f.d, idea.Filter{CampaignID: f.c.ID, IncludeHidden: hidden, Search: search.ParseQuery(q)})
	if err != nil {
		t.Fatalf("search ideas %q: %v", q, err)
	}
	var out []string
	for _, i := range list {
		out = append(out, i.Title)
	}
	return out
}

func (f *fixture) dossierTitles(t *testing.T, fl dossier.Filter, q string) []string {
	t.Helper()
	fl.CampaignID, fl.Search = f.c.ID, search.ParseQuery(q)
	list, err := dossier.List(f.ctx, f.d, fl)
	if err != nil {
		t.Fatalf("search dossiers %q: %v", q, err)
	}
	var out []string
	for _, dd := range list {
		out = append(out, dd.Title)
	}
	return out
}

// TestSearch is the test: « épicerie » is found from « epicerie » and « épiceries »
// in ideas and in projects, on both databases.
func TestSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		f.idea(t, "Une épicerie solidaire", "Chacun paie selon ses revenus.")
		f.idea(t, "Un jardin partagé", "Des potagers au pied des immeubles.")
		f.idea(t, "Des paniers paysans", "Comme à l'Épicerie du coin, mais en circuit court.")
		f.dossier(t, "Épicerie sociale et solidaire", "Des produits frais à petit prix.")
		f.dossier(t, "Recyclerie", "Réparer plutôt que jeter.")

		for _, q := range []string{"épicerie", "epicerie", "épiceries", "EPICERIES", "l'épicerie"} {
			if got := f.ideaTitles(t, q, false); len(got) != 2 || got[0] != "Une épicerie solidaire" && got[1] != "Une épicerie solidaire" {
				t.Errorf("ideas for %q: %q", q, got)
			}
			if got := f.dossierTitles(t, dossier.Filter{}, q); !slices.Equal(got, []string{"Épicerie sociale et solidaire"}) {
				t.Errorf("dossiers for %q: %q", q, got)
			}
		}
		// Every word is required.
		if got := f.ideaTitles(t, "épicerie solidaire", false); !slices.Equal(got, []string{"Une épicerie solidaire"}) {
			t.Errorf("ideas for « épicerie solidaire »: %q", got)
		}
		// A word of the title ranks its item before one where it is in the description only
		// (the idea « Des paniers paysans » is the newer: first without a search).
		if got := f.ideaTitles(t, "épicerie", false); len(got) != 2 || got[0] != "Une épicerie solidaire" {
			t.Errorf("ideas for « épicerie », best first: %q", got)
		}
		if got := f.ideaTitles(t, "", false); len(got) != 3 || got[0] != "Des paniers paysans" {
			t.Errorf("ideas without a search, newest first: %q", got)
		}
		if got := f.ideaTitles(t, "vélo", false); len(got) != 0 {
			t.Errorf("ideas for « vélo »: %q", got)
		}
		// The structure's name is searched too.
		if got := f.dossierTitles(t, dossier.Filter{}, "ternois"); len(got) != 2 {
			t.Errorf("dossiers for « ternois »: %q", got)
		}
		// With the list's other filters.
		if got := f.dossierTitles(t, dossier.Filter{State: dossier.StateSubmitted}, "épicerie"); len(got) != 0 {
			t.Errorf("submitted dossiers for « épicerie »: %q", got)
		}
		// Stop words and punctuation alone are no search: no error, every item.
		for _, q := range []string{"de la", "!!! « » …", `"`, "*", "(", "-", "   "} {
			if got := f.ideaTitles(t, q, false); len(got) != 3 {
				t.Errorf("ideas for %q: %q", q, got)
			}
			ids, err := search.Find(f.ctx, d, search.Ideas, search.ParseQuery(q))
			if err != nil || len(ids) != 0 {
				t.Errorf("Find(%q) = %v, %v", q, ids, err)
			}
		}
	})
}

// TestSearchFollowsChanges: an edit indexes the new text in its transaction; a hidden idea
// is found by the moderation, not by the public list; the rebuild gives the same index.
func TestSearchFollowsChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		i := f.idea(t, "Une épicerie solidaire", "Chacun paie selon ses revenus.")
		dd := f.dossier(t, "Recyclerie", "Réparer plutôt que jeter.")

		dd.Title = "Épicerie et recyclerie"
		if err := d.InTx(f.ctx, func(tx *db.Tx) error { return dossier.Save(f.ctx, tx, dd, now) }); err != nil {
			t.Fatal(err)
		}
		if got := f.dossierTitles(t, dossier.Filter{}, "epiceries"); !slices.Equal(got, []string{"Épicerie et recyclerie"}) {
			t.Errorf("after the edit, dossiers for « epiceries »: %q", got)
		}
		f.st.Name = "Coopérative des Collines"
		if err := dossier.UpdateStructure(f.ctx, d, f.st, now); err != nil {
			t.Fatal(err)
		}
		if got := f.dossierTitles(t, dossier.Filter{}, "collines"); len(got) != 1 {
			t.Errorf("after the structure's renaming, dossiers for « collines »: %q", got)
		}

		if err := idea.MarkHidden(f.ctx, d, f.c.ID, i.ID, "Hors sujet.", 0, now); err != nil {
			t.Fatal(err)
		}
		if got := f.ideaTitles(t, "épicerie", false); len(got) != 0 {
			t.Errorf("the public finds the hidden idea: %q", got)
		}
		if got := f.ideaTitles(t, "épicerie", true); len(got) != 1 {
			t.Errorf("the moderation does not find the hidden idea: %q", got)
		}

		ws := &workshop.Session{CampaignID: f.c.ID, Title: "Comptoir de Lens", Description: "Monter son épicerie.",
			Topics: []workshop.Topic{workshop.TopicIdeaToProject}, Host: "Maison des associations", Address: "1 rue",
			Commune: "62498", StartsAt: now, EndsAt: now.Add(2 * time.Hour), Capacity: 10}
		if err := workshop.Create(f.ctx, d, ws, now); err != nil {
			t.Fatal(err)
		}
		find := func(q string) []int64 {
			ids, err := search.Find(f.ctx, d, search.Sessions, search.ParseQuery(q))
			if err != nil {
				t.Fatal(err)
			}
			return ids
		}
		if got := find("épiceries"); !slices.Equal(got, []int64{ws.ID}) {
			t.Errorf("sessions for « épiceries »: %v", got)
		}
		ws.Description = "Monter son café associatif."
		if err := workshop.Update(f.ctx, d, ws, now); err != nil {
			t.Fatal(err)
		}
		if got := find("épiceries"); len(got) != 0 {
			t.Errorf("after the edit, sessions for « épiceries »: %v", got)
		}
		if got := find("cafés"); !slices.Equal(got, []int64{ws.ID}) {
			t.Errorf("after the edit, sessions for « cafés »: %v", got)
		}

		if err := d.InTx(f.ctx, func(tx *db.Tx) error { return search.Rebuild(f.ctx, tx) }); err != nil {
			t.Fatal(err)
		}
		if got := f.dossierTitles(t, dossier.Filter{}, "épicerie"); len(got) != 1 {
			t.Errorf("after the rebuild, dossiers for « épicerie »: %q", got)
		}
		if got := find("cafés"); len(got) != 1 {
			t.Errorf("after the rebuild, sessions for « cafés »: %v", got)
		}
	})
}

// BenchmarkSearch searches 5,000 ideas, the public list's first page with its count.
func BenchmarkSearch(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			var d *db.DB
			if name == "sqlite" {
				d = dbtest.SQLite(b)
			} else {
				d = dbtest.Postgres(b)
			}
			f := setup(b, d)
			words := []string{"épicerie", "jardin", "recyclerie", "café", "vélo", "atelier", "chantier", "verger"}
			err := d.InTx(f.ctx, func(tx *db.Tx) error {
				for n := range 5000 {
					i := &idea.Idea{CampaignID: f.c.ID, AuthorID: f.authorID,
						Title:       fmt.Sprintf("Un %s solidaire n° %d", words[n%len(words)], n),
						Description: fmt.Sprintf("Des habitants proposent un %s et un %s partagés.", words[(n/8)%len(words)], words[(n/64)%len(words)]),
						Theme:       idea.ThemeFood, Carrier: idea.CarrierPerson, Commune: "62041", Arrondissement: "621", CreatedAt: now}
					if err := idea.Insert(f.ctx, tx, i); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			if d.Dialect == db.Postgres { // as autovacuum would after such a load
				if _, err := d.ExecContext(f.ctx, "ANALYZE"); err != nil {
					b.Fatal(err)
				}
			}
			// « verger » is in 1 idea of 8 or more; « solidaires » in every one (the worst case:
			// each match is ranked).
			for _, q := range []string{"vergers", "épiceries solidaires"} {
				fl := idea.Filter{CampaignID: f.c.ID, Limit: 20, Search: search.ParseQuery(q)}
				b.Run(q, func(b *testing.B) {
					for b.Loop() {
						list, total, err := idea.List(f.ctx, d, fl)
						if err != nil || len(list) != 20 || total < 500 {
							b.Fatalf("%d ideas of %d, %v", len(list), total, err)
						}
					}
				})
			}
		})
	}
}

// TestMigrationIndexesExistingItems: migration 0030 indexes the items written before it.
func TestMigrationIndexesExistingItems(t *testing.T) {
	dbtest.EachEmpty(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.MigrateTo(ctx, 29); err != nil {
			t.Fatal(err)
		}
		c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
		if err != nil {
			t.Fatal(err)
		}
		if err := campaign.Insert(ctx, d, c, now); err != nil {
			t.Fatal(err)
		}
		a, err := account.Create(ctx, d, "auteur@exemple.fr", "", now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `INSERT INTO ideas (campaign_id, author_id, title, description, theme, commune,
			carrier, created_at) VALUES ($1, $2, 'Une épicerie solidaire', '', 'food', '62041', 'person', $3)`, c.ID, a.ID, now); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		list, _, err := idea.List(ctx, d, idea.Filter{CampaignID: c.ID, Search: search.ParseQuery("épiceries")})
		if err != nil || len(list) != 1 {
			t.Fatalf("after the migration, %d ideas for « épiceries », %v", len(list), err)
		}
	})
}

// FuzzFind: whatever is typed, the search runs on SQLite's FTS5 without an error (a term is
// never read as an operator or a syntax error).
func FuzzFind(f *testing.F) {
	for _, s := range []string{"épicerie", `"a" OR b*`, "NEAR(a b)", "a AND NOT b", "col:x", "^x", "x + y", "\x00", "ﬁ İ ǅ"} {
		f.Add(s)
	}
	d := dbtest.SQLite(f)
	fx := setup(f, d)
	fx.idea(f, "Une épicerie solidaire", "")
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := search.Find(context.Background(), d, search.Ideas, search.ParseQuery(s)); err != nil {
			t.Fatalf("Find(%q): %v", s, err)
		}
	})
}
