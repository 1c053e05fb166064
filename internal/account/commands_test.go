package account

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
)

// cmdFixture is a database with the environment of the commands, at t0.
type cmdFixture struct {
	t   *testing.T
	ctx context.Context
	d   *db.DB
	env Env
}

func newCmdFixture(t *testing.T, d *db.DB) *cmdFixture {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &cmdFixture{t: t, ctx: context.Background(), d: d, env: Env{
		Change:    change.Env{DB: d, Now: func() time.Time { return t0 }},
		Passwords: testParams,
		Mail:      Mailer{Cat: cat, BaseURL: "https://budget.example.org"},
	}}
}

// person creates an account with a password and grants, and returns its actor.
func (f *cmdFixture) person(email string, grants ...access.Grant) access.Actor {
	f.t.Helper()
	a := mustCreate(f.t, f.d, email, "lapin vert du jardin")
	for _, g := range grants {
		if err := GrantRole(f.ctx, f.d, a.ID, g.Role, g.CampaignID, t0); err != nil {
			f.t.Fatal(err)
		}
	}
	return f.actor(a.ID)
}

// actor reads the account as a request would find it.
func (f *cmdFixture) actor(id int64) access.Actor {
	f.t.Helper()
	a, err := ByID(f.ctx, f.d, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return access.ActorFor(a)
}

// disabled is the actor of the account, disabled.
func (f *cmdFixture) disabled(a access.Actor) access.Actor {
	f.t.Helper()
	if err := SetDisabled(f.ctx, f.d, a.ID(), true); err != nil {
		f.t.Fatal(err)
	}
	return f.actor(a.ID())
}

// snapshot is everything a command may write: the audit log, the outbox, the accounts, their
// roles, tokens and sessions. A refused command leaves it as it was.
func (f *cmdFixture) snapshot() string {
	f.t.Helper()
	return dbtest.Snapshot(f.t, f.d,
		"SELECT CAST(COUNT(*) AS TEXT) FROM audit_log",
		"SELECT to_addr || ' ' || subject FROM outbox ORDER BY id",
		`SELECT CAST(id AS TEXT) || ' ' || email || ' ' || password_hash || ' ' ||
			COALESCE(CAST(email_verified_at AS TEXT), '-') || ' ' || CAST(disabled AS TEXT) FROM accounts ORDER BY id`,
		`SELECT CAST(account_id AS TEXT) || ' ' || role || ' ' || COALESCE(CAST(campaign_id AS TEXT), '-')
			FROM account_roles ORDER BY account_id, role, campaign_id`,
		"SELECT token_hash || ' ' || COALESCE(CAST(used_at AS TEXT), '-') FROM account_tokens ORDER BY id",
		"SELECT token FROM sessions ORDER BY token",
	)
}

// refuse runs each refusal and checks its error and that it left no trace.
func (f *cmdFixture) refuse(cases []dbtest.Refusal) {
	f.t.Helper()
	dbtest.Refuse(f.t, f.snapshot, cases)
}

// unchanged runs a command that must succeed and change nothing (a request about an address
// without an account, say).
func (f *cmdFixture) unchanged(name string, run func() error) {
	f.t.Helper()
	before := f.snapshot()
	if err := run(); err != nil {
		f.t.Errorf("%s: %v", name, err)
	}
	if after := f.snapshot(); after != before {
		f.t.Errorf("%s: wrote something:\n%s\nwas\n%s", name, after, before)
	}
}

// lastAudit returns the newest audit entry, which must be of action.
func (f *cmdFixture) lastAudit(action string) audit.Entry {
	f.t.Helper()
	return dbtest.LastAudit(f.t, f.d, action)
}

// lastMail returns the newest e-mail queued for addr.
func (f *cmdFixture) lastMail(addr string) mail.Message {
	f.t.Helper()
	ms, err := mail.Sent(f.ctx, f.d, addr)
	if err != nil || len(ms) == 0 {
		f.t.Fatalf("e-mails to %s: %v, %d", addr, err, len(ms))
	}
	return ms[0]
}

var linkSecret = regexp.MustCompile(`\?jeton=([A-Za-z0-9_-]+)`)

// secretOf returns the token of the newest e-mail to addr, whose link opens path.
func (f *cmdFixture) secretOf(addr, path string) string {
	f.t.Helper()
	m := f.lastMail(addr)
	if !strings.Contains(m.Body, "https://budget.example.org"+path+"?jeton=") {
		f.t.Fatalf("e-mail to %s has no link to %s: %q", addr, path, m.Body)
	}
	return linkSecret.FindStringSubmatch(m.Body)[1]
}

// openSession gives the account a session, as signing in would.
func (f *cmdFixture) openSession(accountID int64, token string) {
	f.t.Helper()
	_, err := f.d.ExecContext(f.ctx, "INSERT INTO sessions (token, data, expiry, account_id) VALUES ($1, $2, $3, $4)",
		token, []byte{}, time.Now().Add(time.Hour).UTC(), accountID)
	if err != nil {
		f.t.Fatal(err)
	}
}

func TestRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		visitor := change.By(access.Visitor)
		a, err := Register(f.ctx, f.env, visitor, RegisterInput{Email: " Camille@Exemple.fr", Name: "Camille",
			Password: "lapin vert du jardin", Lang: i18n.EN})
		if err != nil {
			t.Fatal(err)
		}
		got, err := ByEmail(f.ctx, d, "camille@exemple.fr")
		if err != nil || got.ID != a.ID || got.Verified() || len(got.Roles) != 1 || got.Roles[0].Role != access.Citizen {
			t.Fatalf("registered %+v, %v", got, err)
		}
		if m := f.lastMail("camille@exemple.fr"); !strings.Contains(m.Subject, "Confirm") {
			t.Errorf("e-mail not in the page's language: %q", m.Subject)
		}
		f.secretOf("camille@exemple.fr", VerifyPath)
		if e := f.lastAudit("account.register"); e.Actor != "visitor" || e.EntityID != entityID(a.ID) {
			t.Errorf("audit entry %+v", e)
		}
		register := func(email, password string) func() error {
			return func() error {
				_, err := Register(f.ctx, f.env, visitor, RegisterInput{Email: email, Password: password, Lang: i18n.FR})
				return err
			}
		}
		f.refuse([]dbtest.Refusal{
			{Name: "not an address", Run: register("camille", "lapin vert du jardin"), Kind: apperr.Invalid, Field: "email", Key: "account.email_invalid"},
			{Name: "short password", Run: register("dominique@exemple.fr", "court"), Kind: apperr.Invalid, Field: "password", Key: "account.password_too_short"},
		})
	})
}

// Registering with an address that has an account answers as a new registration does,
// after the same work (one argon2 derivation, one e-mail), and tells the owner by e-mail.
func TestRegisterTakenAddressTellsNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		visitor := change.By(access.Visitor)
		owner := f.person("camille@exemple.fr")
		outbox := func() (n int) {
			if err := d.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM outbox").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, tt := range []struct {
			email string
			taken bool
		}{{"dominique@exemple.fr", false}, {" Camille@Exemple.fr", true}} {
			mails, runs := outbox(), derivations.Load()
			a, err := Register(f.ctx, f.env, visitor, RegisterInput{Email: tt.email, Name: "Quelqu'un",
				Password: "une autre phrase secrète", Lang: i18n.FR})
			if err != nil {
				t.Fatalf("%s: %v", tt.email, err)
			}
			if n := derivations.Load() - runs; n != 1 {
				t.Errorf("%s: %d argon2 derivations, want 1", tt.email, n)
			}
			if n := outbox() - mails; n != 1 {
				t.Errorf("%s: %d e-mails, want 1", tt.email, n)
			}
			if (a == nil) != tt.taken {
				t.Errorf("%s: account %+v", tt.email, a)
			}
		}
		m := f.lastMail("camille@exemple.fr")
		if !strings.Contains(m.Subject, "déjà un compte") || !strings.Contains(m.Body, "/connexion") ||
			!strings.Contains(m.Body, "/mot-de-passe-oublie") || strings.Contains(m.Body, "jeton") {
			t.Errorf("notice to the owner: %q\n%s", m.Subject, m.Body)
		}
		// The owner's account is unchanged: same password, no second account.
		var n int
		if err := d.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM accounts WHERE email = $1", "camille@exemple.fr").Scan(&n); err != nil || n != 1 {
			t.Errorf("%d accounts at the address (%v)", n, err)
		}
		if _, err := Authenticate(f.ctx, d, testParams, owner.Account.Email, "une autre phrase secrète", "", t0); !apperr.IsKind(err, apperr.Invalid) {
			t.Errorf("the new password works on the owner's account: %v", err)
		}
	})
}

// Signing in with an unknown address, a wrong password, a code-only account or an overlong
// password does the same work as with a known one: one argon2 derivation.
func TestAuthenticateSameWork(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		mustCreate(t, d, "camille@exemple.fr", goodPassword)
		mustCreate(t, d, "electeur@exemple.fr", "")
		long := strings.Repeat("x", 5*MaxPasswordLen)
		for i, tt := range []struct{ email, pw string }{
			{"camille@exemple.fr", "mauvais mot de passe"}, {"personne@exemple.fr", "mauvais mot de passe"},
			{"electeur@exemple.fr", "mauvais mot de passe"}, {"camille@exemple.fr", long}, {"personne@exemple.fr", long},
		} {
			runs := derivations.Load()
			_, err := Authenticate(ctx, d, testParams, tt.email, tt.pw, ipN(i), t0)
			wantAppErr(t, err, apperr.Invalid, "account.bad_credentials")
			if n := derivations.Load() - runs; n != 1 {
				t.Errorf("%s, password of %d bytes: %d argon2 derivations, want 1", tt.email, len(tt.pw), n)
			}
		}
	})
}

func TestVerify(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		visitor := change.By(access.Visitor)
		a, err := Register(f.ctx, f.env, visitor, RegisterInput{Email: "camille@exemple.fr", Password: "lapin vert du jardin"})
		if err != nil {
			t.Fatal(err)
		}
		secret := f.secretOf("camille@exemple.fr", VerifyPath)
		verify := func(token string) func() error {
			return func() error {
				id, err := Verify(f.ctx, f.env.Change, visitor, VerifyInput{Token: token})
				if err == nil && id != a.ID {
					t.Errorf("Verify gave account %d, want %d", id, a.ID)
				}
				return err
			}
		}
		f.refuse([]dbtest.Refusal{
			{Name: "unknown link", Run: verify("pas-un-jeton"), Kind: apperr.Invalid, Key: "account.token_invalid"},
			{Name: "empty link", Run: verify(""), Kind: apperr.Invalid, Key: "account.token_invalid"},
		})
		if err := verify(secret)(); err != nil {
			t.Fatal(err)
		}
		if got := f.actor(a.ID); !got.Account.Verified() {
			t.Error("not verified")
		}
		f.lastAudit("account.verify")
		f.refuse([]dbtest.Refusal{{Name: "used link", Run: verify(secret), Kind: apperr.Invalid, Key: "account.token_used"}})
	})
}

func TestResendVerification(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		camille := f.person("camille@exemple.fr")
		verified := f.person("dominique@exemple.fr")
		if err := MarkVerified(f.ctx, d, verified.ID(), t0); err != nil {
			t.Fatal(err)
		}
		resend := func(who access.Actor) func() error {
			return func() error {
				_, err := ResendVerification(f.ctx, f.env, change.By(who), ResendInput{Lang: i18n.FR})
				return err
			}
		}
		f.refuse([]dbtest.Refusal{
			{Name: "visitor", Run: resend(access.Visitor), Kind: apperr.Unauthenticated},
			{Name: "disabled account", Run: resend(f.disabled(f.person("eve@exemple.fr"))), Kind: apperr.Unauthenticated},
		})
		f.unchanged("verified already", func() error {
			sent, err := ResendVerification(f.ctx, f.env, change.By(verified), ResendInput{Lang: i18n.FR})
			if sent {
				t.Error("sent to a verified address")
			}
			return err
		})
		sent, err := ResendVerification(f.ctx, f.env, change.By(camille), ResendInput{Lang: i18n.FR})
		if err != nil || !sent {
			t.Fatalf("resend: %v, %v", sent, err)
		}
		secret := f.secretOf("camille@exemple.fr", VerifyPath)
		if e := f.lastAudit("account.verification_sent"); e.Actor != "account" {
			t.Errorf("audit entry %+v", e)
		}
		if _, err := Verify(f.ctx, f.env.Change, change.By(access.Visitor), VerifyInput{Token: secret}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRequestReset(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		visitor := change.By(access.Visitor)
		camille := f.person("camille@exemple.fr")
		f.disabled(f.person("eve@exemple.fr"))
		ask := func(email string) func() error {
			return func() error { return RequestReset(f.ctx, f.env, visitor, ResetRequest{Email: email, Lang: i18n.FR}) }
		}
		f.refuse([]dbtest.Refusal{{Name: "not an address", Run: ask("camille"), Kind: apperr.Invalid, Field: "email", Key: "account.email_invalid"}})
		f.unchanged("no account", ask("personne@exemple.fr"))
		f.unchanged("disabled account", ask("eve@exemple.fr"))
		if err := ask("Camille@exemple.fr ")(); err != nil {
			t.Fatal(err)
		}
		f.secretOf("camille@exemple.fr", ResetPath)
		if e := f.lastAudit("account.reset_requested"); e.EntityID != entityID(camille.ID()) || e.Actor != "visitor" {
			t.Errorf("audit entry %+v", e)
		}
	})
}

func TestResetPassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		visitor := change.By(access.Visitor)
		camille := f.person("camille@exemple.fr")
		f.openSession(camille.ID(), "session-camille-1")
		if err := RequestReset(f.ctx, f.env, visitor, ResetRequest{Email: "camille@exemple.fr"}); err != nil {
			t.Fatal(err)
		}
		secret := f.secretOf("camille@exemple.fr", ResetPath)
		reset := func(token, password string) func() error {
			return func() error {
				return ResetPassword(f.ctx, f.env, visitor, ResetInput{Token: token, Password: password})
			}
		}
		f.refuse([]dbtest.Refusal{
			// The link is not spent by a password refused.
			{Name: "short password", Run: reset(secret, "court"), Kind: apperr.Invalid, Field: "password", Key: "account.password_too_short"},
			{Name: "password is the address", Run: reset(secret, "camille@exemple.fr"), Kind: apperr.Invalid, Field: "password", Key: "account.password_is_email"},
			{Name: "unknown link", Run: reset("pas-un-jeton", "un nouveau mot de passe"), Kind: apperr.Invalid, Key: "account.token_invalid"},
		})
		if err := reset(secret, "un nouveau mot de passe")(); err != nil {
			t.Fatal(err)
		}
		if _, err := Authenticate(f.ctx, d, testParams, "camille@exemple.fr", "un nouveau mot de passe", "", t0); err != nil {
			t.Errorf("new password refused: %v", err)
		}
		if got := dbtest.Strings(t, d, "SELECT token FROM sessions"); len(got) != 0 {
			t.Errorf("sessions left open: %v", got)
		}
		f.lastAudit("account.password_reset")
		f.refuse([]dbtest.Refusal{{Name: "used link", Run: reset(secret, "encore un autre mot"), Kind: apperr.Invalid, Key: "account.token_used"}})
	})
}

func TestChangePassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		camille := f.person("camille@exemple.fr")
		f.openSession(camille.ID(), "session-camille-1")
		f.openSession(camille.ID(), "session-camille-2")
		change_ := func(who access.Actor, current, password string) func() error {
			return func() error {
				return ChangePassword(f.ctx, f.env, change.By(who), ChangePasswordInput{Current: current,
					Password: password, ClientIP: "192.0.2.1", KeepSession: "session-camille-1"})
			}
		}
		f.refuse([]dbtest.Refusal{
			{Name: "visitor", Run: change_(access.Visitor, "", "un nouveau mot de passe"), Kind: apperr.Unauthenticated},
			{Name: "disabled account", Run: change_(f.disabled(f.person("eve@exemple.fr")), "lapin vert du jardin", "un nouveau mot de passe"),
				Kind: apperr.Unauthenticated},
			{Name: "weak password", Run: change_(camille, "lapin vert du jardin", "azertyuiop"), Kind: apperr.Invalid, Field: "password", Key: "account.password_too_common"},
			{Name: "wrong current password", Run: change_(camille, "pas le bon", "un nouveau mot de passe"), Kind: apperr.Invalid,
				Field: "current_password", Key: "passwordchange.current_wrong"},
		})
		if err := change_(camille, "lapin vert du jardin", "un nouveau mot de passe")(); err != nil {
			t.Fatal(err)
		}
		if got := dbtest.Strings(t, d, "SELECT token FROM sessions"); len(got) != 1 || got[0] != "session-camille-1" {
			t.Errorf("sessions = %v, want only the one of the change", got)
		}
		if e := f.lastAudit("account.password_change"); !strings.Contains(e.After, `"other_sessions_ended":1`) {
			t.Errorf("audit entry %+v", e)
		}
		// An account without a password (it signs in with codes) chooses one without a current one.
		voter, err := Create(f.ctx, d, "electeur@exemple.fr", "", t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := change_(f.actor(voter.ID), "", "un premier mot de passe")(); err != nil {
			t.Fatal(err)
		}
		if e := f.lastAudit("account.password_change"); !strings.Contains(e.Before, `"has_password":false`) {
			t.Errorf("audit entry %+v", e)
		}
	})
}

func TestChangePasswordGuessesAreThrottled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		camille := f.person("camille@exemple.fr")
		guess := func(current string) error {
			return ChangePassword(f.ctx, f.env, change.By(camille), ChangePasswordInput{Current: current,
				Password: "un nouveau mot de passe", ClientIP: "192.0.2.1"})
		}
		for range MaxFailuresPerPair {
			if err := guess("pas le bon"); !apperr.IsKind(err, apperr.Invalid) {
				t.Fatalf("guess: %v", err)
			}
		}
		f.refuse([]dbtest.Refusal{{Name: "right password, too many guesses", Run: func() error { return guess("lapin vert du jardin") },
			Kind: apperr.Invalid, Field: "current_password", Key: "account.too_many_attempts"}})
	})
}

func TestSendLoginCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		visitor := change.By(access.Visitor)
		camille := f.person("camille@exemple.fr")
		f.disabled(f.person("eve@exemple.fr"))
		send := func(email string) (CodeSent, error) {
			return SendLoginCode(f.ctx, f.env, visitor, CodeRequest{Email: email, Lang: i18n.FR})
		}
		f.refuse([]dbtest.Refusal{{Name: "not an address", Run: func() error { _, err := send("camille"); return err },
			Kind: apperr.Invalid, Field: "email", Key: "account.email_invalid"}})
		for _, email := range []string{"personne@exemple.fr", "eve@exemple.fr"} {
			f.unchanged(email, func() error {
				res, err := send(email)
				if res.Throttled {
					t.Errorf("%s: throttled", email)
				}
				return err
			})
		}
		for i := range MaxCodesPerWindow {
			res, err := send("camille@exemple.fr")
			if err != nil || res.Throttled || res.AccountID != camille.ID() {
				t.Fatalf("code %d: %+v, %v", i, res, err)
			}
		}
		code := regexp.MustCompile(`\d{8}`).FindString(f.lastMail("camille@exemple.fr").Body)
		if e := f.lastAudit("account.login_code_sent"); e.EntityID != entityID(camille.ID()) {
			t.Errorf("audit entry %+v", e)
		}
		// The address had its MaxPerAddress e-mails of the hour: the sixth request is refused
		// (429) and writes nothing, as it would for an address without an account.
		f.unchanged("too many codes", func() error {
			res, err := send("camille@exemple.fr")
			if !res.Throttled {
				t.Error("not throttled")
			}
			if !apperr.IsKind(err, apperr.TooMany) {
				t.Errorf("too many codes: %v, want too_many", err)
			}
			return nil
		})
		// The codes already sent still work.
		if _, err := SignInWithCode(f.ctx, d, "camille@exemple.fr", code, "", t0); err != nil {
			t.Errorf("last code: %v", err)
		}
	})
}

// The answers to wrong sign-in codes are the same for an address with an account and for one
// without: without a code asked, after a code asked, and after a new one asked.
func TestCodeAnswersTellNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		f.person("camille@exemple.fr")
		answers := func(email, client string) string {
			var keys []string
			for range MaxCodeGuesses + 1 {
				_, err := SignInWithCode(f.ctx, d, email, "12345678", client, t0)
				ae, ok := apperr.As(err)
				if !ok {
					t.Fatalf("%s: %v", email, err)
				}
				keys = append(keys, ae.Message.Key)
			}
			return strings.Join(keys, " ")
		}
		ask := func(email string) {
			if _, err := SendLoginCode(f.ctx, f.env, change.By(access.Visitor), CodeRequest{Email: email, Lang: i18n.FR}); err != nil {
				t.Fatal(err)
			}
		}
		for i, step := range []struct {
			name string
			ask  bool
		}{{"no code asked", false}, {"a code asked", true}, {"a new code asked", true}} {
			if step.ask {
				ask("camille@exemple.fr")
				ask("personne@exemple.fr")
			}
			known := answers("camille@exemple.fr", ipN(2*i))
			unknown := answers("personne@exemple.fr", ipN(2*i+1))
			if known != unknown {
				t.Errorf("%s: with an account %q, without %q", step.name, known, unknown)
			}
			if !strings.HasSuffix(known, "guard.code_exhausted guard.code_exhausted") {
				t.Errorf("%s: answers %q", step.name, known)
			}
		}
	})
}
