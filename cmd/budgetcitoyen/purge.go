package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mydata"
	"budgetcitoyen/internal/privacy"
	"budgetcitoyen/internal/territory"
	"budgetcitoyen/internal/workshop"
)

// runPurge erases the personal data whose retention ran out, as the worker does every
// night (privacy.Purge); --dry-run counts without erasing, --now purges as at another time.
func runPurge(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("purge", flag.ContinueOnError)
	dataDir, database := dbFlags(fs)
	dryRun := fs.Bool("dry-run", false, "count what would be erased, erase nothing")
	baseURL := fs.String("base-url", envOr("BC_BASE_URL", "http://127.0.0.1:8080"), "public address of the site, for the links of the e-mails a purge may send (a comptoir seat freed) (env BC_BASE_URL)")
	at := fs.String("now", "", "purge as at this time (RFC 3339, or a date YYYY-MM-DD meaning its midnight UTC); default: now")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: budgetcitoyen purge [--dry-run] [--now TIME] [--data DIR] [--database URL]\n\n"+
			"Erases the personal data kept longer than its retention period (the durations shown on the\n"+
			"personal-data page): expired sessions and sign-in links, throttling records, old e-mails,\n"+
			"unconfirmed addresses, the voter register identities of votes closed long enough ago.\n\nFlags:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	now, err := parseNow(*at, time.Now())
	if err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen purge:", err)
		return 2
	}
	ctx := context.Background()
	d, err := db.Open(ctx, *database, *dataDir)
	if err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen purge:", err)
		return 1
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen purge:", err)
		return 1
	}
	mailer, err := workshopMailer(*baseURL)
	if err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen purge:", err)
		return 1
	}
	env := mydata.Env{Change: change.Env{DB: d, Now: func() time.Time { return now }}, Workshop: mailer}
	rep, err := privacy.Purge(ctx, env, change.System("cli"), now, *dryRun)
	if err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen purge:", err)
		return 1
	}
	verb := "erased"
	if *dryRun {
		verb = "would erase (dry run)"
	}
	fmt.Fprintf(stdout, "purge at %s: %s\n", now.UTC().Format(time.RFC3339), verb)
	writeReport(stdout, rep)
	return 0
}

// parseNow reads --now: empty is def, a date is its midnight UTC.
func parseNow(s string, def time.Time) (time.Time, error) {
	switch {
	case s == "":
		return def, nil
	case len(s) == len("2006-01-02"):
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			return t, fmt.Errorf("--now %q: not a date YYYY-MM-DD", s)
		}
		return t, nil
	default:
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return t, fmt.Errorf("--now %q: not a time like 2027-03-01T02:00:00Z", s)
		}
		return t, nil
	}
}

func writeReport(w io.Writer, r privacy.Report) {
	lines := []struct {
		name string
		n    int64
	}{
		{"expired sessions", r.Sessions},
		{"expired sign-in links", r.Tokens},
		{"sign-in failure records", r.SignInFailures},
		{"e-mail quota records", r.MailQuota},
		{"e-mails", r.Outbox},
		{"addresses of ended invitations", r.Invitations},
		{"unconfirmed accounts", r.UnverifiedAccounts},
		{"unconfirmed subscriptions", r.Subscriptions},
	}
	for _, l := range lines {
		fmt.Fprintf(w, "  %-32s %d\n", l.name, l.n)
	}
	slugs := make([]string, 0, len(r.Voters))
	for s := range r.Voters {
		slugs = append(slugs, s)
	}
	sort.Strings(slugs)
	for _, s := range slugs {
		fmt.Fprintf(w, "  %-32s %d\n", "voter register of "+s, r.Voters[s])
	}
	if len(slugs) == 0 {
		fmt.Fprintf(w, "  %-32s %s\n", "voter registers", "none due")
	}
}

// workshopMailer words the comptoirs' e-mails as the site does.
func workshopMailer(baseURL string) (workshop.Mailer, error) {
	cat, err := i18n.Load()
	if err != nil {
		return workshop.Mailer{}, err
	}
	terr, err := territory.Load()
	if err != nil {
		return workshop.Mailer{}, err
	}
	return workshop.Mailer{Cat: cat, Territory: terr, BaseURL: strings.TrimRight(baseURL, "/")}, nil
}
