package web

import (
	"bytes"
	"embed"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/i18n"
)

//go:embed ui/templates
var templateFiles embed.FS

// Base is what every page shows around its content: the language, the signed-in person,
// the anti-forgery token for its forms, the flash message, the path (for the language
// switch and the return after sign-in).
type Base struct {
	Lang  i18n.Lang
	Title string
	Actor access.Actor
	CSRF  string
	Path  string
	Query string
	Flash string
	// Feed is the address of the page's Atom feed (a <link rel="alternate">), "" for none.
	Feed      string
	RequestID string
	Now       time.Time
	CanAdmin  bool
	// Identity is the institution's identity, shown by the layout's header and footer.
	Identity identityView
	// campaign is the campaign of the page's address, if any: StaffNav reads it.
	campaign *campaign.Campaign
}

// base fills the common part of a page.
func (s *Server) base(r *http.Request, titleKey string, args ...any) Base {
	lang := langOf(r)
	actor := actorOf(r)
	b := Base{
		Lang: lang, Actor: actor, CSRF: s.csrfToken(r), Path: r.URL.Path,
		RequestID: requestID(r.Context()), Now: s.now(),
		CanAdmin: access.Allowed(actor, access.PermAdminArea, nil),
		campaign: campaignOf(r),
		Identity: s.identityView(r.Context()),
	}
	if titleKey != "" {
		b.Title = s.cat.T(lang, titleKey, args...)
	}
	if f := s.sessions.PopString(r.Context(), sessionFlashKey); f != "" {
		b.Flash = s.cat.T(lang, f)
	}
	return b
}

// flash shows a message (an i18n key) on the next page rendered for this session.
func (s *Server) flash(r *http.Request, key string) {
	s.sessions.Put(r.Context(), sessionFlashKey, key)
}

// templates holds, for each language, one parsed template set per page: the layout, the
// partials and the page.
type templates struct {
	pages map[i18n.Lang]map[string]*template.Template
}

// staticT matches a translation of a fixed key in the page's language (.Lang, or $.Lang
// inside a range) or in the other one, the most common actions of the templates.
var staticT = regexp.MustCompile(`{{t (\.Lang|\$\.Lang|\(otherLang \.Lang\)) "([a-z0-9_.]+)"}}`)

// langArg matches the page's language passed to a template function that formats for it.
// Inside a range, $.Lang is a field promoted from the page's Base, which text/template
// looks up by name on every use; the literal costs nothing (it converts to i18n.Lang).
var langArg = regexp.MustCompile(`\b(t|tn|msg|fieldError|money|int|percent|date|longdate|datetime|clock|day|of|phaseName|ruleText) \$?\.Lang\b`)

// action matches one template action, where langArg applies (never the page's text).
var action = regexp.MustCompile(`{{.*?}}`)

// pretranslate replaces, in a template's source, the actions whose output depends only on
// the language: each {{t .Lang "key"}} (or its other-language form) by the message itself,
// HTML-escaped, and {{.Lang}}, {{otherLang .Lang}} and {{csrfField}} by their values; the
// language given to other functions (money .Lang …) becomes a literal. A page
// is rendered with the set of its language, whose Base.Lang is that language, so all of
// this is known at parse time, and executing the template no longer costs a function call
// and an escaping for each (a third of a page's rendering time went there). A message
// holding template delimiters is left to the function. The messages are the platform's own
// catalog, trusted like the templates; no template writes one inside a script or a URL.
func pretranslate(src string, cat *i18n.Catalog, lang i18n.Lang) string {
	other := otherLang(lang)
	src = staticT.ReplaceAllStringFunc(src, func(m string) string {
		sub := staticT.FindStringSubmatch(m)
		key, in := sub[2], lang
		if strings.HasPrefix(sub[1], "(otherLang") {
			in = other
		}
		msg := cat.T(in, key)
		if !cat.Has(key) || strings.Contains(msg, "{{") || strings.Contains(msg, "}}") {
			return m
		}
		return html.EscapeString(msg)
	})
	src = strings.NewReplacer(
		"{{.Lang}}", string(lang),
		"{{otherLang .Lang}}", string(other),
		"(otherLang .Lang)", `"`+string(other)+`"`,
		"{{csrfField}}", csrfField,
	).Replace(src)
	return action.ReplaceAllStringFunc(src, func(a string) string {
		return langArg.ReplaceAllString(a, `$1 "`+string(lang)+`"`)
	})
}

func parseTemplates(funcs template.FuncMap, cat *i18n.Catalog) (*templates, error) {
	t := &templates{pages: map[i18n.Lang]map[string]*template.Template{}}
	for _, lang := range i18n.Langs {
		pages, err := parseTemplateSet(funcs, func(src string) string { return pretranslate(src, cat, lang) })
		if err != nil {
			return nil, err
		}
		t.pages[lang] = pages
	}
	return t, nil
}

// parseTemplateSet parses the pages, each source changed by prepare first.
func parseTemplateSet(funcs template.FuncMap, prepare func(src string) string) (map[string]*template.Template, error) {
	parse := func(t *template.Template, f string) error {
		b, err := fs.ReadFile(templateFiles, f)
		if err != nil {
			return err
		}
		_, err = t.New(path.Base(f)).Parse(prepare(string(b)))
		return err
	}
	common := template.New("layout").Funcs(funcs)
	layouts, err := fs.Glob(templateFiles, "ui/templates/layout/*.html")
	if err != nil {
		return nil, fmt.Errorf("list layout templates: %w", err)
	}
	for _, f := range layouts {
		if err := parse(common, f); err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
	}
	files, err := fs.Glob(templateFiles, "ui/templates/pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("list page templates: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		page, err := common.Clone()
		if err != nil {
			return nil, fmt.Errorf("clone layout for %s: %w", f, err)
		}
		if err := parse(page, f); err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		pages[strings.TrimSuffix(path.Base(f), ".html")] = page
	}
	return pages, nil
}

// render executes a page into a buffer first, so that a template error becomes a clean
// error page instead of half a page with a 200 status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, page any) error {
	t, ok := s.tmpl.pages[langOf(r)][name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledPage {
			buf.Reset()
			renderBuffers.Put(buf)
		}
	}()
	if err := t.ExecuteTemplate(buf, "layout", page); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := w.Header()
	h["Content-Type"], h["Cache-Control"] = htmlType, noStore
	h["Content-Length"] = []string{strconv.Itoa(buf.Len())}
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// renderBuffers are the pages' buffers, reused: a page grown from an empty buffer costs a
// handful of copies. The few pages larger than maxPooledPage are left to the collector.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledPage = 256 << 10

// Header values shared by every page (see securityHeaderValues).
var (
	htmlType = []string{"text/html; charset=utf-8"}
	noStore  = []string{"no-store"}
)

// funcs are the template functions. The language is always passed explicitly.
func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"t": func(lang i18n.Lang, key string, args ...any) string { return s.cat.T(lang, key, args...) },
		// tn is t for a message about n things: key + "_one" when n is singular (see i18n.N).
		"tn": func(lang i18n.Lang, key string, n int, args ...any) string {
			return s.cat.N(lang, key, int64(n), args...)
		},
		"msg": func(lang i18n.Lang, m apperr.Message) string {
			return s.cat.T(lang, m.Key, m.Args...)
		},
		"fieldError": func(lang i18n.Lang, errs apperr.FieldErrors, field string) string {
			if m, ok := errs[field]; ok {
				return s.cat.T(lang, m.Key, m.Args...)
			}
			return ""
		},
		"money":    func(lang i18n.Lang, cents int64) string { return i18n.Money(lang, cents) },
		"int":      func(lang i18n.Lang, n int) string { return i18n.Int(lang, int64(n)) },
		"percent":  func(lang i18n.Lang, bp int64) string { return i18n.Percent(lang, bp) },
		"date":     func(lang i18n.Lang, t time.Time) string { return i18n.Date(lang, t) },
		"longdate": func(lang i18n.Lang, t time.Time) string { return i18n.LongDate(lang, t) },
		"datetime": func(lang i18n.Lang, t time.Time) string { return i18n.DateTime(lang, t) },
		"clock":    func(lang i18n.Lang, t time.Time) string { return i18n.Time(lang, t) },
		"day":      func(lang i18n.Lang, d campaign.Date) string { return i18n.Date(lang, d.DayStart(time.UTC)) }, // a calendar day in words
		"of":       func(lang i18n.Lang, place string) string { return i18n.Of(lang, place) },                     // "d'Arras"
		"in":       func(t time.Time, loc *time.Location) time.Time { return t.In(loc) },
		"phaseName": func(lang i18n.Lang, p campaign.Phase) string {
			return campaign.PhaseName(lang, p)
		},
		"ruleText": func(lang i18n.Lang, c campaign.Category) string { return campaign.DescribeRule(lang, c) },
		"langURL": func(path, query string, lang i18n.Lang) string {
			q, _ := url.ParseQuery(query)
			q.Set("lang", string(lang))
			return path + "?" + q.Encode()
		},
		"otherLang": otherLang,
		// The arguments of the form partials (see partials.go).
		"fieldArgs":    partialArgs[fieldArgs]("fieldArgs"),
		"selectArgs":   partialArgs[selectArgs]("selectArgs"),
		"textareaArgs": partialArgs[textareaArgs]("textareaArgs"),
		"checkboxArgs": partialArgs[checkboxArgs]("checkboxArgs"),
		// oidcConfigured: an OpenID Connect provider is configured (the vote may offer it).
		"oidcConfigured": func() bool { return s.oidc != nil },
		"deref": func(p *int64) int64 {
			if p == nil {
				return 0
			}
			return *p
		},
		"csrfField": func() string { return csrfField },
		"untilDate": untilDate, // a phase's last day in words, without the year when it is this year's
		"asset":     assetURL,
		// timelineArgs: the argument of the timeline partial for one campaign of a list.
		"timelineArgs": func(lang i18n.Lang, c campaignView) timelineArgs { return timelineArgs{Lang: lang, C: c} }, // an embedded asset's address with its content hash
	}
}

// otherLang is the language a page offers to switch to.
func otherLang(lang i18n.Lang) i18n.Lang {
	if lang == i18n.FR {
		return i18n.EN
	}
	return i18n.FR
}
