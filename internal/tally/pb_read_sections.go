package tally

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The readers of the pabulib sections, one row at a time: META (key;value pairs), PROJECTS
// and VOTES. ReadPBWith in pb_read.go cuts the file into records and hands each row here.

func (p *pbReader) col(rec []string, name string) (string, bool) {
	i, ok := p.header[name]
	if !ok || i >= len(rec) {
		return "", false
	}
	return strings.TrimSpace(rec[i]), true
}

func isNone(v string) bool { return strings.EqualFold(v, "none") }

func (p *pbReader) metaRow(rec []string, line int) error {
	key := strings.TrimSpace(rec[0])
	if key == "" {
		return &ParseError{Line: line, Field: "key", Err: errors.New("empty META key")}
	}
	val := ""
	if len(rec) > 1 {
		// An unquoted `;` inside a value would split it; keep the whole text.
		val = strings.TrimSpace(strings.Join(rec[1:], ";"))
	}
	for _, f := range p.in.Meta {
		if f.Key == key {
			return &ParseError{Line: line, Field: key, Err: errors.New("META key given twice")}
		}
	}
	p.in.Meta = append(p.in.Meta, Field{key, val})
	switch key {
	case "budget":
		m, pl, err := parseDecimal(val)
		if err != nil {
			return &ParseError{Line: line, Field: "budget", Err: err}
		}
		p.budget = &rawAmount{m, pl}
	case "vote_type":
		vt := VoteType(strings.ToLower(val))
		if !vt.valid() {
			return &ParseError{Line: line, Field: "vote_type", Err: fmt.Errorf("unknown vote type %q (approval, choose-1, ordinal, cumulative, scoring)", val)}
		}
		p.in.VoteType = vt
	}
	return nil
}

func (p *pbReader) metaDone() error {
	if p.budget == nil {
		return &ParseError{Field: "budget", Err: errors.New("META has no budget")}
	}
	if p.in.VoteType == "" {
		return &ParseError{Field: "vote_type", Err: errors.New("META has no vote_type")}
	}
	return nil
}

func (p *pbReader) projectRow(rec []string, line int) error {
	if p.header == nil {
		return &ParseError{Line: line, Err: errors.New("PROJECTS row before the header")}
	}
	id, _ := p.col(rec, "project_id")
	if id == "" {
		return &ParseError{Line: line, Field: "project_id", Err: errors.New("empty project id")}
	}
	costText, ok := p.col(rec, "cost")
	if !ok || costText == "" {
		return &ParseError{Line: line, Field: "cost", Err: fmt.Errorf("project %q has no cost", id)}
	}
	m, pl, err := parseDecimal(costText)
	if err != nil {
		return &ParseError{Line: line, Field: "cost", Err: fmt.Errorf("project %q: %w", id, err)}
	}
	proj := Project{ID: id}
	for i, name := range p.cols {
		if i >= len(rec) || name == "project_id" || name == "cost" {
			continue
		}
		v := strings.TrimSpace(rec[i])
		if isNone(v) || v == "" {
			continue // missing; the writer leaves the cell empty
		}
		if name == "category" || name == "categories" {
			for _, c := range strings.Split(v, ",") {
				if c = strings.TrimSpace(c); c != "" {
					proj.Categories = append(proj.Categories, c)
				}
			}
			continue
		}
		proj.Fields = append(proj.Fields, Field{name, v})
	}
	if err := p.in.AddProject(proj); err != nil {
		return &ParseError{Line: line, Field: "project_id", Err: err}
	}
	p.projects = append(p.projects, rawAmount{m, pl})
	return nil
}

// projectsDone fixes the money scale once every amount is known, so that all costs and the
// budget share one integer unit.
func (p *pbReader) projectsDone() error {
	in := p.in
	scale := p.budget.places
	for _, a := range p.projects {
		scale = max(scale, a.places)
	}
	p.envelope = nil
	cats, per := in.MetaValue("categories"), in.MetaValue("budget_per_category")
	if cats != "" && per != "" {
		names, vals := strings.Split(cats, ","), strings.Split(per, ",")
		if len(names) == len(vals) {
			p.envelope = make(map[string]rawAmount, len(names))
			for i := range names {
				m, pl, err := parseDecimal(vals[i])
				if err != nil {
					return &ParseError{Field: "budget_per_category", Err: err}
				}
				p.envelope[strings.TrimSpace(names[i])] = rawAmount{m, pl}
				scale = max(scale, pl)
			}
		}
	}
	in.Scale = scale
	var err error
	if in.Budget, err = rescale(p.budget.mant, p.budget.places, scale); err != nil {
		return &ParseError{Field: "budget", Err: err}
	}
	for i, a := range p.projects {
		if in.Projects[i].Cost, err = rescale(a.mant, a.places, scale); err != nil {
			return &ParseError{Field: "cost", Err: fmt.Errorf("project %q: %w", in.Projects[i].ID, err)}
		}
	}
	if p.envelope != nil {
		in.Envelopes = make(map[string]int64, len(p.envelope))
		for k, a := range p.envelope {
			if in.Envelopes[k], err = rescale(a.mant, a.places, scale); err != nil {
				return &ParseError{Field: "budget_per_category", Err: err}
			}
		}
	}
	return nil
}

func (p *pbReader) voteRow(rec []string, line int) error {
	if p.header == nil {
		return &ParseError{Line: line, Err: errors.New("VOTES row before the header")}
	}
	in := p.in
	voter, _ := p.col(rec, "voter_id")
	vote, _ := p.col(rec, "vote")
	ptsText, hasPts := p.col(rec, "points")
	hasPts = hasPts && ptsText != "" && !isNone(ptsText)
	ids := p.idsBuf[:0]
	pts := p.ptsBuf[:0]
	var ptsParts []string
	if hasPts {
		ptsParts = strings.Split(ptsText, ",")
	}
	needPts := in.VoteType.hasPoints()
	if !(needPts && !hasPts) && vote != "" && !isNone(vote) {
		k := 0
		for part := range strings.SplitSeq(vote, ",") {
			id := strings.TrimSpace(part)
			if id == "" {
				k++
				continue
			}
			j, ok := in.ProjectIndex(id)
			if !ok {
				return &ParseError{Line: line, Field: "vote", Err: fmt.Errorf("voter %q: unknown project %q", voter, id)}
			}
			ids = append(ids, int32(j))
			if hasPts {
				if k >= len(ptsParts) {
					return &ParseError{Line: line, Field: "points", Err: fmt.Errorf("voter %q: fewer points than projects", voter)}
				}
				v, err := strconv.ParseInt(strings.TrimSpace(ptsParts[k]), 10, 64)
				if err != nil {
					return &ParseError{Line: line, Field: "points", Err: fmt.Errorf("voter %q: %q is not an integer", voter, ptsParts[k])}
				}
				if v > 1e12 || v < -1e12 {
					return &ParseError{Line: line, Field: "points", Err: fmt.Errorf("voter %q: points %d out of range", voter, v)}
				}
				pts = append(pts, v)
			}
			k++
		}
	}
	var fields []Field
	for i, name := range p.cols {
		if i >= len(rec) || name == "voter_id" || name == "vote" || name == "points" {
			continue
		}
		if v := strings.TrimSpace(rec[i]); !isNone(v) && v != "" {
			fields = append(fields, Field{name, v})
		}
	}
	var ptsArg []int64
	if hasPts {
		ptsArg = pts
	} else if in.hasPts {
		ptsArg = make([]int64, len(ids))
	}
	if err := in.AddBallotIndices(voter, ids, ptsArg, fields...); err != nil {
		return &ParseError{Line: line, Field: "vote", Err: err}
	}
	p.idsBuf, p.ptsBuf = ids, pts
	if p.opt.Progress != nil && in.NumBallots()%100000 == 0 {
		p.opt.Progress(in.NumBallots())
	}
	return nil
}
