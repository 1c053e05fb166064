package db

import (
	"context"
	"strings"
	"testing"
)

func TestStepOf(t *testing.T) {
	cases := []struct {
		name, body, want, err string
	}{
		{"none", "CREATE TABLE t (x INTEGER);\n-- a comment", "", ""},
		{"named", "-- Why.\n--   step: audit.redact  \nSELECT 1;", "audit.redact", ""},
		{"two", "-- step: a\n-- step: b", "", "more than one"},
		{"empty name", "-- step:   ", "", "without a name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := stepOf("0099_x.sql", tc.body)
			if got != tc.want || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
				t.Errorf("stepOf = %q, %v; want %q, error %q", got, err, tc.want, tc.err)
			}
		})
	}
}

// A migration whose step this program does not register fails, naming the step, before
// anything is recorded (runStep runs before the version's row is written).
func TestUnregisteredStepFails(t *testing.T) {
	err := runStep(context.Background(), nil, Migration{Name: "0099_x.sql", Step: "nobody.registers.this"})
	if err == nil || !strings.Contains(err.Error(), `needs the step "nobody.registers.this"`) {
		t.Fatalf("runStep = %v", err)
	}
}

// The embedded migration 0017 asks for the audit log's rewrite, 0030 for the search index's
// filling; no other migration has a step.
func TestMigration17NamesItsStep(t *testing.T) {
	for _, d := range []Dialect{SQLite, Postgres} {
		migs, err := Migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range migs {
			if want := map[int]string{17: "audit.redact", 30: "search.rebuild"}[m.Version]; m.Step != want {
				t.Errorf("%s: migration %s has step %q, want %q", d, m.Name, m.Step, want)
			}
		}
	}
}
