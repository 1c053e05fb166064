// Package demo seeds a new database with a demonstration: the archived 2018 edition, two
// current campaigns whose dates are placed around today (one with ideas, comptoirs and
// dossiers open, one with its vote open), and one account per role with a fixed password.
// Everything is fictitious. Later areas of the platform add their own demo data here.
package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/review"
	"budgetcitoyen/internal/search"
)

// Account is one demo account, printed by the demo command.
type Account struct {
	Role     access.Role
	Email    string
	Password string
	Name     string
	// Campaigns: the per-campaign role is granted for these slugs; empty means globally.
	Campaigns []string
}

// Accounts are the demo accounts. The passwords are public (README): a demo database must
// never be exposed as a real site.
func Accounts(now time.Time) []Account {
	open, vote := Slugs(now)
	return []Account{
		{access.Admin, "admin@demo.budgetcitoyen.test", "demo-admin-62", "Camille Administratrice", nil},
		{access.Agent, "agent@demo.budgetcitoyen.test", "demo-agent-62", "Karim Agent du Département", nil},
		{access.Animator, "animateur@demo.budgetcitoyen.test", "demo-animateur-62", "Sophie Animatrice ESS", []string{open}},
		{access.Committee, "comite@demo.budgetcitoyen.test", "demo-comite-62", "Bernard Membre du comité", []string{open, vote}},
		{access.Carrier, "porteur@demo.budgetcitoyen.test", "demo-porteur-62", "Nadia Porteuse de projet", nil},
		{access.Citizen, "citoyen@demo.budgetcitoyen.test", "demo-citoyen-62", "Lucas Citoyen", nil},
		{access.Trustee, "garant1@demo.budgetcitoyen.test", "demo-garant1-62", "Élise Garante, commission Attractivité", []string{open, vote}},
		{access.Trustee, "garant2@demo.budgetcitoyen.test", "demo-garant2-62", "Marc Garant, commission Solidarités", []string{open, vote}},
		{access.Trustee, "garant3@demo.budgetcitoyen.test", "demo-garant3-62", "Aïcha Garante, CRESS", []string{open, vote}},
	}
}

// Slugs returns the slugs of the two current demo campaigns, named after their edition year.
func Slugs(now time.Time) (open, vote string) {
	o, v := editionYears(now)
	return "budget-citoyen-" + strconv.Itoa(o), "budget-citoyen-" + strconv.Itoa(v)
}

// IsEmpty reports whether the database has neither campaign nor account yet.
func IsEmpty(ctx context.Context, q db.Querier) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM campaigns) + (SELECT COUNT(*) FROM accounts)").Scan(&n)
	if err != nil {
		return false, fmt.Errorf("count demo data: %w", err)
	}
	return n == 0, nil
}

// Seed fills an empty database. Every change goes through change.Do (through the domains'
// commands, where they have one: the same checks as on the site), so the demo's audit
// log is a valid chain like any other. The demo accounts' passwords are hashed with
// passwords (zero: account.DefaultParams).
func Seed(ctx context.Context, d *db.DB, now time.Time, passwords account.PasswordParams) error {
	return SeedWith(ctx, d, now, passwords, nil)
}

// SeedWith is Seed, the projects of the campaign voting now given photos (drawn, with
// their alternative texts) stored in blobs; nil blobs: no photos.
func SeedWith(ctx context.Context, d *db.DB, now time.Time, passwords account.PasswordParams, blobs dossier.Blobs) error {
	env := change.Env{DB: d, Now: func() time.Time { return now }}
	if err := seedIdentity(ctx, env); err != nil {
		return err
	}
	camps, err := campaigns(now)
	if err != nil {
		return err
	}
	ids := map[string]int64{}
	for _, c := range camps {
		if err := insertCampaign(ctx, env, c); err != nil {
			return err
		}
		ids[c.Slug] = c.ID
	}
	for _, a := range Accounts(now) {
		if err := insertAccount(ctx, account.Env{Change: env, Passwords: passwords}, a, ids); err != nil {
			return err
		}
	}
	if err := seedWorkshops(ctx, env, d, now, ids); err != nil {
		return err
	}
	if err := seedIdeas(ctx, env, camps, now); err != nil {
		return err
	}
	if err := seedDossiers(ctx, d, now); err != nil {
		return err
	}
	// The review puts 2018's labelled projects on the ballot; the votes come after it.
	if err := seedReviews(ctx, env, d, now); err != nil {
		return err
	}
	if err := seedOpenCommittee(ctx, env, d, now); err != nil {
		return err
	}
	if err := seedVote(ctx, env, d, now, blobs); err != nil {
		return err
	}
	if err := seedBoxes(ctx, d, now); err != nil {
		return err
	}
	if err := seedResults2018(ctx, env, d); err != nil {
		return err
	}
	if err := seedFollowup2018(ctx, d, now, blobs); err != nil {
		return err
	}
	// The stores indexed each idea, dossier and comptoir as the commands wrote it; the demo
	// ends with the search index rebuilt whole, so that it matches the data even where a
	// step of the seeding writes rows by other means.
	return d.InTx(ctx, func(tx *db.Tx) error { return search.Rebuild(ctx, tx) })
}

func insertCampaign(ctx context.Context, env change.Env, c *campaign.Campaign) error {
	if err := campaign.Create(ctx, env, change.System("demo"), c); err != nil {
		return fmt.Errorf("demo campaign %s: %w", c.Slug, err)
	}
	return nil
}

// insertAccount adds the demo account with its role, globally or for each of its campaigns.
func insertAccount(ctx context.Context, env account.Env, a Account, campaignIDs map[string]int64) error {
	grants := []access.Grant{{Role: a.Role}}
	if len(a.Campaigns) > 0 {
		grants = nil
	}
	for _, slug := range a.Campaigns {
		id := campaignIDs[slug]
		grants = append(grants, access.Grant{Role: a.Role, CampaignID: &id})
	}
	if a.Role == access.Carrier {
		// A carrier is a resident like any other, who signed up (citizen) and then declared a
		// structure: they vote with their own account, which is no staff account.
		grants = append(grants, access.Grant{Role: access.Citizen})
	}
	in := account.AddInput{Email: a.Email, Name: a.Name, Password: a.Password, Grants: grants}
	if _, err := account.Add(ctx, env, change.System("demo"), in); err != nil {
		return fmt.Errorf("demo account %s: %w", a.Email, err)
	}
	return nil
}

// reviewEnv is the environment of the review commands for the demo: the clock now, and the
// catalog the carriers' e-mails and the decisions' texts are written from.
func reviewEnv(d *db.DB, now func() time.Time) (review.Env, error) {
	cat, err := i18n.Load()
	if err != nil {
		return review.Env{}, err
	}
	return review.Env{Change: change.Env{DB: d, Now: now}, Cat: cat}, nil
}
