package web

import (
	"html/template"

	"budgetcitoyen/internal/i18n"
)

// TemplateSwitch returns a function that makes s render its pages with the templates parsed
// as written (plain) or with its pretranslated ones (the default), so that a test can
// compare the two. Both sets are parsed once, here.
func TemplateSwitch(s *Server) (func(plain bool), error) {
	pre := s.tmpl
	set, err := parseTemplateSet(s.funcs(), func(src string) string { return src })
	if err != nil {
		return nil, err
	}
	plain := &templates{pages: map[i18n.Lang]map[string]*template.Template{}}
	for _, lang := range i18n.Langs {
		plain.pages[lang] = set
	}
	return func(on bool) {
		if on {
			s.tmpl = plain
		} else {
			s.tmpl = pre
		}
	}, nil
}
