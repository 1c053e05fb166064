package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/idea"
	"budgetcitoyen/internal/territory"
)

// Demo ideas: about 120 for the 2018 edition (its real count was 122), spread over the
// communes of the Pas-de-Calais and over its ideas phase, a few of them hidden by the
// moderation; and about ten recent ones for the campaign collecting ideas now. Titles,
// descriptions and authors are fictitious; the authors are citizen accounts without
// password. Each campaign's ideas are one change (one transaction, one audit entry), which
// keeps the seeding fast.

const (
	archivedIdeas = 120
	currentIdeas  = 10
)

// ideaSeed is a plausible idea of one theme: a title and the sentences of its description.
type ideaSeed struct {
	theme idea.Theme
	title string
	need  string
	offer string
}

var ideaSeeds = []ideaSeed{
	{idea.ThemeFood, "Une épicerie solidaire", "Beaucoup de familles du secteur renoncent aux produits frais faute de moyens.", "Nous proposons une épicerie où chacun paie selon ses revenus, tenue par des bénévoles et des salariés en insertion."},
	{idea.ThemeFood, "Un jardin partagé au pied des immeubles", "Les habitants n'ont pas d'espace pour cultiver et se rencontrer.", "Un terrain communal deviendrait un potager collectif avec des ateliers pour les enfants des écoles voisines."},
	{idea.ThemeFood, "Une légumerie pour les cantines", "Les cantines du territoire achètent peu de légumes locaux car ils demandent trop de préparation.", "Une légumerie coopérative laverait et découperait les légumes des maraîchers voisins pour la restauration collective."},
	{idea.ThemeFood, "Des paniers paysans en circuit court", "Les petits producteurs peinent à vendre sans intermédiaire.", "Un point de retrait hebdomadaire de paniers, géré en association avec les producteurs, à prix juste."},
	{idea.ThemeFood, "Une cuisine partagée pour les associations", "Les associations qui cuisinent pour leurs publics n'ont pas de cuisine aux normes.", "Une cuisine équipée, mutualisée et réservable à l'heure, avec des formations à l'hygiène alimentaire."},
	{idea.ThemeEmployment, "Un chantier d'insertion dans le bâtiment", "Des jeunes sans qualification cherchent une première expérience.", "Un chantier encadré rénoverait des logements vacants tout en formant aux métiers du second œuvre."},
	{idea.ThemeEmployment, "Une conciergerie solidaire", "Les salariés de la zone d'activité manquent de services de proximité.", "Une conciergerie emploierait des personnes éloignées de l'emploi pour des services de pressing, retouches et courses."},
	{idea.ThemeEmployment, "Une coopérative d'activité pour les indépendants", "Les créateurs d'activité sont isolés et craignent de se lancer.", "Une coopérative d'activité et d'emploi offrirait un statut, un accompagnement et un collectif de pairs."},
	{idea.ThemeEmployment, "Un atelier de couture solidaire", "Des femmes du quartier savent coudre mais n'ont pas de débouché.", "Un atelier produirait des sacs et des vêtements à partir de tissus récupérés, avec des contrats aidés."},
	{idea.ThemeEmployment, "Une auto-école sociale", "Le permis de conduire est un frein majeur à l'emploi en zone rurale.", "Une auto-école associative proposerait des tarifs adaptés et une pédagogie pour les publics en difficulté."},
	{idea.ThemeEnvironment, "Une recyclerie de quartier", "Trop d'objets encore utilisables finissent à la déchetterie.", "Une recyclerie collecterait, réparerait et revendrait meubles et objets à petit prix, avec des ateliers de réparation."},
	{idea.ThemeEnvironment, "Un repair café mensuel", "Les appareils en panne sont jetés faute de savoir les réparer.", "Des bénévoles bricoleurs aideraient chaque mois les habitants à réparer eux-mêmes leurs objets."},
	{idea.ThemeEnvironment, "Une ressourcerie du réemploi des matériaux", "Les chantiers jettent des matériaux de construction en bon état.", "Une plateforme récupérerait ces matériaux pour les revendre aux particuliers et aux associations."},
	{idea.ThemeEnvironment, "Un verger conservatoire", "Les variétés anciennes de pommiers de la région disparaissent.", "Un verger associatif planterait et ferait connaître ces variétés, avec des journées de greffe ouvertes à tous."},
	{idea.ThemeEnvironment, "Une coopérative citoyenne d'énergie solaire", "Les toits des bâtiments publics ne produisent pas d'énergie.", "Les habitants investiraient ensemble dans des panneaux solaires posés sur les écoles et la salle des sports."},
	{idea.ThemeCulture, "Un café culturel associatif", "Il n'existe plus de lieu de rencontre ouvert le soir dans la commune.", "Un café associatif accueillerait concerts, lectures et expositions d'artistes locaux."},
	{idea.ThemeCulture, "Une ludothèque itinérante", "Les familles des villages n'ont pas accès aux jeux de société.", "Une camionnette aménagée passerait chaque semaine dans les villages pour prêter des jeux et animer des après-midi."},
	{idea.ThemeCulture, "Un festival des cultures du bassin minier", "La mémoire minière se transmet mal aux jeunes générations.", "Un festival participatif mêlerait témoignages d'anciens mineurs, musique et théâtre de rue."},
	{idea.ThemeCulture, "Une fabrique de théâtre amateur", "Les troupes amateurs manquent de salles de répétition.", "Une ancienne salle des fêtes serait partagée entre troupes, avec du matériel son et lumière mutualisé."},
	{idea.ThemeSolidarity, "Une maison des aidants", "Les proches de personnes dépendantes s'épuisent sans relais.", "Un lieu d'accueil proposerait du répit, des groupes de parole et des conseils pratiques."},
	{idea.ThemeSolidarity, "Un réseau de visites aux personnes âgées isolées", "Beaucoup d'anciens ne voient personne pendant des jours.", "Des bénévoles formés rendraient visite chaque semaine aux personnes isolées signalées par le CCAS."},
	{idea.ThemeSolidarity, "Une bagagerie pour les personnes sans abri", "Les personnes à la rue ne peuvent pas mettre leurs affaires en sécurité.", "Une bagagerie gérée avec ses usagers offrirait des casiers, une douche et une domiciliation."},
	{idea.ThemeSolidarity, "Un accueil de jour pour les jeunes en rupture", "Des jeunes de 16 à 25 ans sortent de tous les dispositifs.", "Un lieu ouvert en journée proposerait écoute, activités et accompagnement vers la formation."},
	{idea.ThemeSolidarity, "Une épicerie mobile pour les villages", "Les villages n'ont plus de commerce et les aînés ne conduisent plus.", "Un commerce itinérant solidaire passerait dans les villages avec des produits de base et un temps convivial."},
	{idea.ThemeMobility, "Un atelier vélo participatif", "Beaucoup de vélos dorment dans les garages faute d'entretien.", "Un atelier associatif apprendrait à réparer son vélo et revendrait des vélos reconditionnés."},
	{idea.ThemeMobility, "Un transport solidaire à la demande", "Les personnes sans voiture ne peuvent pas aller à leurs rendez-vous médicaux.", "Des chauffeurs bénévoles, coordonnés par une association, assureraient ces trajets contre une petite participation."},
	{idea.ThemeMobility, "Une plateforme de covoiturage rural", "Les horaires de bus ne correspondent pas aux horaires de travail.", "Une plateforme locale mettrait en relation conducteurs et passagers pour les trajets domicile-travail."},
	{idea.ThemeMobility, "Un garage solidaire", "Une réparation de voiture peut faire perdre un emploi.", "Un garage associatif réparerait à prix coûtant les véhicules des personnes aux revenus modestes."},
	{idea.ThemeHousing, "Un habitat partagé intergénérationnel", "Des aînés vivent seuls dans de grandes maisons et des jeunes ne trouvent pas à se loger.", "Une association mettrait en relation les uns et les autres, avec une charte de cohabitation et un suivi."},
	{idea.ThemeHousing, "Des ateliers d'auto-réhabilitation accompagnée", "Des propriétaires modestes vivent dans des logements mal isolés.", "Des ateliers encadrés par des professionnels les aideraient à rénover eux-mêmes leur logement."},
	{idea.ThemeHousing, "Une pension de famille", "Des personnes seules sortant de la rue ont besoin d'un logement durable avec un accompagnement.", "Une petite résidence de logements autonomes avec des espaces collectifs et des hôtes présents au quotidien."},
	{idea.ThemeDigital, "Un espace public numérique itinérant", "Les démarches administratives en ligne excluent ceux qui ne maîtrisent pas l'ordinateur.", "Des médiateurs numériques se déplaceraient dans les mairies pour accompagner les habitants."},
	{idea.ThemeDigital, "Un atelier de reconditionnement d'ordinateurs", "Des familles n'ont pas d'ordinateur pour la scolarité des enfants.", "Un atelier d'insertion reconditionnerait les ordinateurs donnés par les entreprises pour les revendre à bas prix."},
	{idea.ThemeDigital, "Un fablab associatif", "Les jeunes n'ont pas accès aux outils de fabrication numérique.", "Un fablab ouvert proposerait imprimantes 3D, découpe laser et ateliers de programmation."},
	{idea.ThemeOther, "Une monnaie locale complémentaire", "L'argent dépensé dans la grande distribution quitte le territoire.", "Une monnaie locale, acceptée par les commerçants indépendants, favoriserait l'économie de proximité."},
	{idea.ThemeOther, "Une maison des associations", "Les petites associations n'ont ni bureau ni salle de réunion.", "Un lieu mutualisé offrirait salles, matériel, domiciliation et un accompagnement administratif."},
	{idea.ThemeOther, "Un tiers-lieu rural", "Télétravailleurs, artisans et associations du canton travaillent chacun dans leur coin.", "Un ancien corps de ferme deviendrait un tiers-lieu avec bureaux partagés, atelier et café."},
}

var demoPublics = []string{
	"Elle s'adresse en priorité aux habitants du quartier et aux familles monoparentales.",
	"Le projet associerait les habitants, la mairie et les associations déjà présentes.",
	"Nous sommes un petit groupe de voisins prêts à nous investir ; il nous manque un local et un accompagnement.",
	"Les jeunes du secteur seraient associés dès le départ à la conception.",
	"Plusieurs structures de l'ESS du territoire ont déjà manifesté leur intérêt.",
	"Un premier essai l'été dernier a réuni une trentaine de participants.",
	"L'idée pourrait ensuite essaimer dans les communes voisines.",
	"Nous cherchons des conseils pour le montage juridique et le financement.",
}

var demoFirstNames = []string{"Camille", "Julien", "Nadia", "Thomas", "Sandrine", "Mehdi", "Aurélie", "Kevin",
	"Isabelle", "Yannick", "Fatima", "Grégory", "Céline", "Dylan", "Marine", "Olivier", "Sabrina", "Ludovic",
	"Émilie", "Rachid", "Delphine", "Maxime", "Virginie", "Jérôme", "Laetitia", "Bruno", "Chloé", "Karim"}

var demoLastNames = []string{"Lefebvre", "Dupont", "Leroy", "Caron", "Lemaire", "Duhamel", "Delattre", "Vasseur",
	"Lecomte", "Dubois", "Boulanger", "Wimez", "Déprez", "Bertin", "Lenglet", "Hennebelle", "Mercier", "Delplace",
	"Fournier", "Cuvelier", "Wattez", "Benali", "Dumont", "Legrand"}

var demoHideReasons = []string{
	"Cette idée fait la promotion d'une entreprise commerciale et ne relève pas de l'économie sociale et solidaire.",
	"Idée déposée en double : elle est identique à une autre idée du même auteur, qui reste publiée.",
	"La description contient des propos injurieux envers des personnes nommées.",
	"Cette idée concerne une commune hors du Pas-de-Calais.",
	"Demande d'aide individuelle : nous avons orienté son auteur vers le CCAS de sa commune.",
}

// seedIdeas adds the demo ideas of the 2018 edition and of the campaign collecting ideas.
func seedIdeas(ctx context.Context, env change.Env, camps []*campaign.Campaign, now time.Time) error {
	terr, err := territory.Load()
	if err != nil {
		return err
	}
	openSlug, _ := Slugs(now)
	for _, c := range camps {
		w, ok := c.Window(campaign.PhaseIdeas)
		if !ok {
			continue
		}
		switch {
		case c.Slug == campaign.PresetPasDeCalais2018:
			err = seedCampaignIdeas(ctx, env, terr, c, archivedIdeas, w.Start, w.End, "idee2018", 5, now)
		case c.Slug == openSlug:
			err = seedCampaignIdeas(ctx, env, terr, c, currentIdeas, w.Start, minTime(now, w.End), "idee"+c.Slug[len(c.Slug)-4:], 0, now)
		}
		if err != nil {
			return fmt.Errorf("demo ideas of %s: %w", c.Slug, err)
		}
	}
	return nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// seedCampaignIdeas deposits n ideas between from and to, by authors whose addresses start
// with prefix, hiding the first `hidden` of them with a reason. The random choices come
// from a fixed seed: every demo database holds the same ideas.
func seedCampaignIdeas(ctx context.Context, env change.Env, terr *territory.Data, c *campaign.Campaign,
	n int, from, to time.Time, prefix string, hidden int, now time.Time) error {
	rng := rand.New(rand.NewPCG(uint64(n), 2018))
	communes := terr.Communes(c.Territory)
	// Towns get more ideas than hamlets: draw among the communes of 1,000 inhabitants or
	// more three times out of four.
	var towns []territory.Commune
	for _, cm := range communes {
		if cm.Population >= 1000 {
			towns = append(towns, cm)
		}
	}
	if len(communes) == 0 || len(towns) == 0 {
		return fmt.Errorf("no commune in territory %s", c.Territory)
	}
	span := to.Sub(from)
	if span <= 0 {
		return nil
	}
	authors := map[int]int64{}
	for k := 0; k < n; k++ {
		// About one author in five deposits two ideas.
		who := k
		if k%5 == 4 {
			who = k - 1 - rng.IntN(3)
		}
		authorID, err := demoAuthor(ctx, env, authors, who, prefix, from)
		if err != nil {
			return err
		}
		seed := ideaSeeds[rng.IntN(len(ideaSeeds))]
		cm := towns[rng.IntN(len(towns))]
		if rng.IntN(4) == 0 {
			cm = communes[rng.IntN(len(communes))]
		}
		at := from.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Minute)
		carrier := idea.Carriers()[rng.IntN(3)]
		structure := ""
		if carrier != idea.CarrierPerson {
			structure = structureName(carrier, cm.Name, rng)
		}
		form := idea.Deposit{Title: seed.title + " à " + cm.Name,
			Description: seed.need + " " + seed.offer + "\n\n" + demoPublics[rng.IntN(len(demoPublics))],
			Theme:       seed.theme, CommuneCode: cm.Code, Carrier: carrier, Structure: structure}
		i, err := idea.Submit(ctx, ideaEnvAt(env, terr, at), change.System("demo"),
			idea.SubmitInput{Campaign: c, Form: form, AuthorID: authorID})
		if err != nil {
			return err
		}
		if k < hidden {
			hiddenAt := minTime(at.Add(36*time.Hour), to)
			err := idea.Hide(ctx, ideaEnvAt(env, terr, hiddenAt), change.System("demo"),
				idea.HideInput{Campaign: c, ID: i.ID, Reason: demoHideReasons[k%len(demoHideReasons)]})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// commandEnvAt is env with its clock stopped at t: the demo's past changes are made at the
// time they would have happened, inside the phases they need.
func commandEnvAt(env change.Env, t time.Time) change.Env {
	return change.Env{DB: env.DB, Now: func() time.Time { return t }}
}

// ideaEnvAt is the environment of the idea commands for a change made at t, without
// e-mails: the demo's authors are fictitious.
func ideaEnvAt(env change.Env, terr *territory.Data, t time.Time) idea.Env {
	return idea.Env{Change: commandEnvAt(env, t), Territory: terr}
}

// demoAuthor returns the account of the fictitious author number who, a verified citizen
// without password, creating it (at at) on first use.
func demoAuthor(ctx context.Context, env change.Env, authors map[int]int64, who int, prefix string, at time.Time) (int64, error) {
	if id, ok := authors[who]; ok {
		return id, nil
	}
	first := demoFirstNames[who%len(demoFirstNames)]
	last := demoLastNames[(who*7+who/len(demoFirstNames))%len(demoLastNames)]
	in := account.AddInput{Email: fmt.Sprintf("%s-%03d@demo.budgetcitoyen.test", prefix, who+1), Name: first + " " + last,
		Grants: []access.Grant{{Role: access.Citizen}}}
	a, err := account.Add(ctx, account.Env{Change: commandEnvAt(env, at)}, change.System("demo"), in)
	if err != nil {
		return 0, err
	}
	authors[who] = a.ID
	return a.ID, nil
}

var structurePrefixes = map[idea.Carrier][]string{
	idea.CarrierAssociation: {"Association", "Les Amis de", "Vivre ensemble à", "Solidarités"},
	idea.CarrierCollective:  {"Collectif des habitants de", "Collectif citoyen de", "Les Voisins de"},
}

func structureName(c idea.Carrier, commune string, rng *rand.Rand) string {
	list := structurePrefixes[c]
	return list[rng.IntN(len(list))] + " " + commune
}
