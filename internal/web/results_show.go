package web

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/results"
	"budgetcitoyen/internal/review"
	"budgetcitoyen/internal/tally"
	"budgetcitoyen/internal/vote"
)

// resultsReview is what the results read of the review: the Commission permanente decision
// and the proclamation. The review package provides it; tests may replace it.
type resultsReview interface {
	Decision(ctx context.Context, campaignID int64) (*review.CPDecision, error)
	Proclaimed(ctx context.Context, campaignID int64) (bool, time.Time, error)
}

type dbReview struct{ s *Server }

func (d dbReview) Decision(ctx context.Context, id int64) (*review.CPDecision, error) {
	return review.Decision(ctx, d.s.db, id)
}
func (d dbReview) Proclaimed(ctx context.Context, id int64) (bool, time.Time, error) {
	return review.Proclaimed(ctx, d.s.db, id)
}

// voteClosed reports whether the campaign's vote is over: results and ballots are public
// from the second after its close.
func voteClosed(c *campaign.Campaign, now time.Time) bool {
	w, ok := c.Window(campaign.PhaseVote)
	return ok && now.Truncate(time.Second).After(w.End)
}

// errResultsHidden answers any results page before the close.
func errResultsHidden() error { return apperr.New(apperr.NotFound, "results.not_yet") }

// computed is the results of a closed vote, with the data they come from.
type computed struct {
	Data   *results.Data
	Result *results.Result
	Vote   *closedVoteData // the ballots and turnout read for them
}

// resultsOf loads and computes the results of a campaign whose vote is closed. While the
// campaign's box is still sealed there are none yet (the ballots are ciphertexts): nothing is
// counted, and nothing of the empty box is kept as the closed vote's final ballots.
func (s *Server) resultsOf(ctx context.Context, c *campaign.Campaign) (*computed, error) {
	if !voteClosed(c, s.now()) {
		return nil, errResultsHidden()
	}
	box, err := s.boxOf(ctx, c)
	if err != nil {
		return nil, err
	}
	return s.resultsWith(ctx, c, box)
}

// resultsWith is resultsOf with the campaign's box read already (nil: none).
func (s *Server) resultsWith(ctx context.Context, c *campaign.Campaign, box *vote.SealedBox) (*computed, error) {
	if box.Sealed() {
		return nil, apperr.New(apperr.NotFound, "boxboard.results_sealed")
	}
	ps, err := results.Projects(ctx, s.db, c.ID)
	if err != nil {
		return nil, err
	}
	cv, err := s.closedVote(ctx, c)
	if err != nil {
		return nil, err
	}
	d := &results.Data{Campaign: c, Projects: ps, Ballots: cv.ballots}
	r, err := results.Compute(d)
	if err != nil {
		return nil, err
	}
	return &computed{Data: d, Result: r, Vote: cv}, nil
}

type resultsRowView struct {
	Rank        int
	ID          int64
	Title       string
	Structure   string
	Category    string
	Votes       int
	Support     int64
	TotalCost   int64
	Selected    bool
	Explanation string
	Granted     *int64
	Photo       photoView
}

type resultsGroupView struct {
	Name                string
	Global              bool
	Budget, Spent, Left int64
	Rows                []resultsRowView
}

type barChart struct {
	ID, Title, Desc string
	Width, Height   int
	LabelWidth      int
	Bars            []chartBarRow
}

type chartBarRow struct {
	Label      string
	LabelY     int
	X, Y, W, H int
	TextX      int
	Value      int
}

type resultsPage struct {
	Base
	Campaign     *campaign.Campaign
	Closed       bool
	Provisional  bool
	ProclaimedAt time.Time
	Decision     *review.CPDecision
	Aggregation  string
	TieBreak     string
	Ballots      int
	Groups       []resultsGroupView
	Budget       int64
	Spent        int64
	Left         int64
	Turnout      *results.Participation
	Winners      []winnerGroup // the summary: funded projects by category
	WinnerCount  int
	VoteCharts   []voteChart // one per group, in Groups order
	ArrChart     barChart
	AgeChart     barChart
	Verifiable   bool
	BoardURL     string // the ballot box's public board, when the vote had a sealed box
	BoxSealed    bool   // closed, but the box is not unsealed yet: no results
	BoxK, BoxN   int    // the unsealed box's threshold, for what is proven and what is trusted
}

// resultsShow is /{slug}/resultats: before the close, a page that says when the results come
// (404: nothing is counted in public before); after, the explained results.
func (s *Server) resultsShow(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	lang := langOf(r)
	p := resultsPage{Base: s.base(r, "results.title", c.Name), Campaign: c,
		Aggregation: campaign.DescribeAggregation(lang, c.AggregationRule), TieBreak: campaign.DescribeTieBreak(lang, c.TieBreak),
		Verifiable: results.Published(c)}
	if !voteClosed(c, s.now()) {
		return s.render(w, r, http.StatusNotFound, "results_show", p)
	}
	p.Closed = true
	ctx := r.Context()
	box, err := s.boxOf(ctx, c)
	if err != nil {
		return err
	}
	if box != nil {
		p.BoardURL, p.BoxK, p.BoxN = "/"+c.Slug+"/vote/urne", box.K, box.N
		if box.Sealed() {
			p.BoxSealed = true
			return s.render(w, r, http.StatusNotFound, "results_show", p)
		}
	}
	cr, err := s.resultsWith(ctx, c, box)
	if err != nil {
		return err
	}
	var rv resultsReview = dbReview{s}
	proclaimed, at, err := rv.Proclaimed(ctx, c.ID)
	if err != nil {
		return err
	}
	p.Provisional, p.ProclaimedAt = !proclaimed, at
	if p.Decision, err = rv.Decision(ctx, c.ID); err != nil {
		return err
	}
	granted := map[int64]int64{}
	if p.Decision != nil {
		for _, g := range p.Decision.Grants {
			granted[g.DossierID] = g.AmountCents
		}
	}
	res := cr.Result
	p.Ballots, p.Budget, p.Spent, p.Left = res.Ballots, res.BudgetCents, res.SpentCents, res.LeftCents
	for _, g := range res.Groups {
		gv := resultsGroupView{Name: g.Name, Global: g.CategoryID == 0, Budget: g.BudgetCents, Spent: g.SpentCents, Left: g.LeftCents}
		for _, row := range g.Rows {
			pr := row.Project
			cat, _ := c.Category(pr.CategoryID)
			v := resultsRowView{Rank: row.Rank, ID: pr.ID, Title: pr.Title, Structure: pr.StructureName, Category: cat.Name,
				Votes: int(row.Votes), Support: pr.SupportCents, TotalCost: pr.TotalCostCents, Selected: row.Selected,
				Explanation: s.explain(lang, row), Photo: photoOf(c.Slug, pr.CategoryID, pr.Photo)}
			if a, ok := granted[pr.ID]; ok {
				v.Granted = &a
			}
			gv.Rows = append(gv.Rows, v)
		}
		p.Groups = append(p.Groups, gv)
		name := gv.Name
		if gv.Global {
			name = s.cat.T(lang, "results.group.global")
		}
		p.VoteCharts = append(p.VoteCharts, buildVoteChart("chart-votes-"+strconv.Itoa(len(p.VoteCharts)),
			s.cat.T(lang, "pages.results.chart_title", name), s.cat.T(lang, "pages.results.chart_desc", i18n.Money(lang, gv.Budget)),
			s.cat.T(lang, "pages.results.envelope_mark", i18n.Money(lang, gv.Budget)), gv.Budget, gv.Rows))
	}
	p.Winners = winnersOf(c, res, granted)
	p.WinnerCount = winnerCount(p.Winners)
	cv := cr.Vote
	p.Turnout = results.GroupTurnout(cv.voters, cv.byCommune, cv.byAgeBracket, s.Territory, c.Territory)
	arr := p.Turnout.ByArrondissement
	for i := range arr {
		if arr[i].Label == "" {
			arr[i].Label = s.cat.T(lang, "results.turnout.elsewhere")
		}
	}
	p.ArrChart = buildBarChart("chart-arr", s.cat.T(lang, "results.turnout.by_arrondissement"),
		s.cat.T(lang, "results.turnout.chart_desc"), arr)
	p.AgeChart = buildBarChart("chart-age", s.cat.T(lang, "results.turnout.by_age"),
		s.cat.T(lang, "results.turnout.chart_desc"), p.Turnout.ByAge)
	return s.render(w, r, http.StatusOK, "results_show", p)
}

// explain says, in the reader's language, why the engine funded a project or not.
func (s *Server) explain(lang i18n.Lang, row results.Row) string {
	rs := row.Reason
	money := func(v int64) string { return i18n.Money(lang, v) }
	ratMoney := func(r *big.Rat) string {
		if r == nil {
			return ""
		}
		// The engine's money is in cents: rounded to the cent for reading.
		f, _ := r.Float64()
		return i18n.Money(lang, int64(f+0.5))
	}
	rho := ""
	if rs.Rho != nil {
		rho = rs.Rho.FloatString(6)
	}
	key := "results.reason." + string(rs.Code)
	switch rs.Code {
	case tally.ReasonGreedySelected, tally.ReasonOverBudget, tally.ReasonCompletionSelected:
		return s.cat.T(lang, key, money(rs.BudgetLeft), money(row.Project.SupportCents))
	case tally.ReasonMESSelected:
		return s.cat.T(lang, key, rs.Round, rho, i18n.Int(lang, rs.Payers))
	case tally.ReasonMESUnaffordable:
		return s.cat.T(lang, key, rs.Round, ratMoney(rs.SupportersMoney), money(row.Project.SupportCents))
	case tally.ReasonPhragmenSelected:
		return s.cat.T(lang, key, rs.Round, rho)
	case tally.ReasonPhragmenStopped:
		return s.cat.T(lang, key, rs.Round, money(rs.BudgetLeft))
	}
	return s.cat.T(lang, key)
}

// buildBarChart draws horizontal bars, one per line of the table that holds the same data.
func buildBarChart(id, title, desc string, counts []results.Count) barChart {
	const labelW, barMax, rowH, top = 220, 320, 26, 8
	ch := barChart{ID: id, Title: title, Desc: desc, LabelWidth: labelW, Width: labelW + barMax + 60,
		Height: top + rowH*len(counts) + 8}
	maxV := 0
	for _, c := range counts {
		maxV = max(maxV, c.N)
	}
	for i, c := range counts {
		w := 0
		if maxV > 0 {
			w = c.N * barMax / maxV
		}
		if c.N > 0 && w < 2 {
			w = 2
		}
		y := top + i*rowH
		ch.Bars = append(ch.Bars, chartBarRow{Label: c.Label, LabelY: y + 15, X: labelW, Y: y + 3, W: w, H: rowH - 8,
			TextX: labelW + w + 4, Value: c.N})
	}
	return ch
}

// ---- Ballots: receipt look-up and downloads ----

type resultsBallotsPage struct {
	Base
	Campaign   *campaign.Campaign
	Verifiable bool
	Ballots    int
	Files      []resultsFile
	Code       string
	Looked     bool
	Found      bool
	Chosen     []string
}

type resultsFile struct {
	Name, URL string
}

// resultsFiles lists the downloads of a closed vote.
func resultsFiles(c *campaign.Campaign, envs []results.Envelope) []resultsFile {
	out := []resultsFile{{Name: c.Slug + "-bulletins.csv", URL: "/" + c.Slug + "/resultats/bulletins.csv"}}
	for _, e := range envs {
		out = append(out, resultsFile{Name: results.FileName(c.Slug, e), URL: "/" + c.Slug + "/resultats/pabulib/" + e.Key})
	}
	return out
}

// resultsBallots is /{slug}/resultats/bulletins: the downloads and, when codes are
// published, the look-up form.
func (s *Server) resultsBallots(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.resultsBallotsPage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "results_ballots", p)
}

func (s *Server) resultsBallotsPage(r *http.Request) (resultsBallotsPage, *computed, error) {
	c := campaignOf(r)
	cr, err := s.resultsOf(r.Context(), c)
	if err != nil {
		return resultsBallotsPage{}, nil, err
	}
	envs, err := results.Build(cr.Data, results.VoterIDs(cr.Data))
	if err != nil {
		return resultsBallotsPage{}, nil, err
	}
	return resultsBallotsPage{Base: s.base(r, "results.ballots.title", c.Name), Campaign: c, Verifiable: results.Published(c),
		Ballots: len(cr.Data.Ballots), Files: resultsFiles(c, envs)}, cr, nil
}

// resultsLookup finds the ballot of a receipt code (POST: a code never goes in a URL, where
// logs would keep it).
func (s *Server) resultsLookup(w http.ResponseWriter, r *http.Request) error {
	p, cr, err := s.resultsBallotsPage(r)
	if err != nil {
		return err
	}
	if !p.Verifiable {
		return apperr.New(apperr.NotFound, "results.ballots.no_lookup")
	}
	c := p.Campaign
	p.Code = r.PostFormValue("code")
	p.Looked = true
	ids, found, err := vote.BallotByReceipt(r.Context(), s.db, c.ID, p.Code)
	if err != nil {
		return err
	}
	p.Found = found
	titles := map[int64]string{}
	for _, pr := range cr.Data.Projects {
		titles[pr.ID] = pr.Title
	}
	for _, id := range ids {
		p.Chosen = append(p.Chosen, titles[id])
	}
	status := http.StatusOK
	if !found {
		status = http.StatusNotFound
	}
	return s.render(w, r, status, "results_ballots", p)
}

// resultsCSV downloads every ballot as CSV.
func (s *Server) resultsCSV(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	cr, err := s.resultsOf(r.Context(), c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := results.WriteCSV(&buf, cr.Data); err != nil {
		return err
	}
	return download(w, "text/csv; charset=utf-8", c.Slug+"-bulletins.csv", buf.Bytes())
}

// resultsPB downloads the pabulib file of one envelope ("global" or a category id).
func (s *Server) resultsPB(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	cr, err := s.resultsOf(r.Context(), c)
	if err != nil {
		return err
	}
	envs, err := results.Build(cr.Data, results.VoterIDs(cr.Data))
	if err != nil {
		return err
	}
	key := r.PathValue("envelope")
	for i, e := range envs {
		if e.Key != key {
			continue
		}
		var buf bytes.Buffer
		if err := results.WritePB(&buf, e, cr.Result.Groups[i].Outcome); err != nil {
			return err
		}
		return download(w, "text/plain; charset=utf-8", results.FileName(c.Slug, e), buf.Bytes())
	}
	return apperr.New(apperr.NotFound, "results.ballots.no_file")
}

func download(w http.ResponseWriter, contentType, name string, body []byte) error {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, err := w.Write(body)
	return err
}
