package vote_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/vote"
)

var now = time.Date(2026, 9, 10, 10, 0, 0, 0, time.UTC)

// setup makes a campaign with three projects on the ballot (one per category) and a draft.
func setup(t *testing.T, d *db.DB) (*campaign.Campaign, []int64) {
	t.Helper()
	ctx := context.Background()
	c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	c.Slug = "test-vote"
	if err := campaign.Insert(ctx, d, c, now); err != nil {
		t.Fatal(err)
	}
	s := &dossier.Structure{Name: "Asso", LegalForm: "association", Commune: "62041"}
	if err := dossier.InsertStructure(ctx, d, s, newAccount(t, d, "carrier@x.test"), now); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i, cat := range append(c.Categories, c.Categories[0]) {
		st := dossier.State(vote.StateOnBallot)
		if i == 3 {
			st = dossier.StateDraft
		}
		sub := now.Add(time.Duration(i) * time.Hour)
		ds := &dossier.Dossier{CampaignID: c.ID, StructureID: s.ID, CategoryID: cat.ID, State: st,
			Title: fmt.Sprintf("Projet %d", i), Summary: "Résumé", Communes: []string{"62041"}, SupportCents: int64(i+1) * 1000_00,
			SubmittedAt: &sub}
		if err := dossier.Insert(ctx, d, ds, now); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ds.ID)
	}
	return c, ids[:3]
}

func newAccount(t *testing.T, d *db.DB, email string) int64 {
	t.Helper()
	var id int64
	if err := d.QueryRowContext(context.Background(), `INSERT INTO accounts (email, display_name, password_hash, lang, disabled, created_at)
		VALUES ($1, 'x', '', 'fr', FALSE, $2) RETURNING id`, email, now).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestBallotProjects(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c, ids := setup(t, d)
		if err := vote.SetTheme(ctx, d, ids[1], "culture"); err != nil {
			t.Fatal(err)
		}
		ps, err := vote.BallotProjects(ctx, d, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 3 || ps[0].ID != ids[0] || ps[2].ID != ids[2] || ps[1].Theme != "culture" ||
			ps[0].StructureName != "Asso" || ps[0].Communes[0] != "62041" || ps[1].SupportCents != 2000_00 {
			t.Errorf("projects %+v", ps)
		}
		if _, err := vote.ProjectByID(ctx, d, c.ID, 999); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("missing project: %v", err)
		}
	})
}

func TestVoterRegistration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c, _ := setup(t, d)
		key, err := vote.HashKey(ctx, d)
		if err != nil || len(key) != 32 {
			t.Fatalf("key %v %v", key, err)
		}
		again, _ := vote.HashKey(ctx, d)
		if string(again) != string(key) {
			t.Fatal("the key changed")
		}
		a1, a2 := newAccount(t, d, "a@x.test"), newAccount(t, d, "b@x.test")
		decl := vote.Declaration{FamilyName: "Lefèvre", GivenName: "Zoé", BirthDate: vote.Date{Year: 2000, Month: 1, Day: 2}, Commune: "62041"}
		v := &vote.Voter{CampaignID: c.ID, AccountID: a1, PersonKey: vote.PersonKey(key, c.ID, decl), Commune: "62041",
			BirthDate: decl.BirthDate, Method: vote.MethodEmail}
		if err := vote.RegisterVoter(ctx, d, v, "contact@x.test"); err != nil {
			t.Fatal(err)
		}
		if err := vote.RegisterVoter(ctx, d, v, "contact@x.test"); err != nil {
			t.Fatalf("same account again: %v", err)
		}
		decl.FamilyName = "LEFEVRE"
		dup := &vote.Voter{CampaignID: c.ID, AccountID: a2, PersonKey: vote.PersonKey(key, c.ID, decl), Commune: "62041",
			BirthDate: decl.BirthDate, Method: vote.MethodEmail}
		err = vote.RegisterVoter(ctx, d, dup, "contact@x.test")
		if ae, ok := apperr.As(err); !ok || ae.Kind != apperr.Conflict || ae.Message.Args[0] != "contact@x.test" {
			t.Errorf("duplicate person: %v", err)
		}
		got, err := vote.VoterOf(ctx, d, c.ID, a1)
		if err != nil || got.PersonKey != v.PersonKey || got.BirthDate != decl.BirthDate {
			t.Errorf("voter %+v %v", got, err)
		}
		if _, err := vote.VoterOf(ctx, d, c.ID, a2); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("unregistered: %v", err)
		}
	})
}

func TestCensus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c, _ := setup(t, d)
		rows := []vote.CensusRow{
			{FamilyName: "Martin", GivenName: "Paul", BirthDate: vote.Date{Year: 1980, Month: 3, Day: 4}, Commune: "62119"},
			{FamilyName: "Durand", GivenName: "Luc", BirthDate: vote.Date{Year: 1990, Month: 1, Day: 1}, Commune: "62041"},
			{FamilyName: "Durand", GivenName: "Luc", BirthDate: vote.Date{Year: 1990, Month: 1, Day: 1}, Commune: "62119"},
		}
		for i := 0; i < 700; i++ {
			rows = append(rows, vote.CensusRow{FamilyName: fmt.Sprint("N", i), GivenName: "P", BirthDate: vote.Date{Year: 1970, Month: 1, Day: 1}, Commune: "62041"})
		}
		var n int
		if err := d.InTx(ctx, func(tx *db.Tx) error { var err error; n, err = vote.ImportCensus(ctx, tx, c.ID, rows); return err }); err != nil || n != 703 {
			t.Fatalf("import %d %v", n, err)
		}
		commune, err := vote.MatchCensus(ctx, d, c.ID, "MARTIN", "paul", vote.Date{Year: 1980, Month: 3, Day: 4})
		if err != nil || commune != "62119" {
			t.Errorf("match %q %v", commune, err)
		}
		if _, err := vote.MatchCensus(ctx, d, c.ID, "Martin", "Paul", vote.Date{Year: 1981, Month: 3, Day: 4}); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("no match: %v", err)
		}
		if _, err := vote.MatchCensus(ctx, d, c.ID, "Durand", "Luc", vote.Date{Year: 1990, Month: 1, Day: 1}); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("homonyms: %v", err)
		}
	})
}

func TestSettings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c, _ := setup(t, d)
		s, err := vote.SettingsOf(ctx, d, c.ID)
		if err != nil || s != vote.DefaultSettings {
			t.Fatalf("default %+v %v", s, err)
		}
		if err := vote.SaveSettings(ctx, d, c.ID, vote.Settings{}, now); !apperr.IsKind(err, apperr.Invalid) {
			t.Errorf("no method: %v", err)
		}
		want := vote.Settings{EmailDeclaration: true, Census: true}
		if err := vote.SaveSettings(ctx, d, c.ID, want, now); err != nil {
			t.Fatal(err)
		}
		if s, _ := vote.SettingsOf(ctx, d, c.ID); s != want {
			t.Errorf("saved %+v", s)
		}
	})
}

func cast(c *campaign.Campaign, person string, choices ...int64) vote.Cast {
	return vote.Cast{CampaignID: c.ID, PersonKey: person, Commune: "62041", AgeBracket: "25-34", Choices: choices}
}

func TestCastAndReadSide(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c, ids := setup(t, d)
		box := vote.NewBox(d, time.Now)
		m := &mail.Message{To: "a@x.test", Subject: "Reçu", Body: "code"}
		c1 := cast(c, "p1", ids[0], ids[1])
		c1.Mail = m
		rc, err := box.Cast(ctx, c1)
		r1 := rc.Code
		if err != nil || len(r1) != 23 || rc.Tracker != "" {
			t.Fatalf("cast: %q %v", r1, err)
		}
		if _, err := box.Cast(ctx, cast(c, "p1", ids[2])); err != vote.ErrAlreadyVoted {
			t.Errorf("second ballot: %v", err)
		}
		if _, err := box.Cast(ctx, cast(c, "p2", ids[2])); err != nil {
			t.Fatal(err)
		}
		voted, _ := vote.HasVoted(ctx, d, c.ID, "p1")
		n, _ := vote.VoterCount(ctx, d, c.ID)
		if !voted || n != 2 {
			t.Errorf("voted %v, count %d", voted, n)
		}
		var seen int
		err = vote.BallotsOf(ctx, d, c.ID, func(receipt string, got []int64) error {
			seen++
			if receipt == r1 && (len(got) != 2 || got[0] != ids[0]) {
				t.Errorf("ballot %s: %v", receipt, got)
			}
			return nil
		})
		if err != nil || seen != 2 {
			t.Errorf("ballots %d %v", seen, err)
		}
		got, found, err := vote.BallotByReceipt(ctx, d, c.ID, " "+r1[:5]+r1[6:])
		if err != nil || !found || len(got) != 2 {
			t.Errorf("by receipt %v %v %v", got, found, err)
		}
		voters, byCommune, byAge, err := vote.Turnout(ctx, d, c.ID)
		if err != nil || voters != 2 || byCommune["62041"] != 2 || byAge["25-34"] != 2 {
			t.Errorf("turnout %d %v %v %v", voters, byCommune, byAge, err)
		}
		box.Flush()
		sent, _ := mail.Sent(ctx, d, "a@x.test")
		if len(sent) != 1 {
			t.Errorf("\"you voted\" e-mails: %d", len(sent))
		}
		var audit int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'vote%'").Scan(&audit); err == nil && audit != 0 {
			t.Errorf("%d audit entries about the vote", audit)
		}
	})
}

// TestSamePersonConcurrently: 50 submissions at once for the same person give one ballot.
func TestSamePersonConcurrently(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c, ids := setup(t, d)
		box := vote.NewBox(d, time.Now)
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, dup := 0, 0
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Others vote at the same time, so that the duplicates share groups with them.
				if _, err := box.Cast(ctx, cast(c, fmt.Sprint("other-", i), ids[1])); err != nil {
					t.Errorf("other voter %d: %v", i, err)
				}
				_, err := box.Cast(ctx, cast(c, "same", ids[0]))
				mu.Lock()
				defer mu.Unlock()
				switch err {
				case nil:
					ok++
				case vote.ErrAlreadyVoted:
					dup++
				default:
					t.Errorf("cast: %v", err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 || dup != 49 {
			t.Errorf("%d accepted, %d refused", ok, dup)
		}
		var ballots, withFirst int
		vote.BallotsOf(ctx, d, c.ID, func(_ string, got []int64) error {
			ballots++
			if got[0] == ids[0] {
				withFirst++
			}
			return nil
		})
		n, _ := vote.VoterCount(ctx, d, c.ID)
		if ballots != 51 || withFirst != 1 || n != 51 {
			t.Errorf("%d ballots (%d for the same person), %d in the register", ballots, withFirst, n)
		}
		groups, written, singles := box.Stats()
		t.Logf("%d groups, %d ballots, %d single", groups, written, singles)
	})
}

// TestWriteGroup: one group holding a person already in the register, a person twice and
// voters with and without an e-mail, written alone and inside a transaction (on PostgreSQL
// the group is one statement, which must keep the same rules). WriteGroup writes no e-mail:
// the box queues them apart.
func TestWriteGroup(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c, ids := setup(t, d)
		if _, err := vote.NewBox(d, time.Now).Cast(ctx, cast(c, "known", ids[0])); err != nil {
			t.Fatal(err)
		}
		for _, through := range []string{"db", "tx"} {
			p := func(s string) string { return through + "-" + s }
			withMail := func(cs vote.Cast, to string) vote.Cast {
				cs.Mail = &mail.Message{To: to, Subject: "Reçu", Body: "code", Sensitive: true}
				return cs
			}
			casts := []vote.Cast{
				withMail(cast(c, p("a"), ids[0]), p("a@x.test")),
				cast(c, "known", ids[1]),
				withMail(cast(c, p("b"), ids[1]), p("b@x.test")),
				withMail(cast(c, p("a"), ids[2]), p("a2@x.test")),
				cast(c, p("c"), ids[2]),
			}
			want := []error{nil, vote.ErrAlreadyVoted, nil, vote.ErrAlreadyVoted, nil}
			var got []error
			var err error
			if through == "db" {
				got, err = vote.WriteGroup(ctx, d, casts, nil)
			} else {
				err = d.InTx(ctx, func(tx *db.Tx) error {
					got, err = vote.WriteGroup(ctx, tx, casts, nil)
					return err
				})
			}
			if err != nil {
				t.Fatalf("%s: %v", through, err)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("%s: cast %d: %v, want %v", through, i, got[i], want[i])
				}
			}
			for _, to := range []string{p("a@x.test"), p("b@x.test"), p("a2@x.test")} {
				if sent, _ := mail.Sent(ctx, d, to); len(sent) != 0 {
					t.Errorf("%s: %d e-mails to %s written with the ballots", through, len(sent), to)
				}
			}
		}
		var ballots, known int
		err := vote.BallotsOf(ctx, d, c.ID, func(_ string, got []int64) error {
			ballots++
			if len(got) == 1 && got[0] == ids[1] {
				known++ // "known"'s refused second ballot would be one of these
			}
			return nil
		})
		n, _ := vote.VoterCount(ctx, d, c.ID)
		if err != nil || ballots != 7 || n != 7 || known != 2 {
			t.Errorf("%d ballots (%d for the second project), %d in the register (%v); want 7, 2, 7", ballots, known, n, err)
		}
	})
}

// TestBoxQueuesVotedMailsApart: the "you voted" e-mails of ballots cast at once are all
// queued, once each, after the ballots (on PostgreSQL: by other transactions than the
// ballots'), and in the outbox they follow the recipients' addresses, not the ballots'
// order: the rows of one write are sorted by address, so there are no more sorted runs than
// groups written.
func TestBoxQueuesVotedMailsApart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c, ids := setup(t, d)
		box := vote.NewBox(d, time.Now)
		const n = 64
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cs := cast(c, fmt.Sprint("v", i), ids[i%3])
				// Addresses in the reverse order of the people, so that neither order hides the other.
				cs.Mail = &mail.Message{To: fmt.Sprintf("voter-%03d@box.test", n-i), Subject: "Votre vote est enregistré",
					Body: "vous avez voté", Sensitive: true}
				if _, err := box.Cast(ctx, cs); err != nil {
					t.Errorf("cast %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		box.Flush()
		groups, _, _ := box.Stats()
		rows, err := d.QueryContext(ctx, "SELECT to_addr FROM outbox WHERE to_addr LIKE '%@box.test' ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		var addrs []string
		for rows.Next() {
			var a string
			if err := rows.Scan(&a); err != nil {
				t.Fatal(err)
			}
			addrs = append(addrs, a)
		}
		rows.Close()
		seen := map[string]bool{}
		runs := 1
		for i, a := range addrs {
			if seen[a] {
				t.Errorf("%s queued twice", a)
			}
			seen[a] = true
			if i > 0 && a < addrs[i-1] {
				runs++
			}
		}
		if len(addrs) != n {
			t.Errorf("%d e-mails queued for %d ballots", len(addrs), n)
		}
		if int64(runs) > groups {
			t.Errorf("%d sorted runs of addresses for %d groups of ballots: %v", runs, groups, addrs)
		}
		t.Logf("%d groups, %d runs", groups, runs)
		if d.Dialect == db.Postgres {
			var shared int
			err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE to_addr LIKE '%@box.test'
				AND xmin::text IN (SELECT xmin::text FROM vote_ballots WHERE campaign_id = $1)`, c.ID).Scan(&shared)
			if err != nil || shared != 0 {
				t.Errorf("%d e-mails written by a transaction of the ballots (%v)", shared, err)
			}
		}
	})
}
