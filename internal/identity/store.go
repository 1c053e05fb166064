package identity

import (
	"context"
	"fmt"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
)

// Topic names the changes of the identity, for the caches that copy it (db.Watch).
const Topic = "identity"

// Of returns the site's identity, the zero Identity while none was set.
func Of(ctx context.Context, q db.Querier) (Identity, error) {
	var i Identity
	err := q.QueryRowContext(ctx, `SELECT name, color, address, contact, logo, logo_type
		FROM site_identity WHERE singleton = 1`).
		Scan(&i.Name, &i.Color, &i.Address, &i.Contact, &i.Logo, &i.LogoType)
	if db.IsNotFound(err) {
		return Identity{}, nil
	}
	if err != nil {
		return Identity{}, fmt.Errorf("read site identity: %w", err)
	}
	if len(i.Logo) == 0 {
		i.Logo = nil
	}
	return i, nil
}

// Save writes the identity (validated by the caller).
func Save(ctx context.Context, q db.Querier, i Identity, now time.Time) error {
	var logo any
	if len(i.Logo) > 0 {
		logo = i.Logo
	}
	_, err := q.ExecContext(ctx, `INSERT INTO site_identity (singleton, name, color, address, contact, logo, logo_type, updated_at)
		VALUES (1, $1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (singleton) DO UPDATE SET name = excluded.name, color = excluded.color,
		address = excluded.address, contact = excluded.contact, logo = excluded.logo,
		logo_type = excluded.logo_type, updated_at = excluded.updated_at`,
		i.Name, i.Color, i.Address, i.Contact, logo, i.LogoType, now.UTC())
	if err != nil {
		return fmt.Errorf("save site identity: %w", err)
	}
	q.Changed(Topic, 1)
	return nil
}

// Configure sets the identity (administrators): one audit entry, which keeps the logo's
// hash and type, never its bytes. i.Logo must come from PrepareLogo (or be the logo already
// saved); Configure validates the rest.
func Configure(ctx context.Context, env change.Env, who change.Who, i Identity) error {
	_, err := change.Do(ctx, env, change.Request{
		Who: who, Permission: access.PermManageAccounts,
		Action: "identity.settings", EntityKind: "site",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if err := i.Validate(); err != nil {
				return change.Outcome{}, err
			}
			before, err := Of(ctx, tx)
			if err != nil {
				return change.Outcome{}, err
			}
			if err := Save(ctx, tx, i, env.Now()); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: "identity", Before: before.AuditView(), After: i.AuditView()}, nil
		},
	})
	return err
}
