package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/review"
)

// Labelled2018 is how many 2018 projects the committee labelled (public figure).
const Labelled2018 = 41

// demoCommittee are the fictitious members of the 2018 committee (no password), besides the
// demo committee member.
var demoCommittee = []struct {
	email, name, org string
	kind             review.Kind
}{
	{"comite.dgas@demo.budgetcitoyen.test", "Hélène Duhamel", "Direction de l'action sociale", review.KindDepartement},
	{"comite.deveco@demo.budgetcitoyen.test", "Olivier Lefebvre", "Direction du développement économique", review.KindDepartement},
	{"comite.insertion@demo.budgetcitoyen.test", "Fatima Benali", "Service insertion et emploi", review.KindDepartement},
	{"comite.cress@demo.budgetcitoyen.test", "Jean-Marc Delattre", "CRESS Hauts-de-France", review.KindESS},
	{"comite.urscop@demo.budgetcitoyen.test", "Claire Vasseur", "Union régionale des SCOP", review.KindESS},
	{"comite.france-active@demo.budgetcitoyen.test", "Thomas Caron", "France Active Pas-de-Calais", review.KindFinancer},
	{"comite.nef@demo.budgetcitoyen.test", "Isabelle Moreau", "La Nef", review.KindFinancer},
	{"comite.credit-coop@demo.budgetcitoyen.test", "Rachid Hamdi", "Crédit coopératif", review.KindFinancer},
}

// seedReviews has the 2018 committee (nine members) review the 2018 dossiers, label 41 of
// them and the commission validate the list: the labelled projects go on the ballot. Each
// step is one audited change, dated in 2018 within its phase.
func seedReviews(ctx context.Context, env change.Env, d *db.DB, now time.Time) error {
	c, err := campaign.BySlug(ctx, d, campaign.PresetPasDeCalais2018)
	if err != nil {
		return fmt.Errorf("demo reviews: %w", err)
	}
	submitted, err := dossier.List(ctx, d, dossier.Filter{CampaignID: c.ID, State: dossier.StateSubmitted})
	if err != nil || len(submitted) == 0 {
		return err
	}
	lw, _ := c.Window(campaign.PhaseLabelling)
	cw, _ := c.Window(campaign.PhaseCommission)
	clock := lw.Start.Add(10 * 24 * time.Hour)
	renv, err := reviewEnv(env.DB, func() time.Time { return clock })
	if err != nil {
		return err
	}
	who := change.Who{System: "demo"}

	// The nine members: the demo committee member and eight fictitious accounts.
	var bernard string
	for _, a := range Accounts(now) {
		if a.Role == access.Committee {
			bernard = a.Email
		}
	}
	members := []review.NewMember{{Email: bernard, Kind: review.KindESS, Organisation: "Réseau des acteurs de l'ESS"}}
	for _, m := range demoCommittee {
		members = append(members, review.NewMember{Email: m.email, Name: m.name, Kind: m.kind, Organisation: m.org})
	}
	for _, m := range members {
		if _, err := review.AddMember(ctx, renv, who, c, m); err != nil {
			return fmt.Errorf("demo committee member %s: %w", m.Email, err)
		}
	}
	if err := review.SaveSettings(ctx, renv, who, c, 3); err != nil {
		return err
	}
	if _, err := review.AssignBalanced(ctx, renv, who, c); err != nil {
		return fmt.Errorf("demo assignments: %w", err)
	}

	// A quality per dossier decides the outcome: the 41 best are labelled, a few fail the
	// eligibility checklist, the rest are not labelled.
	r := rand.New(rand.NewPCG(2018, 4))
	quality := map[int64]float64{}
	order := make([]int64, len(submitted))
	for i, ds := range submitted {
		quality[ds.ID] = r.Float64()
		order[i] = ds.ID
	}
	sort.Slice(order, func(i, j int) bool { return quality[order[i]] > quality[order[j]] })
	labelled := min(Labelled2018, len(order))
	ineligible := map[int64]bool{}
	for _, id := range order[labelled:] {
		if len(ineligible) < 5 && r.IntN(2) == 0 {
			ineligible[id] = true
		}
	}
	rank := map[int64]int{}
	for i, id := range order {
		rank[id] = i
	}

	// The declarations and the reviews, each member's own commands: the first member on the
	// list declares a conflict, and the command hands the dossier to another member, who
	// reviews it too.
	clock = lw.Start.Add(30 * 24 * time.Hour)
	if err := seedReviewWork(ctx, renv, d, c, submitted, func(cr []review.Criterion, id int64) review.Review {
		return demoReview(r, cr, rank[id], labelled, ineligible[id])
	}); err != nil {
		return fmt.Errorf("demo reviews: %w", err)
	}

	// The session: decisions in three batches.
	clock = lw.End.Add(-3 * 24 * time.Hour)
	var inel, notLab, lab []review.Step
	for i, id := range order {
		switch {
		case i < labelled:
			lab = append(lab, review.Step{DossierID: id, To: dossier.StateLabelled,
				Motivation: "Projet d'utilité sociale avéré, budget réaliste et partenariats solides."})
		case ineligible[id]:
			inel = append(inel, review.Step{DossierID: id, To: dossier.StateIneligible,
				Motivation: "Le projet ne relève pas des compétences du Département."})
		default:
			notLab = append(notLab, review.Step{DossierID: id, To: dossier.StateNotLabelled,
				Motivation: "Projet intéressant mais insuffisamment abouti : plan de financement et calendrier à consolider."})
		}
	}
	for _, batch := range []struct {
		action string
		steps  []review.Step
	}{{"decide_bulk", inel}, {"decide_bulk", notLab}, {"decide_bulk", lab}} {
		if len(batch.steps) == 0 {
			continue
		}
		if err := review.MoveAll(ctx, renv, who, c, batch.action, batch.steps, nil); err != nil {
			return fmt.Errorf("demo decisions: %w", err)
		}
	}

	// The commission validates the list: the labelled projects go on the ballot.
	clock = cw.Start.Add(24 * time.Hour)
	held := campaign.DateOf(clock.In(c.Location()))
	return review.ValidateCommission(ctx, renv, who, c, review.Commission{
		Name: "Commission Attractivité départementale et emploi", HeldOn: held, Reference: "C1-2018-07-10"}, nil)
}

// demoReview writes a plausible review: better scores for better-ranked dossiers, a "no" on
// the competences item for the ineligible ones.
func demoReview(r *rand.Rand, crit []review.Criterion, rank, labelled int, ineligible bool) review.Review {
	rv := review.Review{Checklist: map[review.Item]review.ItemCheck{}, Scores: map[int64]review.Score{}}
	for _, it := range review.Items() {
		rv.Checklist[it] = review.ItemCheck{Answer: review.AnswerYes}
	}
	base := 3
	switch {
	case ineligible:
		base = 1
		rv.Checklist[review.ItemCompetences] = review.ItemCheck{Answer: review.AnswerNo, Comment: "Hors des compétences départementales."}
	case rank >= labelled:
		base = 1
	case rank >= labelled/2:
		base = 2
	}
	for _, c := range crit {
		s := base + r.IntN(2) - r.IntN(2)
		rv.Scores[c.ID] = review.Score{Score: max(0, min(review.MaxScore, s))}
	}
	switch {
	case ineligible || base == 1:
		rv.Opinion, rv.Motivation = review.OpinionUnfavourable, "Projet encore fragile."
	case base == 2:
		rv.Opinion, rv.Motivation = review.OpinionReserved, "Intéressant ; budget à préciser."
	default:
		rv.Opinion, rv.Motivation = review.OpinionFavourable, "Projet solide et utile au territoire."
	}
	return rv
}

// seedReviewWork has each assigned member declare and hand in their review through the
// review commands, as the members themselves: the first assignment is declared a conflict,
// and the member it goes to reviews it as well.
func seedReviewWork(ctx context.Context, renv review.Env, d *db.DB, c *campaign.Campaign, submitted []dossier.Dossier,
	reviewOf func([]review.Criterion, int64) review.Review) error {
	as, err := review.Assignments(ctx, d, c.ID)
	if err != nil || len(as) == 0 {
		return err
	}
	ids := make([]int64, len(c.Categories))
	for i, cat := range c.Categories {
		ids[i] = cat.ID
	}
	crit, err := review.Criteria(ctx, d, ids...)
	if err != nil {
		return err
	}
	category := map[int64]int64{}
	for _, ds := range submitted {
		category[ds.ID] = ds.CategoryID
	}
	members := map[int64]change.Who{}
	member := func(id int64) (change.Who, error) {
		if w, ok := members[id]; ok {
			return w, nil
		}
		a, err := account.ByID(ctx, d, id)
		if err != nil {
			return change.Who{}, err
		}
		members[id] = change.By(access.ActorFor(a))
		return members[id], nil
	}
	work := func(accountID, dossierID int64) error {
		w, err := member(accountID)
		if err != nil {
			return err
		}
		if _, err := review.DeclareConflict(ctx, renv, w, c, dossierID, false, ""); err != nil {
			return err
		}
		return review.SubmitReview(ctx, renv, w, c, dossierID, reviewOf(crit[category[dossierID]], dossierID), true)
	}
	first, err := member(as[0].AccountID)
	if err != nil {
		return err
	}
	replacement, err := review.DeclareConflict(ctx, renv, first, c, as[0].DossierID, true, "Je suis adhérent de cette structure.")
	if err != nil {
		return err
	}
	for _, a := range as[1:] {
		if err := work(a.AccountID, a.DossierID); err != nil {
			return err
		}
	}
	if replacement != 0 {
		return work(replacement, as[0].DossierID)
	}
	return nil
}

// seedOpenCommittee puts the demo committee member on the committee of the campaign whose
// dossiers are open: the one whose dossiers they will review. Alone there, so that every
// dossier submitted in the demo is theirs to review.
func seedOpenCommittee(ctx context.Context, env change.Env, d *db.DB, now time.Time) error {
	openSlug, _ := Slugs(now)
	c, err := campaign.BySlug(ctx, d, openSlug)
	if err != nil {
		return fmt.Errorf("demo committee: %w", err)
	}
	renv, err := reviewEnv(env.DB, env.Now)
	if err != nil {
		return err
	}
	members := []review.NewMember{}
	for _, a := range Accounts(now) {
		if a.Role == access.Committee {
			members = append(members, review.NewMember{Email: a.Email, Kind: review.KindESS, Organisation: "Réseau des acteurs de l'ESS"})
		}
	}
	for _, m := range members {
		if _, err := review.AddMember(ctx, renv, change.Who{System: "demo"}, c, m); err != nil {
			return fmt.Errorf("demo committee member %s of %s: %w", m.Email, c.Slug, err)
		}
	}
	return nil
}
