package web

import (
	"net/url"
	"strings"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"

	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
)

// followupUpdatesSamples are the samples of the pages of the follow-up's updates: the
// carrier's page (with updates of each status, the form new, edited with a refused input,
// for an agent, for a closed project), the agents' queue, the status page.
func followupUpdatesSamples(b Base) []pageSample {
	c := sampleCampaign()
	d := sampleDossier()
	d.State = dossier.StateInProgress
	progress := 40
	at := sampleNow.Add(-24 * time.Hour)
	photo := followup.Photo{ID: 7, UpdateID: 3, SHA256: strings.Repeat("cd", 32), Alt: "Le chantier du jardin", Width: 1200, Height: 800}
	us := []followup.Update{
		{ID: 2, DossierID: d.ID, Status: followup.UpdatePublished, Title: "Convention signée", Body: "Signée.", Step: 1,
			CreatedAt: at, PublishedAt: &at, DoneOn: followupSampleDate("2026-03-01")},
		{ID: 3, DossierID: d.ID, Status: followup.UpdateReturned, Title: "Travaux", Body: "Les travaux commencent.", Step: 2,
			Progress: &progress, CreatedAt: at, ReviewComment: "Ajoutez une photo du chantier.", PlannedOn: followupSampleDate("2026-04-01"),
			Photos: []followup.Photo{photo}},
		{ID: 4, DossierID: d.ID, Status: followup.UpdatePending, Title: "Inauguration", Body: "Bientôt.", CreatedAt: at},
	}
	set := followup.DefaultSettings()
	owner := func(p followup.Photo, w int) string { return followupOwnerPhotoURL(c.Slug, d.ID, p, w) }
	edit := func(u followup.Update) string { return "/pdc-2026/dossiers/12/suivi?modifier=3#formulaire" }
	project := &followup.Project{DossierID: d.ID, Title: d.Title, State: d.State, GrantedCents: 4_500_00, PaidCents: 2_250_00,
		Step: 1, Progress: 40}
	carrier := func() *followupCarrierPage {
		p := &followupCarrierPage{Base: b, C: c, D: d, P: project, URL: "/pdc-2026/dossiers/12/suivi",
			DossierURL: "/pdc-2026/dossiers/12", ReportURL: "/pdc-2026/dossiers/12/bilan", HistoryURL: "/pdc-2026/dossiers/12/historique",
			StepLabel: set.StepLabel(1), Updates: followupUpdateViews(us, set, followupPhotoAt(c.Slug), edit), CanPost: true,
			Action: "/pdc-2026/dossiers/12/suivi", V: url.Values{}, MaxPhotos: 4, MaxAlt: dossier.MaxAlt, MaxMB: 8,
			Steps: sampleOptions()}
		for n := 1; n <= 3; n++ {
			p.Slots = append(p.Slots, followupSlot{N: n, File: followup.PhotoField(n), Alt: followup.AltField(n)})
		}
		return p
	}
	edited := carrier()
	edited.Editing, edited.Action = 3, "/pdc-2026/dossiers/12/suivi/3"
	edited.Kept = []followupKeptPhoto{{ID: 7, Photo: followupPhotoOf(photo, owner), Removed: true}}
	edited.Errors = sampleErrors()
	edited.Errors.Add("photos", "followup.photo.too_many", 4)
	edited.Errors.Add("photo_1", "followup.photo.too_large", 8)
	edited.Errors.Add("alt_1", "photos.alt.required")
	for _, f := range []string{"body", "planned_on", "done_on", "step", "progress"} {
		edited.Errors.Add(f, "error.required")
	}
	edited.V = url.Values{"title": {"Travaux"}, "step": {"a"}, "progress": {"40"}}
	edited.Slots[0].AltValue = "Une pelle"
	edited.PhotosLost = true
	agent := carrier()
	agent.CanPost = false
	closed := carrier()
	closed.CanPost, closed.Closed, closed.Updates, closed.StepLabel = false, true, nil, ""
	queue := &followupQueuePage{Base: b, C: c, Action: "/admin/campagnes/pdc-2026/suivi/actualites",
		Errors: apperr.FieldErrors{}}
	for _, u := range us[1:] {
		u.Status = followup.UpdatePending
		queue.Items = append(queue.Items, followupQueueItem{U: followupUpdateViews([]followup.Update{u}, set, followupPhotoAt(c.Slug), nil)[0],
			Project: d.Title, Structure: d.StructureName, State: d.State, AdminURL: "/admin/campagnes/pdc-2026/dossiers/12",
			Comment: followupCommentField(u.ID), Value: "À reprendre"})
	}
	queue.Errors.Add(followupCommentField(3), "followup.review.comment_required")
	status := followupStatusForm{Lang: b.Lang, CSRF: b.CSRF, Action: followupStatusPath(c.Slug, d.ID), Back: "/admin/campagnes/pdc-2026/suivi/12",
		State: d.State, Options: sampleOptions(), To: "a", Motivation: "Faute de local", Errors: sampleErrors()}
	final := status
	final.Options, final.State = nil, dossier.StateCompleted
	return []pageSample{
		{page: "followup_carrier", data: carrier()},
		{page: "followup_carrier", note: "edited, refused", data: edited},
		{page: "followup_carrier", note: "read by an agent", data: agent},
		{page: "followup_carrier", note: "closed, no update", data: closed},
		{page: "followup_queue", data: queue},
		{page: "followup_queue", note: "none", data: &followupQueuePage{Base: b, C: c, Action: queue.Action}},
		{page: "followup_status_page", data: followupStatusPage{Base: b, C: c, D: d, Status: status}},
		{page: "followup_status_page", note: "final", data: followupStatusPage{Base: b, C: c, D: d, Status: final}},
	}
}

func followupSampleDate(s string) campaign.Date {
	d, _ := campaign.ParseDate(s)
	return d
}
