package web

import (
	"net/http"
	"net/url"
	"strconv"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/idea"
)

// What the handlers share to read a request and fill a form: the choices of a select, the
// ids in a path, the page number of a list.

// option is one choice of a select.
type option struct {
	Value, Label string
}

// pathID reads the positive integer {name} of the route's path; anything else is a 404.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, "error.not_found")
	}
	return id, nil
}

// maxPage bounds the page number a list accepts, so that an absurd ?page= costs nothing.
const maxPage = 100_000

// pageParam reads the list's ?page=, from 1; anything else is page 1.
func pageParam(q url.Values) int {
	n, err := strconv.Atoi(q.Get("page"))
	if err != nil || n < 1 || n > maxPage {
		return 1
	}
	return n
}

// pageLink is the address of page n of a list at path with the filters kept (empty values
// left out); page 1 has no ?page=.
func pageLink(path string, filters url.Values, n int) string {
	v := url.Values{}
	for k, xs := range filters {
		for _, x := range xs {
			if x != "" {
				v.Add(k, x)
			}
		}
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// themeOptions are the themes of ideas and projects (the lists' filters, the idea form),
// labelled in lang.
func (s *Server) themeOptions(lang i18n.Lang) []option {
	var out []option
	for _, t := range idea.Themes() {
		out = append(out, option{string(t), s.cat.T(lang, t.MessageKey())})
	}
	return out
}

// arrondissementOptions are the arrondissements of c's territory (the lists' filters).
func (s *Server) arrondissementOptions(c *campaign.Campaign) []option {
	var out []option
	for _, a := range s.Territory.Arrondissements(c.Territory) {
		out = append(out, option{a.Code, a.Name})
	}
	return out
}

// hasOption reports whether v is the value of one of opts.
func hasOption(opts []option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}
