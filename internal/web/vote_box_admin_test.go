package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/seal"
	"budgetcitoyen/internal/vote"
)

// shareRe finds the shares on the page of a key ceremony.
var shareRe = regexp.MustCompile(`class="share-code" translate="no" id="share-(\d+)">([^<]+)<`)

// boxTrustees are the demo accounts named trustees by the tests: none of them is an agent or
// an administrator.
func boxTrustees(t *testing.T) []demo.Account {
	return []demo.Account{demoAccount(t, access.Citizen), demoAccount(t, access.Carrier), demoAccount(t, access.Committee)}
}

// newBoxCampaign makes, as the agent signed in on b, a copy one year later of the demo
// campaign whose vote has not opened yet: a campaign with no box, whatever the demo seeds.
func newBoxCampaign(t *testing.T, s *site, b *browser) (*campaign.Campaign, string) {
	t.Helper()
	open, _ := demo.Slugs(testNow)
	slug := "urne-" + open
	b.get("/admin/campagnes/nouvelle")
	p := b.post("/admin/campagnes/nouvelle", url.Values{"source": {"copy:" + open}, "years": {"1"},
		"name": {"Campagne à urne scellée"}, "slug": {slug}})
	wantStatus(t, p, http.StatusSeeOther, "copy the campaign")
	c, err := campaign.BySlug(context.Background(), s.db, slug)
	if err != nil {
		t.Fatal(err)
	}
	if w, ok := c.Window(campaign.PhaseVote); !ok || !s.now.Before(w.Start) {
		t.Fatalf("the copy's vote is not ahead: %+v", w)
	}
	return c, slug
}

// sealForm is the ceremony's form for the trustees and k.
func sealForm(trustees []demo.Account, k string) url.Values {
	var emails []string
	for _, a := range trustees {
		emails = append(emails, a.Email)
	}
	return url.Values{"trustees": {strings.Join(emails, "\r\n")}, "k": {k}}
}

// wantNowhere checks that none of the secrets is in the server's log or in any e-mail.
func wantNowhere(t *testing.T, s *site, secrets []string) {
	t.Helper()
	rows, err := s.db.QueryContext(context.Background(), "SELECT subject, body_text FROM outbox")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var mails []string
	for rows.Next() {
		var subject, body string
		if err := rows.Scan(&subject, &body); err != nil {
			t.Fatal(err)
		}
		mails = append(mails, subject+"\n"+body)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	logs := s.logs.String()
	for _, sec := range secrets {
		if strings.Contains(logs, sec) {
			t.Errorf("%s in the server log", sec)
		}
		for _, m := range mails {
			if strings.Contains(m, sec) {
				t.Errorf("%s in an e-mail", sec)
			}
		}
	}
}

func TestBoxCeremony(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		agent := demoAccount(t, access.Agent)
		b := s.browser()
		b.signIn(agent.Email, agent.Password)
		c, slug := newBoxCampaign(t, s, b)
		path := "/admin/campagnes/" + slug + "/vote/urne"
		trustees := boxTrustees(t)

		// The way in, from the vote's settings.
		wantContains(t, b.get("/admin/campagnes/"+slug+"/vote"), "vote settings", `href="`+path+`"`)
		p := b.get(path)
		wantStatus(t, p, http.StatusOK, "ceremony page")
		wantContains(t, p, "ceremony page", "Aucune urne n", `action="`+path+`"`, `name="trustees"`,
			`name="k" type="number" value="2"`)

		// A citizen may neither see nor run it.
		citizen := s.browser()
		citizen.signIn(trustees[0].Email, trustees[0].Password)
		wantStatus(t, citizen.get(path), http.StatusForbidden, "citizen on the ceremony page")
		wantStatus(t, citizen.post(path, sealForm(trustees, "2")), http.StatusForbidden, "citizen running a ceremony")

		// Field errors keep what was typed.
		bad := sealForm(append(trustees[:2:2], demo.Account{Email: "personne@example.test"}), "2")
		p = b.post(path, bad)
		wantStatus(t, p, http.StatusUnprocessableEntity, "unknown trustee")
		wantContains(t, p, "unknown trustee", `id="f-trustees-error"`, "« personne@example.test »",
			trustees[0].Email+"\r\n"+trustees[1].Email+"\r\npersonne@example.test</textarea>", `name="k" type="number" value="2"`)
		p = b.post(path, sealForm(trustees, "4"))
		wantStatus(t, p, http.StatusUnprocessableEntity, "k above n")
		wantContains(t, p, "k above n", `id="f-k-error"`, "nombre de garants (3)", `value="4"`, trustees[2].Email+"</textarea>")
		if _, err := vote.SealedBoxOf(ctx, s.db, c.ID); err == nil {
			t.Fatalf("a refused ceremony stored a box")
		}

		// The ceremony: each trustee's share, once, on a page no one keeps.
		p = b.post(path, sealForm(trustees, "2"))
		wantStatus(t, p, http.StatusOK, "ceremony")
		if got := p.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control %q", got)
		}
		found := shareRe.FindAllStringSubmatch(p.Body, -1)
		if len(found) != len(trustees) {
			t.Fatalf("%d shares on the page:\n%s", len(found), excerpt(p.Body))
		}
		box, err := vote.SealedBoxOf(ctx, s.db, c.ID)
		if err != nil || box.K != 2 || box.N != 3 || len(box.Trustees) != 3 || !box.Sealed() {
			t.Fatalf("stored box %+v, %v", box, err)
		}
		boxID := seal.Box{K: box.K, N: box.N, PublicKey: box.PublicKey, Commitments: box.Commitments}.ID()
		var shares []string
		for i, m := range found {
			sh, err := seal.ParseShare(m[2])
			if err != nil || sh.Index != i+1 || sh.BoxID != boxID || m[1] != fmt.Sprint(i+1) {
				t.Errorf("share %d %q: %+v %v", i+1, m[2], sh, err)
			}
			shares = append(shares, m[2])
		}
		wantContains(t, p, "ceremony", "ne s&#39;affichent qu&#39;une seule fois", "Il faudra 2 de ces 3 parts",
			trustees[0].Email, trustees[1].Name, boxID, "http://example.test/"+slug+"/vote/urne/ouvrir")
		if strings.Count(p.Body, `class="box-share"`) != 3 {
			t.Errorf("%d printable shares", strings.Count(p.Body, `class="box-share"`))
		}
		// The trustees hold their role on the campaign.
		trustee := s.browser()
		trustee.signIn(trustees[2].Email, trustees[2].Password)
		// …and reach the page that opens the box from their account page.
		wantContains(t, trustee.get("/compte"), "trustee's account", "Campagne à urne scellée",
			`href="/`+slug+`/vote/urne/ouvrir"`)

		// The page now tells the state, without the shares and without the form.
		p = b.get(path)
		wantStatus(t, p, http.StatusOK, "sealed box")
		wantContains(t, p, "sealed box", "scellée depuis le", boxID, "2 sur 3", trustees[0].Email, trustees[2].Name)
		if strings.Contains(p.Body, `name="trustees"`) || shareRe.MatchString(p.Body) {
			t.Errorf("the sealed box's page has the form or a share")
		}
		// Once only.
		p = b.post(path, sealForm(trustees, "2"))
		wantStatus(t, p, http.StatusConflict, "second ceremony")
		wantContains(t, p, "second ceremony", "L&#39;urne de ce vote est déjà scellée.")
		again, err := vote.SealedBoxOf(ctx, s.db, c.ID)
		if err != nil || string(again.PublicKey) != string(box.PublicKey) {
			t.Errorf("the box changed: %v", err)
		}
		wantNowhere(t, s, shares)
	})
}

func mustCampaign(t *testing.T, s *site, slug string) *campaign.Campaign {
	t.Helper()
	c, err := campaign.BySlug(context.Background(), s.db, slug)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBoxUnseal(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		agent := demoAccount(t, access.Agent)
		a := s.browser()
		a.signIn(agent.Email, agent.Password)
		c, slug := newBoxCampaign(t, s, a)
		trustees := boxTrustees(t)
		p := a.post("/admin/campagnes/"+slug+"/vote/urne", sealForm(trustees, "2"))
		wantStatus(t, p, http.StatusOK, "ceremony")
		var shares []string
		for _, m := range shareRe.FindAllStringSubmatch(p.Body, -1) {
			shares = append(shares, m[2])
		}
		if len(shares) != 3 {
			t.Fatalf("%d shares", len(shares))
		}
		// Three ballots in the sealed box.
		for i := range 3 {
			if _, err := s.box.Cast(ctx, vote.Cast{CampaignID: c.ID, PersonKey: fmt.Sprint("person-", i),
				Choices: []int64{int64(100 + i)}}); err != nil {
				t.Fatal(err)
			}
		}
		path := "/" + slug + "/vote/urne/ouvrir"

		// Trustees only (and administrators): not the agent, not another citizen.
		for _, who := range []demo.Account{agent, demoAccount(t, access.Animator)} {
			other := s.browser()
			other.signIn(who.Email, who.Password)
			wantStatus(t, other.get(path), http.StatusForbidden, who.Email+" on the unsealing page")
			wantStatus(t, other.post(path, url.Values{"shares": shares[:2]}), http.StatusForbidden, who.Email+" unsealing")
		}
		b := s.browser()
		b.signIn(trustees[1].Email, trustees[1].Password)

		// Before the close: the state, no form.
		p = b.get(path)
		wantStatus(t, p, http.StatusOK, "before the close")
		wantContains(t, p, "before the close", "qu&#39;après la clôture du vote", "2 sur 3", trustees[0].Name)
		if strings.Contains(p.Body, `name="shares"`) {
			t.Errorf("a form before the close")
		}
		wantStatus(t, b.post(path, url.Values{"shares": shares[:2]}), http.StatusConflict, "unsealing before the close")

		w, _ := c.Window(campaign.PhaseVote)
		s.now = w.End.Add(time.Minute)
		p = b.get(path)
		wantStatus(t, p, http.StatusOK, "after the close")
		if n := strings.Count(p.Body, `name="shares"`); n != 2 {
			t.Errorf("%d share fields, want k = 2", n)
		}
		wantContains(t, p, "after the close", `autocomplete="off" spellcheck="false"`, `action="`+path+`"`)

		// Refusals name the fault and never give the shares back.
		p = b.post(path, url.Values{"shares": {shares[0], ""}})
		wantStatus(t, p, http.StatusUnprocessableEntity, "one share")
		wantContains(t, p, "one share", `id="f-shares-error"`, "Il faut au moins 2 parts pour desceller l&#39;urne.")
		mistyped := shares[2][:len(shares[2])-1] + "0" // one character of the check changed
		if strings.HasSuffix(shares[2], "0") {
			mistyped = shares[2][:len(shares[2])-1] + "1"
		}
		p = b.post(path, url.Values{"shares": {shares[0], mistyped}})
		wantStatus(t, p, http.StatusUnprocessableEntity, "mistyped share")
		wantContains(t, p, "mistyped share", "La part n° 2 est mal recopiée")
		for _, sh := range append(shares, mistyped) {
			if strings.Contains(p.Body, sh) {
				t.Errorf("a share was given back in the form")
			}
		}
		if box, err := vote.SealedBoxOf(ctx, s.db, c.ID); err != nil || !box.Sealed() {
			t.Fatalf("a refusal changed the box: %v", err)
		}

		// k shares, any of them.
		p = b.post(path, url.Values{"shares": {strings.ToLower(shares[2]), shares[0]}})
		wantStatus(t, p, http.StatusOK, "unsealing")
		wantContains(t, p, "unsealing", "Bulletins descellés : 3.", `href="/`+slug+`/resultats"`)
		n := 0
		if err := vote.BallotsOf(ctx, s.db, c.ID, func(string, []int64) error { n++; return nil }); err != nil || n != 3 {
			t.Errorf("%d ballots in clear (%v)", n, err)
		}
		if box, err := vote.SealedBoxOf(ctx, s.db, c.ID); err != nil || box.Sealed() {
			t.Errorf("the box is still sealed: %v", err)
		}
		p = b.get(path)
		wantContains(t, p, "unsealed", "a été descellée le", `href="/`+slug+`/resultats"`)
		if strings.Contains(p.Body, `name="shares"`) {
			t.Errorf("a form for an unsealed box")
		}
		wantNowhere(t, s, shares)
	})
}

// A vote opens only into a sealed box. With its ceremony forgotten, a campaign whose vote's
// dates have come shows no ballot and refuses every step of the vote, writing nothing; its
// agents are told on the vote's settings and the box's page, where the ceremony can still
// take place: the vote then opens. After the close, it is too late.
func TestVoteNeedsSealedBox(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		agent := demoAccount(t, access.Agent)
		staff := s.browser()
		staff.signIn(agent.Email, agent.Password)
		c, slug := newBoxCampaign(t, s, staff)
		w, _ := c.Window(campaign.PhaseVote)
		settings, ceremony := "/admin/campagnes/"+slug+"/vote", "/admin/campagnes/"+slug+"/vote/urne"
		wantContains(t, staff.get(settings), "settings before the vote", "le vote ne s&#39;ouvrira pas, même à sa date")

		s.now = w.Start.Add(time.Hour)
		anon := s.browser()
		p := anon.get("/" + slug + "/vote")
		wantStatus(t, p, http.StatusOK, "vote page of a visitor")
		wantContains(t, p, "vote page of a visitor", "son urne n&#39;a pas été scellée par ses garants")
		if strings.Contains(p.Body, "/vote/courriel") {
			t.Error("a visitor is offered to start voting into a box that is not sealed")
		}
		anon.get("/connexion") // a page with a form, for the forgery token
		p = anon.post("/"+slug+"/vote/courriel", url.Values{"email": {"tot@example.test"}})
		wantStatus(t, p, http.StatusConflict, "e-mail step")
		wantContains(t, p, "e-mail step", "Le vote ne peut pas ouvrir tant que son urne n&#39;est pas scellée.")
		if _, err := account.ByEmail(ctx, s.db, "tot@example.test"); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("the refused e-mail step created an account: %v", err)
		}

		citizen := demoAccount(t, access.Citizen)
		voter := s.browser()
		voter.signIn(citizen.Email, citizen.Password)
		p = voter.get("/" + slug + "/vote")
		wantContains(t, p, "vote page of a citizen", "son urne n&#39;a pas été scellée par ses garants")
		if strings.Contains(p.Body, `name="naissance"`) {
			t.Error("a citizen is offered to register for a vote whose box is not sealed")
		}
		decl := url.Values{"methode": {"email"}, "nom": {"Lefèvre"}, "prenom": {"Zoé"}, "naissance": {"2000-05-06"}, "commune": {"62041"}}
		wantStatus(t, voter.post("/"+slug+"/vote/identite", decl), http.StatusConflict, "declaration")
		wantStatus(t, voter.post("/"+slug+"/vote/verifier", url.Values{}), http.StatusConflict, "review")
		wantStatus(t, voter.post("/"+slug+"/vote/confirmer", url.Values{}), http.StatusConflict, "confirmation")
		if n, err := vote.VoterCount(ctx, s.db, c.ID); n != 0 || err != nil {
			t.Errorf("%d in the register, %v", n, err)
		}
		acc, err := account.ByEmail(ctx, s.db, citizen.Email)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := vote.VoterOf(ctx, s.db, c.ID, acc.ID); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("the refused declaration registered the voter: %v", err)
		}

		// The agents are told, and the ceremony, late, opens the vote.
		wantContains(t, staff.get(settings), "settings during the vote", "le vote ne s&#39;ouvrira pas, même à sa date")
		p = staff.get(ceremony)
		wantContains(t, p, "the box's page", "personne ne peut voter tant que la cérémonie des clés", `name="trustees"`)
		wantStatus(t, staff.post(ceremony, sealForm(boxTrustees(t), "2")), http.StatusOK, "a late ceremony")
		wantContains(t, voter.get("/"+slug+"/vote"), "vote page once sealed", `name="naissance"`)
		if strings.Contains(staff.get(settings).Body, "le vote ne s&#39;ouvrira pas") {
			t.Error("the settings still warn once the box is sealed")
		}

		// After the close, with no box, it is too late.
		other, otherSlug := votingCampaign(t, s)
		withoutBox(t, s, other)
		ow, _ := other.Window(campaign.PhaseVote)
		s.now = ow.End.Add(time.Minute)
		p = staff.get("/admin/campagnes/" + otherSlug + "/vote/urne")
		wantContains(t, p, "closed vote", "le vote est clos depuis le")
		if strings.Contains(p.Body, `name="trustees"`) {
			t.Error("the ceremony's form after the close")
		}
		wantStatus(t, staff.post("/admin/campagnes/"+otherSlug+"/vote/urne", sealForm(boxTrustees(t), "2")), http.StatusConflict,
			"a ceremony after the close")
	})
}
