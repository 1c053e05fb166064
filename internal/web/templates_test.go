package web

import (
	"html/template"
	"io"
	"maps"
	"slices"
	"testing"

	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/oidc"
)

// pageSample is a page struct, as a handler passes it to render, filled so that the page
// template takes its main branches: non-empty lists, non-nil pointers, the variants behind
// its ifs. A page shown in several variants has a sample for each (note tells them apart).
type pageSample struct {
	page string // the page template
	note string
	data any
}

// Every page template executes without error with a sample of each page struct its handlers
// pass it, in every language, from the templates as written and from the pretranslated ones:
// a field or a method that a template reads and the struct lacks fails here ("can't evaluate
// field X in type Y"), not on the page of a visitor. A page template without a sample fails
// too, so that a new page comes with its sample in pageSamples.
func TestPageTemplatesExecuteWithTheirPages(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	// An OpenID Connect client, never used, so that the vote's identity step offers it.
	s := &Server{cat: cat, oidc: &oidc.Client{}}
	plain, err := parseTemplateSet(s.funcs(), func(src string) string { return src })
	if err != nil {
		t.Fatal(err)
	}
	pre, err := parseTemplates(s.funcs(), cat)
	if err != nil {
		t.Fatal(err)
	}
	sampled, reported := map[string]bool{}, map[string]bool{}
	for _, lang := range i18n.Langs {
		for _, sm := range pageSamples(sampleBase(lang)) {
			sampled[sm.page] = true
			what := sm.page
			if sm.note != "" {
				what += " (" + sm.note + ")"
			}
			for _, set := range []struct {
				name string
				tmpl *template.Template
			}{{"as written", plain[sm.page]}, {"pretranslated", pre.pages[lang][sm.page]}} {
				if set.tmpl == nil {
					t.Errorf("%s: no page template %q", what, sm.page)
					continue
				}
				err := set.tmpl.ExecuteTemplate(io.Discard, "layout", sm.data)
				if err != nil && !reported[err.Error()] { // once, not for every variant and language
					reported[err.Error()] = true
					t.Errorf("%s with a %T (%s, template %s):\n%v", what, sm.data, lang, set.name, err)
				}
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(plain)) {
		if !sampled[name] {
			t.Errorf("page template %s has no sample: add to pageSamples one of each page struct its handlers render it with", name)
		}
	}
	t.Logf("%d page templates, %d samples", len(plain), len(pageSamples(sampleBase(i18n.FR))))
}
