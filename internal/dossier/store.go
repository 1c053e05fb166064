package dossier

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/search"
)

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func notFound(err error, key string) error {
	if db.IsNotFound(err) {
		return apperr.New(apperr.NotFound, key)
	}
	return err
}

// ---- Dossiers ----

const dossierCols = `d.id, d.campaign_id, d.structure_id, d.category_id, d.state, d.title, d.summary, d.description,
	d.answers_json, d.communes, d.timeline, d.support_cents, d.extended_until, COALESCE(d.created_by, 0),
	d.created_at, d.updated_at, d.submitted_at, s.name, s.legal_form`

func scanDossier(sc interface{ Scan(...any) error }) (Dossier, error) {
	var d Dossier
	var state, answers, communes, form string
	var ext, sub sql.NullTime
	err := sc.Scan(&d.ID, &d.CampaignID, &d.StructureID, &d.CategoryID, &state, &d.Title, &d.Summary, &d.Description,
		&answers, &communes, &d.Timeline, &d.SupportCents, &ext, &d.CreatedBy, &d.CreatedAt, &d.UpdatedAt, &sub,
		&d.StructureName, &form)
	if err != nil {
		return d, err
	}
	d.State, d.LegalForm = State(state), LegalForm(form)
	d.Answers = map[string]string{}
	if answers != "" {
		if err := json.Unmarshal([]byte(answers), &d.Answers); err != nil {
			return d, fmt.Errorf("dossier %d answers: %w", d.ID, err)
		}
	}
	d.Communes = splitCodes(communes)
	if ext.Valid {
		t := ext.Time.UTC()
		d.ExtendedUntil = &t
	}
	if sub.Valid {
		t := sub.Time.UTC()
		d.SubmittedAt = &t
	}
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return d, nil
}

func splitCodes(s string) []string {
	var out []string
	for _, c := range strings.Split(s, ",") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// Insert saves a new dossier (state draft unless set) with its budget.
func Insert(ctx context.Context, q db.Querier, d *Dossier, now time.Time) error {
	now = utc(now)
	if d.State == "" {
		d.State = StateDraft
	}
	d.CreatedAt, d.UpdatedAt = now, now
	answers, err := answersJSON(d.Answers)
	if err != nil {
		return err
	}
	err = q.QueryRowContext(ctx, `INSERT INTO dossiers (campaign_id, structure_id, category_id, state, title, summary,
		description, answers_json, communes, timeline, total_cost_cents, support_cents, created_by, created_at, updated_at,
		submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		d.CampaignID, d.StructureID, d.CategoryID, string(d.State), d.Title, d.Summary, d.Description, answers,
		strings.Join(d.Communes, ","), d.Timeline, d.TotalCostCents(), d.SupportCents, nullID(d.CreatedBy), now, now,
		nullTime(d.SubmittedAt)).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("insert dossier: %w", err)
	}
	if err := search.Reindex(ctx, q, search.Dossiers, d.ID); err != nil {
		return err
	}
	return saveLines(ctx, q, d)
}

func answersJSON(m map[string]string) (string, error) {
	if m == nil {
		m = map[string]string{}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("encode answers: %w", err)
	}
	return string(b), nil
}

// Save writes the dossier's content (not its state): category, texts, communes, budget and the
// support, which the caller has computed from the category's rule.
func Save(ctx context.Context, q db.Querier, d *Dossier, now time.Time) error {
	d.UpdatedAt = utc(now)
	answers, err := answersJSON(d.Answers)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, `UPDATE dossiers SET structure_id = $1, category_id = $2, title = $3, summary = $4,
		description = $5, answers_json = $6, communes = $7, timeline = $8, total_cost_cents = $9, support_cents = $10,
		updated_at = $11 WHERE id = $12`,
		d.StructureID, d.CategoryID, d.Title, d.Summary, d.Description, answers, strings.Join(d.Communes, ","),
		d.Timeline, d.TotalCostCents(), d.SupportCents, d.UpdatedAt, d.ID)
	if err != nil {
		return fmt.Errorf("save dossier %d: %w", d.ID, err)
	}
	if err := search.Reindex(ctx, q, search.Dossiers, d.ID); err != nil {
		return err
	}
	return saveLines(ctx, q, d)
}

func saveLines(ctx context.Context, q db.Querier, d *Dossier) error {
	if _, err := q.ExecContext(ctx, "DELETE FROM dossier_lines WHERE dossier_id = $1", d.ID); err != nil {
		return fmt.Errorf("save budget lines: %w", err)
	}
	for _, ls := range [][]Line{d.Budget.Expenses, d.Budget.Fundings} {
		for i, l := range ls {
			_, err := q.ExecContext(ctx, `INSERT INTO dossier_lines (dossier_id, kind, position, source, label,
				amount_input, amount_cents, valid) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
				d.ID, string(l.Kind), i, string(l.Source), l.Label, l.AmountInput, l.AmountCents, l.Valid)
			if err != nil {
				return fmt.Errorf("save budget line: %w", err)
			}
		}
	}
	return nil
}

// ByID reads a dossier with its budget.
func ByID(ctx context.Context, q db.Querier, id int64) (*Dossier, error) {
	d, err := scanDossier(q.QueryRowContext(ctx, "SELECT "+dossierCols+
		" FROM dossiers d JOIN structures s ON s.id = d.structure_id WHERE d.id = $1", id))
	if err != nil {
		return nil, notFound(err, "dossier.not_found")
	}
	list := []Dossier{d}
	if err := loadLines(ctx, q, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// Filter selects dossiers of a campaign; zero fields select everything.
type Filter struct {
	CampaignID int64
	CategoryID int64
	State      State
	LegalForm  LegalForm
	AccountID  int64 // only the dossiers of structures this account is a member of
	WithLines  bool  // read the budget lines too (exports)
	// Search keeps the dossiers whose text matches, the best matches first (empty: all).
	Search search.Query
}

// List returns the dossiers matching f, by category then id (by relevance first when f
// searches).
func List(ctx context.Context, q db.Querier, f Filter) ([]Dossier, error) {
	where := []string{"d.campaign_id = $1"}
	args := []any{f.CampaignID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.CategoryID != 0 {
		add("d.category_id = $%d", f.CategoryID)
	}
	if f.State != "" {
		add("d.state = $%d", string(f.State))
	}
	if f.LegalForm != "" {
		add("s.legal_form = $%d", string(f.LegalForm))
	}
	if f.AccountID != 0 {
		add("d.structure_id IN (SELECT structure_id FROM structure_members WHERE account_id = $%d)", f.AccountID)
	}
	from, order := "dossiers d JOIN structures s ON s.id = d.structure_id", "d.category_id, d.id"
	if c, ok := search.Join(db.DialectOf(q), search.Dossiers, "d.id", f.Search, len(args)+1); ok {
		from, order = from+c.Join, c.Order+", "+order
		args = append(args, c.Arg)
	}
	rows, err := q.QueryContext(ctx, "SELECT "+dossierCols+" FROM "+from+" WHERE "+
		strings.Join(where, " AND ")+" ORDER BY "+order, args...)
	if err != nil {
		return nil, fmt.Errorf("list dossiers: %w", err)
	}
	var out []Dossier
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list dossiers: %w", err)
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if f.WithLines {
		if err := loadLines(ctx, q, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// loadLines reads the budget lines of the dossiers in one query per batch.
func loadLines(ctx context.Context, q db.Querier, ds []Dossier) error {
	index := map[int64]int{}
	for i := range ds {
		index[ds[i].ID] = i
		ds[i].Budget = Budget{}
	}
	for start := 0; start < len(ds); start += 500 {
		end := min(start+500, len(ds))
		args := make([]any, 0, end-start)
		for _, d := range ds[start:end] {
			args = append(args, d.ID)
		}
		rows, err := q.QueryContext(ctx, `SELECT dossier_id, kind, source, label, amount_input, amount_cents, valid
			FROM dossier_lines WHERE dossier_id IN (`+db.Placeholders(1, len(args))+`) ORDER BY dossier_id, kind, position`, args...)
		if err != nil {
			return fmt.Errorf("read budget lines: %w", err)
		}
		for rows.Next() {
			var id int64
			var l Line
			var kind, source string
			if err := rows.Scan(&id, &kind, &source, &l.Label, &l.AmountInput, &l.AmountCents, &l.Valid); err != nil {
				rows.Close()
				return fmt.Errorf("read budget lines: %w", err)
			}
			l.Kind, l.Source = LineKind(kind), Source(source)
			d := &ds[index[id]]
			if l.Kind == Expense {
				d.Budget.Expenses = append(d.Budget.Expenses, l)
			} else {
				d.Budget.Fundings = append(d.Budget.Fundings, l)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// SetState moves a dossier from one state to another. It is the primitive of every state
// change (submission here, the review's decisions later): the update happens only if the
// dossier is still in from, else the change is refused as a conflict.
func SetState(ctx context.Context, q db.Querier, id int64, from, to State, now time.Time) error {
	res, err := q.ExecContext(ctx, "UPDATE dossiers SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
		string(to), utc(now), id, string(from))
	if err != nil {
		return fmt.Errorf("dossier %d %s → %s: %w", id, from, to, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "dossier.state_changed")
	}
	return nil
}

// MarkSubmitted moves a draft to submitted at now.
func MarkSubmitted(ctx context.Context, q db.Querier, id int64, now time.Time) error {
	if err := SetState(ctx, q, id, StateDraft, StateSubmitted, now); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, "UPDATE dossiers SET submitted_at = $1 WHERE id = $2", utc(now), id)
	return err
}

// SetExtension lets the dossier be edited and submitted until (nil: no extension).
func SetExtension(ctx context.Context, q db.Querier, id int64, until *time.Time, now time.Time) error {
	_, err := q.ExecContext(ctx, "UPDATE dossiers SET extended_until = $1, updated_at = $2 WHERE id = $3", nullTime(until), utc(now), id)
	if err != nil {
		return fmt.Errorf("extend dossier %d: %w", id, err)
	}
	return nil
}

// CategoryTotal is the count and requested support of a category's dossiers.
type CategoryTotal struct {
	CategoryID   int64
	Count        int
	SupportCents int64
	CostCents    int64
}

// TotalsByCategory sums the dossiers of a campaign by category, for the given states (none:
// every state).
func TotalsByCategory(ctx context.Context, q db.Querier, campaignID int64, states ...State) (map[int64]CategoryTotal, error) {
	query := `SELECT category_id, COUNT(*), COALESCE(SUM(support_cents), 0), COALESCE(SUM(total_cost_cents), 0)
		FROM dossiers WHERE campaign_id = $1`
	args := []any{campaignID}
	if len(states) > 0 {
		for _, s := range states {
			args = append(args, string(s))
		}
		query += " AND state IN (" + db.Placeholders(2, len(states)) + ")"
	}
	rows, err := q.QueryContext(ctx, query+" GROUP BY category_id", args...)
	if err != nil {
		return nil, fmt.Errorf("sum dossiers: %w", err)
	}
	defer rows.Close()
	out := map[int64]CategoryTotal{}
	for rows.Next() {
		var t CategoryTotal
		if err := rows.Scan(&t.CategoryID, &t.Count, &t.SupportCents, &t.CostCents); err != nil {
			return nil, err
		}
		out[t.CategoryID] = t
	}
	return out, rows.Err()
}
