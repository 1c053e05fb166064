package dossier

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/search"
)

// The SQL of the structures, their members and the categories' questions.

// ---- Structures ----

const structureCols = `id, name, legal_form, esus, esus_date, siret, siren, rna, address, postcode, commune,
	COALESCE(created_by, 0), created_at, updated_at`

func scanStructure(sc interface{ Scan(...any) error }) (Structure, error) {
	var s Structure
	var form string
	var esusDate sql.NullTime
	err := sc.Scan(&s.ID, &s.Name, &form, &s.ESUS, &esusDate, &s.SIRET, &s.SIREN, &s.RNA, &s.Address,
		&s.Postcode, &s.Commune, &s.CreatedBy, &s.CreatedAt, &s.UpdatedAt)
	s.LegalForm = LegalForm(form)
	if esusDate.Valid {
		t := esusDate.Time.UTC()
		s.ESUSDate = &t
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return s, err
}

func nullTime(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: utc(*t), Valid: true}
}

// InsertStructure saves a new structure and makes the account (if not 0) its first member.
func InsertStructure(ctx context.Context, q db.Querier, s *Structure, accountID int64, now time.Time) error {
	now = utc(now)
	s.CreatedBy, s.CreatedAt, s.UpdatedAt = accountID, now, now
	err := q.QueryRowContext(ctx, `INSERT INTO structures (name, legal_form, esus, esus_date, siret, siren, rna,
		address, postcode, commune, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		s.Name, string(s.LegalForm), s.ESUS, nullTime(s.ESUSDate), s.SIRET, s.SIREN, s.RNA, s.Address, s.Postcode,
		s.Commune, nullID(accountID), now, now).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("insert structure: %w", err)
	}
	if accountID == 0 {
		return nil // imported or demo structure without an account yet
	}
	return AddMember(ctx, q, s.ID, accountID, now)
}

// UpdateStructure saves the structure's fields.
func UpdateStructure(ctx context.Context, q db.Querier, s *Structure, now time.Time) error {
	s.UpdatedAt = utc(now)
	_, err := q.ExecContext(ctx, `UPDATE structures SET name = $1, legal_form = $2, esus = $3, esus_date = $4,
		siret = $5, siren = $6, rna = $7, address = $8, postcode = $9, commune = $10, updated_at = $11 WHERE id = $12`,
		s.Name, string(s.LegalForm), s.ESUS, nullTime(s.ESUSDate), s.SIRET, s.SIREN, s.RNA, s.Address, s.Postcode,
		s.Commune, s.UpdatedAt, s.ID)
	if err != nil {
		return fmt.Errorf("update structure %d: %w", s.ID, err)
	}
	return reindexStructure(ctx, q, s.ID)
}

// reindexStructure indexes again the dossiers of a structure, whose name they are found by.
func reindexStructure(ctx context.Context, q db.Querier, structureID int64) error {
	rows, err := q.QueryContext(ctx, "SELECT id FROM dossiers WHERE structure_id = $1", structureID)
	if err != nil {
		return fmt.Errorf("dossiers of structure %d: %w", structureID, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("dossiers of structure %d: %w", structureID, err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if err := search.Reindex(ctx, q, search.Dossiers, id); err != nil {
			return err
		}
	}
	return nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// StructureByID reads a structure.
func StructureByID(ctx context.Context, q db.Querier, id int64) (*Structure, error) {
	s, err := scanStructure(q.QueryRowContext(ctx, "SELECT "+structureCols+" FROM structures WHERE id = $1", id))
	if err != nil {
		return nil, notFound(err, "dossier.structure.not_found")
	}
	return &s, nil
}

// StructuresOf lists the structures the account is a member of, by name.
func StructuresOf(ctx context.Context, q db.Querier, accountID int64) ([]Structure, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+structureCols+` FROM structures
		WHERE id IN (SELECT structure_id FROM structure_members WHERE account_id = $1) ORDER BY name, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("list structures: %w", err)
	}
	defer rows.Close()
	var out []Structure
	for rows.Next() {
		s, err := scanStructure(rows)
		if err != nil {
			return nil, fmt.Errorf("list structures: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// IsMember reports whether the account acts for the structure.
func IsMember(ctx context.Context, q db.Querier, structureID, accountID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM structure_members WHERE structure_id = $1 AND account_id = $2",
		structureID, accountID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check membership: %w", err)
	}
	return n > 0, nil
}

// AddMember lets one more account act for the structure (no error if it already does).
func AddMember(ctx context.Context, q db.Querier, structureID, accountID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO structure_members (structure_id, account_id, added_at) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, structureID, accountID, utc(now))
	if err != nil {
		return fmt.Errorf("add member to structure %d: %w", structureID, err)
	}
	return nil
}

// Member is an account acting for a structure.
type Member struct {
	AccountID int64
	Email     string
	Name      string
	Lang      string // the language of the account's e-mails
}

// Members lists a structure's members.
func Members(ctx context.Context, q db.Querier, structureID int64) ([]Member, error) {
	rows, err := q.QueryContext(ctx, `SELECT a.id, a.email, a.display_name, a.lang FROM structure_members m
		JOIN accounts a ON a.id = m.account_id WHERE m.structure_id = $1 ORDER BY m.added_at, a.id`, structureID)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.AccountID, &m.Email, &m.Name, &m.Lang); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ---- Category questions ----

// Questions returns the specific questions of the given categories, by category, in order.
func Questions(ctx context.Context, q db.Querier, categoryIDs ...int64) (map[int64][]Question, error) {
	out := map[int64][]Question{}
	if len(categoryIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(categoryIDs))
	for i, id := range categoryIDs {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `SELECT id, category_id, position, text FROM category_questions
		WHERE category_id IN (`+db.Placeholders(1, len(args))+`) ORDER BY category_id, position`, args...)
	if err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x Question
		if err := rows.Scan(&x.ID, &x.CategoryID, &x.Position, &x.Text); err != nil {
			return nil, err
		}
		out[x.CategoryID] = append(out[x.CategoryID], x)
	}
	return out, rows.Err()
}

// SetQuestions replaces a category's questions by texts (empty ones dropped). A question kept
// at the same position keeps its id, and so the answers already given to it.
func SetQuestions(ctx context.Context, q db.Querier, categoryID int64, texts []string) error {
	cur, err := Questions(ctx, q, categoryID)
	if err != nil {
		return err
	}
	var keep []string
	for _, t := range texts {
		if t = oneLine(t); t != "" {
			keep = append(keep, t)
		}
	}
	old := cur[categoryID]
	for i, t := range keep {
		if i < len(old) {
			if _, err := q.ExecContext(ctx, "UPDATE category_questions SET text = $1 WHERE id = $2", t, old[i].ID); err != nil {
				return fmt.Errorf("update question: %w", err)
			}
			continue
		}
		if _, err := q.ExecContext(ctx, "INSERT INTO category_questions (category_id, position, text) VALUES ($1, $2, $3)",
			categoryID, i, t); err != nil {
			return fmt.Errorf("insert question: %w", err)
		}
	}
	for i := len(keep); i < len(old); i++ {
		if _, err := q.ExecContext(ctx, "DELETE FROM category_questions WHERE id = $1", old[i].ID); err != nil {
			return fmt.Errorf("delete question: %w", err)
		}
	}
	return nil
}
