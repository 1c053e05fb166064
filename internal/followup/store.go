package followup

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
)

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// date parses a stored YYYY-MM-DD (” is the zero date).
func date(s string) campaign.Date {
	d, _ := campaign.ParseDate(s)
	return d
}

// dateText is what a date is stored as (” for the zero date).
func dateText(d campaign.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// timePtr returns the time of t in UTC, nil for NULL.
func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// SettingsOf returns a campaign's follow-up settings, the defaults while none were saved.
func SettingsOf(ctx context.Context, q db.Querier, campaignID int64) (Settings, error) {
	var steps, indicators, due string
	s := DefaultSettings()
	err := q.QueryRowContext(ctx, `SELECT steps, indicators, max_photos, advance_percent, report_due_on, stale_months
		FROM followup_settings WHERE campaign_id = $1`, campaignID).
		Scan(&steps, &indicators, &s.MaxPhotos, &s.AdvancePercent, &due, &s.StaleMonths)
	if db.IsNotFound(err) {
		return DefaultSettings(), nil
	}
	if err != nil {
		return s, fmt.Errorf("read follow-up settings: %w", err)
	}
	s.Steps, s.Indicators, s.ReportDueOn = labels(steps), labels(indicators), date(due)
	return s, nil
}

// SaveSettings writes a campaign's follow-up settings (validated by ParseSettings).
func SaveSettings(ctx context.Context, q db.Querier, campaignID int64, s Settings, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO followup_settings (campaign_id, steps, indicators, max_photos,
		advance_percent, report_due_on, stale_months, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (campaign_id) DO UPDATE SET steps = excluded.steps, indicators = excluded.indicators,
		max_photos = excluded.max_photos, advance_percent = excluded.advance_percent,
		report_due_on = excluded.report_due_on, stale_months = excluded.stale_months, updated_at = excluded.updated_at`,
		campaignID, strings.Join(s.Steps, "\n"), strings.Join(s.Indicators, "\n"), s.MaxPhotos, s.AdvancePercent,
		dateText(s.ReportDueOn), s.StaleMonths, utc(now))
	if err != nil {
		return fmt.Errorf("save follow-up settings: %w", err)
	}
	return nil
}

// Ensure creates the follow-up row of a funded project if it has none yet.
func Ensure(ctx context.Context, q db.Querier, campaignID, dossierID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO followup_projects (dossier_id, campaign_id, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (dossier_id) DO NOTHING`, dossierID, campaignID, utc(now))
	if err != nil {
		return fmt.Errorf("create follow-up of dossier %d: %w", dossierID, err)
	}
	return nil
}

// SetStepProgress records the step and progress a project reached (a published update).
func SetStepProgress(ctx context.Context, q db.Querier, campaignID, dossierID int64, step int, progress *int, now time.Time) error {
	if err := Ensure(ctx, q, campaignID, dossierID, now); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `UPDATE followup_projects SET step = CASE WHEN $1 > step THEN $1 ELSE step END,
		progress = COALESCE($2, progress), updated_at = $3 WHERE dossier_id = $4`, step, progress, utc(now), dossierID)
	if err != nil {
		return fmt.Errorf("record follow-up progress: %w", err)
	}
	return nil
}

// Project is one funded project as the follow-up pages list it.
type Project struct {
	DossierID        int64
	CampaignID       int64
	CategoryID       int64
	Title            string
	StructureName    string
	StructureCommune string   // INSEE code of the carrier structure
	Communes         []string // INSEE codes where the project acts
	StructureID      int64    // the carrier structure (its members are the carriers)
	State            dossier.State
	GrantedCents     int64
	PaidCents        int64
	Step             int
	Progress         int
	Updates          int          // published updates
	LastUpdateAt     *time.Time   // the last published update
	Pending          int          // updates waiting for an agent
	Report           ReportStatus // "" while none was filed
	ReportAt         *time.Time
}

const projectsQuery = `SELECT d.id, d.campaign_id, d.category_id, d.title, s.name, s.commune, d.communes, d.structure_id, d.state,
	g.amount_cents,
	COALESCE((SELECT SUM(p.amount_cents) FROM followup_payments p WHERE p.dossier_id = d.id), 0),
	COALESCE(f.step, 0), COALESCE(f.progress, 0),
	(SELECT COUNT(*) FROM followup_updates u WHERE u.dossier_id = d.id AND u.status = 'published'),
	(SELECT COUNT(*) FROM followup_updates u WHERE u.dossier_id = d.id AND u.status = 'pending'),
	COALESCE(r.status, ''), r.submitted_at
	FROM dossiers d JOIN structures s ON s.id = d.structure_id
	JOIN review_grants g ON g.dossier_id = d.id
	LEFT JOIN followup_projects f ON f.dossier_id = d.id
	LEFT JOIN followup_reports r ON r.dossier_id = d.id
	WHERE %s AND d.state IN ('granted', 'in_progress', 'completed', 'abandoned')
	ORDER BY d.category_id, d.title, d.id`

// Projects returns the funded projects of a campaign (granted, in progress, completed or
// abandoned), by category then title.
func Projects(ctx context.Context, q db.Querier, campaignID int64) ([]Project, error) {
	return listProjects(ctx, q, "d.campaign_id = $1", campaignID)
}

// ProjectOf returns one funded project, or NotFound for a dossier that was not funded.
func ProjectOf(ctx context.Context, q db.Querier, dossierID int64) (*Project, error) {
	ps, err := listProjects(ctx, q, "d.id = $1", dossierID)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, apperr.New(apperr.NotFound, "followup.not_funded")
	}
	return &ps[0], nil
}

func listProjects(ctx context.Context, q db.Querier, where string, arg any) ([]Project, error) {
	rows, err := q.QueryContext(ctx, fmt.Sprintf(projectsQuery, where), arg)
	if err != nil {
		return nil, fmt.Errorf("list followed projects: %w", err)
	}
	defer rows.Close()
	var out []Project
	for rows.Next() {
		var p Project
		var communes string
		var reportAt sql.NullTime
		if err := rows.Scan(&p.DossierID, &p.CampaignID, &p.CategoryID, &p.Title, &p.StructureName, &p.StructureCommune,
			&communes, &p.StructureID, &p.State, &p.GrantedCents, &p.PaidCents, &p.Step, &p.Progress, &p.Updates,
			&p.Pending, &p.Report, &reportAt); err != nil {
			return nil, fmt.Errorf("read followed project: %w", err)
		}
		p.ReportAt = timePtr(reportAt)
		for _, c := range strings.Split(communes, ",") {
			if c = strings.TrimSpace(c); c != "" {
				p.Communes = append(p.Communes, c)
			}
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list followed projects: %w", err)
	}
	rows.Close()
	return out, lastUpdates(ctx, q, out)
}

// lastUpdates fills the time of each project's last published update. It is read apart:
// SQLite gives MAX of a time column as text.
func lastUpdates(ctx context.Context, q db.Querier, ps []Project) error {
	if len(ps) == 0 {
		return nil
	}
	at := map[int64]int{}
	args := make([]any, len(ps))
	for i, p := range ps {
		at[p.DossierID] = i
		args[i] = p.DossierID
	}
	rows, err := q.QueryContext(ctx, `SELECT dossier_id, published_at FROM followup_updates
		WHERE status = 'published' AND dossier_id IN (`+db.Placeholders(1, len(ps))+`)`, args...)
	if err != nil {
		return fmt.Errorf("list last updates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t time.Time
		if err := rows.Scan(&id, &t); err != nil {
			return fmt.Errorf("read last update: %w", err)
		}
		p := &ps[at[id]]
		if t = t.UTC(); p.LastUpdateAt == nil || t.After(*p.LastUpdateAt) {
			p.LastUpdateAt = &t
		}
	}
	return rows.Err()
}

const updateColumns = `id, dossier_id, campaign_id, status, title, body, planned_on, done_on, step, progress,
	author_id, created_at, review_comment, reviewed_by, reviewed_at, published_at`

func scanUpdate(sc interface{ Scan(...any) error }) (Update, error) {
	var u Update
	var planned, done string
	var progress, author, reviewer sql.NullInt64
	var reviewed, published sql.NullTime
	err := sc.Scan(&u.ID, &u.DossierID, &u.CampaignID, &u.Status, &u.Title, &u.Body, &planned, &done, &u.Step,
		&progress, &author, &u.CreatedAt, &u.ReviewComment, &reviewer, &reviewed, &published)
	if err != nil {
		return u, fmt.Errorf("read follow-up update: %w", err)
	}
	u.PlannedOn, u.DoneOn = date(planned), date(done)
	if progress.Valid {
		n := int(progress.Int64)
		u.Progress = &n
	}
	u.AuthorID, u.ReviewedBy = author.Int64, reviewer.Int64
	u.ReviewedAt, u.PublishedAt = timePtr(reviewed), timePtr(published)
	u.CreatedAt = u.CreatedAt.UTC()
	return u, nil
}

// UpdateByID returns one update with its photos, or NotFound.
func UpdateByID(ctx context.Context, q db.Querier, id int64) (*Update, error) {
	u, err := scanUpdate(q.QueryRowContext(ctx, "SELECT "+updateColumns+" FROM followup_updates WHERE id = $1", id))
	if db.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "followup.update.not_found")
	}
	if err != nil {
		return nil, err
	}
	us := []Update{u}
	if err := loadPhotos(ctx, q, us); err != nil {
		return nil, err
	}
	return &us[0], nil
}

// Updates returns a project's updates with their photos, oldest first: the published ones
// only when public is true (the public timeline), all of them otherwise (the carrier's and
// the agents' view).
func Updates(ctx context.Context, q db.Querier, dossierID int64, public bool) ([]Update, error) {
	where := "dossier_id = $1"
	if public {
		where += " AND status = 'published'"
	}
	return listUpdates(ctx, q, "SELECT "+updateColumns+" FROM followup_updates WHERE "+where+" ORDER BY id", dossierID)
}

// PublishedUpdates returns a campaign's published updates, latest first, at most limit (the
// feed).
func PublishedUpdates(ctx context.Context, q db.Querier, campaignID int64, limit int) ([]Update, error) {
	return listUpdates(ctx, q, "SELECT "+updateColumns+` FROM followup_updates
		WHERE campaign_id = $1 AND status = 'published' ORDER BY published_at DESC, id DESC LIMIT $2`, campaignID, limit)
}

// PendingUpdates returns a campaign's updates waiting for an agent, oldest first.
func PendingUpdates(ctx context.Context, q db.Querier, campaignID int64) ([]Update, error) {
	return listUpdates(ctx, q, "SELECT "+updateColumns+` FROM followup_updates
		WHERE campaign_id = $1 AND status = 'pending' ORDER BY id`, campaignID)
}

func listUpdates(ctx context.Context, q db.Querier, query string, args ...any) ([]Update, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list follow-up updates: %w", err)
	}
	var out []Update
	for rows.Next() {
		u, err := scanUpdate(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list follow-up updates: %w", err)
	}
	return out, loadPhotos(ctx, q, out)
}

// loadPhotos fills the photos of the updates.
func loadPhotos(ctx context.Context, q db.Querier, us []Update) error {
	if len(us) == 0 {
		return nil
	}
	at := map[int64]int{}
	args := make([]any, len(us))
	for i, u := range us {
		at[u.ID] = i
		args[i] = u.ID
	}
	rows, err := q.QueryContext(ctx, `SELECT id, update_id, blob_key, content_type, size, sha256, alt_text, width, height, position
		FROM followup_photos WHERE update_id IN (`+db.Placeholders(1, len(us))+`) ORDER BY update_id, position, id`, args...)
	if err != nil {
		return fmt.Errorf("list follow-up photos: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p Photo
		if err := rows.Scan(&p.ID, &p.UpdateID, &p.BlobKey, &p.ContentType, &p.Size, &p.SHA256, &p.Alt, &p.Width,
			&p.Height, &p.Position); err != nil {
			return fmt.Errorf("read follow-up photo: %w", err)
		}
		u := &us[at[p.UpdateID]]
		u.Photos = append(u.Photos, p)
	}
	return rows.Err()
}

// PhotoByID returns one photo of an update, or NotFound.
func PhotoByID(ctx context.Context, q db.Querier, id int64) (*Photo, error) {
	var p Photo
	err := q.QueryRowContext(ctx, `SELECT id, update_id, blob_key, content_type, size, sha256, alt_text, width, height, position
		FROM followup_photos WHERE id = $1`, id).Scan(&p.ID, &p.UpdateID, &p.BlobKey, &p.ContentType, &p.Size, &p.SHA256,
		&p.Alt, &p.Width, &p.Height, &p.Position)
	if db.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "followup.photo.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("read follow-up photo: %w", err)
	}
	return &p, nil
}

// Payments returns a project's payments, by date.
func Payments(ctx context.Context, q db.Querier, dossierID int64) ([]Payment, error) {
	return listPayments(ctx, q, "dossier_id = $1", dossierID)
}

// CampaignPayments returns every payment of a campaign's projects, by project then date.
func CampaignPayments(ctx context.Context, q db.Querier, campaignID int64) ([]Payment, error) {
	return listPayments(ctx, q, "campaign_id = $1", campaignID)
}

func listPayments(ctx context.Context, q db.Querier, where string, arg any) ([]Payment, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, dossier_id, campaign_id, kind, amount_cents, paid_on, reference,
		recorded_by, recorded_at FROM followup_payments WHERE `+where+` ORDER BY dossier_id, paid_on, id`, arg)
	if err != nil {
		return nil, fmt.Errorf("list payments: %w", err)
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		var p Payment
		var paidOn string
		var by sql.NullInt64
		if err := rows.Scan(&p.ID, &p.DossierID, &p.CampaignID, &p.Kind, &p.AmountCents, &paidOn, &p.Reference, &by,
			&p.RecordedAt); err != nil {
			return nil, fmt.Errorf("read payment: %w", err)
		}
		p.PaidOn, p.RecordedBy, p.RecordedAt = date(paidOn), by.Int64, p.RecordedAt.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// ReportOf returns a project's final report with its files, nil while none was filed.
func ReportOf(ctx context.Context, q db.Querier, dossierID int64) (*Report, error) {
	var r Report
	var indicators string
	var by, reviewer sql.NullInt64
	var reviewed sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT dossier_id, campaign_id, status, indicators, summary, total_cost_cents,
		submitted_by, submitted_at, review_comment, reviewed_by, reviewed_at FROM followup_reports WHERE dossier_id = $1`,
		dossierID).Scan(&r.DossierID, &r.CampaignID, &r.Status, &indicators, &r.Summary, &r.TotalCostCents, &by,
		&r.SubmittedAt, &r.ReviewComment, &reviewer, &reviewed)
	if db.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read final report: %w", err)
	}
	if err := json.Unmarshal([]byte(indicators), &r.Indicators); err != nil {
		return nil, fmt.Errorf("read final report's indicators: %w", err)
	}
	r.SubmittedBy, r.ReviewedBy, r.ReviewedAt, r.SubmittedAt = by.Int64, reviewer.Int64, timePtr(reviewed), r.SubmittedAt.UTC()
	rows, err := q.QueryContext(ctx, `SELECT id, dossier_id, blob_key, filename, content_type, size, sha256, uploaded_at
		FROM followup_report_files WHERE dossier_id = $1 ORDER BY id`, dossierID)
	if err != nil {
		return nil, fmt.Errorf("list final report's files: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f ReportFile
		if err := rows.Scan(&f.ID, &f.DossierID, &f.BlobKey, &f.Filename, &f.ContentType, &f.Size, &f.SHA256,
			&f.UploadedAt); err != nil {
			return nil, fmt.Errorf("read final report's file: %w", err)
		}
		f.UploadedAt = f.UploadedAt.UTC()
		r.Files = append(r.Files, f)
	}
	return &r, rows.Err()
}
