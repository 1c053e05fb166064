package privacy_test

import (
	"context"
	"testing"
	"time"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/mydata"
	"budgetcitoyen/internal/privacy"
)

// testPasswords are cheap argon2 parameters for the demo's accounts.
var testPasswords = account.PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// count runs a COUNT(*) query.
func count(t *testing.T, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// leftovers are the queries that count the personal data a purge past every retention
// period must leave none of: what the personal-data page says goes.
var leftovers = map[string]string{
	"sessions":                  "SELECT COUNT(*) FROM sessions",
	"sign-in links":             "SELECT COUNT(*) FROM account_tokens",
	"sign-in failures":          "SELECT COUNT(*) FROM login_failures",
	"e-mail quota":              "SELECT COUNT(*) FROM mail_quota",
	"e-mails":                   "SELECT COUNT(*) FROM outbox",
	"unconfirmed addresses":     "SELECT COUNT(*) FROM accounts WHERE email_verified_at IS NULL AND email LIKE '%@%'",
	"invitation addresses":      "SELECT COUNT(*) FROM structure_invitations WHERE email <> ''",
	"voter register":            "SELECT COUNT(*) FROM vote_voters",
	"census list":               "SELECT COUNT(*) FROM vote_census",
	"participation hashes":      "SELECT COUNT(*) FROM vote_participation WHERE person_key NOT LIKE 'purged-%'",
	"unconfirmed subscriptions": "SELECT COUNT(*) FROM subscriptions WHERE confirmed_at IS NULL",
}

// The demo, purged at a date past every retention period, keeps none of the personal data
// the privacy page says goes; the participation count holds; a dry run before erases
// nothing and counts exactly what the purge erases; a second purge finds nothing and writes
// no audit entry; the audit chain holds.
func TestPurgeDemoPastEveryPeriod(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seeded := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
		if err := demo.Seed(ctx, d, seeded, testPasswords); err != nil {
			t.Fatal(err)
		}
		// What the demo does not make: a session, a failure, a quota row, a queued e-mail,
		// an expired sign-in link, an invitation that expired.
		fixtures := []struct {
			q    string
			args []any
		}{
			{"INSERT INTO sessions (token, data, expiry) VALUES ('tok', $1, $2)", []any{[]byte("x"), seeded.Add(time.Hour)}},
			{"INSERT INTO login_failures (throttle_key, failed_at) VALUES ('k', $1)", []any{seeded}},
			{"INSERT INTO mail_quota (at, kind, client) VALUES ($1, 'account', '127.0.0.9')", []any{seeded}},
			{"INSERT INTO outbox (created_at, to_addr, subject, body_text, next_attempt_at) VALUES ($1, 'x@example.org', 's', 'b', $1)", []any{seeded}},
			{`INSERT INTO structure_invitations (structure_id, email, token_hash, created_at, expires_at)
				SELECT MIN(id), 'invitee@example.org', 'h', $1, $2 FROM structures`, []any{seeded, seeded.AddDate(0, 0, 7)}},
			{`INSERT INTO vote_census (campaign_id, family_key, given_key, birth_date, commune)
				SELECT MIN(id), 'DUPONT', 'JEANNE', '2001-02-03', '62041' FROM campaigns`, nil},
			{"INSERT INTO account_tokens (token_hash, account_id, purpose, expires_at, created_at) SELECT 't', MIN(id), 'reset', $1, $1 FROM accounts", []any{seeded}},
			{`INSERT INTO subscriptions (campaign_id, kind, target_id, email, confirm_hash, unsubscribe_token, created_at, confirm_sent_at)
				SELECT MIN(id), 'project', 1, 'abonne@example.org', 'h', 'u', $1, $1 FROM campaigns`, []any{seeded}},
		}
		for _, f := range fixtures {
			if _, err := d.ExecContext(ctx, f.q, f.args...); err != nil {
				t.Fatalf("%s: %v", f.q, err)
			}
		}
		before := map[string]int{}
		for name, q := range leftovers {
			before[name] = count(t, d, q)
		}
		for _, name := range []string{"sessions", "sign-in links", "sign-in failures", "e-mail quota", "e-mails", "invitation addresses",
			"voter register", "census list", "participation hashes", "unconfirmed subscriptions"} {
			if before[name] == 0 {
				t.Fatalf("the fixture holds no %s: the test would prove nothing", name)
			}
		}
		var unconfirmed string // one of the demo's voters, who never confirmed their address
		if err := d.QueryRowContext(ctx, `SELECT MIN(email) FROM accounts WHERE email_verified_at IS NULL`).Scan(&unconfirmed); err != nil {
			t.Fatal(err)
		}
		turnout := count(t, d, "SELECT COUNT(*) FROM vote_participation")
		entries := count(t, d, "SELECT COUNT(*) FROM audit_log")

		later := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
		env := mydata.Env{Change: change.Env{DB: d, Now: func() time.Time { return later }}}
		dry, err := privacy.Purge(ctx, env, change.System("cli"), later, true)
		if err != nil {
			t.Fatal(err)
		}
		for name, q := range leftovers {
			if got := count(t, d, q); got != before[name] {
				t.Errorf("dry run changed %s: %d, was %d", name, got, before[name])
			}
		}
		rep, err := privacy.Purge(ctx, env, change.System("cli"), later, false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Sessions != dry.Sessions || rep.Outbox != dry.Outbox || rep.SignInFailures != dry.SignInFailures ||
			len(rep.Voters) != len(dry.Voters) || rep.Empty() {
			t.Errorf("purge %+v differs from its dry run %+v", rep, dry)
		}
		if rep.Sessions != int64(before["sessions"]) || rep.Outbox != int64(before["e-mails"]) {
			t.Errorf("report %+v does not count what went (before: %v)", rep, before)
		}
		var voters int64
		for _, n := range rep.Voters {
			voters += n
		}
		if voters != int64(before["voter register"]) {
			t.Errorf("voter rows erased %d, register held %d", voters, before["voter register"])
		}
		for name, q := range leftovers {
			if got := count(t, d, q); got != 0 {
				t.Errorf("after the purge %d row(s) of %s remain", got, name)
			}
		}
		if rep.UnverifiedAccounts != int64(before["unconfirmed addresses"]) {
			t.Errorf("%d unconfirmed accounts erased, there were %d", rep.UnverifiedAccounts, before["unconfirmed addresses"])
		}
		t.Run("no table holds an unconfirmed address", func(t *testing.T) {
			if where := dbtest.Holding(t, d, unconfirmed); len(where) > 0 {
				t.Errorf("%s is still in %v", unconfirmed, where)
			}
		})
		if got := count(t, d, "SELECT COUNT(*) FROM vote_participation"); got != turnout {
			t.Errorf("participation count %d after the purge, was %d", got, turnout)
		}
		if got := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'privacy.purge'"); got != 1 {
			t.Errorf("%d purge entries in the audit log, want 1", got)
		}
		again, err := privacy.Purge(ctx, env, change.System("cli"), later, false)
		if err != nil || !again.Empty() {
			t.Errorf("a second purge found %+v (%v)", again, err)
		}
		if got := count(t, d, "SELECT COUNT(*) FROM audit_log"); got != entries+1 {
			t.Errorf("audit log holds %d entries, want %d (one purge entry)", got, entries+1)
		}
		if v, err := audit.Verify(ctx, d); err != nil || !v.OK() {
			t.Errorf("audit chain after the purge: %v %+v", err, v)
		}
	})
}

// Within its retention period a campaign's voter register stays; a campaign whose agents
// chose a shorter period loses it at that date.
func TestPurgeVotersWaitsForTheCampaignsPeriod(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seeded := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
		if err := demo.Seed(ctx, d, seeded, testPasswords); err != nil {
			t.Fatal(err)
		}
		voteSlug := campaign.PresetPasDeCalais2018 // the demo's past edition has its voters
		var closed time.Time
		var campaignID int64
		if err := d.QueryRowContext(ctx, `SELECT p.ends_at, c.id FROM campaign_phases p JOIN campaigns c ON c.id = p.campaign_id
			WHERE c.slug = $1 AND p.phase = 'vote'`, voteSlug).Scan(&closed, &campaignID); err != nil {
			t.Fatal(err)
		}
		registered := count(t, d, "SELECT COUNT(*) FROM vote_voters WHERE campaign_id = $1", campaignID)
		if registered == 0 {
			t.Fatal("the demo's vote has no voter: the test would prove nothing")
		}
		at := closed.AddDate(0, 0, privacy.DefaultCampaign.VoterDays).Add(-time.Minute)
		env := mydata.Env{Change: change.Env{DB: d, Now: func() time.Time { return at }}}
		if _, err := privacy.Purge(ctx, env, change.System("worker"), at, false); err != nil {
			t.Fatal(err)
		}
		if got := count(t, d, "SELECT COUNT(*) FROM vote_voters WHERE campaign_id = $1", campaignID); got != registered {
			t.Fatalf("a minute before its period ran out the register holds %d rows, had %d", got, registered)
		}
		c, err := campaign.ByID(ctx, d, campaignID)
		if err != nil {
			t.Fatal(err)
		}
		short := privacy.Campaign{VoterDays: privacy.DefaultCampaign.VoterDays - 1}
		if err := privacy.ConfigureCampaign(ctx, env.Change, change.System("cli"), c, short); err != nil {
			t.Fatal(err)
		}
		rep, err := privacy.Purge(ctx, env, change.System("worker"), at, false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Voters[voteSlug] != int64(registered) {
			t.Errorf("purge report %+v, want %d voters of %s", rep, registered, voteSlug)
		}
		if got, _ := privacy.CampaignOf(ctx, d, campaignID); got != short {
			t.Errorf("the campaign's settings became %+v after the purge, want %+v", got, short)
		}
	})
}
