package db

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"sync"
)

// A Step is Go code that a migration runs after its SQL, for a change SQL cannot express: the
// rewrite of the audit log (migration 0017) recomputes the hash chain, which only the audit
// package knows how to compute.
//
// A migration file asks for its step by name on a line of its own:
//
//	-- step: audit.redact
//
// and the package that owns the data registers the step under that name (RegisterStep,
// from an init function), as database/sql drivers register themselves: db cannot import
// that package, which imports db. The step runs in the migration's transaction, after the
// file's SQL and before the version is recorded, so that on SQLite as on PostgreSQL a crash
// or an error leaves either the database before the migration or the database after it,
// never the one without the other. A program that lacks the registration (it does not
// import the owning package) fails to migrate with an error naming the step, rather than
// recording the version without the change.
type Step func(ctx context.Context, tx *Tx) error

var steps = struct {
	sync.Mutex
	m map[string]Step
}{m: map[string]Step{}}

// RegisterStep makes fn the step named name. Registering a name twice is a programming
// error and panics.
func RegisterStep(name string, fn Step) {
	steps.Lock()
	defer steps.Unlock()
	if _, dup := steps.m[name]; dup || fn == nil {
		panic("db: step " + name + " registered twice or nil")
	}
	steps.m[name] = fn
}

func registeredStep(name string) (Step, bool) {
	steps.Lock()
	defer steps.Unlock()
	fn, ok := steps.m[name]
	return fn, ok
}

// stepMarker starts the comment of a migration file that names its Go step.
const stepMarker = "step:"

// stepOf returns the name of the step a migration file asks for, "" for none; more than one
// is an error (one step per migration keeps the order of things plain).
func stepOf(name, body string) (string, error) {
	step := ""
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		// Lenient about spaces: a marker misspelt so would be read as a plain comment,
		// and the version recorded without its step.
		comment, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "--")
		if !ok {
			continue
		}
		rest, ok := strings.CutPrefix(strings.TrimSpace(comment), stepMarker)
		if !ok {
			continue
		}
		if step != "" {
			return "", fmt.Errorf("migration %s: more than one %q comment", name, stepMarker)
		}
		if step = strings.TrimSpace(rest); step == "" {
			return "", fmt.Errorf("migration %s: %q without a name", name, stepMarker)
		}
	}
	return step, sc.Err()
}

// runStep runs the Go step of m, if it has one, inside its transaction.
func runStep(ctx context.Context, tx *Tx, m Migration) error {
	if m.Step == "" {
		return nil
	}
	fn, ok := registeredStep(m.Step)
	if !ok {
		return fmt.Errorf("migration %s needs the step %q, which this program does not register (import the package that owns it)", m.Name, m.Step)
	}
	if err := fn(ctx, tx); err != nil {
		return fmt.Errorf("migration %s, step %s: %w", m.Name, m.Step, err)
	}
	return nil
}
