package web_test

import (
	"net/http"
	"testing"

	"budgetcitoyen/internal/campaign"
)

// TestResultsDemo2018: the 2018 campaign's results page works on the demo data.
func TestResultsDemo2018(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		slug2018 := campaign.PresetPasDeCalais2018
		b := s.browser()
		p := b.get("/" + slug2018 + "/resultats")
		wantStatus(t, p, http.StatusOK, "2018 results")
		wantContains(t, p, "2018 results", `role="img"`, "Participation")
		wantStatus(t, b.get("/api/v1/campaigns/"+slug2018+"/results"), http.StatusOK, "2018 API results")
	})
}
