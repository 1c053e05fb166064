package web

import (
	"net/http"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/subscription"
)

// handler is a request handler that returns its error instead of writing it: one adapter
// (Server.fail) maps errors to status codes and French pages.
type handler func(w http.ResponseWriter, r *http.Request) error

// route is one line of the route table: a ServeMux pattern, the permission it requires
// (checked on the server before the handler runs; there is no default, so a route that
// forgets its permission does not compile into the table) and the handler.
type route struct {
	pattern string
	perm    access.Permission
	h       handler
}

// routeTable lists every route of the site. Campaign pages live under /{slug}/; literal
// paths such as /connexion take precedence over {slug} in ServeMux.
func (s *Server) routeTable() []route {
	pub := access.PermPublic
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
		{"GET /donnees-personnelles", pub, s.privacyPage},
		{"GET /donnees-personnelles/registre", pub, s.privacyRegister},
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
		{"GET /espace", access.PermSignedIn, s.espaceShow},
		{"GET /compte", access.PermSignedIn, s.accountShow},
		{"POST /compte/verification", access.PermSignedIn, s.verifyResend},
		{"POST /compte/mot-de-passe", access.PermSignedIn, s.accountPasswordChange},
		{"GET /compte/donnees", access.PermSignedIn, s.myData},
		{"GET /compte/donnees.json", access.PermSignedIn, s.myData},
		{"POST /compte/supprimer", access.PermSignedIn, s.accountDelete},
		{"GET /connexion/code", pub, s.signinCodeShow},
		{"POST /connexion/code", pub, s.signinCodeSend},
		{"POST /connexion/code/verifier", pub, s.signinCodeVerify},

		// OpenID Connect.
		{"GET " + OIDCCallbackPath, pub, s.oidcCallback},

		// Administration: campaigns.
		{"GET /admin", access.PermAdminArea, s.adminHome},
		{"GET /admin/campagnes", access.PermManageCampaigns, s.adminCampaigns},
		{"GET /admin/campagnes/nouvelle", access.PermManageCampaigns, s.adminCampaignNew},
		{"POST /admin/campagnes/nouvelle", access.PermManageCampaigns, s.adminCampaignCreate},
		{"GET /admin/campagnes/{slug}", access.PermManageCampaigns, s.adminCampaignConsole},
		{"GET /admin/campagnes/{slug}/parametres", access.PermManageCampaigns, s.adminCampaignEdit},
		{"POST /admin/campagnes/{slug}/parametres", access.PermManageCampaigns, s.adminCampaignUpdate},
		// The edit form's address before the console took it: forms already open still save.
		{"POST /admin/campagnes/{slug}", access.PermManageCampaigns, s.adminCampaignUpdate},
		{"GET /admin/journal", access.PermAdminArea, s.adminAudit},

		// Account administration.
		{"GET /admin/comptes", access.PermManageAccounts, s.adminAccounts},
		{"GET /admin/donnees-personnelles", access.PermManageAccounts, s.adminPrivacy},
		{"POST /admin/donnees-personnelles", access.PermManageAccounts, s.adminPrivacySave},
		{"GET /admin/identite", access.PermManageAccounts, s.adminIdentity},
		{"POST /admin/identite", access.PermManageAccounts, s.adminIdentitySave},
		{"GET /admin/comptes/{id}", access.PermManageAccounts, s.adminAccount},
		{"POST /admin/comptes/{id}/roles", access.PermManageAccounts, s.adminAccountGrant},
		{"POST /admin/comptes/{id}/roles/retirer", access.PermManageAccounts, s.adminAccountRevoke},
		{"POST /admin/comptes/{id}/statut", access.PermManageAccounts, s.adminAccountStatus},

		// Maps of the catalogue and of the comptoirs.
		{"GET /{slug}/carte/projets.svg", pub, s.mapShow(mapProjects)},
		{"GET /{slug}/carte/comptoirs.svg", pub, s.mapShow(mapWorkshops)},

		// Comptoirs.
		{"GET /{slug}/comptoirs", pub, s.workshopList},
		{"GET /{slug}/comptoirs/calendrier.ics", pub, s.workshopListICS},
		{"GET /{slug}/comptoirs/mes-inscriptions", access.PermSignedIn, s.workshopMine},
		{"GET /{slug}/comptoirs/{id}", pub, s.workshopShow},
		{"GET /{slug}/comptoirs/{id}/calendrier.ics", pub, s.workshopICS},
		{"POST /{slug}/comptoirs/{id}/inscription", access.PermSignedIn, s.workshopRegister},
		{"POST /{slug}/comptoirs/{id}/desinscription", access.PermSignedIn, s.workshopUnregister},
		{"GET /{slug}/comptoirs/{id}/presences", access.PermMarkAttendance, s.workshopAttendance},
		{"POST /{slug}/comptoirs/{id}/presences", access.PermMarkAttendance, s.workshopAttendanceSave},
		{"GET /{slug}/comptoirs/gestion", access.PermManageWorkshops, s.workshopManage},
		{"GET /{slug}/comptoirs/couverture", access.PermManageWorkshops, s.workshopCoverage},
		{"GET /{slug}/comptoirs/nouveau", access.PermManageWorkshops, s.workshopNew},
		{"POST /{slug}/comptoirs/nouveau", access.PermManageWorkshops, s.workshopCreate},
		{"GET /{slug}/comptoirs/{id}/modifier", access.PermManageWorkshops, s.workshopEdit},
		{"POST /{slug}/comptoirs/{id}/modifier", access.PermManageWorkshops, s.workshopUpdate},
		{"POST /{slug}/comptoirs/{id}/annuler", access.PermManageWorkshops, s.workshopCancel},
		{"GET /{slug}/comptoirs/{id}/inscriptions.csv", access.PermManageWorkshops, s.workshopCSV},

		// Ideas.
		{"GET /{slug}/idees", pub, s.ideaList},
		{"GET /{slug}/idees/deposer", pub, s.ideaDepositShow},
		{"POST /{slug}/idees/deposer", pub, s.ideaDepositSubmit},
		{"GET /{slug}/idees/moderation", access.PermModerate, s.ideaModeration},
		{"GET /{slug}/idees/{id}", pub, s.ideaShow},
		{"GET /{slug}/idees/{id}/orientation", pub, s.ideaOrientation},
		{"POST /{slug}/idees/{id}/masquer", access.PermModerate, s.ideaHide},
		{"POST /{slug}/idees/{id}/retablir", access.PermModerate, s.ideaRestore},

		// Dossiers.
		{"GET /compte/structures", access.PermSignedIn, s.structuresList},
		{"GET /compte/structures/nouvelle", access.PermSignedIn, s.structureNew},
		{"POST /compte/structures/nouvelle", access.PermSignedIn, s.structureCreate},
		{"GET /compte/structures/{id}", access.PermSignedIn, s.structureEdit},
		{"POST /compte/structures/{id}", access.PermSignedIn, s.structureUpdate},
		{"POST /compte/structures/{id}/membres", access.PermSignedIn, s.structureInvite},
		{"POST /compte/structures/{id}/invitations/{inv}/retirer", access.PermSignedIn, s.structureInvitationWithdraw},
		{"GET /compte/invitation", pub, s.invitationShow},
		{"POST /compte/invitation", access.PermSignedIn, s.invitationAccept},
		{"GET /{slug}/dossiers", access.PermSignedIn, s.dossierHome},
		{"GET /{slug}/dossiers/nouveau", access.PermFileDossier, s.dossierNew},
		{"POST /{slug}/dossiers/nouveau", access.PermFileDossier, s.dossierCreate},
		{"GET /{slug}/dossiers/{id}", access.PermSignedIn, s.dossierShow},
		{"GET /{slug}/dossiers/{id}/{step}", access.PermSignedIn, s.dossierStep},
		{"POST /{slug}/dossiers/{id}/{step}", access.PermFileDossier, s.dossierSave},
		{"POST /{slug}/dossiers/{id}/envoyer", access.PermFileDossier, s.dossierSubmit},
		{"GET /{slug}/dossiers/{id}/recepisse.pdf", access.PermSignedIn, s.dossierReceipt},
		{"POST /{slug}/dossiers/{id}/documents", access.PermFileDossier, s.dossierUpload},
		{"GET /{slug}/dossiers/{id}/documents/{doc}", access.PermSignedIn, s.dossierDocument},
		{"POST /{slug}/dossiers/{id}/documents/{doc}/supprimer", access.PermFileDossier, s.dossierDocumentDelete},
		{"GET /admin/campagnes/{slug}/dossiers", access.PermManageDossiers, s.adminDossiers},
		{"GET /admin/campagnes/{slug}/dossiers/export.csv", access.PermManageDossiers, s.adminDossiersCSV},
		{"GET /admin/campagnes/{slug}/dossiers/export.xlsx", access.PermManageDossiers, s.adminDossiersXLSX},
		{"GET /admin/campagnes/{slug}/dossiers/questions", access.PermManageDossiers, s.adminQuestions},
		{"POST /admin/campagnes/{slug}/dossiers/questions", access.PermManageDossiers, s.adminQuestionsSave},
		{"GET /admin/campagnes/{slug}/dossiers/{id}", access.PermManageDossiers, s.adminDossierShow},
		{"POST /admin/campagnes/{slug}/dossiers/{id}/prolongation", access.PermManageDossiers, s.adminDossierExtend},

		// Vote.
		{"GET /{slug}/projets", pub, s.projectsList},
		{"GET /{slug}/projets/{id}", pub, s.projectsShow},
		{"GET /{slug}/photos/{file}", pub, s.projectPhoto}, // served by withAssets, before the session
		{"GET /{slug}/vote", pub, s.voteHome},
		{"GET /{slug}/vote/urne", pub, s.voteBoard},
		{"POST /{slug}/vote/urne", pub, s.voteBoard},
		{"GET /{slug}/vote/urne/empreintes.txt", pub, s.voteBoardList},
		{"POST /{slug}/vote/courriel", pub, s.voteEmail},
		{"POST /{slug}/vote/identite", access.PermVote, s.voteIdentity},
		{"POST /{slug}/vote/verifier", access.PermVote, s.voteReview},
		{"POST /{slug}/vote/confirmer", access.PermVote, s.voteConfirm},
		{"POST /{slug}/vote/recu", access.PermVote, s.voteReceiptDownload},
		{"POST /{slug}/vote/franceconnect", access.PermVote, s.voteOIDCStart},
		{"GET /{slug}/vote/franceconnect/commune", access.PermVote, s.voteOIDCCommune},
		{"POST /{slug}/vote/franceconnect/commune", access.PermVote, s.voteOIDCRegister},
		{"GET /admin/campagnes/{slug}/vote", access.PermManageCampaigns, s.voteAdmin},
		{"POST /admin/campagnes/{slug}/vote", access.PermManageCampaigns, s.voteAdminSave},
		{"POST /admin/campagnes/{slug}/vote/liste", access.PermManageCampaigns, s.voteCensusImport},
		{"POST /admin/campagnes/{slug}/vote/conservation", access.PermManageCampaigns, s.voteRetentionSave},
		{"GET /admin/campagnes/{slug}/vote/urne", access.PermManageCampaigns, s.boxCeremony},
		{"POST /admin/campagnes/{slug}/vote/urne", access.PermManageCampaigns, s.boxCeremonySeal},
		{"GET /{slug}/vote/urne/ouvrir", access.PermUnseal, s.boxUnseal},
		{"POST /{slug}/vote/urne/ouvrir", access.PermUnseal, s.boxUnsealOpen},

		// Review.
		{"GET /admin/campagnes/{slug}/comite", access.PermManageDossiers, s.reviewCommittee},
		{"POST /admin/campagnes/{slug}/comite/membres", access.PermManageDossiers, s.reviewMemberAdd},
		{"POST /admin/campagnes/{slug}/comite/membres/{account}/retirer", access.PermManageDossiers, s.reviewMemberRemove},
		{"POST /admin/campagnes/{slug}/comite/reglages", access.PermManageDossiers, s.reviewSettings},
		{"POST /admin/campagnes/{slug}/comite/affectations", access.PermManageDossiers, s.reviewAssign},
		{"POST /admin/campagnes/{slug}/comite/affectations/auto", access.PermManageDossiers, s.reviewAssignAuto},
		{"GET /admin/campagnes/{slug}/comite/grilles", access.PermManageDossiers, s.reviewCriteria},
		{"POST /admin/campagnes/{slug}/comite/grilles", access.PermManageDossiers, s.reviewCriteriaSave},
		{"GET /admin/campagnes/{slug}/comite/seance", access.PermManageDossiers, s.reviewSession},
		{"POST /admin/campagnes/{slug}/comite/seance", access.PermManageDossiers, s.reviewDecide},
		{"GET /admin/campagnes/{slug}/comite/seance/pv.csv", access.PermManageDossiers, s.reviewMinutesCSV},
		{"GET /admin/campagnes/{slug}/comite/seance/pv.pdf", access.PermManageDossiers, s.reviewMinutesPDF},
		{"GET /admin/campagnes/{slug}/comite/dossiers/{id}", access.PermManageDossiers, s.reviewDossierAdmin},
		{"GET /admin/campagnes/{slug}/commission", access.PermManageDossiers, s.reviewCommission},
		{"POST /admin/campagnes/{slug}/commission", access.PermManageDossiers, s.reviewCommissionSave},
		{"GET /admin/campagnes/{slug}/commission-permanente", access.PermManageDossiers, s.reviewDecision},
		{"POST /admin/campagnes/{slug}/commission-permanente", access.PermManageDossiers, s.reviewDecisionSave},
		{"POST /admin/campagnes/{slug}/proclamation", access.PermManageDossiers, s.reviewProclaim},
		{"POST /admin/campagnes/{slug}/resultats", access.PermManageDossiers, s.resultsRecord},
		{"GET /{slug}/comite", access.PermReview, s.reviewMine},
		{"GET /{slug}/comite/{id}", access.PermReview, s.reviewForm},
		{"POST /{slug}/comite/{id}", access.PermReview, s.reviewSave},
		{"POST /{slug}/comite/{id}/declaration", access.PermReview, s.reviewDeclare},
		{"GET /{slug}/dossiers/{id}/historique", access.PermSignedIn, s.reviewHistory},

		// Follow-up: the carriers' updates, their review, the projects' status, the photos.
		{"GET /{slug}/dossiers/{id}/suivi", access.PermSignedIn, s.followupCarrier},
		{"POST /{slug}/dossiers/{id}/suivi", access.PermSignedIn, s.followupPost},
		{"POST /{slug}/dossiers/{id}/suivi/{update}", access.PermSignedIn, s.followupEdit},
		{"GET /{slug}/dossiers/{id}/suivi/photos/{file}", access.PermSignedIn, s.followupOwnerPhoto},
		{"GET /{slug}/suivi/photos/{file}", pub, s.followupPublicPhoto}, // served by withAssets, before the session
		{"GET /admin/campagnes/{slug}/suivi/actualites", access.PermManageDossiers, s.followupQueue},
		{"POST /admin/campagnes/{slug}/suivi/actualites", access.PermManageDossiers, s.followupReview},
		{"POST /admin/campagnes/{slug}/suivi/{id}/statut", access.PermManageDossiers, s.followupStatus},
		// Follow-up: money (the final report, the payments, the staff's board and settings).
		{"GET /{slug}/dossiers/{id}/bilan", access.PermSignedIn, s.followupReportShow},
		{"POST /{slug}/dossiers/{id}/bilan", access.PermSignedIn, s.followupReportSave},
		{"GET /{slug}/dossiers/{id}/bilan/documents/{file}", access.PermSignedIn, s.followupReportFile},
		{"GET /admin/campagnes/{slug}/suivi", access.PermManageDossiers, s.followupBoard},
		{"GET /admin/campagnes/{slug}/suivi/export.csv", access.PermManageDossiers, s.followupExportCSV},
		{"GET /admin/campagnes/{slug}/suivi/paiements.csv", access.PermManageDossiers, s.followupPaymentsCSV},
		{"GET /admin/campagnes/{slug}/suivi/export.xlsx", access.PermManageDossiers, s.followupExportXLSX},
		{"GET /admin/campagnes/{slug}/suivi/parametres", access.PermManageCampaigns, s.followupSettings},
		{"POST /admin/campagnes/{slug}/suivi/parametres", access.PermManageCampaigns, s.followupSettingsSave},
		{"GET /admin/campagnes/{slug}/suivi/{id}", access.PermManageDossiers, s.followupStaff},
		{"POST /admin/campagnes/{slug}/suivi/{id}/paiements", access.PermManageDossiers, s.followupPaymentAdd},
		{"POST /admin/campagnes/{slug}/suivi/{id}/paiements/{payment}/supprimer", access.PermManageDossiers, s.followupPaymentDelete},
		{"POST /admin/campagnes/{slug}/suivi/{id}/bilan", access.PermManageDossiers, s.followupReportReview},

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

		// Public follow-up of the funded projects, subscriptions.
		{"GET /{slug}/suivi", pub, s.followupIndex},
		{"GET /{slug}/suivi.atom", pub, s.followupFeed},
		{"GET /{slug}/suivi.csv", pub, s.followupCSV},
		{"GET /{slug}/suivi/jalons.csv", pub, s.followupMilestonesCSV},
		{"GET /api/v1/campaigns/{slug}/followup", pub, s.apiFollowup},
		{"POST /{slug}/projets/{id}/suivre", pub, s.followupSubscribe},
		{"GET " + subscription.ConfirmPath, pub, s.subscriptionConfirmShow},
		{"POST " + subscription.ConfirmPath, pub, s.subscriptionConfirm},
		{"GET " + subscription.UnsubscribePath, pub, s.subscriptionUnsubscribeShow},
		{"POST " + subscription.UnsubscribePath, pub, s.subscriptionUnsubscribe},

		// Statistics of participation.
		{"GET /{slug}/statistiques", pub, s.statsShow},
		{"GET /{slug}/statistiques/communes", pub, s.statsCommunes},
		{"GET /admin/campagnes/{slug}/statistiques", access.PermManageCampaigns, s.statsAdmin},
		{"GET /admin/campagnes/{slug}/statistiques/{file}", access.PermManageCampaigns, s.statsCSV},

		// Campaign news by e-mail: subscription, preferences (newsletters: staff routes).
		{"GET /{slug}/abonnement", pub, s.newsSubscribeShow},
		{"POST /{slug}/abonnement", pub, s.newsSubscribe},
		{"GET " + subscription.PreferencesPath, pub, s.newsPreferencesShow},
		{"POST " + subscription.PreferencesPath, pub, s.newsPreferencesSave},

		// Newsletters of a campaign's agents to its subscribers.
		{"GET /admin/campagnes/{slug}/lettres", access.PermManageCampaigns, s.lettersList},
		{"POST /admin/campagnes/{slug}/lettres", access.PermManageCampaigns, s.letterSave},
		{"GET /admin/campagnes/{slug}/lettres/{id}", access.PermManageCampaigns, s.letterShow},
		{"POST /admin/campagnes/{slug}/lettres/{id}", access.PermManageCampaigns, s.letterSave},
		{"POST /admin/campagnes/{slug}/lettres/{id}/essai", access.PermManageCampaigns, s.letterTest},
		{"POST /admin/campagnes/{slug}/lettres/{id}/programmer", access.PermManageCampaigns, s.letterSchedule},
		{"POST /admin/campagnes/{slug}/lettres/{id}/annuler", access.PermManageCampaigns, s.letterCancel},

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
	mux.Handle("/", s.metrics.instrument("unmatched", s.guard(route{"/", access.PermPublic, s.notFound})))

	var h http.Handler = mux
	h = s.checkCSRF(mux, h)
	h = s.loadActor(h)
	h = s.withLang(h)
	h = s.sessions.LoadAndSave(h)
	h = withPrefetch(h)
	h = http.NewCrossOriginProtection().Handler(h)
	h = s.withAssets(h)
	h = securityHeaders(s.hsts, h)
	h = limitBody(h)
	h = s.withClientAddr(h)
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
		assets.Handle("GET /static/"+name, s.metrics.instrument("GET /static/", s.guard(route{"GET /static/" + name, access.PermPublic, s.staticServe})))
	}
	// The identity's stylesheet and logo are the same for everyone too.
	for _, rt := range []route{{IdentityCSSPath, access.PermPublic, s.identityCSS}, {IdentityLogoPath, access.PermPublic, s.identityLogo}} {
		assets.Handle("GET "+rt.pattern, s.metrics.instrument("GET "+rt.pattern, s.guard(rt)))
	}
	// The public photos of the projects are the same for everyone too (see projectPhoto).
	const photos = "GET /{slug}/photos/{file}"
	assets.Handle(photos, s.metrics.instrument(photos, http.HandlerFunc(s.photoServe)))
	// And so are the photos of the follow-up's published updates (see followupPublicPhoto).
	const followupPhotos = "GET /{slug}/suivi/photos/{file}"
	assets.Handle(followupPhotos, s.metrics.instrument(followupPhotos, http.HandlerFunc(s.followupPhotoServe)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := assets.Handler(r); pattern != "" {
			assets.ServeHTTP(w, r) // which sets the path's values ({slug}, {file})
			return
		}
		next.ServeHTTP(w, r)
	})
}
