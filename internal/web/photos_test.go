package web_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/vote"
)

var (
	imgRe    = regexp.MustCompile(`<img loading="lazy"[^>]*>`)
	srcsetRe = regexp.MustCompile(`srcset="([^"]*)"`)
	altRe    = regexp.MustCompile(`alt="([^"]*)"`)
)

// srcsetURLs returns the URLs of an <img>'s srcset.
func srcsetURLs(img string) []string {
	m := srcsetRe.FindStringSubmatch(img)
	if m == nil {
		return nil
	}
	var out []string
	for _, c := range strings.Split(html.UnescapeString(m[1]), ",") {
		if f := strings.Fields(c); len(f) == 2 {
			out = append(out, f[0])
		}
	}
	return out
}

// TestPhotosOnThePublicPages: the demo's projects on the open ballot show their photos,
// lazy-loaded with their widths and alternative texts, on the catalogue, the project page
// and the ballot; each catalogue thumbnail weighs under 40 KB and is cached for good.
func TestPhotosOnThePublicPages(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		c, slug := votingCampaign(t, s)
		projects, err := vote.BallotProjects(ctx, s.db, c.ID)
		if err != nil || len(projects) == 0 {
			t.Fatalf("projects: %d %v", len(projects), err)
		}
		for _, p := range projects {
			if p.Photo.DocID == 0 || len(p.Photo.Alt) < 30 || p.Photo.Width != 1200 || p.Photo.Height != 800 {
				t.Errorf("demo project %q has no photo with a real alternative text: %+v", p.Title, p.Photo)
			}
		}
		anon := s.browser()
		cat := anon.get("/" + slug + "/projets")
		wantStatus(t, cat, http.StatusOK, "catalogue")
		imgs := imgRe.FindAllString(cat.Body, -1)
		if len(imgs) != len(projects) {
			t.Fatalf("catalogue: %d photos for %d projects", len(imgs), len(projects))
		}
		wantContains(t, cat, "catalogue", `<figure class="project-photo"><img loading="lazy"`, `sizes="`, `width="640" height="427"`)
		if alt := altRe.FindStringSubmatch(imgs[0]); alt == nil || html.UnescapeString(alt[1]) != projects[0].Photo.Alt {
			t.Errorf("first card's alt %v, want %q", alt, projects[0].Photo.Alt)
		}
		for _, img := range imgs {
			urls := srcsetURLs(img)
			if len(urls) != 2 {
				t.Fatalf("catalogue srcset %v: want the 320 and 640 px widths", urls)
			}
			for _, u := range urls {
				p := anon.get(u)
				wantStatus(t, p, http.StatusOK, u)
				if ct := p.Header.Get("Content-Type"); ct != "image/jpeg" {
					t.Errorf("%s: type %q", u, ct)
				}
				if cc := p.Header.Get("Cache-Control"); !strings.Contains(cc, "public") || !strings.Contains(cc, "immutable") {
					t.Errorf("%s: Cache-Control %q", u, cc)
				}
				if n := len(p.Body); n >= 40<<10 || n < 1000 {
					t.Errorf("catalogue thumbnail %s weighs %d bytes (limit 40 KB)", u, n)
				}
				if strings.Contains(p.Body, "Exif") {
					t.Errorf("%s keeps EXIF", u)
				}
				if v, c := p.Header.Values("Vary"), p.Header.Values("Set-Cookie"); len(v)+len(c) != 0 {
					t.Errorf("%s: Vary %q, Set-Cookie %q: shared caches could not keep it", u, v, c)
				}
			}
		}
		// A URL of another content hash, or of a width not offered, is not found.
		u := srcsetURLs(imgs[0])[0]
		bad := regexp.MustCompile(`-[0-9a-f]{16}-`).ReplaceAllString(u, "-0123456789abcdef-")
		wantStatus(t, anon.get(bad), http.StatusNotFound, "other hash")
		wantStatus(t, anon.get(strings.Replace(u, "-320.jpg", "-500.jpg", 1)), http.StatusNotFound, "other width")
		wantStatus(t, anon.get(strings.Replace(u, "/"+slug+"/", "/pas-de-campagne/", 1)), http.StatusNotFound, "unknown campaign")

		// The project page offers every width.
		pp := anon.get("/" + slug + "/projets/" + strconv.FormatInt(projects[0].ID, 10))
		wantContains(t, pp, "project page", `class="project-photo project-photo-full"`, ` 1200w"`, `loading="lazy"`)

		// The ballot shows them too; a signed-in voter's photo responses are the shared ones.
		b, _ := voteAs(t, s, "zoe@example.test", "Lefèvre", "2000-05-06", "62041")
		ph := b.get(u)
		wantStatus(t, ph, http.StatusOK, "photo for a signed-in voter")
		if v, c := ph.Header.Values("Vary"), ph.Header.Values("Set-Cookie"); len(v)+len(c) != 0 {
			t.Errorf("photo for a signed-in voter: Vary %q, Set-Cookie %q", v, c)
		}
		if ph.Header.Get("ETag") == "" {
			t.Error("photo without ETag")
		}
		ballot := b.get("/" + slug + "/vote")
		wantContains(t, ballot, "ballot", `class="project-photo project-photo-thumb"`, html.EscapeString(projects[1].Photo.Alt))
	})
}

// TestPhotoOfADraftStaysPrivate: a draft's photo has no public URL (404), even with its
// right hash; its carrier still reads it through the dossier's documents. The alternative
// text is required, with a French message.
func TestPhotoOfADraftStaysPrivate(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		slug, id, _, a := dossierOfA(t, s)
		durl := "/" + slug + "/dossiers/" + strconv.FormatInt(id, 10)
		p := a.uploadAlt(durl+"/documents", "photo", "photo.png", pngBytes(60, 40), "  ")
		wantStatus(t, p, http.StatusUnprocessableEntity, "photo without alt")
		wantContains(t, p, "photo without alt", "Décrivez la photo", `href="#f-alt"`, `aria-invalid="true"`)
		p = a.uploadAlt(durl+"/documents", "photo", "photo.png", pngBytes(60, 40), "Un rectangle gris")
		wantStatus(t, p, http.StatusSeeOther, "photo with alt")
		wantContains(t, a.get(durl+"/documents"), "documents page", "« Un rectangle gris »")
		docs, err := dossier.Documents(ctx, s.db, id)
		if err != nil {
			t.Fatal(err)
		}
		var photo *dossier.Document
		for i := range docs {
			if docs[i].Kind == dossier.DocPhoto {
				photo = &docs[i]
			}
		}
		if photo == nil || photo.AltText != "Un rectangle gris" || photo.Width != 60 || photo.Height != 40 {
			t.Fatalf("stored photo %+v", photo)
		}
		for _, w := range dossier.PhotoWidths {
			u := "/" + slug + "/photos/" + strconv.FormatInt(photo.ID, 10) + "-" + photo.SHA256[:16] + "-" + strconv.Itoa(w) + ".jpg"
			nf := s.browser().get(u)
			wantStatus(t, nf, http.StatusNotFound, "draft's photo, anonymous")
			if strings.Contains(nf.Header.Get("Cache-Control"), "public") {
				t.Errorf("a refusal is cached publicly: %q", nf.Header.Get("Cache-Control"))
			}
			wantStatus(t, a.get(u), http.StatusNotFound, "draft's photo, its carrier")
		}
		// Nor under the campaign voting now.
		_, voteSlug := demo.Slugs(testNow)
		u := "/" + voteSlug + "/photos/" + strconv.FormatInt(photo.ID, 10) + "-" + photo.SHA256[:16] + "-320.jpg"
		wantStatus(t, s.browser().get(u), http.StatusNotFound, "draft's photo under another campaign")
		p = a.get(durl + "/documents/" + strconv.FormatInt(photo.ID, 10))
		wantStatus(t, p, http.StatusOK, "carrier reads the draft's photo")
	})
}
