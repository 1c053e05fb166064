package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/search"
	"budgetcitoyen/internal/vote"
)

// voteProjectView is a project on the ballot with what pages show of it. It copies the
// project's fields rather than embedding vote.Project: text/template finds a promoted field
// by a breadth-first search that allocates on every use, and in the ballot's loops those
// lookups took a sixth of the page's rendering.
type voteProjectView struct {
	ID               int64
	Title            string
	Summary          string
	Description      string
	TotalCostCents   int64
	SupportCents     int64 // computed support: the project's cost for the results engine
	StructureName    string
	Theme            string // an idea theme key, or ""
	Category         string
	CategoryID       int64
	Places           []string // names of the communes where it acts
	StructurePlace   string   // commune of the carrier structure
	Arrondissements  []string // codes, for the filter
	ThemeName        string
	HasPhoto         bool
	Photo            photoView
	ChosenInCategory bool // on the ballot form: this project is the current choice
	Checked          bool
}

// voteViews dresses projects for pages: category names, commune names, arrondissements.
func (s *Server) voteViews(lang i18n.Lang, c *campaign.Campaign, ps []vote.Project) []voteProjectView {
	out := make([]voteProjectView, 0, len(ps))
	for _, p := range ps {
		v := voteProjectView{ID: p.ID, Title: p.Title, Summary: p.Summary, Description: p.Description,
			TotalCostCents: p.TotalCostCents, SupportCents: p.SupportCents, StructureName: p.StructureName,
			Theme: p.Theme, CategoryID: p.CategoryID, HasPhoto: p.Photo.DocID != 0, Photo: photoOf(c.Slug, p.CategoryID, p.Photo)}
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
		if cm, ok := s.Territory.Commune(p.StructureCommune); ok {
			v.StructurePlace = cm.Name
			if len(v.Arrondissements) == 0 && cm.Arrondissement != "" {
				v.Arrondissements = append(v.Arrondissements, cm.Arrondissement)
			}
		}
		if p.Theme != "" {
			v.ThemeName = s.cat.T(lang, "idea.theme."+p.Theme)
		}
		out = append(out, v)
	}
	return out
}

type projectsListPage struct {
	Base
	Campaign        *campaign.Campaign
	Projects        []voteProjectView
	Total           int
	Category        string
	Arrondissement  string
	Theme           string
	Categories      []option
	Arrondissements []option
	Themes          []option
	Search          searchView
	VoteOpen        bool
	Map             *communeMapView // nil when the département has no map
}

// projectsList is the catalogue of the projects that reached the ballot (during the vote,
// those on it; after, the same projects, whatever became of them), with filters by
// category, arrondissement and theme and a full-text search q (a plain GET form: it works
// without JavaScript).
func (s *Server) projectsList(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	lang := langOf(r)
	ps, err := s.publicProjects(r.Context(), c.ID)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := projectsListPage{Base: s.base(r, "vote.projects.title", c.Name), Campaign: c,
		Arrondissements: s.arrondissementOptions(c), Themes: s.themeOptions(lang),
		VoteOpen: c.IsOpen(campaign.PhaseVote, s.now()), Search: searchOf(r)}
	for _, cat := range c.Categories {
		p.Categories = append(p.Categories, option{strconv.FormatInt(cat.ID, 10), cat.Name})
	}
	if v := q.Get("categorie"); hasOption(p.Categories, v) {
		p.Category = v
	}
	if v := q.Get("arrondissement"); hasOption(p.Arrondissements, v) {
		p.Arrondissement = v
	}
	if v := q.Get("theme"); hasOption(p.Themes, v) {
		p.Theme = v
	}
	all := s.voteViews(lang, c, ps)
	p.Total = len(all)
	for _, v := range all {
		if p.Category != "" && strconv.FormatInt(v.CategoryID, 10) != p.Category ||
			p.Arrondissement != "" && !slices.Contains(v.Arrondissements, p.Arrondissement) ||
			p.Theme != "" && v.Theme != p.Theme {
			continue
		}
		p.Projects = append(p.Projects, v)
	}
	if p.Projects, err = s.searchProjects(r.Context(), p.Search, p.Projects); err != nil {
		return err
	}
	p.Search.Count = len(p.Projects)
	if p.Map, err = s.communeMap(r, c, mapProjects); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "projects_list", p)
}

// searchProjects keeps the projects the search finds, best first.
func (s *Server) searchProjects(ctx context.Context, v searchView, ps []voteProjectView) ([]voteProjectView, error) {
	if !v.Active() {
		return ps, nil
	}
	byID := map[int64]voteProjectView{}
	ids := make([]int64, 0, len(ps))
	for _, p := range ps {
		byID[p.ID] = p
		ids = append(ids, p.ID)
	}
	found, err := s.searchOrder(ctx, search.Dossiers, v, ids)
	if err != nil {
		return nil, err
	}
	out := make([]voteProjectView, 0, len(found))
	for _, id := range found {
		out = append(out, byID[id])
	}
	return out, nil
}

type projectsShowPage struct {
	Base
	Campaign *campaign.Campaign
	Project  voteProjectView
	VoteOpen bool
	// Once the results are public: the project's result; once funded: its follow-up and the
	// form to follow it by e-mail.
	Result    *projectResultView
	Followup  *projectFollowupView
	Subscribe subscribeForm
}

// subscribeForm is the form to follow a funded project's updates by e-mail.
type subscribeForm struct {
	Email  string
	Errors apperr.FieldErrors
	Error  string // a refusal that is not a field's (too many e-mails asked)
}

// projectsShow is the page of one project that reached the ballot; it outlives the vote.
func (s *Server) projectsShow(w http.ResponseWriter, r *http.Request) error {
	p, err := s.projectsShowData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "projects_show", p)
}

// projectsShowData reads the project page of the request's {id}.
func (s *Server) projectsShowData(r *http.Request) (projectsShowPage, error) {
	c := campaignOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return projectsShowPage{}, apperr.New(apperr.NotFound, "vote.project.not_found")
	}
	ctx := r.Context()
	pr, err := vote.ProjectByID(ctx, s.db, c.ID, id)
	if err != nil {
		return projectsShowPage{}, err
	}
	lang := langOf(r)
	v := s.voteViews(lang, c, []vote.Project{*pr})[0]
	p := projectsShowPage{Base: s.base(r, "vote.project.title", pr.Title), Campaign: c, Project: v,
		VoteOpen: c.IsOpen(campaign.PhaseVote, s.now())}
	if p.Result, err = s.projectResult(ctx, lang, c, id); err != nil {
		return p, err
	}
	if p.Followup, err = s.projectFollowup(ctx, c, id); err != nil {
		return p, err
	}
	return p, nil
}
