package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/i18n"
)

func TestPretranslate(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ src, fr, en string }{
		{`<a>{{t .Lang "layout.nav.home"}}</a>`, "<a>" + cat.T(i18n.FR, "layout.nav.home") + "</a>", "<a>" + cat.T(i18n.EN, "layout.nav.home") + "</a>"},
		{`<a>{{t $.Lang "layout.nav.home"}}</a>`, "<a>" + cat.T(i18n.FR, "layout.nav.home") + "</a>", "<a>" + cat.T(i18n.EN, "layout.nav.home") + "</a>"},
		// Unknown keys, arguments and trim markers stay calls, given the language itself.
		{`{{t .Lang "no.such.key"}}`, `{{t "fr" "no.such.key"}}`, `{{t "en" "no.such.key"}}`},
		{`{{t .Lang "vote.receipt.thanks" 3}}`, `{{t "fr" "vote.receipt.thanks" 3}}`, `{{t "en" "vote.receipt.thanks" 3}}`},
		{`{{t $.Lang "k" (money $.Lang .SupportCents) (date .Lang .At)}}`, `{{t "fr" "k" (money "fr" .SupportCents) (date "fr" .At)}}`,
			`{{t "en" "k" (money "en" .SupportCents) (date "en" .At)}}`},
		// The language handed to a partial stays a value of the page; text is never touched.
		{`{{template "field" (fieldArgs "Lang" .Lang "Name" "x")}} t .Lang money .Lang`,
			`{{template "field" (fieldArgs "Lang" .Lang "Name" "x")}} t .Lang money .Lang`,
			`{{template "field" (fieldArgs "Lang" .Lang "Name" "x")}} t .Lang money .Lang`},
		{`{{formatLang .Lang}} {{.Language}}`, `{{formatLang .Lang}} {{.Language}}`, `{{formatLang .Lang}} {{.Language}}`},
		// The other language's message, and the values that depend only on the language.
		{`{{t (otherLang .Lang) "layout.switch_lang"}}`, cat.T(i18n.EN, "layout.switch_lang"), cat.T(i18n.FR, "layout.switch_lang")},
		{`<html lang="{{.Lang}}" x="{{otherLang .Lang}}">`, `<html lang="fr" x="en">`, `<html lang="en" x="fr">`},
		{`{{langURL .Path .Query (otherLang .Lang)}}`, `{{langURL .Path .Query "en"}}`, `{{langURL .Path .Query "fr"}}`},
		{`name="{{csrfField}}"`, `name="csrf_token"`, `name="csrf_token"`},
		{`{{- t .Lang "layout.nav.home" -}}`, `{{- t "fr" "layout.nav.home" -}}`, `{{- t "en" "layout.nav.home" -}}`},
	} {
		if got := pretranslate(tc.src, cat, i18n.FR); got != tc.fr {
			t.Errorf("fr %s: got %s, want %s", tc.src, got, tc.fr)
		}
		if got := pretranslate(tc.src, cat, i18n.EN); got != tc.en {
			t.Errorf("en %s: got %s, want %s", tc.src, got, tc.en)
		}
	}
}

// Pages rendered from the pretranslated templates are byte for byte those of the plain ones,
// in both languages, signed in or not (messages with apostrophes and quotes included).
func TestPretranslatedPagesMatch(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{cat: cat}
	plain, err := parseTemplateSet(s.funcs(), func(src string) string { return src })
	if err != nil {
		t.Fatal(err)
	}
	pre, err := parseTemplates(s.funcs(), cat)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Langs {
		for _, signedIn := range []bool{false, true} {
			base := Base{Lang: lang, Title: "Titre <&> \"x\"", CSRF: "tok", Path: "/p", Query: "a=1", Now: time.Now(), CanAdmin: signedIn}
			if signedIn {
				base.Actor = access.ActorFor(&access.Account{ID: 1, Email: "a@example.org"})
				base.Flash = "Enregistré <b>"
			}
			pages := map[string]any{
				"vote_receipt": voteReceiptPage{Base: base, Campaign: &campaign.Campaign{Slug: "c"}, Receipt: "ABCDE-FGHJK", Day: time.Now(), Publication: "receipts", CheckURL: "http://x/c/resultats/bulletins"},
				"error":        errorPage{Base: base, Status: 404, Message: "Introuvable"},
			}
			for name, data := range pages {
				want, got := execPage(t, plain[name], data), execPage(t, pre.pages[lang][name], data)
				if want != got {
					t.Errorf("%s %s (signed in %v): pretranslated page differs:\n%s\n---\n%s", lang, name, signedIn, got, want)
				}
			}
		}
	}
}

func execPage(t *testing.T, tmpl *template.Template, data any) string {
	t.Helper()
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, "layout", data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// A final value is read once; an error is not kept (the value may be written later); a full
// cache starts again.
func TestFinalCache(t *testing.T) {
	var c finalCache[int, string]
	loads := 0
	load := func(v string, err error) func() (string, error) {
		return func() (string, error) { loads++; return v, err }
	}
	if _, err := c.get(1, load("", errTest)); err != errTest {
		t.Fatalf("error not returned: %v", err)
	}
	for i := 0; i < 3; i++ {
		if v, err := c.get(1, load("un", nil)); err != nil || v != "un" {
			t.Fatalf("get: %q %v", v, err)
		}
	}
	if loads != 2 {
		t.Errorf("%d loads, want 2 (the failed one, then one)", loads)
	}
	for i := 2; i < maxFinalEntries+2; i++ {
		c.entries[i] = "x"
	}
	if _, err := c.get(-1, load("moins un", nil)); err != nil || len(c.entries) != 1 {
		t.Errorf("full cache: %d entries after a new one, want 1 (%v)", len(c.entries), err)
	}
}

var errTest = errors.New("test")

// benchTemplates parses the pretranslated templates of a server.
func benchTemplates(b *testing.B) *templates {
	b.Helper()
	cat, err := i18n.Load()
	if err != nil {
		b.Fatal(err)
	}
	s := &Server{cat: cat}
	pre, err := parseTemplates(s.funcs(), cat)
	if err != nil {
		b.Fatal(err)
	}
	return pre
}

func BenchmarkRenderReceipt(b *testing.B) {
	pre := benchTemplates(b)
	base := Base{Lang: i18n.FR, Title: "Merci", CSRF: "tok", Path: "/p", Now: time.Now(),
		Actor: access.ActorFor(&access.Account{ID: 1, Email: "a@example.org"})}
	page := voteReceiptPage{Base: base, Campaign: &campaign.Campaign{Slug: "c"}, Receipt: "ABCDE-FGHJK", Day: time.Now(), Publication: "receipts"}
	t := pre.pages[i18n.FR]["vote_receipt"]
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, "layout", page); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderBallot renders the ballot of a voter: three categories of four projects.
func BenchmarkRenderBallot(b *testing.B) {
	pre := benchTemplates(b)
	page := voteHomePage{Base: Base{Lang: i18n.FR, Title: "Voter", CSRF: "tok", Path: "/c/vote", Now: time.Now(),
		Actor: access.ActorFor(&access.Account{ID: 1, Email: "a@example.org"})},
		Campaign: &campaign.Campaign{Slug: "c"}, Step: "ballot", Rule: "one-per-category", Publication: "receipts"}
	id := int64(0)
	for c := range 3 {
		vc := voteCategory{ID: int64(c + 1), Name: fmt.Sprintf("Catégorie %d", c+1)}
		for range 4 {
			id++
			vc.Projects = append(vc.Projects, voteProjectView{ID: id, Title: fmt.Sprintf("Projet %d", id),
				Summary: "Un projet de l'économie sociale et solidaire.", SupportCents: 450_000, StructureName: "Association",
				Places: []string{"Arras"}})
		}
		page.Categories = append(page.Categories, vc)
	}
	t := pre.pages[i18n.FR]["vote_home"]
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := t.ExecuteTemplate(&buf, "layout", page); err != nil {
			b.Fatal(err)
		}
	}
}
