package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"budgetcitoyen/internal/territory"
)

func build(t *testing.T, terr *territory.Data) (*Map, []byte) {
	t.Helper()
	m, err := Build("../../../third_party/geo/62/communes-62.geojson", "62", terr)
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return m, b
}

// TestBuild62 checks the map of the Pas-de-Calais: every current commune drawn once, the
// former communes drawn with the commune they joined, the borders present, the same bytes
// at each run and the same bytes as the embedded file (regenerate with go generate).
func TestBuild62(t *testing.T) {
	terr, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	m, b := build(t, terr)
	if len(m.Communes) != 887 || len(terr.Communes("62")) != 887 {
		t.Fatalf("%d communes drawn, territory has %d; want 887", len(m.Communes), len(terr.Communes("62")))
	}
	for i, c := range m.Communes {
		tc, ok := terr.Commune(c.Code)
		if !ok || tc.Name != c.Name || tc.Departement != "62" {
			t.Errorf("commune %s %q: not the territory's %v", c.Code, c.Name, tc)
		}
		if i > 0 && m.Communes[i-1].Code >= c.Code {
			t.Errorf("communes not sorted at %s", c.Code)
		}
		if !strings.HasPrefix(c.Path, "m") || !strings.HasSuffix(c.Path, "z") {
			t.Errorf("%s: path %.20q…", c.Code, c.Path)
		}
	}
	want := map[string]string{"62210": "62154", "62461": "62447", "62549": "62447", "62743": "62447"}
	if len(m.Merged) != len(want) {
		t.Errorf("merged %v, want %v", m.Merged, want)
	}
	for _, mg := range m.Merged {
		if want[mg[0]] != mg[1] {
			t.Errorf("%s drawn with %s, want %s", mg[0], mg[1], want[mg[0]])
		}
	}
	for name, d := range map[string]string{"arrondissements": m.Arr, "EPCI": m.EPCI, "outline": m.Outline} {
		// Each border is a few lines (a "m" each) of many points.
		if moves := strings.Count(d, "m"); moves == 0 || len(d) < 20*moves {
			t.Errorf("%s: %d lines in %d bytes", name, moves, len(d))
		}
	}
	if m.W != Width || m.H < 500 || m.H > 620 {
		t.Errorf("size %d×%d", m.W, m.H)
	}
	_, again := build(t, terr)
	if !bytes.Equal(b, again) {
		t.Error("two runs gave different bytes")
	}
	embedded, err := os.ReadFile("../data/62.txt.gz")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, embedded) {
		t.Error("data/62.txt.gz is not what the generator writes: run go generate ./internal/geomap/")
	}
}
