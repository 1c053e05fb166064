// Package results turns the ballot box of a closed vote into explained results: it builds the
// results engine's elections (one per envelope) from the projects on the ballot and the
// campaign's rules, runs them, and writes the open data (ballots as CSV and as pabulib .pb).
//
// The conversion is pure (Build, Compute, WritePB, WriteCSV); Load reads what it needs from
// the database. A project's cost for the engine is its computed support in cents, projects are
// listed in submission order (so that the "order" tie-break means "earlier submission first"),
// and with per-category envelopes every category is its own election, with all the ballots
// restricted to its projects (an empty ballot still counts for the shares of MES).
package results

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/tally"
	"budgetcitoyen/internal/vote"
)

// Scale is the number of decimals of the amounts given to the engine: cents.
const Scale = 2

// Ballot is one anonymous ballot: its receipt code and its chosen projects (ascending ids).
type Ballot struct {
	Receipt  string
	Projects []int64
}

// Data is what the results are computed from.
type Data struct {
	Campaign *campaign.Campaign
	Projects []vote.Project // in submission order
	Ballots  []Ballot       // in the box's order (random ids: an order that tells nothing)
}

// Projects returns the projects that were on the ballot of the campaign, in submission order
// (vote.PublicProjects: after the close the review moves them to winner / not funded, then
// granted, in progress, completed).
func Projects(ctx context.Context, q db.Querier, campaignID int64) ([]vote.Project, error) {
	ps, err := vote.PublicProjects(ctx, q, campaignID)
	if err != nil {
		return nil, fmt.Errorf("list projects of the results: %w", err)
	}
	return ps, nil
}

// Load reads the projects and the ballots of a campaign.
func Load(ctx context.Context, q db.Querier, c *campaign.Campaign) (*Data, error) {
	ps, err := Projects(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	bs, err := Ballots(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	return &Data{Campaign: c, Projects: ps, Ballots: bs}, nil
}

// Ballots reads the ballots of a campaign, in the box's order.
func Ballots(ctx context.Context, q db.Querier, campaignID int64) ([]Ballot, error) {
	var bs []Ballot
	err := vote.BallotsOf(ctx, q, campaignID, func(receipt string, ids []int64) error {
		bs = append(bs, Ballot{Receipt: receipt, Projects: ids})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return bs, nil
}

// Envelope is one election of the campaign: the whole envelope, or one category's.
type Envelope struct {
	Key        string // "global", or the category id
	CategoryID int64  // 0 for the global envelope
	Name       string // the category's name, or the campaign's
	Instance   *tally.Instance
}

// Options returns the engine options of the campaign: its rule and tie-break; every envelope
// is run as a global election of its own.
func Options(c *campaign.Campaign) tally.Options {
	return tally.Options{Rule: c.AggregationRule, TieBreak: c.TieBreak, Envelopes: tally.GlobalEnvelope}
}

// ProjectID is the engine's id of a project: its dossier number.
func ProjectID(id int64) string { return strconv.FormatInt(id, 10) }

// Build makes the engine's elections: one global, or one per category with an envelope when
// the campaign fills each category from its own envelope. voterID names ballot i in the
// files (its receipt code, or a number when codes are not published).
func Build(d *Data, voterID func(i int) string) ([]Envelope, error) {
	c := d.Campaign
	type group struct {
		env   Envelope
		index map[int64]int32
	}
	var groups []*group
	add := func(key string, catID int64, name string, budget int64) *group {
		in := &tally.Instance{VoteType: tally.Approval, Scale: Scale, Budget: budget,
			ProjectColumns: []string{"name"}}
		meta(in, c, name)
		g := &group{env: Envelope{Key: key, CategoryID: catID, Name: name, Instance: in}, index: map[int64]int32{}}
		groups = append(groups, g)
		return g
	}
	byCat := map[int64]*group{}
	if c.PerCategoryEnvelopes {
		for _, cat := range c.Categories {
			if cat.EnvelopeCents == nil {
				continue
			}
			byCat[cat.ID] = add(strconv.FormatInt(cat.ID, 10), cat.ID, cat.Name, *cat.EnvelopeCents)
		}
	} else {
		g := add("global", 0, c.Name, c.EnvelopeCents)
		for _, cat := range c.Categories {
			byCat[cat.ID] = g
		}
	}
	for _, p := range d.Projects {
		g, ok := byCat[p.CategoryID]
		if !ok {
			continue // a category without an envelope: nothing to share out
		}
		tp := tally.Project{ID: ProjectID(p.ID), Cost: p.SupportCents,
			Categories: []string{strconv.FormatInt(p.CategoryID, 10)},
			Fields:     []tally.Field{{Key: "name", Value: cleanField(p.Title)}}}
		if err := g.env.Instance.AddProject(tp); err != nil {
			return nil, err
		}
		g.index[p.ID] = int32(len(g.env.Instance.Projects) - 1)
	}
	for i, b := range d.Ballots {
		id := voterID(i)
		for _, g := range groups {
			var idx []int32
			for _, pid := range b.Projects {
				if j, ok := g.index[pid]; ok {
					idx = append(idx, j)
				}
			}
			if err := g.env.Instance.AddBallotIndices(id, idx, nil); err != nil {
				return nil, err
			}
		}
	}
	out := make([]Envelope, len(groups))
	for i, g := range groups {
		out[i] = g.env
	}
	return out, nil
}

// cleanField keeps a text fit for a .pb cell (one line).
func cleanField(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// meta writes the META records: what the election is, its rule and its tie-break, so that
// the file says how to reproduce the published winners.
func meta(in *tally.Instance, c *campaign.Campaign, name string) {
	in.SetMeta("description", cleanField(c.Name+" — "+name))
	in.SetMeta("country", "France")
	in.SetMeta("unit", cleanField(c.Name))
	in.SetMeta("instance", c.Slug)
	in.SetMeta("currency", "EUR")
	in.SetMeta("language", "fr")
	if w, ok := c.Window(campaign.PhaseVote); ok {
		in.SetMeta("date_begin", w.Start.In(c.Location()).Format("02.01.2006"))
		in.SetMeta("date_end", w.End.In(c.Location()).Format("02.01.2006"))
	}
	in.SetMeta("rule", c.AggregationRule)
	in.SetMeta("tie_break", c.TieBreak)
	in.SetMeta("envelopes", string(tally.GlobalEnvelope))
}

// Published reports whether the ballots are published with their receipt codes (the
// "individually verifiable" mode); otherwise they are published without codes, numbered in
// the box's random order ("recount only").
func Published(c *campaign.Campaign) bool { return c.BallotPublication == campaign.PublishReceipts }

// VoterIDs returns how ballots are named in the published files.
func VoterIDs(d *Data) func(i int) string {
	if Published(d.Campaign) {
		return func(i int) string { return d.Ballots[i].Receipt }
	}
	return func(i int) string { return strconv.Itoa(i + 1) }
}

// sortedCopy returns ids ascending.
func sortedCopy(ids []int64) []int64 {
	out := append([]int64(nil), ids...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
