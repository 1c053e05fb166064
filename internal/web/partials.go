package web

import (
	"fmt"
	"reflect"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/i18n"
)

// The arguments of the form partials of layout/partials.html. A page builds them with the
// template function of the same name, from alternating argument names and values:
//
//	{{template "field" (fieldArgs "Lang" .Lang "Name" "email" "Label" (t .Lang "auth.email") "Value" .Email)}}
//
// A struct rather than a map: a misspelled name, or a value of the wrong type, is an error
// when the page is executed instead of an argument silently left out, and so is a field the
// partial reads that its struct does not have.
//
// Each starts with the fields of a labelled control: the language, the name (the form
// field's name; the control's id is f-Name), the label, an optional hint and the form's
// errors, of which it shows the one of Name. They are repeated rather than embedded: a
// template looks up a promoted field far more slowly than a field of the struct itself.

// fieldArgs are the arguments of "field": an input.
type fieldArgs struct {
	Lang         i18n.Lang
	Name         string
	Label        string
	Hint         string
	Errors       apperr.FieldErrors
	Value        string
	Type         string // the input's type; text when empty
	Required     bool
	Autocomplete string // optional
	Inputmode    string // optional
}

// selectArgs are the arguments of "select": a list of options, with an empty first choice
// unless Required.
type selectArgs struct {
	Lang     i18n.Lang
	Name     string
	Label    string
	Hint     string
	Errors   apperr.FieldErrors
	Value    string // the value of the selected option
	Options  []option
	Required bool
	// Marked shows the required mark on a select that keeps its empty first choice
	// ("Choisir…"), so that nothing is chosen for the person: required, not preselected.
	Marked bool
}

// textareaArgs are the arguments of "textarea".
type textareaArgs struct {
	Lang     i18n.Lang
	Name     string
	Label    string
	Hint     string
	Errors   apperr.FieldErrors
	Value    string
	Required bool
}

// checkboxArgs are the arguments of "checkbox".
type checkboxArgs struct {
	Lang    i18n.Lang
	Name    string
	Label   string
	Hint    string
	Errors  apperr.FieldErrors
	Checked bool
}

// partialArgs returns the template function name, which builds a T from alternating names
// of T's fields and their values. A name that T does not have, a name given twice, a value
// that is not of the field's type or an odd number of arguments is an error. A nil value
// leaves the field at its zero value.
func partialArgs[T any](name string) func(kv ...any) (*T, error) {
	type field struct {
		index []int  // in T, through the embedded structs
		bit   uint64 // among the fields given
	}
	fields := map[string]field{}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[T]()) {
		if f.IsExported() && !f.Anonymous {
			fields[f.Name] = field{f.Index, 1 << len(fields)}
		}
	}
	if len(fields) > 64 {
		panic(name + ": too many fields")
	}
	return func(kv ...any) (*T, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("%s: odd number of arguments", name)
		}
		args := new(T)
		v := reflect.ValueOf(args).Elem()
		var given uint64
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("%s: argument name %v is not a string", name, kv[i])
			}
			f, ok := fields[k]
			if !ok {
				return nil, fmt.Errorf("%s: no argument %q", name, k)
			}
			if given&f.bit != 0 {
				return nil, fmt.Errorf("%s: argument %s given twice", name, k)
			}
			given |= f.bit
			if kv[i+1] == nil {
				continue
			}
			dst, x := v.FieldByIndex(f.index), reflect.ValueOf(kv[i+1])
			if !x.Type().AssignableTo(dst.Type()) {
				return nil, fmt.Errorf("%s: argument %s is a %s, not a %s", name, k, x.Type(), dst.Type())
			}
			dst.Set(x)
		}
		return args, nil
	}
}
