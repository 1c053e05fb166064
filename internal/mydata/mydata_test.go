package mydata_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/idea"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/mydata"
	"budgetcitoyen/internal/vote"
	"budgetcitoyen/internal/workshop"
)

var now = time.Date(2026, 9, 10, 10, 0, 0, 0, time.UTC)

// passwords are cheap hashing parameters: the tests of account check the real cost.
var passwords = account.PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

const (
	aliceEmail = "alice.martin_62@exemple.fr" // "_" would be a LIKE wildcard: the erasure must not need one
	bobEmail   = "bob@exemple.fr"
	alicePass  = "une phrase secrète d'Alice"
)

// fixture is a campaign where Alice did a bit of everything (an idea, comptoirs, a
// structure with a dossier, a vote) and Bob, her fellow member, too.
type fixture struct {
	c             *campaign.Campaign
	alice, bob    *access.Account
	aliceIdea     int64
	bobIdea       int64
	past, future  int64 // workshop sessions
	shared, own   int64 // structures: Alice and Bob's; Alice's alone
	sharedDossier int64
	ownDossier    int64
	receipt       string
	aliceKey      string
}

func seed(t *testing.T, d *db.DB) fixture {
	t.Helper()
	ctx := context.Background()
	var f fixture
	var err error
	if f.c, err = campaign.Preset(campaign.PresetPasDeCalais2018); err != nil {
		t.Fatal(err)
	}
	f.c.Slug = "test-mydata"
	must(t, campaign.Insert(ctx, d, f.c, now))
	if f.alice, err = account.CreateWithPassword(ctx, d, passwords, aliceEmail, "Alice Martin", alicePass, now); err != nil {
		t.Fatal(err)
	}
	if f.bob, err = account.Create(ctx, d, bobEmail, "Bob", now); err != nil {
		t.Fatal(err)
	}
	must(t, account.MarkVerified(ctx, d, f.alice.ID, now))
	must(t, account.GrantRole(ctx, d, f.alice.ID, access.Citizen, nil, now))
	must(t, account.GrantRole(ctx, d, f.alice.ID, access.Carrier, &f.c.ID, now))
	must(t, account.GrantRole(ctx, d, f.bob.ID, access.Citizen, nil, now))

	for _, who := range []struct {
		id  int64
		out *int64
		t   string
	}{{f.alice.ID, &f.aliceIdea, "Un jardin partagé à Arras"}, {f.bob.ID, &f.bobIdea, "Une ressourcerie à Lens"}} {
		i := &idea.Idea{CampaignID: f.c.ID, AuthorID: who.id, Title: who.t, Description: "Pour le quartier.",
			Theme: idea.Themes()[0], Commune: "62041", Carrier: idea.CarrierPerson, CreatedAt: now}
		must(t, idea.Insert(ctx, d, i))
		*who.out = i.ID
	}

	// A comptoir held last week (Alice came) and one next week (one seat: Alice's; Bob waits).
	for _, s := range []struct {
		out   *int64
		start time.Time
	}{{&f.past, now.Add(-7 * 24 * time.Hour)}, {&f.future, now.Add(7 * 24 * time.Hour)}} {
		ws := &workshop.Session{CampaignID: f.c.ID, Title: "Comptoir", Topics: []workshop.Topic{workshop.TopicIdeaToProject},
			Host: "Tiers-lieu", Address: "1 rue Haute", Commune: "62041", StartsAt: s.start, EndsAt: s.start.Add(2 * time.Hour), Capacity: 1}
		must(t, workshop.Create(ctx, d, ws, now.Add(-30*24*time.Hour)))
		*s.out = ws.ID
	}
	must(t, d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := workshop.Register(ctx, d, tx, f.past, f.alice.ID, now.Add(-10*24*time.Hour)); err != nil {
			return err
		}
		if err := workshop.MarkAttendance(ctx, tx, f.past, f.alice.ID, workshop.Present, now); err != nil {
			return err
		}
		if _, err := workshop.Register(ctx, d, tx, f.future, f.alice.ID, now); err != nil {
			return err
		}
		_, err := workshop.Register(ctx, d, tx, f.future, f.bob.ID, now)
		return err
	}))

	shared := &dossier.Structure{Name: "Les Jardins d'Arras", LegalForm: "association", Commune: "62041", Address: "2 place du Héros"}
	must(t, dossier.InsertStructure(ctx, d, shared, f.alice.ID, now))
	must(t, dossier.AddMember(ctx, d, shared.ID, f.bob.ID, now))
	own := &dossier.Structure{Name: "Collectif Martin", LegalForm: "association", Commune: "62041"}
	must(t, dossier.InsertStructure(ctx, d, own, f.alice.ID, now))
	f.shared, f.own = shared.ID, own.ID
	for _, x := range []struct {
		st  int64
		out *int64
	}{{shared.ID, &f.sharedDossier}, {own.ID, &f.ownDossier}} {
		ds := &dossier.Dossier{CampaignID: f.c.ID, StructureID: x.st, CategoryID: f.c.Categories[0].ID, State: dossier.StateDraft,
			Title: "Un jardin", Summary: "Résumé", CreatedBy: f.alice.ID, Answers: map[string]string{}}
		must(t, dossier.Insert(ctx, d, ds, now))
		*x.out = ds.ID
	}
	// Invitations: one to Alice's address (from Bob), one Alice sent to someone else.
	for _, inv := range []*dossier.Invitation{
		{StructureID: shared.ID, Email: aliceEmail, InvitedBy: f.bob.ID, CreatedAt: now, ExpiresAt: now.Add(72 * time.Hour)},
		{StructureID: own.ID, Email: "carole@exemple.fr", InvitedBy: f.alice.ID, CreatedAt: now, ExpiresAt: now.Add(72 * time.Hour)},
	} {
		if _, err := dossier.InsertInvitation(ctx, d, inv); err != nil {
			t.Fatal(err)
		}
	}

	// Alice and Bob registered to vote; Alice voted.
	key, err := vote.HashKey(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		id   int64
		name string
	}{{f.alice.ID, "MARTIN"}, {f.bob.ID, "DURAND"}} {
		decl, fe := vote.ParseDeclaration(v.name, "Camille", "1990-04-01", "62041")
		if len(fe) > 0 {
			t.Fatal(fe)
		}
		voter := &vote.Voter{CampaignID: f.c.ID, AccountID: v.id, PersonKey: vote.PersonKey(key, f.c.ID, decl),
			Commune: "62041", BirthDate: decl.BirthDate, Method: "email"}
		must(t, vote.RegisterVoter(ctx, d, voter, ""))
		if v.id == f.alice.ID {
			f.aliceKey = voter.PersonKey
		}
	}
	box := vote.NewBox(d, func() time.Time { return now })
	rc, err := box.Cast(ctx, vote.Cast{CampaignID: f.c.ID, PersonKey: f.aliceKey, Commune: "62041", AgeBracket: "35-44",
		Choices: []int64{f.sharedDossier}})
	if err != nil {
		t.Fatal(err)
	}
	f.receipt = rc.Code

	// What only served the person: a link, a session, failed sign-ins, e-mails and their counts.
	if _, err := account.IssueToken(ctx, d, f.alice.ID, account.PurposeReset, time.Hour, now); err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		token string
		id    int64
		data  string
	}{{"alicetok-0000000000000000", f.alice.ID, "signed in as " + aliceEmail}, {"bobtoken-0000000000000000", f.bob.ID, "bob"}} {
		if _, err := d.ExecContext(ctx, "INSERT INTO sessions (token, data, expiry, account_id) VALUES ($1, $2, $3, $4)",
			s.token, []byte(s.data), now.Add(time.Hour), s.id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := account.Authenticate(ctx, d, passwords, aliceEmail, "pas le bon", "127.0.0.9", now); err == nil {
		t.Fatal("a wrong password signed in")
	}
	if _, err := account.SignInWithCode(ctx, d, aliceEmail, "123456", "127.0.0.9", now); err == nil {
		t.Fatal("a wrong code signed in")
	}
	for _, to := range []string{aliceEmail, bobEmail} {
		must(t, mail.Enqueue(ctx, d, mail.Message{To: to, Subject: "Bonjour", Body: "Texte"}, now))
		must(t, mail.TakeAlone(ctx, d, mail.DefaultLimits(), mail.Ask{Client: "127.0.0.9", To: []string{to}}, now))
	}
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func env(d *db.DB) mydata.Env {
	return mydata.Env{Change: change.Env{DB: d, Now: func() time.Time { return now }}}
}

func TestCollect(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := seed(t, d)
		x, err := mydata.Collect(ctx, d, f.alice.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		if x.Account.Email != aliceEmail || x.Account.DisplayName != "Alice Martin" || x.Account.VerifiedAt == nil ||
			!x.Account.HasPassword || len(x.Account.Roles) != 2 {
			t.Errorf("account: %+v", x.Account)
		}
		if len(x.Ideas) != 1 || x.Ideas[0].ID != f.aliceIdea || x.Ideas[0].Campaign.Slug != "test-mydata" {
			t.Errorf("ideas: %+v", x.Ideas)
		}
		if len(x.Workshops) != 2 || x.Workshops[0].SessionID != f.past || x.Workshops[0].Attendance != "present" ||
			x.Workshops[1].SessionID != f.future || x.Workshops[1].Status != "registered" {
			t.Errorf("workshops: %+v", x.Workshops)
		}
		if len(x.Structures) != 2 || !x.Structures[0].CreatedByMe || x.Structures[0].MemberSince.IsZero() {
			t.Errorf("structures: %+v", x.Structures)
		}
		if len(x.Dossiers) != 2 || x.Dossiers[0].ID != f.sharedDossier || !x.Dossiers[0].CreatedByMe {
			t.Errorf("dossiers: %+v", x.Dossiers)
		}
		if len(x.Votes) != 1 || !x.Votes[0].Voted || x.Votes[0].BirthDate != "1990-04-01" || x.Votes[0].Commune != "62041" {
			t.Errorf("votes: %+v", x.Votes)
		}

		b, err := json.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		// Never what she voted: no receipt, no choice, no key of the person.
		for _, secret := range []string{f.receipt, strings.ReplaceAll(f.receipt, "-", ""), f.aliceKey, "choice", "ballot", "receipt"} {
			if strings.Contains(strings.ToLower(string(b)), strings.ToLower(secret)) {
				t.Errorf("the export holds %q", secret)
			}
		}
		// Nothing of Bob's: his idea, his address.
		if strings.Contains(string(b), bobEmail) || strings.Contains(string(b), "Une ressourcerie à Lens") {
			t.Error("the export holds Bob's data")
		}
		var back map[string]any
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"account", "ideas", "workshop_registrations", "structures", "dossiers", "votes", "generated_at"} {
			if _, ok := back[k]; !ok {
				t.Errorf("no %q in the export", k)
			}
		}

		// A person with nothing gets empty lists, not nulls.
		carole, err := account.Create(ctx, d, "carole@exemple.fr", "", now)
		if err != nil {
			t.Fatal(err)
		}
		x, err = mydata.Collect(ctx, d, carole.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(x); strings.Contains(strings.Replace(string(b), `"email_verified_at":null`, "", 1), "null") {
			t.Errorf("nulls in an empty export: %s", b)
		}
	})
}

func TestErase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := seed(t, d)
		bobBefore, err := mydata.Collect(ctx, d, f.bob.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		turnout, _, _, err := vote.Turnout(ctx, d, f.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		alice := access.ActorFor(f.alice)
		alice.Client = "127.0.0.9"

		if _, err := mydata.Erase(ctx, env(d), change.By(access.Visitor)); !apperr.IsKind(err, apperr.Unauthenticated) {
			t.Errorf("a visitor erased: %v", err)
		}
		res, err := mydata.Erase(ctx, env(d), change.By(alice))
		if err != nil {
			t.Fatal(err)
		}
		if res.StructuresLeft != 2 || res.VoterRowsDeleted != 1 || res.Workshop.Left != 1 || res.Workshop.Kept != 1 ||
			!slices.Equal(res.Workshop.MovedUp, []int64{f.bob.ID}) {
			t.Errorf("erased: %+v", res)
		}

		t.Run("no table but audit_log holds the address", func(t *testing.T) {
			var left []string
			for _, col := range dbtest.Holding(t, d, aliceEmail) {
				if !strings.HasPrefix(col, "audit_log.") {
					left = append(left, col)
				}
			}
			if len(left) > 0 {
				t.Errorf("the address is still in %v", left)
			}
			if cols := dbtest.Holding(t, d, "Alice Martin"); len(cols) > 0 {
				t.Errorf("the name is still in %v", cols)
			}
		})
		// The audit log names people by account id only (audit.ActorAccount): the entries
		// of Alice's own changes hold no address either.
		t.Run("audit_log holds no address", func(t *testing.T) {
			if cols := dbtest.Holding(t, d, aliceEmail); len(cols) > 0 {
				t.Errorf("the address is still in %v", cols)
			}
		})

		rep, err := audit.Verify(ctx, d)
		if err != nil || !rep.OK() {
			t.Errorf("audit chain after the erasure: %+v %v", rep, err)
		}
		e := dbtest.LastAudit(t, d, "account.delete")
		if e.EntityID == "" || strings.Contains(e.After, aliceEmail) || strings.Contains(e.Before, aliceEmail) {
			t.Errorf("audit entry: %+v", e)
		}

		// The row stays, anonymised; the old address and password lead nowhere.
		a, err := account.ByID(ctx, d, f.alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a.Email != account.DeletedEmail(f.alice.ID) || a.DisplayName != "" || a.HasPassword || !a.Disabled ||
			a.EmailVerifiedAt != nil || len(a.Roles) != 0 {
			t.Errorf("anonymised account: %+v", a)
		}
		if deleted, err := account.Deleted(ctx, d, f.alice.ID); err != nil || !deleted {
			t.Errorf("deleted: %v %v", deleted, err)
		}
		if _, err := account.ByEmail(ctx, d, aliceEmail); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("the old address still finds an account: %v", err)
		}
		if _, err := account.Authenticate(ctx, d, passwords, aliceEmail, alicePass, "127.0.0.10", now); err == nil {
			t.Error("the old password still signs in")
		}
		if _, err := account.Authenticate(ctx, d, passwords, account.DeletedEmail(f.alice.ID), alicePass, "127.0.0.10", now); err == nil {
			t.Error("the old password signs in with the placeholder")
		}
		aenv := account.Env{Change: change.Env{DB: d, Now: func() time.Time { return now }}}
		sent, err := account.SendLoginCode(ctx, aenv, change.By(access.Actor{Client: "127.0.0.11"}), account.CodeRequest{Email: aliceEmail})
		if err != nil || sent.AccountID != 0 {
			t.Errorf("a code for the old address reached account %d: %v", sent.AccountID, err)
		}
		if _, err := mydata.Erase(ctx, env(d), change.By(alice)); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("erased twice: %v", err)
		}

		// Kept for the campaign's record, without naming her.
		var n int
		for _, q := range []struct {
			what  string
			query string
			arg   int64
			want  int
		}{
			{"her idea", "SELECT COUNT(*) FROM ideas WHERE id = $1", f.aliceIdea, 1},
			{"her dossiers", "SELECT COUNT(*) FROM dossiers WHERE created_by = $1", f.alice.ID, 2},
			{"her structure alone", "SELECT COUNT(*) FROM structures WHERE id = $1", f.own, 1},
			{"the members of her structure alone", "SELECT COUNT(*) FROM structure_members WHERE structure_id = $1", f.own, 0},
			{"the registration to the comptoir held", "SELECT COUNT(*) FROM workshop_registrations WHERE session_id = $1", f.past, 1},
			{"her voter rows", "SELECT COUNT(*) FROM vote_voters WHERE account_id = $1", f.alice.ID, 0},
			{"her ballot", "SELECT COUNT(*) FROM vote_ballots WHERE campaign_id = $1", f.c.ID, 1},
			{"the invitation she sent", "SELECT COUNT(*) FROM structure_invitations WHERE invited_by = $1", f.alice.ID, 1},
		} {
			if err := d.QueryRowContext(ctx, q.query, q.arg).Scan(&n); err != nil || n != q.want {
				t.Errorf("%s: %d rows, want %d (%v)", q.what, n, q.want, err)
			}
		}
		if after, _, _, err := vote.Turnout(ctx, d, f.c.ID); err != nil || after != turnout || after != 1 {
			t.Errorf("turnout %d → %d (%v)", turnout, after, err)
		}

		// Bob's data is untouched but for the seat Alice freed, which went to him.
		bobAfter, err := mydata.Collect(ctx, d, f.bob.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(bobAfter.Workshops) != 1 || bobAfter.Workshops[0].Status != "registered" || bobBefore.Workshops[0].Status != "waiting" {
			t.Errorf("Bob's seat: %+v → %+v", bobBefore.Workshops, bobAfter.Workshops)
		}
		bobBefore.Workshops, bobAfter.Workshops = nil, nil
		b1, _ := json.Marshal(bobBefore)
		b2, _ := json.Marshal(bobAfter)
		if string(b1) != string(b2) {
			t.Errorf("Bob's data changed:\n%s\n%s", b1, b2)
		}
		if got := dbtest.Strings(t, d, "SELECT token FROM sessions WHERE account_id = $1", f.bob.ID); len(got) != 1 {
			t.Errorf("Bob's sessions: %v", got)
		}
		if msgs, err := mail.Sent(ctx, d, bobEmail); err != nil || len(msgs) != 1 {
			t.Errorf("Bob's e-mails: %v %v", msgs, err)
		}
	})
}

// TestEraseRefusedToATrustee: the count of a sealed box needs its trustees' shares.
func TestEraseRefusedToATrustee(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := seed(t, d)
		if _, err := d.ExecContext(ctx, `INSERT INTO vote_boxes (campaign_id, k, n, public_key, commitments, sealed_at)
			VALUES ($1, 1, 1, $2, '', $3)`, f.c.ID, []byte("key"), now); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, "INSERT INTO vote_box_trustees (campaign_id, share_index, account_id) VALUES ($1, 1, $2)",
			f.c.ID, f.alice.ID); err != nil {
			t.Fatal(err)
		}
		_, err := mydata.Erase(ctx, env(d), change.By(access.ActorFor(f.alice)))
		if !apperr.IsKind(err, apperr.Conflict) {
			t.Fatalf("a trustee of a sealed box erased: %v", err)
		}
		if a, err := account.ByEmail(ctx, d, aliceEmail); err != nil || a.Disabled {
			t.Errorf("after the refusal: %+v %v", a, err)
		}
		if _, err := d.ExecContext(ctx, "UPDATE vote_boxes SET unsealed_at = $1", now); err != nil {
			t.Fatal(err)
		}
		if _, err := mydata.Erase(ctx, env(d), change.By(access.ActorFor(f.alice))); err != nil {
			t.Errorf("after the count: %v", err)
		}
	})
}
