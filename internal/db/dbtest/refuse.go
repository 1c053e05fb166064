package dbtest

import (
	"context"
	"testing"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/db"
)

// Refusal is a command that must be refused with an apperr of Kind. With Field, that field
// must be in error and, with Key too, its message key must be Key; without Field, the error's
// message key must be Key when Key is set. Also, when set, checks what else the error must be
// and returns what is wrong with it ("" when nothing).
type Refusal struct {
	Name  string
	Run   func() error
	Kind  apperr.Kind
	Field string
	Key   string
	Also  func(err error) string
}

// Refuse runs each refusal, checks its error, and checks that snapshot (what the commands
// may write, see Snapshot) is the same after it as before: a refused command leaves no trace.
func Refuse(t testing.TB, snapshot func() string, cases []Refusal) {
	t.Helper()
	for _, tc := range cases {
		before := snapshot()
		err := tc.Run()
		ae, ok := apperr.As(err)
		switch {
		case !ok || ae.Kind != tc.Kind:
			t.Errorf("%s: err = %v, want kind %s", tc.Name, err, tc.Kind)
		case tc.Field != "" && !ae.Fields.Has(tc.Field):
			t.Errorf("%s: err = %v (fields %v), want an error on %s", tc.Name, err, ae.Fields, tc.Field)
		case tc.Field != "" && tc.Key != "" && ae.Fields[tc.Field].Key != tc.Key:
			t.Errorf("%s: err = %v (fields %v), want %s on %s", tc.Name, err, ae.Fields, tc.Key, tc.Field)
		case tc.Field == "" && tc.Key != "" && ae.Message.Key != tc.Key:
			t.Errorf("%s: err = %v, want %s", tc.Name, err, tc.Key)
		case tc.Also != nil:
			if msg := tc.Also(err); msg != "" {
				t.Errorf("%s: err = %v, %s", tc.Name, err, msg)
			}
		}
		if after := snapshot(); after != before {
			t.Errorf("%s: a refused command left traces:\n%s\nwas\n%s", tc.Name, after, before)
		}
	}
}

// LastAudit returns the newest entry of the audit log, which must be of action.
func LastAudit(t testing.TB, q db.Querier, action string) audit.Entry {
	t.Helper()
	entries, err := audit.List(context.Background(), q, audit.Filter{})
	if err != nil || len(entries) == 0 {
		t.Fatalf("audit log: %v, %d entries", err, len(entries))
	}
	if entries[0].Action != action {
		t.Fatalf("last audit entry %+v, want action %s", entries[0], action)
	}
	return entries[0]
}
