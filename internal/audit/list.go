package audit

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"budgetcitoyen/internal/db"
)

// Filter narrows a listing of the log; zero fields match everything.
type Filter struct {
	EntityKind string
	EntityID   string
	ActorID    *int64
	CampaignID *int64
	Action     string // prefix, e.g. "campaign." or "dossier.submit"
	From, To   time.Time
	Limit      int // default 200
	BeforeID   int64
}

// List returns the entries matching f, newest first.
func List(ctx context.Context, q db.Querier, f Filter) ([]Entry, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.EntityKind != "" {
		add("entity_kind = $%d", f.EntityKind)
	}
	if f.EntityID != "" {
		add("entity_id = $%d", f.EntityID)
	}
	if f.ActorID != nil {
		add("actor_id = $%d", *f.ActorID)
	}
	if f.CampaignID != nil {
		add("campaign_id = $%d", *f.CampaignID)
	}
	if f.Action != "" {
		add(`action LIKE $%d ESCAPE '\'`, escapeLike(f.Action)+"%")
	}
	if !f.From.IsZero() {
		add("at >= $%d", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("at < $%d", f.To.UTC())
	}
	if f.BeforeID > 0 {
		add("id < $%d", f.BeforeID)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	query := `SELECT id, at, actor_id, actor, action, entity_kind, entity_id, campaign_id,
		before_json, after_json, prev_hash, hash FROM audit_log`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", limit)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit log: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

func scanEntry(rows *sql.Rows) (Entry, error) {
	var e Entry
	var actorID, campaignID sql.NullInt64
	if err := rows.Scan(&e.ID, &e.At, &actorID, &e.Actor, &e.Action, &e.EntityKind, &e.EntityID, &campaignID,
		&e.Before, &e.After, &e.PrevHash, &e.Hash); err != nil {
		return Entry{}, fmt.Errorf("scan audit entry: %w", err)
	}
	e.At = e.At.UTC()
	if actorID.Valid {
		e.ActorID = &actorID.Int64
	}
	if campaignID.Valid {
		e.CampaignID = &campaignID.Int64
	}
	return e, nil
}
