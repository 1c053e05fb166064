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

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/vote"
)

var voteCodeRe = regexp.MustCompile(`\b(\d{8})\b`)

// voteAs goes through the e-mail code and the declaration; it returns the browser, signed in
// and registered as a voter of the campaign voting now.
func voteAs(t *testing.T, s *site, email, family, birth, commune string) (*browser, page) {
	t.Helper()
	_, slug := demo.Slugs(testNow)
	b := s.browserFrom(nextClient()) // each voter from their own client, as people vote
	p := b.get("/" + slug + "/vote")
	wantStatus(t, p, http.StatusOK, "vote page")
	wantContains(t, p, "vote page (visitor)", `action="/`+slug+`/vote/courriel"`)
	p = b.post("/"+slug+"/vote/courriel", url.Values{"email": {email}})
	wantStatus(t, p, http.StatusOK, "send code")
	sent, err := mail.Sent(context.Background(), s.db, email)
	if err != nil || len(sent) == 0 {
		t.Fatalf("no code e-mail: %v", err)
	}
	m := voteCodeRe.FindStringSubmatch(sent[0].Body)
	if m == nil {
		t.Fatalf("no code in %q", sent[0].Body)
	}
	p = b.post("/connexion/code/verifier", url.Values{"email": {email}, "code": {m[1]}, "suite": {"/" + slug + "/vote"}})
	wantStatus(t, p, http.StatusSeeOther, "verify code")
	p = b.get("/" + slug + "/vote")
	wantContains(t, p, "identity step", `name="naissance"`, `value="62041"`)
	p = b.post("/"+slug+"/vote/identite", url.Values{"methode": {"email"}, "nom": {family}, "prenom": {"Zoé"},
		"naissance": {birth}, "commune": {commune}})
	return b, p
}

func TestVoteJourney(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		c, slug := votingCampaign(t, s)
		projects, err := vote.BallotProjects(ctx, s.db, c.ID)
		if err != nil || len(projects) < 3 {
			t.Fatalf("projects on the ballot: %d %v", len(projects), err)
		}
		// The catalogue and its filters.
		anon := s.browser()
		p := anon.get("/" + slug + "/projets")
		wantStatus(t, p, http.StatusOK, "catalogue")
		wantContains(t, p, "catalogue", projects[0].Title, `name="categorie"`, `name="arrondissement"`, `name="theme"`)
		p = anon.get("/" + slug + "/projets?theme=culture")
		if strings.Count(p.Body, `class="card"`) != 1 {
			t.Errorf("theme filter: %d cards", strings.Count(p.Body, `class="card"`))
		}
		p = anon.get("/" + slug + "/projets/" + strconv.FormatInt(projects[0].ID, 10))
		wantContains(t, p, "project page", projects[0].Title, `class="project-photo`, projects[0].StructureName)

		b, p := voteAs(t, s, "zoe@example.test", "Lefèvre", "2000-05-06", "62041")
		wantStatus(t, p, http.StatusSeeOther, "declaration")
		p = b.get("/" + slug + "/vote")
		wantContains(t, p, "ballot", `name="cat-`, `action="/`+slug+`/vote/verifier"`)

		// Two projects of one category: refused, choices kept.
		byCat := map[int64][]int64{}
		for _, pr := range projects {
			byCat[pr.CategoryID] = append(byCat[pr.CategoryID], pr.ID)
		}
		cat0 := c.Categories[0].ID
		bad := url.Values{"p": {strconv.FormatInt(byCat[cat0][0], 10), strconv.FormatInt(byCat[cat0][1], 10)}}
		p = b.post("/"+slug+"/vote/verifier", bad)
		wantStatus(t, p, http.StatusUnprocessableEntity, "two in one category")

		form := url.Values{}
		for _, cat := range c.Categories {
			form.Set("cat-"+strconv.FormatInt(cat.ID, 10), strconv.FormatInt(byCat[cat.ID][0], 10))
		}
		form.Set("cat-"+strconv.FormatInt(c.Categories[2].ID, 10), "") // abstain in one category
		p = b.post("/"+slug+"/vote/verifier", form)
		wantStatus(t, p, http.StatusOK, "review")
		wantContains(t, p, "review", `action="/`+slug+`/vote/confirmer"`, `name="p"`)
		confirm := url.Values{"p": {strconv.FormatInt(byCat[cat0][0], 10), strconv.FormatInt(byCat[c.Categories[1].ID][0], 10)}}
		p = b.post("/"+slug+"/vote/confirmer", confirm)
		wantStatus(t, p, http.StatusOK, "confirm")
		receipt := regexp.MustCompile(`id="receipt">([A-Z0-9-]{23})<`).FindStringSubmatch(p.Body)
		if receipt == nil {
			t.Fatalf("no receipt on the confirmation page:\n%s", excerpt(p.Body))
		}
		// The demo's box is sealed: the ballot is a ciphertext, found by its tracker only.
		wantSealed(t, s, c.ID, p, receipt[1])
		// The "you voted" e-mail, without the code; the receipt printed and downloaded.
		s.box.Flush()
		sent, _ := mail.Sent(ctx, s.db, "zoe@example.test")
		if len(sent) < 2 || sent[0].Subject != "Votre vote est enregistré" || !strings.Contains(sent[0].Body, c.Name) ||
			strings.Contains(sent[0].Body, receipt[1]) {
			t.Errorf("\"you voted\" e-mail: %+v", sent)
		}
		wantContains(t, p, "printable receipt", `class="receipt-print"`, `action="/`+slug+`/vote/recu"`,
			`name="code" value="`+receipt[1]+`"`, `name="jour" value="2026-11-27"`, "27 novembre 2026")
		if strings.Contains(p.Body, "envoyé par e-mail.") && !strings.Contains(p.Body, "pas envoyé par e-mail") {
			t.Errorf("the page says the code was e-mailed")
		}
		dl := b.post("/"+slug+"/vote/recu", url.Values{"code": {strings.ToLower(receipt[1])}, "jour": {"2026-11-27"}})
		wantStatus(t, dl, http.StatusOK, "receipt download")
		if got := dl.Header.Get("Content-Disposition"); got != `attachment; filename="recu-vote-`+slug+`.txt"` {
			t.Errorf("Content-Disposition %q", got)
		}
		if !strings.HasPrefix(dl.Header.Get("Content-Type"), "text/plain") || !strings.Contains(dl.Body, receipt[1]) ||
			!strings.Contains(dl.Body, c.Name) || !strings.Contains(dl.Body, "27 novembre 2026") {
			t.Errorf("receipt file (%s):\n%s", dl.Header.Get("Content-Type"), dl.Body)
		}
		wantStatus(t, b.post("/"+slug+"/vote/recu", url.Values{"code": {"not a code"}}), http.StatusUnprocessableEntity, "bad code")
		wantStatus(t, b.postRaw("/"+slug+"/vote/recu", url.Values{"code": {receipt[1]}}), http.StatusForbidden, "no CSRF token")
		receipts := []string{receipt[1]}
		// A vote is final.
		p = b.post("/"+slug+"/vote/confirmer", confirm)
		wantStatus(t, p, http.StatusConflict, "second ballot")
		p = b.get("/" + slug + "/vote")
		wantContains(t, p, "after voting", "1")
		if n, _ := vote.VoterCount(ctx, s.db, c.ID); n != 1 {
			t.Errorf("%d voters", n)
		}

		// The same person through another account: refused, told whom to contact.
		_, p = voteAs(t, s, "zoe2@example.test", "LEFEVRE", "2000-05-06", "62041")
		wantStatus(t, p, http.StatusConflict, "duplicate person")
		wantContains(t, p, "duplicate person", c.ContactEmail)
		// Too young, and outside the territory.
		_, p = voteAs(t, s, "kid@example.test", "Petit", testNow.AddDate(-10, 0, 0).Format(time.DateOnly), "62041")
		wantStatus(t, p, http.StatusForbidden, "too young")
		wantContains(t, p, "too young", "11 ans")
		_, p = voteAs(t, s, "lille@example.test", "Nord", "1990-01-01", "59350")
		wantStatus(t, p, http.StatusForbidden, "other département")

		// The window, to the second.
		b2, p := voteAs(t, s, "late@example.test", "Tard", "1990-01-01", "62041")
		wantStatus(t, p, http.StatusSeeOther, "late voter")
		w, _ := c.Window(campaign.PhaseVote)
		s.now = w.End.Add(time.Second)
		p = b2.post("/"+slug+"/vote/confirmer", confirm)
		wantStatus(t, p, http.StatusConflict, "after the close")
		s.now = w.End
		p = b2.post("/"+slug+"/vote/confirmer", confirm)
		wantStatus(t, p, http.StatusOK, "last second")
		late := regexp.MustCompile(`id="receipt">([A-Z0-9-]{23})<`).FindStringSubmatch(p.Body)
		if late == nil {
			t.Fatalf("no receipt for the last second")
		}
		receipts = append(receipts, late[1])

		// No e-mail, whatever its state, and no log line ever carries a receipt code.
		s.box.Flush()
		wantNoReceiptInOutbox(t, s, receipts)
		for _, r := range receipts {
			if strings.Contains(s.logs.String(), r) {
				t.Errorf("receipt %s in the server log", r)
			}
		}

		// After the close, the demo unseals its box: each ballot is found under its receipt.
		s.now = w.End.Add(time.Minute)
		if done, err := demo.UnsealClosed(ctx, s.db, s.now); err != nil || len(done) != 1 {
			t.Fatalf("unseal the demo box: %v %v", done, err)
		}
		for i, r := range receipts {
			if ids, found, err := vote.BallotByReceipt(ctx, s.db, c.ID, r); err != nil || !found || len(ids) != 2 {
				t.Errorf("ballot %d after the unsealing: %v %v %v", i, ids, found, err)
			}
		}
	})
}

// wantSealed checks that the ballot of receipt is in the campaign's sealed box: its tracker
// is on the confirmation page p and in the box, and the ballot is nowhere in clear.
func wantSealed(t *testing.T, s *site, campaignID int64, p page, receipt string) {
	t.Helper()
	m := regexp.MustCompile(`id="tracker">([0-9a-f]{64})<`).FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no tracker on the confirmation page:\n%s", excerpt(p.Body))
	}
	var n int
	if err := s.db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM vote_sealed_ballots WHERE campaign_id = $1 AND fingerprint = $2",
		campaignID, m[1]).Scan(&n); err != nil || n != 1 {
		t.Errorf("tracker %s in the box: %d %v", m[1], n, err)
	}
	if _, found, err := vote.BallotByReceipt(context.Background(), s.db, campaignID, receipt); err != nil || found {
		t.Errorf("ballot of a sealed box in clear: %v %v", found, err)
	}
}

// wantNoReceiptInOutbox checks every outbox row, sent or not, for the receipt codes.
func wantNoReceiptInOutbox(t *testing.T, s *site, receipts []string) {
	t.Helper()
	rows, err := s.db.QueryContext(context.Background(), "SELECT to_addr, subject, body_text FROM outbox")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var to, subject, body string
		if err := rows.Scan(&to, &subject, &body); err != nil {
			t.Fatal(err)
		}
		n++
		for _, r := range receipts {
			for _, form := range []string{r, strings.ReplaceAll(r, "-", "")} {
				if strings.Contains(subject, form) || strings.Contains(body, form) {
					t.Errorf("receipt %s in the e-mail to %s: %q", r, to, subject)
				}
			}
		}
	}
	if err := rows.Err(); err != nil || n == 0 {
		t.Errorf("%d outbox rows read (%v)", n, err)
	}
}

func TestVoteAdmin(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		_, slug := demo.Slugs(testNow)
		agent := demoAccount(t, "agent")
		b := s.browser()
		b.signIn(agent.Email, agent.Password)
		p := b.get("/admin/campagnes/" + slug + "/vote")
		wantStatus(t, p, http.StatusOK, "vote admin")
		p = b.post("/admin/campagnes/"+slug+"/vote", url.Values{"email": {"1"}, "census": {"1"}})
		wantStatus(t, p, http.StatusSeeOther, "save settings")
		p = b.post("/admin/campagnes/"+slug+"/vote", url.Values{})
		wantStatus(t, p, http.StatusUnprocessableEntity, "no method")
		citizen := demoAccount(t, "citizen")
		c := s.browser()
		c.signIn(citizen.Email, citizen.Password)
		p = c.get("/admin/campagnes/" + slug + "/vote")
		wantStatus(t, p, http.StatusForbidden, "citizen on the admin page")
	})
}
