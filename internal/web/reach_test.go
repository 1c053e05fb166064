package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/web"
)

// anyHrefRe finds the links of a page, anywhere in it (the header's and footer's count).
var anyHrefRe = regexp.MustCompile(`<a\s[^>]*href="([^"]+)"`)

// notPages are GET routes that are no page to reach by a link: files, feeds and redirects to
// another page, and the pages one reaches from an e-mail or a form rather than a link.
var notPages = map[string]string{
	"/static/":                           "assets",
	"/healthz":                           "operations",
	"/readyz":                            "operations",
	"/metrics":                           "operations",
	"/favicon.ico":                       "asset",
	"/robots.txt":                        "file",
	"/verifier":                          "from the e-mail's link",
	"/reinitialiser":                     "from the e-mail's link",
	"/compte/invitation":                 "from the e-mail's link",
	"/abonnements/confirmer":             "from the e-mail's link",
	"/abonnements/desabonner":            "from the e-mail's link",
	"/abonnements/preferences":           "from the e-mail's link",
	"/{slug}/abonnement":                 "the page of the news form's errors (the form is on the campaign's page)",
	"/connexion/code":                    "after asking a code",
	"/calendrier":                        "redirects to a campaign's page",
	"/idees":                             "redirects to a campaign's page",
	"/idees/deposer":                     "redirects to a campaign's page",
	"/comptoirs":                         "redirects to a campaign's page",
	"/projets":                           "redirects to a campaign's page",
	"/vote":                              "redirects to a campaign's page",
	"/resultats":                         "redirects to a campaign's page",
	"/communes":                          "the communes' search, used by the forms",
	"/connexion":                         "signed in already",
	"/inscription":                       "signed in already",
	"/mot-de-passe-oublie":               "signed in already",
	"/{slug}/vote/identite/retour":       "the identity provider's return",
	"/{slug}/vote/identite":              "a step of the vote, reached from its page",
	"/{slug}/vote/verification":          "a step of the vote, reached from its page",
	"/{slug}/vote/bulletin":              "a step of the vote, reached from its page",
	"/{slug}/vote/recu":                  "a step of the vote, reached from its page",
	"/{slug}/idees/deposer/confirmee":    "after a deposit",
	"/connexion/oidc/retour":             "the identity provider's return",
	"/{slug}/vote/franceconnect/commune": "a step of the vote, reached from its page",
}

// isFile tells the routes that serve a download or an image (the maps) rather than a page.
func isFile(pattern string) bool {
	for _, ext := range []string{".csv", ".ics", ".pdf", ".json", ".xlsx", ".pb", ".txt", ".zip", ".atom", ".svg"} {
		if strings.HasSuffix(pattern, ext) {
			return true
		}
	}
	// The JSON API and the election files are for programs, not people.
	return strings.HasPrefix(pattern, "/api/") || strings.Contains(pattern, "/pabulib/") ||
		strings.Contains(pattern, "/telecharger") || strings.HasSuffix(pattern, "/{file}")
}

// itemPattern tells a page of one item ({id}, {token}…) and returns the pattern of its list:
// the pattern up to the item's segment.
func itemPattern(pattern string) (list string, ok bool) {
	segs := strings.Split(pattern, "/")
	for i, s := range segs {
		if i > 0 && strings.HasPrefix(s, "{") && s != "{slug}" && s != "{$}" {
			return strings.Join(segs[:i], "/"), true
		}
	}
	return "", false
}

// listReached tells whether a page of one item counts as reached: some route that its
// pattern extends, up from the item's segment, was reached (a dossier of the committee's
// list: /admin/campagnes/{slug}/comite/dossiers/{id} with /admin/campagnes/{slug}/comite; a
// dossier's document with the carrier's dossiers). The walk stops below the campaign: a
// campaign's page is no list of its items.
func listReached(pattern string, reached map[string]string) bool {
	list, ok := itemPattern(pattern)
	if !ok {
		return false
	}
	for segs := strings.Split(list, "/"); len(segs) > 1 && segs[len(segs)-1] != "{slug}"; segs = segs[:len(segs)-1] {
		p := strings.Join(segs, "/")
		if reached[p] != "" || reached[p+"/"] != "" {
			return true
		}
	}
	return false
}

// TestEveryPageWithinTwoClicks: from the page after sign-in, each demo account reaches every
// page its role allows, following only links, in at most two clicks. A page of one item
// counts as reached when its list is.
func TestEveryPageWithinTwoClicks(t *testing.T) {
	routes := web.GetRoutes()
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.HandleFunc("GET "+rt.Pattern, func(http.ResponseWriter, *http.Request) {})
	}
	patternOf := func(path string) string {
		r, err := http.NewRequest(http.MethodGet, "http://x"+path, nil)
		if err != nil {
			return ""
		}
		_, p := mux.Handler(r)
		return strings.TrimPrefix(p, "GET ")
	}
	roles := []access.Role{access.Citizen, access.Carrier, access.Animator, access.Committee, access.Agent, access.Admin}
	s := newSite(t, siteDB(t))
	ctx := context.Background()
	camps, err := campaign.List(ctx, s.db)
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range roles {
		t.Run(string(role), func(t *testing.T) {
			demoAcc := demoAccount(t, role)
			acc, err := account.ByEmail(ctx, s.db, demoAcc.Email)
			if err != nil {
				t.Fatal(err)
			}
			actor := access.ActorFor(acc)
			allowed := func(perm access.Permission) bool {
				if access.Allowed(actor, perm, nil) {
					return true
				}
				for _, c := range camps {
					if access.Allowed(actor, perm, &c.ID) {
						return true
					}
				}
				return false
			}
			b := s.browser()
			b.signIn(demoAcc.Email, demoAcc.Password)
			reached := map[string]string{} // pattern → the first path that reached it
			visited := map[string]bool{"/espace": true}
			frontier := []string{"/espace"}
			reached[patternOf("/espace")] = "/espace"
			for click := 0; click <= 2 && len(frontier) > 0; click++ {
				var next []string
				for _, path := range frontier {
					p := b.get(path)
					if p.Status != http.StatusOK || click == 2 {
						continue
					}
					for _, m := range anyHrefRe.FindAllStringSubmatch(p.Body, -1) {
						u, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
						if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
							continue
						}
						pat := patternOf(u.Path)
						if pat == "" || visited[u.RequestURI()] {
							continue
						}
						// Every page one click away is opened (two campaigns' pages of the
						// same shape link to different pages); the pages two clicks away
						// only count.
						visited[u.RequestURI()] = true
						if reached[pat] == "" {
							reached[pat] = u.Path
						}
						next = append(next, u.RequestURI())
					}
				}
				frontier = next
			}
			var missing []string
			for _, rt := range routes {
				if !allowed(rt.Perm) || notPages[rt.Pattern] != "" || isFile(rt.Pattern) || reached[rt.Pattern] != "" {
					continue
				}
				if listReached(rt.Pattern, reached) {
					continue
				}
				// A form that creates an item counts as reached with the list it adds to.
				if list, ok := strings.CutSuffix(rt.Pattern, "/nouveau"); ok && reached[list] != "" {
					continue
				}
				if list, ok := strings.CutSuffix(rt.Pattern, "/nouvelle"); ok && reached[list] != "" {
					continue
				}
				missing = append(missing, rt.Pattern)
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				t.Errorf("%s cannot reach %d page(s) within two clicks of /espace:\n  %s", role, len(missing), strings.Join(missing, "\n  "))
			}
		})
	}
}
