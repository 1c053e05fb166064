package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/territory"
)

// demoCommunes are communes of the Pas-de-Calais (INSEE codes) where the demo structures
// are based and their projects act.
var demoCommunes = []string{"62041", "62119", "62498", "62193", "62160", "62765", "62447", "62588", "62510", "62178",
	"62767", "62108", "62427", "62413", "62893", "62215", "62510", "62617"}

var demoKinds = []string{"Jardin partagé", "Recyclerie", "Café associatif", "Épicerie solidaire", "Atelier vélo",
	"Tiers-lieu", "Fablab", "Maraîchage bio", "Chantier d'insertion", "Repair café", "Habitat partagé", "Bricothèque",
	"Ludothèque", "Cantine solidaire", "Friperie", "Ferme pédagogique"}

var demoPlaces = []string{"de l'Artois", "du Ternois", "de la Lys", "des Sept Vallées", "du Boulonnais", "de l'Audomarois",
	"du Calaisis", "de la Gohelle", "du Montreuillois", "de l'Hesdinois", "des Deux Caps", "du Bassin minier"}

var demoOrgs = []struct {
	prefix string
	form   dossier.LegalForm
}{
	{"Association", dossier.FormAssociation}, {"Association", dossier.FormAssociation}, {"Association", dossier.FormAssociation},
	{"SCOP", dossier.FormSCOP}, {"SCIC", dossier.FormSCIC}, {"Coopérative", dossier.FormCooperative},
	{"Fondation", dossier.FormFoundation}, {"Mutuelle", dossier.FormMutual}, {"CAE", dossier.FormCAE},
}

// legalFormOf is the legal form a demo structure's name announces ("SCIC Bocaux du Pays" is
// a SCIC): association unless its first word says otherwise.
func legalFormOf(name string) dossier.LegalForm {
	first, _, _ := strings.Cut(name, " ")
	switch first {
	case "SCIC":
		return dossier.FormSCIC
	case "SCOP":
		return dossier.FormSCOP
	case "CAE":
		return dossier.FormCAE
	case "Coopérative":
		return dossier.FormCooperative
	case "Fondation":
		return dossier.FormFoundation
	case "Mutuelle":
		return dossier.FormMutual
	}
	return dossier.FormAssociation
}

// demoSIRET makes a valid SIRET (Luhn over the 14 digits) from a number: fictitious, but
// accepted by the offline check.
func demoSIRET(n int) string {
	base := fmt.Sprintf("8%08d%04d", 10_000_000+n*7919%89_999_999, n%10_000)
	for d := 0; d <= 9; d++ {
		s := base + strconv.Itoa(d)
		if dossier.CheckSIRET(s) == nil {
			return s
		}
	}
	return base + "0"
}

// demoBudget builds a balanced budget of the given cost in the category: the support is the
// one the category's rule gives (dossier.Support), the rest comes from own funds and other
// funding.
func demoBudget(r *rand.Rand, cost int64, cat campaign.Category) dossier.Budget {
	line := func(kind dossier.LineKind, src dossier.Source, label string, cents int64) dossier.Line {
		return dossier.Line{Kind: kind, Source: src, Label: label, AmountInput: campaign.MoneyInput(cents), AmountCents: cents, Valid: true}
	}
	equip := cost * int64(30+r.IntN(30)) / 100
	staff := cost * int64(20+r.IntN(20)) / 100
	b := dossier.Budget{Expenses: []dossier.Line{
		line(dossier.Expense, "", "Matériel et équipement", equip),
		line(dossier.Expense, "", "Frais de personnel", staff),
		line(dossier.Expense, "", "Communication et animation", cost-equip-staff),
	}}
	rest := cost - dossier.Support(cat, b)
	own := rest * int64(20+r.IntN(40)) / 100
	public := (rest - own) / 2
	b.Fundings = []dossier.Line{
		line(dossier.Funding, dossier.SourceOwn, "Fonds propres", own),
		line(dossier.Funding, dossier.SourcePublic, "Commune et intercommunalité", public),
		line(dossier.Funding, dossier.SourceInKind, "Bénévolat valorisé", rest-own-public),
	}
	return b
}

// demoFiling is one demo dossier: its structure, its content, and when it was created and
// submitted (nil: a draft).
type demoFiling struct {
	structure    dossier.Structure
	member       int64 // the structure's member account (0: none)
	category     campaign.Category
	presentation dossier.Presentation
	budget       dossier.Budget
	created      time.Time
	submitted    *time.Time
	// A photo (JPEG) uploaded with its alternative text before the submission, into blobs.
	blobs    dossier.Blobs
	photo    []byte
	photoAlt string
}

// file files one demo dossier, and returns its id, through the carrier's commands, as the platform, each at its
// time: the structure, the dossier, its presentation and budget (the support is computed by
// the save), and the submission, whose documents were handed in on paper.
func file(ctx context.Context, d *db.DB, terr *territory.Data, c *campaign.Campaign, f demoFiling) (int64, error) {
	sys := change.System("demo")
	env := func(at time.Time) dossier.Env {
		return dossier.Env{Change: change.Env{DB: d, Now: func() time.Time { return at }}, Territory: terr}
	}
	st, err := dossier.CreateStructure(ctx, env(f.created), sys, dossier.StructureInput{Structure: f.structure, Member: f.member})
	if err != nil {
		return 0, err
	}
	ds, err := dossier.Create(ctx, env(f.created), sys, dossier.CreateInput{Campaign: c, StructureID: st.ID, CategoryID: f.category.ID})
	if err != nil {
		return 0, err
	}
	steps := []dossier.SaveInput{
		{Campaign: c, DossierID: ds.ID, Step: dossier.StepPresentation, Presentation: f.presentation},
		{Campaign: c, DossierID: ds.ID, Step: dossier.StepBudget, Budget: f.budget},
	}
	for _, in := range steps {
		if _, err := dossier.SaveStep(ctx, env(f.created), sys, in); err != nil {
			return 0, err
		}
	}
	if f.photo != nil {
		penv := env(f.created)
		penv.Blobs = f.blobs
		if _, err := dossier.Upload(ctx, penv, sys, dossier.UploadInput{Campaign: c, DossierID: ds.ID, Kind: dossier.DocPhoto,
			Filename: "photo.jpg", Data: f.photo, Alt: f.photoAlt, Lang: i18n.FR}); err != nil {
			return 0, fmt.Errorf("photo of %q: %w", f.presentation.Title, err)
		}
	}
	if f.submitted == nil {
		return ds.ID, nil
	}
	res, err := dossier.Submit(ctx, env(*f.submitted), sys, dossier.SubmitInput{Campaign: c, DossierID: ds.ID, Lang: i18n.FR, OnPaper: true})
	if err != nil {
		return 0, fmt.Errorf("submit %q: %w (missing: %v)", f.presentation.Title, err, res.Missing)
	}
	return ds.ID, nil
}

// seedDossiers adds the dossiers: about sixty submitted dossiers of the 2018 edition across
// its three categories, a few drafts in the open campaign, and for the demo carrier a
// structure and one draft. Each goes through the carrier's commands, as the platform.
func seedDossiers(ctx context.Context, d *db.DB, now time.Time) error {
	openSlug, _ := Slugs(now)
	archived, err := campaign.BySlug(ctx, d, campaign.PresetPasDeCalais2018)
	if err != nil {
		return fmt.Errorf("demo dossiers: %w", err)
	}
	open, err := campaign.BySlug(ctx, d, openSlug)
	if err != nil {
		return fmt.Errorf("demo dossiers: %w", err)
	}
	terr, err := territory.Load()
	if err != nil {
		return err
	}
	var carrier *access.Account
	for _, a := range Accounts(now) {
		if a.Role == access.Carrier {
			if carrier, err = account.ByEmail(ctx, d, a.Email); err != nil {
				return fmt.Errorf("demo carrier: %w", err)
			}
		}
	}
	r := rand.New(rand.NewPCG(2018, 62))
	n := 0
	fill := func(c *campaign.Campaign, count int, submitted bool, created time.Time, span time.Duration) error {
		used := map[string]bool{} // no project name twice in a campaign
		for i := 0; i < count; i++ {
			n++
			org := demoOrgs[r.IntN(len(demoOrgs))]
			k, pl := r.IntN(len(demoKinds)), r.IntN(len(demoPlaces))
			// A name already drawn takes the next free one, without another draw: the rest
			// of the demo stays as it was.
			for j := 0; used[demoKinds[k]+" "+demoPlaces[pl]] && j < len(demoKinds)*len(demoPlaces); j++ {
				if k = (k + 1) % len(demoKinds); k == 0 {
					pl = (pl + 1) % len(demoPlaces)
				}
			}
			kind, place := demoKinds[k], demoPlaces[pl]
			used[kind+" "+place] = true
			commune := demoCommunes[r.IntN(len(demoCommunes))]
			st := dossier.Structure{Name: org.prefix + " " + kind + " " + place, LegalForm: org.form, SIRET: demoSIRET(n),
				Address: strconv.Itoa(1+r.IntN(120)) + " rue de la République", Commune: commune}
			st.SIREN = st.SIRET[:9]
			if org.form == dossier.FormAssociation && r.IntN(2) == 0 {
				st.RNA = fmt.Sprintf("W62%07d", 1_000_000+n*37)
			}
			at := created.Add(time.Duration(r.Int64N(int64(span))))
			cat := c.Categories[i%len(c.Categories)]
			var cost int64
			switch {
			case cat.Rule.Kind == campaign.RuleFlat:
				cost = int64(6_000+r.IntN(20_000)) * 100
			case cat.Rule.RateBP >= 2000:
				cost = int64(15_000+r.IntN(120_000)) * 100
			default:
				cost = int64(20_000+r.IntN(190_000)) * 100
			}
			// The other structures have no member account: only their dossiers matter here.
			f := demoFiling{structure: st, category: cat, created: at, budget: demoBudget(r, cost, cat),
				presentation: dossier.Presentation{Title: kind + " " + place,
					Summary:     "Un projet " + place + " porté par des habitants : " + kind + " ouvert à tous.",
					Description: "Le projet «\u00a0" + kind + " " + place + "\u00a0» réunit habitants, bénévoles et salariés autour d'une activité utile au territoire.",
					Timeline:    "Trimestre 1 : préparation ; trimestre 2 : ouverture ; trimestre 3 : bilan.",
					Communes:    []string{commune}}}
			if submitted {
				sub := at.Add(time.Duration(24+r.IntN(400)) * time.Hour)
				f.submitted = &sub
			}
			if _, err := file(ctx, d, terr, c, f); err != nil {
				return fmt.Errorf("demo dossiers of %s: %w", c.Slug, err)
			}
		}
		return nil
	}

	w, _ := archived.Window(campaign.PhaseDossiers)
	if err := fill(archived, 60, true, w.Start, w.End.Sub(w.Start)-20*24*time.Hour); err != nil {
		return err
	}
	if err := fill(open, 5, false, now.Add(-72*time.Hour), 48*time.Hour); err != nil {
		return err
	}
	// The demo carrier: one structure of its own and one draft, in the first category.
	st := dossier.Structure{Name: "Association Les Jardins de Nadia", LegalForm: dossier.FormAssociation,
		SIRET: demoSIRET(999), RNA: "W622009999", Address: "12 rue Émile Zola", Postcode: "62000", Commune: "62041"}
	st.SIREN = st.SIRET[:9]
	cat := open.Categories[0]
	_, err = file(ctx, d, terr, open, demoFiling{structure: st, member: carrier.ID, category: cat, created: now.Add(-48 * time.Hour),
		presentation: dossier.Presentation{Title: "Jardin partagé du quartier Saint-Sauveur",
			Summary: "Un jardin partagé au pied des immeubles, cultivé par les habitants.", Communes: []string{"62041"}},
		budget: demoBudget(r, 12_000_00, cat)})
	if err != nil {
		return fmt.Errorf("demo carrier's dossier: %w", err)
	}
	return nil
}
