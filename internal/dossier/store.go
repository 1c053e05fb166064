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
)

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func notFound(err error, key string) error {
	if db.IsNotFound(err) {
		return apperr.New(apperr.NotFound, key)
	}
	return err
}

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
}

// Members lists a structure's members.
func Members(ctx context.Context, q db.Querier, structureID int64) ([]Member, error) {
	rows, err := q.QueryContext(ctx, `SELECT a.id, a.email, a.display_name FROM structure_members m
		JOIN accounts a ON a.id = m.account_id WHERE m.structure_id = $1 ORDER BY m.added_at, a.id`, structureID)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.AccountID, &m.Email, &m.Name); err != nil {
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
}

// List returns the dossiers matching f, by category then id.
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
	rows, err := q.QueryContext(ctx, "SELECT "+dossierCols+" FROM dossiers d JOIN structures s ON s.id = d.structure_id WHERE "+
		strings.Join(where, " AND ")+" ORDER BY d.category_id, d.id", args...)
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

// ---- Documents ----

const docCols = "id, dossier_id, kind, blob_key, filename, content_type, size, sha256, COALESCE(uploaded_by, 0), uploaded_at"

func scanDoc(sc interface{ Scan(...any) error }) (Document, error) {
	var d Document
	var kind string
	err := sc.Scan(&d.ID, &d.DossierID, &kind, &d.BlobKey, &d.Filename, &d.ContentType, &d.Size, &d.SHA256, &d.UploadedBy, &d.UploadedAt)
	d.Kind = DocKind(kind)
	d.UploadedAt = d.UploadedAt.UTC()
	return d, err
}

// Documents lists a dossier's documents in kind order.
func Documents(ctx context.Context, q db.Querier, dossierID int64) ([]Document, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+docCols+" FROM dossier_documents WHERE dossier_id = $1", dossierID)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()
	byKind := map[DocKind]Document{}
	for rows.Next() {
		d, err := scanDoc(rows)
		if err != nil {
			return nil, err
		}
		byKind[d.Kind] = d
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Document
	for _, k := range DocKinds() {
		if d, ok := byKind[k]; ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// DocumentByID reads one document of a dossier.
func DocumentByID(ctx context.Context, q db.Querier, dossierID, id int64) (*Document, error) {
	d, err := scanDoc(q.QueryRowContext(ctx, "SELECT "+docCols+" FROM dossier_documents WHERE id = $1 AND dossier_id = $2", id, dossierID))
	if err != nil {
		return nil, notFound(err, "dossier.document.not_found")
	}
	return &d, nil
}

// PutDocument records doc as the dossier's document of its kind and returns the blob key of
// the document it replaces ("" if none), for the caller to delete once committed.
func PutDocument(ctx context.Context, q db.Querier, doc *Document) (replaced string, err error) {
	err = q.QueryRowContext(ctx, "SELECT blob_key FROM dossier_documents WHERE dossier_id = $1 AND kind = $2",
		doc.DossierID, string(doc.Kind)).Scan(&replaced)
	if err != nil && !db.IsNotFound(err) {
		return "", fmt.Errorf("read document: %w", err)
	}
	if replaced != "" {
		if _, err := q.ExecContext(ctx, "DELETE FROM dossier_documents WHERE dossier_id = $1 AND kind = $2", doc.DossierID, string(doc.Kind)); err != nil {
			return "", fmt.Errorf("replace document: %w", err)
		}
	}
	doc.UploadedAt = utc(doc.UploadedAt)
	err = q.QueryRowContext(ctx, `INSERT INTO dossier_documents (dossier_id, kind, blob_key, filename, content_type, size,
		sha256, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		doc.DossierID, string(doc.Kind), doc.BlobKey, doc.Filename, doc.ContentType, doc.Size, doc.SHA256,
		nullID(doc.UploadedBy), doc.UploadedAt).Scan(&doc.ID)
	if err != nil {
		return "", fmt.Errorf("insert document: %w", err)
	}
	return replaced, nil
}

// DeleteDocument removes a document record and returns its blob key.
func DeleteDocument(ctx context.Context, q db.Querier, dossierID, id int64) (string, error) {
	var key string
	err := q.QueryRowContext(ctx, "DELETE FROM dossier_documents WHERE id = $1 AND dossier_id = $2 RETURNING blob_key", id, dossierID).Scan(&key)
	if err != nil {
		return "", notFound(err, "dossier.document.not_found")
	}
	return key, nil
}
