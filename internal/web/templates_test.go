package web

import (
	"html/template"
	"io"
	"maps"
	"reflect"
	"slices"
	"testing"
	"text/template/parse"

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

// The names given to the functions that build the arguments of the form partials are fields
// of their structs, in every call of every template, including those in branches that no
// sample takes.
func TestPartialArgsNames(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{cat: cat}
	funcs := s.funcs()
	types := map[string]reflect.Type{
		"fieldArgs":    reflect.TypeFor[fieldArgs](),
		"selectArgs":   reflect.TypeFor[selectArgs](),
		"textareaArgs": reflect.TypeFor[textareaArgs](),
		"checkboxArgs": reflect.TypeFor[checkboxArgs](),
	}
	for name := range types {
		if funcs[name] == nil {
			t.Fatalf("no template function %s", name)
		}
	}
	pages, err := parseTemplateSet(funcs, func(src string) string { return src })
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	seen := map[string]bool{} // the layout's templates are in every page's set
	for _, page := range pages {
		for _, tmpl := range page.Templates() {
			if tmpl.Tree == nil || seen[tmpl.Tree.ParseName+" "+tmpl.Name()] {
				continue
			}
			seen[tmpl.Tree.ParseName+" "+tmpl.Name()] = true
			walkCommands(tmpl.Tree.Root, func(cmd *parse.CommandNode) {
				fn, ok := cmd.Args[0].(*parse.IdentifierNode)
				if !ok || types[fn.Ident] == nil {
					return
				}
				calls++
				where, _ := tmpl.Tree.ErrorContext(cmd)
				if len(cmd.Args)%2 == 0 {
					t.Errorf("%s: %s with an odd number of arguments", where, fn.Ident)
				}
				for i := 1; i < len(cmd.Args); i += 2 {
					key, ok := cmd.Args[i].(*parse.StringNode)
					if !ok {
						t.Errorf("%s: %s: argument name %s is not a constant string", where, fn.Ident, cmd.Args[i])
						continue
					}
					if f, ok := types[fn.Ident].FieldByName(key.Text); !ok || !f.IsExported() || f.Anonymous {
						t.Errorf("%s: %s has no argument %s", where, fn.Ident, key.Text)
					}
				}
			})
		}
	}
	if calls == 0 {
		t.Error("no call found")
	}
}

// walkCommands calls f for each command of the tree under n.
func walkCommands(n parse.Node, f func(*parse.CommandNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				walkCommands(c, f)
			}
		}
	case *parse.ActionNode:
		walkCommands(n.Pipe, f)
	case *parse.IfNode:
		walkCommands(n.Pipe, f)
		walkCommands(n.List, f)
		walkCommands(n.ElseList, f)
	case *parse.RangeNode:
		walkCommands(n.Pipe, f)
		walkCommands(n.List, f)
		walkCommands(n.ElseList, f)
	case *parse.WithNode:
		walkCommands(n.Pipe, f)
		walkCommands(n.List, f)
		walkCommands(n.ElseList, f)
	case *parse.TemplateNode:
		walkCommands(n.Pipe, f)
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				walkCommands(c, f)
			}
		}
	case *parse.CommandNode:
		f(n)
		for _, a := range n.Args {
			walkCommands(a, f)
		}
	case *parse.ChainNode:
		walkCommands(n.Node, f)
	}
}
