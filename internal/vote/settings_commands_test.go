package vote_test

import (
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/vote"
)

func TestConfigureAndLoadCensus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRegFixture(t, d)
		agent := f.person("agent@x.test", access.Grant{Role: access.Agent})
		animator := f.person("animateur@x.test", access.Grant{Role: access.Animator, CampaignID: &f.c.ID})
		citizen := f.person("citoyen@x.test", access.Grant{Role: access.Citizen})
		rows := []vote.CensusRow{
			{FamilyName: "Lefèvre", GivenName: "Zoé", BirthDate: vote.Date{Year: 2000, Month: 1, Day: 2}, Commune: "62041"},
			{FamilyName: "Martin", GivenName: "Léa", BirthDate: vote.Date{Year: 1990, Month: 5, Day: 5}, Commune: "62498"},
		}
		configure := func(who access.Actor, s vote.Settings) func() error {
			return func() error { return vote.Configure(f.ctx, f.env.Change, change.By(who), f.c, s) }
		}
		load := func(who access.Actor) func() error {
			return func() error {
				_, err := vote.LoadCensus(f.ctx, f.env.Change, change.By(who), f.c, rows)
				return err
			}
		}
		census := vote.Settings{Census: true}
		f.refuse([]dbtest.Refusal{
			{Name: "settings by a citizen", Run: configure(citizen, census), Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "settings by the campaign's animator", Run: configure(animator, census), Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "settings by a visitor", Run: configure(access.Visitor, census), Kind: apperr.Unauthenticated, Key: "error.unauthenticated"},
			{Name: "no method", Run: configure(agent, vote.Settings{}), Kind: apperr.Invalid, Key: "vote.settings.none"},
			{Name: "census by a citizen", Run: load(citizen), Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "census by the campaign's animator", Run: load(animator), Kind: apperr.Forbidden, Key: "error.forbidden"},
		})
		if got := dbtest.Strings(t, d, "SELECT CAST(COUNT(*) AS TEXT) FROM vote_census"); got[0] != "0" {
			t.Fatalf("a refused census import wrote %s rows", got[0])
		}

		if err := configure(agent, census)(); err != nil {
			t.Fatal(err)
		}
		if s, err := vote.SettingsOf(f.ctx, d, f.c.ID); err != nil || s != census {
			t.Errorf("settings after Configure: %+v %v", s, err)
		}
		if got := f.lastAudit(); !strings.HasPrefix(got, "vote.settings account ") ||
			!strings.Contains(got, `"census":true`) || !strings.Contains(got, `"oidc":false`) {
			t.Errorf("audit of Configure: %s", got)
		}

		n, err := vote.LoadCensus(f.ctx, f.env.Change, change.By(agent), f.c, rows)
		if err != nil || n != 2 {
			t.Fatalf("LoadCensus: %d %v", n, err)
		}
		if n, err = vote.LoadCensus(f.ctx, f.env.Change, change.By(agent), f.c, rows[:1]); err != nil || n != 1 {
			t.Fatalf("LoadCensus replaces the list: %d %v", n, err)
		}
		if size, err := vote.CensusSize(f.ctx, d, f.c.ID); err != nil || size != 1 {
			t.Errorf("census size %d %v, want 1", size, err)
		}
		// The audit log counts the list; it never holds a name or a birth date.
		got := f.lastAudit()
		if !strings.HasPrefix(got, "vote.census_import account ") || !strings.Contains(got, `"census":1`) {
			t.Errorf("audit of LoadCensus: %s", got)
		}
		for _, row := range dbtest.Strings(t, d, "SELECT COALESCE(before_json, '') || ' ' || COALESCE(after_json, '') FROM audit_log") {
			if strings.Contains(row, "Lef") || strings.Contains(row, "Martin") || strings.Contains(row, "2000") {
				t.Errorf("the audit log holds the census list: %s", row)
			}
		}
	})
}
