package review

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
)

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// ---- Members ----

// Member is a member of a campaign's labelling committee.
type Member struct {
	CampaignID   int64
	AccountID    int64
	Email        string
	Name         string
	Kind         Kind
	Organisation string
	AddedAt      time.Time
	// Counted by Members: active assignments and reviews handed in.
	Assigned, Submitted, Conflicts int
}

// PutMember adds the account to the committee (or changes its kind and organisation). The
// caller grants the committee role for the campaign in the same transaction.
func PutMember(ctx context.Context, q db.Querier, m *Member, now time.Time) error {
	m.AddedAt = utc(now)
	_, err := q.ExecContext(ctx, `INSERT INTO review_members (campaign_id, account_id, kind, organisation, added_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (campaign_id, account_id) DO UPDATE SET kind = excluded.kind,
		organisation = excluded.organisation`, m.CampaignID, m.AccountID, string(m.Kind), m.Organisation, m.AddedAt)
	if err != nil {
		return fmt.Errorf("put committee member: %w", err)
	}
	return nil
}

// RemoveMember takes the account off the committee; its assignments without a review handed
// in are removed too (the caller rebalances).
func RemoveMember(ctx context.Context, q db.Querier, campaignID, accountID int64) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM review_assignments WHERE campaign_id = $1 AND account_id = $2
		AND submitted_at IS NULL AND conflict <> 'conflict'`, campaignID, accountID); err != nil {
		return fmt.Errorf("remove member's assignments: %w", err)
	}
	if _, err := q.ExecContext(ctx, "DELETE FROM review_members WHERE campaign_id = $1 AND account_id = $2",
		campaignID, accountID); err != nil {
		return fmt.Errorf("remove committee member: %w", err)
	}
	return nil
}

// Members lists the committee of a campaign with each member's workload, by kind then name.
func Members(ctx context.Context, q db.Querier, campaignID int64) ([]Member, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.account_id, a.email, a.display_name, m.kind, m.organisation, m.added_at,
		(SELECT COUNT(*) FROM review_assignments x WHERE x.campaign_id = m.campaign_id AND x.account_id = m.account_id AND x.conflict <> 'conflict'),
		(SELECT COUNT(*) FROM review_assignments x WHERE x.campaign_id = m.campaign_id AND x.account_id = m.account_id AND x.submitted_at IS NOT NULL),
		(SELECT COUNT(*) FROM review_assignments x WHERE x.campaign_id = m.campaign_id AND x.account_id = m.account_id AND x.conflict = 'conflict')
		FROM review_members m JOIN accounts a ON a.id = m.account_id WHERE m.campaign_id = $1
		ORDER BY m.kind, a.display_name, a.id`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("list committee: %w", err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		m := Member{CampaignID: campaignID}
		var kind string
		if err := rows.Scan(&m.AccountID, &m.Email, &m.Name, &kind, &m.Organisation, &m.AddedAt,
			&m.Assigned, &m.Submitted, &m.Conflicts); err != nil {
			return nil, fmt.Errorf("read committee member: %w", err)
		}
		m.Kind, m.AddedAt = Kind(kind), m.AddedAt.UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// IsMember reports whether the account sits on the campaign's committee.
func IsMember(ctx context.Context, q db.Querier, campaignID, accountID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM review_members WHERE campaign_id = $1 AND account_id = $2",
		campaignID, accountID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("committee membership: %w", err)
	}
	return n > 0, nil
}

// ---- Settings ----

// DefaultMinReviewers is the number of reviewers per dossier until agents set it.
const DefaultMinReviewers = 2

// MinReviewers returns the campaign's number of reviewers per dossier.
func MinReviewers(ctx context.Context, q db.Querier, campaignID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT min_reviewers FROM review_settings WHERE campaign_id = $1", campaignID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultMinReviewers, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read review settings: %w", err)
	}
	return n, nil
}

// SetMinReviewers sets the campaign's number of reviewers per dossier (1 to 9).
func SetMinReviewers(ctx context.Context, q db.Querier, campaignID int64, n int, now time.Time) error {
	if n < 1 || n > 9 {
		fe := apperr.FieldErrors{}
		fe.Add("min_reviewers", "review.settings.min_invalid", 9)
		return fe.Err()
	}
	_, err := q.ExecContext(ctx, `INSERT INTO review_settings (campaign_id, min_reviewers, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (campaign_id) DO UPDATE SET min_reviewers = excluded.min_reviewers, updated_at = excluded.updated_at`,
		campaignID, n, utc(now))
	if err != nil {
		return fmt.Errorf("save review settings: %w", err)
	}
	return nil
}

// ---- Criteria ----

// Criteria returns the grids of the categories (stored ones only; see EnsureCriteria).
func Criteria(ctx context.Context, q db.Querier, categoryIDs ...int64) (map[int64][]Criterion, error) {
	out := map[int64][]Criterion{}
	if len(categoryIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(categoryIDs))
	for i, id := range categoryIDs {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `SELECT id, category_id, position, label, weight FROM review_criteria
		WHERE category_id IN (`+db.Placeholders(1, len(args))+`) ORDER BY category_id, position`, args...)
	if err != nil {
		return nil, fmt.Errorf("read criteria: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Criterion
		if err := rows.Scan(&c.ID, &c.CategoryID, &c.Position, &c.Label, &c.Weight); err != nil {
			return nil, fmt.Errorf("read criterion: %w", err)
		}
		out[c.CategoryID] = append(out[c.CategoryID], c)
	}
	return out, rows.Err()
}

// EnsureCriteria gives the category the default grid if it has none yet.
func EnsureCriteria(ctx context.Context, q db.Querier, categoryID int64) error {
	m, err := Criteria(ctx, q, categoryID)
	if err != nil || len(m[categoryID]) > 0 {
		return err
	}
	return insertCriteria(ctx, q, categoryID, DefaultCriteria())
}

func insertCriteria(ctx context.Context, q db.Querier, categoryID int64, cs []Criterion) error {
	for i, c := range cs {
		if _, err := q.ExecContext(ctx, "INSERT INTO review_criteria (category_id, position, label, weight) VALUES ($1, $2, $3, $4)",
			categoryID, i, c.Label, c.Weight); err != nil {
			return fmt.Errorf("save criterion: %w", err)
		}
	}
	return nil
}

// SetCriteria replaces a category's grid. It is refused once a review of the category has a
// score: the scores refer to the grid's lines.
func SetCriteria(ctx context.Context, q db.Querier, categoryID int64, cs []Criterion) error {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM review_assignments a JOIN dossiers d ON d.id = a.dossier_id
		WHERE d.category_id = $1 AND a.scores_json <> '{}'`, categoryID).Scan(&n)
	if err != nil {
		return fmt.Errorf("count scored reviews: %w", err)
	}
	if n > 0 {
		return apperr.New(apperr.Conflict, "review.criteria.locked")
	}
	if _, err := q.ExecContext(ctx, "DELETE FROM review_criteria WHERE category_id = $1", categoryID); err != nil {
		return fmt.Errorf("clear criteria: %w", err)
	}
	return insertCriteria(ctx, q, categoryID, cs)
}

// ---- Assignments and reviews ----

const assignmentCols = `a.id, a.campaign_id, a.dossier_id, a.account_id, ac.display_name, ac.email, COALESCE(m.kind, ''),
	a.automatic, a.assigned_at, a.conflict, a.conflict_note, a.declared_at, a.checklist_json, a.scores_json, a.opinion,
	a.motivation, a.submitted_at, a.updated_at`

const assignmentFrom = ` FROM review_assignments a JOIN accounts ac ON ac.id = a.account_id
	LEFT JOIN review_members m ON m.campaign_id = a.campaign_id AND m.account_id = a.account_id`

func scanAssignment(sc interface{ Scan(...any) error }) (Assignment, error) {
	var a Assignment
	var kind, conflict, checklist, scores, opinion string
	var declared, submitted sql.NullTime
	err := sc.Scan(&a.ID, &a.CampaignID, &a.DossierID, &a.AccountID, &a.MemberName, &a.MemberEmail, &kind, &a.Automatic,
		&a.AssignedAt, &conflict, &a.ConflictNote, &declared, &checklist, &scores, &opinion, &a.Review.Motivation,
		&submitted, &a.UpdatedAt)
	if err != nil {
		return a, err
	}
	a.MemberKind, a.Conflict, a.Review.Opinion = Kind(kind), ConflictState(conflict), Opinion(opinion)
	a.AssignedAt, a.UpdatedAt = a.AssignedAt.UTC(), a.UpdatedAt.UTC()
	if declared.Valid {
		t := declared.Time.UTC()
		a.DeclaredAt = &t
	}
	if submitted.Valid {
		t := submitted.Time.UTC()
		a.Review.SubmittedAt = &t
	}
	a.Review.Checklist = map[Item]ItemCheck{}
	a.Review.Scores = map[int64]Score{}
	if err := json.Unmarshal([]byte(checklist), &a.Review.Checklist); err != nil {
		return a, fmt.Errorf("assignment %d checklist: %w", a.ID, err)
	}
	if err := json.Unmarshal([]byte(scores), &a.Review.Scores); err != nil {
		return a, fmt.Errorf("assignment %d scores: %w", a.ID, err)
	}
	return a, nil
}

func listAssignments(ctx context.Context, q db.Querier, where string, args ...any) ([]Assignment, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+assignmentCols+assignmentFrom+" WHERE "+where+
		" ORDER BY a.dossier_id, a.assigned_at, a.id", args...)
	if err != nil {
		return nil, fmt.Errorf("list assignments: %w", err)
	}
	defer rows.Close()
	var out []Assignment
	for rows.Next() {
		a, err := scanAssignment(rows)
		if err != nil {
			return nil, fmt.Errorf("read assignment: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Assignments lists the assignments of a campaign, by dossier.
func Assignments(ctx context.Context, q db.Querier, campaignID int64) ([]Assignment, error) {
	return listAssignments(ctx, q, "a.campaign_id = $1", campaignID)
}

// AssignmentsOf lists the dossiers assigned to a member in a campaign.
func AssignmentsOf(ctx context.Context, q db.Querier, campaignID, accountID int64) ([]Assignment, error) {
	return listAssignments(ctx, q, "a.campaign_id = $1 AND a.account_id = $2", campaignID, accountID)
}

// DossierAssignments lists the assignments of one dossier.
func DossierAssignments(ctx context.Context, q db.Querier, dossierID int64) ([]Assignment, error) {
	return listAssignments(ctx, q, "a.dossier_id = $1", dossierID)
}

// AssignmentFor returns the assignment of a dossier to a member, or NotFound.
func AssignmentFor(ctx context.Context, q db.Querier, dossierID, accountID int64) (*Assignment, error) {
	as, err := listAssignments(ctx, q, "a.dossier_id = $1 AND a.account_id = $2", dossierID, accountID)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, apperr.New(apperr.NotFound, "review.not_assigned")
	}
	return &as[0], nil
}

// CanOpen tells whether a committee member may open a dossier: assigned to it and declared
// without conflict. A member with a declared conflict is refused (Forbidden); one who has
// not declared yet is refused with the request to declare first.
func CanOpen(ctx context.Context, q db.Querier, dossierID, accountID int64) (*Assignment, error) {
	a, err := AssignmentFor(ctx, q, dossierID, accountID)
	if apperr.IsKind(err, apperr.NotFound) {
		return nil, apperr.New(apperr.Forbidden, "review.not_assigned")
	}
	if err != nil {
		return nil, err
	}
	switch a.Conflict {
	case ConflictDeclared:
		return a, apperr.New(apperr.Forbidden, "review.conflict_forbidden")
	case ConflictPending:
		return a, apperr.New(apperr.Forbidden, "review.declare_first")
	}
	return a, nil
}

// Assign gives a dossier to a member (nothing happens if it already is).
func Assign(ctx context.Context, q db.Querier, campaignID int64, p Pair, automatic bool, now time.Time) (bool, error) {
	now = utc(now)
	res, err := q.ExecContext(ctx, `INSERT INTO review_assignments (campaign_id, dossier_id, account_id, automatic,
		assigned_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dossier_id, account_id) DO NOTHING`,
		campaignID, p.DossierID, p.AccountID, automatic, now, now)
	if err != nil {
		return false, fmt.Errorf("assign dossier %d to %d: %w", p.DossierID, p.AccountID, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// Unassign removes an assignment whose review is not handed in.
func Unassign(ctx context.Context, q db.Querier, dossierID, accountID int64) error {
	res, err := q.ExecContext(ctx, `DELETE FROM review_assignments WHERE dossier_id = $1 AND account_id = $2
		AND submitted_at IS NULL AND conflict <> 'conflict'`, dossierID, accountID)
	if err != nil {
		return fmt.Errorf("unassign: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "review.unassign_refused")
	}
	return nil
}

// Declare records a member's declaration about an assigned dossier. Once a conflict is
// declared it stays: the declaration cannot be changed.
func Declare(ctx context.Context, q db.Querier, assignmentID int64, c ConflictState, note string, now time.Time) error {
	if c != ConflictNone && c != ConflictDeclared {
		return apperr.New(apperr.Invalid, "review.conflict_invalid")
	}
	now = utc(now)
	res, err := q.ExecContext(ctx, `UPDATE review_assignments SET conflict = $1, conflict_note = $2, declared_at = $3,
		updated_at = $3 WHERE id = $4 AND conflict <> 'conflict' AND submitted_at IS NULL`, string(c), note, now, assignmentID)
	if err != nil {
		return fmt.Errorf("declare conflict: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "review.declaration_closed")
	}
	return nil
}

// SaveReview writes a member's review; final hands it in (it cannot be changed afterwards).
func SaveReview(ctx context.Context, q db.Querier, assignmentID int64, r Review, final bool, now time.Time) error {
	checklist, err := json.Marshal(r.Checklist)
	if err != nil {
		return err
	}
	scores, err := json.Marshal(r.Scores)
	if err != nil {
		return err
	}
	now = utc(now)
	var submitted sql.NullTime
	if final {
		submitted = sql.NullTime{Time: now, Valid: true}
	}
	res, err := q.ExecContext(ctx, `UPDATE review_assignments SET checklist_json = $1, scores_json = $2, opinion = $3,
		motivation = $4, submitted_at = $5, updated_at = $6 WHERE id = $7 AND conflict = 'none' AND submitted_at IS NULL`,
		string(checklist), string(scores), string(r.Opinion), r.Motivation, submitted, now, assignmentID)
	if err != nil {
		return fmt.Errorf("save review: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "review.review_closed")
	}
	return nil
}

// ---- History ----

// Event is one step of a dossier's public history.
type Event struct {
	From, To   dossier.State
	Motivation string
	At         time.Time
}

func addHistory(ctx context.Context, q db.Querier, dossierID int64, from, to dossier.State, motivation string, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO review_history (dossier_id, from_state, to_state, motivation, at)
		VALUES ($1, $2, $3, $4, $5)`, dossierID, string(from), string(to), motivation, utc(now))
	if err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	return nil
}

// History returns the public history of a dossier after its submission, oldest first: its
// submission, then each state with its date and public motivation.
func History(ctx context.Context, q db.Querier, d *dossier.Dossier) ([]Event, error) {
	var out []Event
	if d.SubmittedAt != nil {
		out = append(out, Event{From: dossier.StateDraft, To: dossier.StateSubmitted, At: *d.SubmittedAt})
	}
	rows, err := q.QueryContext(ctx, `SELECT from_state, to_state, motivation, at FROM review_history
		WHERE dossier_id = $1 ORDER BY at, id`, d.ID)
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e Event
		var from, to string
		if err := rows.Scan(&from, &to, &e.Motivation, &e.At); err != nil {
			return nil, fmt.Errorf("read history: %w", err)
		}
		e.From, e.To, e.At = dossier.State(from), dossier.State(to), e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// LastMotivations returns, for the dossiers of a campaign, the public motivation of their
// current state (the latest history line), for the session view and the minutes.
func LastMotivations(ctx context.Context, q db.Querier, campaignID int64) (map[int64]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT h.dossier_id, h.motivation FROM review_history h
		JOIN dossiers d ON d.id = h.dossier_id WHERE d.campaign_id = $1 ORDER BY h.dossier_id, h.at, h.id`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("read motivations: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var m string
		if err := rows.Scan(&id, &m); err != nil {
			return nil, err
		}
		out[id] = m
	}
	return out, rows.Err()
}
