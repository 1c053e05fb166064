package demo

import (
	"fmt"
	"time"

	"budgetcitoyen/internal/campaign"
)

// offsets places a campaign's eight phases around today, in days: {first, last} relative to
// the local date of now.
type offsets map[campaign.Phase][2]int

// openNow has the ideas, comptoirs and dossiers open today; the vote comes months later.
var openNow = offsets{
	campaign.PhaseIdeas:        {-10, 20},
	campaign.PhaseComptoirs:    {-10, 80},
	campaign.PhaseDossiers:     {-5, 90},
	campaign.PhaseLabelling:    {60, 120},
	campaign.PhaseCommission:   {121, 150},
	campaign.PhaseVote:         {151, 176},
	campaign.PhaseWinners:      {177, 207},
	campaign.PhaseProclamation: {208, 237},
}

// voteNow has its vote open today, every earlier phase over.
var voteNow = offsets{
	campaign.PhaseIdeas:        {-200, -170},
	campaign.PhaseComptoirs:    {-200, -100},
	campaign.PhaseDossiers:     {-170, -100},
	campaign.PhaseLabelling:    {-120, -60},
	campaign.PhaseCommission:   {-59, -10},
	campaign.PhaseVote:         {-9, 16},
	campaign.PhaseWinners:      {17, 47},
	campaign.PhaseProclamation: {48, 77},
}

// editionYears names the two current campaigns: the one voting now is the edition of the
// year its vote started; the one collecting ideas is the next edition.
func editionYears(now time.Time) (open, vote int) {
	vote = now.AddDate(0, 0, voteNow[campaign.PhaseVote][0]).Year()
	open = max(now.AddDate(0, 0, openNow[campaign.PhaseVote][0]).Year(), vote+1)
	return open, vote
}

func place(c *campaign.Campaign, now time.Time, o offsets) {
	loc := c.Location()
	today := campaign.DateOf(now.In(loc))
	base := time.Date(today.Year, today.Month, today.Day, 12, 0, 0, 0, loc)
	for _, p := range campaign.AllPhases() {
		first := campaign.DateOf(base.AddDate(0, 0, o[p][0]))
		last := campaign.DateOf(base.AddDate(0, 0, o[p][1]))
		c.SetDays(p, first, last)
	}
}

// campaigns builds the three demo campaigns: 2018 archived, and the two current ones.
func campaigns(now time.Time) ([]*campaign.Campaign, error) {
	archived, err := campaign.Preset(campaign.PresetPasDeCalais2018)
	if err != nil {
		return nil, err
	}
	archived.Archived = true
	archived.ContactEmail = "budget-citoyen@demo.budgetcitoyen.test"

	openSlug, voteSlug := Slugs(now)
	openYear, voteYear := editionYears(now)

	open := campaign.CopyForEdition(archived, openSlug, fmt.Sprintf("Budget citoyen du Pas-de-Calais %d", openYear), 0)
	open.Description = "Édition en cours : déposez vos idées, rejoignez un comptoir à initiatives citoyennes " +
		"et déposez le dossier de votre projet. Vote «\u00a03 coups de cœur\u00a0» parmi tous les projets."
	open.VoteRule = campaign.VoteRule{Kind: campaign.VoteApproval, K: 3}
	open.EnvelopeCents = 400_000_00
	place(open, now, openNow)

	vote := campaign.CopyForEdition(archived, voteSlug, fmt.Sprintf("Budget citoyen du Pas-de-Calais %d", voteYear), 0)
	vote.Description = "Le vote est ouvert : chaque habitant du Pas-de-Calais âgé d'au moins 11 ans " +
		"choisit un projet dans chaque catégorie."
	place(vote, now, voteNow)

	for _, c := range []*campaign.Campaign{archived, open, vote} {
		c.CopiedFrom = nil
		if errs := c.Validate(); len(errs) > 0 {
			return nil, fmt.Errorf("demo campaign %s is invalid: %v", c.Slug, errs.Err())
		}
	}
	return []*campaign.Campaign{archived, open, vote}, nil
}
