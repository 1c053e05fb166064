package campaign

import (
	"context"
	"strconv"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
)

// The commands of the agents (and of the platform: the demo) on campaigns: create one, copy
// one into a new edition, edit one. Each is one change (change.Do) with its audit entry.
// Insert and Update, which they call, move Writes, so that the copies of campaigns a process
// keeps in memory are read again.

// Create saves a new campaign as it is given (agents and administrators): a campaign that
// Validate refuses gives its field errors, a slug already in use a field error on "slug";
// nothing is saved then. It sets c.ID, the categories' IDs and the timestamps.
func Create(ctx context.Context, env change.Env, who change.Who, c *Campaign) error {
	_, err := change.Do(ctx, env, change.Request{
		Who: who, Permission: access.PermManageCampaigns, Action: "campaign.create", EntityKind: "campaign",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if err := Insert(ctx, tx, c, env.Now()); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: strconv.FormatInt(c.ID, 10), After: c}, nil
		},
	})
	return err
}

// How far a copy may move the dates of its source, in whole years.
const (
	minCopyYears = -10
	maxCopyYears = 20
)

// CopyInput is a new edition made from a source, a preset (by name) or a stored campaign (by
// slug), with its own slug and name and its dates moved by whole years.
type CopyInput struct {
	Preset     string // the name of a preset, or
	From       string // the slug of a stored campaign
	Slug, Name string
	Years      *int // nil: the form gave no number
}

// Copy creates a new campaign from a preset or a stored campaign (see CopyForEdition), as the
// agent then adjusts it in the edit form. A missing or unknown source is a field error on
// "source", a move out of -10…20 years on "years"; the copy must then be valid as it is (slug
// free, dates in order), else Create's errors. Nothing is saved on an error.
func Copy(ctx context.Context, env change.Env, who change.Who, in CopyInput) (*Campaign, error) {
	var created *Campaign
	_, err := change.Do(ctx, env, change.Request{
		Who: who, Permission: access.PermManageCampaigns, Action: "campaign.create", EntityKind: "campaign",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			fe := apperr.FieldErrors{}
			src, err := copySource(ctx, tx, in)
			if apperr.IsKind(err, apperr.NotFound) || apperr.IsKind(err, apperr.Invalid) {
				fe.Add("source", "admin.new.source_required")
			} else if err != nil {
				return change.Outcome{}, err
			}
			if in.Years == nil || *in.Years < minCopyYears || *in.Years > maxCopyYears {
				fe.Add("years", "admin.new.years_invalid")
			}
			if err := fe.Err(); err != nil {
				return change.Outcome{}, err
			}
			c := CopyForEdition(src, in.Slug, in.Name, *in.Years)
			if err := Insert(ctx, tx, c, env.Now()); err != nil {
				return change.Outcome{}, err
			}
			created = c
			return change.Outcome{EntityID: strconv.FormatInt(c.ID, 10), After: c}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return created, nil
}

// copySource reads the source of a copy: an apperr Invalid for none or an unknown preset, an
// apperr NotFound for an unknown campaign.
func copySource(ctx context.Context, q db.Querier, in CopyInput) (*Campaign, error) {
	switch {
	case in.Preset != "":
		c, err := Preset(in.Preset)
		if err != nil {
			return nil, apperr.New(apperr.Invalid, "admin.new.source_required")
		}
		return c, nil
	case in.From != "":
		return BySlug(ctx, q, in.From)
	}
	return nil, apperr.New(apperr.Invalid, "admin.new.source_required")
}

// Edit saves c over the stored campaign c.ID (agents and administrators): its fields, phases
// and categories (see Update). What an edit does not change (the campaign it was copied from,
// its creation) is taken from the stored campaign, into c. Invalid input gives Validate's
// field errors, a slug already in use a field error on "slug", an unknown campaign an apperr
// NotFound; nothing is saved then.
func Edit(ctx context.Context, env change.Env, who change.Who, c *Campaign) error {
	_, err := change.Do(ctx, env, change.Request{
		Who: who, Permission: access.PermManageCampaigns, Campaign: c, Action: "campaign.update", EntityKind: "campaign",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			before, err := ByID(ctx, tx, c.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			c.CopiedFrom, c.CreatedAt = before.CopiedFrom, before.CreatedAt
			if err := Update(ctx, tx, c, env.Now()); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: strconv.FormatInt(c.ID, 10), Before: before, After: c}, nil
		},
	})
	return err
}
