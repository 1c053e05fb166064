package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"budgetcitoyen/internal/territory"
)

// Limits of the commune search.
const (
	communesJSONLimit = 20  // suggestions sent to an autocomplete
	communesHTMLLimit = 50  // communes listed on the plain page
	communesQueryMax  = 100 // characters of the query kept
)

// communeSuggestion is one element of the JSON answer of /communes.
type communeSuggestion struct {
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Postcodes []string `json:"postcodes"`
	Label     string   `json:"label"`
}

// communeView is one line of the plain page.
type communeView struct {
	territory.Commune
	Postcodes        string // "62120, 62129"
	DepName, ArrName string
}

type communesPage struct {
	Base
	Q        string
	Dep      string // département filter as given ("" = all France)
	DepName  string // its name, when known
	Error    string // unknown département
	Searched bool   // a query was given
	Results  []communeView
	More     bool // there were more matches than listed
}

// communesSearch answers GET /communes?q=…&dep=62: the communes whose name (accents and
// case ignored, "st" for "saint") or postcode matches q, optionally within one
// département. A client that prefers JSON (an autocomplete) gets at most 20 suggestions
// [{"code","name","postcodes","label"}]; a browser gets a page with the search form and
// the list, so that finding a commune works without JavaScript.
func (s *Server) communesSearch(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if rs := []rune(q); len(rs) > communesQueryMax {
		q = string(rs[:communesQueryMax])
	}
	dep := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("dep")))
	depName, depOK := "", true
	if dep != "" {
		var d territory.Departement
		d, depOK = s.Territory.Departement(dep)
		depName = d.Name
	}
	w.Header().Add("Vary", "Accept")

	if prefersJSON(r.Header.Get("Accept")) {
		out := []communeSuggestion{}
		status := http.StatusOK
		if !depOK {
			status = http.StatusUnprocessableEntity
		} else if q != "" {
			for _, c := range s.Territory.Search(q, dep, communesJSONLimit) {
				pcs := c.Postcodes
				if pcs == nil {
					pcs = []string{}
				}
				out = append(out, communeSuggestion{Code: c.Code, Name: c.Name, Postcodes: pcs, Label: communeLabel(c)})
			}
		}
		body, err := json.Marshal(out)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_, err = w.Write(body)
		return err
	}

	p := communesPage{Base: s.base(r, "territory.search.title"), Q: q, Dep: dep, DepName: depName, Searched: q != ""}
	p.Query = r.URL.RawQuery
	status := http.StatusOK
	if !depOK {
		p.Error = s.cat.T(langOf(r), "territory.search.unknown_departement", dep)
		status = http.StatusUnprocessableEntity
	} else if q != "" {
		found := s.Territory.Search(q, dep, communesHTMLLimit+1)
		if len(found) > communesHTMLLimit {
			found, p.More = found[:communesHTMLLimit], true
		}
		for _, c := range found {
			v := communeView{Commune: c, Postcodes: strings.Join(c.Postcodes, ", ")}
			if d, ok := s.Territory.Departement(c.Departement); ok {
				v.DepName = d.Name
			}
			if a, ok := s.Territory.Arrondissement(c.Arrondissement); ok {
				v.ArrName = a.Name
			}
			p.Results = append(p.Results, v)
		}
	}
	return s.render(w, r, status, "communes", p)
}

// communeLabel is how a commune is shown in a suggestion list: its name and postcodes,
// e.g. "Saint-Augustin (62120, 62129)"; a long list is cut after three.
func communeLabel(c territory.Commune) string {
	pcs := c.Postcodes
	if len(pcs) == 0 {
		return c.Name
	}
	more := ""
	if len(pcs) > 3 {
		pcs, more = pcs[:3], ", …"
	}
	return c.Name + " (" + strings.Join(pcs, ", ") + more + ")"
}

// prefersJSON reports whether an Accept header ranks application/json above text/html
// (RFC 9110 §12.5.1: the most specific range gives a type its quality). A tie, "*/*"
// alone or no header goes to HTML.
func prefersJSON(accept string) bool {
	exact, group := map[string]float64{}, map[string]float64{}
	star := -1.0
	for _, part := range strings.Split(accept, ",") {
		params := strings.Split(part, ";")
		typ := strings.ToLower(strings.TrimSpace(params[0]))
		q := 1.0
		for _, p := range params[1:] {
			k, v, ok := strings.Cut(p, "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if x, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = x
				}
			}
		}
		switch {
		case typ == "*/*":
			star = q
		case strings.HasSuffix(typ, "/*"):
			group[strings.TrimSuffix(typ, "/*")] = q
		case typ != "":
			exact[typ] = q
		}
	}
	quality := func(typ string) float64 {
		if q, ok := exact[typ]; ok {
			return q
		}
		if q, ok := group[typ[:strings.IndexByte(typ, '/')]]; ok {
			return q
		}
		return star
	}
	j := quality("application/json")
	return j > 0 && j > quality("text/html")
}
