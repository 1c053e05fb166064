package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/territory"
	"budgetcitoyen/internal/workshop"
)

// demoSession is one fictitious comptoir session: where (INSEE code), when (days from the
// campaign's reference day, local hour), how many seats and registrations.
type demoSession struct {
	title, host, address, commune string
	topics                        []workshop.Topic
	day, hour, hours              int
	capacity, registrations       int
	present                       int // of the registrations, how many were marked present
	animated                      bool
}

// sessions2018: 15 meetings across the 7 arrondissements, 180 participants in all (the figures
// of the 2018 edition; the people are fictitious). Days count from 1 March 2018.
var sessions2018 = []demoSession{
	{"Comptoir d'Arras : de l'idée au projet", "Maison des associations d'Arras", "2 rue de la Paix", "62041", []workshop.Topic{workshop.TopicIdeaToProject}, 5, 14, 3, 20, 16, 15, false},
	{"Comptoir de Bapaume : trouver des financements", "Tiers-lieu La Grange", "5 place Faidherbe", "62080", []workshop.Topic{workshop.TopicFunding}, 19, 18, 2, 12, 10, 9, false},
	{"Comptoir de Béthune : pitcher son idée", "Coopérative Les Ateliers", "14 rue d'Aire", "62119", []workshop.Topic{workshop.TopicPitch, workshop.TopicCommunication}, 8, 14, 3, 15, 14, 12, false},
	{"Comptoir de Bruay-la-Buissière", "Association Cité Solidaire", "30 rue Henri Cadot", "62178", []workshop.Topic{workshop.TopicIdeaToProject}, 33, 9, 3, 15, 12, 11, false},
	{"Comptoir de Boulogne-sur-Mer : de l'idée au projet", "SCIC Côte d'Opale Initiatives", "8 boulevard Daunou", "62160", []workshop.Topic{workshop.TopicIdeaToProject, workshop.TopicFunding}, 12, 14, 3, 15, 13, 12, false},
	{"Comptoir d'Outreau : communication", "Centre social Jacques Brel", "1 rue Jean Jaurès", "62643", []workshop.Topic{workshop.TopicCommunication}, 40, 18, 2, 12, 10, 8, false},
	{"Comptoir de Montreuil-sur-Mer", "Association Terre d'Opale", "11 place Gambetta", "62588", []workshop.Topic{workshop.TopicIdeaToProject}, 15, 14, 3, 12, 10, 9, false},
	{"Comptoir de Berck : trouver des financements", "Régie de quartier de Berck", "40 rue de l'Impératrice", "62108", []workshop.Topic{workshop.TopicFunding}, 47, 14, 2, 12, 9, 8, false},
	{"Comptoir de Saint-Omer : pitcher son idée", "La Station, tiers-lieu", "Place de la Gare", "62765", []workshop.Topic{workshop.TopicPitch}, 22, 14, 3, 15, 13, 12, false},
	{"Comptoir d'Aire-sur-la-Lys", "Coopérative Lys Solidaire", "3 Grand'Place", "62014", []workshop.Topic{workshop.TopicIdeaToProject, workshop.TopicOther}, 54, 18, 2, 12, 9, 8, false},
	{"Comptoir de Calais : de l'idée au projet", "Maison de l'ESS du Calaisis", "21 boulevard Jacquard", "62193", []workshop.Topic{workshop.TopicIdeaToProject}, 26, 14, 3, 20, 15, 14, false},
	{"Comptoir de Marck : communication", "Association Marck Avenir", "12 rue du Général de Gaulle", "62548", []workshop.Topic{workshop.TopicCommunication, workshop.TopicPitch}, 61, 18, 2, 12, 9, 8, false},
	{"Comptoir de Lens : trouver des financements", "SCOP Bassin Minier Conseil", "6 place Jean Jaurès", "62498", []workshop.Topic{workshop.TopicFunding}, 29, 14, 3, 20, 17, 15, false},
	{"Comptoir de Liévin : de l'idée au projet", "Centre social Vachala", "2 rue Montgolfier", "62510", []workshop.Topic{workshop.TopicIdeaToProject}, 68, 14, 3, 15, 12, 11, false},
	{"Comptoir d'Hénin-Beaumont : pitcher son idée", "Association Les Bâtisseurs", "18 rue Carnot", "62427", []workshop.Topic{workshop.TopicPitch}, 75, 9, 3, 15, 11, 10, false},
}

// sessionsOpen: 8 sessions in the coming weeks of the open campaign (days from today), one
// nearly full; no session yet in the Montreuil arrondissement, which the coverage page flags.
var sessionsOpen = []demoSession{
	{"Comptoir d'Arras : de l'idée au projet", "Maison des associations d'Arras", "2 rue de la Paix", "62041", []workshop.Topic{workshop.TopicIdeaToProject}, 3, 14, 3, 12, 11, 0, true},
	{"Comptoir de Béthune : pitcher son idée", "Coopérative Les Ateliers", "14 rue d'Aire", "62119", []workshop.Topic{workshop.TopicPitch}, 6, 18, 2, 15, 4, 0, false},
	{"Comptoir de Calais : trouver des financements", "Maison de l'ESS du Calaisis", "21 boulevard Jacquard", "62193", []workshop.Topic{workshop.TopicFunding}, 9, 14, 3, 15, 3, 0, true},
	{"Comptoir de Lens : de l'idée au projet", "SCOP Bassin Minier Conseil", "6 place Jean Jaurès", "62498", []workshop.Topic{workshop.TopicIdeaToProject, workshop.TopicFunding}, 13, 14, 3, 20, 5, 0, false},
	{"Comptoir de Saint-Omer : communication", "La Station, tiers-lieu", "Place de la Gare", "62765", []workshop.Topic{workshop.TopicCommunication}, 16, 18, 2, 12, 2, 0, true},
	{"Comptoir de Boulogne-sur-Mer : pitcher son idée", "SCIC Côte d'Opale Initiatives", "8 boulevard Daunou", "62160", []workshop.Topic{workshop.TopicPitch}, 20, 14, 3, 12, 1, 0, false},
	{"Comptoir de Bapaume : de l'idée au projet", "Tiers-lieu La Grange", "5 place Faidherbe", "62080", []workshop.Topic{workshop.TopicIdeaToProject}, 27, 9, 3, 10, 0, 0, false},
	{"Comptoir de Liévin : trouver des financements", "Centre social Vachala", "2 rue Montgolfier", "62510", []workshop.Topic{workshop.TopicFunding, workshop.TopicOther}, 34, 18, 2, 15, 0, 0, false},
}

// sessionToday is a comptoir in Arras in progress at the demo's now (it started an hour
// before, on the hour, and lasts four hours), animated by the demo animator and not full:
// a new person can walk in, register and be marked present the same day, which unlocks
// dossier filing. Its day and hour are not used: see todayStart.
var sessionToday = demoSession{"Comptoir d'Arras : permanence du jour", "Maison des associations d'Arras", "2 rue de la Paix", "62041",
	[]workshop.Topic{workshop.TopicIdeaToProject, workshop.TopicFunding}, 0, 0, 4, 15, 5, 3, true}

// todayStart is when sessionToday starts: the hour before now's, so it is in progress.
func todayStart(now time.Time) time.Time { return now.Truncate(time.Hour).Add(-time.Hour) }

var firstNames = []string{"Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Gaëlle", "Hugo", "Inès", "Julien",
	"Kenza", "Louis", "Manon", "Nicolas", "Océane", "Pierre", "Quentin", "Rachida", "Sarah", "Thomas"}
var lastNames = []string{"Lefebvre", "Dubois", "Leroy", "Moreau", "Lemaire", "Fontaine", "Caron", "Dupont", "Delattre",
	"Hautecoeur", "Vasseur", "Lecomte", "Duhamel", "Carpentier"}

// seedWorkshops adds the comptoirs: 15 past sessions of the 2018 edition with 180
// participants (most marked present), 8 sessions of the open campaign in the coming weeks,
// some animated by the demo animator, and one in Arras in progress today. They go through the workshop commands, as the platform
// ("demo"): each session, registration and attendance sheet is one change.
func seedWorkshops(ctx context.Context, env change.Env, d *db.DB, now time.Time, ids map[string]int64) error {
	terr, err := territory.Load()
	if err != nil {
		return err
	}
	openSlug, _ := Slugs(now)
	archived, err := campaign.ByID(ctx, d, ids[campaign.PresetPasDeCalais2018])
	if err != nil {
		return fmt.Errorf("demo comptoirs: %w", err)
	}
	open, err := campaign.ByID(ctx, d, ids[openSlug])
	if err != nil {
		return fmt.Errorf("demo comptoirs: %w", err)
	}
	var animatorID int64
	for _, a := range Accounts(now) {
		if a.Role == access.Animator {
			acc, err := account.ByEmail(ctx, d, a.Email)
			if err != nil {
				return fmt.Errorf("demo animator: %w", err)
			}
			animatorID = acc.ID
		}
	}
	person := 0
	loc := archived.Location()
	base2018 := time.Date(2018, 3, 1, 0, 0, 0, 0, loc)
	for _, ds := range sessions2018 {
		start := base2018.AddDate(0, 0, ds.day).Add(time.Duration(ds.hour) * time.Hour)
		if err := seedSession(ctx, env, terr, archived, ds, start, &person, 0, now); err != nil {
			return err
		}
	}
	loc = open.Location()
	today := now.In(loc)
	baseOpen := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	for _, ds := range sessionsOpen {
		start := baseOpen.AddDate(0, 0, ds.day).Add(time.Duration(ds.hour) * time.Hour)
		anim := int64(0)
		if ds.animated {
			anim = animatorID
		}
		if err := seedSession(ctx, env, terr, open, ds, start, &person, anim, now); err != nil {
			return err
		}
	}
	return seedSession(ctx, env, terr, open, sessionToday, todayStart(now), &person, animatorID, now)
}

// workshopEnvAt is the environment of the workshop commands for a change made at t,
// without e-mails: the demo's participants are fictitious.
func workshopEnvAt(env change.Env, terr *territory.Data, t time.Time) workshop.Env {
	return workshop.Env{Change: commandEnvAt(env, t), Territory: terr}
}

// seedSession creates the session ds of c through the commands, as the agents, the people
// and the animators would have: announced three weeks before (last week for the open
// campaign), each participant registered an hour after the previous one once the comptoirs
// phase was open, the attendance marked at the start.
func seedSession(ctx context.Context, env change.Env, terr *territory.Data, c *campaign.Campaign, ds demoSession,
	start time.Time, person *int, animator int64, now time.Time) error {
	demoWho := change.System("demo")
	created := now.AddDate(0, 0, -7)
	if start.Before(now) {
		created = start.AddDate(0, 0, -21)
	}
	end := start.Add(time.Duration(ds.hours) * time.Hour)
	s := workshop.Session{Title: ds.title, Host: ds.host, Address: ds.address, Commune: ds.commune, Topics: ds.topics,
		StartsAt: start.UTC(), EndsAt: end.UTC(), Capacity: ds.capacity}
	if animator != 0 {
		s.Animators = []int64{animator}
	}
	form := workshop.FormOf(s, c.Location())
	if cm, ok := terr.Commune(s.Commune); ok {
		form.Commune = cm.Name + " (" + cm.Code + ")" // as typed back by the form: five digits alone are a postcode
	}
	ws, err := workshop.CreateSession(ctx, workshopEnvAt(env, terr, created), demoWho,
		workshop.SessionInput{Campaign: c, Form: form})
	if err != nil {
		return fmt.Errorf("demo comptoir %q: %w", ds.title, err)
	}
	first := created
	if w, ok := c.Window(campaign.PhaseComptoirs); ok && first.Before(w.Start) {
		first = w.Start
	}
	marks := map[int64]workshop.Attendance{}
	for i := 0; i < ds.registrations; i++ {
		*person++
		n := *person
		in := account.AddInput{Email: "participant" + strconv.Itoa(n) + "@demo.budgetcitoyen.test",
			Name: firstNames[n%len(firstNames)] + " " + lastNames[(n/len(firstNames)+n)%len(lastNames)]}
		acc, err := account.Add(ctx, account.Env{Change: commandEnvAt(env, created)}, demoWho, in)
		if err != nil {
			return fmt.Errorf("demo participant %s: %w", in.Email, err)
		}
		regAt := first.Add(time.Duration(i+1) * time.Hour)
		_, err = workshop.Join(ctx, workshopEnvAt(env, terr, regAt), demoWho,
			workshop.PersonInput{Campaign: c, SessionID: ws.ID, AccountID: acc.ID})
		if err != nil {
			return fmt.Errorf("demo comptoir %q, participant %d: %w", ds.title, n, err)
		}
		switch {
		case i < ds.present:
			marks[acc.ID] = workshop.Present
		case !end.After(now): // over: who was not there was absent; in progress: not yet known
			marks[acc.ID] = workshop.Absent
		}
	}
	if len(marks) == 0 {
		return nil
	}
	err = workshop.RecordAttendance(ctx, workshopEnvAt(env, terr, start), demoWho,
		workshop.AttendanceInput{Campaign: c, SessionID: ws.ID, Marks: marks})
	if err != nil {
		return fmt.Errorf("demo comptoir %q: %w", ds.title, err)
	}
	return nil
}
