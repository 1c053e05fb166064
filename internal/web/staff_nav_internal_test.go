package web

import (
	"net/http"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/console"
)

// Each staff screen is a GET route of the table, with the permission the route requires:
// the navigation links to no page its reader is refused, and hides none they may open.
func TestStaffScreensMatchRoutes(t *testing.T) {
	s := &Server{}
	mux := http.NewServeMux()
	perms := map[string]access.Permission{}
	for _, rt := range s.routeTable() {
		if strings.HasPrefix(rt.pattern, "GET ") {
			mux.Handle(rt.pattern, http.NotFoundHandler())
			perms[rt.pattern] = rt.perm
		}
	}
	for _, sc := range staffScreens {
		path := strings.Replace(sc.Path, "%s", "ma-campagne", 1)
		r, _ := http.NewRequest("GET", path, nil)
		_, pattern := mux.Handler(r)
		if pattern == "" {
			t.Errorf("screen %s: no GET route for %s", sc.Key, path)
			continue
		}
		if perms[pattern] != sc.Perm {
			t.Errorf("screen %s: route %q requires %s, the navigation says %s", sc.Key, pattern, perms[pattern], sc.Perm)
		}
	}
	// Every waiting item's screen has an address.
	for _, key := range []console.Screen{console.ScreenModeration, console.ScreenComptoirs, console.ScreenDossiers,
		console.ScreenCommittee, console.ScreenSession, console.ScreenCommission, console.ScreenVote, console.ScreenBox,
		console.ScreenDecision} {
		if screenPath("x", key) == "" {
			t.Errorf("screen %s has no address", key)
		}
	}
}

// The sub-navigation shows the screens the actor may open and marks the current one, the
// longest address that starts the page's.
func TestStaffNavMarksTheCurrentScreen(t *testing.T) {
	c := &campaign.Campaign{ID: 4, Slug: "pdc", Name: "PdC"}
	agent := access.ActorFor(&access.Account{ID: 1, Roles: []access.Grant{{Role: access.Agent}}})
	animator := access.ActorFor(&access.Account{ID: 2, Roles: []access.Grant{{Role: access.Animator}}})
	citizen := access.ActorFor(&access.Account{ID: 3})
	tests := []struct {
		name    string
		actor   access.Actor
		path    string
		current string // the current link's path; "" for no navigation
	}{
		{"console", agent, "/admin/campagnes/pdc", "/admin/campagnes/pdc"},
		{"settings", agent, "/admin/campagnes/pdc/parametres", "/admin/campagnes/pdc/parametres"},
		{"one dossier", agent, "/admin/campagnes/pdc/dossiers/12", "/admin/campagnes/pdc/dossiers"},
		{"session", agent, "/admin/campagnes/pdc/comite/seance", "/admin/campagnes/pdc/comite/seance"},
		{"a dossier of the committee", agent, "/admin/campagnes/pdc/comite/dossiers/3", "/admin/campagnes/pdc/comite"},
		{"box", agent, "/admin/campagnes/pdc/vote/urne", "/admin/campagnes/pdc/vote/urne"},
		{"moderation", agent, "/pdc/idees/moderation", "/pdc/idees/moderation"},
		{"attendance of a session", agent, "/pdc/comptoirs/9/presences", "/pdc/comptoirs/gestion"},
		{"a new session", agent, "/pdc/comptoirs/nouveau", "/pdc/comptoirs/gestion"},
		{"questions", agent, "/admin/campagnes/pdc/dossiers/questions", "/admin/campagnes/pdc/dossiers"},
		{"animator", animator, "/pdc/comptoirs/9/presences", ""},
		{"citizen", citizen, "/pdc/dossiers/1/recapitulatif", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := Base{Actor: tt.actor, Path: tt.path, campaign: c}.StaffNav()
			if tt.current == "" {
				if n != nil {
					t.Fatalf("navigation for %s: %+v", tt.name, n.Links)
				}
				return
			}
			if n == nil {
				t.Fatal("no navigation")
			}
			got := "-"
			for _, l := range n.Links {
				if l.Current {
					got = l.Path
				}
			}
			if got != tt.current {
				t.Errorf("current link %q, want %q", got, tt.current)
			}
		})
	}
	if n := (Base{Actor: agent, Path: "/admin/campagnes/pdc/comite", Title: "Comité — PdC", campaign: c}).StaffNav(); n == nil || n.Here != "Comité" {
		t.Errorf("the breadcrumb's last step: %+v", n)
	}
	if (Base{Actor: agent, Path: "/admin"}).StaffNav() != nil {
		t.Error("navigation outside a campaign")
	}
}
