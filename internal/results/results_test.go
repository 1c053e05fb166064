package results_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/results"
	"budgetcitoyen/internal/tally"
	"budgetcitoyen/internal/vote"
)

// fixture is a 2018-like campaign: three categories, one global envelope, greedy by cost
// with "cost,order" tie-break, and random ballots of one project per category.
func fixture(t *testing.T, perCategory bool, ballots int) *results.Data {
	t.Helper()
	c, err := campaign.Preset("pas-de-calais-2018")
	if err != nil {
		t.Fatal(err)
	}
	c.Slug = "bc-2018"
	c.EnvelopeCents = 200_000_00
	for i := range c.Categories {
		c.Categories[i].ID = int64(i + 1)
		env := int64(60_000_00 + 10_000_00*i)
		c.Categories[i].EnvelopeCents = &env
	}
	c.PerCategoryEnvelopes = perCategory
	d := &results.Data{Campaign: c}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 30; i++ {
		d.Projects = append(d.Projects, vote.Project{ID: int64(100 + i), CategoryID: int64(i%3 + 1),
			Title: fmt.Sprintf("Projet %d ; avec\nretour", i), SupportCents: int64(4_000_00 + 1_000_00*(i%7)),
			TotalCostCents: 50_000_00})
	}
	for b := 0; b < ballots; b++ {
		var ids []int64
		for cat := 0; cat < 3; cat++ {
			if r.IntN(5) == 0 {
				continue // abstains in this category
			}
			ids = append(ids, int64(100+cat+3*r.IntN(10)))
		}
		slices.Sort(ids)
		d.Ballots = append(d.Ballots, results.Ballot{Receipt: vote.NewReceipt(), Projects: ids})
	}
	return d
}

func TestComputeGlobal(t *testing.T) {
	d := fixture(t, false, 500)
	r, err := results.Compute(d)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Groups) != 1 || r.Groups[0].Key != "global" || r.Ballots != 500 {
		t.Fatalf("groups %+v", r.Groups)
	}
	g := r.Groups[0]
	if g.BudgetCents != 200_000_00 || g.SpentCents+g.LeftCents != g.BudgetCents || g.SpentCents == 0 {
		t.Errorf("budget %d spent %d left %d", g.BudgetCents, g.SpentCents, g.LeftCents)
	}
	if len(g.Rows) != 30 {
		t.Fatalf("%d rows", len(g.Rows))
	}
	// Greedy by votes: ranks follow the votes; the cost counted is the support.
	var spent int64
	for i, row := range g.Rows {
		if row.Rank != i+1 {
			t.Errorf("row %d rank %d", i, row.Rank)
		}
		if i > 0 && row.Votes > g.Rows[i-1].Votes {
			t.Errorf("rank %d has more votes than rank %d", row.Rank, g.Rows[i-1].Rank)
		}
		if row.Selected {
			spent += row.Project.SupportCents
		}
		if row.Reason.Code == "" {
			t.Errorf("project %d has no reason", row.Project.ID)
		}
	}
	if spent != g.SpentCents {
		t.Errorf("spent %d, sum of supports of the winners %d", g.SpentCents, spent)
	}
}

// TestTieBreakCostOrder: equal votes, the lower support goes first, then the earlier
// submission (the position in the list).
func TestTieBreakCostOrder(t *testing.T) {
	d := fixture(t, false, 0)
	d.Campaign.EnvelopeCents = 10_000_00
	d.Projects = []vote.Project{
		{ID: 9, CategoryID: 1, SupportCents: 6_000_00},
		{ID: 3, CategoryID: 2, SupportCents: 5_000_00},
		{ID: 7, CategoryID: 3, SupportCents: 5_000_00},
	}
	for i := 0; i < 4; i++ {
		d.Ballots = append(d.Ballots, results.Ballot{Receipt: strconv.Itoa(i), Projects: []int64{3, 7, 9}})
	}
	r, err := results.Compute(d)
	if err != nil {
		t.Fatal(err)
	}
	var order []int64
	for _, row := range r.Groups[0].Rows {
		order = append(order, row.Project.ID)
	}
	// 9 is submitted first but costs more; 3 and 7 cost the same: 3 was submitted before 7.
	if !slices.Equal(order, []int64{3, 7, 9}) || !slices.Equal(r.Winners, []int64{3, 7}) {
		t.Errorf("order %v winners %v", order, r.Winners)
	}
	if r.Groups[0].Rows[2].Reason.Code != tally.ReasonOverBudget {
		t.Errorf("reason %v", r.Groups[0].Rows[2].Reason.Code)
	}
}

// TestPBReproduces: every published file, read back and run with the rule and tie-break
// written in its META, gives exactly the published winners; in both envelope modes and both
// publication modes.
func TestPBReproduces(t *testing.T) {
	for _, perCat := range []bool{false, true} {
		for _, mode := range []string{campaign.PublishReceipts, campaign.PublishNone} {
			t.Run(fmt.Sprintf("percat=%v/%s", perCat, mode), func(t *testing.T) {
				d := fixture(t, perCat, 400)
				d.Campaign.BallotPublication = mode
				r, err := results.Compute(d)
				if err != nil {
					t.Fatal(err)
				}
				envs, err := results.Build(d, results.VoterIDs(d))
				if err != nil {
					t.Fatal(err)
				}
				want := 1
				if perCat {
					want = 3
				}
				if len(envs) != want {
					t.Fatalf("%d files, want %d", len(envs), want)
				}
				var got []int64
				for i, e := range envs {
					var buf bytes.Buffer
					if err := results.WritePB(&buf, e, r.Groups[i].Outcome); err != nil {
						t.Fatal(err)
					}
					in, err := tally.ReadPB(bytes.NewReader(buf.Bytes()))
					if err != nil {
						t.Fatalf("read back: %v\n%s", err, buf.String()[:400])
					}
					if in.NumBallots() != 400 {
						t.Errorf("%d ballots in the file", in.NumBallots())
					}
					_, voter, _ := strings.Cut(buf.String(), "VOTES\n")
					receiptInFile := strings.Contains(voter, d.Ballots[0].Receipt)
					if receiptInFile != (mode == campaign.PublishReceipts) {
						t.Errorf("receipt in the file: %v (mode %s)", receiptInFile, mode)
					}
					out, err := tally.Run(in, tally.Options{Rule: in.MetaValue("rule"), TieBreak: in.MetaValue("tie_break")})
					if err != nil {
						t.Fatal(err)
					}
					for _, id := range out.Selected {
						n, _ := strconv.ParseInt(id, 10, 64)
						got = append(got, n)
					}
				}
				slices.Sort(got)
				if !slices.Equal(got, r.Winners) || len(got) == 0 {
					t.Errorf("winners from the files %v, published %v", got, r.Winners)
				}
			})
		}
	}
}

func TestWriteCSV(t *testing.T) {
	d := fixture(t, false, 3)
	var buf bytes.Buffer
	if err := results.WriteCSV(&buf, d); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "code_recu,projets\n"+d.Ballots[0].Receipt+",") {
		t.Errorf("csv:\n%s", buf.String())
	}
	d.Campaign.BallotPublication = campaign.PublishNone
	buf.Reset()
	if err := results.WriteCSV(&buf, d); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), d.Ballots[0].Receipt) || !strings.HasPrefix(buf.String(), "bulletin,projets\n1,") {
		t.Errorf("csv without codes:\n%s", buf.String())
	}
}
