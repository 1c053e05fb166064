package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
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

// demoBudget builds a balanced budget of the given cost under the category's rule: the
// support is computed, the rest comes from own funds and other funding.
func demoBudget(r *rand.Rand, cost int64, rule campaign.SupportRule) dossier.Budget {
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
	rest := cost - rule.Support(cost)
	own := rest * int64(20+r.IntN(40)) / 100
	public := (rest - own) / 2
	b.Fundings = []dossier.Line{
		line(dossier.Funding, dossier.SourceOwn, "Fonds propres", own),
		line(dossier.Funding, dossier.SourcePublic, "Commune et intercommunalité", public),
		line(dossier.Funding, dossier.SourceInKind, "Bénévolat valorisé", rest-own-public),
	}
	return b
}

// seedDossiers adds the dossiers: about sixty submitted dossiers of the 2018 edition across
// its three categories, a few drafts in the open campaign, and for the demo carrier a
// structure and one draft. Each group is one change (one audit entry), which keeps seeding fast.
func seedDossiers(ctx context.Context, env change.Env, d *db.DB, now time.Time) error {
	openSlug, _ := Slugs(now)
	archived, err := campaign.BySlug(ctx, d, campaign.PresetPasDeCalais2018)
	if err != nil {
		return fmt.Errorf("demo dossiers: %w", err)
	}
	open, err := campaign.BySlug(ctx, d, openSlug)
	if err != nil {
		return fmt.Errorf("demo dossiers: %w", err)
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
	fill := func(ctx context.Context, tx *db.Tx, c *campaign.Campaign, count int, submitted bool, owner int64, created time.Time, span time.Duration) (int, error) {
		for i := 0; i < count; i++ {
			n++
			org := demoOrgs[r.IntN(len(demoOrgs))]
			kind := demoKinds[r.IntN(len(demoKinds))]
			place := demoPlaces[r.IntN(len(demoPlaces))]
			commune := demoCommunes[r.IntN(len(demoCommunes))]
			st := &dossier.Structure{Name: org.prefix + " " + kind + " " + place, LegalForm: org.form, SIRET: demoSIRET(n),
				Address: strconv.Itoa(1+r.IntN(120)) + " rue de la République", Commune: commune}
			st.SIREN = st.SIRET[:9]
			if org.form == dossier.FormAssociation && r.IntN(2) == 0 {
				st.RNA = fmt.Sprintf("W62%07d", 1_000_000+n*37)
			}
			at := created.Add(time.Duration(r.Int64N(int64(span))))
			// The other structures have no member account: only their dossiers matter here.
			memberID := owner
			if err := dossier.InsertStructure(ctx, tx, st, memberID, at); err != nil {
				return n, err
			}
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
			ds := &dossier.Dossier{CampaignID: c.ID, StructureID: st.ID, CategoryID: cat.ID, CreatedBy: memberID,
				Title: kind + " " + place, Summary: "Un projet " + place + " porté par des habitants : " + kind + " ouvert à tous.",
				Description: "Le projet « " + kind + " " + place + " » réunit habitants, bénévoles et salariés autour d'une activité utile au territoire.",
				Timeline:    "Trimestre 1 : préparation ; trimestre 2 : ouverture ; trimestre 3 : bilan.",
				Communes:    []string{commune}, Answers: map[string]string{}, Budget: demoBudget(r, cost, cat.Rule)}
			ds.SupportCents = cat.Rule.Support(cost)
			if submitted {
				ds.State = dossier.StateSubmitted
				sub := at.Add(time.Duration(24+r.IntN(400)) * time.Hour)
				ds.SubmittedAt = &sub
			}
			if err := dossier.Insert(ctx, tx, ds, at); err != nil {
				return n, err
			}
		}
		return n, nil
	}

	w, _ := archived.Window(campaign.PhaseDossiers)
	if err := seedDossierGroup(ctx, env, archived, "dossier.demo_2018", func(ctx context.Context, tx *db.Tx) (int, error) {
		return fill(ctx, tx, archived, 60, true, 0, w.Start, w.End.Sub(w.Start)-20*24*time.Hour)
	}); err != nil {
		return err
	}
	if err := seedDossierGroup(ctx, env, open, "dossier.demo_drafts", func(ctx context.Context, tx *db.Tx) (int, error) {
		return fill(ctx, tx, open, 5, false, 0, now.Add(-72*time.Hour), 48*time.Hour)
	}); err != nil {
		return err
	}
	// The demo carrier: one structure of its own and one draft, in the first category.
	return seedDossierGroup(ctx, env, open, "dossier.demo_carrier", func(ctx context.Context, tx *db.Tx) (int, error) {
		st := &dossier.Structure{Name: "Association Les Jardins de Nadia", LegalForm: dossier.FormAssociation,
			SIRET: demoSIRET(999), RNA: "W622009999", Address: "12 rue Émile Zola", Postcode: "62000", Commune: "62041"}
		st.SIREN = st.SIRET[:9]
		if err := dossier.InsertStructure(ctx, tx, st, carrier.ID, now.Add(-48*time.Hour)); err != nil {
			return 0, err
		}
		cat := open.Categories[0]
		ds := &dossier.Dossier{CampaignID: open.ID, StructureID: st.ID, CategoryID: cat.ID, CreatedBy: carrier.ID,
			Title: "Jardin partagé du quartier Saint-Sauveur", Summary: "Un jardin partagé au pied des immeubles, cultivé par les habitants.",
			Communes: []string{"62041"}, Answers: map[string]string{},
			Budget: demoBudget(r, 12_000_00, cat.Rule)}
		ds.SupportCents = cat.Rule.Support(ds.TotalCostCents())
		if err := dossier.Insert(ctx, tx, ds, now.Add(-24*time.Hour)); err != nil {
			return 0, err
		}
		return 1, nil
	})
}

func seedDossierGroup(ctx context.Context, env change.Env, c *campaign.Campaign, action string, fill func(ctx context.Context, tx *db.Tx) (int, error)) error {
	_, err := change.Do(ctx, env, change.Request{
		Who: change.System("demo"), Campaign: c, Action: action, EntityKind: "campaign",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			n, err := fill(ctx, tx)
			if err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: strconv.FormatInt(c.ID, 10), After: map[string]any{"dossiers": n}}, nil
		},
	})
	if err != nil {
		return fmt.Errorf("demo dossiers of %s: %w", c.Slug, err)
	}
	return nil
}
