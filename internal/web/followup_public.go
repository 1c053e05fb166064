package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/review"
)

// The public follow-up of the funded projects: /{slug}/suivi (« Où en sont les projets ? »),
// and on each project's page its result and its follow-up (followup_project.go).

// followupRow is a funded project as the follow-up page, its CSV and its JSON show it.
type followupRow struct {
	ID              int64
	Title           string
	Structure       string
	Category        string
	CategoryID      int64
	State           dossier.State
	Progress        int
	Step            int
	StepLabel       string
	Granted         int64
	Paid            int64
	Updates         int
	LastUpdate      *time.Time
	Arrondissements []string // codes, for the filter
	Places          []string // names of the communes where it acts
	Dates           followup.Milestones
}

// Remaining is what is left to pay of the grant.
func (r followupRow) Remaining() int64 { return r.Granted - r.Paid }

// followupRows reads a campaign's funded projects with what the public pages show of them.
func (s *Server) followupRows(ctx context.Context, c *campaign.Campaign) ([]followupRow, error) {
	ps, err := followup.Projects(ctx, s.db, c.ID)
	if err != nil {
		return nil, err
	}
	set, err := followup.SettingsOf(ctx, s.db, c.ID)
	if err != nil {
		return nil, err
	}
	dates, err := followup.MilestonesOf(ctx, s.db, c.ID)
	if err != nil {
		return nil, err
	}
	out := make([]followupRow, 0, len(ps))
	for _, p := range ps {
		v := followupRow{ID: p.DossierID, Title: p.Title, Structure: p.StructureName, CategoryID: p.CategoryID, State: p.State,
			Progress: p.Progress, Step: p.Step, StepLabel: set.StepLabel(p.Step), Granted: p.GrantedCents, Paid: p.PaidCents,
			Updates: p.Updates, LastUpdate: p.LastUpdateAt, Dates: dates[p.DossierID]}
		if p.State == dossier.StateCompleted {
			v.Progress = 100
		}
		if cat, ok := c.Category(p.CategoryID); ok {
			v.Category = cat.Name
		}
		for _, code := range p.Communes {
			if cm, ok := s.Territory.Commune(code); ok {
				v.Places = append(v.Places, cm.Name)
				if cm.Arrondissement != "" && !slices.Contains(v.Arrondissements, cm.Arrondissement) {
					v.Arrondissements = append(v.Arrondissements, cm.Arrondissement)
				}
			}
		}
		if cm, ok := s.Territory.Commune(p.StructureCommune); ok && len(v.Arrondissements) == 0 && cm.Arrondissement != "" {
			v.Arrondissements = append(v.Arrondissements, cm.Arrondissement)
		}
		out = append(out, v)
	}
	return out, nil
}

type followupIndexPage struct {
	Base
	Campaign        *campaign.Campaign
	Projects        []followupRow
	Total           int // funded projects, before the filters
	Granted, Paid   int64
	Status          string
	Category        string
	Arrondissement  string
	Statuses        []option
	Categories      []option
	Arrondissements []option
}

// followupIndex is /{slug}/suivi: every funded project of the campaign on one page, with its
// status, progress, money granted and paid and last update, the totals of what is shown at
// the top, and filters by status, category and arrondissement (a plain GET form).
func (s *Server) followupIndex(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	lang := langOf(r)
	rows, err := s.followupRows(r.Context(), c)
	if err != nil {
		return err
	}
	p := followupIndexPage{Base: s.base(r, "followup.public.title", c.Name), Campaign: c, Total: len(rows),
		Arrondissements: s.arrondissementOptions(c)}
	p.Feed = "/" + c.Slug + "/suivi.atom"
	for _, st := range followup.FollowedStates() {
		p.Statuses = append(p.Statuses, option{string(st), s.cat.T(lang, "dossier.state."+string(st))})
	}
	for _, cat := range c.Categories {
		p.Categories = append(p.Categories, option{strconv.FormatInt(cat.ID, 10), cat.Name})
	}
	q := r.URL.Query()
	if v := q.Get("statut"); hasOption(p.Statuses, v) {
		p.Status = v
	}
	if v := q.Get("categorie"); hasOption(p.Categories, v) {
		p.Category = v
	}
	if v := q.Get("arrondissement"); hasOption(p.Arrondissements, v) {
		p.Arrondissement = v
	}
	for _, v := range rows {
		if p.Status != "" && string(v.State) != p.Status ||
			p.Category != "" && strconv.FormatInt(v.CategoryID, 10) != p.Category ||
			p.Arrondissement != "" && !slices.Contains(v.Arrondissements, p.Arrondissement) {
			continue
		}
		p.Projects = append(p.Projects, v)
		p.Granted += v.Granted
		p.Paid += v.Paid
	}
	return s.render(w, r, http.StatusOK, "followup_index", p)
}

// projectResultView is a project's result on its page, once the results are public.
type projectResultView struct {
	Rank        int
	Votes       int
	Selected    bool
	Explanation string
	Provisional bool
	Granted     *int64
	Decision    *review.CPDecision
}

// updatePhotoView is a published update's photo.
type updatePhotoView struct {
	Alt           string
	Src           string
	SrcSet        string
	Width, Height int
}

// updateView is a published update (a milestone) on the project's page.
type updateView struct {
	ID          int64
	Title       string
	Body        string
	PlannedOn   campaign.Date
	DoneOn      campaign.Date
	PublishedAt time.Time
	StepLabel   string
	Progress    *int
	Photos      []updatePhotoView
}

// Paragraphs splits the text of an update into its paragraphs.
func (u updateView) Paragraphs() []string { return paragraphs(u.Body) }

// paragraphs splits a text on its blank lines.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// projectFollowupView is the follow-up of a funded project on its page.
type projectFollowupView struct {
	Row     followupRow
	Updates []updateView
	Report  *reportView // the accepted final report, nil otherwise
}

// reportView is an accepted final report on the project's page.
type reportView struct {
	Indicators []indicatorView
	Summary    []string // paragraphs
	TotalCost  int64
}

type indicatorView struct {
	Label string
	Value int
}

// Abandoned reports whether the project was abandoned.
func (v projectFollowupView) Abandoned() bool { return v.Row.State == dossier.StateAbandoned }

// Closed reports whether the project is completed or abandoned: it publishes nothing more,
// so nobody may subscribe to its updates.
func (v projectFollowupView) Closed() bool {
	return v.Row.State == dossier.StateCompleted || v.Row.State == dossier.StateAbandoned
}

// updatePhotos dresses an update's photos with their sizes.
func updatePhotos(slug string, ps []followup.Photo) []updatePhotoView {
	out := make([]updatePhotoView, 0, len(ps))
	for _, p := range ps {
		v := updatePhotoView{Alt: p.Alt, Src: followupPhotoURL(slug, p, dossier.PhotoWidths[0])}
		v.Width, v.Height = dossier.PhotoSize(p.Width, p.Height, dossier.PhotoWidths[0])
		var all []string
		last := 0
		for _, w := range dossier.PhotoWidths {
			aw, _ := dossier.PhotoSize(p.Width, p.Height, w)
			if aw == last {
				continue
			}
			last = aw
			all = append(all, followupPhotoURL(slug, p, w)+" "+strconv.Itoa(aw)+"w")
		}
		v.SrcSet = strings.Join(all, ", ")
		out = append(out, v)
	}
	return out
}

// projectFollowup reads the follow-up of project id, nil when it was not funded.
func (s *Server) projectFollowup(ctx context.Context, c *campaign.Campaign, id int64) (*projectFollowupView, error) {
	if _, err := followup.ProjectOf(ctx, s.db, id); apperr.IsKind(err, apperr.NotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	rows, err := s.followupRows(ctx, c)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(rows, func(r followupRow) bool { return r.ID == id })
	if i < 0 {
		return nil, nil
	}
	v := &projectFollowupView{Row: rows[i]}
	set, err := followup.SettingsOf(ctx, s.db, c.ID)
	if err != nil {
		return nil, err
	}
	us, err := followup.Updates(ctx, s.db, id, true)
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		uv := updateView{ID: u.ID, Title: u.Title, Body: u.Body, PlannedOn: u.PlannedOn, DoneOn: u.DoneOn,
			StepLabel: set.StepLabel(u.Step), Progress: u.Progress, Photos: updatePhotos(c.Slug, u.Photos)}
		if u.PublishedAt != nil {
			uv.PublishedAt = *u.PublishedAt
		}
		v.Updates = append(v.Updates, uv)
	}
	rep, err := followup.ReportOf(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if rep != nil && rep.Status == followup.ReportAccepted {
		v.Report = &reportView{Summary: paragraphs(rep.Summary), TotalCost: rep.TotalCostCents}
		for _, in := range rep.Indicators {
			v.Report.Indicators = append(v.Report.Indicators, indicatorView{in.Label, int(in.Value)})
		}
	}
	return v, nil
}

// projectResult reads a project's result, nil while the results are not public (the vote
// not closed, or its box still sealed) or when the project is not in them.
func (s *Server) projectResult(ctx context.Context, lang i18n.Lang, c *campaign.Campaign, id int64) (*projectResultView, error) {
	if !voteClosed(c, s.now()) {
		return nil, nil
	}
	cr, err := s.resultsOf(ctx, c)
	if apperr.IsKind(err, apperr.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rv resultsReview = dbReview{s}
	for _, g := range cr.Result.Groups {
		for _, row := range g.Rows {
			if row.Project.ID != id {
				continue
			}
			v := &projectResultView{Rank: row.Rank, Votes: int(row.Votes), Selected: row.Selected, Explanation: s.explain(lang, row)}
			proclaimed, _, err := rv.Proclaimed(ctx, c.ID)
			if err != nil {
				return nil, err
			}
			v.Provisional = !proclaimed
			if v.Decision, err = rv.Decision(ctx, c.ID); err != nil {
				return nil, err
			}
			if v.Decision != nil {
				for _, g := range v.Decision.Grants {
					if g.DossierID == id {
						a := g.AmountCents
						v.Granted = &a
					}
				}
			}
			return v, nil
		}
	}
	return nil, nil
}
