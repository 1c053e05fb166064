package web_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"html"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/vote"
	"budgetcitoyen/internal/workshop"
)

var (
	mapImgRe   = regexp.MustCompile(`<img src="(/[^"]+/carte/[a-z]+\.svg\?v=[0-9a-f]+)" alt="([^"]+)" width="600" height="(\d+)"`)
	mapListRe  = regexp.MustCompile(`<details><summary>[^<]+</summary><p>([^<]+)\.</p><p>Total : (\d+)\.`)
	mapRowRe   = regexp.MustCompile(`([^,]+) \((\d+)\)`)
	mapTitleRe = regexp.MustCompile(`<title>([^<]+) : (\d+) [a-zé]+</title>`)
)

// TestCommuneMaps: the catalogue and the comptoirs pages link their map file and list the
// communes with their counts, whose sum is the database's (a project once per commune where
// it acts, the upcoming sessions); the map file draws the 887 communes with the same counts,
// answers 304 to its ETag, and may be kept by the browser only at the address of its figures.
func TestCommuneMaps(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		open, _ := demo.Slugs(testNow)
		archived, err := campaign.BySlug(ctx, s.db, "pas-de-calais-2018")
		if err != nil {
			t.Fatal(err)
		}
		ps, err := vote.PublicProjects(ctx, s.db, archived.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantProjects := 0
		for _, p := range ps {
			wantProjects += max(len(p.Communes), 1)
		}
		oc, err := campaign.BySlug(ctx, s.db, open)
		if err != nil {
			t.Fatal(err)
		}
		sessions, err := workshop.Upcoming(ctx, s.db, oc.ID, testNow)
		if err != nil {
			t.Fatal(err)
		}
		b := s.browser()
		for _, tc := range []struct {
			path string
			want int
		}{
			{"/pas-de-calais-2018/projets", wantProjects},
			{"/" + open + "/comptoirs", len(sessions)},
		} {
			p := b.get(tc.path)
			m := mapImgRe.FindStringSubmatch(p.Body)
			if p.Status != http.StatusOK || m == nil {
				t.Fatalf("%s: %d, no map", tc.path, p.Status)
			}
			list := mapListRe.FindStringSubmatch(p.Body)
			if list == nil {
				t.Fatalf("%s: no list of the communes", tc.path)
			}
			sum, rows := 0, map[string]int{}
			for _, r := range mapRowRe.FindAllStringSubmatch(html.UnescapeString(list[1]), -1) {
				n, _ := strconv.Atoi(r[2])
				sum += n
				rows[strings.TrimSpace(r[1])] = n
			}
			if total := list[2]; tc.want == 0 || sum != tc.want || total != strconv.Itoa(tc.want) {
				t.Errorf("%s: the list sums to %d (total %s), the database to %d", tc.path, sum, total, tc.want)
			}

			src := html.UnescapeString(m[1])
			f := b.get(src)
			if f.Status != http.StatusOK || f.Header.Get("Content-Type") != "image/svg+xml; charset=utf-8" ||
				f.Header.Get("ETag") == "" || f.Header.Get("Cache-Control") != "private, max-age=86400" {
				t.Fatalf("%s: %d %v", src, f.Status, f.Header)
			}
			if len(f.Body) >= 100_000 {
				t.Errorf("%s: %d bytes", src, len(f.Body))
			}
			if !strings.Contains(f.Body, `viewBox="0 0 600 `+m[3]+`"`) {
				t.Errorf("%s: the page's height %s is not the map's", src, m[3])
			}
			paths := 0
			dec := xml.NewDecoder(strings.NewReader(f.Body))
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s: not XML: %v", src, err)
				}
				if e, ok := tok.(xml.StartElement); ok && e.Name.Local == "path" {
					paths++
				}
			}
			if paths < 887 {
				t.Errorf("%s: %d paths", src, paths)
			}
			drawn := 0
			for _, tm := range mapTitleRe.FindAllStringSubmatch(f.Body, -1) {
				n, _ := strconv.Atoi(tm[2])
				if rows[html.UnescapeString(tm[1])] != n {
					t.Errorf("%s: %s drawn with %d, listed with %d", src, tm[1], n, rows[tm[1]])
				}
				drawn += n
			}
			if drawn != tc.want {
				t.Errorf("%s: the map shows %d in all, want %d", src, drawn, tc.want)
			}

			req, _ := http.NewRequest(http.MethodGet, s.srv.URL+src, nil)
			req.Header.Set("If-None-Match", f.Header.Get("ETag"))
			if again := b.do(req); again.Status != http.StatusNotModified {
				t.Errorf("%s with its ETag: %d", src, again.Status)
			}
			plain := b.get(src[:strings.Index(src, "?")])
			if plain.Status != http.StatusOK || plain.Header.Get("Cache-Control") != "private, no-cache" ||
				!bytes.Equal([]byte(plain.Body), []byte(f.Body)) {
				t.Errorf("%s without its version: %d %q", src, plain.Status, plain.Header.Get("Cache-Control"))
			}
		}
		if p := b.get("/pas-de-calais-2018/carte/projets.svg?lang=en"); !strings.Contains(p.Body, "Projects by commune") {
			t.Error("the English map is not in English")
		}
		if p := b.get("/no-such-campaign/carte/projets.svg"); p.Status != http.StatusNotFound {
			t.Errorf("the map of no campaign: %d", p.Status)
		}
	})
}
