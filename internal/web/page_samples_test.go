package web

import (
	"html/template"
	"net/url"
	"strings"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/console"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/idea"
	"budgetcitoyen/internal/mydata"
	"budgetcitoyen/internal/privacy"
	"budgetcitoyen/internal/results"
	"budgetcitoyen/internal/review"
	"budgetcitoyen/internal/search"
	"budgetcitoyen/internal/stats"
	"budgetcitoyen/internal/territory"
	"budgetcitoyen/internal/vote"
	"budgetcitoyen/internal/workshop"
)

// sampleSearch is a list's search of q that found n items.
func sampleSearch(q string, n int) searchView {
	return searchView{Q: q, Query: search.ParseQuery(q), Count: n}
}

// sampleNow is the date of the samples.
var sampleNow = time.Date(2026, time.March, 14, 10, 30, 0, 0, time.UTC)

// sampleBase is the common part of the samples: a signed-in administrator, a message.
func sampleBase(lang i18n.Lang) Base {
	verified := sampleNow.Add(-time.Hour)
	a := &access.Account{ID: 7, Email: "agent@example.org", DisplayName: "Agent", EmailVerifiedAt: &verified,
		Roles: []access.Grant{{Role: access.Admin}}}
	return Base{Lang: lang, Title: "Titre <&>", Actor: access.ActorFor(a), CSRF: "jeton", Path: "/p", Query: "a=1",
		Flash: "Enregistré", RequestID: "req-1", Now: sampleNow, CanAdmin: true, campaign: sampleCampaign(),
		Identity: identityView{Name: "Département <&>", Address: "1 rue de l'Exemple, 62000 Arras", Contact: "contact@example.org", ContactIsEmail: true,
			CSSURL: "/identite.css?v=0123", LogoURL: "/identite/logo?v=abcd"}}
}

// sampleConsole is a console with every stage, waiting item and group.
func sampleConsole(gap int) consoleView {
	v := sampleCampaignView()
	k := &console.Console{Campaign: v.Campaign, ReviewsDue: sampleNow.AddDate(0, 0, 3),
		Funnel: []console.Stage{{Key: "ideas", N: 12}, {Key: "winners", N: 1}, {Key: "completed", NoScreen: true}}}
	var items []consoleItem
	for _, key := range []string{"ideas", "attendance", "unassigned", "reviews_pending", "reviews_overdue", "ready",
		"commission", "results", "decision"} {
		items = append(items, consoleItem{Item: console.Item{Key: key, N: 2}, Path: "/p"}, consoleItem{Item: console.Item{Key: key, N: 1}, Path: "/p"})
	}
	for _, key := range []string{"proclamation", "vote_settings", "census", "box"} {
		items = append(items, consoleItem{Item: console.Item{Key: key, N: 1}, Path: "/p"})
	}
	k.Waiting = []console.Item{{Key: "ideas", N: 1}}
	return consoleView{Console: k, View: v, Today: sampleNow, Due: k.ReviewsDue, TodayGap: gap, Waiting: items,
		Groups: []consoleGroup{{Key: "console.group.setup", Links: []staffLink{{Key: "console.screen.settings", Path: "/p"}}}}}
}

// sampleErrors holds an error for each field name the samples' forms use, so that the forms
// show their error branches.
func sampleErrors() apperr.FieldErrors {
	errs := apperr.FieldErrors{}
	for _, f := range []string{"email", "password", "password_confirm", "current_password", "name", "slug", "years",
		"source", "code", "title", "summary", "description", "communes", "timeline", "budget", "file", "submit",
		"until", "structure", "category", "legal_form", "esus", "commune", "commune_q", "carrier", "theme", "reason",
		"role", "campaign", "phases", "categories", "kind", "member", "min_reviewers", "ids", "decision",
		"motivation", "opinion", "date", "deliberation", "held_on", "reference", "topics", "animators", "host",
		"address", "start", "end", "capacity", "nom", "prenom", "naissance", "territory", "vote_rule", "q1",
		"exp0_label", "exp0_amount", "fund0_label", "fund0_amount", "item_ess", "item_ess_comment", "crit_1",
		"crit_1_comment", "crit1", "w12", "w12_reason", "a12", "a12_reason", "cat0_name", "p1_start",
		"trustees", "k", "shares", "delete_confirm"} {
		errs.Add(f, "error.required")
	}
	return errs
}

// sampleOptions is a list of choices for a select or radio buttons; the first is chosen
// when a sample's value is "a".
func sampleOptions() []option {
	return []option{{Value: "a", Label: "Choix A"}, {Value: "b", Label: "Choix B"}}
}

func sampleCampaign() *campaign.Campaign {
	env := int64(30_000_00)
	return &campaign.Campaign{ID: 1, Slug: "pdc-2026", Name: "Pas-de-Calais 2026", Description: "Un budget.",
		Territory: "62", EnvelopeCents: 100_000_00, TimeZone: "Europe/Paris",
		Categories: []campaign.Category{{ID: 1, Name: "Solidarité", Description: "Entraide",
			Rule:          campaign.SupportRule{Kind: campaign.RulePercent, RateBP: 2000, CapCents: 20_000_00, FloorCents: 1_000_00},
			EnvelopeCents: &env}},
		VoteRule: campaign.VoteRule{Kind: "approval", K: 3}, PerCategoryEnvelopes: true, MinVoterAge: 16,
		ComptoirRequired: true, BallotPublication: campaign.PublishReceipts, ContactEmail: "contact@example.org"}
}

// sampleCeremonyBox is a sealed box of three trustees (k = 2), unsealed if asked.
func sampleCeremonyBox(unsealed bool) *ceremonyBox {
	b := &ceremonyBox{ID: "3f9a0c1d2e4b5a69", K: 2, N: 3, SealedAt: sampleNow.AddDate(0, -1, 0),
		Trustees: []ceremonyTrustee{{Index: 1, Name: "Anne Garant", Email: "anne@example.org"},
			{Index: 2, Name: "Bruno <Garant>", Email: "bruno@example.org"}, {Index: 3, Email: "chloe@example.org"}}}
	if unsealed {
		at := sampleNow.Add(-time.Hour)
		b.UnsealedAt = &at
	}
	return b
}

func sampleCategory() campaign.Category { return sampleCampaign().Categories[0] }

func sampleCampaignView() campaignView {
	c := sampleCampaign()
	return campaignView{Campaign: c,
		Timeline: []phaseRow{{Phase: campaign.PhaseIdeas, Start: sampleNow.AddDate(0, -2, 0), End: sampleNow.AddDate(0, -1, 0), Past: true},
			{Phase: campaign.PhaseVote, Start: sampleNow.AddDate(0, 0, -1), End: sampleNow.AddDate(0, 1, 0), Open: true},
			{Phase: campaign.PhaseProclamation, Start: sampleNow.AddDate(0, 2, 0), End: sampleNow.AddDate(0, 3, 0)}},
		Open:    []campaign.Phase{campaign.PhaseVote, campaign.PhaseComptoirs},
		Actions: []actionLink{{Path: "/pdc-2026/vote", Key: "cpage.action.vote"}},
		Primary: &primaryAction{Path: "/pdc-2026/vote", Key: "pages.primary.vote", Until: sampleNow.AddDate(0, 1, 0)},
		Results: true}
}

func sampleWinners() []winnerGroup {
	return []winnerGroup{{Category: "Solidarité", Winners: []winnerView{{Title: "Jardin", AmountCents: 4_500_00}}},
		{Winners: []winnerView{{Title: "Ferme", AmountCents: 1_000_00}}}}
}

func sampleDossier() *dossier.Dossier {
	at := sampleNow.Add(-48 * time.Hour)
	until := sampleNow.Add(48 * time.Hour)
	return &dossier.Dossier{ID: 12, CampaignID: 1, StructureID: 3, CategoryID: 1, State: dossier.StateDraft,
		Title: "Jardin partagé", Summary: "Un jardin.", Description: "Un jardin partagé au centre.",
		Answers: map[string]string{"1": "Parce que."}, Communes: []string{"62041"}, Timeline: "Printemps",
		SupportCents: 4_500_00, ExtendedUntil: &until, SubmittedAt: &at, StructureName: "Les Jardins",
		LegalForm: dossier.FormAssociation, Arrondissement: "Arras"}
}

func sampleStructure() *dossier.Structure {
	return &dossier.Structure{ID: 3, Name: "Les Jardins", LegalForm: dossier.FormAssociation, ESUS: true,
		SIRET: "12345678900012", RNA: "W123456789", Address: "1 rue Haute", Postcode: "62000", Commune: "62041"}
}

// sampleDossierPage is the page of a dossier's steps, its review and its documents.
func sampleDossierPage(b Base, editable bool) *dossierPage {
	return &dossierPage{Base: b, C: sampleCampaign(), D: sampleDossier(), Category: sampleCategory(),
		Structure: sampleStructure(), URL: "/pdc-2026/dossiers/12",
		Steps: []stepLink{{Key: "projet", URL: "/pdc-2026/dossiers/12/projet", Label: "Projet", Current: true},
			{Key: "budget", URL: "/pdc-2026/dossiers/12/budget", Label: "Budget"}},
		Step: "projet", V: url.Values{"title": {"Jardin"}, "structure": {"a"}, "category": {"1"}},
		Errors: sampleErrors(), SavedAnyway: !editable, Editable: editable, Deadline: "31 mars 2026",
		Questions:   []dossier.Question{{ID: 1, CategoryID: 1, Text: "Pourquoi ?"}},
		Balance:     dossier.Balance{ExpensesCents: 9_000_00, FundingCents: 4_500_00, SupportCents: 4_500_00},
		Computation: "20 % de 9 000 €", Missing: []string{"Le RIB"},
		Documents: []docView{
			{Kind: dossier.DocStatutes, Label: "Statuts", Doc: &dossier.Document{ID: 1, Filename: "statuts.pdf", UploadedAt: sampleNow},
				MaxMB: 10, Accepts: "application/pdf", URL: "/pdc-2026/dossiers/12/documents/1"},
			{Kind: dossier.DocPhoto, Label: "Photo", MaxMB: 5, Accepts: "image/jpeg", URL: "/pdc-2026/dossiers/12/documents/photo"}},
		Communes: []string{"Arras", "Lens"}, Sources: sampleOptions(), Structures: sampleOptions(),
		Categories:  []campaign.Category{sampleCategory()},
		ExpenseRows: []budgetRow{{I: 0, N: 1}}, FundingRows: []budgetRow{{I: 0, N: 1}},
		Staff: true, AgentURL: "/admin/campagnes/pdc-2026/dossiers/12"}
}

func sampleSessionView(cancelled bool) sessionView {
	s := workshop.Session{ID: 4, CampaignID: 1, Title: "Comptoir d'Arras", Description: "Pour avancer.",
		Topics: []workshop.Topic{workshop.TopicPitch, workshop.TopicFunding}, Host: "La Ruche", Address: "2 place",
		Commune: "62041", StartsAt: sampleNow.Add(24 * time.Hour), EndsAt: sampleNow.Add(26 * time.Hour), Capacity: 10,
		Registered: 10, Waiting: 2, CampaignSlug: "pdc-2026", TimeZone: "Europe/Paris"}
	if cancelled {
		at := sampleNow
		s.CancelledAt = &at
	}
	return sessionView{Session: s, CommuneName: "Arras", ArrondissementName: "Arras", Start: s.StartsAt, End: s.EndsAt,
		Path: "/pdc-2026/comptoirs/4"}
}

func sampleIdeaView(hidden bool) ideaView {
	return ideaView{ID: 5, Path: "/pdc-2026/idees/5", Title: "Une idée", Paragraphs: []string{"Premier.", "Second."},
		Excerpt: "Premier.", Theme: "Culture", ThemeKey: idea.ThemeCulture, Commune: "Arras", CommuneCode: "62041",
		Arrondissement: "Arras", Carrier: "Association", Structure: "Les Jardins", Deposited: sampleNow,
		Hidden: hidden, HiddenAt: sampleNow, HiddenReason: "Hors sujet"}
}

func sampleProject() voteProjectView {
	return voteProjectView{ID: 21, Title: "Jardin", Summary: "Un jardin.", Description: "Un jardin partagé.",
		TotalCostCents: 9_000_00, SupportCents: 4_500_00, StructureName: "Les Jardins", Theme: "culture",
		Category: "Solidarité", CategoryID: 1, Places: []string{"Arras", "Lens"}, StructurePlace: "Arras",
		ThemeName: "Culture", Checked: true, HasPhoto: true, Photo: samplePhoto()}
}

func samplePhoto() photoView {
	return photoOf("pdc-2026", 1, vote.Photo{DocID: 5, SHA256: strings.Repeat("ab", 32), Alt: "Des bénévoles dans un jardin", Width: 1200, Height: 800})
}

func sampleReviewNav() []reviewLink {
	return []reviewLink{{URL: "/admin/campagnes/pdc-2026/comite", Label: "Comité", Current: true},
		{URL: "/admin/campagnes/pdc-2026/comite/seance", Label: "Séance"}}
}

func sampleAssignment(conflict review.ConflictState, submitted bool) review.Assignment {
	a := review.Assignment{ID: 2, CampaignID: 1, DossierID: 12, AccountID: 8, MemberName: "Membre",
		MemberEmail: "membre@example.org", MemberKind: review.KindESS, Conflict: conflict, ConflictNote: "Je préside",
		Review: review.Review{Opinion: review.OpinionFavourable, Motivation: "Solide"}}
	if submitted {
		at := sampleNow
		a.Review.SubmittedAt = &at
	}
	return a
}

func sampleSummary() review.Summary {
	return review.Summary{Assigned: 3, Submitted: 2, Conflicts: 1, Eligible: review.EligibilityYes}
}

// pageSamples returns the samples of every page template, with b as their common part.
func pageSamples(b Base) []pageSample {
	c := sampleCampaign()
	errs := sampleErrors()
	opts := sampleOptions()
	d := sampleDossier()
	unverified := &access.Account{ID: 9, Email: "personne@example.org", DisplayName: "Personne", HasPassword: true,
		Disabled: true, CreatedAt: sampleNow}
	acc := accountPage{Base: b, Account: unverified,
		Grants: []grantView{{Role: access.Carrier, Campaign: "Pas-de-Calais 2026"},
			{Role: access.Trustee, Campaign: "Pas-de-Calais 2026", Link: "/pas-de-calais-2026/vote/urne/ouvrir"}}}
	adminAccount := func(self bool) adminAccountPage {
		return adminAccountPage{Base: b, Account: unverified, Self: self,
			Grants: []adminGrantView{{Role: access.Admin}, {Role: access.Carrier, CampaignID: 1, Campaign: "Pas-de-Calais 2026"}},
			Roles:  []access.Role{access.Admin, access.Carrier}, Campaigns: []campaignOption{{ID: 1, Name: "Pas-de-Calais 2026"}},
			Grant: adminGrantForm{Role: "carrier", Campaign: "1"}, GrantErrors: errs, RevokeError: "Refusé", StatusError: "Refusé"}
	}
	reviewDecision := func(decision, proclaimed bool, rows bool) reviewDecisionPage {
		p := reviewDecisionPage{Base: b, Nav: sampleReviewNav(), C: c, ProclaimedAt: "14 mars 2026", Proclaimed: proclaimed,
			V: url.Values{"date": {"2026-03-01"}}, Errors: errs, Results: resultsRecordState{VoteClosed: true, OnBallot: 4}}
		if decision {
			p.Decision = &review.CPDecision{CampaignID: 1, Date: campaign.Date{Year: 2026, Month: time.March, Day: 1},
				Deliberation: "CP-2026-12", Grants: []review.Grant{{DossierID: 12, Title: "Jardin", AmountCents: 4_000_00,
					ComputedCents: 4_500_00, Reason: "Arrondi"}}}
		}
		if rows {
			p.Rows = []reviewGrantRow{{D: *d, Category: "Solidarité", AmountField: "a12", ReasonField: "a12_reason"}}
		}
		return p
	}
	voteHome := func(step, rule string) voteHomePage {
		return voteHomePage{Base: b, Campaign: c, Step: step, Voters: 120,
			Settings: vote.Settings{EmailDeclaration: true, Census: true, OIDC: true}, Rule: rule, K: 3,
			Categories: []voteCategory{{ID: 1, Name: "Solidarité", Projects: []voteProjectView{sampleProject()}, Abstained: true}},
			Error:      "Erreur", Errors: errs,
			Form:     voteIdentityForm{Method: "email", Nom: "Durand", Prenom: "Marie", Naissance: "1990-05-04", Commune: "a"},
			Communes: opts, Publication: campaign.PublishReceipts, ContactEmail: "contact@example.org", Email: "marie@example.org"}
	}
	consoles := []consoleView{sampleConsole(-1), {Console: &console.Console{Campaign: &campaign.Campaign{Slug: "pdc-2018",
		Name: "Pas-de-Calais 2018", Archived: true}}}, {Console: &console.Console{Campaign: &campaign.Campaign{Slug: "pdc-2027",
		Name: "Pas-de-Calais 2027"}}, View: campaignView{Campaign: &campaign.Campaign{Slug: "pdc-2027"}}}}
	workshopShow := func(mine *workshop.Registration, open, started, cancelled bool) workshopShowPage {
		return workshopShowPage{Base: b, C: c, S: sampleSessionView(cancelled), Mine: mine, Open: open, Started: started,
			CanManage: true, CanAttend: true, AnimatorList: []string{"Anne", "Paul"}}
	}
	registration := &workshop.Registration{ID: 1, SessionID: 4, AccountID: 7, Email: "agent@example.org",
		Status: workshop.Waiting, Attendance: workshop.Present}

	samples := []pageSample{
		{page: "account", data: acc},
		{page: "account", note: "password form with errors", data: accountPasswordPage{accountPage: acc, errs: errs}},
		{page: "account", note: "verified, no password, no role", data: accountPage{Base: b, Account: b.Actor.Account}},
		{page: "account", note: "deletion not confirmed", data: accountDeletePage{accountPage: acc, errs: errs}},
		{page: "mydata", data: sampleMyData(b)},
		{page: "espace", data: sampleEspace(b)},
		{page: "espace", note: "nothing yet, with suggestions", data: espacePage{Base: b, Unverified: true,
			Suggestions: []espaceLink{{URL: "/pdc-2026/idees/deposer", Text: "Déposer une idée — Pas-de-Calais 2026"}}}},
		{page: "espace", note: "nothing yet, nothing open", data: espacePage{Base: b, Name: "Marie"}},
		{page: "espace", note: "a carrier without structure", data: espacePage{Base: b, NewStructure: true}},
		{page: "mydata", note: "nothing stored", data: myDataPage{Base: b, X: &mydata.Export{Account: mydata.Account{ID: 7,
			Email: "agent@example.org", Lang: "en", CreatedAt: sampleNow}}}},
		{page: "admin_account", data: adminAccount(true)},
		{page: "admin_account", note: "another account", data: func() adminAccountPage {
			p := adminAccount(false)
			p.Account = b.Actor.Account
			return p
		}()},
		{page: "admin_account", note: "own account, no name, no role", data: adminAccountPage{Base: b, Self: true,
			Account: &access.Account{ID: 7, Email: "agent@example.org", CreatedAt: sampleNow}}},
		{page: "admin_accounts", data: adminAccountsPage{Base: b,
			Filter: adminAccountsFilter{Q: "dur", Role: "carrier", Campaign: "1", Status: "actifs"},
			Roles:  []access.Role{access.Admin, access.Carrier}, Campaigns: []campaignOption{{ID: 1, Name: "Pas-de-Calais 2026"}},
			Accounts: []adminAccountRow{{ID: 9, Email: "personne@example.org", Name: "Personne", Disabled: true,
				Grants: []adminGrantView{{Role: access.Carrier, CampaignID: 1, Campaign: "Pas-de-Calais 2026"}}}},
			Total: 45, From: 21, To: 40, Page: 2, Pages: 3, PrevURL: "/admin/comptes?page=1", NextURL: "/admin/comptes?page=3"}},
		{page: "admin_accounts", note: "one account", data: adminAccountsPage{Base: b,
			Accounts: []adminAccountRow{{ID: 7, Email: "agent@example.org", Verified: true}}, Total: 1, From: 1, To: 1, Page: 1, Pages: 1}},
		{page: "admin_accounts", note: "none", data: adminAccountsPage{Base: b}},
		{page: "admin_audit", data: auditPage{Base: b,
			Filter: auditFilterForm{Kind: "dossier", Entity: "12", Action: "dossier.submit", Actor: "7", From: "2026-01-01", To: "2026-03-01"},
			Entries: []auditRow{
				{Entry: audit.Entry{ID: 3, At: sampleNow, Actor: "account", Action: "dossier.submit", EntityKind: "dossier", EntityID: "12", Before: "null", After: "{}"},
					AccountID: 7, Who: "Karim Agent"},
				{Entry: audit.Entry{ID: 2, At: sampleNow, Actor: "account", Action: "idea.deposit", EntityKind: "idea", EntityID: "4", Before: "null", After: "{}"},
					AccountID: 5, Deleted: true},
				{Entry: audit.Entry{ID: 1, At: sampleNow, Actor: "cli", Action: "campaign.create", EntityKind: "campaign", EntityID: "1", Before: "null", After: "{}"},
					Who: "cli"}},
			NextID: 2, Loc: time.UTC}},
		{page: "admin_audit", note: "empty", data: auditPage{Base: b, Loc: time.UTC}},
		{page: "admin_campaign_form", data: campaignFormPage{Base: b, Slug: "pdc-2026", Name: "Pas-de-Calais 2026",
			V: url.Values{"name": {"Pas-de-Calais 2026"}, "cat0_name": {"Solidarité"}, "archived": {"1"}}, Errors: errs,
			Phases: []phaseFields{{Phase: campaign.PhaseIdeas, Start: "p1_start", End: "p1_end"}},
			Categories: []categoryRow{{Index: 0, Fields: map[string]string{"id": "cat0_id", "name": "cat0_name",
				"description": "cat0_description", "rule": "cat0_rule", "flat": "cat0_flat", "rate": "cat0_rate", "cap": "cat0_cap",
				"floor": "cat0_floor", "envelope": "cat0_envelope", "delete": "cat0_delete"}}},
			VoteRules: opts, Aggregations: opts, Publications: opts, RuleKinds: opts, Updated: sampleNow}},
		{page: "admin_campaign_new", data: campaignNewPage{Base: b, V: url.Values{"source": {"a"}}, Errors: errs, Sources: opts}},
		{page: "admin_campaigns", data: adminHomePage{Base: b, Consoles: consoles, CanManageAccounts: true}},
		{page: "admin_home", data: adminHomePage{Base: b, Consoles: consoles, CanManageAccounts: true}},
		{page: "admin_campaign_console", data: consolePage{Base: b, K: sampleConsole(-1)}},
		{page: "admin_campaign_console", note: "between phases, nothing waiting", data: consolePage{Base: b, K: func() consoleView {
			v := sampleConsole(1)
			v.Waiting = nil
			return v
		}()}},
		{page: "admin_campaign_console", note: "every phase over", data: consolePage{Base: b, K: sampleConsole(3)}},
		{page: "admin_campaign_console", note: "no due date", data: consolePage{Base: b, K: func() consoleView {
			v := sampleConsole(-1)
			v.Due = time.Time{}
			return v
		}()}},
		{page: "calendar", data: campaignPage{Base: b, C: sampleCampaignView()}},
		{page: "campaign", data: campaignPage{Base: b, C: sampleCampaignView(), Winners: sampleWinners()}},
		{page: "campaign", note: "archived, knapsack", data: campaignPage{Base: b, C: campaignView{Campaign: &campaign.Campaign{
			Slug: "pdc-2018", Name: "Pas-de-Calais 2018", Archived: true, VoteRule: campaign.VoteRule{Kind: "knapsack"}}}}},
		{page: "communes", data: communesPage{Base: b, Q: "arr", Dep: "62", DepName: "Pas-de-Calais", Error: "Inconnu", Searched: true,
			Results: []communeView{{Commune: territory.Commune{Code: "62041", Name: "Arras", Postcodes: []string{"62000", "62001"}, Departement: "62"},
				Postcodes: "62000, 62001", DepName: "Pas-de-Calais", ArrName: "Arras"},
				{Commune: territory.Commune{Code: "62498", Name: "Lens", Postcodes: []string{"62300"}, Departement: "62"},
					Postcodes: "62300", DepName: "Pas-de-Calais"},
				{Commune: territory.Commune{Code: "97501", Name: "Miquelon", Departement: "975"}}},
			More: true}},
		{page: "communes", note: "nothing found", data: communesPage{Base: b, Q: "xyz", Searched: true}},
		{page: "dossier_admin", data: dossierAdminPage{Base: b, C: c,
			Rows: []dossierRow{{D: *d, Category: "Solidarité", Commune: "Arras", Arrondissement: "Arras", URL: "/pdc-2026/dossiers/12"},
				{D: dossier.Dossier{ID: 13, State: dossier.StateDraft}, URL: "/pdc-2026/dossiers/13"}},
			Sums:         []categorySum{{Category: sampleCategory(), Submitted: 2, Drafts: 1, SupportCents: 9_000_00, EnvelopeCents: 30_000_00, Global: true, Over: true}},
			TotalSupport: 9_000_00, V: url.Values{"etat": {"a"}}, Categories: opts, States: opts, Arrondissements: opts, LegalForms: opts,
			Query: "etat=draft"}},
		{page: "dossier_admin", note: "search, nothing found", data: dossierAdminPage{Base: b, C: c, Query: "q=v%C3%A9lo",
			Search: sampleSearch("vélo", 0)}},
		{page: "dossier_home", note: "comptoir required", data: dossierHomePage{Base: b, C: c, Dossiers: []dossier.Dossier{*d},
			Open: true, Deadline: "31 mars 2026", Structures: 1, NeedComptoir: true,
			Sessions: []workshop.Session{sampleSessionView(false).Session}}},
		{page: "dossier_home", data: dossierHomePage{Base: b, C: c, Dossiers: []dossier.Dossier{*d, {ID: 13, State: dossier.StateDraft}},
			Open: true, Deadline: "31 mars 2026", Structures: 1}},
		{page: "dossier_home", note: "closed", data: dossierHomePage{Base: b, C: c}},
		{page: "dossier_home", note: "comptoir required, none planned", data: dossierHomePage{Base: b, C: c, NeedComptoir: true}},
		{page: "dossier_project", note: "new dossier", data: &dossierPage{Base: b, C: c, V: url.Values{"category": {"1"}}, Errors: errs,
			Editable: true, Structures: opts, Categories: []campaign.Category{sampleCategory()}}},
		{page: "dossier_project", note: "new dossier, no structure", data: &dossierPage{Base: b, C: c, Errors: errs, Editable: true}},
		{page: "dossier_review", note: "complete", data: func() *dossierPage {
			p := sampleDossierPage(b, true)
			p.Missing, p.Errors = nil, nil
			return p
		}()},
		{page: "dossier_questions", data: questionsPage{Base: b, C: c,
			Rows: []questionRow{{Category: sampleCategory(), Field: "q1", Text: "Pourquoi ?"}}}},
		{page: "dossier_structure_form", data: structureFormPage{Base: b, S: sampleStructure(),
			V: url.Values{"name": {"Les Jardins"}, "esus": {"1"}}, Errors: errs, LegalForms: opts,
			Members: []dossier.Member{{AccountID: 7, Email: "agent@example.org", Name: "Agent"}}, Campaign: "pdc-2026",
			Invitations: []invitationRow{{ID: 4, Email: "invite@example.org", Expires: "11 décembre 2026 à 10 h"}},
			Action:      "/compte/structures/3"}},
		{page: "dossier_structure_form", note: "commune choice", data: structureFormPage{Base: b, V: url.Values{"commune": {"62300"}},
			Errors: errs, LegalForms: opts, Action: "/compte/structures/nouvelle",
			CommuneChoices: []option{{"62291", "Éleu-dit-Leauwette (62300)"}, {"62498", "Lens (62300)"}}}},
		{page: "structure_invitation", data: invitationPage{Base: b, Structure: "Les Jardins <&>", Secret: "s3cret",
			Expires: "11 décembre 2026 à 10 h", Here: "/compte/invitation?jeton=s3cret"}},
		{page: "dossier_structures", data: structuresPage{Base: b, Structures: []dossier.Structure{*sampleStructure()}, Campaign: "pdc-2026"}},
		{page: "dossier_structures", note: "none", data: structuresPage{Base: b}},
		{page: "error", data: errorPage{Base: b, Status: 404, Message: "Introuvable"}},
		{page: "forgot", data: forgotPage{Base: b, Email: "marie@example.org", Errors: errs}},
		{page: "home", data: homePage{Base: b, Current: []campaignView{sampleCampaignView(), func() campaignView {
			v := sampleCampaignView()
			v.Open = nil
			v.Next = &v.Timeline[1]
			v.Primary = &primaryAction{Path: "/pdc-2026/comptoirs", Key: "pages.primary.comptoirs"}
			return v
		}(), func() campaignView {
			v := sampleCampaignView()
			v.Primary = nil
			return v
		}()}, Past: []campaignView{sampleCampaignView()}}},
		{page: "home", note: "no campaign", data: homePage{Base: b}},
		{page: "idea_deposit", data: ideaDepositPage{Base: b, Campaign: c,
			Form: idea.Deposit{Title: "Une idée", Description: "Longue", Theme: idea.ThemeCulture, CommuneText: "Arras",
				CommuneCode: "a", Carrier: idea.CarrierAssociation, Structure: "Les Jardins", Email: "marie@example.org"},
			Errors: errs, Choices: opts, Themes: opts, Carriers: opts, MaxTitle: 120, MaxDesc: 4000}},
		{page: "idea_deposit", note: "e-mail of the account", data: ideaDepositPage{Base: b, Campaign: c,
			Form: idea.Deposit{Email: "marie@example.org"}, EmailFixed: true, Themes: opts, Carriers: opts}},
		{page: "idea_deposit", note: "closed", data: ideaDepositPage{Base: b, Campaign: c, Closed: "Le dépôt est fermé."}},
		{page: "idea_list", data: ideaListPage{Base: b, Campaign: c, Public: true, CanModerate: true, DepositOpen: true,
			Ideas: []ideaView{sampleIdeaView(false)}, Total: 30, Theme: "a", Arrondissement: "b", Themes: opts, Arrondissements: opts,
			Pages: []ideaPageLink{{Num: 1, URL: "/pdc-2026/idees?page=1"}, {Num: 2, URL: "/pdc-2026/idees?page=2", Current: true}},
			Prev:  "/pdc-2026/idees?page=1", Next: "/pdc-2026/idees?page=3", PageNum: 2, PageCount: 3}},
		{page: "idea_list", note: "none", data: ideaListPage{Base: b, Campaign: c, Public: true, Themes: opts, Arrondissements: opts}},
		{page: "idea_list", note: "not public", data: ideaListPage{Base: b, Campaign: c}},
		{page: "idea_list", note: "search", data: ideaListPage{Base: b, Campaign: c, Public: true, Ideas: []ideaView{sampleIdeaView(false)},
			Total: 1, Themes: opts, Arrondissements: opts, Search: sampleSearch("épiceries <&>", 1)}},
		{page: "idea_list", note: "search, nothing found", data: ideaListPage{Base: b, Campaign: c, Public: true, Themes: opts,
			Arrondissements: opts, Search: sampleSearch("vélo", 0)}},
		{page: "idea_list", note: "search of stop words", data: ideaListPage{Base: b, Campaign: c, Public: true, Themes: opts,
			Arrondissements: opts, Search: sampleSearch("de la", 0)}},
		{page: "idea_moderation", data: ideaModerationPage{Base: b, Campaign: c,
			Ideas: []ideaView{sampleIdeaView(true), sampleIdeaView(false)}, Total: 2, State: "masquees",
			Pages: []ideaPageLink{{Num: 1, URL: "/pdc-2026/idees/moderation?page=1", Current: true}, {Num: 2, URL: "/pdc-2026/idees/moderation?page=2"}},
			Prev:  "/pdc-2026/idees/moderation?page=1", Next: "/pdc-2026/idees/moderation?page=2",
			ErrorID: 5, Reason: "Hors sujet", Errors: errs}},
		{page: "idea_moderation", note: "none", data: ideaModerationPage{Base: b, Campaign: c}},
		{page: "idea_moderation", note: "search", data: ideaModerationPage{Base: b, Campaign: c,
			Ideas: []ideaView{sampleIdeaView(true), sampleIdeaView(false)}, Total: 2, Search: sampleSearch("épicerie", 2)}},
		{page: "idea_orientation", data: ideaOrientationPage{Base: b, Campaign: c, Idea: sampleIdeaView(false),
			Sessions: []ideaSessionView{
				{ID: 4, Title: "Comptoir", Path: "/pdc-2026/comptoirs/4", Register: "/pdc-2026/comptoirs/4/inscription",
					Starts: sampleNow, Ends: sampleNow.Add(time.Hour), Commune: "Arras", Host: "La Ruche", Nearness: "epci", Full: true},
				{ID: 5, Title: "Comptoir", Path: "/pdc-2026/comptoirs/5", Register: "/pdc-2026/comptoirs/5/inscription",
					Starts: sampleNow, Ends: sampleNow.Add(time.Hour), Commune: "Lens", Nearness: "arrondissement", SeatsLeft: 3}},
			SignedIn: true, SignInURL: "/connexion", CanRegister: true, EPCIName: "CU d'Arras", ArrName: "Arras",
			WorkshopsURL: "/pdc-2026/comptoirs"}},
		{page: "idea_orientation", note: "none, phase closed", data: ideaOrientationPage{Base: b, Campaign: c, Idea: sampleIdeaView(false)}},
		{page: "idea_show", data: ideaShowPage{Base: b, Campaign: c, Idea: sampleIdeaView(true), CanModerate: true, IsAuthor: true}},
		{page: "opendata", data: opendataPage{Base: b, Campaigns: []opendataCampaign{
			{C: c, Closed: true, Files: []resultsFile{{Name: "bulletins.csv", URL: "/api/v1/campaigns/pdc-2026/ballots.csv"}},
				Commands: []string{"curl …"}, Mode: "individually_verifiable"},
			{C: c, Mode: "recount"}}}},
		{page: "projects_list", data: projectsListPage{Base: b, Campaign: c, Projects: []voteProjectView{sampleProject()}, Total: 1,
			Category: "a", Arrondissement: "a", Theme: "a", Categories: opts, Arrondissements: opts, Themes: opts, VoteOpen: true,
			Map: sampleCommuneMap("projets")}},
		{page: "projects_list", note: "none", data: projectsListPage{Base: b, Campaign: c}},
		{page: "projects_list", note: "search", data: projectsListPage{Base: b, Campaign: c, Projects: []voteProjectView{sampleProject()}, Total: 3,
			Categories: opts, Search: sampleSearch("épicerie", 1)}},
		{page: "projects_list", note: "search, nothing found", data: projectsListPage{Base: b, Campaign: c, Total: 3, Search: sampleSearch("vélo", 0)}},
		{page: "projects_show", data: projectsShowPage{Base: b, Campaign: c, Project: sampleProject(), VoteOpen: true}},
		{page: "projects_show", note: "result and follow-up", data: sampleFollowedProject(b, c, false)},
		{page: "projects_show", note: "abandoned, form in error", data: sampleFollowedProject(b, c, true)},
		{page: "followup_index", data: followupIndexPage{Base: b, Campaign: c, Total: 2, Granted: 9_000_00, Paid: 4_500_00,
			Status: "granted", Category: "a", Arrondissement: "a", Statuses: opts, Categories: opts, Arrondissements: opts,
			Projects: []followupRow{sampleFollowupRow(false), sampleFollowupRow(true)}}},
		{page: "followup_index", note: "none match", data: followupIndexPage{Base: b, Campaign: c, Total: 2}},
		{page: "followup_index", note: "nothing funded", data: followupIndexPage{Base: b, Campaign: c}},
		{page: "subscription", note: "sent", data: subscriptionPage{Base: b, Mode: "sent", ProjectName: "Jardin", ProjectURL: "/c/projets/1"}},
		{page: "subscription", note: "confirm", data: subscriptionPage{Base: b, Mode: "confirm", Secret: "s", ProjectName: "Jardin", ProjectURL: "/c/projets/1"}},
		{page: "subscription", note: "confirmed", data: subscriptionPage{Base: b, Mode: "confirmed", ProjectName: "Jardin", ProjectURL: "/c/projets/1"}},
		{page: "subscription", note: "confirmed, project gone", data: subscriptionPage{Base: b, Mode: "confirmed"}},
		{page: "subscription", note: "unsubscribe", data: subscriptionPage{Base: b, Mode: "unsubscribe", Secret: "s", ProjectName: "Jardin"}},
		{page: "subscription", note: "unsubscribed", data: subscriptionPage{Base: b, Mode: "unsubscribed"}},
		{page: "projects_show", note: "no place", data: projectsShowPage{Base: b, Campaign: c, Project: voteProjectView{ID: 22, Title: "Ferme", Photo: photoOf("pdc-2026", 2, vote.Photo{})}}},
		{page: "register", data: registerPage{Base: b, Form: registerForm{Email: "marie@example.org", Name: "Marie"}, Errors: errs}},
		{page: "reset", data: tokenPage{Base: b, Token: "abc", Error: "Lien expiré", Errors: errs}},
		{page: "results_ballots", data: resultsBallotsPage{Base: b, Campaign: c, Verifiable: true, Ballots: 120,
			Files: []resultsFile{{Name: "bulletins.csv", URL: "/b.csv"}}, Code: "ABCDE", Looked: true, Found: true, Chosen: []string{"Jardin"}}},
		{page: "results_ballots", note: "receipt not found", data: resultsBallotsPage{Base: b, Campaign: c, Verifiable: true, Looked: true}},
		{page: "results_ballots", note: "blank ballot", data: resultsBallotsPage{Base: b, Campaign: c, Verifiable: true, Looked: true, Found: true}},
		{page: "results_ballots", note: "recount only", data: resultsBallotsPage{Base: b, Campaign: c}},
		{page: "results_show", data: func() resultsPage {
			granted := int64(4_000_00)
			chart := barChart{ID: "arr", Title: "Votants", Desc: "Par arrondissement", Width: 600, Height: 200, LabelWidth: 100,
				Bars: []chartBarRow{{Label: "Arras", LabelY: 20, X: 100, Y: 5, W: 300, H: 20, TextX: 410, Value: 12}}}
			return resultsPage{Base: b, Campaign: c, Closed: true, Provisional: true, ProclaimedAt: sampleNow,
				Decision:    &review.CPDecision{Date: campaign.Date{Year: 2026, Month: time.March, Day: 1}, Deliberation: "CP-2026-12"},
				Aggregation: "Glouton.", TieBreak: "Coût.", Ballots: 120,
				Groups: []resultsGroupView{{Name: "Toutes", Global: true, Budget: 10, Spent: 8, Left: 2,
					Rows: []resultsRowView{{Rank: 1, ID: 21, Title: "Jardin", Structure: "Les Jardins", Category: "Solidarité",
						Votes: 60, Support: 4_500_00, TotalCost: 9_000_00, Selected: true, Explanation: "Retenu", Granted: &granted,
						Photo: samplePhoto()}}},
					{Name: "Solidarité", Rows: []resultsRowView{{Rank: 2, Title: "Ferme"}}}},
				Budget: 10, Spent: 8, Left: 2,
				Turnout: &results.Participation{Voters: 120, ByArrondissement: []results.Count{{Key: "621", Label: "Arras", N: 60}},
					ByAge: []results.Count{{Key: "16-24", Label: "16-24", N: 10}}},
				ArrChart: chart, AgeChart: chart, Verifiable: true, Winners: sampleWinners(), WinnerCount: 2,
				VoteCharts: []voteChart{buildVoteChart("v0", "Voix", "Desc", "Enveloppe dépassée", 5_000_00, []resultsRowView{
					{Title: "Jardin", Votes: 60, Support: 4_500_00, Selected: true}, {Title: "Ferme", Votes: 61, Support: 1_000_00}})}}
		}()},
		{page: "results_show", note: "proclaimed", data: resultsPage{Base: b, Campaign: c, Closed: true, ProclaimedAt: sampleNow,
			Turnout: &results.Participation{}}},
		{page: "results_show", note: "vote not closed", data: resultsPage{Base: b, Campaign: c}},
		{page: "results_show", note: "box sealed", data: resultsPage{Base: b, Campaign: c, Closed: true, BoxSealed: true, BoardURL: "/pdc-2026/vote/urne"}},
		{page: "results_show", note: "box unsealed", data: resultsPage{Base: b, Campaign: c, Closed: true, ProclaimedAt: sampleNow,
			Turnout: &results.Participation{}, BoardURL: "/pdc-2026/vote/urne", BoxK: 2, BoxN: 3}},
		{page: "stats", data: func() statsPage {
			row := statsRowView{Name: "Arras", Population: "41\u202f000", Cells: [4]string{"12", "moins de 5", "3", "1\u202f204"}, Rate: "2,9\u00a0%"}
			st := []statsStageView{{Key: "Idées", N: "12", Rate: "0,01\u00a0%"}, {Key: "Votants", N: "1\u202f204", Rate: "2,9\u00a0%"}}
			tbl := statsTable{Lang: b.Lang, ID: "t", Caption: "Par commune", Head: "Commune", Stages: st, Rows: []statsRowView{row}, Total: row}
			return statsPage{Base: b, C: c, Staff: true, Total: row, Stages: st,
				StageChart: buildStatsBars("s", "Étapes", "Desc", b.Lang, []statsBarInput{{"Idées", 12}, {"Votants", 1204}}),
				AgeChart:   buildStatsBars("a", "Âges", "Desc", b.Lang, []statsBarInput{{"18-24 ans", 0}}),
				DayChart: buildStatsDays("d", "Jours", "Desc", []stats.Count{{Key: "2026-09-10", N: 3}, {Key: "2026-09-11", N: 9}},
					map[string]bool{"2026-09-11": true}),
				Days:      []statsCountView{{Label: "10 septembre 2026", N: "3"}, {Label: "11 septembre 2026", N: "9", Reminder: true}},
				Ages:      []statsCountView{{Label: "18-24 ans", N: "0"}},
				Reminders: true, ArrTable: tbl, EPCITable: tbl, CantonTable: tbl, CommuneTable: tbl, Quiet: 1,
				Elsewhere: &statsRowView{Name: "Hors du territoire", Cells: [4]string{"1", "0", "0", "2"}},
				Map:       template.HTML(`<svg role="img" aria-label="Carte"></svg>`),
				Exports:   []resultsFile{{Name: "communes.csv", URL: "/c.csv"}}}
		}()},
		{page: "stats", note: "communes", data: statsPage{Base: b, C: c, CommunesOnly: true, Quiet: 3,
			CommuneTable: statsTable{Lang: b.Lang, ID: "t", Rows: []statsRowView{{Name: "Arras"}}}, Elsewhere: &statsRowView{Name: "Ailleurs"}}},
		{page: "stats", note: "before the vote, public", data: statsPage{Base: b, C: c, Quiet: 887,
			StageChart: buildStatsBars("s", "Étapes", "Desc", b.Lang, nil)}},
		{page: "review_commission", data: reviewCommissionPage{Base: b, Nav: sampleReviewNav(), C: c,
			Rows:     []reviewLabelledRow{{D: *d, Category: "Solidarité", Field: "w12", ReasonField: "w12_reason"}},
			OnBallot: 4, V: url.Values{"w12": {"1"}}, Errors: errs}},
		{page: "review_commission", note: "recorded", data: reviewCommissionPage{Base: b, Nav: sampleReviewNav(), C: c,
			Commission: &review.Commission{CampaignID: 1, Name: "C1", HeldOn: campaign.Date{Year: 2026, Month: time.February, Day: 2},
				Reference: "C1-2026"}, OnBallot: 4, Phase: true}},
		{page: "review_committee", data: reviewCommitteePage{Base: b, Nav: sampleReviewNav(), C: c,
			Members: []review.Member{{CampaignID: 1, AccountID: 8, Email: "membre@example.org", Name: "Membre", Kind: review.KindESS,
				Organisation: "CRESS", Assigned: 3, Submitted: 2, Conflicts: 1}},
			MemberOpts: opts, Kinds: opts, MinReviewers: 2,
			Rows: []reviewAssignRow{{D: *d, Category: "Solidarité", Assignments: []review.Assignment{
				sampleAssignment(review.ConflictDeclared, false), sampleAssignment(review.ConflictNone, true),
				sampleAssignment(review.ConflictPending, false), sampleAssignment(review.ConflictNone, false)},
				Active: 3, Missing: 1}},
			V: url.Values{}, Errors: errs}},
		{page: "review_committee", note: "empty", data: reviewCommitteePage{Base: b, C: c}},
		{page: "review_criteria", data: reviewCriteriaPage{Base: b, Nav: sampleReviewNav(), C: c,
			Rows: []reviewCriteriaRow{{Category: sampleCategory(), Field: "crit1", Text: "Utilité | 2"}}, Errors: errs}},
		{page: "review_decision", note: "proclaimed", data: reviewDecision(true, true, false)},
		{page: "review_decision", note: "decision recorded", data: reviewDecision(true, false, false)},
		{page: "review_decision", note: "decision to record", data: reviewDecision(false, false, true)},
		{page: "review_decision", note: "results to record", data: reviewDecision(false, false, false)},
		{page: "review_decision", note: "vote open", data: reviewDecisionPage{Base: b, C: c}},
		{page: "review_dossier", data: reviewDossierPage{Base: b, Nav: sampleReviewNav(), C: c, D: d, Category: sampleCategory(),
			Cards: []reviewCardView{{A: sampleAssignment(review.ConflictDeclared, false)}, {A: sampleAssignment(review.ConflictNone, false)},
				{A: sampleAssignment(review.ConflictNone, true),
					Items:    []reviewItemView{{Item: review.ItemESSForm, Answer: review.AnswerYes, Comment: "Oui"}},
					Scores:   []reviewScoreView{{Criterion: review.Criterion{ID: 1, Label: "Utilité", Weight: 2}, Score: "3", Comment: "Forte"}},
					Weighted: "15,5"}},
			Summary: sampleSummary(), Average: "14,2", Spread: "3", Decisions: opts,
			History:    []review.Event{{From: dossier.StateSubmitted, To: dossier.StateSubmitted, Motivation: "Déposé", At: sampleNow}},
			DossierURL: "/pdc-2026/dossiers/12", Phase: true}},
		{page: "review_dossier", note: "no reviewer", data: reviewDossierPage{Base: b, C: c, D: d, Category: sampleCategory()}},
		{page: "review_form", data: reviewFormPage{Base: b, C: c, D: d, Category: sampleCategory(),
			A:        func() *review.Assignment { a := sampleAssignment(review.ConflictNone, true); return &a }(),
			Items:    []reviewItemField{{Item: review.ItemESSForm, Field: "item_ess", CommentField: "item_ess_comment"}},
			Criteria: []reviewCriterionField{{Criterion: review.Criterion{ID: 1, Label: "Utilité", Weight: 2}, Field: "crit_1", CommentField: "crit_1_comment"}},
			Answers:  opts, Scores: []string{"0", "1", "2", "3"}, Opinions: opts,
			V:      url.Values{"item_ess": {"a"}, "crit_1": {"2"}, "opinion": {"a"}},
			Errors: errs, DossierURL: "/pdc-2026/dossiers/12", Weighted: "15,5", SubmittedAt: "13 mars 2026"}},
		{page: "review_form", note: "draft", data: reviewFormPage{Base: b, C: c, D: d, Category: sampleCategory(),
			A: func() *review.Assignment { a := sampleAssignment(review.ConflictNone, false); return &a }()}},
		{page: "review_form", note: "declaration", data: reviewFormPage{Base: b, C: c, D: d, Category: sampleCategory(),
			A: func() *review.Assignment { a := sampleAssignment(review.ConflictPending, false); return &a }(), Declare: true}},
		{page: "review_history", data: reviewHistoryPage{Base: b, C: c, D: d,
			Events:  []review.Event{{From: dossier.StateDraft, To: dossier.StateSubmitted, Motivation: "Déposé", At: sampleNow}},
			Current: dossier.StateSubmitted}},
		{page: "review_history", note: "none", data: reviewHistoryPage{Base: b, C: c, D: d, Current: dossier.StateDraft}},
		{page: "review_mine", data: reviewMinePage{Base: b, C: c, Rows: []reviewMineRow{
			{A: sampleAssignment(review.ConflictDeclared, false), D: *d, URL: "/pdc-2026/comite/12", Status: "review.mine.status.conflict"},
			{A: sampleAssignment(review.ConflictNone, false), D: *d, URL: "/pdc-2026/comite/12", Status: "review.mine.status.todo"}}}},
		{page: "review_mine", note: "none", data: reviewMinePage{Base: b, C: c}},
		{page: "review_session", data: reviewSessionPage{Base: b, Nav: sampleReviewNav(), C: c,
			Rows: []reviewSessionRow{{Row: review.Row{Dossier: *d, Category: sampleCategory(), Summary: sampleSummary(), Motivation: "Retenu"},
				Average: "14,2", Spread: "3", Min: "12", Max: "15", Opinions: []string{"2 favorables", "1 réservé"},
				URL: "/admin/campagnes/pdc-2026/comite/dossiers/12"}},
			Decisions: opts, Counts: []string{"3 dossiers", "1 éligible"}, V: url.Values{"decision": {"a"}}, Errors: errs}},
		{page: "review_session", note: "empty", data: reviewSessionPage{Base: b, C: c, Phase: true}},
		// Issue 22 item 3: the due date, the overdue reviews, the quorum's override.
		{page: "review_committee", note: "due date, overdue", data: reviewCommitteePage{Base: b, Nav: sampleReviewNav(), C: c,
			MinReviewers: 2, Settings: review.Settings{MinReviewers: 2, Quorum: 2, DueOn: campaign.Date{Year: 2026, Month: time.March, Day: 20}},
			Due: "20 mars 2026", Overdue: 2, QuorumValue: "2", DueValue: "2026-03-20",
			Rows: []reviewAssignRow{{D: *d, Category: "Solidarité", Assignments: []review.Assignment{
				sampleAssignment(review.ConflictNone, false)}, Active: 1, Late: map[int64]bool{sampleAssignment(review.ConflictNone, false).ID: true}}},
			V: url.Values{}, Errors: errs}},
		{page: "review_committee", note: "one overdue", data: reviewCommitteePage{Base: b, C: c, Due: "20 mars 2026", Overdue: 1}},
		{page: "review_mine", note: "due date passed", data: reviewMinePage{Base: b, C: c, Due: "vendredi 20 mars 2026", Late: true,
			Rows: []reviewMineRow{{A: sampleAssignment(review.ConflictNone, false), D: *d, URL: "/pdc-2026/comite/12", Status: "review.mine.status.todo"}}}},
		{page: "review_form", note: "due date", data: reviewFormPage{Base: b, C: c, D: d, Category: sampleCategory(), Due: "vendredi 20 mars 2026",
			A: func() *review.Assignment { a := sampleAssignment(review.ConflictNone, false); return &a }()}},
		{page: "review_session", note: "below the quorum", data: reviewSessionPage{Base: b, Nav: sampleReviewNav(), C: c, Quorum: 2,
			Rows:     []reviewSessionRow{{Row: review.Row{Dossier: *d, Category: sampleCategory(), Summary: sampleSummary()}}},
			Selected: map[int64]bool{d.ID: true}, Decisions: opts,
			V:      url.Values{"decision": {"a"}, "override": {"1"}, "override_reason": {"Absent"}},
			Errors: apperr.FieldErrors{"override": apperr.Msg("committee.quorum.below", d.ID, 2, 1)}, Phase: true}},
		{page: "review_dossier", note: "below the quorum", data: reviewDossierPage{Base: b, C: c, D: d, Category: sampleCategory(),
			Decisions: opts, Quorum: 1, V: url.Values{"decision": {"a"}, "motivation": {"Motif"}},
			Errors: apperr.FieldErrors{"override_reason": apperr.Msg("committee.quorum.reason_required")}}},
		{page: "signin", data: signinPage{Base: b, Email: "marie@example.org", Next: "/compte", Error: "Refusé", Errors: errs}},
		{page: "signin_code", note: "code sent", data: signinCodePage{Base: b, Email: "marie@example.org", Next: "/compte",
			CodeSent: true, Minutes: 15, Error: "Code faux", Errors: errs}},
		{page: "signin_code", data: signinCodePage{Base: b, Email: "marie@example.org", Next: "/compte", Minutes: 15, Errors: errs}},
		{page: "static", data: staticPageData{Base: b, Name: "legal", Paragraphs: []template.HTML{"Un <strong>texte</strong>."}}},
		{page: "verify", data: tokenPage{Base: b, Token: "abc", Error: "Lien expiré"}},
		{page: "vote_admin", data: voteAdminPage{Base: b, Campaign: c, Settings: vote.Settings{EmailDeclaration: true, Census: true, OIDC: true},
			CensusSize: 1000, Voters: 120, Message: "Enregistré", Error: "Erreur",
			BadLines: []vote.CensusLineError{{Line: 3, Reason: "date"}}, VoterDays: "0", RetentionErrors: apperr.FieldErrors{"voter_days": apperr.Msg("error.required")}}},
		{page: "privacy", data: privacyPageData{Base: b, Paragraphs: []template.HTML{"Un <strong>texte</strong>."},
			Rows: []retentionRow{{Kind: "Sessions", Duration: "12 heures"}}, Site: privacy.Site{DPOContact: "dpo@example.org"}}},
		{page: "privacy_register", data: privacyPageData{Base: b, Site: privacy.Site{Controller: "Département", DPOContact: "dpo@example.org"},
			Processings: []processingView{{Key: "vote", Rows: []retentionRow{{Kind: "Registre", Duration: "90 jours"}}}}}},
		{page: "privacy_register", note: "no controller named", data: privacyPageData{Base: b,
			Processings: []processingView{{Key: "accounts"}}}},
		{page: "admin_identity", data: adminIdentityData{Base: b, Form: map[string]string{"name": "Département", "color": "#ffff00"},
			LogoURL: "/identite/logo?v=abcd", Contrast: "8,2:1",
			Errors: apperr.FieldErrors{"color": apperr.Msg("identity.invalid.contrast", "1,1:1", "4,5:1"), "logo": apperr.Msg("identity.invalid.svg")}}},
		{page: "admin_identity", note: "no logo yet", data: adminIdentityData{Base: b, Form: map[string]string{}, Contrast: "8,2:1"}},
		{page: "admin_privacy", data: adminPrivacyData{Base: b, Form: siteForm(privacy.DefaultSite),
			Errors: apperr.FieldErrors{"throttle_hours": apperr.Msg("error.required"), "controller": apperr.Msg("error.required")}}},
		{page: "vote_box_admin", note: "no box, the form with errors", data: ceremonyPage{Base: b, Campaign: c, HasVote: true,
			VoteStart: sampleNow.AddDate(0, 1, 0), CanSeal: true, V: url.Values{"trustees": {"a@example.org\nb@example.org"}, "k": {"2"}},
			Errors: errs, Error: "Refus"}},
		{page: "vote_box_admin", note: "sealed", data: ceremonyPage{Base: b, Campaign: c, HasVote: true, Box: sampleCeremonyBox(false)}},
		{page: "vote_box_admin", note: "unsealed", data: ceremonyPage{Base: b, Campaign: c, HasVote: true, Late: true, Closed: true,
			Box: sampleCeremonyBox(true)}},
		{page: "vote_box_admin", note: "too late", data: ceremonyPage{Base: b, Campaign: c, HasVote: true, Late: true, Closed: true}},
		{page: "vote_box_admin", note: "late, the form", data: ceremonyPage{Base: b, Campaign: c, HasVote: true, Late: true, CanSeal: true,
			VoteStart: sampleNow.AddDate(0, 0, -1), VoteEnd: sampleNow.AddDate(0, 0, 20)}},
		{page: "vote_box_admin", note: "no vote", data: ceremonyPage{Base: b, Campaign: c}},
		{page: "vote_box_shares", data: func() ceremonySharesPage {
			box := sampleCeremonyBox(false)
			for i := range box.Trustees {
				box.Trustees[i].Share = "BC1-3F9A0C1D2E4B5A69-0" + string(rune('1'+i)) + "-7QK2-M9ZD-W4HT-5R"
			}
			return ceremonySharesPage{Base: b, Campaign: c, Box: box, VoteEnd: sampleNow.AddDate(0, 2, 0),
				UnsealURL: "https://example.org/pdc-2026/vote/urne/ouvrir"}
		}()},
		{page: "vote_box_shares", note: "no vote end", data: ceremonySharesPage{Base: b, Campaign: c, Box: sampleCeremonyBox(false)}},
		{page: "vote_box_unseal", note: "the form with an error", data: unsealPage{Base: b, Campaign: c, Box: sampleCeremonyBox(false),
			VoteEnd: sampleNow.AddDate(0, 0, -1), Closed: true, CanOpen: true, Fields: []int{1, 2}, Errors: errs}},
		{page: "vote_box_unseal", note: "before the close", data: unsealPage{Base: b, Campaign: c, Box: sampleCeremonyBox(false),
			VoteEnd: sampleNow.AddDate(0, 0, 1)}},
		{page: "vote_box_unseal", note: "unsealed", data: unsealPage{Base: b, Campaign: c, Box: sampleCeremonyBox(true), Closed: true}},
		{page: "vote_box_unseal", note: "no box", data: unsealPage{Base: b, Campaign: c, Closed: true}},
		{page: "vote_box_unsealed", data: unsealedPage{Base: b, Campaign: c, BoxID: "3f9a0c1d2e4b5a69", Ballots: 1234}},
		{page: "vote_home", note: "before the vote", data: voteHome("before", "")},
		{page: "vote_home", note: "after the vote", data: voteHome("after", "")},
		{page: "vote_home", note: "start", data: voteHome("start", "")},
		{page: "vote_home", note: "start, no e-mail, no receipt", data: voteHomePage{Base: b, Campaign: c, Step: "start"}},
		{page: "vote_home", note: "no voter role", data: voteHome("norole", "")},
		{page: "vote_home", note: "voted", data: voteHome("voted", "")},
		{page: "vote_home", note: "empty ballot", data: voteHomePage{Base: b, Campaign: c, Step: "ballot"}},
		{page: "vote_home", note: "identity", data: voteHome("identity", "")},
		{page: "vote_home", note: "one per category", data: voteHome("ballot", "one-per-category")},
		{page: "vote_home", note: "approval", data: voteHome("ballot", "approval")},
		{page: "vote_home", note: "knapsack", data: voteHome("ballot", "knapsack")},
		{page: "vote_oidc", data: voteOIDCPage{Base: b, Campaign: c, GivenName: "Marie", FamilyName: "Durand", BirthDate: "4 mai 1990",
			Commune: "a", Communes: opts, Error: "Erreur", Errors: errs}},
		{page: "vote_receipt", data: voteReceiptPage{Base: b, Campaign: c, Receipt: "ABCDE-FGHJK", Day: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), Publication: campaign.PublishReceipts, CheckURL: "https://example.org/c/resultats/bulletins"}},
		{page: "vote_receipt", note: "no publication", data: voteReceiptPage{Base: b, Campaign: c, Receipt: "ABCDE-FGHJK"}},
		{page: "vote_receipt", note: "sealed box", data: voteReceiptPage{Base: b, Campaign: c, Receipt: "ABCDE-FGHJK", Tracker: "3f2a9c0d5e7b11aa", Day: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}},
		{page: "vote_board", note: "no sealed box", data: voteBoardPage{Base: b, Campaign: c, Phase: "during", Ballots: 12, Register: 12, Page: 1, Pages: 1}},
		{page: "vote_board", note: "sealed, found", data: voteBoardPage{Base: b, Campaign: c, Phase: "during", HasBox: true,
			BoxID: "0a1b2c3d4e5f6071", K: 2, N: 3, SealedAt: sampleNow, Trustees: []string{"Anne", "Garant n° 2"},
			Ballots: 501, Register: 501, Hash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", First: 1,
			Page: 1, Pages: 2, NextURL: "/pdc-2026/vote/urne?page=2", ListURL: "/pdc-2026/vote/urne/empreintes.txt",
			Looked: true, Trackers: []boardTracker{{Place: 1, Short: "00a1b2c3d4e5f607", Full: "00a1b2c3d4e5f60718293a4b5c6d7e8f"}},
			Lookup: "00a1b2c3d4e5f607", Found: true, FoundPlace: 1, FoundPage: 1, FoundURL: "/pdc-2026/vote/urne?page=1#t1"}},
		{page: "vote_board", note: "unsealed, not found", data: voteBoardPage{Base: b, Campaign: c, Phase: "after", HasBox: true, Unsealed: true,
			BoxID: "0a1b2c3d4e5f6071", K: 2, N: 3, SealedAt: sampleNow, UnsealedAt: sampleNow, Trustees: []string{"Anne", "Bruno"},
			Ballots: 501, Register: 501, Hash: "e3b0", Trackers: []boardTracker{{Place: 501, Short: "ff", Full: "ff"}}, First: 501, Page: 2, Pages: 2,
			PrevURL: "/pdc-2026/vote/urne?page=1", ResultsURL: "/pdc-2026/resultats", Lookup: "<x>", Looked: true}},
		{page: "vote_board", note: "sealed, empty", data: voteBoardPage{Base: b, Campaign: c, Phase: "before", HasBox: true, K: 2, N: 2, Register: 1, Page: 1, Pages: 1}},
		{page: "vote_board", note: "no sealed box, one voter", data: voteBoardPage{Base: b, Campaign: c, Phase: "after", Ballots: 1, Register: 1, Page: 1, Pages: 1}},
		{page: "vote_review", data: voteReviewPage{Base: b, Campaign: c,
			Categories: []voteCategory{{ID: 1, Name: "Solidarité", Projects: []voteProjectView{sampleProject()}},
				{ID: 2, Name: "Culture", Abstained: true}},
			Chosen: []int64{21}, BackURL: "/pdc-2026/vote", TotalCents: 4_500_00, Rule: "knapsack"}},
		{page: "workshop_attendance", data: workshopAttendancePage{Base: b, C: c, S: sampleSessionView(false),
			Seats: []workshop.Registration{{AccountID: 7, Name: "Agent", Attendance: workshop.Present},
				{AccountID: 8, Email: "membre@example.org", Attendance: workshop.Absent}},
			Waiting:   []workshop.Registration{{AccountID: 9, Name: "Personne"}, {AccountID: 10, Email: "x@example.org"}},
			CanExport: true}},
		{page: "workshop_attendance", note: "nobody", data: workshopAttendancePage{Base: b, C: c, S: sampleSessionView(false)}},
		{page: "workshop_attendance", note: "not started", data: workshopAttendancePage{Base: b, C: c, S: sampleSessionView(false), NotStarted: true}},
		{page: "workshop_coverage", data: workshopCoveragePage{Base: b, C: c,
			Cov: workshop.Coverage{Measures: []string{"sessions"},
				Arrondissements: []workshop.CoverageRow{{Code: "621", Name: "Arras", Values: map[string]int{"sessions": 0}}},
				EPCIs:           []workshop.CoverageRow{{Code: "200", Name: "CU d'Arras", Values: map[string]int{"sessions": 2}}},
				Total:           workshop.CoverageRow{Name: "Total", Values: map[string]int{"sessions": 2}}},
			Measures: []measureHead{{Key: "sessions", Label: "Comptoirs"}},
			Empty:    []workshop.CoverageRow{{Code: "621", Name: "Arras"}},
			Chart: coverageChart{Width: 600, Height: 200, LabelWidth: 100, Rows: []chartRow{{Label: "Arras", Y: 30, Empty: true}},
				Panels: []chartPanel{{Title: "Comptoirs", X: 100, Bars: []chartBar{{X: 100, Y: 20, W: 50, H: 14, TextX: 160, Value: 2}}}}}}},
		{page: "workshop_form", data: workshopFormPage{Base: b, C: c, SessionID: 4, Action: "/pdc-2026/comptoirs/4/modifier",
			F: workshop.Form{Title: "Comptoir", Description: "Pour avancer", Topics: []string{"a"}, Host: "La Ruche", Address: "2 place",
				Commune: "Arras", Start: "2026-03-15T10:00", End: "2026-03-15T12:00", Capacity: "10", Animators: []string{"7"}},
			Errors: errs, Topics: opts,
			Animators: []workshop.AnimatorCandidate{{ID: 7, Email: "agent@example.org", Name: "Agent"}, {ID: 8, Email: "membre@example.org"}},
			TimeZone:  "Europe/Paris", Registered: 3}},
		{page: "workshop_form", note: "no animator", data: workshopFormPage{Base: b, C: c, Action: "/pdc-2026/comptoirs/nouveau", Topics: opts}},
		{page: "workshop_list", data: workshopListPage{Base: b, C: c, Sessions: []sessionView{sampleSessionView(false), func() sessionView {
			s := sampleSessionView(false)
			s.Registered = 3
			return s
		}()},
			Arrondissements: opts, Topics: opts, Arr: "a", Topic: "b", Filtered: true, ICSURL: "/pdc-2026/comptoirs.ics",
			CanManage: true, Map: sampleCommuneMap("comptoirs")}},
		{page: "workshop_list", note: "none", data: workshopListPage{Base: b, C: c, Open: true}},
		{page: "workshop_list", note: "none for the filter", data: workshopListPage{Base: b, C: c, Filtered: true}},
		{page: "workshop_manage", data: workshopManagePage{Base: b, C: c, Sessions: []sessionView{sampleSessionView(true), sampleSessionView(false)}}},
		{page: "workshop_manage", note: "none", data: workshopManagePage{Base: b, C: c}},
		{page: "workshop_manage", note: "search", data: workshopManagePage{Base: b, C: c, Sessions: []sessionView{sampleSessionView(false)},
			Search: sampleSearch("épicerie", 1)}},
		{page: "workshop_manage", note: "search, nothing found", data: workshopManagePage{Base: b, C: c, Search: sampleSearch("vélo", 0)}},
		{page: "workshop_list", note: "search", data: workshopListPage{Base: b, C: c, Sessions: []sessionView{sampleSessionView(false)},
			Filtered: true, Search: sampleSearch("épicerie", 1)}},
		{page: "workshop_list", note: "search, nothing found", data: workshopListPage{Base: b, C: c, Filtered: true, Search: sampleSearch("vélo", 0)}},
		{page: "workshop_mine", data: workshopMinePage{Base: b, C: c, Items: []myRegistrationView{
			{MyRegistration: workshop.MyRegistration{Registration: workshop.Registration{Status: workshop.Registered, Attendance: workshop.Present}},
				S: sampleSessionView(true)},
			{MyRegistration: workshop.MyRegistration{Registration: workshop.Registration{Status: workshop.Waiting, Attendance: workshop.Absent}, Position: 2},
				S: sampleSessionView(false)},
			{MyRegistration: workshop.MyRegistration{Registration: workshop.Registration{Status: workshop.Registered}}, S: sampleSessionView(false)}}}},
		{page: "workshop_mine", note: "none", data: workshopMinePage{Base: b, C: c}},
		{page: "workshop_show", note: "registered", data: workshopShow(registration, false, false, false)},
		{page: "workshop_show", note: "registered, started", data: workshopShow(&workshop.Registration{Status: workshop.Registered}, false, true, false)},
		{page: "workshop_show", note: "open", data: workshopShow(nil, true, false, false)},
		{page: "workshop_show", note: "open, seats left, visitor", data: workshopShowPage{Base: func() Base {
			v := b
			v.Actor = access.Visitor
			return v
		}(), C: c, S: func() sessionView {
			s := sampleSessionView(false)
			s.Registered = 3
			return s
		}(), Open: true}},
		{page: "workshop_show", note: "open, seats left, signed in", data: workshopShowPage{Base: b, C: c, S: func() sessionView {
			s := sampleSessionView(false)
			s.Registered = 3
			return s
		}(), Open: true, CanManage: true}},
		{page: "workshop_show", note: "phase closed", data: workshopShowPage{Base: b, C: c, S: sampleSessionView(false)}},
		{page: "workshop_show", note: "cancelled", data: workshopShow(nil, false, false, true)},
		{page: "workshop_show", note: "started", data: workshopShow(nil, false, true, false)},
		{page: "workshop_show", note: "ended", data: func() workshopShowPage {
			p := workshopShow(nil, false, true, false)
			p.Ended = true
			return p
		}()},
	}
	// The steps of a dossier: being written, read only past the deadline, handed in.
	for _, page := range []string{"dossier_project", "dossier_presentation", "dossier_budget", "dossier_documents", "dossier_review"} {
		submitted := sampleDossierPage(b, false)
		submitted.D.State, submitted.Errors, submitted.SavedAnyway = dossier.StateSubmitted, nil, false
		samples = append(samples, pageSample{page: page, data: sampleDossierPage(b, true)},
			pageSample{page: page, note: "past the deadline", data: sampleDossierPage(b, false)},
			pageSample{page: page, note: "handed in", data: submitted})
	}
	samples = append(samples, followupUpdatesSamples(b)...)
	samples = append(samples, newsSamples(b)...)
	samples = append(samples, followupMoneySamples(b)...)
	return samples
}

// sampleMyData is a person's data with one item of each kind, every optional part filled.
func sampleMyData(b Base) myDataPage {
	at := sampleNow.Add(-24 * time.Hour)
	c := mydata.Campaign{ID: 1, Slug: "pdc-2026", Name: "Pas-de-Calais 2026"}
	x := &mydata.Export{GeneratedAt: sampleNow,
		Account: mydata.Account{ID: 7, Email: "agent@example.org", DisplayName: "Agent <&>", Lang: "fr", CreatedAt: at,
			VerifiedAt: &at, HasPassword: true, Roles: []mydata.Role{{Role: access.Citizen}, {Role: access.Carrier, Campaign: &c}}},
		Ideas: []mydata.Idea{{ID: 3, Campaign: c, Title: "Jardin", Description: "Un jardin.", Theme: idea.Themes()[0],
			Commune: "62041", Carrier: string(idea.CarrierAssociation), Structure: "Les Jardins", CreatedAt: at,
			HiddenAt: &at, HiddenReason: "Hors sujet"}},
		Workshops: []mydata.Registration{{Campaign: c, SessionID: 4, Title: "Comptoir", StartsAt: at, EndsAt: at,
			Cancelled: true, Status: string(workshop.Waiting), WaitPosition: 2, Attendance: string(workshop.Present), RegisteredAt: at}},
		Structures: []mydata.Structure{{ID: 5, Name: "Les Jardins", LegalForm: "association", SIRET: "12345678900011",
			RNA: "W621000001", Address: "1 rue Haute", Postcode: "62000", Commune: "62041", CreatedByMe: true, MemberSince: at}},
		Dossiers: []mydata.Dossier{{ID: 12, Campaign: c, StructureID: 5, Structure: "Les Jardins", State: "submitted",
			Title: "Jardin", Summary: "Résumé", CostCents: 12_000_00, CreatedByMe: true, CreatedAt: at, SubmittedAt: &at}},
		Votes: []mydata.Vote{{Campaign: c, Method: "email", Commune: "62041", BirthDate: "1990-04-01", Voted: true},
			{Campaign: c, Method: "census", Commune: "62041", BirthDate: "1990-04-01"}},
		Subscriptions: []mydata.Subscription{{Campaign: c, Kind: "project", TargetID: 12, Title: "Jardin", CreatedAt: at, ConfirmedAt: &at},
			{Campaign: c, Kind: "project", TargetID: 13, CreatedAt: at}},
	}
	return myDataPage{Base: b, X: x, communes: map[string]string{"62041": "Arras (62041)"}}
}

// sampleEspace is a person's space with one or more items of every kind.
func sampleEspace(b Base) espacePage {
	link := &espaceLink{URL: "/pdc-2026/dossiers/12/budget", Text: "Budget"}
	return espacePage{Base: b, Name: "Marie Durand",
		Ideas: []espaceIdea{{Campaign: "Pas-de-Calais 2026", Title: "Un jardin", URL: "/pdc-2026/idees/3",
			Orientation: "/pdc-2026/idees/3/orientation", Hidden: true, Deposited: sampleNow}},
		Registrations: []espaceRegistration{{Campaign: "Pas-de-Calais 2026", Title: "Comptoir d'Arras", URL: "/pdc-2026/comptoirs/4",
			Start: sampleNow, Status: "Inscrit", Attendance: "Présent"}, {Campaign: "Pas-de-Calais 2026", Title: "Comptoir de Lens",
			URL: "/pdc-2026/comptoirs/5", Start: sampleNow, Status: "Liste d'attente"}},
		MyWorkshops: []espaceLink{{URL: "/pdc-2026/comptoirs/mes-inscriptions", Text: "Toutes mes inscriptions"}},
		Structures:  []espaceLink{{URL: "/compte/structures/2", Text: "Les Jardins"}}, NewStructure: true,
		Dossiers: []espaceDossier{{Campaign: "Pas-de-Calais 2026", Title: "Jardin", Structure: "Les Jardins", URL: "/pdc-2026/dossiers/12",
			State: "Brouillon", Next: "Compléter", NextLink: link}, {Campaign: "Pas-de-Calais 2026", Title: "Verger",
			Structure: "Les Jardins", URL: "/pdc-2026/dossiers/13", State: "Déposé", Next: "Attendre"}},
		Votes: []espaceVote{{Campaign: "Pas-de-Calais 2026", Voted: true, URL: "/pdc-2026/vote"},
			{Campaign: "Pas-de-Calais 2027", Open: "Ouvert", URL: "/pdc-2027/vote"}},
		Committees: []espaceCommittee{{Campaign: "Pas-de-Calais 2026", URL: "/pdc-2026/comite", ToDo: 1,
			Assignments: []espaceAssignment{{Title: "Jardin", URL: "/pdc-2026/comite/12", Status: "Avis à rendre", Assigned: sampleNow},
				{Title: "Verger", Status: "Conflit", Assigned: sampleNow}}},
			{Campaign: "Pas-de-Calais 2027", URL: "/pdc-2027/comite", ToDo: 2, Due: "lundi 1er mars 2027"}, {Campaign: "Pas-de-Calais 2028", URL: "/pdc-2028/comite"},
			{Campaign: "Pas-de-Calais 2018", URL: "/pdc-2018/comite", Done: 1}, {Campaign: "Pas-de-Calais 2019", URL: "/pdc-2019/comite", Done: 19}},
		Animations: []espaceAnimation{{Campaign: "Pas-de-Calais 2026", URL: "/pdc-2026/comptoirs", Sessions: []espaceSession{
			{Title: "Comptoir d'Arras", URL: "/pdc-2026/comptoirs/4", Attendance: "/pdc-2026/comptoirs/4/presences", Start: sampleNow, Unmarked: 1},
			{Title: "Comptoir de Lens", URL: "/pdc-2026/comptoirs/5", Attendance: "/pdc-2026/comptoirs/5/presences", Start: sampleNow, Unmarked: 3},
			{Title: "Comptoir de Béthune", URL: "/pdc-2026/comptoirs/6", Attendance: "/pdc-2026/comptoirs/6/presences", Start: sampleNow, Upcoming: true}}},
			{Campaign: "Pas-de-Calais 2027", URL: "/pdc-2027/comptoirs"}},
		Trusteeships: []espaceLink{{URL: "/pdc-2026/vote/urne/ouvrir", Text: "Pas-de-Calais 2026"}},
		Staff:        []espaceLink{{URL: "/admin", Text: "Administration"}},
		Suggestions:  []espaceLink{{URL: "/pdc-2026/comptoirs", Text: "S'inscrire à un comptoir — Pas-de-Calais 2026"}}}
}

// sampleFollowupRow is a funded project as the follow-up page lists it.
func sampleFollowupRow(abandoned bool) followupRow {
	at := sampleNow.Add(-48 * time.Hour)
	r := followupRow{ID: 21, Title: "Jardin <partagé>", Structure: "Asso", Category: "Environnement", CategoryID: 1,
		State: dossier.StateInProgress, Progress: 40, Step: 1, StepLabel: "Convention signée", Granted: 9_000_00, Paid: 4_500_00,
		Updates: 2, LastUpdate: &at, Arrondissements: []string{"621"}, Places: []string{"Arras", "Lens"},
		Dates: followup.Milestones{GrantedAt: &at}}
	if abandoned {
		r.State, r.LastUpdate, r.Places, r.StepLabel = dossier.StateAbandoned, nil, nil, ""
		r.Dates.AbandonedAt, r.Dates.Reason = &at, "Local perdu"
	}
	return r
}

// sampleFollowedProject is the page of a funded project with its result and follow-up.
func sampleFollowedProject(b Base, c *campaign.Campaign, abandoned bool) projectsShowPage {
	granted := int64(9_000_00)
	progress := 40
	planned, _ := campaign.ParseDate("2026-04-01")
	done, _ := campaign.ParseDate("2026-04-03")
	p := projectsShowPage{Base: b, Campaign: c, Project: sampleProject(),
		Result: &projectResultView{Rank: 2, Votes: 321, Selected: true, Explanation: "Retenu", Provisional: abandoned, Granted: &granted,
			Decision: &review.CPDecision{Date: planned, Deliberation: "CP-2026-12"}},
		Followup: &projectFollowupView{Row: sampleFollowupRow(abandoned),
			Updates: []updateView{{ID: 5, Title: "Travaux", Body: "Un.\n\nDeux.", PlannedOn: planned, DoneOn: done,
				PublishedAt: sampleNow, StepLabel: "Travaux", Progress: &progress,
				Photos: []updatePhotoView{{Alt: "Le jardin", Src: "/c/suivi/photos/1-a-320.jpg", SrcSet: "/c/suivi/photos/1-a-320.jpg 320w", Width: 320, Height: 213}}},
				{ID: 6, Title: "Prévu", PlannedOn: planned, PublishedAt: sampleNow}, {ID: 7, Title: "Publié", PublishedAt: sampleNow}},
			Report: &reportView{Indicators: []indicatorView{{"Personnes touchées", 120}}, Summary: []string{"Bilan."}, TotalCost: 12_000_00}}}
	if abandoned {
		p.Followup.Updates, p.Followup.Report = nil, nil
		p.Result.Granted, p.Result.Decision, p.Result.Selected = nil, nil, false
		errs := apperr.FieldErrors{}
		errs.Add("email", "account.email_invalid")
		p.Subscribe = subscribeForm{Email: "x", Errors: errs, Error: "Trop d'e-mails"}
	}
	return p
}

// sampleCommuneMap is a map of counts on a page, with two communes.
func sampleCommuneMap(kind string) *communeMapView {
	return &communeMapView{Src: "/pdc-2026/carte/" + kind + ".svg?v=0123456789abcdef", Alt: "Carte", Width: 600, Height: 700,
		Heading: "Sur la carte", Summary: "Communes : 2", Note: "Une note", TotalLine: "Total : 3.", Communes: []communeCount{{"Arras", 2}, {"Béthune", 1}}, Total: 3}
}
