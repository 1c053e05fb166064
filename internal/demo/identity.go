package demo

import (
	"context"
	_ "embed"

	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/identity"
)

// demoLogo is the demo's own logo: a neutral shape (coast and sea on a white tile) with
// "62", drawn for the demo; it is not the Département du Pas-de-Calais's logo.
//
//go:embed identity_logo.svg
var demoLogo []byte

// DemoIdentity is the neutral, Pas-de-Calais-like identity of the demo. Its address and
// contact are fictitious.
func DemoIdentity() (identity.Identity, error) {
	logo, typ, err := identity.PrepareLogo(demoLogo)
	if err != nil {
		return identity.Identity{}, err
	}
	return identity.Identity{
		Name:    "Département du Pas-de-Calais",
		Color:   "#0b5394",
		Address: "Hôtel du Département (démonstration), 1 rue de l'Exemple, 62000 Arras",
		Contact: "budget-citoyen@demo.budgetcitoyen.test",
		Logo:    logo, LogoType: typ,
	}, nil
}

// identityMigration is the migration that made the identity's table.
const identityMigration = 24

// seedIdentity sets the demo's identity. A database whose schema is older than the
// identity's table (a test seeds one to check what later migrations do to an old demo)
// keeps the site's default identity.
func seedIdentity(ctx context.Context, env change.Env) error {
	if v, err := env.DB.Version(ctx); err != nil {
		return err
	} else if v < identityMigration {
		return nil
	}
	i, err := DemoIdentity()
	if err != nil {
		return err
	}
	return identity.Configure(ctx, env, change.System("demo"), i)
}
