package web_test

import (
	"bytes"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/demo"
)

// postIdentity sends the identity form as the browser does: multipart, with the token, and
// a logo file when filename is given.
func (b *browser) postIdentity(fields map[string]string, filename string, logo []byte) page {
	b.s.t.Helper()
	if b.csrf == "" {
		b.get("/admin/identite")
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", b.csrf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("logo", filename)
	_, _ = fw.Write(logo)
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.s.srv.URL+"/admin/identite", &body)
	if err != nil {
		b.s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.s.srv.URL)
	return b.do(req)
}

var logoURLRe = regexp.MustCompile(`src="(/identite/logo\?v=[0-9a-f]{16})"`)
var cssURLRe = regexp.MustCompile(`href="(/identite\.css\?v=[0-9a-f]{16})"`)

func TestIdentityOnPublicPages(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		want, err := demo.DemoIdentity()
		if err != nil {
			t.Fatal(err)
		}
		b := s.browser()
		home := plain(b.get("/"))
		wantStatus(t, home, http.StatusOK, "home")
		wantContains(t, home, "home", `<span class="brand-institution">Département du Pas-de-Calais</span>`,
			`<span class="brand-site">Budget citoyen</span>`, `class="brand-logo"`,
			`<p class="footer-address">`+want.Address+`</p>`, `Contact : <a href="mailto:`+want.Contact+`">`+want.Contact+`</a>`)
		// The main colour reaches the header through the generated stylesheet.
		m := cssURLRe.FindStringSubmatch(home.Body)
		if m == nil {
			t.Fatalf("no identity stylesheet linked:\n%s", home.Body[:800])
		}
		css := b.get(html.UnescapeString(m[1]))
		wantStatus(t, css, http.StatusOK, "identity css")
		if ct := css.Header.Get("Content-Type"); ct != "text/css; charset=utf-8" || !strings.Contains(css.Body, "--identity-color:#0b5394") ||
			!strings.Contains(css.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("identity css: %s %q %q", ct, css.Header.Get("Cache-Control"), css.Body)
		}
		// The site's own policy is unchanged: no inline style needed.
		if csp := home.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self';") {
			t.Errorf("site CSP = %q", csp)
		}
		// The logo: sandboxed, typed, cached by its hash; an old hash is served but not kept.
		lm := logoURLRe.FindStringSubmatch(home.Body)
		if lm == nil {
			t.Fatal("no logo in the header")
		}
		logo := b.get(html.UnescapeString(lm[1]))
		wantStatus(t, logo, http.StatusOK, "logo")
		h := logo.Header
		if h.Get("Content-Security-Policy") != "default-src 'none'; style-src 'unsafe-inline'; sandbox" ||
			h.Get("Content-Type") != "image/svg+xml" || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(h.Get("Cache-Control"), "immutable") || logo.Body != string(want.Logo) {
			t.Errorf("logo headers %v", h)
		}
		if old := b.get("/identite/logo?v=0000000000000000"); old.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("old version: Cache-Control %q", old.Header.Get("Cache-Control"))
		}
		// Like the static files, they are served before the session is read: the same for
		// everyone, no cookie, no Vary, so shared caches may keep them.
		signed := s.browser()
		cit := demoAccount(t, access.Citizen)
		signed.signIn(cit.Email, cit.Password)
		for _, path := range []string{html.UnescapeString(m[1]), html.UnescapeString(lm[1])} {
			p := signed.get(path)
			if p.Status != http.StatusOK || len(p.Header.Values("Vary")) != 0 || len(p.Header.Values("Set-Cookie")) != 0 ||
				!strings.HasPrefix(p.Header.Get("Cache-Control"), "public") || p.Header.Get("X-Request-Id") == "" {
				t.Errorf("%s signed in: status %d, headers %v", path, p.Status, p.Header)
			}
		}
		// Every public page carries it, the English one too.
		for _, path := range []string{"/calendrier?lang=en", "/mentions-legales", "/connexion"} {
			p := b.get(path)
			if p.Status == http.StatusSeeOther {
				p = b.get(p.Location)
			}
			wantContains(t, plain(p), path, "Département du Pas-de-Calais", want.Contact)
		}
	})
}

func TestIdentityAdmin(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		// Only administrators: a visitor is sent to sign in, an agent is refused.
		visitor := s.browser()
		if p := visitor.get("/admin/identite"); p.Status != http.StatusSeeOther && p.Status != http.StatusUnauthorized {
			t.Errorf("visitor: status %d", p.Status)
		}
		agent := s.browser()
		ag := demoAccount(t, access.Agent)
		agent.signIn(ag.Email, ag.Password)
		wantStatus(t, agent.get("/admin/identite"), http.StatusForbidden, "agent's form")
		agent.get("/espace")
		wantStatus(t, agent.postIdentity(map[string]string{"name": "Pirate", "color": "#000000"}, "", nil), http.StatusForbidden, "agent's save")

		b := s.browser()
		adm := demoAccount(t, access.Admin)
		b.signIn(adm.Email, adm.Password)
		wantContains(t, b.get("/admin"), "admin home", `href="/admin/identite"`)
		form := b.get("/admin/identite")
		wantStatus(t, form, http.StatusOK, "form")
		wantContains(t, plain(form), "form", `value="Département du Pas-de-Calais"`, `value="#0b5394"`, `enctype="multipart/form-data"`)

		// Bad input: a colour too light, a logo with a script. The form comes back as typed.
		bad := b.postIdentity(map[string]string{"name": "Ville d'Exemple", "color": "#FFCC00", "address": "2 place du Marché",
			"contact": "mairie@example.org"}, "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`))
		wantStatus(t, bad, http.StatusUnprocessableEntity, "bad input")
		wantContains(t, plain(bad), "bad input", `value="Ville d'Exemple"`, `value="#FFCC00"`, `value="2 place du Marché"`,
			`value="mairie@example.org"`, "Cette couleur est trop claire : un texte blanc sur ce fond n'a qu'un contraste de 1,5:1",
			"Ce SVG n'est pas accepté", `id="f-color-error"`, `id="f-logo-error"`)
		// In English, the ratio is written 1.5:1.
		wantContains(t, b.get("/admin/identite?lang=en"), "English form", "Main colour")
		en := plain(b.postIdentity(map[string]string{"name": "Ville", "color": "#ffcc00"}, "", nil))
		wantContains(t, en, "English refusal", "only has a contrast of 1.5:1; at least 4.5:1 is needed")
		b.get("/admin/identite?lang=fr")
		for _, tc := range []struct{ name, color, file, want string }{
			{"no name", "#0b5394", "", "Indiquez le nom de l'institution."},
			{"not a colour", "bleu", "", "Indiquez une couleur au format hexadécimal"},
			{"external use", "#0b5394", `<svg xmlns="http://www.w3.org/2000/svg"><use href="https://evil.example/a.svg#x"/></svg>`, "Ce SVG n'est pas accepté"},
			{"a gif", "#0b5394", "GIF89a", "Le logo doit être un fichier PNG ou SVG."},
		} {
			n := "Ville"
			if tc.name == "no name" {
				n = ""
			}
			p := b.postIdentity(map[string]string{"name": n, "color": tc.color}, "f", []byte(tc.file))
			wantStatus(t, p, http.StatusUnprocessableEntity, tc.name)
			wantContains(t, plain(p), tc.name, tc.want)
		}
		// The refusals changed nothing.
		wantContains(t, plain(s.browser().get("/")), "home after refusals", "Département du Pas-de-Calais")

		// Good input: a new name and colour, a PNG logo.
		ok := b.postIdentity(map[string]string{"name": "Ville d'Exemple", "color": "#12643A", "address": "2 place du Marché",
			"contact": "mairie@example.org"}, "logo.png", pngBytes(40, 20))
		wantStatus(t, ok, http.StatusSeeOther, "good input")
		after := plain(b.get(ok.Location))
		wantContains(t, after, "after saving", "L'identité de l'institution est enregistrée.", `value="#12643a"`)
		home := plain(s.browser().get("/"))
		wantContains(t, home, "home after saving", `<span class="brand-institution">Ville d'Exemple</span>`, "2 place du Marché")
		lm := logoURLRe.FindStringSubmatch(home.Body)
		if lm == nil {
			t.Fatal("no logo")
		}
		if p := s.browser().get(html.UnescapeString(lm[1])); p.Header.Get("Content-Type") != "image/png" ||
			!strings.HasPrefix(p.Body, "\x89PNG") || !strings.Contains(p.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("png logo: %v", p.Header)
		}
		css := s.browser().get(html.UnescapeString(cssURLRe.FindStringSubmatch(home.Body)[1]))
		wantContains(t, css, "css after saving", "--identity-color:#12643a")

		// No file keeps the logo; remove_logo removes it.
		wantStatus(t, b.postIdentity(map[string]string{"name": "Ville d'Exemple", "color": "#12643a"}, "", nil), http.StatusSeeOther, "keep logo")
		if !logoURLRe.MatchString(s.browser().get("/").Body) {
			t.Error("the logo was lost by a save without a file")
		}
		wantStatus(t, b.postIdentity(map[string]string{"name": "Ville d'Exemple", "color": "#12643a", "remove_logo": "1"}, "", nil), http.StatusSeeOther, "remove logo")
		if home := s.browser().get("/"); logoURLRe.MatchString(home.Body) || strings.Contains(home.Body, "brand-logo") {
			t.Error("the logo is still shown")
		}
		wantStatus(t, s.browser().get("/identite/logo"), http.StatusNotFound, "no logo")

		// The audit log has the changes, with the logo's hash only.
		j := plain(b.get("/admin/journal"))
		wantContains(t, j, "audit", "identity.settings")
		_ = url.Values{}
	})
}
