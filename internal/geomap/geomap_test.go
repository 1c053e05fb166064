package geomap_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"budgetcitoyen/internal/geomap"
	"budgetcitoyen/internal/i18n"
)

// svgStats parses an SVG document with encoding/xml and counts the communes' paths (the
// paths with a <title>) and the other paths, and returns the titles.
func svgStats(t *testing.T, svg []byte) (communes, others int, titles []string) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var stack []string
	var root bool
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				root = e.Name.Local == "svg" && e.Name.Space == "http://www.w3.org/2000/svg"
			}
			if e.Name.Local == "title" && len(stack) > 0 && stack[len(stack)-1] == "path" {
				communes++
			}
			stack = append(stack, e.Name.Local)
		case xml.EndElement:
			if e.Name.Local == "path" {
				others++
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 1 && stack[len(stack)-1] == "title" && stack[len(stack)-2] == "path" {
				titles = append(titles, string(e))
			}
		}
	}
	if !root {
		t.Fatal("the root is not an SVG element")
	}
	return communes, others - communes, titles
}

// TestChoroplethSize draws the participation map of the 62 with a rate for every commune
// (the longest tooltips) or some hidden: one path per commune, well-formed, and under the
// 100 KB the statistics page allows it.
func TestChoroplethSize(t *testing.T) {
	m, err := geomap.Load("62")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Langs {
		values, hidden := map[string]float64{}, map[string]bool{}
		for i, c := range m.Communes {
			values[c.Code] = float64(i%97)/1000 + 0.0123
			if lang == i18n.EN && i%7 == 0 {
				hidden[c.Code] = true
			}
		}
		svg, err := geomap.Choropleth("62", values, hidden, geomap.Labels{Lang: lang, Title: "Participation au vote par commune",
			Legend: "Votants pour 100 habitants"})
		if err != nil {
			t.Fatal(err)
		}
		communes, others, titles := svgStats(t, []byte(svg))
		if communes != 887 {
			t.Errorf("%s: %d communes drawn, want 887", lang, communes)
		}
		if others < 3 {
			t.Errorf("%s: %d border paths", lang, others)
		}
		if len(svg) >= 100_000 {
			t.Errorf("%s: the map weighs %d bytes, over 100 KB", lang, len(svg))
		}
		t.Logf("%s: the choropleth of the 62 weighs %d bytes", lang, len(svg))
		for _, want := range []string{"Ablain-Saint-Nazaire : 1,23\u00a0%", "Hesdin-la-Forêt : "} {
			if lang == i18n.FR && !slices(titles, want) {
				t.Errorf("no title %q", want)
			}
		}
		if !strings.Contains(string(svg), "Contours : IGN Admin Express (2018), Licence Ouverte") ||
			!strings.Contains(string(svg), `role="img"`) || !strings.Contains(string(svg), `viewBox="0 0 600 `) {
			t.Error("no attribution, role or viewBox")
		}
		if lang == i18n.EN && strings.Contains(string(svg), "Ablain-Saint-Nazaire : ") {
			t.Error("a hidden commune's value is written") // 62001 is the first: hidden
		}
	}
}

func slices(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// TestCountsMap draws a map of counts with labels that need escaping.
func TestCountsMap(t *testing.T) {
	m, err := geomap.Load("62")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for i, c := range m.Communes {
		counts[c.Code] = i % 13
	}
	svg, err := geomap.Counts("62", counts, geomap.Labels{Lang: i18n.FR, Title: `Projets <"par"> commune & co`,
		Count: func(n int) string {
			if n == 1 {
				return "1 projet <b>&"
			}
			return fmt.Sprintf("%d projets", n)
		}})
	if err != nil {
		t.Fatal(err)
	}
	communes, _, titles := svgStats(t, svg)
	if communes != 887 || len(svg) >= 100_000 {
		t.Errorf("%d communes, %d bytes", communes, len(svg))
	}
	t.Logf("a map of counts of the 62 weighs %d bytes", len(svg))
	if !slices(titles, "Ablain-Saint-Nazaire") || !slices(titles, "Ablainzevelle : 1 projet <b>&") {
		t.Errorf("titles %q…", titles[:3])
	}
	if !strings.Contains(string(svg), "1 projet &lt;b&gt;&amp;") || !strings.Contains(string(svg), "Projets &lt;&#34;par&#34;&gt; commune &amp; co") {
		t.Error("labels not escaped")
	}
	if _, err := geomap.Counts("75", counts, geomap.Labels{}); err == nil || geomap.Has("75") || !geomap.Has("62") {
		t.Error("a map of Paris, whose outlines are not shipped")
	}
}

// ExampleChoropleth shows the call of the statistics page: the participation rate of each
// commune (voters over population), the communes under the secrecy threshold hidden.
func ExampleChoropleth() {
	rates := map[string]float64{"62041": 0.082, "62119": 0.031, "62193": 0.12}
	hidden := map[string]bool{"62001": true}
	svg, err := geomap.Choropleth("62", rates, hidden, geomap.Labels{
		Lang:   i18n.FR,
		Title:  "Participation au vote par commune",
		Legend: "Votants pour 100 habitants",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(string(svg), "<svg"), strings.Count(string(svg), "<title>")-1)
	fmt.Println(strings.Contains(string(svg), "<title>Béthune : 3,1\u00a0%</title>"))
	// Output:
	// true 887
	// true
}

// TestCountsClasses: a few different counts get one class each; many, quintiles.
func TestCountsClasses(t *testing.T) {
	legend := func(counts map[string]int) []string {
		svg, err := geomap.Counts("62", counts, geomap.Labels{Lang: i18n.FR})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range regexp.MustCompile(`<text x="\d+" y="\d+">([^<]+)</text>`).FindAllStringSubmatch(string(svg), -1) {
			out = append(out, m[1])
		}
		w, h, ok := geomap.ViewBox(svg)
		if !ok || w != 600 || h < 600 {
			t.Errorf("viewBox %d×%d", w, h)
		}
		return out
	}
	if got := strings.Join(legend(map[string]int{"62041": 1, "62119": 1, "62193": 2, "62001": 1}), "|"); got != "Aucun|1|2|Limite d&#39;intercommunalité|Limite d&#39;arrondissement" {
		t.Errorf("legend %s", got)
	}
	many := map[string]int{}
	m, _ := geomap.Load("62")
	for i, c := range m.Communes[:100] {
		many[c.Code] = i + 1
	}
	if got := strings.Join(legend(many), "|"); got != "Aucun|1 – 20|21 – 40|41 – 60|61 – 80|81 – 100|Limite d&#39;intercommunalité|Limite d&#39;arrondissement" {
		t.Errorf("legend %s", got)
	}
}

// BenchmarkChoropleth draws the participation map of the 62 with a rate for every commune.
func BenchmarkChoropleth(b *testing.B) {
	m, err := geomap.Load("62")
	if err != nil {
		b.Fatal(err)
	}
	values := map[string]float64{}
	for i, c := range m.Communes {
		values[c.Code] = float64(i%97) / 1000
	}
	for b.Loop() {
		if _, err := geomap.Choropleth("62", values, nil, geomap.Labels{Lang: i18n.FR, Title: "Participation"}); err != nil {
			b.Fatal(err)
		}
	}
}
