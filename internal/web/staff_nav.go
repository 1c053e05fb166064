package web

import (
	"strings"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/console"
)

// staffScreen is one staff page of a campaign: its address ("%s" is the slug), the
// permission its GET route requires (the same as in routeTable: TestStaffScreensMatchRoutes)
// and the i18n key of its name ("console.screen.KEY").
type staffScreen struct {
	Key    console.Screen
	Path   string
	Perm   access.Permission
	Group  string // the console's group of links: "console.group.KEY"
	SubNav bool   // also in the sub-navigation of every staff page
	// Under, when set, is the address whose pages the sub-navigation marks as this screen's
	// (the comptoirs' management: the forms and the attendance of each session too).
	Under string
}

// Screens of the campaign that are not waiting items' targets.
const (
	screenConsole   console.Screen = "console"
	screenSettings  console.Screen = "settings"
	screenCoverage  console.Screen = "coverage"
	screenQuestions console.Screen = "questions"
	screenCriteria  console.Screen = "criteria"
	screenResults   console.Screen = "results"
	screenBoard     console.Screen = "board"
	screenPublic    console.Screen = "public"
	screenProjects  console.Screen = "projects"
	screenMembers   console.Screen = "members"
	screenUnseal    console.Screen = "unseal"
	// The follow-up's updates waiting for review (followup_review.go).
	screenFollowupUpdates console.Screen = "followup_updates"
)

// screenStats is the statistics of participation of a campaign, with their exports.
const screenStats console.Screen = "stats"

// screenFollowupSettings is the follow-up's settings of a campaign.
const screenFollowupSettings console.Screen = "followup_settings"

// staffScreens lists every staff page of a campaign, in the order of the campaign's life.
var staffScreens = []staffScreen{
	{screenConsole, "/admin/campagnes/%s", access.PermManageCampaigns, "setup", true, ""},
	{screenSettings, "/admin/campagnes/%s/parametres", access.PermManageCampaigns, "setup", true, ""},
	{screenQuestions, "/admin/campagnes/%s/dossiers/questions", access.PermManageDossiers, "setup", false, ""},
	{screenCriteria, "/admin/campagnes/%s/comite/grilles", access.PermManageDossiers, "setup", false, ""},
	{console.ScreenModeration, "/%s/idees/moderation", access.PermModerate, "ideas", true, ""},
	{console.ScreenComptoirs, "/%s/comptoirs/gestion", access.PermManageWorkshops, "ideas", true, "/%s/comptoirs"},
	{screenCoverage, "/%s/comptoirs/couverture", access.PermManageWorkshops, "ideas", false, ""},
	{console.ScreenDossiers, "/admin/campagnes/%s/dossiers", access.PermManageDossiers, "dossiers", true, ""},
	{console.ScreenCommittee, "/admin/campagnes/%s/comite", access.PermManageDossiers, "dossiers", true, ""},
	{console.ScreenSession, "/admin/campagnes/%s/comite/seance", access.PermManageDossiers, "dossiers", true, ""},
	{screenMembers, "/%s/comite", access.PermReview, "dossiers", false, ""},
	{console.ScreenCommission, "/admin/campagnes/%s/commission", access.PermManageDossiers, "dossiers", true, ""},
	{console.ScreenVote, "/admin/campagnes/%s/vote", access.PermManageCampaigns, "vote", true, ""},
	{console.ScreenBox, "/admin/campagnes/%s/vote/urne", access.PermManageCampaigns, "vote", true, ""},
	{screenBoard, "/%s/vote/urne", access.PermPublic, "vote", false, ""},
	{screenUnseal, "/%s/vote/urne/ouvrir", access.PermUnseal, "vote", false, ""},
	{console.ScreenDecision, "/admin/campagnes/%s/commission-permanente", access.PermManageDossiers, "decision", true, ""},
	{screenResults, "/%s/resultats", access.PermPublic, "decision", true, ""},
	{screenStats, "/admin/campagnes/%s/statistiques", access.PermManageCampaigns, "decision", false, ""},
	{console.ScreenFollowup, "/admin/campagnes/%s/suivi", access.PermManageDossiers, "followup", true, ""},
	{screenFollowupUpdates, "/admin/campagnes/%s/suivi/actualites", access.PermManageDossiers, "followup", false, ""},
	{screenFollowupSettings, "/admin/campagnes/%s/suivi/parametres", access.PermManageCampaigns, "followup", false, ""},
	{screenLetters, "/admin/campagnes/%s/lettres", access.PermManageCampaigns, "public", false, ""},
	{screenPublic, "/%s", access.PermPublic, "public", false, ""},
	{screenProjects, "/%s/projets", access.PermPublic, "public", false, ""},
}

// screenPath returns the address of a campaign's staff screen ("" for an unknown one).
func screenPath(slug string, key console.Screen) string {
	for _, sc := range staffScreens {
		if sc.Key == key {
			return strings.Replace(sc.Path, "%s", slug, 1)
		}
	}
	return ""
}

// staffLink is a link of the staff navigation.
type staffLink struct {
	Key     string // i18n key of its text
	Path    string
	Current bool
}

// staffNav is the breadcrumb and the sub-navigation of a campaign's staff pages.
type staffNav struct {
	Campaign *campaign.Campaign
	Admin    bool   // the actor may enter /admin (the breadcrumb's first link)
	Console  string // the console's address, "" when the actor may not open it
	Here     string // the breadcrumb's last step: the page's title without the campaign's name
	Links    []staffLink
}

// StaffNav builds the staff navigation of the page's campaign for its actor: only the
// screens the actor may open, the current one (the longest address that starts the page's)
// marked. Nil outside a campaign or for someone who may open none of its staff screens.
func (b Base) StaffNav() *staffNav {
	c := b.campaign
	if c == nil {
		return nil
	}
	// Most staff titles end with " — <campaign>", which the breadcrumb already shows.
	n := &staffNav{Campaign: c, Admin: b.CanAdmin, Here: strings.TrimSuffix(b.Title, " — "+c.Name)}
	current, best := -1, 0
	for _, sc := range staffScreens {
		if !sc.SubNav || sc.Perm == access.PermPublic && len(n.Links) == 0 {
			continue
		}
		if !access.Allowed(b.Actor, sc.Perm, &c.ID) {
			continue
		}
		p := strings.Replace(sc.Path, "%s", c.Slug, 1)
		if sc.Key == screenConsole {
			n.Console = p
		}
		under := p
		if sc.Under != "" {
			under = strings.Replace(sc.Under, "%s", c.Slug, 1)
		}
		if (b.Path == p || b.Path == under || strings.HasPrefix(b.Path, under+"/")) && len(under) > best {
			current, best = len(n.Links), len(under)
		}
		n.Links = append(n.Links, staffLink{Key: "console.screen." + string(sc.Key), Path: p})
	}
	if len(n.Links) == 0 {
		return nil
	}
	if current >= 0 {
		n.Links[current].Current = true
	}
	return n
}
