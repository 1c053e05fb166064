package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/results"
	"budgetcitoyen/internal/vote"
)

// TestResultsReproducesPlatform: the command printed on /donnees, run on the platform's
// published .pb files, selects exactly the published winners (global envelope and
// per-category envelopes).
func TestResultsReproducesPlatform(t *testing.T) {
	for _, perCat := range []bool{false, true} {
		c, err := campaign.Preset("pas-de-calais-2018")
		if err != nil {
			t.Fatal(err)
		}
		c.Slug, c.EnvelopeCents, c.PerCategoryEnvelopes = "bc", 60_000_00, perCat
		for i := range c.Categories {
			c.Categories[i].ID = int64(i + 1)
			env := int64(20_000_00)
			c.Categories[i].EnvelopeCents = &env
		}
		d := &results.Data{Campaign: c}
		for i := 0; i < 24; i++ {
			d.Projects = append(d.Projects, vote.Project{ID: int64(10 + i), CategoryID: int64(i%3 + 1), Title: fmt.Sprint("P", i),
				SupportCents: int64(3_000_00 + 500_00*(i%5))})
		}
		for b := 0; b < 300; b++ {
			ids := []int64{int64(10 + (b*7)%24)}
			if b%3 == 0 {
				ids = append(ids, int64(10+(b*5+1)%24))
			}
			slices.Sort(ids)
			ids = slices.Compact(ids)
			d.Ballots = append(d.Ballots, results.Ballot{Receipt: vote.NewReceipt(), Projects: ids})
		}
		r, err := results.Compute(d)
		if err != nil {
			t.Fatal(err)
		}
		envs, err := results.Build(d, results.VoterIDs(d))
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		dir := t.TempDir()
		for i, e := range envs {
			var buf bytes.Buffer
			if err := results.WritePB(&buf, e, r.Groups[i].Outcome); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, results.FileName(c.Slug, e))
			if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			if code := runResults([]string{path, "--rule", c.AggregationRule, "--tie-break", c.TieBreak, "--format", "json"},
				nil, &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			var res struct{ Selected []string }
			if err := json.Unmarshal(out.Bytes(), &res); err != nil {
				t.Fatal(err)
			}
			for _, id := range res.Selected {
				n, _ := strconv.ParseInt(id, 10, 64)
				got = append(got, n)
			}
		}
		slices.Sort(got)
		if len(got) == 0 || !slices.Equal(got, r.Winners) {
			t.Errorf("per-category %v: command selects %v, platform %v", perCat, got, r.Winners)
		}
	}
}
