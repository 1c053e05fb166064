package campaign

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
)

// Topic names the changes of campaigns (their fields, phases and categories) that Insert and
// Update announce to the database's watchers (db.Watch), with the campaign's id: the
// server's copies of campaigns forget what this process changed as soon as it commits.
const Topic = "campaign"

// The store functions take a db.Querier so that they can run inside a caller's transaction
// (with the audit entry of the change, for instance). Given the *db.DB itself, Insert and
// Update open their own transaction, since each writes several tables.

const campaignColumns = `id, slug, name, description, territory, envelope_cents, timezone,
	vote_rule, vote_k, aggregation_rule, per_category_envelopes, tie_break, min_voter_age,
	comptoir_required, ballot_publication, ideas_public, contact_email, archived, copied_from,
	created_at, updated_at`

// errSlugTaken is the error of a slug that another campaign already has: a Conflict that
// carries the field error, so that the form shows it next to the slug.
func errSlugTaken() error {
	return &apperr.Error{
		Kind:    apperr.Conflict,
		Message: apperr.Msg("campaign.slug.taken"),
		Fields:  apperr.FieldErrors{FieldSlug: apperr.Msg("campaign.slug.taken")},
	}
}

// stamp is the time recorded in created_at and updated_at: the caller's clock (the injected
// one, as for every other record), in UTC to the microsecond, which both databases keep.
func stamp(now time.Time) time.Time { return now.UTC().Truncate(time.Microsecond) }

// Insert saves a new campaign with its phases and categories and sets c.ID, the categories'
// IDs and the timestamps (now). An invalid campaign gives Validate's apperr.Invalid error and a slug
// already in use an apperr.Conflict error with a field error on "slug"; nothing is saved.
func Insert(ctx context.Context, q db.Querier, c *Campaign, now time.Time) error {
	if err := c.Validate().Err(); err != nil {
		return err
	}
	if d, ok := q.(*db.DB); ok {
		return d.InTx(ctx, func(tx *db.Tx) error { return Insert(ctx, tx, c, now) })
	}
	// Checking first keeps the caller's transaction usable in the common case (PostgreSQL
	// aborts a transaction on a constraint violation); the unique index still decides races.
	if taken, err := slugTaken(ctx, q, c.Slug, 0); err != nil {
		return err
	} else if taken {
		return errSlugTaken()
	}
	t := stamp(now)
	var id int64
	err := q.QueryRowContext(ctx, `INSERT INTO campaigns (slug, name, description, territory,
		envelope_cents, timezone, vote_rule, vote_k, aggregation_rule, per_category_envelopes,
		tie_break, min_voter_age, comptoir_required, ballot_publication, ideas_public,
		contact_email, archived, copied_from, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)
		RETURNING id`,
		c.Slug, c.Name, c.Description, c.Territory, c.EnvelopeCents, c.TimeZone, c.VoteRule.Kind,
		c.VoteRule.K, c.AggregationRule, c.PerCategoryEnvelopes, c.TieBreak, c.MinVoterAge,
		c.ComptoirRequired, c.BallotPublication, c.IdeasPublic, c.ContactEmail, c.Archived,
		nullID(c.CopiedFrom), t).Scan(&id)
	if db.IsUniqueViolation(err) {
		return errSlugTaken()
	}
	if err != nil {
		return fmt.Errorf("insert campaign %s: %w", c.Slug, err)
	}
	if err := insertPhases(ctx, q, id, c.Phases); err != nil {
		return err
	}
	for i := range c.Categories {
		c.Categories[i].Position = i
		c.Categories[i].ID = 0
		if err := insertCategory(ctx, q, id, &c.Categories[i]); err != nil {
			return err
		}
	}
	c.ID, c.CreatedAt, c.UpdatedAt = id, t, t
	q.Changed(Topic, id)
	return nil
}

// Update saves c over the stored campaign c.ID: its fields, its phases (replaced) and its
// categories, matched by ID so that a category keeps its ID when edited (dossiers and
// ballots refer to it): a category with ID 0 is added, a stored category missing from c is
// deleted. CreatedAt and CopiedFrom are not changed. A category ID that belongs to no
// category of this campaign is refused. Errors are as for Insert, plus apperr.NotFound.
func Update(ctx context.Context, q db.Querier, c *Campaign, now time.Time) error {
	if err := c.Validate().Err(); err != nil {
		return err
	}
	if d, ok := q.(*db.DB); ok {
		return d.InTx(ctx, func(tx *db.Tx) error { return Update(ctx, tx, c, now) })
	}
	if taken, err := slugTaken(ctx, q, c.Slug, c.ID); err != nil {
		return err
	} else if taken {
		return errSlugTaken()
	}
	t := stamp(now)
	res, err := q.ExecContext(ctx, `UPDATE campaigns SET slug = $2, name = $3, description = $4,
		territory = $5, envelope_cents = $6, timezone = $7, vote_rule = $8, vote_k = $9,
		aggregation_rule = $10, per_category_envelopes = $11, tie_break = $12,
		min_voter_age = $13, comptoir_required = $14, ballot_publication = $15,
		ideas_public = $16, contact_email = $17, archived = $18, updated_at = $19
		WHERE id = $1`,
		c.ID, c.Slug, c.Name, c.Description, c.Territory, c.EnvelopeCents, c.TimeZone,
		c.VoteRule.Kind, c.VoteRule.K, c.AggregationRule, c.PerCategoryEnvelopes, c.TieBreak,
		c.MinVoterAge, c.ComptoirRequired, c.BallotPublication, c.IdeasPublic, c.ContactEmail,
		c.Archived, t)
	if db.IsUniqueViolation(err) {
		return errSlugTaken()
	}
	if err != nil {
		return fmt.Errorf("update campaign %d: %w", c.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update campaign %d: %w", c.ID, err)
	} else if n == 0 {
		return apperr.New(apperr.NotFound, "campaign.not_found")
	}
	if _, err := q.ExecContext(ctx, "DELETE FROM campaign_phases WHERE campaign_id = $1", c.ID); err != nil {
		return fmt.Errorf("update campaign %d: clear phases: %w", c.ID, err)
	}
	if err := insertPhases(ctx, q, c.ID, c.Phases); err != nil {
		return err
	}
	if err := updateCategories(ctx, q, c); err != nil {
		return err
	}
	c.UpdatedAt = t
	q.Changed(Topic, c.ID)
	return nil
}

// updateCategories applies c.Categories over the stored ones, keeping IDs.
func updateCategories(ctx context.Context, q db.Querier, c *Campaign) error {
	stored, err := categoryIDs(ctx, q, c.ID)
	if err != nil {
		return err
	}
	keep := map[int64]bool{}
	for _, cat := range c.Categories {
		if cat.ID == 0 {
			continue
		}
		if !stored[cat.ID] || keep[cat.ID] {
			return apperr.New(apperr.Invalid, "campaign.category.unknown")
		}
		keep[cat.ID] = true
	}
	for id := range stored {
		if keep[id] {
			continue
		}
		// Once dossiers reference categories, their foreign key refuses this delete and
		// the whole update rolls back.
		if _, err := q.ExecContext(ctx, "DELETE FROM categories WHERE id = $1", id); err != nil {
			return fmt.Errorf("update campaign %d: delete category %d: %w", c.ID, id, err)
		}
	}
	// Positions are unique per campaign: move the kept rows out of the way first, so that
	// reordering two categories never collides midway.
	if _, err := q.ExecContext(ctx, "UPDATE categories SET position = -1 - position WHERE campaign_id = $1", c.ID); err != nil {
		return fmt.Errorf("update campaign %d: reorder categories: %w", c.ID, err)
	}
	for i := range c.Categories {
		cat := &c.Categories[i]
		cat.Position = i
		if cat.ID == 0 {
			if err := insertCategory(ctx, q, c.ID, cat); err != nil {
				return err
			}
			continue
		}
		_, err := q.ExecContext(ctx, `UPDATE categories SET position = $3, name = $4,
			description = $5, rule_kind = $6, flat_cents = $7, rate_bp = $8, cap_cents = $9,
			floor_cents = $10, envelope_cents = $11 WHERE id = $1 AND campaign_id = $2`,
			cat.ID, c.ID, cat.Position, cat.Name, cat.Description, cat.Rule.Kind,
			cat.Rule.FlatCents, cat.Rule.RateBP, cat.Rule.CapCents, cat.Rule.FloorCents,
			nullCents(cat.EnvelopeCents))
		if err != nil {
			return fmt.Errorf("update campaign %d: category %d: %w", c.ID, cat.ID, err)
		}
	}
	return nil
}

func categoryIDs(ctx context.Context, q db.Querier, campaignID int64) (map[int64]bool, error) {
	rows, err := q.QueryContext(ctx, "SELECT id FROM categories WHERE campaign_id = $1", campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: list categories: %w", campaignID, err)
	}
	defer rows.Close()
	ids := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("campaign %d: list categories: %w", campaignID, err)
		}
		ids[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaign %d: list categories: %w", campaignID, err)
	}
	return ids, nil
}

func insertPhases(ctx context.Context, q db.Querier, campaignID int64, ws []PhaseWindow) error {
	for _, w := range ws {
		if _, err := q.ExecContext(ctx, `INSERT INTO campaign_phases (campaign_id, phase, starts_at, ends_at)
			VALUES ($1, $2, $3, $4)`, campaignID, string(w.Phase), w.Start.UTC(), w.End.UTC()); err != nil {
			return fmt.Errorf("campaign %d: save phase %s: %w", campaignID, w.Phase, err)
		}
	}
	return nil
}

func insertCategory(ctx context.Context, q db.Querier, campaignID int64, cat *Category) error {
	err := q.QueryRowContext(ctx, `INSERT INTO categories (campaign_id, position, name,
		description, rule_kind, flat_cents, rate_bp, cap_cents, floor_cents, envelope_cents)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		campaignID, cat.Position, cat.Name, cat.Description, cat.Rule.Kind, cat.Rule.FlatCents,
		cat.Rule.RateBP, cat.Rule.CapCents, cat.Rule.FloorCents, nullCents(cat.EnvelopeCents)).Scan(&cat.ID)
	if err != nil {
		return fmt.Errorf("campaign %d: save category %q: %w", campaignID, cat.Name, err)
	}
	return nil
}

func slugTaken(ctx context.Context, q db.Querier, slug string, exceptID int64) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM campaigns WHERE slug = $1 AND id <> $2",
		slug, exceptID).Scan(&n); err != nil {
		return false, fmt.Errorf("check campaign slug %s: %w", slug, err)
	}
	return n > 0, nil
}

// ByID returns the campaign with this ID, or an apperr.NotFound error.
func ByID(ctx context.Context, q db.Querier, id int64) (*Campaign, error) {
	return one(ctx, q, "id = $1", id)
}

// BySlug returns the campaign with this slug, or an apperr.NotFound error.
func BySlug(ctx context.Context, q db.Querier, slug string) (*Campaign, error) {
	return one(ctx, q, "slug = $1", slug)
}

func one(ctx context.Context, q db.Querier, where string, arg any) (*Campaign, error) {
	list, err := load(ctx, q, where, arg)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, apperr.New(apperr.NotFound, "campaign.not_found")
	}
	return &list[0], nil
}

// List returns every campaign, newest edition first: by the start of the ideas phase, latest
// first, then by ID (newest first).
func List(ctx context.Context, q db.Querier) ([]Campaign, error) {
	list, err := load(ctx, q, "", nil)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, _ := list[i].Window(PhaseIdeas)
		b, _ := list[j].Window(PhaseIdeas)
		if !a.Start.Equal(b.Start) {
			return a.Start.After(b.Start)
		}
		return list[i].ID > list[j].ID
	})
	return list, nil
}

// Exists reports whether a campaign has this slug.
func Exists(ctx context.Context, q db.Querier, slug string) (bool, error) {
	return slugTaken(ctx, q, slug, 0)
}

// Count returns the number of campaigns.
func Count(ctx context.Context, q db.Querier) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM campaigns").Scan(&n); err != nil {
		return 0, fmt.Errorf("count campaigns: %w", err)
	}
	return n, nil
}

// load reads the campaigns matching where (all when where is empty) with their phases and
// categories: three queries, whatever the number of campaigns.
func load(ctx context.Context, q db.Querier, where string, arg any) ([]Campaign, error) {
	query := "SELECT " + campaignColumns + " FROM campaigns"
	var args []any
	if where != "" {
		query += " WHERE " + where
		args = append(args, arg)
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("read campaigns: %w", err)
	}
	var list []Campaign
	index := map[int64]int{}
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		index[c.ID] = len(list)
		list = append(list, c)
	}
	err = errors.Join(rows.Err(), rows.Close())
	if err != nil {
		return nil, fmt.Errorf("read campaigns: %w", err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	// Phases and categories of the campaigns read above: for one campaign, filter by its ID;
	// for all, read all.
	sub, subArgs := "", []any(nil)
	if len(list) == 1 {
		sub, subArgs = " WHERE campaign_id = $1", []any{list[0].ID}
	}
	if err := loadPhases(ctx, q, sub, subArgs, list, index); err != nil {
		return nil, err
	}
	if err := loadCategories(ctx, q, sub, subArgs, list, index); err != nil {
		return nil, err
	}
	return list, nil
}

func scanCampaign(rows *sql.Rows) (Campaign, error) {
	var c Campaign
	var copied sql.NullInt64
	err := rows.Scan(&c.ID, &c.Slug, &c.Name, &c.Description, &c.Territory, &c.EnvelopeCents,
		&c.TimeZone, &c.VoteRule.Kind, &c.VoteRule.K, &c.AggregationRule, &c.PerCategoryEnvelopes,
		&c.TieBreak, &c.MinVoterAge, &c.ComptoirRequired, &c.BallotPublication, &c.IdeasPublic,
		&c.ContactEmail, &c.Archived, &copied, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return c, fmt.Errorf("read campaign: %w", err)
	}
	if copied.Valid {
		c.CopiedFrom = &copied.Int64
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, nil
}

func loadPhases(ctx context.Context, q db.Querier, where string, args []any, list []Campaign, index map[int64]int) error {
	rows, err := q.QueryContext(ctx, "SELECT campaign_id, phase, starts_at, ends_at FROM campaign_phases"+where, args...)
	if err != nil {
		return fmt.Errorf("read campaign phases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var w PhaseWindow
		if err := rows.Scan(&id, &w.Phase, &w.Start, &w.End); err != nil {
			return fmt.Errorf("read campaign phases: %w", err)
		}
		w.Start, w.End = w.Start.UTC(), w.End.UTC()
		if i, ok := index[id]; ok {
			list[i].Phases = append(list[i].Phases, w)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read campaign phases: %w", err)
	}
	for i := range list {
		sortWindows(list[i].Phases)
	}
	return nil
}

func loadCategories(ctx context.Context, q db.Querier, where string, args []any, list []Campaign, index map[int64]int) error {
	rows, err := q.QueryContext(ctx, `SELECT campaign_id, id, position, name, description,
		rule_kind, flat_cents, rate_bp, cap_cents, floor_cents, envelope_cents
		FROM categories`+where+" ORDER BY campaign_id, position", args...)
	if err != nil {
		return fmt.Errorf("read categories: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var cat Category
		var env sql.NullInt64
		if err := rows.Scan(&id, &cat.ID, &cat.Position, &cat.Name, &cat.Description,
			&cat.Rule.Kind, &cat.Rule.FlatCents, &cat.Rule.RateBP, &cat.Rule.CapCents,
			&cat.Rule.FloorCents, &env); err != nil {
			return fmt.Errorf("read categories: %w", err)
		}
		if env.Valid {
			cat.EnvelopeCents = &env.Int64
		}
		if i, ok := index[id]; ok {
			list[i].Categories = append(list[i].Categories, cat)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read categories: %w", err)
	}
	return nil
}

func nullID(p *int64) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *p, Valid: true}
}

func nullCents(p *int64) sql.NullInt64 { return nullID(p) }
