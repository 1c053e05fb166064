package vote_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/territory"
	"budgetcitoyen/internal/vote"
)

// regFixture is a database with the 2018 campaign (territory 62, voters 11 and over) and a
// clock that tests move.
type regFixture struct {
	t     *testing.T
	ctx   context.Context
	d     *db.DB
	c     *campaign.Campaign
	clock time.Time
	env   vote.Env
	open  time.Time // a moment of the vote
}

var terr = func() *territory.Data {
	d, err := territory.Load()
	if err != nil {
		panic(err)
	}
	return d
}()

func newRegFixture(t *testing.T, d *db.DB) *regFixture {
	t.Helper()
	ctx := context.Background()
	c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	c.ContactEmail = "contact@pasdecalais.test"
	if err := campaign.Insert(ctx, d, c, now); err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	w, _ := c.Window(campaign.PhaseVote)
	f := &regFixture{t: t, ctx: ctx, d: d, c: c, open: w.Start.Add(36 * time.Hour)}
	f.clock = f.open
	f.env = vote.Env{Change: change.Env{DB: d, Now: func() time.Time { return f.clock }}, Territory: terr,
		Mail: vote.Mailer{Cat: cat, BaseURL: "https://budget.example.org"}}
	return f
}

// sealBox runs the key ceremony of the fixture's campaign an hour before its vote opens,
// with three trustees and k = 2: a vote opens only into a sealed box.
func (f *regFixture) sealBox() {
	f.t.Helper()
	w, _ := f.c.Window(campaign.PhaseVote)
	clock := f.clock
	f.clock = w.Start.Add(-time.Hour)
	defer func() { f.clock = clock }()
	agent := f.person("ceremonie@x.test", access.Grant{Role: access.Agent})
	var trustees []string
	for i := range 3 {
		e := fmt.Sprintf("garant%d@x.test", i+1)
		f.person(e)
		trustees = append(trustees, e)
	}
	if _, err := vote.SealBox(f.ctx, f.env.Change, change.By(agent), vote.SealInput{Campaign: f.c, Trustees: trustees, K: 2}); err != nil {
		f.t.Fatal(err)
	}
}

// person creates an account with grants and returns its actor.
func (f *regFixture) person(email string, grants ...access.Grant) access.Actor {
	f.t.Helper()
	a, err := account.Create(f.ctx, f.d, email, "", f.open)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, g := range grants {
		if err := account.GrantRole(f.ctx, f.d, a.ID, g.Role, g.CampaignID, f.open); err != nil {
			f.t.Fatal(err)
		}
	}
	if a, err = account.ByID(f.ctx, f.d, a.ID); err != nil {
		f.t.Fatal(err)
	}
	return access.ActorFor(a)
}

func (f *regFixture) settings(s vote.Settings) {
	f.t.Helper()
	if err := vote.SaveSettings(f.ctx, f.d, f.c.ID, s, f.open); err != nil {
		f.t.Fatal(err)
	}
}

// snapshot is everything the registration commands may write.
func (f *regFixture) snapshot() string {
	f.t.Helper()
	return dbtest.Snapshot(f.t, f.d,
		"SELECT CAST(COUNT(*) AS TEXT) FROM audit_log",
		"SELECT CAST(COUNT(*) AS TEXT) FROM outbox",
		"SELECT CAST(id AS TEXT) || ' ' || email FROM accounts ORDER BY id",
		"SELECT CAST(account_id AS TEXT) || ' ' || role FROM account_roles ORDER BY account_id, role",
		"SELECT CAST(account_id AS TEXT) || ' ' || person_key || ' ' || commune || ' ' || method FROM vote_voters ORDER BY account_id",
	)
}

// byRule is the Also of a registration refusal: with check, the error must be a
// *vote.Refusal by that rule; without, it must not be a *vote.Refusal at all.
func byRule(check vote.Check) func(error) string {
	return func(err error) string {
		var ref *vote.Refusal
		switch {
		case check != "" && (!errors.As(err, &ref) || ref.Check != check):
			return "want a refusal by " + string(check)
		case check == "" && errors.As(err, &ref):
			return "want no refusal by a rule"
		}
		return ""
	}
}

// refuse is dbtest.Refuse where a case without Also must be no refusal by a rule.
func (f *regFixture) refuse(cases []dbtest.Refusal) {
	f.t.Helper()
	for i := range cases {
		if cases[i].Also == nil {
			cases[i].Also = byRule("")
		}
	}
	dbtest.Refuse(f.t, f.snapshot, cases)
}

// lastAudit returns the action, the actor and the state after of the last audit entry.
func (f *regFixture) lastAudit() string {
	f.t.Helper()
	rows := dbtest.Strings(f.t, f.d, "SELECT action || ' ' || actor || ' ' || after_json FROM audit_log ORDER BY id DESC LIMIT 1")
	if len(rows) == 0 {
		return ""
	}
	return rows[0]
}

// zoe is an eligible identity: 18 on the day of the vote, living in Arras (62).
var zoe = vote.Identity{Method: vote.MethodEmail, FamilyName: "Lefèvre", GivenName: "Zoé", BirthDate: "2000-01-02", Commune: "62041"}

func with(id vote.Identity, change func(*vote.Identity)) vote.Identity {
	change(&id)
	return id
}

func TestRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRegFixture(t, d)
		citizen := f.person("zoe@x.test", access.Grant{Role: access.Citizen})
		other := f.person("autre@x.test", access.Grant{Role: access.Citizen})
		agent := f.person("agent@x.test", access.Grant{Role: access.Agent})
		reg := func(a access.Actor, id vote.Identity) func() error {
			return func() error {
				_, err := vote.Register(f.ctx, f.env, change.By(a), vote.RegisterInput{Campaign: f.c, Identity: id})
				return err
			}
		}
		f.refuse([]dbtest.Refusal{{Name: "box not sealed", Run: reg(citizen, zoe), Kind: apperr.Conflict, Key: "vote.unsealed"}})
		f.sealBox()
		w, _ := f.c.Window(campaign.PhaseVote)
		// Born on 11 September 2007: 11 on 11 September 2018, after this test's day.
		young := with(zoe, func(id *vote.Identity) { id.BirthDate = "2007-09-11" })
		f.refuse([]dbtest.Refusal{
			{Name: "visitor", Run: reg(access.Visitor, zoe), Kind: apperr.Unauthenticated, Key: "error.unauthenticated"},
			{Name: "staff", Run: reg(agent, zoe), Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "before the vote", Run: func() error {
				f.clock = w.Start.Add(-time.Second)
				defer func() { f.clock = f.open }()
				return reg(citizen, zoe)()
			}, Kind: apperr.Conflict, Key: "vote.closed"},
			{Name: "after the vote", Run: func() error {
				f.clock = w.End.Add(time.Second)
				defer func() { f.clock = f.open }()
				return reg(citizen, zoe)()
			}, Kind: apperr.Conflict, Key: "vote.closed"},
			{Name: "census not accepted", Run: reg(citizen, with(zoe, func(id *vote.Identity) { id.Method = vote.MethodCensus })),
				Kind: apperr.Forbidden, Key: "vote.identity.method_off"},
			{Name: "unknown method", Run: reg(citizen, with(zoe, func(id *vote.Identity) { id.Method = "carrier pigeon" })),
				Kind: apperr.Forbidden, Key: "vote.identity.method_off"},
			{Name: "no family name", Run: reg(citizen, with(zoe, func(id *vote.Identity) { id.FamilyName = " - " })),
				Kind: apperr.Invalid, Field: "nom", Key: "vote.identity.name_required"},
			{Name: "no birth date", Run: reg(citizen, with(zoe, func(id *vote.Identity) { id.BirthDate = "02/01/00" })),
				Kind: apperr.Invalid, Field: "naissance", Key: "vote.identity.birth_invalid"},
			{Name: "no commune", Run: reg(citizen, with(zoe, func(id *vote.Identity) { id.Commune = "" })),
				Kind: apperr.Invalid, Field: "commune", Key: "vote.identity.commune_required"},
			{Name: "under 11", Run: reg(citizen, young), Kind: apperr.Forbidden, Key: "vote.refused.too_young",
				Also: byRule(vote.CheckEligibility)},
			{Name: "outside the territory", Run: reg(citizen, with(zoe, func(id *vote.Identity) { id.Commune = "59350" })),
				Kind: apperr.Forbidden, Key: "vote.refused.territory", Also: byRule(vote.CheckEligibility)},
			{Name: "unknown commune", Run: reg(citizen, with(zoe, func(id *vote.Identity) { id.Commune = "62999" })),
				Kind: apperr.Invalid, Key: "vote.refused.commune_unknown", Also: byRule(vote.CheckEligibility)},
			{Name: "born tomorrow", Run: reg(citizen, with(zoe, func(id *vote.Identity) { id.BirthDate = "2030-01-01" })),
				Kind: apperr.Invalid, Key: "vote.refused.birth_date", Also: byRule(vote.CheckEligibility)},
		})
		// The young voter may register from their birthday on (local day of the vote).
		f.clock = time.Date(2018, 9, 11, 0, 0, 0, 0, f.c.Location())
		if !w.Contains(f.clock) {
			t.Fatalf("11 September 2018 is outside the vote %v", w)
		}
		before := f.snapshot()
		v, err := vote.Register(f.ctx, f.env, change.By(citizen), vote.RegisterInput{Campaign: f.c, Identity: young})
		if err != nil || v.Method != vote.MethodEmail || v.Commune != "62041" || v.AccountID != citizen.ID() {
			t.Fatalf("register: %+v, %v", v, err)
		}
		if f.snapshot() == before {
			t.Fatal("nothing written")
		}
		if got := f.lastAudit(); !strings.HasPrefix(got, "vote.register account ") || strings.Contains(got, "@") || !strings.Contains(got, `"method":"email"`) ||
			strings.Contains(got, "Lef") || strings.Contains(got, "2007") || strings.Contains(got, "62041") {
			t.Errorf("audit entry %q: want the method only", got)
		}
		got, err := vote.VoterOf(f.ctx, d, f.c.ID, citizen.ID())
		if err != nil || got.PersonKey != v.PersonKey {
			t.Errorf("voter %+v %v", got, err)
		}
		// One person, one ballot: the same person by another account, spelt otherwise.
		same := with(young, func(id *vote.Identity) { id.FamilyName = "LEFEVRE" })
		f.refuse([]dbtest.Refusal{
			{Name: "already registered", Run: reg(citizen, zoe), Kind: apperr.Conflict, Key: "vote.identity.registered"},
			{Name: "same person", Run: reg(other, same), Kind: apperr.Conflict, Key: "vote.identity.duplicate", Also: byRule(vote.CheckDuplicate)},
		})
		f.clock = f.open
		if _, err := vote.NewBox(d, func() time.Time { return f.clock }).Cast(f.ctx, vote.Cast{CampaignID: f.c.ID,
			PersonKey: v.PersonKey, Commune: v.Commune, AgeBracket: "11-17", Choices: []int64{}}); err != nil {
			t.Fatal(err)
		}
		f.refuse([]dbtest.Refusal{
			{Name: "voted", Run: reg(citizen, zoe), Kind: apperr.Conflict, Key: "vote.already_voted"},
		})
	})
}

func TestRegisterCensusAndOIDC(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRegFixture(t, d)
		f.sealBox()
		f.settings(vote.Settings{Census: true, OIDC: true})
		err := d.InTx(f.ctx, func(tx *db.Tx) error {
			_, err := vote.ImportCensus(f.ctx, tx, f.c.ID, []vote.CensusRow{
				{FamilyName: "Lefèvre", GivenName: "Zoé", BirthDate: vote.Date{Year: 2000, Month: 1, Day: 2}, Commune: "62041"},
				{FamilyName: "Martin", GivenName: "Léa", BirthDate: vote.Date{Year: 1990, Month: 5, Day: 5}, Commune: "62041"},
				{FamilyName: "Martin", GivenName: "Léa", BirthDate: vote.Date{Year: 1990, Month: 5, Day: 5}, Commune: "62498"},
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		a := f.person("a@x.test", access.Grant{Role: access.Citizen})
		b := f.person("b@x.test", access.Grant{Role: access.Citizen})
		reg := func(who access.Actor, id vote.Identity) func() error {
			return func() error {
				_, err := vote.Register(f.ctx, f.env, change.By(who), vote.RegisterInput{Campaign: f.c, Identity: id})
				return err
			}
		}
		census := with(zoe, func(id *vote.Identity) { id.Method, id.Commune = vote.MethodCensus, "" })
		// Born in 2007, year only: may be 11 by 31 December 2018, so not refused; the same
		// date given in full is refused.
		oidc := vote.Identity{Method: vote.MethodOIDC, FamilyName: "Petit", GivenName: "Jules", BirthDate: "2007", Commune: "62041"}
		f.refuse([]dbtest.Refusal{
			{Name: "declaration not accepted", Run: reg(a, zoe), Kind: apperr.Forbidden, Key: "vote.identity.method_off"},
			{Name: "not on the list", Run: reg(a, with(census, func(id *vote.Identity) { id.GivenName = "Zoë-Anne" })),
				Kind: apperr.NotFound, Key: "vote.census.no_match", Also: byRule(vote.CheckCensus)},
			{Name: "homonyms", Run: reg(a, vote.Identity{Method: vote.MethodCensus, FamilyName: "MARTIN", GivenName: "lea",
				BirthDate: "1990-05-05"}), Kind: apperr.Conflict, Key: "vote.census.ambiguous", Also: byRule(vote.CheckCensus)},
			{Name: "full date under 11", Run: reg(a, with(oidc, func(id *vote.Identity) { id.BirthDate = "2007-12-31" })),
				Kind: apperr.Forbidden, Key: "vote.refused.too_young", Also: byRule(vote.CheckEligibility)},
			// A year alone is for identity providers only: a form asks for the day.
			{Name: "year only on the census form", Run: reg(a, with(census, func(id *vote.Identity) { id.BirthDate = "2000" })),
				Kind: apperr.Invalid, Field: "naissance", Key: "vote.identity.birth_full"},
		})
		var ref *vote.Refusal
		if err := reg(a, with(census, func(id *vote.Identity) { id.FamilyName = "Nobody" }))(); !errors.As(err, &ref) ||
			len(ref.Err.Message.Args) != 1 || ref.Err.Message.Args[0] != f.c.ContactEmail {
			t.Errorf("census refusal %v: want the contact", err)
		}
		// The birth date typed JJ/MM/AAAA, as the form's hint allows.
		v, err := vote.Register(f.ctx, f.env, change.By(a), vote.RegisterInput{Campaign: f.c,
			Identity: with(census, func(id *vote.Identity) { id.BirthDate = "02/01/2000" })})
		if err != nil || v.Commune != "62041" || v.Method != vote.MethodCensus {
			t.Fatalf("census: %+v %v", v, err)
		}
		if v, err = vote.Register(f.ctx, f.env, change.By(b), vote.RegisterInput{Campaign: f.c, Identity: oidc}); err != nil ||
			v.Method != vote.MethodOIDC {
			t.Fatalf("oidc, year only: %+v %v", v, err)
		}
	})
}

func TestEnter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRegFixture(t, d)
		enter := func(email string) (*access.Account, error) {
			return vote.Enter(f.ctx, f.env, change.By(access.Visitor), vote.EnterInput{Campaign: f.c, Email: email})
		}
		f.refuse([]dbtest.Refusal{{Name: "box not sealed", Run: func() error { _, err := enter("tot@x.test"); return err },
			Kind: apperr.Conflict, Key: "vote.unsealed"}})
		f.sealBox()
		a, err := enter("Nouveau.Votant@X.test")
		if err != nil || a.Email != "nouveau.votant@x.test" || a.HasPassword || a.DisplayName != "Nouveau.Votant" {
			t.Fatalf("new voter: %+v %v", a, err)
		}
		if got := f.lastAudit(); !strings.HasPrefix(got, "account.create visitor") {
			t.Errorf("audit %q", got)
		}
		roles, err := account.Grants(f.ctx, d, a.ID)
		if err != nil || len(roles) != 1 || roles[0].Role != access.Citizen {
			t.Errorf("roles %v %v", roles, err)
		}
		before := f.snapshot()
		again, err := enter("nouveau.votant@x.test")
		if err != nil || again.ID != a.ID {
			t.Fatalf("known address: %+v %v", again, err)
		}
		if f.snapshot() != before {
			t.Error("a known address wrote something")
		}
		w, _ := f.c.Window(campaign.PhaseVote)
		f.refuse([]dbtest.Refusal{
			{Name: "not an address", Run: func() error { _, err := enter("nobody"); return err },
				Kind: apperr.Invalid, Field: "email", Key: "account.email_invalid"},
			{Name: "vote closed", Run: func() error {
				f.clock = w.End.Add(time.Second)
				defer func() { f.clock = f.open }()
				_, err := enter("late@x.test")
				return err
			}, Kind: apperr.Conflict, Key: "vote.closed"},
		})
	})
}

func TestRegisterAll(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRegFixture(t, d)
		demo := change.System("demo")
		all := func(who change.Who, vs ...vote.VoterInput) func() error {
			return func() error {
				_, err := vote.RegisterAll(f.ctx, f.env, who, vote.RegisterAllInput{Campaign: f.c, Voters: vs})
				return err
			}
		}
		known := f.person("known@x.test", access.Grant{Role: access.Citizen})
		agent := f.person("agent@x.test", access.Grant{Role: access.Agent})
		first := vote.VoterInput{Email: "v1@x.test", Identity: zoe}
		second := vote.VoterInput{Email: "known@x.test", Identity: with(zoe, func(id *vote.Identity) { id.GivenName = "Léa" })}
		young := vote.VoterInput{Email: "v3@x.test", Identity: with(zoe, func(id *vote.Identity) { id.BirthDate = "2010-01-01" })}
		w, _ := f.c.Window(campaign.PhaseVote)
		f.refuse([]dbtest.Refusal{
			{Name: "a person", Run: all(change.By(agent), first), Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "before the vote", Run: func() error {
				f.clock = w.Start.Add(-time.Second)
				defer func() { f.clock = f.open }()
				return all(demo, first)()
			}, Kind: apperr.Conflict, Key: "vote.closed"},
			{Name: "one under 11 refuses the batch", Run: all(demo, first, second, young), Kind: apperr.Forbidden,
				Key: "vote.refused.too_young", Also: byRule(vote.CheckEligibility)},
			{Name: "the same person twice", Run: all(demo, first, vote.VoterInput{Email: "v4@x.test", Identity: zoe}),
				Kind: apperr.Conflict, Key: "vote.identity.duplicate", Also: byRule(vote.CheckDuplicate)},
			{Name: "staff account", Run: all(demo, first, vote.VoterInput{Email: "agent@x.test", Identity: second.Identity}),
				Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "invalid field", Run: all(demo, vote.VoterInput{Email: "v5@x.test", Identity: with(zoe, func(id *vote.Identity) { id.GivenName = "" })}),
				Kind: apperr.Invalid, Field: "prenom", Key: "vote.identity.name_required"},
			{Name: "invalid address", Run: all(demo, vote.VoterInput{Email: "v6", Identity: zoe}),
				Kind: apperr.Invalid, Field: "email", Key: "account.email_invalid"},
		})
		// After the close (a past edition), eligibility is checked on the vote's last day.
		f.clock = w.End.Add(400 * 24 * time.Hour)
		vs, err := vote.RegisterAll(f.ctx, f.env, demo, vote.RegisterAllInput{Campaign: f.c, Voters: []vote.VoterInput{first, second}})
		if err != nil || len(vs) != 2 || vs[1].AccountID != known.ID() || vs[0].PersonKey == vs[1].PersonKey {
			t.Fatalf("register all: %+v %v", vs, err)
		}
		if got := f.lastAudit(); !strings.HasPrefix(got, "vote.register_all demo") || !strings.Contains(got, `"accounts_created":1`) ||
			!strings.Contains(got, `"voters":2`) {
			t.Errorf("audit %q", got)
		}
		a, err := account.ByEmail(f.ctx, d, "v1@x.test")
		if err != nil || a.HasPassword || !access.Allowed(access.ActorFor(a), access.PermVote, &f.c.ID) {
			t.Errorf("new account %+v %v", a, err)
		}
		f.refuse([]dbtest.Refusal{
			{Name: "already registered", Run: all(demo, second), Kind: apperr.Conflict, Key: "vote.identity.registered"},
		})
	})
}
