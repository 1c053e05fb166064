package vote

import (
	"context"
	"fmt"
	"strings"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
)

// Project is a project on the ballot, as voters and the results see it.
type Project struct {
	ID               int64
	CategoryID       int64
	Title            string
	Summary          string
	Description      string
	Communes         []string // INSEE codes where the project acts
	TotalCostCents   int64
	SupportCents     int64 // computed support: the project's cost for the results engine
	StructureName    string
	StructureCommune string // INSEE code of the carrier structure
	Theme            string // an idea theme key, or ""
	Photo            Photo  // the carrier's photo; Photo.DocID is 0 when there is none
}

// Photo is what pages need of a project's photo: the document, its content hash (its
// public URLs carry it, so that they change with the photo), its alternative text and its
// size as stored.
type Photo struct {
	DocID         int64
	SHA256        string
	Alt           string
	Width, Height int
}

// Option returns what the ballot rules need of the project.
func (p Project) Option() Option {
	return Option{ID: p.ID, CategoryID: p.CategoryID, SupportCents: p.SupportCents}
}

// Options returns the ballot options of projects.
func Options(ps []Project) []Option {
	out := make([]Option, len(ps))
	for i, p := range ps {
		out[i] = p.Option()
	}
	return out
}

const projectQuery = `SELECT d.id, d.category_id, d.title, d.summary, d.description, d.communes, d.total_cost_cents,
	d.support_cents, s.name, s.commune, COALESCE(t.theme, ''),
	COALESCE(ph.id, 0), COALESCE(ph.sha256, ''), COALESCE(ph.alt_text, ''), COALESCE(ph.width, 0), COALESCE(ph.height, 0)
	FROM dossiers d JOIN structures s ON s.id = d.structure_id
	LEFT JOIN vote_project_themes t ON t.dossier_id = d.id
	LEFT JOIN dossier_documents ph ON ph.dossier_id = d.id AND ph.kind = 'photo'
	WHERE d.campaign_id = $1 AND d.state IN (%s)
	ORDER BY COALESCE(d.submitted_at, d.created_at), d.id`

// BallotProjects returns the projects on the ballot of the campaign (dossiers in state
// StateOnBallot), in submission order (then by id).
func BallotProjects(ctx context.Context, q db.Querier, campaignID int64) ([]Project, error) {
	return ProjectsIn(ctx, q, campaignID, string(StateOnBallot))
}

// ProjectsIn returns the projects of the campaign whose dossiers are in one of states, in
// submission order (then by id): the results read those that were on the ballot, whatever
// happened to them since.
func ProjectsIn(ctx context.Context, q db.Querier, campaignID int64, states ...string) ([]Project, error) {
	args := make([]any, 0, 1+len(states))
	args = append(args, campaignID)
	for _, st := range states {
		args = append(args, st)
	}
	rows, err := q.QueryContext(ctx, fmt.Sprintf(projectQuery, db.Placeholders(2, len(states))), args...)
	if err != nil {
		return nil, fmt.Errorf("list projects in states %v: %w", states, err)
	}
	defer rows.Close()
	var out []Project
	for rows.Next() {
		var p Project
		var communes string
		if err := rows.Scan(&p.ID, &p.CategoryID, &p.Title, &p.Summary, &p.Description, &communes, &p.TotalCostCents,
			&p.SupportCents, &p.StructureName, &p.StructureCommune, &p.Theme,
			&p.Photo.DocID, &p.Photo.SHA256, &p.Photo.Alt, &p.Photo.Width, &p.Photo.Height); err != nil {
			return nil, fmt.Errorf("read project: %w", err)
		}
		for _, c := range strings.Split(communes, ",") {
			if c = strings.TrimSpace(c); c != "" {
				p.Communes = append(p.Communes, c)
			}
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PublicProjects returns the projects that reached the campaign's ballot, on it still or
// past it (winners, not funded, granted, followed up): their public pages outlive the vote.
func PublicProjects(ctx context.Context, q db.Querier, campaignID int64) ([]Project, error) {
	var states []string
	for _, st := range dossier.PublicStates() {
		states = append(states, string(st))
	}
	return ProjectsIn(ctx, q, campaignID, states...)
}

// ProjectByID returns one project that reached the ballot (PublicProjects), or NotFound.
func ProjectByID(ctx context.Context, q db.Querier, campaignID, id int64) (*Project, error) {
	ps, err := PublicProjects(ctx, q, campaignID)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.ID == id {
			return &p, nil
		}
	}
	return nil, apperr.New(apperr.NotFound, "vote.project.not_found")
}

// SetTheme records the theme of a project (for the catalogue's filter).
func SetTheme(ctx context.Context, q db.Querier, dossierID int64, theme string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO vote_project_themes (dossier_id, theme) VALUES ($1, $2)
		ON CONFLICT (dossier_id) DO UPDATE SET theme = excluded.theme`, dossierID, theme)
	if err != nil {
		return fmt.Errorf("set project theme: %w", err)
	}
	return nil
}
