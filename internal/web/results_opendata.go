package web

import (
	"net/http"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/results"
)

type opendataCampaign struct {
	C        *campaign.Campaign
	Closed   bool
	Files    []resultsFile
	Commands []string
	Mode     string
}

type opendataPage struct {
	Base
	Campaigns []opendataCampaign
}

// resultsCommand is the command line that reproduces the results of one envelope's file
// (all of them when name is nil).
func resultsCommand(c *campaign.Campaign, file *string) string {
	name := c.Slug + ".pb"
	if file != nil {
		name = *file
	}
	return "budgetcitoyen results " + name + " --rule " + c.AggregationRule + " --tie-break " + c.TieBreak
}

// opendataShow is /donnees: the JSON API and the downloads of every campaign, with the
// command that recomputes the published winners from the files.
func (s *Server) opendataShow(w http.ResponseWriter, r *http.Request) error {
	list, err := s.campaignList(r.Context())
	if err != nil {
		return err
	}
	p := opendataPage{Base: s.base(r, "results.opendata.title")}
	for i := range list {
		c := &list[i]
		oc := opendataCampaign{C: c, Closed: voteClosed(c, s.now()), Mode: publicationName(c.BallotPublication)}
		if oc.Closed {
			d := &results.Data{Campaign: c}
			d.Projects, err = results.Projects(r.Context(), s.db, c.ID)
			if err != nil {
				return err
			}
			envs, err := results.Build(d, results.VoterIDs(d))
			if err != nil {
				return err
			}
			oc.Files = resultsFiles(c, envs)
			for _, e := range envs {
				name := results.FileName(c.Slug, e)
				oc.Commands = append(oc.Commands, resultsCommand(c, &name))
			}
		}
		p.Campaigns = append(p.Campaigns, oc)
	}
	return s.render(w, r, http.StatusOK, "opendata", p)
}
