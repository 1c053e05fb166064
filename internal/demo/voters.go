package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/review"
	"budgetcitoyen/internal/territory"
	"budgetcitoyen/internal/vote"
)

// Voters2018 is how many synthetic voters the 2018 edition gets (about 4,000 voted).
const Voters2018 = 4012

// ballotProject is a demo project put on the ballot of the campaign voting now.
type ballotProject struct {
	cat       int // category position
	title     string
	summary   string
	structure string
	commune   string // INSEE code
	costCents int64
	theme     string
}

var currentBallot = []ballotProject{
	{0, "Épicerie solidaire itinérante", "Un camion-épicerie qui passe chaque semaine dans douze villages sans commerce.", "Association Panier Partagé", "62041", 38_000_00, "alimentation"},
	{0, "Ressourcerie du Ternois", "Collecter, réparer et revendre meubles et objets, avec des salariés en insertion.", "Ressourcerie du Ternois", "62767", 52_000_00, "environnement"},
	{0, "Jardins partagés de Liévin", "Six parcelles cultivées par les habitants d'un quartier, avec des ateliers pour les écoles.", "Les Jardins de la Fosse", "62510", 21_000_00, "alimentation"},
	{0, "Café des aidants", "Un lieu d'écoute mensuel pour les proches de personnes malades, dans trois communes.", "Entraide Artois", "62041", 14_500_00, "solidarite"},
	{1, "Garage solidaire de Lens", "Réparer à prix coûtant les voitures des personnes qui en ont besoin pour travailler.", "Garage Solidaire Lensois", "62498", 96_000_00, "mobilite"},
	{1, "Tiers-lieu numérique de Boulogne", "Ordinateurs en accès libre, aide aux démarches en ligne et formation des seniors.", "Coopérative Le Lien Numérique", "62160", 120_000_00, "numerique"},
	{1, "Conserverie coopérative", "Transformer les invendus des maraîchers en conserves vendues localement.", "SCIC Bocaux du Pays", "62119", 140_000_00, "alimentation"},
	{1, "Habitat partagé pour seniors", "Une maison commune pour six personnes âgées, avec un accompagnement partagé.", "Association Vivre Ensemble", "62765", 150_000_00, "habitat"},
	{2, "Réseau des recycleries du littoral", "Quatre recycleries mettent en commun collecte, transport et ventes en ligne.", "Union des Recycleries", "62160", 98_000_00, "environnement"},
	{2, "Circuit court des cantines", "Des producteurs et deux associations fournissent les cantines de huit communes.", "Association Cantines Locales", "62041", 86_000_00, "alimentation"},
	{2, "Festival des solidarités", "Trois structures culturelles organisent un festival itinérant dans le bassin minier.", "Culture en Partage", "62498", 64_000_00, "culture"},
	{2, "Mobilité partagée rurale", "Covoiturage organisé et prêt de vélos électriques entre cinq communes rurales.", "Cap Mobilité Rurale", "62767", 75_000_00, "mobilite"},
}

// seedVote puts the demo projects on the ballot of the campaign voting now and, when the
// 2018 edition has projects on its ballot, seeds its synthetic voters and ballots.
func seedVote(ctx context.Context, env change.Env, d *db.DB, now time.Time, blobs dossier.Blobs) error {
	_, voteSlug := Slugs(now)
	cur, err := campaign.BySlug(ctx, d, voteSlug)
	if err != nil {
		return err
	}
	if err := seedBallotProjects(ctx, env, cur, now, blobs); err != nil {
		return fmt.Errorf("demo projects on the ballot of %s: %w", voteSlug, err)
	}
	old, err := campaign.BySlug(ctx, d, campaign.PresetPasDeCalais2018)
	if err != nil {
		return err
	}
	terr, err := territory.Load()
	if err != nil {
		return err
	}
	_, err = SeedVoters(ctx, env, terr, old, Voters2018)
	return err
}

// seedBallotProjects files the demo projects of the campaign voting now and takes them to
// its ballot through the commands, each at a time of its phase: filed and submitted (on
// paper) during the dossiers phase with their structures, labelled by the committee, put
// on the ballot by the commission. Their themes (the catalogue's filter) have no command:
// they are the demo's own data.
func seedBallotProjects(ctx context.Context, env change.Env, c *campaign.Campaign, now time.Time, blobs dossier.Blobs) error {
	terr, err := territory.Load()
	if err != nil {
		return err
	}
	dw, _ := c.Window(campaign.PhaseDossiers)
	lw, _ := c.Window(campaign.PhaseLabelling)
	cw, _ := c.Window(campaign.PhaseCommission)
	r := rand.New(rand.NewPCG(2026, 7))
	var start, label []review.Step
	for i, bp := range currentBallot {
		created := dw.Start.Add(time.Duration(i+1) * 26 * time.Hour)
		submitted := created.Add(2 * time.Hour)
		cat := c.Categories[bp.cat%len(c.Categories)]
		var photo []byte
		if blobs != nil && i < len(demoPhotos) {
			if photo, err = drawDemoPhoto(demoPhotos[i]); err != nil {
				return err
			}
		}
		id, err := file(ctx, env.DB, terr, c, demoFiling{blobs: blobs, photo: photo, photoAlt: demoPhotos[i%len(demoPhotos)].alt,
			structure: dossier.Structure{Name: bp.structure, LegalForm: legalFormOf(bp.structure), SIRET: demoSIRET(500 + i),
				Address: "1 place de la Mairie", Commune: bp.commune},
			category: cat, created: created, submitted: &submitted, budget: demoBudget(r, bp.costCents, cat),
			presentation: dossier.Presentation{Title: bp.title, Summary: bp.summary, Description: bp.summary,
				Timeline: "Trimestre 1 : préparation ; trimestre 2 : ouverture ; trimestre 3 : bilan.",
				Communes: []string{bp.commune}}})
		if err != nil {
			return fmt.Errorf("%q: %w", bp.title, err)
		}
		start = append(start, review.Step{DossierID: id, To: dossier.StateUnderReview})
		label = append(label, review.Step{DossierID: id, To: dossier.StateLabelled,
			Motivation: "Projet d'utilité sociale avéré, budget réaliste et partenariats solides."})
	}
	clock := lw.Start.Add(24 * time.Hour)
	renv, err := reviewEnv(env.DB, func() time.Time { return clock })
	if err != nil {
		return err
	}
	sys := change.System("demo")
	if err := review.MoveAll(ctx, renv, sys, c, "start_bulk", start, nil); err != nil {
		return err
	}
	clock = lw.End.Add(-24 * time.Hour)
	if err := review.MoveAll(ctx, renv, sys, c, "decide_bulk", label, nil); err != nil {
		return err
	}
	clock = cw.Start.Add(24 * time.Hour)
	err = review.ValidateCommission(ctx, renv, sys, c, review.Commission{Name: "Commission Attractivité départementale et emploi",
		HeldOn: campaign.DateOf(clock.In(c.Location())), Reference: "C1-" + strconv.Itoa(clock.Year()) + "-06"}, nil)
	if err != nil {
		return err
	}
	_, err = change.Do(ctx, env, change.Request{
		Who: sys, Campaign: c, Action: "dossier.demo_themes", EntityKind: "campaign",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			for i, st := range label {
				if err := vote.SetTheme(ctx, tx, st.DossierID, currentBallot[i].theme); err != nil {
					return change.Outcome{}, err
				}
			}
			return change.Outcome{EntityID: strconv.FormatInt(c.ID, 10), After: map[string]any{"themes": len(label)}}, nil
		},
	})
	return err
}

// SeedVoters gives campaign c n synthetic voters spread over the communes of its territory
// (in proportion to their population) and over ages, with ballots that follow the campaign's
// rule over the projects on its ballot. It seeds nothing, and returns 0, when no project is
// on the ballot. The voters register as the site's voters do, through vote.RegisterAll (as
// the platform, "demo": each gets a password-less citizen account, votant-<i>@demo…), in
// one transaction with one audit entry; their ballots then go in the box in another, never
// in the audit log.
func SeedVoters(ctx context.Context, env change.Env, terr *territory.Data, c *campaign.Campaign, n int) (int, error) {
	d := env.DB
	projects, err := vote.BallotProjects(ctx, d, c.ID)
	if err != nil || len(projects) == 0 {
		return 0, err
	}
	w, ok := c.Window(campaign.PhaseVote)
	if !ok {
		return 0, nil
	}
	rng := rand.New(rand.NewPCG(uint64(c.ID), 2018))
	communes := terr.Communes(c.Territory)
	cumul := make([]int, len(communes))
	total := 0
	for i, cm := range communes {
		total += max(cm.Population, 1)
		cumul[i] = total
	}
	// Each project has its own appeal, so that results are not a tie.
	appeal := make([]float64, len(projects))
	for i := range appeal {
		appeal[i] = 0.3 + rng.Float64()*rng.Float64()*3
	}
	byCat := map[int64][]int{}
	for i, p := range projects {
		byCat[p.CategoryID] = append(byCat[p.CategoryID], i)
	}
	cats := make([]int64, 0, len(byCat))
	for id := range byCat {
		cats = append(cats, id)
	}
	sort.Slice(cats, func(i, j int) bool { return cats[i] < cats[j] })
	pick := func(idx []int) int {
		var sum float64
		for _, i := range idx {
			sum += appeal[i]
		}
		x := rng.Float64() * sum
		for _, i := range idx {
			if x -= appeal[i]; x < 0 {
				return i
			}
		}
		return idx[len(idx)-1]
	}
	loc := c.Location()
	span := w.End.Sub(w.Start)
	rule := vote.RuleOf(c)
	in := vote.RegisterAllInput{Campaign: c, Voters: make([]vote.VoterInput, 0, n)}
	casts := make([]vote.Cast, 0, n)
	for i := 0; i < n; i++ {
		at := w.Start.Add(time.Duration(rng.Int64N(int64(span)))).In(loc)
		day := vote.Date{Year: at.Year(), Month: at.Month(), Day: at.Day()}
		age := c.MinVoterAge + int(rng.ExpFloat64()*18)
		if age > 95 {
			age = 30 + rng.IntN(40)
		}
		birth := vote.Date{Year: day.Year - age - 1, Month: time.Month(1 + rng.IntN(12)), Day: 1 + rng.IntN(28)}
		if birth.AgeOn(day) < c.MinVoterAge {
			birth.Year--
		}
		x := rng.IntN(total)
		cm := communes[sort.SearchInts(cumul, x+1)]
		var choices []int64
		switch rule.Kind {
		case campaign.VoteOnePerCategory:
			for _, cat := range cats {
				if rng.Float64() < 0.88 {
					choices = append(choices, projects[pick(byCat[cat])].ID)
				}
			}
			if len(choices) == 0 {
				choices = append(choices, projects[pick(byCat[cats[rng.IntN(len(cats))]])].ID)
			}
		default:
			all := make([]int, len(projects))
			for j := range all {
				all[j] = j
			}
			k := max(1, min(rule.K, len(projects)))
			if rule.Kind != campaign.VoteApproval {
				k = 1
			}
			for len(choices) < k {
				id := projects[pick(all)].ID
				dup := false
				for _, c := range choices {
					dup = dup || c == id
				}
				if !dup {
					choices = append(choices, id)
				}
			}
		}
		sort.Slice(choices, func(a, b int) bool { return choices[a] < choices[b] })
		if err := rule.Validate(choices, vote.Options(projects)); err != nil {
			continue
		}
		in.Voters = append(in.Voters, vote.VoterInput{Email: fmt.Sprintf("votant-%d@demo.budgetcitoyen.test", i),
			Identity: vote.Identity{Method: vote.MethodEmail, FamilyName: "Votant " + strconv.Itoa(i), GivenName: "Démo",
				BirthDate: birth.String(), Commune: cm.Code}})
		casts = append(casts, vote.Cast{CampaignID: c.ID, AgeBracket: vote.AgeBracket(birth, day), Choices: choices,
			Day: vote.DayOf(at, loc)})
	}
	venv := vote.Env{Change: env, Territory: terr}
	voters, err := vote.RegisterAll(ctx, venv, change.System("demo"), in)
	if err != nil {
		return 0, fmt.Errorf("demo voters of %s: %w", c.Slug, err)
	}
	for i, v := range voters {
		casts[i].PersonKey, casts[i].Commune = v.PersonKey, v.Commune
	}
	written := 0
	err = d.InTx(ctx, func(tx *db.Tx) error {
		for start := 0; start < len(casts); start += 1000 {
			res, err := vote.WriteGroup(ctx, tx, casts[start:min(start+1000, len(casts))], nil)
			if err != nil {
				return err
			}
			for _, e := range res {
				if e == nil {
					written++
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("demo voters of %s: %w", c.Slug, err)
	}
	return written, nil
}
