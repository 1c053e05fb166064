package geomap

import (
	"html/template"
	"math"
	"slices"
	"strconv"

	"budgetcitoyen/internal/i18n"
)

// Labels are the words of a map, in the page's language. Empty fields take a default in
// Lang.
type Labels struct {
	Lang    i18n.Lang
	Title   string // the map's accessible name, e.g. « Participation au vote par commune »
	Legend  string // the legend's heading, e.g. « Votants pour 100 habitants »
	NoValue string // communes with nothing to show: « Aucune donnée », « Aucun projet »
	Hidden  string // communes whose figure is withheld: « Non diffusé (moins de 5) »
	// Count writes a commune's count in its tooltip (Counts only): « 3 projets ».
	Count func(n int) string
	// The borders in the legend.
	EPCI, Arrondissement string
}

func (l Labels) or(fr, en string, v string) string {
	if v != "" {
		return v
	}
	if l.Lang == i18n.EN {
		return en
	}
	return fr
}

func (l Labels) borders(o *Options) {
	o.EPCILabel = l.or("Limite d'intercommunalité", "Intercommunality border", l.EPCI)
	o.ArrondissementLabel = l.or("Limite d'arrondissement", "Arrondissement border", l.Arrondissement)
}

// Choropleth draws the map of a département's communes coloured by a rate, for a page to
// inline (the statistics page): values are rates by INSEE code (0.125 is 12.5 %), hidden the
// communes whose figure is withheld (statistical secrecy: drawn grey, their value never
// written). A commune in neither has no value. The classes are the quintiles of the values
// shown, rounded to 0.1 %: up to five classes of Palette. The map is under 100 KB for the
// 887 communes of the 62.
func Choropleth(dep string, values map[string]float64, hidden map[string]bool, l Labels) (template.HTML, error) {
	m, err := Load(dep)
	if err != nil {
		return "", err
	}
	var shown []float64
	for _, c := range m.Communes {
		if v, ok := values[c.Code]; ok && !hidden[c.Code] {
			shown = append(shown, v)
		}
	}
	// Breaks in basis points, each class [breaks[i-1], breaks[i]).
	var bps []int64
	for _, v := range shown {
		bps = append(bps, int64(math.Round(v*10000)))
	}
	breaks := quantileBreaks(bps, len(Palette), 10)
	fills := spread(len(breaks) + 1)
	pct := func(bp int64) string { return i18n.Percent(l.Lang, bp) }
	o := Options{Title: l.Title, Legend: l.Legend}
	l.borders(&o)
	o.Classes = append(o.Classes, Class{NoValue, l.or("Aucune donnée", "No data", l.NoValue)})
	if len(hidden) > 0 {
		o.Classes = append(o.Classes, Class{Hidden, l.or("Non diffusé (moins de 5)", "Not shown (under 5)", l.Hidden)})
	} else {
		o.Classes = append(o.Classes, Class{Hidden, ""})
	}
	if len(shown) > 0 {
		for i, f := range fills {
			o.Classes = append(o.Classes, Class{f, rangeLabel(breaks, i, pct)})
		}
	}
	o.Commune = func(code, _ string) (int, string) {
		if hidden[code] {
			return 1, ""
		}
		v, ok := values[code]
		if !ok {
			return 0, ""
		}
		bp := int64(math.Round(v * 10000))
		return 2 + classOf(breaks, bp), pct(bp)
	}
	return template.HTML(m.SVG(o)), nil
}

// Counts draws the map of a département's communes coloured by a count (projects, sessions),
// for a map file: communes without any are NoValue, the others in up to five classes (one
// per count when there are few, quintiles otherwise).
func Counts(dep string, counts map[string]int, l Labels) ([]byte, error) {
	m, err := Load(dep)
	if err != nil {
		return nil, err
	}
	var ns []int64
	for _, c := range m.Communes {
		if n := counts[c.Code]; n > 0 {
			ns = append(ns, int64(n))
		}
	}
	breaks := countBreaks(ns, len(Palette))
	fills := spread(len(breaks) + 1)
	o := Options{Title: l.Title, Legend: l.Legend}
	l.borders(&o)
	o.Classes = []Class{{NoValue, l.or("Aucun", "None", l.NoValue)}}
	num := func(n int64) string { return i18n.Int(l.Lang, n) }
	if len(ns) > 0 {
		lo, hi := slices.Min(ns), slices.Max(ns)
		for i, f := range fills {
			o.Classes = append(o.Classes, Class{f, countLabel(breaks, i, lo, hi, num)})
		}
	}
	o.Commune = func(code, _ string) (int, string) {
		n := counts[code]
		if n <= 0 {
			return 0, ""
		}
		label := strconv.Itoa(n)
		if l.Count != nil {
			label = l.Count(n)
		}
		return 1 + classOf(breaks, int64(n)), label
	}
	return m.SVG(o), nil
}

// countBreaks returns the breaks of counts: one class per count when there are at most k
// different counts, else quantileBreaks.
func countBreaks(ns []int64, k int) []int64 {
	distinct := slices.Clone(ns)
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	if len(distinct) <= k {
		if len(distinct) == 0 {
			return nil
		}
		return distinct[1:]
	}
	return quantileBreaks(ns, k, 1)
}

// quantileBreaks returns up to k-1 increasing breaks, multiples of step, that cut values
// into classes of about equal size: a value v is in class i when breaks[i-1] <= v <
// breaks[i]. Equal breaks merge, so few distinct values give fewer classes.
func quantileBreaks(values []int64, k int, step int64) []int64 {
	if len(values) == 0 {
		return nil
	}
	v := slices.Clone(values)
	slices.Sort(v)
	var out []int64
	for i := 1; i < k; i++ {
		q := v[len(v)*i/k]
		q = (q + step - 1) / step * step // up to a multiple of step
		if q <= v[0] || len(out) > 0 && q <= out[len(out)-1] {
			continue
		}
		if q > v[len(v)-1] {
			break
		}
		out = append(out, q)
	}
	return out
}

func classOf(breaks []int64, v int64) int {
	i, found := slices.BinarySearch(breaks, v)
	if found {
		i++
	}
	return i
}

// spread picks n fills of Palette from light to dark, as far apart as it can; fewer than
// five leave out the lightest, too close to NoValue.
func spread(n int) []string {
	if n >= len(Palette) {
		return Palette
	}
	p := Palette[1:]
	if n == 1 {
		return p[1:2]
	}
	out := make([]string, n)
	for i := range out {
		out[i] = p[i*(len(p)-1)/(n-1)]
	}
	return out
}

// rangeLabel is the legend of class i of rates: "< 2 %", "2 % – 4 %", "≥ 9 %".
func rangeLabel(breaks []int64, i int, f func(int64) string) string {
	switch {
	case len(breaks) == 0:
		return "—"
	case i == 0:
		return "< " + f(breaks[0])
	case i == len(breaks):
		return "≥ " + f(breaks[i-1])
	}
	return f(breaks[i-1]) + " – < " + f(breaks[i])
}

// countLabel is the legend of class i of counts from lo to hi: "1", "2 – 3", "4 – 12".
func countLabel(breaks []int64, i int, lo, hi int64, f func(int64) string) string {
	from, to := lo, hi
	if i > 0 {
		from = breaks[i-1]
	}
	if i < len(breaks) {
		to = breaks[i] - 1
	}
	if to == from {
		return f(from)
	}
	return f(from) + " – " + f(to)
}
