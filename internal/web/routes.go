package web

import (
	"net/http"

	"budgetcitoyen/internal/account"
)

// handler is a request handler that returns its error instead of writing it: one adapter
// (Server.fail) maps errors to status codes and French pages.
type handler func(w http.ResponseWriter, r *http.Request) error

// route is one line of the route table: a ServeMux pattern, the permission it requires
// (checked on the server before the handler runs; there is no default, so a route that
// forgets its permission does not compile into the table) and the handler.
type route struct {
	pattern string
	perm    account.Permission
	h       handler
}

// routeTable lists every route of the site. Campaign pages live under /{slug}/; literal
// paths such as /connexion take precedence over {slug} in ServeMux.
func (s *Server) routeTable() []route {
	pub := account.PermPublic
	return []route{
		// Public site.
		{"GET /{$}", pub, s.homeShow},
		{"GET /{slug}", pub, s.campaignShow},
		{"GET /{slug}/calendrier", pub, s.calendarShow},
		{"GET /calendrier", pub, s.phaseRedirect("calendrier", "")},
		{"GET /idees", pub, s.phaseRedirect("idees", "idees")},
		{"GET /idees/deposer", pub, s.phaseRedirect("idees/deposer", "idees")},
		{"GET /comptoirs", pub, s.phaseRedirect("comptoirs", "comptoirs")},
		{"GET /projets", pub, s.phaseRedirect("projets", "vote")},
		{"GET /vote", pub, s.phaseRedirect("vote", "vote")},
		{"GET /resultats", pub, s.phaseRedirect("resultats", "laureats")},
		{"GET /mentions-legales", pub, s.staticPage("legal")},
		{"GET /donnees-personnelles", pub, s.staticPage("privacy")},
		{"GET /accessibilite", pub, s.staticPage("accessibility")},
		{"GET /contact", pub, s.staticPage("contact")},
		{"GET /communes", pub, s.communesSearch},

		// Accounts.
		{"GET /connexion", pub, s.signinShow},
		{"POST /connexion", pub, s.signinSubmit},
		{"POST /deconnexion", pub, s.signout},
		{"GET /inscription", pub, s.registerShow},
		{"POST /inscription", pub, s.registerSubmit},
		{"GET /verifier", pub, s.verifyShow},
		{"POST /verifier", pub, s.verifySubmit},
		{"GET /mot-de-passe-oublie", pub, s.forgotShow},
		{"POST /mot-de-passe-oublie", pub, s.forgotSubmit},
		{"GET /reinitialiser", pub, s.resetShow},
		{"POST /reinitialiser", pub, s.resetSubmit},
		{"GET /compte", account.PermSignedIn, s.accountShow},
		{"POST /compte/verification", account.PermSignedIn, s.verifyResend},
		{"POST /compte/mot-de-passe", account.PermSignedIn, s.accountPasswordChange},
		{"GET /connexion/code", pub, s.signinCodeShow},
		{"POST /connexion/code", pub, s.signinCodeSend},
		{"POST /connexion/code/verifier", pub, s.signinCodeVerify},

		// OpenID Connect.
		{"GET " + OIDCCallbackPath, pub, s.oidcCallback},

		// Administration: campaigns.
		{"GET /admin", account.PermAdminArea, s.adminHome},
		{"GET /admin/campagnes", account.PermManageCampaigns, s.adminCampaigns},
		{"GET /admin/campagnes/nouvelle", account.PermManageCampaigns, s.adminCampaignNew},
		{"POST /admin/campagnes/nouvelle", account.PermManageCampaigns, s.adminCampaignCreate},
		{"GET /admin/campagnes/{slug}", account.PermManageCampaigns, s.adminCampaignEdit},
		{"POST /admin/campagnes/{slug}", account.PermManageCampaigns, s.adminCampaignUpdate},
		{"GET /admin/journal", account.PermAdminArea, s.adminAudit},

		// Account administration.
		{"GET /admin/comptes", account.PermManageAccounts, s.adminAccounts},
		{"GET /admin/comptes/{id}", account.PermManageAccounts, s.adminAccount},
		{"POST /admin/comptes/{id}/roles", account.PermManageAccounts, s.adminAccountGrant},
		{"POST /admin/comptes/{id}/roles/retirer", account.PermManageAccounts, s.adminAccountRevoke},
		{"POST /admin/comptes/{id}/statut", account.PermManageAccounts, s.adminAccountStatus},

		// Comptoirs.
		{"GET /{slug}/comptoirs", pub, s.workshopList},
		{"GET /{slug}/comptoirs/calendrier.ics", pub, s.workshopListICS},
		{"GET /{slug}/comptoirs/mes-inscriptions", account.PermSignedIn, s.workshopMine},
		{"GET /{slug}/comptoirs/{id}", pub, s.workshopShow},
		{"GET /{slug}/comptoirs/{id}/calendrier.ics", pub, s.workshopICS},
		{"POST /{slug}/comptoirs/{id}/inscription", account.PermSignedIn, s.workshopRegister},
		{"POST /{slug}/comptoirs/{id}/desinscription", account.PermSignedIn, s.workshopUnregister},
		{"GET /{slug}/comptoirs/{id}/presences", account.PermMarkAttendance, s.workshopAttendance},
		{"POST /{slug}/comptoirs/{id}/presences", account.PermMarkAttendance, s.workshopAttendanceSave},
		{"GET /{slug}/comptoirs/gestion", account.PermManageWorkshops, s.workshopManage},
		{"GET /{slug}/comptoirs/couverture", account.PermManageWorkshops, s.workshopCoverage},
		{"GET /{slug}/comptoirs/nouveau", account.PermManageWorkshops, s.workshopNew},
		{"POST /{slug}/comptoirs/nouveau", account.PermManageWorkshops, s.workshopCreate},
		{"GET /{slug}/comptoirs/{id}/modifier", account.PermManageWorkshops, s.workshopEdit},
		{"POST /{slug}/comptoirs/{id}/modifier", account.PermManageWorkshops, s.workshopUpdate},
		{"POST /{slug}/comptoirs/{id}/annuler", account.PermManageWorkshops, s.workshopCancel},
		{"GET /{slug}/comptoirs/{id}/inscriptions.csv", account.PermManageWorkshops, s.workshopCSV},

		// Ideas.
		{"GET /{slug}/idees", pub, s.ideaList},
		{"GET /{slug}/idees/deposer", pub, s.ideaDepositShow},
		{"POST /{slug}/idees/deposer", pub, s.ideaDepositSubmit},
		{"GET /{slug}/idees/moderation", account.PermModerate, s.ideaModeration},
		{"GET /{slug}/idees/{id}", pub, s.ideaShow},
		{"GET /{slug}/idees/{id}/orientation", pub, s.ideaOrientation},
		{"POST /{slug}/idees/{id}/masquer", account.PermModerate, s.ideaHide},
		{"POST /{slug}/idees/{id}/retablir", account.PermModerate, s.ideaRestore},

		// Dossiers.
		{"GET /compte/structures", account.PermSignedIn, s.structuresList},
		{"GET /compte/structures/nouvelle", account.PermSignedIn, s.structureNew},
		{"POST /compte/structures/nouvelle", account.PermSignedIn, s.structureCreate},
		{"GET /compte/structures/{id}", account.PermSignedIn, s.structureEdit},
		{"POST /compte/structures/{id}", account.PermSignedIn, s.structureUpdate},
		{"POST /compte/structures/{id}/membres", account.PermSignedIn, s.structureAddMember},
		{"GET /{slug}/dossiers", account.PermSignedIn, s.dossierHome},
		{"GET /{slug}/dossiers/nouveau", account.PermFileDossier, s.dossierNew},
		{"POST /{slug}/dossiers/nouveau", account.PermFileDossier, s.dossierCreate},
		{"GET /{slug}/dossiers/{id}", account.PermSignedIn, s.dossierShow},
		{"GET /{slug}/dossiers/{id}/{step}", account.PermSignedIn, s.dossierStep},
		{"POST /{slug}/dossiers/{id}/{step}", account.PermFileDossier, s.dossierSave},
		{"POST /{slug}/dossiers/{id}/envoyer", account.PermFileDossier, s.dossierSubmit},
		{"GET /{slug}/dossiers/{id}/recepisse.pdf", account.PermSignedIn, s.dossierReceipt},
		{"POST /{slug}/dossiers/{id}/documents", account.PermFileDossier, s.dossierUpload},
		{"GET /{slug}/dossiers/{id}/documents/{doc}", account.PermSignedIn, s.dossierDocument},
		{"POST /{slug}/dossiers/{id}/documents/{doc}/supprimer", account.PermFileDossier, s.dossierDocumentDelete},
		{"GET /admin/campagnes/{slug}/dossiers", account.PermManageDossiers, s.adminDossiers},
		{"GET /admin/campagnes/{slug}/dossiers/export.csv", account.PermManageDossiers, s.adminDossiersCSV},
		{"GET /admin/campagnes/{slug}/dossiers/export.xlsx", account.PermManageDossiers, s.adminDossiersXLSX},
		{"GET /admin/campagnes/{slug}/dossiers/questions", account.PermManageDossiers, s.adminQuestions},
		{"POST /admin/campagnes/{slug}/dossiers/questions", account.PermManageDossiers, s.adminQuestionsSave},
		{"GET /admin/campagnes/{slug}/dossiers/{id}", account.PermManageDossiers, s.adminDossierShow},
		{"POST /admin/campagnes/{slug}/dossiers/{id}/prolongation", account.PermManageDossiers, s.adminDossierExtend},

		// Vote.
		{"GET /{slug}/projets", pub, s.projectsList},
		{"GET /{slug}/projets/{id}", pub, s.projectsShow},
		{"GET /{slug}/vote", pub, s.voteHome},
		{"POST /{slug}/vote/courriel", pub, s.voteEmail},
		{"POST /{slug}/vote/identite", account.PermVote, s.voteIdentity},
		{"POST /{slug}/vote/verifier", account.PermVote, s.voteReview},
		{"POST /{slug}/vote/confirmer", account.PermVote, s.voteConfirm},
		{"POST /{slug}/vote/franceconnect", account.PermVote, s.voteOIDCStart},
		{"GET /{slug}/vote/franceconnect/commune", account.PermVote, s.voteOIDCCommune},
		{"POST /{slug}/vote/franceconnect/commune", account.PermVote, s.voteOIDCRegister},
		{"GET /admin/campagnes/{slug}/vote", account.PermManageCampaigns, s.voteAdmin},
		{"POST /admin/campagnes/{slug}/vote", account.PermManageCampaigns, s.voteAdminSave},
		{"POST /admin/campagnes/{slug}/vote/liste", account.PermManageCampaigns, s.voteCensusImport},

		// Review.
		{"GET /admin/campagnes/{slug}/comite", account.PermManageDossiers, s.reviewCommittee},
		{"POST /admin/campagnes/{slug}/comite/membres", account.PermManageDossiers, s.reviewMemberAdd},
		{"POST /admin/campagnes/{slug}/comite/membres/{account}/retirer", account.PermManageDossiers, s.reviewMemberRemove},
		{"POST /admin/campagnes/{slug}/comite/reglages", account.PermManageDossiers, s.reviewSettings},
		{"POST /admin/campagnes/{slug}/comite/affectations", account.PermManageDossiers, s.reviewAssign},
		{"POST /admin/campagnes/{slug}/comite/affectations/auto", account.PermManageDossiers, s.reviewAssignAuto},
		{"GET /admin/campagnes/{slug}/comite/grilles", account.PermManageDossiers, s.reviewCriteria},
		{"POST /admin/campagnes/{slug}/comite/grilles", account.PermManageDossiers, s.reviewCriteriaSave},
		{"GET /admin/campagnes/{slug}/comite/seance", account.PermManageDossiers, s.reviewSession},
		{"POST /admin/campagnes/{slug}/comite/seance", account.PermManageDossiers, s.reviewDecide},
		{"GET /admin/campagnes/{slug}/comite/seance/pv.csv", account.PermManageDossiers, s.reviewMinutesCSV},
		{"GET /admin/campagnes/{slug}/comite/seance/pv.pdf", account.PermManageDossiers, s.reviewMinutesPDF},
		{"GET /admin/campagnes/{slug}/comite/dossiers/{id}", account.PermManageDossiers, s.reviewDossierAdmin},
		{"GET /admin/campagnes/{slug}/commission", account.PermManageDossiers, s.reviewCommission},
		{"POST /admin/campagnes/{slug}/commission", account.PermManageDossiers, s.reviewCommissionSave},
		{"GET /admin/campagnes/{slug}/commission-permanente", account.PermManageDossiers, s.reviewDecision},
		{"POST /admin/campagnes/{slug}/commission-permanente", account.PermManageDossiers, s.reviewDecisionSave},
		{"POST /admin/campagnes/{slug}/proclamation", account.PermManageDossiers, s.reviewProclaim},
		{"POST /admin/campagnes/{slug}/resultats", account.PermManageDossiers, s.resultsRecord},
		{"GET /{slug}/comite", account.PermReview, s.reviewMine},
		{"GET /{slug}/comite/{id}", account.PermReview, s.reviewForm},
		{"POST /{slug}/comite/{id}", account.PermReview, s.reviewSave},
		{"POST /{slug}/comite/{id}/declaration", account.PermReview, s.reviewDeclare},
		{"GET /{slug}/dossiers/{id}/historique", account.PermSignedIn, s.reviewHistory},

		// Results and open data.
		{"GET /{slug}/resultats", pub, s.resultsShow},
		{"GET /{slug}/resultats/bulletins", pub, s.resultsBallots},
		{"POST /{slug}/resultats/bulletins", pub, s.resultsLookup},
		{"GET /{slug}/resultats/bulletins.csv", pub, s.resultsCSV},
		{"GET /{slug}/resultats/pabulib/{envelope}", pub, s.resultsPB},
		{"GET /donnees", pub, s.opendataShow},
		{"GET /api/v1/campaigns", pub, s.apiCampaigns},
		{"GET /api/v1/campaigns/{slug}", pub, s.apiCampaign},
		{"GET /api/v1/campaigns/{slug}/projects", pub, s.apiProjects},
		{"GET /api/v1/campaigns/{slug}/results", pub, s.apiResults},
		{"GET /api/v1/campaigns/{slug}/ballots.csv", pub, s.apiBallotsCSV},
		{"GET /api/v1/campaigns/{slug}/ballots/{envelope}", pub, s.apiBallotsPB},

		// Operations.
		{"GET /healthz", pub, s.healthz},
		{"GET /readyz", pub, s.readyz},
		{"GET /metrics", pub, s.metricsServe},
	}
}

// routes builds the whole handler: the mux with each route guarded, inside the middleware.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routeTable() {
		mux.Handle(rt.pattern, s.metrics.instrument(rt.pattern, s.guard(rt)))
	}
	// Anything else is a French 404 page rather than ServeMux's plain text.
	mux.Handle("/", s.metrics.instrument("unmatched", s.guard(route{"/", account.PermPublic, s.notFound})))

	var h http.Handler = mux
	h = s.checkCSRF(h)
	h = s.loadActor(h)
	h = s.withLang(h)
	h = s.sessions.LoadAndSave(h)
	h = withPrefetch(h)
	h = http.NewCrossOriginProtection().Handler(h)
	h = s.withAssets(h)
	h = securityHeaders(h)
	h = limitBody(h)
	h = s.logRequests(h)
	h = s.recoverPanics(h)
	h = withRequestID(h)
	return h
}

// withAssets serves the embedded assets before the session, the language and the actor are
// looked at: they are the same for everyone, so a browser with a session cookie costs no
// session read for them, and their responses do not vary with the cookie (which the session
// middleware declares), so shared caches may keep them. Any other path, unknown assets
// included, goes to next.
func (s *Server) withAssets(next http.Handler) http.Handler {
	assets := http.NewServeMux()
	// Each asset gets a literal route: a "/static/" prefix would conflict with "/{slug}/…".
	for _, name := range staticNames() {
		assets.Handle("GET /static/"+name, s.metrics.instrument("GET /static/", s.guard(route{"GET /static/" + name, account.PermPublic, s.staticServe})))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, pattern := assets.Handler(r); pattern != "" {
			h.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
