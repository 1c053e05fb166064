package idea

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/search"
)

const columns = `id, campaign_id, author_id, title, description, theme, commune, arrondissement, epci,
	carrier, structure, created_at, hidden_at, hidden_reason, hidden_by`

// Insert stores a new idea and sets its ID. The caller has checked it (the Submit command
// does); the database only guards its references.
func Insert(ctx context.Context, q db.Querier, i *Idea) error {
	i.CreatedAt = i.CreatedAt.UTC().Truncate(time.Microsecond)
	err := q.QueryRowContext(ctx, `INSERT INTO ideas (campaign_id, author_id, title, description, theme, commune,
		arrondissement, epci, carrier, structure, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		i.CampaignID, i.AuthorID, i.Title, i.Description, string(i.Theme), i.Commune,
		i.Arrondissement, i.EPCI, string(i.Carrier), i.Structure, i.CreatedAt).Scan(&i.ID)
	if err != nil {
		return fmt.Errorf("insert idea: %w", err)
	}
	return search.Reindex(ctx, q, search.Ideas, i.ID)
}

func errNotFound() error { return apperr.New(apperr.NotFound, "idea.error.not_found") }

// ByID returns an idea of a campaign (hidden or not), or an apperr NotFound.
func ByID(ctx context.Context, q db.Querier, campaignID, id int64) (*Idea, error) {
	row := q.QueryRowContext(ctx, "SELECT "+columns+" FROM ideas WHERE id = $1 AND campaign_id = $2", id, campaignID)
	i, err := scan(row)
	if db.IsNotFound(err) {
		return nil, errNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("read idea %d: %w", id, err)
	}
	return i, nil
}

// Filter selects ideas of one campaign for a list.
type Filter struct {
	CampaignID     int64
	Theme          Theme  // "" for all
	Arrondissement string // "" for all
	Commune        string // "" for all
	AuthorID       int64  // 0 for all
	IncludeHidden  bool   // moderation lists show hidden ideas too
	OnlyHidden     bool
	// Search keeps the ideas whose text matches, the best matches first (empty: all).
	Search        search.Query
	Limit, Offset int // Limit ≤ 0: no limit
}

// List returns the ideas of the filter, newest first (by relevance first when f searches),
// and how many match in all (for pagination).
func List(ctx context.Context, q db.Querier, f Filter) ([]Idea, int, error) {
	where := []string{"campaign_id = $1"}
	args := []any{f.CampaignID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Theme != "" {
		add("theme = $%d", string(f.Theme))
	}
	if f.Arrondissement != "" {
		add("arrondissement = $%d", f.Arrondissement)
	}
	if f.Commune != "" {
		add("commune = $%d", f.Commune)
	}
	if f.AuthorID != 0 {
		add("author_id = $%d", f.AuthorID)
	}
	switch {
	case f.OnlyHidden:
		where = append(where, "hidden_at IS NOT NULL")
	case !f.IncludeHidden:
		where = append(where, "hidden_at IS NULL")
	}
	cond := strings.Join(where, " AND ")
	from, order := "ideas", "created_at DESC, id DESC"
	if c, ok := search.Join(db.DialectOf(q), search.Ideas, "ideas.id", f.Search, len(args)+1); ok {
		from, order = from+c.Join, c.Order+", "+order
		args = append(args, c.Arg)
	}
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+from+" WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count ideas: %w", err)
	}
	query := "SELECT " + columns + " FROM " + from + " WHERE " + cond + " ORDER BY " + order
	if f.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list ideas: %w", err)
	}
	defer rows.Close()
	var out []Idea
	for rows.Next() {
		i, err := scan(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan idea: %w", err)
		}
		out = append(out, *i)
	}
	return out, total, rows.Err()
}

// MarkHidden hides a published idea with the moderator's reason (by 0: the platform);
// hiding a hidden idea is an apperr Conflict. The Hide command is the change that calls it.
func MarkHidden(ctx context.Context, q db.Querier, campaignID, id int64, reason string, by int64, now time.Time) error {
	var byArg any
	if by != 0 {
		byArg = by
	}
	res, err := q.ExecContext(ctx, `UPDATE ideas SET hidden_at = $1, hidden_reason = $2, hidden_by = $3
		WHERE id = $4 AND campaign_id = $5 AND hidden_at IS NULL`,
		now.UTC().Truncate(time.Microsecond), reason, byArg, id, campaignID)
	return settled(ctx, q, res, err, campaignID, id, "idea.error.already_hidden")
}

// MarkPublished publishes a hidden idea again; restoring a published idea is an apperr
// Conflict. The Restore command is the change that calls it.
func MarkPublished(ctx context.Context, q db.Querier, campaignID, id int64) error {
	res, err := q.ExecContext(ctx, `UPDATE ideas SET hidden_at = NULL, hidden_reason = '', hidden_by = NULL
		WHERE id = $1 AND campaign_id = $2 AND hidden_at IS NOT NULL`, id, campaignID)
	return settled(ctx, q, res, err, campaignID, id, "idea.error.not_hidden")
}

// settled turns an UPDATE that changed no row into NotFound or Conflict.
func settled(ctx context.Context, q db.Querier, res sql.Result, err error, campaignID, id int64, conflictKey string) error {
	if err != nil {
		return fmt.Errorf("update idea %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("update idea %d: %w", id, err)
	}
	if n == 1 {
		return nil
	}
	if _, err := ByID(ctx, q, campaignID, id); err != nil {
		return err
	}
	return apperr.New(apperr.Conflict, conflictKey)
}

// CountByCommune returns, for a campaign, the number of its ideas (published and hidden)
// in each commune, by INSEE code. Communes without ideas are absent.
func CountByCommune(ctx context.Context, q db.Querier, campaignID int64) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, "SELECT commune, COUNT(*) FROM ideas WHERE campaign_id = $1 GROUP BY commune", campaignID)
	if err != nil {
		return nil, fmt.Errorf("count ideas by commune: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return nil, fmt.Errorf("count ideas by commune: %w", err)
		}
		out[code] = n
	}
	return out, rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

func scan(s scanner) (*Idea, error) {
	var (
		i        Idea
		theme    string
		carrier  string
		hiddenAt sql.NullTime
		hiddenBy sql.NullInt64
	)
	if err := s.Scan(&i.ID, &i.CampaignID, &i.AuthorID, &i.Title, &i.Description, &theme, &i.Commune,
		&i.Arrondissement, &i.EPCI, &carrier, &i.Structure, &i.CreatedAt, &hiddenAt, &i.HiddenReason, &hiddenBy); err != nil {
		return nil, err
	}
	i.Theme, i.Carrier = Theme(theme), Carrier(carrier)
	i.CreatedAt = i.CreatedAt.UTC()
	if hiddenAt.Valid {
		t := hiddenAt.Time.UTC()
		i.HiddenAt = &t
	}
	if hiddenBy.Valid {
		v := hiddenBy.Int64
		i.HiddenBy = &v
	}
	return &i, nil
}
