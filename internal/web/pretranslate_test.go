package web_test

import (
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/web"
)

// hrefRe finds the site's own links in a page.
var hrefRe = regexp.MustCompile(`href="(/[^"#]*)"`)

// maxCrawl bounds the pages a crawl compares, for one visitor in one language.
const maxCrawl = 60

// Every page a crawl of the demo site reaches, for a visitor, a registered voter and each
// demo account, in French and in English, is byte for byte the same whether it is rendered
// from the pretranslated templates or from the templates as written.
func TestPretranslatedPagesMatchPlainOnes(t *testing.T) {
	s := newSite(t, siteDB(t)) // the templates do not depend on the database
	srv, ok := s.srv.Config.Handler.(*web.Server)
	if !ok {
		t.Fatalf("the site's handler is a %T", s.srv.Config.Handler)
	}
	usePlain, err := web.TemplateSwitch(srv)
	if err != nil {
		t.Fatal(err)
	}
	open, vote := demo.Slugs(testNow)
	seeds := []string{"/", "/" + open, "/" + vote, "/" + vote + "/vote", "/" + vote + "/projets",
		"/pas-de-calais-2018/resultats", "/pas-de-calais-2018/resultats/bulletins", "/donnees", "/compte", "/admin"}
	visitors := map[string]*browser{"visitor": s.browser()}
	voter, _ := voteAs(t, s, "crawl@example.org", "Durand", "1990-05-04", "62041")
	visitors["voter"] = voter
	for _, a := range demo.Accounts(testNow) {
		b := s.browser()
		b.signIn(a.Email, a.Password)
		visitors[string(a.Role)] = b
	}
	compared := 0
	for who, b := range visitors {
		for _, lang := range []string{"fr", "en"} {
			b.get("/?lang=" + lang) // also shows any message left for the next page
			compared += crawlCompare(t, usePlain, b, who+"/"+lang, seeds)
		}
	}
	if compared < 200 {
		t.Errorf("only %d pages compared", compared)
	}
	t.Logf("%d pages compared", compared)
}

// crawlCompare follows the links from seeds, fetching each page once with each set of
// templates, and reports the differences; it returns how many pages it compared.
func crawlCompare(t *testing.T, usePlain func(bool), b *browser, who string, seeds []string) int {
	t.Helper()
	defer usePlain(false)
	seen := map[string]bool{}
	queue := append([]string(nil), seeds...)
	n := 0
	for len(queue) > 0 && n < maxCrawl {
		path := queue[0]
		queue = queue[1:]
		if seen[path] || !crawlable(path) {
			continue
		}
		seen[path] = true
		usePlain(false)
		pre := b.get(path)
		usePlain(true)
		plain := b.get(path)
		if !strings.HasPrefix(pre.Header.Get("Content-Type"), "text/html") {
			continue
		}
		n++
		if pre.Status != plain.Status || pre.Body != plain.Body {
			t.Errorf("%s %s: pretranslated page (status %d) differs from the plain one (status %d): %s",
				who, path, pre.Status, plain.Status, firstDifference(pre.Body, plain.Body))
			continue
		}
		for _, m := range hrefRe.FindAllStringSubmatch(pre.Body, -1) {
			queue = append(queue, html.UnescapeString(m[1]))
		}
	}
	return n
}

// crawlable leaves out the assets, the downloads and the language switch (each crawl keeps
// its language).
func crawlable(path string) bool {
	if strings.Contains(path, "lang=") || strings.HasPrefix(path, "/static/") || strings.HasPrefix(path, "/api/") {
		return false
	}
	for _, ext := range []string{".csv", ".pdf", ".pb", ".xlsx", ".json", ".svg", ".png", ".jpg"} {
		if strings.HasSuffix(path, ext) {
			return false
		}
	}
	return true
}

// firstDifference shows the first line where two pages differ.
func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < min(len(al), len(bl)); i++ {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n  " + al[i] + "\n  " + bl[i]
		}
	}
	return "one page is longer"
}
