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
		wantContains(t, p, "unknown trustee", `id="f-trustees-error"`, "« personne@example.test »",
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
		// Too late once the vote is open, for a campaign with no box.
		_, voting := demo.Slugs(testNow)
		if _, err := vote.SealedBoxOf(ctx, s.db, mustCampaign(t, s, voting).ID); err != nil {
			p = b.get("/admin/campagnes/" + voting + "/vote/urne")
			wantStatus(t, p, http.StatusOK, "open vote")
			wantContains(t, p, "open vote", "trop tard pour la cérémonie")
			wantStatus(t, b.post("/admin/campagnes/"+voting+"/vote/urne", sealForm(trustees, "2")), http.StatusConflict,
				"ceremony of an open vote")
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
