// Package tally computes the outcome of a participatory-budgeting election: it reads and writes
// pabulib .pb files, runs the greedy, Method of Equal Shares and sequential Phragmén rules with
// exact arithmetic for every decision, and explains why each project was or was not funded.
//
// The package is pure: it does no I/O beyond the io.Reader and io.Writer it is given and it
// depends on the standard library only, so the platform and the command line share one engine.
package tally

import (
	"errors"
	"fmt"
	"strings"
)

// VoteType is the kind of ballot, as written in the META key vote_type.
type VoteType string

// The five ballot kinds of the pabulib format.
const (
	Approval   VoteType = "approval"
	ChooseOne  VoteType = "choose-1"
	Ordinal    VoteType = "ordinal"
	Cumulative VoteType = "cumulative"
	Scoring    VoteType = "scoring"
)

func (v VoteType) valid() bool {
	switch v {
	case Approval, ChooseOne, Ordinal, Cumulative, Scoring:
		return true
	}
	return false
}

// hasPoints reports whether ballots of this kind carry points that the rules read.
func (v VoteType) hasPoints() bool { return v == Cumulative || v == Scoring }

// Field is one named text value (a META entry or an extra column of a project or a ballot).
type Field struct {
	Key, Value string
}

// Project is one proposal. Cost is exact: Cost × 10^-Instance.Scale currency units.
type Project struct {
	ID         string
	Cost       int64
	Categories []string
	// Fields holds the other PROJECTS columns in header order (name, votes, selected, …) as
	// read; "None" values are dropped, as pabutools does.
	Fields []Field
}

// Field returns the value of the named extra column, or "".
func (p *Project) Field(key string) string {
	for _, f := range p.Fields {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

// Instance is one election: projects, budget and ballots. Money amounts (Budget, Envelopes,
// project costs) are int64 multiples of 10^-Scale so that "4000.0" and "969245.38" are exact.
//
// Ballots are stored in compressed rows (one shared slice of project indices) because an
// election may have millions of them; use AddBallot, NumBallots and Ballot to access them.
type Instance struct {
	Meta     []Field
	Scale    int
	Budget   int64
	VoteType VoteType
	Projects []Project
	// Envelopes optionally gives one budget per category (META budget_per_category aligned
	// with META categories). Rules use them only with the per-category envelope mode.
	Envelopes map[string]int64

	// ProjectColumns and VoteColumns are the extra column names, in file order, so that the
	// writer reproduces the file's layout.
	ProjectColumns []string
	VoteColumns    []string

	index      map[string]int32
	voterIDs   []string
	start      []int64
	items      []int32
	points     []int64
	hasPts     bool
	voterAttrs [][]Field
	mark       []int64 // stamp<<32 | position, for repeat detection in long ballots
	stamp      int64
}

// MetaValue returns the META value for key, or "".
func (in *Instance) MetaValue(key string) string {
	for _, f := range in.Meta {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

// SetMeta sets (or adds) a META entry.
func (in *Instance) SetMeta(key, value string) {
	for i := range in.Meta {
		if in.Meta[i].Key == key {
			in.Meta[i].Value = value
			return
		}
	}
	in.Meta = append(in.Meta, Field{key, value})
}

// AddProject appends a project; ids must be unique and non-empty, costs non-negative.
func (in *Instance) AddProject(p Project) error {
	if in.index == nil {
		in.reindex()
	}
	if strings.TrimSpace(p.ID) == "" {
		return errors.New("project id is empty")
	}
	if _, dup := in.index[p.ID]; dup {
		return fmt.Errorf("project %q is listed twice", p.ID)
	}
	if p.Cost < 0 {
		return fmt.Errorf("project %q has a negative cost", p.ID)
	}
	in.index[p.ID] = int32(len(in.Projects))
	in.Projects = append(in.Projects, p)
	return nil
}

func (in *Instance) reindex() {
	in.index = make(map[string]int32, len(in.Projects))
	for i, p := range in.Projects {
		in.index[p.ID] = int32(i)
	}
}

// ProjectIndex returns the position of the project with this id.
func (in *Instance) ProjectIndex(id string) (int, bool) {
	if in.index == nil || len(in.index) != len(in.Projects) {
		in.reindex()
	}
	i, ok := in.index[id]
	return int(i), ok
}

// NumBallots is the number of ballots, empty ones included (they count for MES shares).
func (in *Instance) NumBallots() int { return len(in.voterIDs) }

// Ballot returns the voter id, the project indices (in ballot order, without repeats) and the
// points aligned with them (nil when the ballots carry no points).
func (in *Instance) Ballot(i int) (voterID string, projects []int32, points []int64) {
	lo, hi := in.start[i], in.start[i+1]
	if in.hasPts {
		points = in.points[lo:hi:hi]
	}
	return in.voterIDs[i], in.items[lo:hi:hi], points
}

// BallotFields returns the extra columns of ballot i (age, sex, …), possibly nil.
func (in *Instance) BallotFields(i int) []Field {
	if i < len(in.voterAttrs) {
		return in.voterAttrs[i]
	}
	return nil
}

// AddBallot appends a ballot given by project ids. A project listed twice counts once: the
// first position is kept (it is the rank for ordinal ballots) and, like pabutools, the last
// points value wins. points must be nil or aligned with ids.
func (in *Instance) AddBallot(voterID string, ids []string, points []int64, fields ...Field) error {
	idx := make([]int32, 0, len(ids))
	for _, id := range ids {
		j, ok := in.ProjectIndex(id)
		if !ok {
			return fmt.Errorf("unknown project %q", id)
		}
		idx = append(idx, int32(j))
	}
	return in.AddBallotIndices(voterID, idx, points, fields...)
}

// AddBallotIndices is AddBallot with project positions instead of ids; it is the fast path
// for large synthetic or platform-generated elections.
func (in *Instance) AddBallotIndices(voterID string, projects []int32, points []int64, fields ...Field) error {
	if points != nil && len(points) != len(projects) {
		return fmt.Errorf("ballot %q: %d projects but %d points", voterID, len(projects), len(points))
	}
	if in.start == nil {
		in.start = []int64{0}
	}
	if points != nil && !in.hasPts {
		// Switching to points mid-way: earlier ballots get explicit zero points.
		in.points = make([]int64, len(in.items), cap(in.items))
		in.hasPts = true
	}
	base := len(in.items)
	// Long ballots use a per-project stamp instead of a quadratic scan to find repeats.
	useMark := len(projects) > 16
	if useMark {
		if len(in.mark) < len(in.Projects) {
			in.mark = make([]int64, len(in.Projects))
		}
		in.stamp++
	}
	for k, p := range projects {
		if p < 0 || int(p) >= len(in.Projects) {
			return fmt.Errorf("ballot %q: project index %d out of range", voterID, p)
		}
		dup := -1
		if useMark {
			if in.mark[p] > 0 && in.mark[p]>>32 == in.stamp {
				dup = int(in.mark[p] & 0xffffffff)
			} else {
				in.mark[p] = in.stamp<<32 | int64(len(in.items))
			}
		} else {
			for j := base; j < len(in.items); j++ {
				if in.items[j] == p {
					dup = j
					break
				}
			}
		}
		if dup >= 0 {
			if points != nil {
				in.points[dup] = points[k]
			}
			continue
		}
		in.items = append(in.items, p)
		if in.hasPts {
			var v int64
			if points != nil {
				v = points[k]
			}
			in.points = append(in.points, v)
		}
	}
	in.voterIDs = append(in.voterIDs, voterID)
	in.start = append(in.start, int64(len(in.items)))
	if len(fields) > 0 {
		for len(in.voterAttrs) < len(in.voterIDs)-1 {
			in.voterAttrs = append(in.voterAttrs, nil)
		}
		in.voterAttrs = append(in.voterAttrs, fields)
	}
	return nil
}

// HasPoints reports whether ballots carry a points value per project.
func (in *Instance) HasPoints() bool { return in.hasPts }

// Validate checks the invariants the rules rely on.
func (in *Instance) Validate() error {
	if !in.VoteType.valid() {
		return fmt.Errorf("unknown vote type %q", in.VoteType)
	}
	if in.Budget < 0 {
		return errors.New("negative budget")
	}
	if in.Scale < 0 || in.Scale > maxScale {
		return fmt.Errorf("scale %d out of range 0…%d", in.Scale, maxScale)
	}
	seen := make(map[string]bool, len(in.Projects))
	for _, p := range in.Projects {
		if seen[p.ID] {
			return fmt.Errorf("project %q is listed twice", p.ID)
		}
		seen[p.ID] = true
		if p.Cost < 0 {
			return fmt.Errorf("project %q has a negative cost", p.ID)
		}
	}
	return nil
}

// votesPerProject counts the ballots containing each project.
func (in *Instance) votesPerProject() []int64 {
	v := make([]int64, len(in.Projects))
	for _, p := range in.items {
		v[p]++
	}
	return v
}
