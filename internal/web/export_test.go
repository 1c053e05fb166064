package web

import (
	"html/template"
	"strings"

	"budgetcitoyen/internal/access"
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

// RoutePattern is one GET route of the site and the permission it requires.
type RoutePattern struct {
	Pattern string // without the method
	Perm    access.Permission
}

// GetRoutes lists the site's GET routes, for the tests that check every page is reachable.
func GetRoutes() []RoutePattern {
	var out []RoutePattern
	for _, rt := range (&Server{}).routeTable() {
		if p, ok := strings.CutPrefix(rt.pattern, "GET "); ok {
			out = append(out, RoutePattern{Pattern: p, Perm: rt.perm})
		}
	}
	return out
}
