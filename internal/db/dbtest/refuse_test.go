package dbtest_test

import (
	"errors"
	"fmt"
	"testing"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db/dbtest"
)

// recorder is a testing.TB that keeps the errors reported instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestRefuse(t *testing.T) {
	fe := apperr.FieldErrors{}
	fe.Add("email", "account.email_taken")
	invalid := func() error { return fe.Err() }
	forbidden := func() error { return apperr.New(apperr.Forbidden, "error.forbidden") }
	state := "a"
	for _, tc := range []struct {
		c    dbtest.Refusal
		errs int
	}{
		{dbtest.Refusal{Name: "kind", Run: forbidden, Kind: apperr.Forbidden}, 0},
		{dbtest.Refusal{Name: "kind and key", Run: forbidden, Kind: apperr.Forbidden, Key: "error.forbidden"}, 0},
		{dbtest.Refusal{Name: "field", Run: invalid, Kind: apperr.Invalid, Field: "email"}, 0},
		{dbtest.Refusal{Name: "field and key", Run: invalid, Kind: apperr.Invalid, Field: "email", Key: "account.email_taken"}, 0},
		{dbtest.Refusal{Name: "no error", Run: func() error { return nil }, Kind: apperr.Forbidden}, 1},
		{dbtest.Refusal{Name: "not an apperr", Run: func() error { return errors.New("x") }, Kind: apperr.Forbidden}, 1},
		{dbtest.Refusal{Name: "other kind", Run: forbidden, Kind: apperr.Conflict}, 1},
		{dbtest.Refusal{Name: "other key", Run: forbidden, Kind: apperr.Forbidden, Key: "error.not_found"}, 1},
		{dbtest.Refusal{Name: "other field", Run: invalid, Kind: apperr.Invalid, Field: "name"}, 1},
		{dbtest.Refusal{Name: "other field key", Run: invalid, Kind: apperr.Invalid, Field: "email", Key: "account.email_invalid"}, 1},
		{dbtest.Refusal{Name: "also", Run: forbidden, Kind: apperr.Forbidden, Also: func(error) string { return "want more" }}, 1},
		{dbtest.Refusal{Name: "traces", Run: func() error { state += "b"; return forbidden() }, Kind: apperr.Forbidden}, 1},
	} {
		r := &recorder{TB: t}
		dbtest.Refuse(r, func() string { return state }, []dbtest.Refusal{tc.c})
		if len(r.errs) != tc.errs {
			t.Errorf("%s: errors %q, want %d", tc.c.Name, r.errs, tc.errs)
		}
	}
}
