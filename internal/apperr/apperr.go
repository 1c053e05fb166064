// Package apperr defines the errors that domain code returns for the user to read: a kind
// (which decides the HTTP status), a message key of the i18n catalogs with its arguments, and
// for forms the message of each invalid field. Any other error is internal: it is logged and
// the user sees "Erreur interne".
package apperr

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kind classifies an error for the user and for the HTTP status.
type Kind string

// The kinds of user-facing errors.
const (
	Invalid         Kind = "invalid"         // 422: the input breaks a rule
	NotFound        Kind = "not_found"       // 404
	Forbidden       Kind = "forbidden"       // 403: signed in, not allowed
	Unauthenticated Kind = "unauthenticated" // 401: must sign in
	Conflict        Kind = "conflict"        // 409: the state does not allow it (closed phase, wrong state, duplicate)
	TooMany         Kind = "too_many"        // 429: throttled
)

// Message is an i18n key with its arguments (fmt verbs in the catalog's text).
type Message struct {
	Key  string
	Args []any
}

// Msg builds a Message.
func Msg(key string, args ...any) Message { return Message{Key: key, Args: args} }

// FieldErrors maps a form field name to what is wrong with it.
type FieldErrors map[string]Message

// Add records the first error of a field (later ones are kept out: one message per field).
func (f FieldErrors) Add(field, key string, args ...any) {
	if _, ok := f[field]; !ok {
		f[field] = Msg(key, args...)
	}
}

// Has reports whether field has an error.
func (f FieldErrors) Has(field string) bool { _, ok := f[field]; return ok }

// Err returns nil when there are no field errors, else an Invalid error holding them.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Message: Msg("error.invalid_form"), Fields: f}
}

// Error is a user-facing error.
type Error struct {
	Kind    Kind
	Message Message
	Fields  FieldErrors
	Cause   error // for logs; never shown
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", e.Kind, e.Message.Key)
	if len(e.Message.Args) > 0 {
		fmt.Fprintf(&b, " %v", e.Message.Args)
	}
	if len(e.Fields) > 0 {
		names := make([]string, 0, len(e.Fields))
		for n := range e.Fields {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(&b, " (fields: %s)", strings.Join(names, ", "))
	}
	if e.Cause != nil {
		fmt.Fprintf(&b, ": %v", e.Cause)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Cause }

// New returns an error of kind with the message key and its arguments.
func New(kind Kind, key string, args ...any) *Error {
	return &Error{Kind: kind, Message: Msg(key, args...)}
}

// As returns the user-facing error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsKind reports whether err is a user-facing error of that kind.
func IsKind(err error, kind Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == kind
}
