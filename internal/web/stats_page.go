package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/geomap"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/stats"
	"budgetcitoyen/internal/vote"
)

// The statistics of participation of a campaign: /{slug}/statistiques for everyone,
// /admin/campagnes/{slug}/statistiques for the agents (every commune, and CSV exports). The
// figures are computed live by package stats; a copy of what it read is kept per campaign
// while the campaign's version (stats.Version: a few counts) does not change.

// statsCache keeps the last figures read of each campaign, with their version.
type statsCache struct {
	mu      sync.Mutex
	entries map[int64]statsEntry
}

type statsEntry struct {
	version string
	raw     stats.Raw // read-only once stored
}

func (c *statsCache) get(id int64, version string) (stats.Raw, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	return e.raw, ok && e.version == version
}

func (c *statsCache) put(id int64, version string, raw stats.Raw) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) > 100 {
		c.entries = map[int64]statsEntry{}
	}
	c.entries[id] = statsEntry{version, raw}
}

// statsOf computes the statistics of a campaign, reading the database again only when its
// version changed since the last read.
func (s *Server) statsOf(ctx context.Context, c *campaign.Campaign) (*stats.Report, error) {
	v, err := stats.Version(ctx, s.db, c.ID)
	if err != nil {
		return nil, err
	}
	raw, ok := s.stats.get(c.ID, v)
	if !ok {
		if raw, err = stats.Read(ctx, s.db, c.ID); err != nil {
			return nil, err
		}
		s.stats.put(c.ID, v, raw)
	}
	return stats.Aggregate(raw, s.Territory, c.Territory, vote.AgeBrackets(), s.voteDays(c)), nil
}

// voteDays lists the days of the campaign's vote (YYYY-MM-DD in its time zone) up to today.
func (s *Server) voteDays(c *campaign.Campaign) []string {
	w, ok := c.Window(campaign.PhaseVote)
	if !ok {
		return nil
	}
	loc := c.Location()
	end := w.End
	if now := s.now(); now.Before(end) {
		end = now
	}
	var days []string
	for t := w.Start.In(loc); t.Before(end) && len(days) < 366; {
		days = append(days, vote.DayOf(t, loc))
		y, m, d := t.Date()
		t = time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	}
	return days
}

// statsPage is the statistics page, public or the agents'.
type statsPage struct {
	Base
	C            *campaign.Campaign
	Staff        bool
	CommunesOnly bool // the public table of the communes, a page of its own
	Total        statsRowView
	Stages       []statsStageView
	StageChart   statsBars
	AgeChart     statsBars
	DayChart     statsDays
	Ages         []statsCountView
	Days         []statsCountView
	Reminders    bool // some days of the chart are days of reminders
	ArrTable     statsTable
	EPCITable    statsTable
	CantonTable  statsTable
	CommuneTable statsTable // all the communes for the agents; those with a figure to show for the public
	Quiet        int        // public: communes left out, every figure of which is 0 or secret
	Elsewhere    *statsRowView
	// Map is the communes' map, coloured by participation, inlined in its slot of the page
	// (one <path> per commune); empty until the map is drawn.
	Map     template.HTML
	Exports []resultsFile // the agents' CSV files
}

// statsTable is a table of places with their figures at every stage.
type statsTable struct {
	Lang              i18n.Lang
	ID, Caption, Head string
	Stages            []statsStageView
	Rows              []statsRowView
	Total             statsRowView
}

// statsStageView is one stage of the territory's figures.
type statsStageView struct {
	Key, N, Rate string
}

// statsRowView is one place of a table, its figures written for reading.
type statsRowView struct {
	Name, Population string
	Cells            [stats.NumStages]string
	Rate             string // the voters' rate
}

type statsCountView struct {
	Label, N string
	Reminder bool
}

// statsBars is a horizontal bar chart drawn on the server.
type statsBars struct {
	ID, Title, Desc string
	Width, Height   int
	Bars            []statsBar
}

type statsBar struct {
	Label     string
	LabelY, Y int
	W, TextX  int
	Value     string
	Height    int
}

// statsDays is the vertical bar chart of the voters per day, the days of reminders marked.
type statsDays struct {
	ID, Title, Desc string
	Width, Height   int
	Base            int // y of the axis
	Bars            []statsDayBar
}

type statsDayBar struct {
	X, Y, W, H int
	LabelX     int
	Label      string // day of the month
	Reminder   bool
}

// statsShow is /{slug}/statistiques.
func (s *Server) statsShow(w http.ResponseWriter, r *http.Request) error {
	p, err := s.statsPageOf(r, false)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "stats", p)
}

// statsCommunes is /{slug}/statistiques/communes: the table of the communes, long enough
// to be a page of its own.
func (s *Server) statsCommunes(w http.ResponseWriter, r *http.Request) error {
	p, err := s.statsPageOf(r, false)
	if err != nil {
		return err
	}
	p.CommunesOnly = true
	p.Title = s.cat.T(langOf(r), "stats.communes_title", p.C.Name)
	return s.render(w, r, http.StatusOK, "stats", p)
}

// statsAdmin is /admin/campagnes/{slug}/statistiques.
func (s *Server) statsAdmin(w http.ResponseWriter, r *http.Request) error {
	p, err := s.statsPageOf(r, true)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "stats", p)
}

// statsLevels are the agents' CSV files.
var statsLevels = []string{"communes", "epci", "arrondissements", "cantons", "ages", "jours"}

func (s *Server) statsPageOf(r *http.Request, staff bool) (*statsPage, error) {
	c := campaignOf(r)
	lang := langOf(r)
	ctx := r.Context()
	rep, err := s.statsOf(ctx, c)
	if err != nil {
		return nil, err
	}
	reminders, err := s.reminderDaysOf(ctx, c)
	if err != nil {
		return nil, err
	}
	p := &statsPage{Base: s.base(r, "stats.title", c.Name), C: c, Staff: staff}
	view := func(row stats.Row) statsRowView {
		v := statsRowView{Name: row.Name, Population: i18n.Int(lang, int64(row.Population))}
		for st, cell := range row.Cells {
			v.Cells[st] = s.statsCell(lang, cell)
		}
		v.Rate = s.statsRate(lang, row.Cells[stats.Voters])
		return v
	}
	p.Total = view(rep.Total)
	var stageCounts []statsBarInput
	for _, st := range stats.Stages {
		cell := rep.Total.Cells[st]
		name := s.cat.T(lang, "stats.stage."+st.Key())
		p.Stages = append(p.Stages, statsStageView{Key: name, N: i18n.Int(lang, int64(cell.N)), Rate: s.statsRate(lang, cell)})
		stageCounts = append(stageCounts, statsBarInput{name, cell.N})
	}
	desc := s.cat.T(lang, "stats.chart_desc")
	p.StageChart = buildStatsBars("chart-stages", s.cat.T(lang, "stats.by_stage"), desc, lang, stageCounts)
	var ageCounts []statsBarInput
	for _, a := range rep.ByAge {
		label := s.cat.T(lang, "stats.age", a.Key)
		p.Ages = append(p.Ages, statsCountView{Label: label, N: i18n.Int(lang, int64(a.N))})
		ageCounts = append(ageCounts, statsBarInput{label, a.N})
	}
	p.AgeChart = buildStatsBars("chart-ages", s.cat.T(lang, "stats.by_age"), desc, lang, ageCounts)
	for _, d := range rep.ByDay {
		t, _ := time.Parse(time.DateOnly, d.Key)
		p.Days = append(p.Days, statsCountView{Label: i18n.Date(lang, t), N: i18n.Int(lang, int64(d.N)), Reminder: reminders[d.Key]})
	}
	p.DayChart = buildStatsDays("chart-days", s.cat.T(lang, "stats.by_day"), s.cat.T(lang, "stats.days_desc"), rep.ByDay, reminders)
	for _, d := range p.Days {
		p.Reminders = p.Reminders || d.Reminder
	}
	total := p.Total
	total.Name = s.cat.T(lang, "stats.total")
	table := func(id, level string, rows []stats.Row, keep func(stats.Row) bool) statsTable {
		t := statsTable{Lang: lang, ID: id, Caption: s.cat.T(lang, "stats.by_"+level), Head: s.cat.T(lang, "stats."+level),
			Stages: p.Stages, Total: total}
		for _, row := range rows {
			if keep(row) {
				t.Rows = append(t.Rows, view(row))
			}
		}
		return t
	}
	all := func(stats.Row) bool { return true }
	p.ArrTable = table("stats-arr", "arrondissement", rep.Arrondissements, all)
	p.EPCITable = table("stats-epci", "epci", rep.EPCIs, all)
	p.CantonTable = table("stats-cantons", "canton", rep.Cantons, all)
	p.CommuneTable = table("stats-communes", "commune", rep.Communes, func(row stats.Row) bool {
		if staff || row.Shown() {
			return true
		}
		p.Quiet++
		return false
	})
	if rep.Elsewhere != nil {
		v := view(*rep.Elsewhere)
		v.Name, v.Population, v.Rate = s.cat.T(lang, "stats.elsewhere"), "", ""
		p.Elsewhere = &v
	}
	if staff {
		for _, l := range statsLevels {
			p.Exports = append(p.Exports, resultsFile{Name: c.Slug + "-statistiques-" + l + ".csv",
				URL: "/admin/campagnes/" + c.Slug + "/statistiques/" + l + ".csv"})
		}
	}
	if p.Map, err = s.statsMap(lang, c, rep.Communes); err != nil {
		return p, err
	}
	return p, nil
}

// statsMap draws the communes' map of the vote's participation, inlined on the page (one
// <path> per commune): a commune's colour is its voters per inhabitant; a commune under the
// secrecy threshold is drawn as such, never by its figure. Empty when the campaign's
// département has no map (its table says the same).
func (s *Server) statsMap(lang i18n.Lang, c *campaign.Campaign, communes []stats.Row) (template.HTML, error) {
	if !geomap.Has(c.Territory) {
		return "", nil
	}
	rates, hidden := map[string]float64{}, map[string]bool{}
	for _, row := range communes {
		cell := row.Cells[stats.Voters]
		switch {
		case cell.Hidden:
			hidden[row.Code] = true
		case cell.RateBP >= 0:
			rates[row.Code] = float64(cell.RateBP) / 10000
		}
	}
	svg, err := geomap.Choropleth(c.Territory, rates, hidden, geomap.Labels{Lang: lang,
		Title: s.cat.T(lang, "stats.map_title", c.Name), Legend: s.cat.T(lang, "stats.map_legend"),
		Hidden: s.cat.T(lang, "stats.map_hidden")})
	if err != nil {
		return "", fmt.Errorf("draw the participation map of %s: %w", c.Slug, err)
	}
	return svg, nil
}

// reminderDaysOf returns the days (YYYY-MM-DD in the campaign's time zone) on which its
// subscribers were reminded of the vote, from Config.ReminderDays.
func (s *Server) reminderDaysOf(ctx context.Context, c *campaign.Campaign) (map[string]bool, error) {
	out := map[string]bool{}
	if s.reminderDays == nil {
		return out, nil
	}
	ts, err := s.reminderDays(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		out[vote.DayOf(t, c.Location())] = true
	}
	return out, nil
}

// statsCell writes a figure, « moins de 5 » when secret.
func (s *Server) statsCell(lang i18n.Lang, c stats.Cell) string {
	if c.Hidden {
		return s.cat.T(lang, "stats.secret", stats.Threshold)
	}
	return i18n.Int(lang, int64(c.N))
}

// statsRate writes a rate of the population, "—" when unknown or secret.
func (s *Server) statsRate(lang i18n.Lang, c stats.Cell) string {
	if c.RateBP < 0 {
		return "—"
	}
	if c.RateBP == 0 && c.N > 0 {
		return s.cat.T(lang, "stats.rate_tiny", i18n.Percent(lang, 1))
	}
	return i18n.Percent(lang, c.RateBP)
}

type statsBarInput struct {
	Label string
	N     int
}

// buildStatsBars draws one horizontal bar per count, the label on its left.
func buildStatsBars(id, title, desc string, lang i18n.Lang, counts []statsBarInput) statsBars {
	const labelW, barMax, rowH, top = 190, 300, 26, 6
	ch := statsBars{ID: id, Title: title, Desc: desc, Width: labelW + barMax + 70, Height: top + rowH*len(counts) + 6}
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
		ch.Bars = append(ch.Bars, statsBar{Label: shorten(c.Label, 28), LabelY: y + 15, Y: y + 3, W: w, TextX: labelW + w + 4,
			Value: i18n.Int(lang, int64(c.N)), Height: rowH - 8})
	}
	return ch
}

// buildStatsDays draws one vertical bar per day, a mark above the days of reminders.
func buildStatsDays(id, title, desc string, days []stats.Count, reminders map[string]bool) statsDays {
	const colW, barMax, top, bottom = 22, 140, 18, 22
	ch := statsDays{ID: id, Title: title, Desc: desc, Width: max(colW*len(days), 200) + 8, Height: top + barMax + bottom, Base: top + barMax}
	maxV := 0
	for _, d := range days {
		maxV = max(maxV, d.N)
	}
	for i, d := range days {
		h := 0
		if maxV > 0 {
			h = d.N * barMax / maxV
		}
		if d.N > 0 && h < 2 {
			h = 2
		}
		x := 4 + i*colW
		label := d.Key
		if len(label) == 10 {
			label = strconv.Itoa(atoiOr(label[8:], 0))
		}
		ch.Bars = append(ch.Bars, statsDayBar{X: x + 3, Y: ch.Base - h, W: colW - 6, H: h, LabelX: x + colW/2, Label: label,
			Reminder: reminders[d.Key]})
	}
	return ch
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return n
}

// statsCSV is /admin/campagnes/{slug}/statistiques/{level}.csv: one table of the page, the
// same figures (the secret ones written "<5").
func (s *Server) statsCSV(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	level, ok := strings.CutSuffix(r.PathValue("file"), ".csv")
	if !ok {
		return apperr.New(apperr.NotFound, "stats.no_file")
	}
	rep, err := s.statsOf(r.Context(), c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	figure := func(cell stats.Cell) string {
		if cell.Hidden {
			return "<" + strconv.Itoa(stats.Threshold)
		}
		return strconv.Itoa(cell.N)
	}
	rate := func(cell stats.Cell) string {
		if cell.RateBP < 0 {
			return ""
		}
		return strconv.FormatFloat(float64(cell.RateBP)/100, 'f', 2, 64)
	}
	places := map[string][]stats.Row{"communes": rep.Communes, "epci": rep.EPCIs, "arrondissements": rep.Arrondissements,
		"cantons": rep.Cantons}
	switch level {
	case "ages", "jours":
		list := rep.ByAge
		head := "tranche_age"
		if level == "jours" {
			list, head = rep.ByDay, "jour"
		}
		_ = cw.Write([]string{head, "votants"})
		for _, n := range list {
			_ = cw.Write([]string{n.Key, strconv.Itoa(n.N)})
		}
	default:
		rows, ok := places[level]
		if !ok {
			return apperr.New(apperr.NotFound, "stats.no_file")
		}
		_ = cw.Write([]string{"code", "nom", "population", "idees", "comptoirs_presences", "dossiers", "votants",
			"taux_idees_pct", "taux_comptoirs_pct", "taux_dossiers_pct", "taux_votants_pct"})
		for _, row := range append(rows, rep.Total) {
			rec := []string{row.Code, row.Name, strconv.Itoa(row.Population)}
			for _, cell := range row.Cells {
				rec = append(rec, figure(cell))
			}
			for _, cell := range row.Cells {
				rec = append(rec, rate(cell))
			}
			_ = cw.Write(rec)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return writeDownload(w, "text/csv; charset=utf-8", c.Slug+"-statistiques-"+level+".csv", buf.Bytes())
}
