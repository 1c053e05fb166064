package web

import (
	"fmt"

	"budgetcitoyen/internal/followup"
)

// followupPhotoURL is the public URL of a published update's photo at width w (one of
// dossier.PhotoWidths): /{slug}/suivi/photos/{photo}-{hash}-{width}.jpg, cached for a year
// like the projects' photos (a new photo has a new URL).
func followupPhotoURL(slug string, p followup.Photo, w int) string {
	return fmt.Sprintf("/%s/suivi/photos/%d-%s-%d.jpg", slug, p.ID, p.SHA256[:min(len(p.SHA256), photoHashLen)], w)
}
