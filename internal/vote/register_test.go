package vote_test

import (
	"context"
	"errors"
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
	var b strings.Builder
	for _, q := range []string{
		"SELECT CAST(COUNT(*) AS TEXT) FROM audit_log",
		"SELECT CAST(COUNT(*) AS TEXT) FROM outbox",
		"SELECT CAST(id AS TEXT) || ' ' || email FROM accounts ORDER BY id",
		"SELECT CAST(account_id AS TEXT) || ' ' || role FROM account_roles ORDER BY account_id, role",
		"SELECT CAST(account_id AS TEXT) || ' ' || person_key || ' ' || commune || ' ' || method FROM vote_voters ORDER BY account_id",
	} {
		b.WriteString(strings.Join(dbtest.Strings(f.t, f.d, q), "\n"))
		b.WriteString("\n--\n")
	}
	return b.String()
}

// regRefusal is a command that must be refused: an apperr of kind whose message key (or,
// with field, that field's key) is key; check, when set, is the rule of the *vote.Refusal.
type regRefusal struct {
	name  string
	run   func() error
	kind  apperr.Kind
	key   string
	field string
	check vote.Check
}

func (f *regFixture) refuse(cases []regRefusal) {
	f.t.Helper()
	for _, tc := range cases {
		before := f.snapshot()
		err := tc.run()
		ae, ok := apperr.As(err)
		var ref *vote.Refusal
		switch {
		case !ok || ae.Kind != tc.kind:
			f.t.Errorf("%s: err = %v, want kind %s", tc.name, err, tc.kind)
		case tc.field != "" && ae.Fields[tc.field].Key != tc.key:
			f.t.Errorf("%s: err = %v (fields %v), want %s on %s", tc.name, err, ae.Fields, tc.key, tc.field)
		case tc.field == "" && ae.Message.Key != tc.key:
			f.t.Errorf("%s: err = %v, want %s", tc.name, err, tc.key)
		case tc.check != "" && (!errors.As(err, &ref) || ref.Check != tc.check):
			f.t.Errorf("%s: err = %v, want a refusal by %s", tc.name, err, tc.check)
		case tc.check == "" && errors.As(err, &ref):
			f.t.Errorf("%s: err = %v, want no refusal by a rule", tc.name, err)
		}
		if after := f.snapshot(); after != before {
			f.t.Errorf("%s: a refused command left traces:\n%s\nwas\n%s", tc.name, after, before)
		}
	}
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
		w, _ := f.c.Window(campaign.PhaseVote)
		// Born on 11 September 2007: 11 on 11 September 2018, after this test's day.
		young := with(zoe, func(id *vote.Identity) { id.BirthDate = "2007-09-11" })
		f.refuse([]regRefusal{
			{name: "visitor", run: reg(access.Visitor, zoe), kind: apperr.Unauthenticated, key: "error.unauthenticated"},
			{name: "staff", run: reg(agent, zoe), kind: apperr.Forbidden, key: "error.forbidden"},
			{name: "before the vote", run: func() error {
				f.clock = w.Start.Add(-time.Second)
				defer func() { f.clock = f.open }()
				return reg(citizen, zoe)()
			}, kind: apperr.Conflict, key: "vote.closed"},
			{name: "after the vote", run: func() error {
				f.clock = w.End.Add(time.Second)
				defer func() { f.clock = f.open }()
				return reg(citizen, zoe)()
			}, kind: apperr.Conflict, key: "vote.closed"},
			{name: "census not accepted", run: reg(citizen, with(zoe, func(id *vote.Identity) { id.Method = vote.MethodCensus })),
				kind: apperr.Forbidden, key: "vote.identity.method_off"},
			{name: "unknown method", run: reg(citizen, with(zoe, func(id *vote.Identity) { id.Method = "carrier pigeon" })),
				kind: apperr.Forbidden, key: "vote.identity.method_off"},
			{name: "no family name", run: reg(citizen, with(zoe, func(id *vote.Identity) { id.FamilyName = " - " })),
				kind: apperr.Invalid, field: "nom", key: "vote.identity.name_required"},
			{name: "no birth date", run: reg(citizen, with(zoe, func(id *vote.Identity) { id.BirthDate = "02/01/00" })),
				kind: apperr.Invalid, field: "naissance", key: "vote.identity.birth_invalid"},
			{name: "no commune", run: reg(citizen, with(zoe, func(id *vote.Identity) { id.Commune = "" })),
				kind: apperr.Invalid, field: "commune", key: "vote.identity.commune_required"},
			{name: "under 11", run: reg(citizen, young), kind: apperr.Forbidden, key: "vote.refused.too_young",
				check: vote.CheckEligibility},
			{name: "outside the territory", run: reg(citizen, with(zoe, func(id *vote.Identity) { id.Commune = "59350" })),
				kind: apperr.Forbidden, key: "vote.refused.territory", check: vote.CheckEligibility},
			{name: "unknown commune", run: reg(citizen, with(zoe, func(id *vote.Identity) { id.Commune = "62999" })),
				kind: apperr.Invalid, key: "vote.refused.commune_unknown", check: vote.CheckEligibility},
			{name: "born tomorrow", run: reg(citizen, with(zoe, func(id *vote.Identity) { id.BirthDate = "2030-01-01" })),
				kind: apperr.Invalid, key: "vote.refused.birth_date", check: vote.CheckEligibility},
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
		if got := f.lastAudit(); !strings.HasPrefix(got, "vote.register zoe@x.test") || !strings.Contains(got, `"method":"email"`) ||
			strings.Contains(got, "Lef") || strings.Contains(got, "2007") || strings.Contains(got, "62041") {
			t.Errorf("audit entry %q: want the method only", got)
		}
		got, err := vote.VoterOf(f.ctx, d, f.c.ID, citizen.ID())
		if err != nil || got.PersonKey != v.PersonKey {
			t.Errorf("voter %+v %v", got, err)
		}
		// One person, one ballot: the same person by another account, spelt otherwise.
		same := with(young, func(id *vote.Identity) { id.FamilyName = "LEFEVRE" })
		f.refuse([]regRefusal{
			{name: "already registered", run: reg(citizen, zoe), kind: apperr.Conflict, key: "vote.identity.registered"},
			{name: "same person", run: reg(other, same), kind: apperr.Conflict, key: "vote.identity.duplicate", check: vote.CheckDuplicate},
		})
		f.clock = f.open
		if _, err := vote.NewBox(d, func() time.Time { return f.clock }).Cast(f.ctx, vote.Cast{CampaignID: f.c.ID,
			PersonKey: v.PersonKey, Commune: v.Commune, AgeBracket: "11-17", Choices: []int64{}}); err != nil {
			t.Fatal(err)
		}
		f.refuse([]regRefusal{
			{name: "voted", run: reg(citizen, zoe), kind: apperr.Conflict, key: "vote.already_voted"},
		})
	})
}

func TestRegisterCensusAndOIDC(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRegFixture(t, d)
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
		f.refuse([]regRefusal{
			{name: "declaration not accepted", run: reg(a, zoe), kind: apperr.Forbidden, key: "vote.identity.method_off"},
			{name: "not on the list", run: reg(a, with(census, func(id *vote.Identity) { id.GivenName = "Zoë-Anne" })),
				kind: apperr.NotFound, key: "vote.census.no_match", check: vote.CheckCensus},
			{name: "homonyms", run: reg(a, vote.Identity{Method: vote.MethodCensus, FamilyName: "MARTIN", GivenName: "lea",
				BirthDate: "1990-05-05"}), kind: apperr.Conflict, key: "vote.census.ambiguous", check: vote.CheckCensus},
			{name: "full date under 11", run: reg(a, with(oidc, func(id *vote.Identity) { id.BirthDate = "2007-12-31" })),
				kind: apperr.Forbidden, key: "vote.refused.too_young", check: vote.CheckEligibility},
		})
		var ref *vote.Refusal
		if err := reg(a, with(census, func(id *vote.Identity) { id.FamilyName = "Nobody" }))(); !errors.As(err, &ref) ||
			len(ref.Err.Message.Args) != 1 || ref.Err.Message.Args[0] != f.c.ContactEmail {
			t.Errorf("census refusal %v: want the contact", err)
		}
		v, err := vote.Register(f.ctx, f.env, change.By(a), vote.RegisterInput{Campaign: f.c, Identity: census})
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
		f.refuse([]regRefusal{
			{name: "not an address", run: func() error { _, err := enter("nobody"); return err },
				kind: apperr.Invalid, field: "email", key: "account.email_invalid"},
			{name: "vote closed", run: func() error {
				f.clock = w.End.Add(time.Second)
				defer func() { f.clock = f.open }()
				_, err := enter("late@x.test")
				return err
			}, kind: apperr.Conflict, key: "vote.closed"},
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
		f.refuse([]regRefusal{
			{name: "a person", run: all(change.By(agent), first), kind: apperr.Forbidden, key: "error.forbidden"},
			{name: "before the vote", run: func() error {
				f.clock = w.Start.Add(-time.Second)
				defer func() { f.clock = f.open }()
				return all(demo, first)()
			}, kind: apperr.Conflict, key: "vote.closed"},
			{name: "one under 11 refuses the batch", run: all(demo, first, second, young), kind: apperr.Forbidden,
				key: "vote.refused.too_young", check: vote.CheckEligibility},
			{name: "the same person twice", run: all(demo, first, vote.VoterInput{Email: "v4@x.test", Identity: zoe}),
				kind: apperr.Conflict, key: "vote.identity.duplicate", check: vote.CheckDuplicate},
			{name: "staff account", run: all(demo, first, vote.VoterInput{Email: "agent@x.test", Identity: second.Identity}),
				kind: apperr.Forbidden, key: "error.forbidden"},
			{name: "invalid field", run: all(demo, vote.VoterInput{Email: "v5@x.test", Identity: with(zoe, func(id *vote.Identity) { id.GivenName = "" })}),
				kind: apperr.Invalid, field: "prenom", key: "vote.identity.name_required"},
			{name: "invalid address", run: all(demo, vote.VoterInput{Email: "v6", Identity: zoe}),
				kind: apperr.Invalid, field: "email", key: "account.email_invalid"},
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
		f.refuse([]regRefusal{
			{name: "already registered", run: all(demo, second), kind: apperr.Conflict, key: "vote.identity.registered"},
		})
	})
}
