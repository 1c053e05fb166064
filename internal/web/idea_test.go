package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
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

func openSlug() string { open, _ := demo.Slugs(testNow); return open }

func ideaForm(title, commune, email string) url.Values {
	return url.Values{
		"title":       {title},
		"description": {"Un lieu où chacun achète selon ses moyens,\ngéré par les habitants du quartier."},
		"theme":       {"alimentation"},
		"commune_q":   {commune},
		"carrier":     {"association"},
		"structure":   {"Les Paniers solidaires"},
		"email":       {email},
	}
}

func (s *site) ideaCount() int {
	s.t.Helper()
	var n int
	if err := s.db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM ideas").Scan(&n); err != nil {
		s.t.Fatal(err)
	}
	return n
}

func (s *site) mails(addr string) []mail.Message {
	s.t.Helper()
	msgs, err := mail.Sent(context.Background(), s.db, addr)
	if err != nil {
		s.t.Fatal(err)
	}
	return msgs
}

var orientationRe = regexp.MustCompile(`^/[a-z0-9-]+/idees/(\d+)/orientation$`)

func TestIdeaDepositByVisitor(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		slug := openSlug()
		b := s.browser()
		p := b.get("/" + slug + "/idees/deposer")
		wantStatus(t, p, http.StatusOK, "deposit form")
		wantContains(t, p, "deposit form", `<label for="f-title">`, `<legend>Qui porte cette idée ?`, `name="commune_q"`, `autocomplete="email"`)

		before := s.ideaCount()
		email := "nouvelle.autrice@exemple.fr"
		p = b.post("/"+slug+"/idees/deposer", ideaForm("Une épicerie solidaire", "bethune", email))
		if p.Status != http.StatusSeeOther || !orientationRe.MatchString(p.Location) {
			t.Fatalf("deposit: %d → %q\n%s", p.Status, p.Location, excerpt(p.Body))
		}
		if got := s.ideaCount(); got != before+1 {
			t.Fatalf("ideas: %d, want %d", got, before+1)
		}
		acc, err := account.ByEmail(context.Background(), s.db, email)
		if err != nil {
			t.Fatal(err)
		}
		if acc.HasPassword || acc.Verified() || len(acc.Roles) != 1 || acc.Roles[0].Role != access.Citizen {
			t.Errorf("new account %+v", acc)
		}
		// The address is not confirmed: it gets the link that confirms it, and nothing else.
		verify := s.lastLink(email, "verifier")
		if ms := s.mails(email); len(ms) != 1 || strings.Contains(ms[0].Body, "Une épicerie solidaire") {
			t.Errorf("e-mails to an address not confirmed: %+v", ms)
		}

		// The author is oriented, not signed in: a sign-in link brings them back here.
		orientation := b.get(p.Location)
		wantStatus(t, orientation, http.StatusOK, "orientation")
		wantContains(t, orientation, "orientation", "votre idée a été déposée", "Une épicerie solidaire",
			`href="/connexion?suite=`+url.QueryEscape(p.Location)+`"`)
		if strings.Contains(b.get("/compte").Location, "/compte") {
			t.Error("depositing signed the visitor in")
		}
		// Another visitor cannot see the orientation page.
		wantStatus(t, s.browser().get(p.Location), http.StatusNotFound, "someone else's orientation")

		// The idea is public, without the author's e-mail.
		id := orientationRe.FindStringSubmatch(p.Location)[1]
		show := s.browser().get("/" + slug + "/idees/" + id)
		wantStatus(t, show, http.StatusOK, "idea page")
		wantContains(t, show, "idea page", "Une épicerie solidaire", "Béthune", "Alimentation", "Les Paniers solidaires")
		if strings.Contains(show.Body, email) {
			t.Error("the idea page shows the author's e-mail")
		}
		list := s.browser().get("/" + slug + "/idees?theme=alimentation&arrondissement=622")
		wantContains(t, list, "filtered list", "Une épicerie solidaire")
		other := s.browser().get("/" + slug + "/idees?arrondissement=621")
		if strings.Contains(other.Body, "Une épicerie solidaire") {
			t.Error("the Béthune idea is listed in the arrondissement of Arras")
		}

		// The same address again, typed by anyone once it is confirmed: attached to the
		// account, owner told (without the text typed).
		confirm := s.browser()
		confirm.get(verify)
		token := strings.TrimPrefix(verify, "/verifier?jeton=")
		wantStatus(t, confirm.post("/verifier", url.Values{"jeton": {token}}), http.StatusSeeOther, "confirm the address")
		again := s.browser()
		again.get("/" + slug + "/idees/deposer")
		p = again.post("/"+slug+"/idees/deposer", ideaForm("Un atelier vélo", "Arras", strings.ToUpper(email)))
		wantStatus(t, p, http.StatusSeeOther, "second deposit with the same address")
		var n int
		if err := s.db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM ideas WHERE author_id = $1", acc.ID).Scan(&n); err != nil || n != 2 {
			t.Errorf("ideas of the account: %d, %v", n, err)
		}
		if msgs := s.mails(email); !strings.Contains(msgs[0].Body, "rattachée à votre compte") ||
			strings.Contains(msgs[0].Body, "Un atelier vélo") {
			t.Errorf("the owner was not told: %q", msgs[0].Body)
		}
	})
}

func TestIdeaDepositCommuneChoiceAndErrors(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		slug := openSlug()
		b := s.browser()
		b.get("/" + slug + "/idees/deposer")
		before := s.ideaCount()

		// A postcode shared by several communes: the form comes back with a choice list.
		p := b.post("/"+slug+"/idees/deposer", ideaForm("Un tiers-lieu rural", "62130", "rural@exemple.fr"))
		wantStatus(t, p, http.StatusUnprocessableEntity, "ambiguous postcode")
		wantContains(t, p, "ambiguous postcode", "<fieldset", "<legend>Choisissez votre commune", `type="radio"`,
			`value="62767"`, "Saint-Pol-sur-Ternoise", "Plusieurs communes correspondent",
			`value="Un tiers-lieu rural"`, `value="62130"`, `value="rural@exemple.fr"`, "géré par les habitants")
		form := ideaForm("Un tiers-lieu rural", "62130", "rural@exemple.fr")
		form.Set("commune", "62767")
		p = b.post("/"+slug+"/idees/deposer", form)
		wantStatus(t, p, http.StatusSeeOther, "commune chosen")
		if got := s.ideaCount(); got != before+1 {
			t.Fatalf("ideas after choosing: %d, want %d", got, before+1)
		}
		before++

		long := ideaForm("Trop long", "bethune", "long@exemple.fr")
		long.Set("description", strings.Repeat("é", 2001))
		empty := ideaForm("", "bethune", "vide@exemple.fr")
		bad := []struct {
			name  string
			form  url.Values
			field string
			msg   string
			kept  string
		}{
			{"unknown commune", ideaForm("Un jardin", "Xyzzyville", "a@exemple.fr"), "commune_q", "Nous ne trouvons aucune commune", `value="Xyzzyville"`},
			{"commune outside 62", ideaForm("Un jardin", "Paris", "a@exemple.fr"), "commune_q", "pas dans le territoire de la campagne", `value="Paris"`},
			{"postcode outside 62", ideaForm("Un jardin", "59000", "a@exemple.fr"), "commune_q", "pas dans le territoire de la campagne", `value="Un jardin"`},
			{"empty title", empty, "title", "Indiquez le titre de votre idée", `value="vide@exemple.fr"`},
			{"over-long description", long, "description", "La description doit faire au plus 2000 caractères (elle en fait 2001)", `value="Trop long"`},
			{"bad e-mail", ideaForm("Un jardin", "bethune", "pas-une-adresse"), "email", "", `value="pas-une-adresse"`},
		}
		for _, tt := range bad {
			p := b.post("/"+slug+"/idees/deposer", tt.form)
			wantStatus(t, p, http.StatusUnprocessableEntity, tt.name)
			wantContains(t, p, tt.name, `id="f-`+tt.field+`-error"`, `aria-describedby="f-`+tt.field+`-hint f-`+tt.field+`-error"`,
				`aria-invalid="true"`, tt.msg, tt.kept, "Le formulaire contient des erreurs")
		}
		if got := s.ideaCount(); got != before {
			t.Errorf("bad input saved ideas: %d, want %d", got, before)
		}
		if _, err := account.ByEmail(context.Background(), s.db, "a@exemple.fr"); err == nil {
			t.Error("bad input created an account")
		}
	})
}

func TestIdeaDepositOutsideThePhase(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		slug := openSlug()
		b := s.browser()
		b.get("/" + slug + "/idees/deposer")
		before := s.ideaCount()
		s.now = testNow.AddDate(0, 0, 25) // the ideas phase ended 20 days after testNow
		p := b.post("/"+slug+"/idees/deposer", ideaForm("Trop tard", "bethune", "tard@exemple.fr"))
		wantStatus(t, p, http.StatusConflict, "late deposit")
		wantContains(t, p, "late deposit", "Le dépôt des idées est clos depuis le")
		if got := s.ideaCount(); got != before {
			t.Errorf("late deposit saved: %d ideas, want %d", got, before)
		}
		if _, err := account.ByEmail(context.Background(), s.db, "tard@exemple.fr"); err == nil {
			t.Error("late deposit created an account")
		}
		wantContains(t, b.get("/"+slug+"/idees/deposer"), "closed form", "Le dépôt des idées est clos depuis le")

		s.now = testNow
		_, vote := demo.Slugs(testNow)
		wantContains(t, b.get("/pas-de-calais-2018/idees/deposer"), "archived campaign", "Le dépôt des idées est clos depuis le 30 mars 2018")
		p = b.post("/"+vote+"/idees/deposer", ideaForm("Trop tard", "bethune", "tard@exemple.fr"))
		wantStatus(t, p, http.StatusConflict, "deposit in the voting campaign")
		s.now = testNow.AddDate(-1, 0, 0)
		wantContains(t, b.get("/"+slug+"/idees/deposer"), "before the phase", "pas encore ouvert : il ouvrira le")
	})
}

func TestIdeaModeration(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		slug := openSlug()
		author := "auteur.modere@exemple.fr"
		v := s.browser()
		v.get("/" + slug + "/idees/deposer")
		p := v.post("/"+slug+"/idees/deposer", ideaForm("Une idée à modérer", "Lens", author))
		wantStatus(t, p, http.StatusSeeOther, "deposit")
		id := orientationRe.FindStringSubmatch(p.Location)[1]
		wantContains(t, s.browser().get("/"+slug+"/idees"), "public list", "Une idée à modérer")
		// The author confirms the address: the moderation's notices may reach it.
		verify := s.lastLink(author, "verifier")
		confirm := s.browser()
		confirm.get(verify)
		wantStatus(t, confirm.post("/verifier", url.Values{"jeton": {strings.TrimPrefix(verify, "/verifier?jeton=")}}),
			http.StatusSeeOther, "confirm the address")

		// Citizens may not moderate; visitors are sent to sign in.
		citizen := demoAccount(t, access.Citizen)
		c := s.browser()
		c.signIn(citizen.Email, citizen.Password)
		wantStatus(t, c.get("/"+slug+"/idees/moderation"), http.StatusForbidden, "citizen on moderation")
		wantStatus(t, c.post("/"+slug+"/idees/"+id+"/masquer", url.Values{"reason": {"x"}}), http.StatusForbidden, "citizen hides")
		if p := s.browser().get("/" + slug + "/idees/moderation"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/connexion") {
			t.Errorf("visitor on moderation: %d → %q", p.Status, p.Location)
		}

		agent := demoAccount(t, access.Agent)
		a := s.browser()
		a.signIn(agent.Email, agent.Password)
		m := a.get("/" + slug + "/idees/moderation")
		wantStatus(t, m, http.StatusOK, "moderation")
		wantContains(t, m, "moderation", "Une idée à modérer", `<label for="reason-`+id+`">`)

		p = a.post("/"+slug+"/idees/"+id+"/masquer", url.Values{"reason": {"   "}})
		wantStatus(t, p, http.StatusUnprocessableEntity, "hide without reason")
		wantContains(t, p, "hide without reason", `id="reason-`+id+`-error"`, "Indiquez la raison du masquage")

		p = a.post("/"+slug+"/idees/"+id+"/masquer", url.Values{"reason": {"Cette idée relève d'un service municipal."}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("hide: %d\n%s", p.Status, excerpt(p.Body))
		}
		if list := s.browser().get("/" + slug + "/idees"); strings.Contains(list.Body, "Une idée à modérer") {
			t.Error("the hidden idea is still listed")
		}
		wantStatus(t, s.browser().get("/"+slug+"/idees/"+id), http.StatusNotFound, "hidden idea page")
		hidden := a.get("/" + slug + "/idees/moderation?etat=masquees")
		wantContains(t, hidden, "hidden ideas", "Une idée à modérer", "relève d&#39;un service municipal")
		msgs := s.mails(author)
		if !strings.Contains(msgs[0].Subject, "a été masquée") || !strings.Contains(msgs[0].Body, "relève d'un service municipal") {
			t.Errorf("hide e-mail: %+v", msgs[0])
		}
		var audited int
		if err := s.db.QueryRowContext(context.Background(),
			"SELECT COUNT(*) FROM audit_log WHERE action = 'idea.hide' AND entity_id = $1", id).Scan(&audited); err != nil || audited != 1 {
			t.Errorf("idea.hide audit entries: %d, %v", audited, err)
		}
		wantStatus(t, a.post("/"+slug+"/idees/"+id+"/masquer", url.Values{"reason": {"encore"}}), http.StatusConflict, "hide twice")

		p = a.post("/"+slug+"/idees/"+id+"/retablir", nil)
		wantStatus(t, p, http.StatusSeeOther, "restore")
		wantContains(t, s.browser().get("/"+slug+"/idees"), "list after restore", "Une idée à modérer")
		if msgs := s.mails(author); !strings.Contains(msgs[0].Subject, "de nouveau visible") {
			t.Errorf("restore e-mail: %+v", msgs[0])
		}
	})
}

func TestIdeaOrientationOffersTheNearestComptoirs(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		slug := openSlug()
		c, err := campaign.BySlug(ctx, s.db, slug)
		if err != nil {
			t.Fatal(err)
		}
		cid := c.ID
		mk := func(title, commune string, days int) int64 {
			start := testNow.AddDate(0, 0, days)
			ws := &workshop.Session{CampaignID: cid, Title: title, Topics: []workshop.Topic{workshop.TopicPitch},
				Host: "Maison des associations", Address: "1 place de la Mairie", Commune: commune,
				StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: 12}
			if err := workshop.Create(ctx, s.db, ws, testNow); err != nil {
				t.Fatal(err)
			}
			return ws.ID
		}
		mk("Comptoir de Calais", "62193", 2)          // elsewhere, soonest
		mk("Comptoir d'Arras", "62041", 3)            // elsewhere
		near := mk("Comptoir de Béthune", "62119", 9) // same EPCI as Beuvry
		mk("Comptoir de Lillers", "62516", 5)         // same arrondissement (Béthune), other EPCI?

		citizen := demoAccount(t, access.Citizen)
		b := s.browser()
		b.signIn(citizen.Email, citizen.Password)
		form := b.get("/" + slug + "/idees/deposer")
		wantContains(t, form, "signed-in form", `value="`+citizen.Email+`" readonly`)
		f := ideaForm("Une recyclerie", "Beuvry", "ignored@exemple.fr")
		p := b.post("/"+slug+"/idees/deposer", f)
		if p.Status != http.StatusSeeOther {
			t.Fatalf("deposit: %d\n%s", p.Status, excerpt(p.Body))
		}
		if len(s.mails("ignored@exemple.fr")) != 0 {
			t.Error("a signed-in person's deposit wrote to the typed address")
		}
		o := b.get(p.Location)
		wantStatus(t, o, http.StatusOK, "orientation")
		body := o.Body
		iNear, iCalais := strings.Index(body, "Comptoir de Béthune"), strings.Index(body, "Comptoir de Calais")
		if iNear < 0 || iCalais < 0 || iNear > iCalais {
			t.Errorf("the Béthune session (same EPCI) should come before Calais: %d, %d\n%s", iNear, iCalais, excerpt(body))
		}
		action := "/" + slug + "/comptoirs/" + itoa(near) + "/inscription"
		wantContains(t, o, "orientation", `action="`+action+`"`, `name="csrf_token"`, "dans votre intercommunalité")
		if strings.Contains(body, "/connexion?suite=") {
			t.Error("a signed-in author is asked to sign in")
		}
		r := b.post(action, nil)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("registration from the orientation page: %d\n%s", r.Status, excerpt(r.Body))
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
