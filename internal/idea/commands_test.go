package idea_test

import (
	"context"
	"strings"
	"sync"
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
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/idea"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/territory"
)

// During the ideas phase of the 2018 preset (1–30 March 2018), and after it.
var (
	inPhase    = time.Date(2018, 3, 10, 9, 0, 0, 0, time.UTC)
	afterPhase = time.Date(2018, 4, 15, 9, 0, 0, 0, time.UTC)
)

var loadShared = sync.OnceValues(func() (*shared, error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	terr, err := territory.Load()
	if err != nil {
		return nil, err
	}
	return &shared{cat: cat, terr: terr}, nil
})

type shared struct {
	cat  *i18n.Catalog
	terr *territory.Data
}

// cmdFixture is a database with the 2018 campaign and the environment of the commands.
type cmdFixture struct {
	t    *testing.T
	ctx  context.Context
	d    *db.DB
	sh   *shared
	camp *campaign.Campaign
}

func newCmdFixture(t *testing.T, d *db.DB) *cmdFixture {
	t.Helper()
	sh, err := loadShared()
	if err != nil {
		t.Fatal(err)
	}
	c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	if err := campaign.Insert(context.Background(), d, c, inPhase); err != nil {
		t.Fatal(err)
	}
	return &cmdFixture{t: t, ctx: context.Background(), d: d, sh: sh, camp: c}
}

// env is the environment of the commands at now, writing e-mails.
func (f *cmdFixture) env(now time.Time) idea.Env {
	return idea.Env{Change: change.Env{DB: f.d, Now: func() time.Time { return now }},
		Mail: idea.Mailer{Cat: f.sh.cat, BaseURL: "https://budget.example.org"}, Territory: f.sh.terr}
}

// person creates an account (without password) with grants and returns its actor.
func (f *cmdFixture) person(email, lang string, roles ...access.Role) access.Actor {
	f.t.Helper()
	a, err := account.Create(f.ctx, f.d, email, "Personne", inPhase)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := account.MarkVerified(f.ctx, f.d, a.ID, inPhase); err != nil {
		f.t.Fatal(err)
	}
	if lang != "" {
		if _, err := f.d.ExecContext(f.ctx, "UPDATE accounts SET lang = $1 WHERE id = $2", lang, a.ID); err != nil {
			f.t.Fatal(err)
		}
	}
	for _, r := range roles {
		if err := account.GrantRole(f.ctx, f.d, a.ID, r, nil, inPhase); err != nil {
			f.t.Fatal(err)
		}
	}
	if a, err = account.ByID(f.ctx, f.d, a.ID); err != nil {
		f.t.Fatal(err)
	}
	return access.ActorFor(a)
}

// form is a valid deposit in Béthune (62119).
func form() idea.Deposit {
	return idea.Deposit{Title: "Une épicerie solidaire", Description: "Pour les familles du quartier.",
		Theme: idea.ThemeFood, CommuneCode: "62119", Carrier: idea.CarrierPerson}
}

// snapshot is everything a command may write: the audit log, the outbox, the ideas, the
// accounts and their tokens. A refused command leaves it as it was.
func (f *cmdFixture) snapshot() string {
	f.t.Helper()
	return dbtest.Snapshot(f.t, f.d,
		"SELECT CAST(COUNT(*) AS TEXT) FROM audit_log",
		"SELECT to_addr || ' ' || subject FROM outbox ORDER BY id",
		`SELECT CAST(id AS TEXT) || ' ' || title || ' ' || COALESCE(CAST(hidden_at AS TEXT), '-') || ' ' || hidden_reason
			FROM ideas ORDER BY id`,
		"SELECT email FROM accounts ORDER BY id",
		"SELECT CAST(COUNT(*) AS TEXT) FROM account_tokens",
	)
}

// refuse runs each refusal and checks its error and that it left no trace.
func (f *cmdFixture) refuse(cases []dbtest.Refusal) {
	f.t.Helper()
	dbtest.Refuse(f.t, f.snapshot, cases)
}

// lastAudit returns the newest audit entry, which must be of action.
func (f *cmdFixture) lastAudit(action string) audit.Entry {
	f.t.Helper()
	return dbtest.LastAudit(f.t, f.d, action)
}

// mails returns the e-mails queued for addr, newest first.
func (f *cmdFixture) mails(addr string) []mail.Message {
	f.t.Helper()
	ms, err := mail.Sent(f.ctx, f.d, addr)
	if err != nil {
		f.t.Fatal(err)
	}
	return ms
}

// noTitleIn fails when a subject carries the idea's title (text anyone may type).
func noTitleIn(t *testing.T, ms []mail.Message, title string) {
	t.Helper()
	for _, m := range ms {
		if strings.Contains(m.Subject, title) {
			t.Errorf("subject %q carries the idea's title", m.Subject)
		}
	}
}

func TestSubmitSignedIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		camille := f.person("camille@exemple.fr", "", access.Citizen)
		in := idea.SubmitInput{Campaign: f.camp, Form: form(), Lang: i18n.EN}
		i, err := idea.Submit(f.ctx, f.env(inPhase), change.By(camille), in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := idea.ByID(f.ctx, d, f.camp.ID, i.ID)
		if err != nil || got.AuthorID != camille.ID() || got.Commune != "62119" || got.Arrondissement == "" ||
			got.EPCI == "" || !got.CreatedAt.Equal(inPhase) || got.Hidden() {
			t.Fatalf("stored %+v, %v", got, err)
		}
		ms := f.mails("camille@exemple.fr")
		if len(ms) != 1 || ms[0].Subject != "Your idea has been deposited" ||
			!strings.Contains(ms[0].Body, "https://budget.example.org/"+f.camp.Slug+"/idees/") ||
			!strings.Contains(ms[0].Body, "Une épicerie solidaire") || strings.Contains(ms[0].Body, "/connexion/code") {
			t.Errorf("acknowledgement %+v", ms)
		}
		noTitleIn(t, ms, "épicerie")
		if e := f.lastAudit("idea.deposit"); e.Actor != "account" || e.ActorID == nil || *e.ActorID != camille.ID() {
			t.Errorf("audit entry %+v", e)
		}
	})
}

func TestSubmitByVisitor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		visitor := change.By(access.Visitor)

		// A new address: a citizen account without password and the link that confirms the
		// address, in the page's language; nothing else until the address is confirmed.
		in := idea.SubmitInput{Campaign: f.camp, Form: form(), Lang: i18n.FR}
		in.Form.Email = "nouvelle@exemple.fr"
		i, err := idea.Submit(f.ctx, f.env(inPhase), visitor, in)
		if err != nil {
			t.Fatal(err)
		}
		a, err := account.ByEmail(f.ctx, d, "nouvelle@exemple.fr")
		if err != nil || a.ID != i.AuthorID || a.Verified() || a.HasPassword || len(a.Roles) != 1 || a.Roles[0].Role != access.Citizen {
			t.Fatalf("account %+v, %v (idea by %d)", a, err, i.AuthorID)
		}
		ms := f.mails("nouvelle@exemple.fr")
		if len(ms) != 1 || ms[0].Subject != "Confirmez votre adresse e-mail — Budget citoyen" ||
			!strings.Contains(ms[0].Body, account.VerifyPath+"?jeton=") || strings.Contains(ms[0].Body, "épicerie") {
			t.Errorf("e-mails %+v", ms)
		}
		// Deposited again under the same address, still not confirmed: a new link, nothing else.
		if _, err := idea.Submit(f.ctx, f.env(inPhase), visitor, in); err != nil {
			t.Fatal(err)
		}
		ms = f.mails("nouvelle@exemple.fr")
		if len(ms) != 2 || ms[0].Subject != ms[1].Subject || strings.Contains(ms[0].Body, "épicerie") {
			t.Errorf("e-mails after a second deposit %+v", ms)
		}
		if e := f.lastAudit("idea.deposit"); e.Actor != "visitor" || e.ActorID != nil {
			t.Errorf("audit entry %+v", e)
		}

		// The address of an account: attached to it, its owner told in their language.
		owner := f.person("deja@exemple.fr", "en", access.Citizen)
		in.Form.Email = "deja@exemple.fr"
		if i, err = idea.Submit(f.ctx, f.env(inPhase), visitor, in); err != nil {
			t.Fatal(err)
		}
		if i.AuthorID != owner.ID() {
			t.Errorf("idea by %d, want the owner %d", i.AuthorID, owner.ID())
		}
		// The address is confirmed: its owner is told, without the text the visitor typed.
		ms = f.mails("deja@exemple.fr")
		if len(ms) != 1 || ms[0].Subject != "Your idea has been deposited" || !strings.Contains(ms[0].Body, "/connexion/code") ||
			strings.Contains(ms[0].Body, "épicerie") {
			t.Errorf("e-mails to the owner %+v", ms)
		}
		if n := dbtest.Strings(t, d, "SELECT CAST(COUNT(*) AS TEXT) FROM accounts"); n[0] != "2" {
			t.Errorf("%s accounts, want 2", n[0])
		}
	})
}

func TestSubmitByThePlatform(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		author := f.person("auteur@exemple.fr", "", access.Citizen)
		env := f.env(inPhase)
		env.Mail = idea.Mailer{} // a zero Mailer writes no e-mail
		i, err := idea.Submit(f.ctx, env, change.System("demo"),
			idea.SubmitInput{Campaign: f.camp, Form: form(), AuthorID: author.ID()})
		if err != nil {
			t.Fatal(err)
		}
		if i.AuthorID != author.ID() {
			t.Errorf("idea by %d, want %d", i.AuthorID, author.ID())
		}
		if ms := f.mails("auteur@exemple.fr"); len(ms) != 0 {
			t.Errorf("a zero Mailer queued %+v", ms)
		}
		if e := f.lastAudit("idea.deposit"); e.Actor != "demo" {
			t.Errorf("audit entry %+v", e)
		}
		// The platform must name the author.
		if _, err := idea.Submit(f.ctx, env, change.System("demo"), idea.SubmitInput{Campaign: f.camp, Form: form()}); err == nil {
			t.Error("a deposit by the platform without an author was accepted")
		}
	})
}

func TestSubmitRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		citizen := change.By(f.person("camille@exemple.fr", "", access.Citizen))
		visitor := change.By(access.Visitor)
		submit := func(who change.Who, at time.Time, edit func(*idea.Deposit)) func() error {
			return func() error {
				in := idea.SubmitInput{Campaign: f.camp, Form: form(), Lang: i18n.FR}
				in.Form.Email = "nouvelle@exemple.fr"
				edit(&in.Form)
				_, err := idea.Submit(f.ctx, f.env(at), who, in)
				return err
			}
		}
		same := func(*idea.Deposit) {}
		f.refuse([]dbtest.Refusal{
			{Name: "phase over", Run: submit(citizen, afterPhase, same), Kind: apperr.Conflict, Key: "change.phase_closed"},
			{Name: "phase over, visitor", Run: submit(visitor, afterPhase, same), Kind: apperr.Conflict, Key: "change.phase_closed"},
			{Name: "no title", Run: submit(citizen, inPhase, func(d *idea.Deposit) { d.Title = "" }),
				Kind: apperr.Invalid, Field: idea.FieldTitle, Key: "idea.error.title_required"},
			{Name: "title too long", Run: submit(citizen, inPhase, func(d *idea.Deposit) { d.Title = strings.Repeat("é", idea.MaxTitleLen+1) }),
				Kind: apperr.Invalid, Field: idea.FieldTitle, Key: "idea.error.title_too_long"},
			{Name: "unknown theme", Run: submit(citizen, inPhase, func(d *idea.Deposit) { d.Theme = "sport" }),
				Kind: apperr.Invalid, Field: idea.FieldTheme, Key: "idea.error.theme_required"},
			{Name: "no commune", Run: submit(citizen, inPhase, func(d *idea.Deposit) { d.CommuneCode = "" }),
				Kind: apperr.Invalid, Field: idea.FieldCommuneText, Key: "idea.error.commune_required"},
			{Name: "commune outside", Run: submit(citizen, inPhase, func(d *idea.Deposit) { d.CommuneCode = "59350" }),
				Kind: apperr.Invalid, Field: idea.FieldCommuneText, Key: "idea.error.commune_outside"},
			{Name: "unknown commune", Run: submit(citizen, inPhase, func(d *idea.Deposit) { d.CommuneCode = "99999" }),
				Kind: apperr.Invalid, Field: idea.FieldCommuneText, Key: "idea.error.commune_unknown"},
			{Name: "visitor without address", Run: submit(visitor, inPhase, func(d *idea.Deposit) { d.Email = "" }),
				Kind: apperr.Invalid, Field: idea.FieldEmail, Key: "account.email_required"},
			{Name: "visitor with a bad address", Run: submit(visitor, inPhase, func(d *idea.Deposit) { d.Email = "pas-une-adresse" }),
				Kind: apperr.Invalid, Field: idea.FieldEmail, Key: "account.email_invalid"},
		})
	})
}

func TestHideAndRestore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		author := f.person("auteur@exemple.fr", "", access.Citizen)
		agent := f.person("agent@exemple.fr", "", access.Agent)
		i, err := idea.Submit(f.ctx, f.env(inPhase), change.By(author), idea.SubmitInput{Campaign: f.camp, Form: form()})
		if err != nil {
			t.Fatal(err)
		}
		// Moderation is not bound to a phase.
		later := afterPhase
		err = idea.Hide(f.ctx, f.env(later), change.By(agent), idea.HideInput{Campaign: f.camp, ID: i.ID,
			Reason: "  Relève d'un service municipal.  "})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := idea.ByID(f.ctx, d, f.camp.ID, i.ID)
		if !got.Hidden() || got.HiddenReason != "Relève d'un service municipal." || got.HiddenBy == nil ||
			*got.HiddenBy != agent.ID() || !got.HiddenAt.Equal(later) {
			t.Fatalf("hidden idea %+v", got)
		}
		ms := f.mails("auteur@exemple.fr")
		if len(ms) != 2 || ms[0].Subject != "Votre idée a été masquée" || !strings.Contains(ms[0].Body, "Relève d'un service municipal.") {
			t.Errorf("notice of hiding %+v", ms)
		}
		noTitleIn(t, ms, "épicerie")
		if e := f.lastAudit("idea.hide"); e.Actor != "account" || !strings.Contains(e.Before, `"hidden":false`) ||
			!strings.Contains(e.After, `"hidden":true`) {
			t.Errorf("audit entry %+v", e)
		}

		hide := func(who access.Actor, id int64, reason string) func() error {
			return func() error {
				return idea.Hide(f.ctx, f.env(later), change.By(who), idea.HideInput{Campaign: f.camp, ID: id, Reason: reason})
			}
		}
		restore := func(who access.Actor, id int64) func() error {
			return func() error {
				return idea.Restore(f.ctx, f.env(later), change.By(who), idea.RestoreInput{Campaign: f.camp, ID: id})
			}
		}
		other, err := idea.Submit(f.ctx, f.env(inPhase), change.By(author), idea.SubmitInput{Campaign: f.camp, Form: form()})
		if err != nil {
			t.Fatal(err)
		}
		f.refuse([]dbtest.Refusal{
			{Name: "hide by the author", Run: hide(author, other.ID, "Non."), Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "hide by a visitor", Run: hide(access.Visitor, other.ID, "Non."), Kind: apperr.Unauthenticated, Key: "error.unauthenticated"},
			{Name: "hide without reason", Run: hide(agent, other.ID, " \n "), Kind: apperr.Invalid, Field: idea.FieldReason, Key: "idea.error.reason_required"},
			{Name: "hide a hidden idea", Run: hide(agent, i.ID, "Encore."), Kind: apperr.Conflict, Key: "idea.error.already_hidden"},
			{Name: "hide an unknown idea", Run: hide(agent, 9999, "Non."), Kind: apperr.NotFound, Key: "idea.error.not_found"},
			{Name: "restore by the author", Run: restore(author, i.ID), Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "restore a published idea", Run: restore(agent, other.ID), Kind: apperr.Conflict, Key: "idea.error.not_hidden"},
		})

		if err := restore(agent, i.ID)(); err != nil {
			t.Fatal(err)
		}
		if got, _ := idea.ByID(f.ctx, d, f.camp.ID, i.ID); got.Hidden() || got.HiddenReason != "" {
			t.Errorf("restored idea %+v", got)
		}
		if ms := f.mails("auteur@exemple.fr"); ms[0].Subject != "Votre idée est de nouveau visible" {
			t.Errorf("notice of restoring %+v", ms[0])
		}
		f.lastAudit("idea.restore")
	})
}

func TestModerationOfAnotherCampaignsIdea(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		author := f.person("auteur@exemple.fr", "", access.Citizen)
		i, err := idea.Submit(f.ctx, f.env(inPhase), change.By(author), idea.SubmitInput{Campaign: f.camp, Form: form()})
		if err != nil {
			t.Fatal(err)
		}
		other := f.camp.Clone()
		other.ID, other.Slug = 0, "autre-campagne"
		if err := campaign.Insert(f.ctx, d, other, inPhase); err != nil {
			t.Fatal(err)
		}
		agent := f.person("agent@exemple.fr", "", access.Agent)
		f.refuse([]dbtest.Refusal{
			{Name: "hide through the other campaign", Run: func() error {
				return idea.Hide(f.ctx, f.env(inPhase), change.By(agent), idea.HideInput{Campaign: other, ID: i.ID, Reason: "Non."})
			}, Kind: apperr.NotFound, Key: "idea.error.not_found"},
			{Name: "restore through the other campaign", Run: func() error {
				return idea.Restore(f.ctx, f.env(inPhase), change.By(agent), idea.RestoreInput{Campaign: other, ID: i.ID})
			}, Kind: apperr.NotFound, Key: "idea.error.not_found"},
		})
	})
}

// An address typed by a visitor and never confirmed gets nothing but the confirmation link:
// not the moderator's notice either, which would carry the text deposited under it.
func TestModerationNoticeNeedsAConfirmedAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		agent := f.person("agent@exemple.fr", "", access.Agent)
		in := idea.SubmitInput{Campaign: f.camp, Form: form(), Lang: i18n.FR}
		in.Form.Email = "tiers@exemple.fr"
		i, err := idea.Submit(f.ctx, f.env(inPhase), change.By(access.Visitor), in)
		if err != nil {
			t.Fatal(err)
		}
		if err := idea.Hide(f.ctx, f.env(afterPhase), change.By(agent), idea.HideInput{Campaign: f.camp, ID: i.ID, Reason: "Publicité."}); err != nil {
			t.Fatal(err)
		}
		ms := f.mails("tiers@exemple.fr")
		if len(ms) != 1 || !strings.Contains(ms[0].Body, account.VerifyPath+"?jeton=") {
			t.Errorf("e-mails to an address not confirmed: %+v", ms)
		}
	})
}
