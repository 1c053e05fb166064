package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const twoGroups = `META
key;value
description;two groups
num_projects;3
num_votes;10
budget;10000
vote_type;approval
currency;EUR
PROJECTS
project_id;cost
A;6000
B;4000
C;4000
VOTES
voter_id;vote
1;A,B
2;A,B
3;A,B
4;A,B
5;A,B
6;A,B
7;C
8;C
9;C
10;C
`

type cliResult struct {
	code           int
	stdout, stderr string
}

func runCLI(stdin string, args ...string) cliResult {
	var out, errb bytes.Buffer
	code := runResults(args, strings.NewReader(stdin), &out, &errb)
	return cliResult{code, out.String(), errb.String()}
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type jsonOut struct {
	Rule, Budget, Spent, Left string
	TieBreak                  string `json:"tie_break"`
	Ballots                   int
	Selected                  []string
	Projects                  []struct {
		ID, Cost, Score string
		Votes, Rank     int
		Selected        bool
		Reason          struct {
			Code       string
			BudgetLeft string `json:"budget_left"`
			Round      int
			Rho        *float64
		}
	}
}

func TestResultsFlagsAnyOrder(t *testing.T) {
	file := writeTemp(t, "e.pb", twoGroups)
	for _, args := range [][]string{
		{file, "--rule", "mes_cost", "--format", "json"},
		{"--rule", "mes_cost", file, "--format=json"},
		{"--format", "json", "--rule=mes_cost", file},
	} {
		r := runCLI("", args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d, stderr %s", args, r.code, r.stderr)
		}
		var j jsonOut
		if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, r.stdout)
		}
		// Group of six buys A (first by id at equal price), the four buy C.
		if !slices.Equal(j.Selected, []string{"A", "C"}) || j.Spent != "10000" || j.Left != "0" || j.Ballots != 10 || j.TieBreak != "id" {
			t.Errorf("%v: %+v", args, j)
		}
		if len(j.Projects) != 3 || j.Projects[0].Reason.Code != "mes_selected" || j.Projects[0].Reason.Rho == nil {
			t.Errorf("%v: projects %+v", args, j.Projects)
		}
	}
}

func TestResultsStdinTextAndCSV(t *testing.T) {
	r := runCLI(twoGroups, "-", "--rule", "greedy_cost")
	if r.code != 0 || !strings.Contains(r.stdout, "Projets retenus (2) : A, B") || !strings.Contains(r.stdout, "budget restant à son tour : 0 € < coût 4 000 €") {
		t.Errorf("french text: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(twoGroups, "--lang", "en", "--rule", "greedy_cost", "-")
	if r.code != 0 || !strings.Contains(r.stdout, "Selected projects (2): A, B") {
		t.Errorf("english text: exit %d\n%s", r.code, r.stdout)
	}
	r = runCLI(twoGroups, "--format", "csv", "--rule", "phragmen", "--tie-break", "cost,id", "-")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 4 || !strings.HasPrefix(lines[0], "rank,id,cost") {
		t.Errorf("csv: exit %d\n%s", r.code, r.stdout)
	}
}

func TestResultsErrors(t *testing.T) {
	file := writeTemp(t, "e.pb", twoGroups)
	bad := writeTemp(t, "bad.pb", strings.Replace(twoGroups, "B;4000", "B;4k", 1))
	cases := []struct {
		name   string
		args   []string
		inErr  string
		status int
	}{
		{"no rule", []string{file}, "--rule is required", 2},
		{"no file", []string{"--rule", "mes_cost"}, "missing FILE", 2},
		{"two files", []string{file, file, "--rule", "mes_cost"}, "one FILE expected", 2},
		{"unknown rule", []string{file, "--rule", "borda"}, "unknown rule", 2},
		{"unknown flag", []string{file, "--rule", "mes_cost", "--fast"}, "flag provided but not defined", 2},
		{"bad format", []string{file, "--rule", "mes_cost", "--format", "xml"}, "unknown --format", 2},
		{"bad lang", []string{file, "--rule", "mes_cost", "--lang", "de"}, "--lang", 2},
		{"bad tie-break", []string{file, "--rule", "mes_cost", "--tie-break", "luck"}, "--tie-break", 2},
		{"missing file", []string{filepath.Join(t.TempDir(), "nope.pb"), "--rule", "mes_cost"}, "no such file", 2},
		{"bad cost", []string{bad, "--rule", "mes_cost"}, "line 12, field cost", 2},
		{"no envelopes", []string{file, "--rule", "mes_cost", "--envelopes", "category"}, "envelopes", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI("", c.args...)
			if r.code != c.status || !strings.Contains(r.stderr, c.inErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, c.status, c.inErr)
			}
			if r.stdout != "" {
				t.Errorf("stdout should stay empty on error, got %q", r.stdout)
			}
		})
	}
}

func TestResultsHelp(t *testing.T) {
	for _, h := range []string{"-h", "--help"} {
		r := runCLI("", h)
		if r.code != 0 || !strings.Contains(r.stdout, "--rule NAME") || !strings.Contains(r.stdout, "mes_cost_add1") {
			t.Errorf("%s: exit %d\n%s", h, r.code, r.stdout)
		}
	}
}

// TestResultsReference runs the command on the small reference files against the reference
// outcomes (the engine's own conformance test covers every row).
func TestResultsReference(t *testing.T) {
	dir := os.Getenv("BC_PABULIB_DIR")
	if dir == "" {
		wd, _ := os.Getwd()
		for d := wd; filepath.Dir(d) != d; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "shared", "pabulib", "expected_add1.tsv")); err == nil {
				dir = filepath.Join(d, "shared", "pabulib")
				break
			}
		}
	}
	if dir == "" {
		if os.Getenv("BC_REQUIRE_ALL") == "1" {
			t.Fatal("pabulib reference data not found")
		}
		t.Skip("!!! pabulib reference data not found: CLI reference check skipped !!!")
	}
	f, err := os.Open(filepath.Join(dir, "expected_add1.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	checked := 0
	for sc.Scan() {
		parts := strings.Split(sc.Text(), "\t")
		if len(parts) < 3 || strings.HasPrefix(parts[0], "#") {
			continue
		}
		if parts[0] != "Netherlands_Assen_2024.pb" && parts[0] != "Poland_Gdansk_2020_Stogi.pb" {
			continue
		}
		r := runCLI("", filepath.Join(dir, parts[0]), "--rule", parts[1], "--format", "json")
		var j jsonOut
		if err := json.Unmarshal([]byte(r.stdout), &j); err != nil || r.code != 0 {
			t.Fatalf("%s: exit %d %v %s", parts[0], r.code, err, r.stderr)
		}
		if !slices.Equal(j.Selected, strings.Fields(parts[2])) {
			t.Errorf("%s %s: %v, want %s", parts[0], parts[1], j.Selected, parts[2])
		}
		checked++
	}
	if checked != 2 {
		t.Errorf("checked %d reference rows, want 2", checked)
	}
}
