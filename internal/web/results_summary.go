package web

import (
	"cmp"
	"slices"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/results"
)

// winnerView is one funded project, as the results summary and the campaign page list it.
type winnerView struct {
	Title       string
	AmountCents int64 // the amount granted by the Commission permanente, else the support
}

// winnerGroup is the winners of one category.
type winnerGroup struct {
	Category string
	Winners  []winnerView
}

// winnersOf lists the funded projects by category, in the campaign's category order, with
// the amount granted when the Commission permanente decided one (granted, by dossier id).
func winnersOf(c *campaign.Campaign, res *results.Result, granted map[int64]int64) []winnerGroup {
	byCat := map[int64][]winnerView{}
	for _, g := range res.Groups {
		for _, row := range g.Rows {
			if !row.Selected {
				continue
			}
			pr := row.Project
			w := winnerView{Title: pr.Title, AmountCents: pr.SupportCents}
			if a, ok := granted[pr.ID]; ok {
				w.AmountCents = a
			}
			byCat[pr.CategoryID] = append(byCat[pr.CategoryID], w)
		}
	}
	var out []winnerGroup
	for _, cat := range c.Categories {
		if ws := byCat[cat.ID]; len(ws) > 0 {
			out = append(out, winnerGroup{Category: cat.Name, Winners: ws})
			delete(byCat, cat.ID)
		}
	}
	for _, ws := range byCat { // a project of a category since removed: kept, unnamed
		out = append(out, winnerGroup{Winners: ws})
	}
	return out
}

// winnerCount counts the winners of all groups.
func winnerCount(gs []winnerGroup) int {
	n := 0
	for _, g := range gs {
		n += len(g.Winners)
	}
	return n
}

// voteChart is a horizontal bar chart of the votes of one envelope's projects, drawn on the
// server: one bar per project, most voted first, winners filled, and a dotted line where the
// cumulative cost of the projects, in that order, first exceeds the envelope.
type voteChart struct {
	ID            string
	Title, Desc   string
	MarkText      string // what the envelope line says
	Width, Height int
	Bars          []voteBar
	Mark          *envelopeMark
}

type voteBar struct {
	Label          string // the project's title, shortened to fit
	LabelY         int
	Y, W, H        int
	ValueX, ValueY int
	Votes          int
	Funded         bool
}

type envelopeMark struct {
	Y, TextY int
}

// Geometry of the vote chart, in SVG user units (the chart scales to its container).
const (
	voteChartWidth = 400
	voteBarMax     = 330 // leaves room for the count after the longest bar
	voteRowH       = 28
	voteMarkGap    = 24
	voteLabelRunes = 58
)

// buildVoteChart draws the chart of one results group (rows in the engine's rank order).
func buildVoteChart(id, title, desc, markText string, budget int64, rows []resultsRowView) voteChart {
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b resultsRowView) int { return cmp.Compare(b.Votes, a.Votes) })
	ch := voteChart{ID: id, Title: title, Desc: desc, MarkText: markText, Width: voteChartWidth}
	maxV := 0
	for _, r := range sorted {
		maxV = max(maxV, r.Votes)
	}
	y := 4
	var cum int64
	for _, r := range sorted {
		cum += r.Support
		if ch.Mark == nil && cum > budget {
			ch.Mark = &envelopeMark{Y: y + 4, TextY: y + 18}
			y += voteMarkGap
		}
		w := 0
		if maxV > 0 {
			w = r.Votes * voteBarMax / maxV
		}
		if r.Votes > 0 && w < 2 {
			w = 2
		}
		ch.Bars = append(ch.Bars, voteBar{Label: shorten(r.Title, voteLabelRunes), LabelY: y + 12, Y: y + 16, W: w, H: 9,
			ValueX: w + 6, ValueY: y + 25, Votes: r.Votes, Funded: r.Selected})
		y += voteRowH
	}
	ch.Height = y + 4
	return ch
}

// shorten cuts s to n runes, ending with an ellipsis when cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
