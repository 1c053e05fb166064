package web_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/territory"
	"budgetcitoyen/internal/vote"
	"budgetcitoyen/internal/web"
)

// BenchmarkStatsPage measures /{slug}/statistiques on a campaign of the size of the issue's
// limits — 40,000 voters, 400,000 ballot choices, 5,000 ideas, every commune of the 62 —
// on SQLite and on PostgreSQL, warm:
//   - changed: something changed since the last view (a new idea before each request), so
//     the page reads the figures again (limit: 200 ms at the 95th percentile);
//   - unchanged: nothing changed, the page is served from the copy of the figures (limit:
//     50 ms).
//
// go test ./internal/web -run '^$' -bench BenchmarkStatsPage -benchtime 40x
func BenchmarkStatsPage(b *testing.B) {
	for _, tc := range []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"sqlite", dbtest.SQLiteEmpty}, {"postgres", dbtest.PostgresEmpty}} {
		b.Run(tc.name, func(b *testing.B) {
			d := tc.open(b)
			ctx := context.Background()
			if _, err := d.MigrateTo(ctx, 1<<30); err != nil {
				b.Fatal(err)
			}
			c, author := seedStatsCampaign(b, d)
			srv, err := web.New(web.Config{DB: d, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Now: func() time.Time { return testNow }, Territory: benchTerritory(b), DataDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			hs := httptest.NewServer(srv)
			defer hs.Close()
			url := hs.URL + "/" + c.Slug + "/statistiques"
			get := func() time.Duration {
				start := time.Now()
				resp, err := http.Get(url)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d", resp.StatusCode)
				}
				return time.Since(start)
			}
			for range 3 { // warm: the database's pages and the process's copies
				get()
			}
			for _, changed := range []bool{true, false} {
				name := "unchanged"
				if changed {
					name = "changed"
				}
				b.Run(name, func(b *testing.B) {
					var ds []time.Duration
					for i := 0; i < b.N; i++ {
						if changed {
							b.StopTimer()
							if _, err := d.ExecContext(ctx, `INSERT INTO ideas (campaign_id, author_id, title, description, theme, commune, carrier, created_at)
								VALUES ($1, $2, 'Encore une idée', 'Description', 'solidarite', '62041', 'citizen', $3)`, c.ID, author, testNow); err != nil {
								b.Fatal(err)
							}
							b.StartTimer()
						}
						ds = append(ds, get())
					}
					slices.Sort(ds)
					b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "p50-ms")
					b.ReportMetric(float64(ds[(len(ds)*95+99)/100-1].Microseconds())/1000, "p95-ms")
				})
			}
		})
	}
}

// seedStatsCampaign writes, in bulk, a past campaign of 60 dossiers, 5,000 ideas, 50
// comptoirs with 1,000 people present, and a vote of 40,000 voters of 10 choices each,
// spread over the communes of the 62 by population.
func seedStatsCampaign(b *testing.B, d *db.DB) (*campaign.Campaign, int64) {
	b.Helper()
	ctx := context.Background()
	now := testNow
	c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
	if err != nil {
		b.Fatal(err)
	}
	c.Slug = "bench-stats"
	if err := campaign.Insert(ctx, d, c, now); err != nil {
		b.Fatal(err)
	}
	ts := db.Column{Name: "created_at", PGType: "timestamptz"}
	text := func(name string) db.Column { return db.Column{Name: name, PGType: "text"} }
	big := func(name string) db.Column { return db.Column{Name: name, PGType: "bigint"} }
	accounts := db.Batch{Table: "accounts", Columns: []db.Column{text("email"), text("display_name"), text("password_hash"),
		text("lang"), {Name: "disabled", PGType: "boolean"}, ts}}
	var rows [][]any
	for i := range 1001 {
		rows = append(rows, []any{fmt.Sprintf("p%d@bench.test", i), "P", "", "fr", false, now})
	}
	if err := accounts.Exec(ctx, d, rows); err != nil {
		b.Fatal(err)
	}
	var first int64
	if err := d.QueryRowContext(ctx, "SELECT MIN(id) FROM accounts").Scan(&first); err != nil {
		b.Fatal(err)
	}
	terr := benchTerritory(b)
	communes := terr.Communes("62")
	var cumul []int
	total := 0
	for _, cm := range communes {
		total += max(cm.Population, 1)
		cumul = append(cumul, total)
	}
	rng := mrand.New(mrand.NewPCG(1, 2))
	commune := func() string {
		x := rng.IntN(total) + 1
		i, _ := slices.BinarySearch(cumul, x)
		return communes[i].Code
	}
	s := &dossier.Structure{Name: "Asso", LegalForm: "association", Commune: "62041"}
	if err := dossier.InsertStructure(ctx, d, s, first, now); err != nil {
		b.Fatal(err)
	}
	var ids []int64
	for i := range 60 {
		sub := now
		ds := &dossier.Dossier{CampaignID: c.ID, StructureID: s.ID, CategoryID: c.Categories[i%len(c.Categories)].ID,
			State: dossier.State(vote.StateOnBallot), Title: fmt.Sprintf("Projet %d", i), Communes: []string{commune()},
			SupportCents: 1000_00, SubmittedAt: &sub}
		if err := dossier.Insert(ctx, d, ds, now); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, ds.ID)
	}
	ideas := db.Batch{Table: "ideas", Columns: []db.Column{big("campaign_id"), big("author_id"), text("title"), text("description"),
		text("theme"), text("commune"), text("carrier"), ts}}
	rows = rows[:0]
	for i := range 5000 {
		rows = append(rows, []any{c.ID, first, fmt.Sprintf("Idée %d", i), "Description", "solidarite", commune(), "citizen", now})
	}
	if err := ideas.Exec(ctx, d, rows); err != nil {
		b.Fatal(err)
	}
	sessions := db.Batch{Table: "workshop_sessions", Columns: []db.Column{big("campaign_id"), text("title"), text("topics"),
		text("host"), text("address"), text("commune"), {Name: "starts_at", PGType: "timestamptz"}, {Name: "ends_at", PGType: "timestamptz"},
		big("capacity"), ts, {Name: "updated_at", PGType: "timestamptz"}}}
	rows = rows[:0]
	for i := range 50 {
		rows = append(rows, []any{c.ID, fmt.Sprintf("Comptoir %d", i), "solidarite", "Asso", "1 rue", commune(),
			now.Add(-time.Hour), now, int64(30), now, now})
	}
	if err := sessions.Exec(ctx, d, rows); err != nil {
		b.Fatal(err)
	}
	var firstSession int64
	if err := d.QueryRowContext(ctx, "SELECT MIN(id) FROM workshop_sessions WHERE campaign_id = $1", c.ID).Scan(&firstSession); err != nil {
		b.Fatal(err)
	}
	regs := db.Batch{Table: "workshop_registrations", Columns: []db.Column{big("session_id"), big("account_id"), text("status"),
		ts, text("attendance")}}
	rows = rows[:0]
	for i := range 1000 {
		rows = append(rows, []any{firstSession + int64(i%50), first + 1 + int64(i), "registered", now, "present"})
	}
	if err := regs.Exec(ctx, d, rows); err != nil {
		b.Fatal(err)
	}
	var casts []vote.Cast
	ages := vote.AgeBrackets()
	w, _ := c.Window(campaign.PhaseVote)
	for range 40000 {
		key := make([]byte, 16)
		_, _ = rand.Read(key)
		choices := make([]int64, 0, 10)
		for _, j := range rng.Perm(len(ids))[:10] {
			choices = append(choices, ids[j])
		}
		slices.Sort(choices)
		at := w.Start.Add(time.Duration(rng.Int64N(int64(w.End.Sub(w.Start)))))
		casts = append(casts, vote.Cast{CampaignID: c.ID, PersonKey: hex.EncodeToString(key), Commune: commune(),
			AgeBracket: ages[rng.IntN(len(ages))], Choices: choices, Day: vote.DayOf(at, c.Location())})
	}
	err = d.InTx(ctx, func(tx *db.Tx) error {
		for start := 0; start < len(casts); start += 2000 {
			if _, err := vote.WriteGroup(ctx, tx, casts[start:min(start+2000, len(casts))], nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if d.Dialect == db.Postgres {
		_, _ = d.ExecContext(ctx, "ANALYZE")
	}
	return c, first
}

func benchTerritory(b *testing.B) *territory.Data {
	b.Helper()
	t, err := territory.Load()
	if err != nil {
		b.Fatal(err)
	}
	return t
}
