package web

import (
	"net/http"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/idea"
	"budgetcitoyen/internal/workshop"
)

type workshopCoveragePage struct {
	Base
	C        *campaign.Campaign
	Cov      workshop.Coverage
	Measures []measureHead
	Empty    []workshop.CoverageRow // arrondissements without any session
	Chart    coverageChart
}

type measureHead struct {
	Key, Label string
}

// coverageChart is a server-side SVG bar chart: one panel per measure (each with its own
// scale, sessions being far fewer than registrations), one row per arrondissement.
type coverageChart struct {
	Width, Height int
	LabelWidth    int
	Rows          []chartRow
	Panels        []chartPanel
}

type chartRow struct {
	Label string
	Y     int // baseline of the row's text
	Empty bool
}

type chartPanel struct {
	Title string
	X     int
	Bars  []chartBar
}

type chartBar struct {
	X, Y, W, H int
	TextX      int
	Value      int
}

const (
	chartLabelWidth = 190
	chartPanelWidth = 170
	chartRowHeight  = 28
	chartTop        = 30
)

func buildCoverageChart(cov workshop.Coverage, heads []measureHead) coverageChart {
	ch := coverageChart{LabelWidth: chartLabelWidth, Width: chartLabelWidth + chartPanelWidth*len(heads),
		Height: chartTop + chartRowHeight*len(cov.Arrondissements) + 10}
	for i, row := range cov.Arrondissements {
		ch.Rows = append(ch.Rows, chartRow{Label: row.Name, Y: chartTop + i*chartRowHeight + 18,
			Empty: row.Value(workshop.MeasureSessions) == 0})
	}
	for pi, h := range heads {
		p := chartPanel{Title: h.Label, X: chartLabelWidth + pi*chartPanelWidth}
		maxV := 0
		for _, row := range cov.Arrondissements {
			maxV = max(maxV, row.Value(h.Key))
		}
		barMax := chartPanelWidth - 50
		for i, row := range cov.Arrondissements {
			v := row.Value(h.Key)
			w := 0
			if maxV > 0 {
				w = v * barMax / maxV
			}
			if v > 0 && w < 2 {
				w = 2
			}
			b := chartBar{X: p.X, Y: chartTop + i*chartRowHeight + 6, W: w, H: chartRowHeight - 10, Value: v}
			b.TextX = b.X + w + 4
			p.Bars = append(p.Bars, b)
		}
		ch.Panels = append(ch.Panels, p)
	}
	return ch
}

// measureIdeas is the coverage column of the ideas deposited in each commune.
const measureIdeas = "ideas"

// workshopCoverage shows the territorial coverage of the campaign: comptoir sessions,
// registrations and attendances, and ideas, per arrondissement and per EPCI of its département.
func (s *Server) workshopCoverage(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	counts, err := workshop.CountsByCommune(r.Context(), s.db, c.ID)
	if err != nil {
		return err
	}
	ideas, err := idea.CountByCommune(r.Context(), s.db, c.ID)
	if err != nil {
		return err
	}
	measures := append(counts.Measures(), workshop.Measure{Key: measureIdeas, ByCommune: ideas})
	cov := workshop.ComputeCoverage(s.Territory, c.Territory, measures)
	lang := langOf(r)
	p := workshopCoveragePage{Base: s.base(r, "workshop.coverage.title", c.Name), C: c, Cov: cov,
		Empty: workshop.Without(cov.Arrondissements, workshop.MeasureSessions)}
	for _, k := range cov.Measures {
		p.Measures = append(p.Measures, measureHead{k, s.cat.T(lang, "workshop.coverage.measure."+k)})
	}
	p.Chart = buildCoverageChart(cov, p.Measures)
	return s.render(w, r, http.StatusOK, "workshop_coverage", p)
}
