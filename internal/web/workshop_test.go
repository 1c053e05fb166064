package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/workshop"
)

// demoSessionID finds a session of the open demo campaign by a part of its title.
func demoSessionID(t *testing.T, s *site, title string) (string, *campaign.Campaign) {
	t.Helper()
	open, _ := demo.Slugs(testNow)
	c, err := campaign.BySlug(context.Background(), s.db, open)
	if err != nil {
		t.Fatal(err)
	}
	list, err := workshop.List(context.Background(), s.db, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, ws := range list {
		if strings.Contains(ws.Title, title) {
			return strconv.FormatInt(ws.ID, 10), c
		}
	}
	t.Fatalf("no demo session %q", title)
	return "", nil
}

func TestWorkshopJourney(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		open, _ := demo.Slugs(testNow)
		base := "/" + open + "/comptoirs"

		// A visitor sees the upcoming sessions and filters them.
		visitor := s.browser()
		p := visitor.get(base)
		wantStatus(t, p, http.StatusOK, "list")
		wantContains(t, p, "list", "Comptoir d&#39;Arras", "Comptoir de Lens", "<caption>", `<th scope="col">`, `for="f-arrondissement"`)
		p = visitor.get(base + "?arrondissement=627&theme=")
		wantContains(t, p, "filtered list", "Comptoir de Lens")
		if strings.Contains(p.Body, "Comptoir d&#39;Arras") {
			t.Error("the Lens filter shows the Arras session")
		}
		p = visitor.get(base + "/calendrier.ics?arrondissement=627")
		if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") || !strings.HasPrefix(p.Body, "BEGIN:VCALENDAR\r\n") ||
			strings.Count(p.Body, "BEGIN:VEVENT") != 2 {
			t.Errorf("ics: %s\n%s", ct, p.Body)
		}

		// An agent's session with a commune outside the territory: French error, input kept, nothing saved.
		agentAcc := demoAccount(t, access.Agent)
		agent := s.browser()
		agent.signIn(agentAcc.Email, agentAcc.Password)
		_, c := demoSessionID(t, s, "Arras : de l'idée")
		before, _ := workshop.List(ctx, s.db, c.ID)
		form := url.Values{"title": {"Comptoir de Lille"}, "topics": {"pitch"}, "host": {"Asso"}, "address": {"1 rue X"},
			"commune": {"59350"}, "start": {"2026-12-10T14:00"}, "end": {"2026-12-10T17:00"}, "capacity": {"10"}}
		agent.get(base + "/nouveau")
		p = agent.post(base+"/nouveau", form)
		wantStatus(t, p, http.StatusUnprocessableEntity, "bad commune")
		wantContains(t, p, "bad commune", "pas dans le territoire de la campagne", `value="Comptoir de Lille"`, `aria-invalid="true"`)
		if after, _ := workshop.List(ctx, s.db, c.ID); len(after) != len(before) {
			t.Error("an invalid session was saved")
		}
		form.Set("commune", "Montreuil-sur-Mer")
		p = agent.post(base+"/nouveau", form)
		wantStatus(t, p, http.StatusSeeOther, "good session")

		// A citizen takes the last seat of the nearly full session; the carrier then gets the waiting list.
		arras, _ := demoSessionID(t, s, "Arras : de l'idée")
		citizenAcc := demoAccount(t, access.Citizen)
		citizen := s.browser()
		citizen.signIn(citizenAcc.Email, citizenAcc.Password)
		citizen.get(base + "/" + arras)
		p = citizen.post(base+"/"+arras+"/inscription", url.Values{})
		wantStatus(t, p, http.StatusSeeOther, "register")
		p = citizen.get(base + "/" + arras)
		wantContains(t, p, "after registering", "Vous êtes inscrit à cette séance.")
		carrierAcc := demoAccount(t, access.Carrier)
		carrier := s.browser()
		carrier.signIn(carrierAcc.Email, carrierAcc.Password)
		p = carrier.get(base + "/" + arras)
		wantContains(t, p, "full session", "M&#39;inscrire sur la liste d&#39;attente")
		p = carrier.post(base+"/"+arras+"/inscription", url.Values{})
		wantStatus(t, p, http.StatusSeeOther, "waiting list")
		p = carrier.get(base + "/mes-inscriptions")
		wantContains(t, p, "my registrations", "liste d&#39;attente (position 1)")
		msgs, _ := mail.Sent(ctx, s.db, carrierAcc.Email)
		if len(msgs) == 0 || !strings.HasPrefix(msgs[0].Subject, "Liste d'attente") {
			t.Errorf("waiting-list e-mail: %+v", msgs)
		}

		// The citizen cancels: the carrier moves up and is told.
		p = citizen.post(base+"/"+arras+"/desinscription", url.Values{})
		wantStatus(t, p, http.StatusSeeOther, "unregister")
		msgs, _ = mail.Sent(ctx, s.db, carrierAcc.Email)
		if len(msgs) == 0 || !strings.HasPrefix(msgs[0].Subject, "Une place s'est libérée") || !strings.Contains(msgs[0].Body, "http://example.test/"+open+"/comptoirs/"+arras) {
			t.Errorf("moved-up e-mail: %+v", msgs)
		}

		// The citizen may not see the attendance sheet; the animator marks the carrier present.
		p = citizen.get(base + "/" + arras + "/presences")
		wantStatus(t, p, http.StatusForbidden, "citizen on attendance")
		animAcc := demoAccount(t, access.Animator)
		anim := s.browser()
		anim.signIn(animAcc.Email, animAcc.Password)
		p = anim.get(base + "/" + arras + "/presences")
		wantStatus(t, p, http.StatusOK, "attendance page")
		carrierDB, _ := account.ByEmail(ctx, s.db, carrierAcc.Email)
		field := "a-" + strconv.FormatInt(carrierDB.ID, 10)
		wantContains(t, p, "attendance page", `name="`+field+`"`)
		// Not before the session starts (in three days, at 14:00 Paris); once it has, yes.
		p = anim.post(base+"/"+arras+"/presences", url.Values{field: {"present"}})
		wantStatus(t, p, http.StatusConflict, "attendance before the start")
		s.now = testNow.AddDate(0, 0, 3).Add(4 * time.Hour)
		p = anim.post(base+"/"+arras+"/presences", url.Values{field: {"present"}})
		wantStatus(t, p, http.StatusSeeOther, "mark attendance")
		if ok, _ := workshop.Attended(ctx, s.db, c.ID, carrierDB.ID); !ok {
			t.Error("the carrier is not counted as attended")
		}
		p = anim.get(base + "/" + arras + "/inscriptions.csv")
		wantStatus(t, p, http.StatusForbidden, "animator CSV")

		// The agent's CSV and coverage.
		p = agent.get(base + "/" + arras + "/inscriptions.csv")
		wantStatus(t, p, http.StatusOK, "csv")
		if !strings.HasPrefix(p.Body, "\ufeffNom;E-mail;Statut;Inscrit le;Présence\r\n") || !strings.Contains(p.Body, carrierAcc.Email+";inscrit;") ||
			!strings.Contains(p.Body, ";Présent\r\n") {
			t.Errorf("csv:\n%s", p.Body)
		}
		p = agent.get(base + "/couverture")
		wantStatus(t, p, http.StatusOK, "coverage")
		wantContains(t, p, "coverage", `role="img"`, "<title id=\"svg-title\">", "<caption>Comptoirs par arrondissement</caption>")
		if strings.Contains(p.Body, "Arrondissements sans aucune séance") {
			t.Error("Montreuil is still flagged after the agent's new session there")
		}
		p = citizen.get(base + "/couverture")
		wantStatus(t, p, http.StatusForbidden, "citizen coverage")
	})
}

func TestWorkshopCoverageFlagsEmpty(t *testing.T) {
	s := newSite(t, siteDB(t))
	open, _ := demo.Slugs(testNow)
	agentAcc := demoAccount(t, access.Agent)
	agent := s.browser()
	agent.signIn(agentAcc.Email, agentAcc.Password)
	p := agent.get("/" + open + "/comptoirs/couverture")
	wantStatus(t, p, http.StatusOK, "coverage")
	// The demo has no session in the Montreuil arrondissement, but one idea there; Arras has 3
	// sessions with 16 registrations, 3 marked present at the one in progress today. Columns:
	// sessions, registrations, attendances, ideas.
	wantContains(t, p, "coverage", "Arrondissements sans aucune séance : 1", "<li>Montreuil</li>",
		"<tr><th scope=\"row\">Arras</th><td>3</td><td>16</td><td>3</td><td>0</td></tr>",
		"<tr><th scope=\"row\">Montreuil <strong class=\"badge\">aucune séance</strong></th><td>0</td><td>0</td><td>0</td><td>1</td></tr>",
		"<th scope=\"col\">Idées</th>", "<td>9</td><td>31</td><td>3</td><td>10</td>")
	p = agent.get("/pas-de-calais-2018/comptoirs/couverture")
	// 2018: 15 sessions, 180 registrations, and the 120 ideas of the demo.
	wantContains(t, p, "2018 coverage", "<td>15</td><td>180</td><td>162</td><td>120</td>")
	if strings.Contains(p.Body, "Arrondissements sans aucune séance") {
		t.Error("2018 coverage flags an arrondissement")
	}
}
