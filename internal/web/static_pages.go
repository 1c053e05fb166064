package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
)

// staticPage is a page of text from the catalogs: legal notice, personal data, the
// accessibility statement, contact. Paragraphs are catalog entries NAME.pN, read in order
// until one is missing, so that translators can add paragraphs without touching code.
type staticPageData struct {
	Base
	Name       string
	Paragraphs []template.HTML
}

func (s *Server) staticPage(name string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		lang := langOf(r)
		p := staticPageData{Base: s.base(r, "page."+name+".title"), Name: name}
		for i := 1; ; i++ {
			key := "page." + name + ".p" + strconv.Itoa(i)
			if !s.cat.Has(key) {
				break
			}
			// Catalog texts are ours, not user input; they may hold simple markup (links,
			// headings), escaped everywhere else.
			p.Paragraphs = append(p.Paragraphs, template.HTML(strings.TrimSpace(s.cat.T(lang, key)))) //nolint:gosec
		}
		return s.render(w, r, http.StatusOK, "static", p)
	}
}
