package tally

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// WritePB writes the instance in the pabulib format. ReadPB of the output gives back the same
// instance (projects, costs, budget, ballots, META and extra columns); amounts keep their
// original META text when it still denotes the same value.
func WritePB(w io.Writer, in *Instance) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	put := func(rec ...string) {
		_ = cw.Write(rec) // errors surface through cw.Error below
	}
	put("META")
	put("key", "value")
	fixed := map[string]string{
		"num_projects": strconv.Itoa(len(in.Projects)),
		"num_votes":    strconv.Itoa(in.NumBallots()),
		"budget":       FormatAmount(in.Budget, in.Scale),
		"vote_type":    string(in.VoteType),
	}
	written := map[string]bool{}
	for _, f := range in.Meta {
		v := f.Value
		if want, ok := fixed[f.Key]; ok && !sameMetaValue(f.Key, v, want, in.Scale) {
			v = want
		}
		put(f.Key, v)
		written[f.Key] = true
	}
	for _, k := range []string{"num_projects", "num_votes", "budget", "vote_type"} {
		if !written[k] {
			put(k, fixed[k])
		}
	}

	put("PROJECTS")
	cols := slices.Clone(in.ProjectColumns)
	catCol := ""
	for _, c := range cols {
		if c == "category" || c == "categories" {
			catCol = c
		}
	}
	if catCol == "" {
		for _, p := range in.Projects {
			if len(p.Categories) > 0 {
				catCol = "category"
				cols = append(cols, catCol)
				break
			}
		}
	}
	put(append([]string{"project_id", "cost"}, cols...)...)
	row := make([]string, 0, len(cols)+2)
	for _, p := range in.Projects {
		row = append(row[:0], p.ID, FormatAmount(p.Cost, in.Scale))
		for _, c := range cols {
			if c == catCol {
				row = append(row, strings.Join(p.Categories, ","))
			} else {
				row = append(row, p.Field(c))
			}
		}
		put(row...)
	}

	put("VOTES")
	head := []string{"voter_id", "vote"}
	if in.hasPts {
		head = append(head, "points")
	}
	put(append(head, in.VoteColumns...)...)
	var sb, pb strings.Builder
	for i := 0; i < in.NumBallots(); i++ {
		id, projs, pts := in.Ballot(i)
		sb.Reset()
		pb.Reset()
		for k, j := range projs {
			if k > 0 {
				sb.WriteByte(',')
				pb.WriteByte(',')
			}
			sb.WriteString(in.Projects[j].ID)
			if pts != nil {
				pb.WriteString(strconv.FormatInt(pts[k], 10))
			}
		}
		row = append(row[:0], id, sb.String())
		if in.hasPts {
			row = append(row, pb.String())
		}
		fields := in.BallotFields(i)
		for _, c := range in.VoteColumns {
			v := ""
			for _, f := range fields {
				if f.Key == c {
					v = f.Value
				}
			}
			row = append(row, v)
		}
		put(row...)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing .pb: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing .pb: %w", err)
	}
	return nil
}

// sameMetaValue reports whether the META text have still means want, so "400000.0" survives a
// round trip instead of being normalised to "400000".
func sameMetaValue(key, have, want string, scale int) bool {
	if have == want {
		return true
	}
	if key != "budget" {
		return false
	}
	m, pl, err := parseDecimal(have)
	if err != nil || pl > scale {
		return false
	}
	v, err := rescale(m, pl, scale)
	return err == nil && FormatAmount(v, scale) == want
}
