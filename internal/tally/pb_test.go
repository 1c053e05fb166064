package tally

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func readFile(t testing.TB, path string) *Instance {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	in, err := ReadPB(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return in
}

func ballotIDs(in *Instance, i int) []string {
	_, projs, _ := in.Ballot(i)
	var out []string
	for _, p := range projs {
		out = append(out, in.Projects[p].ID)
	}
	return out
}

func TestReadQuirks(t *testing.T) {
	in := readFile(t, "testdata/quirks.pb")
	if in.Scale != 2 || in.Budget != 100050 {
		t.Errorf("budget 1000,50 read as %d at scale %d, want 100050 at scale 2", in.Budget, in.Scale)
	}
	wantCosts := map[string]int64{"OGM/1": 40000, "c2": 35025, "10": 30000, "9": 20000}
	for id, want := range wantCosts {
		i, ok := in.ProjectIndex(id)
		if !ok || in.Projects[i].Cost != want {
			t.Errorf("project %q: cost %v, want %d", id, in.Projects[i].Cost, want)
		}
	}
	p := in.Projects[0]
	if got := p.Field("name"); got != `Park; trees and "benches"` {
		t.Errorf("quoted name = %q", got)
	}
	if !slices.Equal(p.Categories, []string{"green", "sport"}) {
		t.Errorf("categories = %v", p.Categories)
	}
	if in.Projects[2].Field("name") != "" || in.Projects[3].Categories != nil {
		t.Errorf("None values should be dropped: %+v %+v", in.Projects[2], in.Projects[3])
	}
	if in.NumBallots() != 5 {
		t.Fatalf("ballots = %d, want 5 (blank line skipped)", in.NumBallots())
	}
	cases := []struct {
		i    int
		want []string
	}{
		{0, []string{"OGM/1", "10"}}, // repeated project counted once
		{1, []string{"OGM/1", "c2"}}, // spaces trimmed
		{3, []string{"c2", "OGM/1"}}, // empty element skipped
		{4, []string{"10"}},
	}
	for _, c := range cases {
		if got := ballotIDs(in, c.i); !slices.Equal(got, c.want) {
			t.Errorf("ballot %d = %v, want %v", c.i, got, c.want)
		}
	}
	if f := in.BallotFields(1); len(f) != 0 {
		t.Errorf("None age should be dropped, got %v", f)
	}
}

func TestReadCumulativeCRLFNoFinalNewline(t *testing.T) {
	in := readFile(t, "testdata/cumulative_crlf.pb")
	if in.VoteType != Cumulative || in.NumBallots() != 4 {
		t.Fatalf("vote type %s, %d ballots", in.VoteType, in.NumBallots())
	}
	_, projs, pts := in.Ballot(3)
	// "a,c,a;1,2,2": a keeps its first position and, as in pabutools, the last points.
	if !slices.Equal(projs, []int32{0, 2}) || !slices.Equal(pts, []int64{2, 2}) {
		t.Errorf("ballot 4 = %v %v", projs, pts)
	}
}

func TestReadMissingKeyValueHeaderAndBOM(t *testing.T) {
	in := readFile(t, "testdata/nokeyheader.pb")
	if in.MetaValue("description") == "" || in.Budget != 7 || in.NumBallots() != 5 {
		t.Errorf("meta %v budget %d ballots %d", in.Meta, in.Budget, in.NumBallots())
	}
}

func TestReadErrors(t *testing.T) {
	head := "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
	cases := []struct {
		name, text string
		line       int
		field      string
	}{
		{"bad cost", head + "p1;12x\nVOTES\nvoter_id;vote\n", 7, "cost"},
		{"negative cost", head + "p1;-5\n", 7, "cost"},
		{"unknown project", head + "p1;5\nVOTES\nvoter_id;vote\nv1;p1,p9\n", 10, "vote"},
		{"duplicate project", head + "p1;5\np1;6\n", 8, "project_id"},
		{"no budget", "META\nkey;value\nvote_type;approval\nPROJECTS\nproject_id;cost\n", 0, "budget"},
		{"bad vote type", "META\nkey;value\nvote_type;ranked\n", 3, "vote_type"},
		{"missing vote column", head + "p1;5\nVOTES\nvoter_id;ballot\n", 9, "vote"},
		{"bad points", "META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\np;5\nVOTES\nvoter_id;vote;points\n1;p;x\n", 10, "points"},
		{"sections out of order", "META\nkey;value\nbudget;1\nvote_type;approval\nVOTES\n", 5, ""},
		{"data before META", "hello;world\n", 1, ""},
		{"too many decimals", head + "p1;1.1234567\n", 7, "cost"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadPB(strings.NewReader(c.text))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.Line != c.line || pe.Field != c.field {
				t.Errorf("error %q: line %d field %q, want line %d field %q", err, pe.Line, pe.Field, c.line, c.field)
			}
		})
	}
}

// sameInstance compares what the rules and the writer see.
func sameInstance(t *testing.T, a, b *Instance) {
	t.Helper()
	if !reflect.DeepEqual(a.Meta, b.Meta) || a.Budget != b.Budget || a.Scale != b.Scale || a.VoteType != b.VoteType {
		t.Errorf("header differs:\n%v %d/%d %s\n%v %d/%d %s", a.Meta, a.Budget, a.Scale, a.VoteType, b.Meta, b.Budget, b.Scale, b.VoteType)
	}
	if !reflect.DeepEqual(a.Projects, b.Projects) {
		t.Errorf("projects differ:\n%+v\n%+v", a.Projects, b.Projects)
	}
	if a.NumBallots() != b.NumBallots() {
		t.Fatalf("ballots: %d vs %d", a.NumBallots(), b.NumBallots())
	}
	for i := range a.NumBallots() {
		ia, pa, qa := a.Ballot(i)
		ib, pb, qb := b.Ballot(i)
		if ia != ib || !slices.Equal(pa, pb) || !slices.Equal(qa, qb) || !reflect.DeepEqual(a.BallotFields(i), b.BallotFields(i)) {
			t.Fatalf("ballot %d differs: %s %v %v %v / %s %v %v %v", i, ia, pa, qa, a.BallotFields(i), ib, pb, qb, b.BallotFields(i))
		}
	}
}

func roundTrip(t *testing.T, in *Instance) {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePB(&buf, in); err != nil {
		t.Fatal(err)
	}
	back, err := ReadPB(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("reading back: %v\n%s", err, buf.String())
	}
	sameInstance(t, in, back)
}

func TestRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.pb")
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { roundTrip(t, readFile(t, f)) })
	}
	// The real files exercise every quirk at once; the small ones are cheap enough here.
	if d := findPabulib(); d != "" {
		for _, name := range []string{"Poland_Gdansk_2020_Stogi.pb", "Poland_Wieliczka_2023_Green_Budget.pb", "France_Toulouse_2022.pb", "Poland_Krakow_2021_Krowodrza.pb", "Switzerland_Zurich_S5R.pb", "Netherlands_Amsterdam_604.pb"} {
			t.Run(name, func(t *testing.T) { roundTrip(t, readFile(t, filepath.Join(d, name))) })
		}
	}
}

// findPabulib is pabulibDir without skipping, for optional extra checks.
func findPabulib() string {
	if d := os.Getenv("BC_PABULIB_DIR"); d != "" {
		return d
	}
	wd, _ := os.Getwd()
	for dir := wd; filepath.Dir(dir) != dir; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "shared", "pabulib", "expected.tsv")); err == nil {
			return filepath.Join(dir, "shared", "pabulib")
		}
	}
	return ""
}

func TestProgrammaticInstanceWrites(t *testing.T) {
	in := &Instance{VoteType: Approval, Budget: 500}
	for _, id := range []string{"a", "b", "c"} {
		if err := in.AddProject(Project{ID: id, Cost: 200, Categories: []string{"x"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := in.AddBallot("v1", []string{"a", "b"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := in.AddBallot("v2", []string{"zzz"}, nil); err == nil {
		t.Error("unknown project accepted")
	}
	var buf bytes.Buffer
	if err := WritePB(&buf, in); err != nil {
		t.Fatal(err)
	}
	back, err := ReadPB(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.NumBallots() != 1 || back.Budget != 500 || back.MetaValue("num_votes") != "1" || !slices.Equal(back.Projects[2].Categories, []string{"x"}) {
		t.Errorf("read back %+v", back)
	}
}

func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.pb")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("META\nkey;value\nbudget;1e9\nvote_type;scoring\nPROJECTS\nproject_id;cost\n\"a;b\";1\nVOTES\nvoter_id;vote;points\n1;\"a;b\";-3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ReadPB(bytes.NewReader(data))
		if err != nil {
			return
		}
		// Whatever parses must write, read back and tally without panicking.
		var buf bytes.Buffer
		if err := WritePB(&buf, in); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadPB(&buf); err != nil {
			t.Fatalf("writer output does not read back: %v", err)
		}
		for _, rule := range []string{"greedy_cost", "mes_card", "phragmen"} {
			_, _ = Run(in, Options{Rule: rule})
		}
	})
}
