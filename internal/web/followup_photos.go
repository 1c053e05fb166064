package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
)

// The photos of the follow-up's updates, in the widths of dossier.PhotoWidths, made from the
// stored photo on the first request and kept (the projects' photos' cache: by content hash
// and width). A published update's photos are public (followupPhotoURL), cached for a year
// like the projects' photos; the carrier and the agents see those of any update of the
// project through the dossier's own route, which checks who asks (dossier_guard.go).

// followupOwnerPhotoURL is the address of an update's photo for those who may read the
// dossier: /{slug}/dossiers/{id}/suivi/photos/{photo}-{hash}-{width}.jpg.
func followupOwnerPhotoURL(slug string, dossierID int64, p followup.Photo, w int) string {
	return fmt.Sprintf("/%s/dossiers/%d/suivi/photos/%d-%s-%d.jpg", slug, dossierID, p.ID,
		p.SHA256[:min(len(p.SHA256), photoHashLen)], w)
}

// followupPhotoView is an update's photo on a page: its 320 px width, the widths up to 640
// px for srcset, its alternative text and the proportions of its 320 px width.
type followupPhotoView struct {
	Src, SrcSet, Alt string
	Width, Height    int
}

// followupPhotoOf dresses a photo with the address maker url (public or the owner's).
func followupPhotoOf(p followup.Photo, url func(followup.Photo, int) string) followupPhotoView {
	v := followupPhotoView{Alt: p.Alt, Src: url(p, dossier.PhotoWidths[0])}
	v.Width, v.Height = dossier.PhotoSize(p.Width, p.Height, dossier.PhotoWidths[0])
	var set []string
	last := 0
	for _, w := range dossier.PhotoWidths {
		aw, _ := dossier.PhotoSize(p.Width, p.Height, w)
		if aw == last || w > dossier.ThumbMaxWidth {
			continue
		}
		last = aw
		set = append(set, url(p, w)+" "+strconv.Itoa(aw)+"w")
	}
	v.SrcSet = strings.Join(set, ", ")
	return v
}

// followupPhotoServe serves the public photos before the session middleware (withAssets),
// the same response for everyone; its refusals are plain text, never cached.
func (s *Server) followupPhotoServe(w http.ResponseWriter, r *http.Request) {
	s.servePlainPhoto(w, r, "follow-up photo", s.followupPublicPhoto)
}

// followupPublicPhoto serves a photo of a published update of the campaign.
func (s *Server) followupPublicPhoto(w http.ResponseWriter, r *http.Request) error {
	notFound := apperr.New(apperr.NotFound, "followup.photo.not_found")
	c, err := s.campaignBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	id, hash, width, ok := parsePhotoFile(r.PathValue("file"))
	if !ok {
		return notFound
	}
	p, err := followup.PhotoByID(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	u, err := followup.UpdateByID(r.Context(), s.db, p.UpdateID)
	if err != nil {
		return err
	}
	if u.CampaignID != c.ID || u.Status != followup.UpdatePublished || !strings.HasPrefix(p.SHA256, hash) {
		return notFound
	}
	return s.writeFollowupPhoto(w, r, p, hash, width, "public, max-age=31536000, immutable")
}

// followupOwnerPhoto serves a photo of any update of the dossier to those who may read it
// (guard checked it: the structure's members, the agents).
func (s *Server) followupOwnerPhoto(w http.ResponseWriter, r *http.Request) error {
	notFound := apperr.New(apperr.NotFound, "followup.photo.not_found")
	_, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	id, hash, width, ok := parsePhotoFile(r.PathValue("file"))
	if !ok {
		return notFound
	}
	p, err := followup.PhotoByID(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	u, err := followup.UpdateByID(r.Context(), s.db, p.UpdateID)
	if err != nil {
		return err
	}
	if u.DossierID != d.ID || !strings.HasPrefix(p.SHA256, hash) {
		return notFound
	}
	return s.writeFollowupPhoto(w, r, p, hash, width, "private, max-age=3600")
}

// writeFollowupPhoto writes the photo at a width, made from the stored photo once.
func (s *Server) writeFollowupPhoto(w http.ResponseWriter, r *http.Request, p *followup.Photo, hash string, width int, cache string) error {
	key := p.SHA256 + "-" + strconv.Itoa(width)
	data, ok := s.caches.photos.get(key)
	if !ok {
		rc, err := s.blobs().Get(r.Context(), p.BlobKey)
		if errors.Is(err, dossier.ErrNoBlob) {
			return apperr.New(apperr.NotFound, "followup.photo.not_found")
		} else if err != nil {
			return err
		}
		stored, err := io.ReadAll(io.LimitReader(rc, followup.MaxPhotoSize+1))
		rc.Close()
		if err != nil {
			return err
		}
		if data, _, _, err = dossier.PhotoVariant(r.Context(), stored, width); err != nil {
			return fmt.Errorf("follow-up photo %d at %d px: %w", p.ID, width, err)
		}
		s.caches.photos.put(key, data)
	}
	h := w.Header()
	h.Set("Content-Type", "image/jpeg")
	h.Set("Cache-Control", cache)
	h.Set("ETag", `"`+hash+"-"+strconv.Itoa(width)+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
	return nil
}
