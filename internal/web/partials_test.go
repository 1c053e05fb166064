package web

import (
	"strings"
	"testing"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/i18n"
)

func TestPartialArgs(t *testing.T) {
	build := partialArgs[selectArgs]("selectArgs")
	errs := apperr.FieldErrors{"x": {Key: "error.required"}}
	opts := []option{{Value: "a", Label: "A"}}
	got, err := build("Lang", i18n.EN, "Name", "x", "Label", "X", "Value", "a", "Options", opts, "Errors", errs,
		"Required", true, "Hint", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Lang != i18n.EN || got.Name != "x" || got.Label != "X" || got.Value != "a" || len(got.Options) != 1 ||
		got.Errors["x"].Key != "error.required" || !got.Required || got.Hint != "" {
		t.Errorf("got %+v", got)
	}
	for _, tc := range []struct {
		kv   []any
		want string
	}{
		{[]any{"Name", "x", "Lable", "X"}, `selectArgs: no argument "Lable"`},
		{[]any{"Name", "x", "Name", "y"}, "selectArgs: argument Name given twice"},
		{[]any{"Required", "true"}, "selectArgs: argument Required is a string, not a bool"},
		{[]any{"Value", 3}, "selectArgs: argument Value is a int, not a string"},
		{[]any{"Name", "x", "Label"}, "selectArgs: odd number of arguments"},
		{[]any{1, "x"}, "selectArgs: argument name 1 is not a string"},
	} {
		if _, err := build(tc.kv...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %s", tc.kv, err, tc.want)
		}
	}
}
