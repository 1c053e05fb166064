package web_test

import (
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/geomap"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/stats"
)

var statsStageRe = regexp.MustCompile(`<tr><th scope="row">([^<]+)</th><td>([0-9\x{202f}]+)</td><td>[^<]*</td></tr>`)

// number reads a figure as the page writes it ("4 012" with a narrow no-break space).
func number(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.ReplaceAll(s, "\u202f", ""))
	if err != nil {
		t.Fatalf("figure %q: %v", s, err)
	}
	return n
}

// TestStatsDemo: the statistics of the 2018 campaign show the database's counts at every
// stage, and the tables by territory sum to them; the agents get the same figures with their
// CSV files, whose days sum to the register.
func TestStatsDemo(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		slug := campaign.PresetPasDeCalais2018
		c, err := campaign.BySlug(ctx, s.db, slug)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{}
		for name, q := range map[string]string{
			"Idées":                   "SELECT COUNT(*) FROM ideas WHERE campaign_id = $1 AND hidden_at IS NULL",
			"Présences aux comptoirs": "SELECT COUNT(*) FROM workshop_registrations r JOIN workshop_sessions w ON w.id = r.session_id WHERE w.campaign_id = $1 AND r.attendance = 'present'",
			"Dossiers déposés":        "SELECT COUNT(*) FROM dossiers WHERE campaign_id = $1 AND submitted_at IS NOT NULL",
			"Votants":                 "SELECT COUNT(*) FROM vote_participation WHERE campaign_id = $1",
		} {
			var n int
			if err := s.db.QueryRowContext(ctx, q, c.ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Errorf("the demo has no %s", name)
			}
			want[name] = n
		}
		b := s.browser()
		p := b.get("/" + slug + "/statistiques")
		wantStatus(t, p, http.StatusOK, "statistics")
		t.Logf("statistics page: %d bytes of HTML", len(p.Body))
		if d := os.Getenv("BC_STATS_DUMP"); d != "" {
			_ = os.WriteFile(d, []byte(p.Body), 0o644)
		}
		wantContains(t, p, "statistics", `role="img"`, "<figcaption>", "moins de 5", "Participation par canton", "Arras-1", `href="/`+slug+`/statistiques/communes"`)
		got := map[string]int{}
		for _, m := range statsStageRe.FindAllStringSubmatch(p.Body, -1) {
			if _, ok := want[m[1]]; ok {
				got[m[1]] = number(t, m[2])
			}
		}
		for name, n := range want {
			if got[name] != n {
				t.Errorf("%s: the page shows %d, the database counts %d", name, got[name], n)
			}
		}
		// The arrondissements' table: its rows sum to the database's counts (the demo's
		// people are all in the territory), secret communes included.
		arr := p.Body[strings.Index(p.Body, `id="stats-arr"`):]
		arr = arr[:strings.Index(arr, "<tfoot>")]
		rowRe := regexp.MustCompile(`<tr><th scope="row">[^<]+</th><td>[0-9\x{202f}]+</td><td>([0-9\x{202f}]+)</td><td>([0-9\x{202f}]+)</td><td>([0-9\x{202f}]+)</td><td>([0-9\x{202f}]+)</td>`)
		var sums [4]int
		rows := rowRe.FindAllStringSubmatch(arr, -1)
		if len(rows) != 7 {
			t.Fatalf("%d arrondissements", len(rows))
		}
		for _, m := range rows {
			for i := range sums {
				sums[i] += number(t, m[i+1])
			}
		}
		if sums != [4]int{want["Idées"], want["Présences aux comptoirs"], want["Dossiers déposés"], want["Votants"]} {
			t.Errorf("arrondissements sum to %v, want %v", sums, want)
		}
		cp := b.get("/" + slug + "/statistiques/communes")
		wantStatus(t, cp, http.StatusOK, "communes")
		wantContains(t, cp, "communes", "Arras", "Béthune", "Participation par commune")
		t.Logf("communes page: %d bytes of HTML", len(cp.Body))
		wantContains(t, b.get("/"+slug), "campaign page", `href="/`+slug+`/statistiques"`)
		wantContains(t, b.get("/"+slug+"/resultats"), "results page", `href="/`+slug+`/statistiques"`)

		agent := s.browser()
		acc := demoAccount(t, access.Agent)
		agent.signIn(acc.Email, acc.Password)
		ap := agent.get("/admin/campagnes/" + slug + "/statistiques")
		wantStatus(t, ap, http.StatusOK, "agents' statistics")
		wantContains(t, ap, "agents' statistics", "statistiques/communes.csv", "Exports")
		wantStatus(t, b.get("/admin/campagnes/"+slug+"/statistiques"), http.StatusSeeOther, "agents' page, anonymous")
		readCSV := func(name string) [][]string {
			cp := agent.get("/admin/campagnes/" + slug + "/statistiques/" + name)
			wantStatus(t, cp, http.StatusOK, name)
			recs, err := csv.NewReader(strings.NewReader(cp.Body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			return recs
		}
		days := 0
		for _, rec := range readCSV("jours.csv")[1:] {
			n, _ := strconv.Atoi(rec[1])
			days += n
		}
		if days != want["Votants"] {
			t.Errorf("the days count %d voters, the register %d", days, want["Votants"])
		}
		communes := readCSV("communes.csv")
		if len(communes) != 1+887+1 {
			t.Errorf("communes.csv has %d lines", len(communes))
		}
		if last := communes[len(communes)-1]; last[6] != strconv.Itoa(want["Votants"]) {
			t.Errorf("communes.csv total %v", last)
		}
		wantStatus(t, agent.get("/admin/campagnes/"+slug+"/statistiques/autre.csv"), http.StatusNotFound, "unknown file")
	})
}

// TestStatsMapShowsTheRegister checks the communes' map inlined on the statistics page
// against the database: one path per commune of the 62, the rate of each commune with
// enough voters (voters of the register over its population), and no figure for a commune
// under the secrecy threshold, which is drawn in the withheld colour.
func TestStatsMapShowsTheRegister(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		slug := campaign.PresetPasDeCalais2018
		c, err := campaign.BySlug(ctx, s.db, slug)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.db.QueryContext(ctx, "SELECT commune, COUNT(*) FROM vote_participation WHERE campaign_id = $1 GROUP BY commune", c.ID)
		if err != nil {
			t.Fatal(err)
		}
		voters := map[string]int{}
		for rows.Next() {
			var code string
			var n int
			if err := rows.Scan(&code, &n); err != nil {
				t.Fatal(err)
			}
			voters[code] = n
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		p := s.browser().get("/" + slug + "/statistiques")
		wantStatus(t, p, http.StatusOK, "statistics")
		start := strings.Index(p.Body, `<div class="stats-map">`)
		if start < 0 {
			t.Fatal("no map on the statistics page")
		}
		svg := p.Body[start : start+strings.Index(p.Body[start:], "</svg>")]
		titles := regexp.MustCompile(`<path d="[^"]+"><title>([^<]+)</title></path>`).FindAllStringSubmatch(svg, -1)
		if len(titles) != 887 {
			t.Errorf("the map draws %d communes, want the 887 of the 62", len(titles))
		}
		shown := map[string]string{}
		for _, m := range titles {
			shown[html.UnescapeString(m[1])] = ""
		}
		terr := territoryData(t)
		checked, hidden := 0, 0
		for code, n := range voters {
			cm, ok := terr.Commune(code)
			if !ok || cm.Departement != "62" {
				continue
			}
			if n < stats.Threshold {
				hidden++
				if _, ok := shown[cm.Name]; !ok {
					t.Errorf("%s (%d voters): its title is not the bare name %q", code, n, cm.Name)
				}
				continue
			}
			want := cm.Name + " : " + i18n.Percent(i18n.FR, stats.Rate(n, cm.Population))
			if _, ok := shown[want]; !ok {
				t.Errorf("%s: no commune titled %q on the map", code, want)
			}
			checked++
		}
		if checked == 0 || hidden == 0 {
			t.Errorf("the demo should have communes above (%d) and under (%d) the threshold", checked, hidden)
		}
		if !strings.Contains(svg, `fill="`+geomap.Hidden+`"`) || !strings.Contains(svg, "Non diffusé (moins de 5 votants)") {
			t.Error("the map has no withheld class in its legend")
		}
	})
}
