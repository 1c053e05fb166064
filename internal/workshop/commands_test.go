package workshop_test

import (
	"context"
	"strconv"
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
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/territory"
	"budgetcitoyen/internal/workshop"
)

// During the comptoirs phase of the 2018 preset (1 March – 22 June 2018), and after it.
var (
	inPhase    = time.Date(2018, 3, 10, 9, 0, 0, 0, time.UTC)
	afterPhase = time.Date(2018, 7, 1, 9, 0, 0, 0, time.UTC)
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

// cmdFixture is a database with the 2018 campaign, an agent, an animator of the campaign,
// a citizen, and the environment of the commands.
type cmdFixture struct {
	t                        *testing.T
	ctx                      context.Context
	d                        *db.DB
	sh                       *shared
	camp                     *campaign.Campaign
	agent, animator, citizen access.Actor
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
	f := &cmdFixture{t: t, ctx: context.Background(), d: d, sh: sh, camp: c}
	f.agent = f.person("agent@exemple.fr", access.Grant{Role: access.Agent})
	f.animator = f.person("animateur@exemple.fr", access.Grant{Role: access.Animator, CampaignID: &c.ID})
	f.citizen = f.person("camille@exemple.fr", access.Grant{Role: access.Citizen})
	return f
}

// env is the environment of the commands at now, writing e-mails.
func (f *cmdFixture) env(now time.Time) workshop.Env {
	return workshop.Env{Change: change.Env{DB: f.d, Now: func() time.Time { return now }},
		Mail: workshop.Mailer{Cat: f.sh.cat, Territory: f.sh.terr, BaseURL: "https://budget.example.org"}, Territory: f.sh.terr}
}

// person creates an account (without password) with grants and returns its actor.
func (f *cmdFixture) person(email string, grants ...access.Grant) access.Actor {
	f.t.Helper()
	a, err := account.Create(f.ctx, f.d, email, "Personne "+email, inPhase)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := account.MarkVerified(f.ctx, f.d, a.ID, inPhase); err != nil {
		f.t.Fatal(err)
	}
	for _, g := range grants {
		if err := account.GrantRole(f.ctx, f.d, a.ID, g.Role, g.CampaignID, inPhase); err != nil {
			f.t.Fatal(err)
		}
	}
	if a, err = account.ByID(f.ctx, f.d, a.ID); err != nil {
		f.t.Fatal(err)
	}
	return access.ActorFor(a)
}

// form is a valid session in Arras on 20 March 2018, 14:00–17:00 Paris time.
func form(capacity int) workshop.Form {
	return workshop.Form{Title: "Comptoir d'Arras", Topics: []string{string(workshop.TopicPitch)}, Host: "Maison des associations",
		Address: "2 rue de la Paix", Commune: "62041", Start: "2018-03-20T14:00", End: "2018-03-20T17:00",
		Capacity: strconv.Itoa(capacity)}
}

// session creates a session through the command, as the agent.
func (f *cmdFixture) session(fm workshop.Form) *workshop.Session {
	f.t.Helper()
	s, err := workshop.CreateSession(f.ctx, f.env(inPhase), change.By(f.agent), workshop.SessionInput{Campaign: f.camp, Form: fm})
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

// join registers who to s, which must succeed, and returns the status.
func (f *cmdFixture) join(who access.Actor, s *workshop.Session) workshop.Status {
	f.t.Helper()
	reg, err := workshop.Join(f.ctx, f.env(inPhase), change.By(who), workshop.PersonInput{Campaign: f.camp, SessionID: s.ID})
	if err != nil {
		f.t.Fatal(err)
	}
	return reg.Status
}

// snapshot is everything a command may write: the audit log, the outbox, the sessions,
// their animators and registrations. A refused command leaves it as it was.
func (f *cmdFixture) snapshot() string {
	f.t.Helper()
	return dbtest.Snapshot(f.t, f.d,
		"SELECT CAST(COUNT(*) AS TEXT) FROM audit_log",
		"SELECT to_addr || ' ' || subject FROM outbox ORDER BY id",
		`SELECT CAST(id AS TEXT) || ' ' || title || ' ' || CAST(capacity AS TEXT) || ' ' ||
			COALESCE(CAST(cancelled_at AS TEXT), '-') FROM workshop_sessions ORDER BY id`,
		"SELECT CAST(session_id AS TEXT) || ' ' || CAST(account_id AS TEXT) FROM workshop_animators ORDER BY session_id, account_id",
		`SELECT CAST(session_id AS TEXT) || ' ' || CAST(account_id AS TEXT) || ' ' || status || ' ' || attendance
			FROM workshop_registrations ORDER BY id`,
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

// mails returns the e-mails queued for the actor, newest first; no subject may carry the
// session's title (text typed on the site).
func (f *cmdFixture) mails(who access.Actor) []mail.Message {
	f.t.Helper()
	ms, err := mail.Sent(f.ctx, f.d, who.Account.Email)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, m := range ms {
		if strings.Contains(m.Subject, "Arras") {
			f.t.Errorf("subject %q carries the session's title", m.Subject)
		}
	}
	return ms
}

func TestCreateAndEditSession(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		fm := form(1)
		fm.Animators = []string{strconv.FormatInt(f.animator.ID(), 10)}
		s := f.session(fm)
		got, err := workshop.InCampaign(f.ctx, d, f.camp.ID, s.ID)
		if err != nil || got.Title != "Comptoir d'Arras" || got.Capacity != 1 || !got.HasAnimator(f.animator.ID()) ||
			got.StartsAt != time.Date(2018, 3, 20, 13, 0, 0, 0, time.UTC) || !got.CreatedAt.Equal(inPhase) {
			t.Fatalf("created %+v, %v", got, err)
		}
		if e := f.lastAudit("workshop.create"); e.Actor != "account" || e.EntityID != strconv.FormatInt(s.ID, 10) {
			t.Errorf("audit entry %+v", e)
		}

		// One seat: the second person waits, and moves up when the capacity grows.
		second := f.person("dominique@exemple.fr")
		if f.join(f.citizen, s) != workshop.Registered || f.join(second, s) != workshop.Waiting {
			t.Fatal("the second person of a one-seat session is not on the waiting list")
		}
		fm.Capacity, fm.Title = "2", "Comptoir d'Arras : pitcher son idée"
		edited, err := workshop.EditSession(f.ctx, f.env(inPhase), change.By(f.agent),
			workshop.SessionInput{Campaign: f.camp, ID: s.ID, Form: fm})
		if err != nil {
			t.Fatal(err)
		}
		if edited.Title != fm.Title || edited.Capacity != 2 || edited.Registered != 2 || edited.Waiting != 0 {
			t.Errorf("edited %+v", edited)
		}
		if ms := f.mails(second); len(ms) != 2 || !strings.HasPrefix(ms[0].Subject, "Une place s'est libérée : comptoir du mardi 20 mars 2018") {
			t.Errorf("e-mails of the person moved up %+v", ms)
		}
		if e := f.lastAudit("workshop.update"); !strings.Contains(e.Before, `"Capacity":1`) || !strings.Contains(e.After, `"Capacity":2`) {
			t.Errorf("audit entry %+v", e)
		}

		edit := func(who access.Actor, id int64, change func(*workshop.Form)) func() error {
			return func() error {
				fm := form(2)
				change(&fm)
				_, err := workshop.EditSession(f.ctx, f.env(inPhase), changeBy(who), workshop.SessionInput{Campaign: f.camp, ID: id, Form: fm})
				return err
			}
		}
		create := func(who access.Actor, change func(*workshop.Form)) func() error {
			return func() error {
				fm := form(10)
				change(&fm)
				_, err := workshop.CreateSession(f.ctx, f.env(inPhase), changeBy(who), workshop.SessionInput{Campaign: f.camp, Form: fm})
				return err
			}
		}
		same := func(*workshop.Form) {}
		f.refuse([]dbtest.Refusal{
			{Name: "create by a citizen", Run: create(f.citizen, same), Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "create by an animator", Run: create(f.animator, same), Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "create by a visitor", Run: create(access.Visitor, same), Kind: apperr.Unauthenticated, Key: "error.unauthenticated"},
			{Name: "create without title", Run: create(f.agent, func(fm *workshop.Form) { fm.Title = " " }),
				Kind: apperr.Invalid, Field: "title", Key: "workshop.error.title_required"},
			{Name: "create outside the territory", Run: create(f.agent, func(fm *workshop.Form) { fm.Commune = "59350" }),
				Kind: apperr.Invalid, Field: "commune", Key: "workshop.error.commune_outside"},
			{Name: "create with an animator who is not one", Run: create(f.agent, func(fm *workshop.Form) {
				fm.Animators = []string{strconv.FormatInt(f.citizen.ID(), 10)}
			}), Kind: apperr.Invalid, Field: "animators", Key: "workshop.error.animator_unknown"},
			{Name: "edit below the seats taken", Run: edit(f.agent, s.ID, func(fm *workshop.Form) { fm.Capacity = "1" }),
				Kind: apperr.Invalid, Field: "capacity", Key: "workshop.error.capacity_below_registered"},
			{Name: "edit by a citizen", Run: edit(f.citizen, s.ID, same), Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "edit an unknown session", Run: edit(f.agent, 9999, same), Kind: apperr.NotFound, Key: "workshop.error.not_found"},
		})
	})
}

// changeBy is change.By, for closures whose parameter shadows the package name.
func changeBy(a access.Actor) change.Who { return change.By(a) }

func TestCancelSession(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		s := f.session(form(5))
		f.join(f.citizen, s)
		cancel := func(who access.Actor) func() error {
			return func() error {
				return workshop.CancelSession(f.ctx, f.env(inPhase), change.By(who), workshop.SessionRef{Campaign: f.camp, ID: s.ID})
			}
		}
		f.refuse([]dbtest.Refusal{
			{Name: "cancel by a citizen", Run: cancel(f.citizen), Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "cancel by an animator", Run: cancel(f.animator), Kind: apperr.Forbidden, Key: "error.forbidden"},
		})
		if err := cancel(f.agent)(); err != nil {
			t.Fatal(err)
		}
		if got, _ := workshop.ByID(f.ctx, d, s.ID); !got.Cancelled() {
			t.Errorf("session %+v not cancelled", got)
		}
		if ms := f.mails(f.citizen); len(ms) != 2 || !strings.HasPrefix(ms[0].Subject, "Séance annulée : comptoir du mardi 20 mars 2018") {
			t.Errorf("e-mails %+v", ms)
		}
		if e := f.lastAudit("workshop.cancel"); !strings.Contains(e.After, `"told":1`) {
			t.Errorf("audit entry %+v", e)
		}
		f.refuse([]dbtest.Refusal{
			{Name: "cancel twice", Run: cancel(f.agent), Kind: apperr.Conflict, Key: "workshop.error.cancelled"},
			{Name: "edit a cancelled session", Run: func() error {
				_, err := workshop.EditSession(f.ctx, f.env(inPhase), change.By(f.agent), workshop.SessionInput{Campaign: f.camp, ID: s.ID, Form: form(5)})
				return err
			}, Kind: apperr.Conflict, Key: "workshop.error.cancelled"},
			{Name: "join a cancelled session", Run: func() error {
				_, err := workshop.Join(f.ctx, f.env(inPhase), change.By(f.agent), workshop.PersonInput{Campaign: f.camp, SessionID: s.ID})
				return err
			}, Kind: apperr.Conflict, Key: "workshop.error.cancelled"},
		})
	})
}

func TestJoinAndLeave(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		s := f.session(form(1))
		second := f.person("dominique@exemple.fr")
		third := f.person("sacha@exemple.fr")

		if f.join(f.citizen, s) != workshop.Registered {
			t.Fatal("the first person has no seat")
		}
		if ms := f.mails(f.citizen); len(ms) != 1 || !strings.HasPrefix(ms[0].Subject, "Inscription confirmée : comptoir du mardi 20 mars 2018") ||
			!strings.Contains(ms[0].Body, "Comptoir d'Arras") {
			t.Errorf("e-mails %+v", ms)
		}
		if e := f.lastAudit("workshop.register"); e.Actor != "account" || !strings.Contains(e.After, `"status":"registered"`) {
			t.Errorf("audit entry %+v", e)
		}
		if f.join(second, s) != workshop.Waiting {
			t.Fatal("a full session gave a seat")
		}
		if ms := f.mails(second); len(ms) != 1 || !strings.HasPrefix(ms[0].Subject, "Liste d'attente") {
			t.Errorf("e-mails %+v", ms)
		}

		join := func(who access.Actor, at time.Time, accountID, sessionID int64) func() error {
			return func() error {
				_, err := workshop.Join(f.ctx, f.env(at), change.By(who), workshop.PersonInput{Campaign: f.camp, SessionID: sessionID, AccountID: accountID})
				return err
			}
		}
		leave := func(who access.Actor, accountID int64) func() error {
			return func() error {
				return workshop.Leave(f.ctx, f.env(inPhase), change.By(who), workshop.PersonInput{Campaign: f.camp, SessionID: s.ID, AccountID: accountID})
			}
		}
		ended := time.Date(2018, 3, 20, 16, 0, 0, 0, time.UTC)
		f.refuse([]dbtest.Refusal{
			{Name: "join twice", Run: join(f.citizen, inPhase, 0, s.ID), Kind: apperr.Conflict, Key: "workshop.error.already_registered"},
			{Name: "join twice, from the waiting list", Run: join(second, inPhase, 0, s.ID), Kind: apperr.Conflict, Key: "workshop.error.already_registered"},
			{Name: "join after the phase", Run: join(third, afterPhase, 0, s.ID), Kind: apperr.Conflict, Key: "change.phase_closed"},
			{Name: "join an ended session", Run: join(third, ended, 0, s.ID), Kind: apperr.Conflict, Key: "workshop.error.ended"},
			{Name: "join as a visitor", Run: join(access.Visitor, inPhase, 0, s.ID), Kind: apperr.Unauthenticated, Key: "error.unauthenticated"},
			{Name: "join for someone else", Run: join(f.citizen, inPhase, third.ID(), s.ID), Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "join an unknown session", Run: join(third, inPhase, 0, 9999), Kind: apperr.NotFound, Key: "workshop.error.not_found"},
			{Name: "leave for someone else", Run: leave(third, f.citizen.ID()), Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "leave without being registered", Run: leave(third, 0), Kind: apperr.Conflict, Key: "workshop.error.not_registered"},
			{Name: "leave as a visitor", Run: leave(access.Visitor, 0), Kind: apperr.Unauthenticated, Key: "error.unauthenticated"},
		})

		// The seat freed goes to the first person waiting, who is told.
		if err := leave(f.citizen, 0)(); err != nil {
			t.Fatal(err)
		}
		if reg, _ := workshop.RegistrationOf(f.ctx, d, s.ID, second.ID()); reg == nil || reg.Status != workshop.Registered {
			t.Errorf("registration of the person waiting %+v", reg)
		}
		if reg, _ := workshop.RegistrationOf(f.ctx, d, s.ID, f.citizen.ID()); reg != nil {
			t.Errorf("registration left %+v", reg)
		}
		if ms := f.mails(second); len(ms) != 2 || !strings.HasPrefix(ms[0].Subject, "Une place s'est libérée") {
			t.Errorf("e-mails %+v", ms)
		}
		if e := f.lastAudit("workshop.unregister"); !strings.Contains(e.After, `"moved_up":[`+strconv.FormatInt(second.ID(), 10)+`]`) {
			t.Errorf("audit entry %+v", e)
		}

		// The platform names the person it registers; a zero Mailer writes no e-mail.
		env := f.env(inPhase)
		env.Mail = workshop.Mailer{}
		reg, err := workshop.Join(f.ctx, env, change.System("demo"), workshop.PersonInput{Campaign: f.camp, SessionID: s.ID, AccountID: third.ID()})
		if err != nil || reg.AccountID != third.ID() || reg.Status != workshop.Waiting {
			t.Errorf("registration by the platform %+v, %v", reg, err)
		}
		if ms := f.mails(third); len(ms) != 0 {
			t.Errorf("a zero Mailer queued %+v", ms)
		}
		if _, err := workshop.Join(f.ctx, env, change.System("demo"), workshop.PersonInput{Campaign: f.camp, SessionID: s.ID}); err == nil {
			t.Error("the platform registered nobody in particular")
		}
	})
}

func TestRecordAttendance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		s := f.session(form(1))
		waiting := f.person("dominique@exemple.fr")
		f.join(f.citizen, s)
		f.join(waiting, s)
		at := time.Date(2018, 3, 20, 14, 0, 0, 0, time.UTC)
		record := func(who access.Actor, marks map[int64]workshop.Attendance) func() error {
			return func() error {
				return workshop.RecordAttendance(f.ctx, f.env(at), change.By(who),
					workshop.AttendanceInput{Campaign: f.camp, SessionID: s.ID, Marks: marks})
			}
		}
		present := map[int64]workshop.Attendance{f.citizen.ID(): workshop.Present}
		f.refuse([]dbtest.Refusal{
			{Name: "marked by a citizen", Run: record(f.citizen, present), Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "marked by a visitor", Run: record(access.Visitor, present), Kind: apperr.Unauthenticated, Key: "error.unauthenticated"},
			{Name: "an unknown mark", Run: record(f.animator, map[int64]workshop.Attendance{f.citizen.ID(): "late"}),
				Kind: apperr.Invalid, Key: "workshop.error.attendance_invalid"},
			{Name: "marked before the session starts", Run: func() error {
				return workshop.RecordAttendance(f.ctx, f.env(s.StartsAt.Add(-time.Minute)), change.By(f.animator),
					workshop.AttendanceInput{Campaign: f.camp, SessionID: s.ID, Marks: present})
			}, Kind: apperr.Conflict, Key: "workshop.error.attendance_before_start"},
		})
		// Clearing marks before the start is no attendance: allowed.
		if err := workshop.RecordAttendance(f.ctx, f.env(s.StartsAt.Add(-time.Hour)), change.By(f.animator),
			workshop.AttendanceInput{Campaign: f.camp, SessionID: s.ID, Marks: map[int64]workshop.Attendance{f.citizen.ID(): workshop.Unmarked}}); err != nil {
			t.Errorf("clearing before the start: %v", err)
		}
		// The person waiting has no seat: their mark is ignored.
		if err := record(f.animator, map[int64]workshop.Attendance{f.citizen.ID(): workshop.Present, waiting.ID(): workshop.Present})(); err != nil {
			t.Fatal(err)
		}
		if ok, _ := workshop.Attended(f.ctx, d, f.camp.ID, f.citizen.ID()); !ok {
			t.Error("the person marked present did not attend")
		}
		if ok, _ := workshop.Attended(f.ctx, d, f.camp.ID, waiting.ID()); ok {
			t.Error("a person without a seat was marked present")
		}
		if e := f.lastAudit("workshop.attendance"); e.Actor != "account" ||
			e.After != `{"`+strconv.FormatInt(f.citizen.ID(), 10)+`":"present"}` {
			t.Errorf("audit entry %+v", e)
		}
		// An agent may mark too, and clear a mark.
		if err := record(f.agent, map[int64]workshop.Attendance{f.citizen.ID(): workshop.Unmarked})(); err != nil {
			t.Fatal(err)
		}
		if ok, _ := workshop.Attended(f.ctx, d, f.camp.ID, f.citizen.ID()); ok {
			t.Error("the mark was not cleared")
		}
	})
}
