package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/results"
	"budgetcitoyen/internal/tally"
	"budgetcitoyen/internal/vote"
)

// castBallots puts n ballots in the box of the campaign voting now: voter i picks, in each
// category, project (i mod k) with a bias towards the first ones, and abstains sometimes.
func castBallots(t *testing.T, s *site, c *campaign.Campaign, n int) []string {
	t.Helper()
	ctx := context.Background()
	ps, err := vote.BallotProjects(ctx, s.db, c.ID)
	if err != nil || len(ps) == 0 {
		t.Fatalf("projects: %v", err)
	}
	byCat := map[int64][]int64{}
	for _, p := range ps {
		byCat[p.CategoryID] = append(byCat[p.CategoryID], p.ID)
	}
	communes := []string{"62041", "62193", "62119", "62498", "62160"}
	var receipts []string
	for i := 0; i < n; i++ {
		var choices []int64
		for ci, cat := range c.Categories {
			ids := byCat[cat.ID]
			if len(ids) == 0 || (i+ci)%7 == 0 {
				continue
			}
			choices = append(choices, ids[(i*i+ci)%len(ids)%(1+i%len(ids))])
		}
		slices.Sort(choices)
		receipt, err := vote.NewBox(s.db, time.Now).Cast(ctx, vote.Cast{CampaignID: c.ID, PersonKey: fmt.Sprintf("person-%d", i),
			Commune: communes[i%len(communes)], AgeBracket: vote.AgeBrackets()[i%4], Choices: choices, Receipt: vote.NewReceipt()})
		if err != nil {
			t.Fatal(err)
		}
		receipts = append(receipts, receipt.Code)
	}
	return receipts
}

func TestResultsPages(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		c, slug := votingCampaign(t, s)
		withoutBox(t, s, c)
		receipts := castBallots(t, s, c, 60)
		b := s.browser()

		// Before the close: nothing is counted in public.
		p := b.get("/" + slug + "/resultats")
		wantStatus(t, p, http.StatusNotFound, "results before the close")
		wantContains(t, p, "results before the close", "clôture du vote")
		if strings.Contains(p.Body, "<table") {
			t.Errorf("a table before the close")
		}
		for _, path := range []string{"/resultats/bulletins", "/resultats/bulletins.csv", "/resultats/pabulib/global"} {
			wantStatus(t, b.get("/"+slug+path), http.StatusNotFound, path+" before the close")
		}
		p = b.get("/api/v1/campaigns/" + slug + "/results")
		wantStatus(t, p, http.StatusNotFound, "API results before the close")
		if !strings.HasPrefix(p.Header.Get("Content-Type"), "application/json") {
			t.Errorf("API 404 content type %q", p.Header.Get("Content-Type"))
		}
		wantStatus(t, b.get("/api/v1/campaigns/"+slug+"/ballots.csv"), http.StatusNotFound, "API CSV before the close")

		// The second after the close.
		w, _ := c.Window(campaign.PhaseVote)
		s.now = w.End.Add(time.Second)
		p = b.get("/" + slug + "/resultats")
		wantStatus(t, p, http.StatusOK, "results")
		wantContains(t, p, "results", "Résultats provisoires", "60 bulletins", `role="img"`, "<title id=\"chart-arr-title\">",
			"Votants par tranche d&#39;âge", "Financé", "Il restait", "18-24", "soutien le plus faible")
		en := b.get("/" + slug + "/resultats?lang=en")
		wantContains(t, en, "results in English", "Provisional results", "Why")
		b.get("/?lang=fr")
		if strings.Contains(en.Body, "⟦") || strings.Contains(p.Body, "⟦") {
			t.Errorf("a missing message on the results page")
		}

		// The API and the page agree; the published .pb reproduces the winners.
		p = b.get("/api/v1/campaigns/" + slug + "/results")
		wantStatus(t, p, http.StatusOK, "API results")
		var api struct {
			Ballots   int
			Winners   []int64
			Rule      string
			TieBreak  string `json:"tie_break"`
			Envelopes []struct {
				Key      string
				Download string
			}
		}
		if err := json.Unmarshal([]byte(p.Body), &api); err != nil {
			t.Fatal(err)
		}
		if api.Ballots != 60 || len(api.Winners) == 0 || len(api.Envelopes) == 0 {
			t.Fatalf("API results: %+v", api)
		}
		var fromFiles []int64
		for _, e := range api.Envelopes {
			f := b.get(e.Download)
			wantStatus(t, f, http.StatusOK, "download "+e.Key)
			in, err := tally.ReadPB(strings.NewReader(f.Body))
			if err != nil {
				t.Fatal(err)
			}
			out, err := tally.Run(in, tally.Options{Rule: in.MetaValue("rule"), TieBreak: in.MetaValue("tie_break")})
			if err != nil {
				t.Fatal(err)
			}
			if in.MetaValue("rule") != c.AggregationRule || in.MetaValue("tie_break") != c.TieBreak {
				t.Errorf("META rule %q tie-break %q", in.MetaValue("rule"), in.MetaValue("tie_break"))
			}
			for _, id := range out.Selected {
				n, _ := strconv.ParseInt(id, 10, 64)
				fromFiles = append(fromFiles, n)
			}
			if f2 := b.get("/" + slug + "/resultats/pabulib/" + e.Key); f2.Body != f.Body {
				t.Errorf("the page's file and the API's differ")
			}
		}
		slices.Sort(fromFiles)
		if !slices.Equal(fromFiles, api.Winners) {
			t.Errorf("winners from the files %v, published %v", fromFiles, api.Winners)
		}

		// Receipt look-up (individually verifiable).
		p = b.get("/" + slug + "/resultats/bulletins")
		wantStatus(t, p, http.StatusOK, "ballots page")
		wantContains(t, p, "ballots page", "Vérifiable individuellement", "bulletins.csv", ".pb")
		p = b.post("/"+slug+"/resultats/bulletins", url.Values{"code": {strings.ToLower(receipts[3])}})
		wantStatus(t, p, http.StatusOK, "look-up")
		wantContains(t, p, "look-up", "Ce bulletin a été compté")
		p = b.post("/"+slug+"/resultats/bulletins", url.Values{"code": {"AAAAA-AAAAA-AAAAA-AAAAA"}})
		wantStatus(t, p, http.StatusNotFound, "unknown code")
		csv := b.get("/" + slug + "/resultats/bulletins.csv")
		wantStatus(t, csv, http.StatusOK, "CSV")
		if !strings.Contains(csv.Body, receipts[0]) || strings.Count(csv.Body, "\n") != 61 {
			t.Errorf("CSV: %d lines", strings.Count(csv.Body, "\n"))
		}

		// Recount only: no codes, no look-up.
		c.BallotPublication = campaign.PublishNone
		if err := campaign.Update(ctx, s.db, c, testNow); err != nil {
			t.Fatal(err)
		}
		p = b.get("/" + slug + "/resultats/bulletins")
		wantContains(t, p, "recount only", "Recomptage seulement")
		if strings.Contains(p.Body, `name="code"`) {
			t.Errorf("look-up offered in recount-only mode")
		}
		wantStatus(t, b.post("/"+slug+"/resultats/bulletins", url.Values{"code": {receipts[3]}}), http.StatusNotFound, "look-up in recount mode")
		csv = b.get("/" + slug + "/resultats/bulletins.csv")
		for _, r := range receipts {
			if strings.Contains(csv.Body, r) {
				t.Fatalf("a receipt code in the recount-only CSV")
			}
		}
		pb := b.get("/api/v1/campaigns/" + slug + "/ballots/" + api.Envelopes[0].Key)
		for _, r := range receipts {
			if strings.Contains(pb.Body, r) {
				t.Fatalf("a receipt code in the recount-only .pb")
			}
		}

		// Open data page and the campaign API.
		p = b.get("/donnees")
		wantStatus(t, p, http.StatusOK, "open data")
		wantContains(t, p, "open data", "/api/v1/campaigns", "budgetcitoyen results "+slug, "--rule "+c.AggregationRule, "--tie-break "+c.TieBreak)
		p = b.get("/api/v1/campaigns")
		wantStatus(t, p, http.StatusOK, "API campaigns")
		wantContains(t, p, "API campaigns", `"slug": "`+slug+`"`)
		p = b.get("/api/v1/campaigns/" + slug)
		wantContains(t, p, "API campaign", `"aggregation_rule"`, `"phases"`, `"ballot_publication": "recount_only"`)
		p = b.get("/api/v1/campaigns/" + slug + "/projects")
		wantContains(t, p, "API projects", `"support_cents"`, `"total_cost_cents"`, `"communes"`)
		_ = results.Scale
	})
}
