package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
)

func runUser(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stderr, "Usage: budgetcitoyen user add --email ADDRESS --role ROLE [--campaign SLUG] [--name NAME] [--password PASSWORD]")
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] != "add" {
		fmt.Fprintf(stderr, "budgetcitoyen user: unknown action %q (expected: add)\n", args[0])
		return 2
	}
	return runUserAdd(args[1:], stdout, stderr)
}

func runUserAdd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: budgetcitoyen user add --email ADDRESS --role ROLE [flags]\n\n"+
			"Creates an account (or reuses the one with this e-mail) and grants it a role.\n"+
			"Roles: citizen, carrier, animator, committee, agent, admin. Without --password a random\n"+
			"password is generated and printed. The e-mail is marked verified.\n\nFlags:")
		fs.PrintDefaults()
	}
	dataDir, database := dbFlags(fs)
	email := fs.String("email", "", "e-mail address (required)")
	roleName := fs.String("role", "", "role to grant (required)")
	slug := fs.String("campaign", "", "campaign slug, for a role held in one campaign (animator, committee)")
	name := fs.String("name", "", "display name")
	password := fs.String("password", "", "password (default: generated)")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	role := access.Role(*roleName)
	if *email == "" || !role.Valid() {
		fmt.Fprintln(stderr, "budgetcitoyen user add: --email and a valid --role (citizen, carrier, animator, committee, agent, admin) are required")
		return 2
	}
	generated := false
	if *password == "" {
		*password, generated = randomPassword(), true
	}
	ctx := context.Background()
	d, err := db.Open(ctx, *database, *dataDir)
	if err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen user add:", err)
		return 1
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen user add:", err)
		return 1
	}
	created, err := addUser(ctx, d, *email, *name, *password, role, *slug)
	if err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen user add:", describeErr(err))
		return 1
	}
	verb := "granted role"
	if created {
		verb = "created account with role"
	}
	fmt.Fprintf(stdout, "%s %s to %s\n", verb, role, account.NormalizeEmail(*email))
	if generated && created {
		fmt.Fprintf(stdout, "password: %s\n", *password)
	}
	return 0
}

// addUser creates the account with the role (account.Add), or grants the role to the account
// of the address if there is one (account.Grant): each is one audited change by "cli". A role
// held already is granted again without complaint, so that the command can be run twice.
func addUser(ctx context.Context, d *db.DB, email, name, password string, role access.Role, slug string) (created bool, err error) {
	var campaignID *int64
	if slug != "" {
		c, err := campaign.BySlug(ctx, d, slug)
		if err != nil {
			return false, err
		}
		campaignID = &c.ID
	}
	env, cli := change.Env{DB: d, Now: time.Now}, change.System("cli")
	acc, err := account.ByEmail(ctx, d, email)
	if apperr.IsKind(err, apperr.NotFound) {
		_, err = account.Add(ctx, account.Env{Change: env}, cli, account.AddInput{Email: email, Name: name, Password: password,
			Grants: []access.Grant{{Role: role, CampaignID: campaignID}}})
		return err == nil, err
	}
	if err != nil {
		return false, err
	}
	err = account.Grant(ctx, env, cli, account.RoleInput{AccountID: acc.ID, Role: role, CampaignID: campaignID})
	if apperr.IsKind(err, apperr.Conflict) {
		return false, nil // the only conflict of a grant: the role is held already
	}
	return false, err
}

func randomPassword() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// describeErr renders a user-facing error in English for the command line.
func describeErr(err error) string {
	ae, ok := apperr.As(err)
	if !ok {
		return err.Error()
	}
	cat, cerr := i18n.Load()
	if cerr != nil {
		return err.Error()
	}
	s := cat.T(i18n.EN, ae.Message.Key, ae.Message.Args...)
	for field, m := range ae.Fields {
		s += fmt.Sprintf("\n  %s: %s", field, cat.T(i18n.EN, m.Key, m.Args...))
	}
	return s
}
