package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/review"
)

// The carrier's follow-up of a funded project (/{slug}/dossiers/{id}/suivi): its updates
// with their review, and the form to post one, with photos, or to edit one that waits or
// came back. Its routes are dossier routes: guard lets only the structure's members post,
// and those who may read the dossier (the agents too) read.

// followupUpdateView is an update as a page shows it.
type followupUpdateView struct {
	followup.Update
	StatusKey string // the i18n key of its status
	StepLabel string
	Photos    []followupPhotoView
	EditURL   string // the carrier's edit form, "" when it may not be edited
	// HasProgress: the update reports a progress, of Percent.
	HasProgress bool
	Percent     int
}

// followupSlot is one photo field of the update form, with its alternative text.
type followupSlot struct {
	N         int
	File, Alt string // the fields' names
	AltValue  string
}

// followupKeptPhoto is a photo of the edited update, kept unless marked for removal.
type followupKeptPhoto struct {
	ID      int64
	Photo   followupPhotoView
	Removed bool
}

type followupCarrierPage struct {
	Base
	C                                      *campaign.Campaign
	D                                      *dossier.Dossier
	P                                      *followup.Project
	URL, DossierURL, ReportURL, HistoryURL string
	StepLabel                              string
	Updates                                []followupUpdateView
	CanPost                                bool // a carrier, and the project takes updates
	Closed                                 bool // completed or abandoned
	Editing                                int64
	Action                                 string
	V                                      url.Values
	Errors                                 apperr.FieldErrors
	Steps                                  []option
	Kept                                   []followupKeptPhoto
	Slots                                  []followupSlot
	MaxPhotos                              int
	MaxAlt                                 int
	MaxMB                                  int64
	PhotosLost                             bool // photos chosen in a refused form: to choose again
}

// followupStatusKey is the i18n key of an update's status.
func followupStatusKey(st followup.UpdateStatus) string {
	return "followup.update.status." + string(st)
}

// followupPhotoAt is where the pages take the photos of an update: the public address once it
// is published (cached by everyone), the dossier's own before (for those who may read it).
func followupPhotoAt(slug string) func(followup.Update, followup.Photo, int) string {
	return func(u followup.Update, p followup.Photo, w int) string {
		if u.Status == followup.UpdatePublished {
			return followupPhotoURL(slug, p, w)
		}
		return followupOwnerPhotoURL(slug, u.DossierID, p, w)
	}
}

// followupUpdateViews dresses updates, newest first, their photos at the addresses of at.
func followupUpdateViews(us []followup.Update, set followup.Settings, at func(followup.Update, followup.Photo, int) string, edit func(followup.Update) string) []followupUpdateView {
	out := make([]followupUpdateView, 0, len(us))
	for _, u := range slices.Backward(us) {
		v := followupUpdateView{Update: u, StatusKey: followupStatusKey(u.Status), StepLabel: set.StepLabel(u.Step)}
		if u.Progress != nil {
			v.HasProgress, v.Percent = true, *u.Progress
		}
		for _, p := range u.Photos {
			v.Photos = append(v.Photos, followupPhotoOf(p, func(p followup.Photo, w int) string { return at(u, p, w) }))
		}
		if edit != nil && u.Status != followup.UpdatePublished {
			v.EditURL = edit(u)
		}
		out = append(out, v)
	}
	return out
}

// followupCarrierPageFor fills the page; editID names the update in the form (0: a new
// one), v and fe the refused form.
func (s *Server) followupCarrierPageFor(r *http.Request, c *campaign.Campaign, d *dossier.Dossier, editID int64, v url.Values, fe apperr.FieldErrors) (*followupCarrierPage, error) {
	ctx := r.Context()
	p, err := followup.ProjectOf(ctx, s.db, d.ID)
	if apperr.IsKind(err, apperr.NotFound) {
		return nil, apperr.New(apperr.NotFound, "followup.update.not_funded")
	} else if err != nil {
		return nil, err
	}
	set, err := followup.SettingsOf(ctx, s.db, c.ID)
	if err != nil {
		return nil, err
	}
	member, err := dossier.IsMember(ctx, s.db, d.StructureID, actorOf(r).ID())
	if err != nil {
		return nil, err
	}
	base := dossierURL(c, d)
	pg := &followupCarrierPage{Base: s.base(r, "followup.carrier.title", d.Title), C: c, D: d, P: p,
		URL: followup.CarrierURL(c.Slug, d.ID), DossierURL: base, ReportURL: base + "/bilan", HistoryURL: review.HistoryURL(c.Slug, d.ID),
		StepLabel: set.StepLabel(p.Step), CanPost: member && followup.Open(d.State), Closed: !followup.Open(d.State),
		V: v, Errors: fe, MaxPhotos: set.MaxPhotos, MaxAlt: dossier.MaxAlt, MaxMB: followup.MaxPhotoSize >> 20}
	us, err := followup.Updates(ctx, s.db, d.ID, false)
	if err != nil {
		return nil, err
	}
	owner := func(ph followup.Photo, w int) string { return followupOwnerPhotoURL(c.Slug, d.ID, ph, w) }
	var edit func(followup.Update) string
	if pg.CanPost {
		edit = func(u followup.Update) string {
			return pg.URL + "?modifier=" + strconv.FormatInt(u.ID, 10) + "#formulaire"
		}
	}
	pg.Updates = followupUpdateViews(us, set, followupPhotoAt(c.Slug), edit)
	for i, l := range set.Steps {
		pg.Steps = append(pg.Steps, option{strconv.Itoa(i + 1), l})
	}
	pg.Action = pg.URL
	var editing *followup.Update
	for i := range us {
		if us[i].ID == editID && us[i].Status != followup.UpdatePublished && pg.CanPost {
			editing = &us[i]
		}
	}
	if editing != nil {
		pg.Editing = editing.ID
		pg.Action = pg.URL + "/" + strconv.FormatInt(editing.ID, 10)
		if pg.V == nil {
			pg.V = url.Values{"title": {editing.Title}, "body": {editing.Body}, "step": {""}, "progress": {""}}
			if !editing.PlannedOn.IsZero() {
				pg.V.Set("planned_on", editing.PlannedOn.String())
			}
			if !editing.DoneOn.IsZero() {
				pg.V.Set("done_on", editing.DoneOn.String())
			}
			if editing.Step > 0 {
				pg.V.Set("step", strconv.Itoa(editing.Step))
			}
			if editing.Progress != nil {
				pg.V.Set("progress", strconv.Itoa(*editing.Progress))
			}
		}
		for _, ph := range editing.Photos {
			pg.Kept = append(pg.Kept, followupKeptPhoto{ID: ph.ID, Photo: followupPhotoOf(ph, owner),
				Removed: slices.Contains(pg.V["remove"], strconv.FormatInt(ph.ID, 10))})
		}
	}
	if pg.V == nil {
		pg.V = url.Values{}
	}
	for n := 1; n <= set.MaxPhotos-len(pg.Kept); n++ {
		pg.Slots = append(pg.Slots, followupSlot{N: n, File: followup.PhotoField(n), Alt: followup.AltField(n),
			AltValue: pg.V.Get(followup.AltField(n))})
	}
	return pg, nil
}

// followupCarrier shows the project's follow-up to its carriers (and the agents).
func (s *Server) followupCarrier(w http.ResponseWriter, r *http.Request) error {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	editID, _ := strconv.ParseInt(r.URL.Query().Get("modifier"), 10, 64)
	p, err := s.followupCarrierPageFor(r, c, d, editID, nil, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "followup_carrier", p)
}

// followupPost records a new update.
func (s *Server) followupPost(w http.ResponseWriter, r *http.Request) error {
	return s.followupSubmit(w, r, 0)
}

// followupEdit records the edit of an update waiting for an agent or sent back.
func (s *Server) followupEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "update")
	if err != nil {
		return err
	}
	return s.followupSubmit(w, r, id)
}

// followupSubmit reads the update form with its photos and posts it; a refused form comes
// back with what was typed (the photos must be chosen again: a browser cannot be given
// them back).
func (s *Server) followupSubmit(w http.ResponseWriter, r *http.Request, updateID int64) error {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	if r.PostForm == nil {
		if err := r.ParseForm(); err != nil {
			return apperr.New(apperr.Invalid, "error.invalid_form")
		}
	}
	in := followup.UpdateInput{DossierID: d.ID, UpdateID: updateID, Title: r.PostFormValue("title"), Body: r.PostFormValue("body"),
		PlannedOn: r.PostFormValue("planned_on"), DoneOn: r.PostFormValue("done_on"), Step: r.PostFormValue("step"),
		Progress: r.PostFormValue("progress"), Lang: langOf(r)}
	for _, v := range r.PostForm["remove"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.Remove = append(in.Remove, id)
		}
	}
	chosen := false
	for n := 1; n <= followup.MaxPhotosLimit; n++ {
		p := followup.PhotoInput{Slot: n, Alt: r.PostFormValue(followup.AltField(n))}
		if r.MultipartForm != nil {
			if fhs := r.MultipartForm.File[followup.PhotoField(n)]; len(fhs) > 0 && fhs[0].Size > 0 {
				chosen = true
				f, err := fhs[0].Open()
				if err != nil {
					return err
				}
				p.Data, err = io.ReadAll(io.LimitReader(f, followup.MaxPhotoSize+1))
				f.Close()
				if err != nil {
					return err
				}
			}
		}
		if len(p.Data) > 0 || p.Alt != "" {
			in.Photos = append(in.Photos, p)
		}
	}
	_, err = followup.PostUpdate(r.Context(), s.followupEnv(), whoOf(r), c, in)
	if fe, ok := fieldErrors(err); ok {
		p, err := s.followupCarrierPageFor(r, c, d, updateID, r.PostForm, fe)
		if err != nil {
			return err
		}
		p.PhotosLost = chosen
		return s.render(w, r, http.StatusUnprocessableEntity, "followup_carrier", p)
	}
	if err := s.blobLeft(err); err != nil {
		return err
	}
	s.flash(r, "followup.carrier.sent")
	http.Redirect(w, r, followup.CarrierURL(c.Slug, d.ID), http.StatusSeeOther)
	return nil
}

// Followed reports whether the dossier is a funded project, whose review page links its
// follow-up.
func (p *dossierPage) Followed() bool { return p.D != nil && followup.Followed(p.D.State) }
