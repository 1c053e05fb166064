package audit_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

// looksLikeAddress is the test's own idea of an e-mail address, independent of the
// package's, so that the two do not share a blind spot.
var looksLikeAddress = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)

const contact = "budget@mairie-exemple.fr"

// oldEntries are entries as the code before migration 0017 wrote them: the signed-in actor
// named by address, addresses in the states (an account created, a committee member added),
// a campaign with its contact address and an address in its description.
func oldEntries() []audit.Entry {
	one, two := int64(1), int64(2)
	return []audit.Entry{
		{Actor: "cli", Action: "campaign.archive", EntityKind: "campaign", EntityID: "1", After: `{"archived":true}`},
		{Actor: "visitor", Action: "account.register", EntityKind: "account", EntityID: "1",
			After: `{"email":"marie.dupont@exemple.fr","role":"citizen"}`},
		{ActorID: &one, Actor: "marie.dupont@exemple.fr", Action: "idea.deposit", EntityKind: "idea", EntityID: "7",
			After: `{"title":"Un banc","author_id":1}`},
		{Actor: "cli", Action: "campaign.create", EntityKind: "campaign", EntityID: "1",
			After: `{"Slug":"budget-2027","ContactEmail":"` + contact + `","Description":"Écrire à Jean.Martin@exemple.fr <ou> au 03"}`},
		{ActorID: &two, Actor: "admin@exemple.fr", Action: "review.member_add", EntityKind: "account", EntityID: "3",
			Before: `{"ContactEmail":"not.kept@exemple.fr"}`,
			After:  `{"email":"Zoe+comite@Exemple.FR","kind":"ess","n":1.50,"x":[null,true,"b@c.fr"],"y@z.fr":{"a":"ok"}}`},
		{ActorID: &two, Actor: "admin@exemple.fr", Action: "account.disable", EntityKind: "account", EntityID: "3",
			Before: `{"disabled":false}`, After: `{"disabled":true}`},
	}
}

// atVersion16 returns a database just before the migration 0017, with the old entries.
func atVersion16(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	if _, err := d.MigrateTo(ctx, 16); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.UTC)
	for i, e := range oldEntries() {
		e.At = at.Add(time.Duration(i) * time.Minute)
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := audit.Append(ctx, d, tx, e)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if rep := verify(t, d); !rep.OK() || rep.Entries != len(oldEntries()) {
		t.Fatalf("old log: %+v", rep)
	}
}

func all(t *testing.T, d *db.DB) []audit.Entry {
	t.Helper()
	es, err := audit.List(context.Background(), d, audit.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
		es[i], es[j] = es[j], es[i]
	}
	return es
}

func addresses(e audit.Entry) []string {
	var out []string
	for _, s := range []string{e.Actor, e.Before, e.After} {
		for _, a := range looksLikeAddress.FindAllString(s, -1) {
			if a != contact {
				out = append(out, a)
			}
		}
	}
	return out
}

func TestMigrationRedactsTheLog(t *testing.T) {
	dbtest.EachEmpty(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		atVersion16(t, d)
		before := all(t, d)
		if n, err := d.Migrate(ctx); err != nil || n < 1 {
			t.Fatalf("migrate: %d, %v", n, err)
		}
		if v, _ := d.Version(ctx); v < 17 {
			t.Fatalf("version %d after migrating", v)
		}
		rep := verify(t, d)
		if !rep.OK() {
			t.Fatalf("the rewritten chain does not verify: %+v", rep)
		}
		after := all(t, d)
		if len(after) != len(before)+1 {
			t.Fatalf("%d entries after, %d before: want one more", len(after), len(before))
		}
		for _, e := range after {
			if a := addresses(e); len(a) > 0 {
				t.Errorf("entry %d (%s) still holds %q", e.ID, e.Action, a)
			}
		}
		// What each entry became.
		want := []struct{ actor, before, after string }{
			{"cli", "null", `{"archived":true}`},
			{"visitor", "null", `{"email":"[redacted]","role":"citizen"}`},
			{"account", "null", `{"title":"Un banc","author_id":1}`},
			{"cli", "null", `{"Slug":"budget-2027","ContactEmail":"` + contact + `","Description":"Écrire à [redacted] \u003cou\u003e au 03"}`},
			{"account", `{"ContactEmail":"[redacted]"}`,
				`{"email":"[redacted]","kind":"ess","n":1.50,"x":[null,true,"[redacted]"],"[redacted]":{"a":"ok"}}`},
			{"account", `{"disabled":false}`, `{"disabled":true}`},
		}
		for i, w := range want {
			e := after[i]
			if e.Actor != w.actor || e.Before != w.before || e.After != w.after {
				t.Errorf("entry %d:\n got %s %s %s\nwant %s %s %s", e.ID, e.Actor, e.Before, e.After, w.actor, w.before, w.after)
			}
			if e.ID != before[i].ID || !e.At.Equal(before[i].At) || e.Action != before[i].Action ||
				(e.ActorID == nil) != (before[i].ActorID == nil) {
				t.Errorf("entry %d: id, time, action or actor id changed: %+v, was %+v", e.ID, e, before[i])
			}
		}
		if after[0].Hash != before[0].Hash {
			t.Error("the first entry had nothing to rewrite, yet its hash changed")
		}
		if after[1].Hash == before[1].Hash || after[5].Hash == before[5].Hash {
			t.Error("the rewritten entries, and those after them, must be re-chained")
		}
		// The record of the rewrite.
		r := after[len(after)-1]
		var got struct {
			Entries, Rewritten int
			PreviousHead       string `json:"previous_head"`
			PreviousProblems   []any  `json:"previous_problems"`
		}
		if err := json.Unmarshal([]byte(r.After), &got); err != nil {
			t.Fatal(err)
		}
		if r.Action != audit.ActionRedact || r.Actor != "system" || r.ActorID != nil || got.Entries != 6 ||
			got.Rewritten != 5 || got.PreviousHead != before[len(before)-1].Hash || got.PreviousProblems == nil || len(got.PreviousProblems) != 0 {
			t.Errorf("redact entry %+v: %s", r, r.After)
		}
		// Migrating again does nothing.
		if n, err := d.Migrate(ctx); err != nil || n != 0 {
			t.Fatalf("second migrate: %d, %v", n, err)
		}
		if n := len(all(t, d)); n != len(after) {
			t.Errorf("%d entries after a second migrate, want %d", n, len(after))
		}
	})
}

// A new database has no entry: the migration writes none either.
func TestMigrationOnEmptyLog(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if rep := verify(t, d); rep.Entries != 0 || !rep.OK() {
			t.Fatalf("a new database's log: %+v", rep)
		}
	})
}

// A log tampered with before the migration: re-chaining would hide it, so the record of the
// rewrite keeps what the old chain's check found.
func TestMigrationRecordsAnEarlierTampering(t *testing.T) {
	dbtest.EachEmpty(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		atVersion16(t, d)
		if _, err := d.ExecContext(ctx, `UPDATE audit_log SET after_json = '{"archived":false}' WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		es := all(t, d)
		r := es[len(es)-1]
		if r.Action != audit.ActionRedact || !strings.Contains(r.After, `"previous_problems":[{"entry":1,"what":"content does not match its hash`) {
			t.Errorf("redact entry does not record the earlier tampering: %s", r.After)
		}
	})
}

// The rewrite runs in the migration's transaction: when it fails at its very end (here the
// record of the rewrite is refused by a trigger), the old chain is left whole and the
// version is not recorded, on both databases.
func TestMigrationIsAtomic(t *testing.T) {
	refuse := map[db.Dialect][]string{
		db.SQLite: {`CREATE TRIGGER refuse_redact BEFORE INSERT ON audit_log WHEN NEW.action = 'audit.redact'
			BEGIN SELECT RAISE(ABORT, 'refused for the test'); END`},
		db.Postgres: {`CREATE FUNCTION refuse_redact() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'refused for the test'; END $$`,
			`CREATE TRIGGER refuse_redact BEFORE INSERT ON audit_log FOR EACH ROW
			WHEN (NEW.action = 'audit.redact') EXECUTE FUNCTION refuse_redact()`},
	}
	dbtest.EachEmpty(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		atVersion16(t, d)
		before := all(t, d)
		for _, q := range refuse[d.Dialect] {
			if _, err := d.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.Migrate(ctx); err == nil || !strings.Contains(err.Error(), "refused for the test") {
			t.Fatalf("migrate: %v, want the trigger's refusal", err)
		}
		if v, _ := d.Version(ctx); v != 16 {
			t.Errorf("version %d after a failed migration, want 16", v)
		}
		if rep := verify(t, d); !rep.OK() {
			t.Errorf("old chain broken by a failed migration: %+v", rep)
		}
		got := all(t, d)
		if len(got) != len(before) {
			t.Fatalf("%d entries, want %d", len(got), len(before))
		}
		for i := range got {
			if got[i] != before[i] && (got[i].Hash != before[i].Hash || got[i].Actor != before[i].Actor || got[i].After != before[i].After) {
				t.Errorf("entry %d changed by a failed migration", got[i].ID)
			}
		}
	})
}
