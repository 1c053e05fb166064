package web_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/vote"
)

// boardTrackerRe finds the trackers listed on a page of the board, in their order.
var boardTrackerRe = regexp.MustCompile(`<code title="([0-9a-f]{64})">([0-9a-f]{16})</code>`)

// TestVoteBoard follows the public board of a campaign's ballot box from before the vote to
// after its unsealing: the seal and its trustees (names, never addresses), the count, the
// sorted trackers by pages of 500, the look-up of a tracker, the hash of the whole list and
// the file it is the hash of; and the results page, which says the box is sealed until the
// trustees unseal it, then what is proven and what is trusted.
func TestVoteBoard(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		c, slug := votingCampaign(t, s)
		withoutBox(t, s, c)
		w, _ := c.Window(campaign.PhaseVote)
		board := "/" + slug + "/vote/urne"
		b := s.browser()
		wantStatus(t, b.get("/pas-de-campagne/vote/urne"), http.StatusNotFound, "an unknown campaign")
		wantStatus(t, b.get("/pas-de-campagne/vote/urne/empreintes.txt"), http.StatusNotFound, "an unknown campaign's list")
		const boardPageSize = 500 // the trackers on a page of the board

		// Without a box: the board says so and counts the register (the 2018 archive; the
		// campaign whose vote is to come).
		archive := b.get("/pas-de-calais-2018/vote/urne")
		wantStatus(t, archive, http.StatusOK, "the board of a vote without a box")
		wantContains(t, archive, "the board of a vote without a box", "Le vote est clos", "Aucune urne scellée",
			i18n.Int(i18n.FR, demo.Voters2018)+" personnes ont voté")
		open, _ := demo.Slugs(testNow)
		withoutBox(t, s, mustCampaign(t, s, open))
		coming := b.get("/" + open + "/vote/urne")
		wantStatus(t, coming, http.StatusOK, "the board of a vote to come")
		wantContains(t, coming, "the board of a vote to come", "Le vote n&#39;est pas encore ouvert", "Aucune urne scellée",
			"Personne n&#39;a voté.")

		// The key ceremony, before the vote, with three demo accounts as trustees.
		var emails, names []string
		for _, role := range []access.Role{access.Committee, access.Animator, access.Carrier} {
			a := demoAccount(t, role)
			emails, names = append(emails, a.Email), append(names, a.Name)
		}
		sealAt := w.Start.Add(-time.Hour)
		cer, err := vote.SealBox(ctx, change.Env{DB: s.db, Now: func() time.Time { return sealAt }}, change.System("test"),
			vote.SealInput{Campaign: c, Trustees: emails, K: 2})
		if err != nil {
			t.Fatal(err)
		}
		noEmails := func(p page, what string) {
			t.Helper()
			for _, e := range emails {
				if strings.Contains(p.Body, e) {
					t.Errorf("%s: the page shows a trustee's address %s", what, e)
				}
			}
		}

		s.now = w.Start.Add(-time.Minute)
		p := b.get(board)
		wantStatus(t, p, http.StatusOK, "before the vote")
		wantContains(t, p, "before the vote", "Le vote n&#39;est pas encore ouvert", "L&#39;urne est scellée", "il faut 2 des 3 garants",
			cer.Box.ID(), "Scellée le "+i18n.DateTime(i18n.FR, sealAt.In(c.Location()))+".", "L&#39;urne est vide.",
			"Aucun bulletin dans l&#39;urne pour l&#39;instant")
		wantContains(t, p, "before the vote", names...)
		noEmails(p, "before the vote")

		// The vote: 501 ballots, 32 at a time, through the server's box.
		s.now = testNow
		ps, err := vote.BallotProjects(ctx, s.db, c.ID)
		if err != nil || len(ps) == 0 {
			t.Fatalf("projects: %v", err)
		}
		const n = boardPageSize + 1
		trackers := make([]string, n)
		var wg sync.WaitGroup
		sem := make(chan struct{}, 32)
		for i := range n {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				r, err := s.box.Cast(ctx, vote.Cast{CampaignID: c.ID, PersonKey: fmt.Sprint("board-", i), Commune: "62041",
					AgeBracket: vote.AgeBrackets()[0], Choices: []int64{ps[i%len(ps)].ID}})
				if err != nil {
					t.Error(err)
				}
				trackers[i] = r.Tracker
			}()
		}
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		sorted := slices.Sorted(slices.Values(trackers))
		var file strings.Builder
		for _, fp := range sorted {
			file.WriteString(fp + "\n")
		}
		sum := sha256.Sum256([]byte(file.String()))
		hash := hex.EncodeToString(sum[:])

		p = b.get(board)
		wantStatus(t, p, http.StatusOK, "during the vote")
		wantContains(t, p, "during the vote", "Le vote est ouvert", "L&#39;urne contient 501 bulletins",
			"Le registre des votants compte 501 personnes", `<code id="list-hash">`+hash+`</code>`, "Page 1 sur 2",
			board+"?page=2")
		noEmails(p, "during the vote")
		listed := func(p page) []string {
			var out []string
			for _, m := range boardTrackerRe.FindAllStringSubmatch(p.Body, -1) {
				if m[1][:16] != m[2] {
					t.Errorf("tracker %s shown as %s", m[1], m[2])
				}
				out = append(out, m[1])
			}
			return out
		}
		if got := listed(p); !slices.Equal(got, sorted[:boardPageSize]) {
			t.Errorf("page 1 lists %d trackers, not the first %d of the sorted list", len(got), boardPageSize)
		}
		p = b.get(board + "?page=2")
		wantStatus(t, p, http.StatusOK, "page 2")
		wantContains(t, p, "page 2", "Page 2 sur 2", `<ol start="501"`)
		if got := listed(p); !slices.Equal(got, sorted[boardPageSize:]) {
			t.Errorf("page 2 lists %v, want %v", got, sorted[boardPageSize:])
		}
		for _, q := range []string{"?page=3", "?page=0", "?page=deux"} {
			wantStatus(t, b.get(board+q), http.StatusNotFound, "page "+q)
		}

		// The list's file is what the hash is of.
		f := b.get(board + "/empreintes.txt")
		wantStatus(t, f, http.StatusOK, "the list's file")
		if f.Body != file.String() {
			t.Errorf("the list's file is not the sorted trackers, one a line")
		}

		// Look-ups: a voter's whole tracker (as typed, upper case and spaced), its first 16
		// characters, and a tracker that is not in the box.
		last := sorted[n-1]
		typed := strings.ToUpper(last[:32]) + " " + last[32:]
		if p = b.get(board + "?empreinte=" + last); strings.Contains(p.Body, "Votre bulletin est dans") {
			t.Error("a tracker in the URL is looked up: it would be in the proxies' logs")
		}
		p = b.post(board, url.Values{"empreinte": {typed}})
		wantStatus(t, p, http.StatusOK, "look-up found")
		wantContains(t, p, "look-up found", "Votre bulletin est dans l&#39;urne : son empreinte est la n° 501 de la liste (page 2).",
			board+"?page=2#t501")
		p = b.post(board, url.Values{"empreinte": {sorted[0][:16]}})
		wantContains(t, p, "look-up by the shown prefix", "Votre bulletin est dans l&#39;urne : son empreinte est la n° 1 de la liste (page 1).")
		other := make([]byte, 32)
		_, _ = rand.Read(other)
		missing := hex.EncodeToString(other)
		p = b.post(board, url.Values{"empreinte": {missing}})
		wantStatus(t, p, http.StatusOK, "look-up not found")
		wantContains(t, p, "look-up not found", "Aucune empreinte ne correspond à « "+missing+" »")
		if strings.Contains(p.Body, "Votre bulletin est dans") {
			t.Error("a tracker not in the box is found")
		}

		// After the close, the box still sealed: the board is there; the results are not.
		s.now = w.End.Add(5 * time.Minute)
		p = b.get(board)
		wantStatus(t, p, http.StatusOK, "after the close")
		wantContains(t, p, "after the close", "Le vote est clos", "L&#39;urne est scellée", "L&#39;urne contient 501 bulletins",
			`<code id="list-hash">`+hash+`</code>`)
		r := b.get("/" + slug + "/resultats")
		wantStatus(t, r, http.StatusNotFound, "results of a sealed box")
		wantContains(t, r, "results of a sealed box", "L&#39;urne de ce vote est scellée : les bulletins seront dépouillés",
			`href="`+board+`"`)
		if strings.Contains(r.Body, "0 bulletins") {
			t.Error("the results of a sealed box count 0 ballots")
		}
		wantStatus(t, b.get("/api/v1/campaigns/"+slug+"/results"), http.StatusNotFound, "the API's results of a sealed box")

		// The unsealing: the board says so and links to the results, which count every ballot
		// and say what is proven and what is trusted.
		unsealAt := s.now
		if _, err := vote.Unseal(ctx, change.Env{DB: s.db, Now: func() time.Time { return unsealAt }}, change.System("test"),
			vote.UnsealInput{Campaign: c, Shares: cer.Shares[1:]}); err != nil {
			t.Fatal(err)
		}
		p = b.get(board)
		wantStatus(t, p, http.StatusOK, "after the unsealing")
		wantContains(t, p, "after the unsealing", "L&#39;urne a été descellée le "+i18n.DateTime(i18n.FR, unsealAt.In(c.Location())),
			`href="/`+slug+`/resultats"`, "L&#39;urne contient 501 bulletins", `<code id="list-hash">`+hash+`</code>`)
		noEmails(p, "after the unsealing")
		r = b.get("/" + slug + "/resultats")
		wantStatus(t, r, http.StatusOK, "results after the unsealing")
		wantContains(t, r, "results after the unsealing", "501 bulletins",
			"les empreintes publiées prouvent que chaque bulletin était dans l&#39;urne et qu&#39;aucun n&#39;en a été retiré",
			"descellée par au moins 2 des 3 garants", "pas encore de preuve vérifiable du mélange", `href="`+board+`"`)
	})
}
