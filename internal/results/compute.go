package results

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"budgetcitoyen/internal/tally"
	"budgetcitoyen/internal/territory"
	"budgetcitoyen/internal/vote"
)

// Row is one project's result.
type Row struct {
	Project  vote.Project
	Votes    int64
	Rank     int // order of the engine's decisions in its envelope (1 = first)
	Selected bool
	Reason   tally.Reason
}

// Group is the result of one envelope.
type Group struct {
	Key         string
	CategoryID  int64 // 0 for the global envelope
	Name        string
	BudgetCents int64
	SpentCents  int64
	LeftCents   int64
	Rows        []Row // in rank order
	Outcome     *tally.Outcome
}

// Result is the explained outcome of a campaign's vote.
type Result struct {
	Rule, TieBreak string
	Ballots        int
	Groups         []Group
	BudgetCents    int64
	SpentCents     int64
	LeftCents      int64
	Winners        []int64 // dossier ids, ascending
}

// Compute runs the campaign's rule on every envelope.
func Compute(d *Data) (*Result, error) {
	envs, err := Build(d, VoterIDs(d))
	if err != nil {
		return nil, err
	}
	byID := make(map[string]vote.Project, len(d.Projects))
	for _, p := range d.Projects {
		byID[ProjectID(p.ID)] = p
	}
	opt := Options(d.Campaign)
	r := &Result{Rule: opt.Rule, TieBreak: opt.TieBreak, Ballots: len(d.Ballots)}
	for _, e := range envs {
		out, err := tally.Run(e.Instance, opt)
		if err != nil {
			return nil, fmt.Errorf("results of %s: %w", e.Name, err)
		}
		g := Group{Key: e.Key, CategoryID: e.CategoryID, Name: e.Name, BudgetCents: out.Budget,
			SpentCents: out.Spent, LeftCents: out.Left, Outcome: out}
		for _, pr := range out.Projects {
			p := byID[pr.ID]
			g.Rows = append(g.Rows, Row{Project: p, Votes: pr.Votes, Rank: pr.Rank, Selected: pr.Selected, Reason: pr.Reason})
			if pr.Selected {
				r.Winners = append(r.Winners, p.ID)
			}
		}
		r.BudgetCents += g.BudgetCents
		r.SpentCents += g.SpentCents
		r.LeftCents += g.LeftCents
		r.Groups = append(r.Groups, g)
	}
	r.Winners = sortedCopy(r.Winners)
	return r, nil
}

// WritePB writes the election of one envelope as a pabulib file; the projects carry the
// published votes and whether they were selected.
func WritePB(w io.Writer, e Envelope, out *tally.Outcome) error {
	in := e.Instance
	if out != nil {
		res := make(map[string]tally.ProjectResult, len(out.Projects))
		for _, p := range out.Projects {
			res[p.ID] = p
		}
		in.ProjectColumns = []string{"name", "votes", "selected"}
		for i := range in.Projects {
			p := &in.Projects[i]
			pr := res[p.ID]
			sel := "0"
			if pr.Selected {
				sel = "1"
			}
			p.Fields = []tally.Field{{Key: "name", Value: p.Field("name")},
				{Key: "votes", Value: strconv.FormatInt(pr.Votes, 10)}, {Key: "selected", Value: sel}}
		}
	}
	return tally.WritePB(w, in)
}

// FileName is the name of an envelope's .pb file.
func FileName(slug string, e Envelope) string {
	if e.Key == "global" {
		return slug + ".pb"
	}
	return slug + "-categorie-" + e.Key + ".pb"
}

// WriteCSV writes every ballot: its receipt code (or its number when codes are not
// published) and the ids of its projects, separated by spaces.
func WriteCSV(w io.Writer, d *Data) error {
	cw := csv.NewWriter(w)
	head := "bulletin"
	if Published(d.Campaign) {
		head = "code_recu"
	}
	if err := cw.Write([]string{head, "projets"}); err != nil {
		return err
	}
	id := VoterIDs(d)
	for i, b := range d.Ballots {
		ids := make([]string, len(b.Projects))
		for k, p := range b.Projects {
			ids[k] = strconv.FormatInt(p, 10)
		}
		if err := cw.Write([]string{id(i), strings.Join(ids, " ")}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Count is one line of a participation table.
type Count struct {
	Key   string // INSEE code of an arrondissement, or an age bracket
	Label string
	N     int
}

// Participation is who voted, as the participation register counts it.
type Participation struct {
	Voters           int
	ByArrondissement []Count // territory order, arrondissements without voters included
	ByAge            []Count // vote.AgeBrackets order
}

// GroupTurnout groups the participation of a campaign, counted per commune and per age
// bracket (vote.Turnout), by arrondissement of the declared commune and by age bracket.
func GroupTurnout(voters int, byCommune, byAge map[string]int, t *territory.Data, departement string) *Participation {
	p := &Participation{Voters: voters}
	arr := map[string]int{}
	other := 0
	for code, n := range byCommune {
		cm, ok := t.Commune(code)
		if !ok || cm.Arrondissement == "" {
			other += n
			continue
		}
		arr[cm.Arrondissement] += n
	}
	for _, a := range t.Arrondissements(departement) {
		p.ByArrondissement = append(p.ByArrondissement, Count{Key: a.Code, Label: a.Name, N: arr[a.Code]})
		delete(arr, a.Code)
	}
	keys := make([]string, 0, len(arr))
	for k := range arr {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		label := k
		if a, ok := t.Arrondissement(k); ok {
			label = a.Name
		}
		p.ByArrondissement = append(p.ByArrondissement, Count{Key: k, Label: label, N: arr[k]})
	}
	if other > 0 {
		p.ByArrondissement = append(p.ByArrondissement, Count{Key: "", Label: "", N: other})
	}
	for _, b := range vote.AgeBrackets() {
		p.ByAge = append(p.ByAge, Count{Key: b, Label: b, N: byAge[b]})
	}
	return p
}
