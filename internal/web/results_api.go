package web

import (
	"encoding/json"
	"net/http"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/results"
)

// The read-only JSON API (documented in README.md). Amounts are integers in euro cents,
// instants are RFC 3339 in UTC.

type apiPhase struct {
	Phase string    `json:"phase"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

type apiCategory struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	Description   string `json:"description"`
	SupportRule   string `json:"support_rule"`
	EnvelopeCents *int64 `json:"envelope_cents,omitempty"`
}

type apiCampaign struct {
	Slug                 string            `json:"slug"`
	Name                 string            `json:"name"`
	Description          string            `json:"description,omitempty"`
	Territory            string            `json:"territory"`
	TimeZone             string            `json:"time_zone"`
	EnvelopeCents        int64             `json:"envelope_cents"`
	Phases               []apiPhase        `json:"phases"`
	OpenPhases           []string          `json:"open_phases"`
	Categories           []apiCategory     `json:"categories"`
	VoteRule             string            `json:"vote_rule"`
	VoteRuleK            int               `json:"vote_rule_k,omitempty"`
	AggregationRule      string            `json:"aggregation_rule"`
	PerCategoryEnvelopes bool              `json:"per_category_envelopes"`
	TieBreak             string            `json:"tie_break"`
	BallotPublication    string            `json:"ballot_publication"`
	MinVoterAge          int               `json:"min_voter_age"`
	Archived             bool              `json:"archived"`
	Links                map[string]string `json:"links"`
}

type apiProject struct {
	ID             int64    `json:"id"`
	Title          string   `json:"title"`
	Summary        string   `json:"summary"`
	CategoryID     int64    `json:"category_id"`
	Category       string   `json:"category"`
	Communes       []string `json:"communes"`
	Structure      string   `json:"structure"`
	TotalCostCents int64    `json:"total_cost_cents"`
	SupportCents   int64    `json:"support_cents"`
}

type apiResultProject struct {
	ID           int64  `json:"id"`
	Title        string `json:"title"`
	Rank         int    `json:"rank"`
	Votes        int64  `json:"votes"`
	SupportCents int64  `json:"support_cents"`
	Selected     bool   `json:"selected"`
	Reason       string `json:"reason"`
	Explanation  string `json:"explanation"`
	GrantedCents *int64 `json:"granted_cents,omitempty"`
}

type apiEnvelope struct {
	Key         string             `json:"key"`
	Name        string             `json:"name"`
	BudgetCents int64              `json:"budget_cents"`
	SpentCents  int64              `json:"spent_cents"`
	LeftCents   int64              `json:"left_cents"`
	Projects    []apiResultProject `json:"projects"`
	Download    string             `json:"download"`
}

type apiCount struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	N     int    `json:"voters"`
}

type apiResults struct {
	Campaign     string        `json:"campaign"`
	Provisional  bool          `json:"provisional"`
	ProclaimedAt *time.Time    `json:"proclaimed_at,omitempty"`
	Rule         string        `json:"rule"`
	TieBreak     string        `json:"tie_break"`
	Ballots      int           `json:"ballots"`
	BudgetCents  int64         `json:"budget_cents"`
	SpentCents   int64         `json:"spent_cents"`
	LeftCents    int64         `json:"left_cents"`
	Winners      []int64       `json:"winners"`
	Envelopes    []apiEnvelope `json:"envelopes"`
	Turnout      struct {
		Voters           int        `json:"voters"`
		ByArrondissement []apiCount `json:"by_arrondissement"`
		ByAge            []apiCount `json:"by_age_bracket"`
	} `json:"turnout"`
	Command    string `json:"command"`
	BallotsCSV string `json:"ballots_csv"`
}

// publicationName is the open-data name of a publication mode.
func publicationName(mode string) string {
	if mode == campaign.PublishReceipts {
		return "individually_verifiable"
	}
	return "recount_only"
}

func (s *Server) apiCampaignOf(c *campaign.Campaign) apiCampaign {
	a := apiCampaign{Slug: c.Slug, Name: c.Name, Description: c.Description, Territory: c.Territory, TimeZone: c.TimeZone,
		EnvelopeCents: c.EnvelopeCents, VoteRule: c.VoteRule.Kind, VoteRuleK: c.VoteRule.K,
		AggregationRule: c.AggregationRule, PerCategoryEnvelopes: c.PerCategoryEnvelopes, TieBreak: c.TieBreak,
		BallotPublication: publicationName(c.BallotPublication), MinVoterAge: c.MinVoterAge, Archived: c.Archived,
		Phases: []apiPhase{}, OpenPhases: []string{}, Categories: []apiCategory{}}
	for _, w := range c.Phases {
		a.Phases = append(a.Phases, apiPhase{Phase: string(w.Phase), Start: w.Start.UTC(), End: w.End.UTC()})
	}
	for _, p := range c.OpenPhases(s.now()) {
		a.OpenPhases = append(a.OpenPhases, string(p))
	}
	for _, cat := range c.Categories {
		a.Categories = append(a.Categories, apiCategory{ID: cat.ID, Name: cat.Name, Description: cat.Description,
			SupportRule: campaign.DescribeRule(i18n.FR, cat), EnvelopeCents: cat.EnvelopeCents})
	}
	base := "/api/v1/campaigns/" + c.Slug
	a.Links = map[string]string{"self": base, "projects": base + "/projects", "results": base + "/results",
		"ballots_csv": base + "/ballots.csv", "page": "/" + c.Slug,
		"followup": base + "/followup", "followup_page": "/" + c.Slug + "/suivi"}
	return a
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// apiFail answers a user-facing error as JSON; other errors go to the usual page.
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) error {
	ae, ok := apperr.As(err)
	if !ok {
		return err
	}
	status, ok := statusOf[ae.Kind]
	if !ok {
		status = http.StatusBadRequest
	}
	return writeJSON(w, status, map[string]string{"error": s.cat.T(langOf(r), ae.Message.Key, ae.Message.Args...)})
}

// apiCampaigns is GET /api/v1/campaigns.
func (s *Server) apiCampaigns(w http.ResponseWriter, r *http.Request) error {
	list, err := s.campaignList(r.Context())
	if err != nil {
		return err
	}
	out := []apiCampaign{}
	for i := range list {
		out = append(out, s.apiCampaignOf(&list[i]))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"campaigns": out})
}

// apiCampaign is GET /api/v1/campaigns/{slug}.
func (s *Server) apiCampaign(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, s.apiCampaignOf(campaignOf(r)))
}

// apiProjects is GET /api/v1/campaigns/{slug}/projects: the projects on the ballot.
func (s *Server) apiProjects(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ps, err := results.Projects(r.Context(), s.db, c.ID)
	if err != nil {
		return err
	}
	out := []apiProject{}
	for _, p := range ps {
		cat, _ := c.Category(p.CategoryID)
		communes := p.Communes
		if communes == nil {
			communes = []string{}
		}
		out = append(out, apiProject{ID: p.ID, Title: p.Title, Summary: p.Summary, CategoryID: p.CategoryID, Category: cat.Name,
			Communes: communes, Structure: p.StructureName, TotalCostCents: p.TotalCostCents, SupportCents: p.SupportCents})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"campaign": c.Slug, "projects": out})
}

// apiResults is GET /api/v1/campaigns/{slug}/results: 404 until the vote closes.
func (s *Server) apiResults(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ctx := r.Context()
	cr, err := s.resultsOf(ctx, c)
	if err != nil {
		return s.apiFail(w, r, err)
	}
	var rv resultsReview = dbReview{s}
	proclaimed, at, err := rv.Proclaimed(ctx, c.ID)
	if err != nil {
		return err
	}
	dec, err := rv.Decision(ctx, c.ID)
	if err != nil {
		return err
	}
	granted := map[int64]int64{}
	if dec != nil {
		for _, g := range dec.Grants {
			granted[g.DossierID] = g.AmountCents
		}
	}
	res := cr.Result
	out := apiResults{Campaign: c.Slug, Provisional: !proclaimed, Rule: res.Rule, TieBreak: res.TieBreak, Ballots: res.Ballots,
		BudgetCents: res.BudgetCents, SpentCents: res.SpentCents, LeftCents: res.LeftCents, Winners: res.Winners,
		Command: resultsCommand(c, nil), BallotsCSV: "/api/v1/campaigns/" + c.Slug + "/ballots.csv"}
	if out.Winners == nil {
		out.Winners = []int64{}
	}
	if proclaimed {
		out.ProclaimedAt = &at
	}
	for _, g := range res.Groups {
		e := apiEnvelope{Key: g.Key, Name: g.Name, BudgetCents: g.BudgetCents, SpentCents: g.SpentCents, LeftCents: g.LeftCents,
			Projects: []apiResultProject{}, Download: "/api/v1/campaigns/" + c.Slug + "/ballots/" + g.Key}
		for _, row := range g.Rows {
			p := apiResultProject{ID: row.Project.ID, Title: row.Project.Title, Rank: row.Rank, Votes: row.Votes,
				SupportCents: row.Project.SupportCents, Selected: row.Selected, Reason: string(row.Reason.Code),
				Explanation: s.explain(i18n.FR, row)}
			if a, ok := granted[row.Project.ID]; ok {
				p.GrantedCents = &a
			}
			e.Projects = append(e.Projects, p)
		}
		out.Envelopes = append(out.Envelopes, e)
	}
	cv := cr.Vote
	t := results.GroupTurnout(cv.voters, cv.byCommune, cv.byAgeBracket, s.Territory, c.Territory)
	out.Turnout.Voters = t.Voters
	for _, k := range t.ByArrondissement {
		out.Turnout.ByArrondissement = append(out.Turnout.ByArrondissement, apiCount{k.Key, k.Label, k.N})
	}
	for _, k := range t.ByAge {
		out.Turnout.ByAge = append(out.Turnout.ByAge, apiCount{k.Key, k.Label, k.N})
	}
	return writeJSON(w, http.StatusOK, out)
}

// apiBallotsCSV and apiBallotsPB are the ballot downloads under /api/v1.
func (s *Server) apiBallotsCSV(w http.ResponseWriter, r *http.Request) error {
	if !voteClosed(campaignOf(r), s.now()) {
		return s.apiFail(w, r, errResultsHidden())
	}
	return s.resultsCSV(w, r)
}

func (s *Server) apiBallotsPB(w http.ResponseWriter, r *http.Request) error {
	if !voteClosed(campaignOf(r), s.now()) {
		return s.apiFail(w, r, errResultsHidden())
	}
	return s.resultsPB(w, r)
}
