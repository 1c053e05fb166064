package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// getAccept fetches a page with an Accept header, as an autocomplete script does.
func (b *browser) getAccept(path, accept string) page {
	b.s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.s.srv.URL+path, nil)
	if err != nil {
		b.s.t.Fatal(err)
	}
	req.Header.Set("Accept", accept)
	return b.do(req)
}

type suggestion struct {
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Postcodes []string `json:"postcodes"`
	Label     string   `json:"label"`
}

func decodeSuggestions(t *testing.T, p page, what string) []suggestion {
	t.Helper()
	if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s: Content-Type %q, body:\n%s", what, ct, excerpt(p.Body))
	}
	var out []suggestion
	if err := json.Unmarshal([]byte(p.Body), &out); err != nil {
		t.Fatalf("%s: %v in %s", what, err, p.Body)
	}
	if out == nil {
		t.Fatalf("%s: body %q is not an array", what, p.Body)
	}
	return out
}

func TestCommunesJSON(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		tests := []struct {
			name, query string
			n           int    // exact count, or -1
			first       string // INSEE code of the first suggestion
			label       string // label of the first suggestion
		}{
			{"name", "q=bethune&dep=62", 4, "62119", "Béthune (62400)"}, // and three …-lès-Béthune,
			{"accents and case", "q=" + url.QueryEscape("BÉTHUNE") + "&dep=62", 4, "62119", "Béthune (62400)"},
			{"saint abbreviated", "q=" + url.QueryEscape("st omer") + "&dep=62", 2, "62765", "Saint-Omer (62500)"},
			{"two postcodes", "q=saint-augustin&dep=62", 1, "62691", "Saint-Augustin (62120, 62129)"},
			{"postcode", "q=62100&dep=62", 1, "62193", "Calais (62100)"},
			{"all France", "q=boulogne", -1, "92012", "Boulogne-Billancourt (92100)"},
			{"long postcode list cut", "q=paris&dep=75", 1, "75056", "Paris (75001, 75002, 75003, …)"},
			{"capped at 20", "q=62130&dep=62", 20, "", ""},
			{"nothing", "q=zzzz&dep=62", 0, "", ""},
			{"no query", "dep=62", 0, "", ""},
			{"lower-case département", "q=ajaccio&dep=2a", 1, "2A004", "Ajaccio (20000, 20090, 20167)"},
		}
		for _, tt := range tests {
			p := b.getAccept("/communes?"+tt.query, "application/json")
			wantStatus(t, p, http.StatusOK, tt.name)
			got := decodeSuggestions(t, p, tt.name)
			if tt.n >= 0 && len(got) != tt.n {
				t.Errorf("%s: %d suggestions, want %d: %+v", tt.name, len(got), tt.n, got)
			}
			if len(got) > 20 {
				t.Errorf("%s: %d suggestions, more than 20", tt.name, len(got))
			}
			if tt.first != "" {
				if len(got) == 0 {
					t.Errorf("%s: no suggestion", tt.name)
					continue
				}
				if got[0].Code != tt.first || got[0].Label != tt.label {
					t.Errorf("%s: first is %+v, want %s %q", tt.name, got[0], tt.first, tt.label)
				}
				if len(got[0].Postcodes) == 0 || got[0].Name == "" {
					t.Errorf("%s: incomplete suggestion %+v", tt.name, got[0])
				}
			}
			if v := strings.Join(p.Header.Values("Vary"), ", "); !strings.Contains(v, "Accept") {
				t.Errorf("%s: Vary %q lacks Accept", tt.name, v)
			}
		}

		p := b.getAccept("/communes?q=arras&dep=99", "application/json")
		wantStatus(t, p, http.StatusUnprocessableEntity, "unknown département")
		if got := decodeSuggestions(t, p, "unknown département"); len(got) != 0 {
			t.Errorf("unknown département gave %+v", got)
		}
	})
}

func TestCommunesContentNegotiation(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		for accept, wantJSON := range map[string]bool{
			"application/json": true,
			"application/json, text/javascript, */*; q=0.01":                  true,
			"text/html;q=0.5, application/json":                               true,
			"application/*":                                                   true,
			"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": false,
			"text/html, application/json":                                     false, // a tie goes to the page
			"*/*":                                                             false,
			"":                                                                false,
			"application/json;q=0":                                            false,
			"application/json;q=0.2, text/*;q=0.5":                            false,
			"text/plain, application/json;q=0.9, text/html;q=0.1":                           true,
			"application/xhtml+xml,application/xml;q=0.9,application/json;q=0.95,*/*;q=0.8": true,
		} {
			p := b.getAccept("/communes?q=arras&dep=62", accept)
			wantStatus(t, p, http.StatusOK, accept)
			isJSON := strings.HasPrefix(p.Header.Get("Content-Type"), "application/json")
			if isJSON != wantJSON {
				t.Errorf("Accept %q: JSON %v, want %v", accept, isJSON, wantJSON)
			}
		}
	})
}

func TestCommunesPage(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()

		empty := b.get("/communes?dep=62")
		wantStatus(t, empty, http.StatusOK, "empty search")
		wantContains(t, empty, "empty search", "Rechercher une commune", `<form method="get" action="/communes"`,
			`name="q"`, `name="dep" value="62"`, "Recherche limitée au département Pas-de-Calais (62)")
		if strings.Contains(empty.Body, "Communes trouvées") {
			t.Error("a page without a query lists results")
		}

		p := b.get("/communes?q=" + url.QueryEscape("st omer") + "&dep=62")
		wantStatus(t, p, http.StatusOK, "st omer")
		wantContains(t, p, "st omer", `value="st omer"`, "<strong>Saint-Omer</strong>", "code postal 62500",
			"Code INSEE 62765", "arrondissement de Saint-Omer", "<strong>Saint-Omer-Capelle</strong>", "Pas-de-Calais (62)")
		if i, j := strings.Index(p.Body, "<strong>Saint-Omer</strong>"), strings.Index(p.Body, "<strong>Saint-Omer-Capelle</strong>"); i > j {
			t.Error("Saint-Omer is not listed before Saint-Omer-Capelle")
		}
		if strings.Contains(p.Body, "14220") {
			t.Error("the département filter let Saint-Omer (Calvados) through")
		}

		two := b.get("/communes?q=62129&dep=62")
		wantContains(t, two, "second postcode", "<strong>Saint-Augustin</strong>", "codes postaux 62120, 62129")

		many := b.get("/communes?q=62130&dep=62")
		if n := strings.Count(many.Body, "<li><strong>"); n != 33 {
			t.Errorf("62130 lists %d communes, want 33", n)
		}

		france := b.get("/communes?q=a")
		wantContains(t, france, "broad search", "Seules les 50 premières communes sont affichées")

		none := b.get("/communes?q=" + url.QueryEscape("<zzz>") + "&dep=62")
		wantStatus(t, none, http.StatusOK, "no match")
		wantContains(t, none, "no match", "Aucune commune ne correspond à « &lt;zzz&gt; »")

		bad := b.get("/communes?q=arras&dep=99")
		wantStatus(t, bad, http.StatusUnprocessableEntity, "unknown département")
		wantContains(t, bad, "unknown département", "Le département « 99 » n&#39;existe pas.")

		long := b.get("/communes?q=" + strings.Repeat("b", 5000))
		wantStatus(t, long, http.StatusOK, "long query")

		en := b.get("/communes?q=bethune&dep=62&lang=en")
		wantContains(t, en, "english", `<html lang="en">`, "Find a commune", "<strong>Béthune</strong>", "postcode 62400")
	})
}
