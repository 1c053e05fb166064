package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/vote"
)

// The photos of the projects on the ballot are public: /{slug}/photos/{doc}-{hash}-{width}.jpg
// serves the document's photo at one of dossier.PhotoWidths. The hash is the start of the
// stored photo's SHA-256: a new photo has new URLs, so a URL is cached for a year. A photo
// whose dossier is not public (a draft, a dossier under review) is not found: its carrier
// sees it through the dossier's own documents route, which checks who asks.

// photoHashLen is how many hexadecimal digits of the SHA-256 a photo's URL carries.
const photoHashLen = 16

// photoURL is the public URL of a project's photo at width w.
func photoURL(slug string, p vote.Photo, w int) string {
	return fmt.Sprintf("/%s/photos/%d-%s-%d.jpg", slug, p.DocID, p.SHA256[:min(len(p.SHA256), photoHashLen)], w)
}

// parsePhotoFile reads "{doc}-{hash}-{width}.jpg".
func parsePhotoFile(name string) (doc int64, hash string, width int, ok bool) {
	name, found := strings.CutSuffix(name, ".jpg")
	parts := strings.Split(name, "-")
	if !found || len(parts) != 3 || len(parts[1]) != photoHashLen {
		return 0, "", 0, false
	}
	doc, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || doc <= 0 {
		return 0, "", 0, false
	}
	width, err = strconv.Atoi(parts[2])
	if err != nil || !dossier.ValidPhotoWidth(width) {
		return 0, "", 0, false
	}
	return doc, parts[1], width, true
}

// photoView is what a page shows of a project's photo, or of its category's illustration
// when it has none.
type photoView struct {
	Has           bool
	Alt           string
	Src           string // the 320 px width
	SrcSetSmall   string // up to 640 px: the catalogue's cards
	SrcSet        string // every width: the project page
	Width, Height int    // of the 640 px width: the proportions for the page's layout
	// The illustration of a project without a photo: its category's colours.
	Ground, Figure string
}

// illustrationTones are the colours of the categories' illustrations (a category takes
// the one of its id): pale grounds, dark figures, so that the shapes read at any size.
var illustrationTones = [][2]string{
	{"#e3ecfa", "#2a4f8f"}, {"#e6f2e8", "#2f6b3b"}, {"#fbeee0", "#8a4b12"}, {"#f1e6f5", "#6a3580"}, {"#e4f3f3", "#1f6668"},
}

// photoOf dresses a project's photo for the pages.
func photoOf(slug string, categoryID int64, p vote.Photo) photoView {
	if p.DocID == 0 || p.SHA256 == "" {
		t := illustrationTones[int(categoryID%int64(len(illustrationTones))+int64(len(illustrationTones)))%len(illustrationTones)]
		return photoView{Ground: t[0], Figure: t[1]}
	}
	v := photoView{Has: true, Alt: p.Alt, Src: photoURL(slug, p, dossier.PhotoWidths[0])}
	v.Width, v.Height = dossier.PhotoSize(p.Width, p.Height, 640)
	var all []string
	last := 0
	for _, w := range dossier.PhotoWidths {
		aw, _ := dossier.PhotoSize(p.Width, p.Height, w)
		if aw == last {
			continue // the photo is narrower than this width: it is the previous one
		}
		last = aw
		all = append(all, photoURL(slug, p, w)+" "+strconv.Itoa(aw)+"w")
		if w <= 640 {
			v.SrcSetSmall = strings.Join(all, ", ")
		}
	}
	v.SrcSet = strings.Join(all, ", ")
	return v
}

// photoServe serves the photos before the session middleware (withAssets): the same
// response for everyone, no cookie read or set, so shared caches may keep them. Its
// refusals are plain text (an <img> shows no page), never cached.
func (s *Server) photoServe(w http.ResponseWriter, r *http.Request) {
	s.servePlainPhoto(w, r, "photo", s.projectPhoto)
}

// servePlainPhoto answers a public photo's request with serve, its refusals in plain text,
// never cached; what names the photo's kind in the log.
func (s *Server) servePlainPhoto(w http.ResponseWriter, r *http.Request, what string, serve func(http.ResponseWriter, *http.Request) error) {
	err := serve(w, r)
	if err == nil {
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	if apperr.IsKind(err, apperr.NotFound) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "Photo introuvable.\n")
		return
	}
	s.log.Error(what, "path", r.URL.Path, "err", err)
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(w, "Erreur interne.\n")
}

// projectPhoto serves a public photo at one width, made on the first request and kept.
func (s *Server) projectPhoto(w http.ResponseWriter, r *http.Request) error {
	notFound := apperr.New(apperr.NotFound, "dossier.document.not_found")
	c, err := s.campaignBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	id, hash, width, ok := parsePhotoFile(r.PathValue("file"))
	if !ok {
		return notFound
	}
	doc, err := dossier.PublicPhoto(r.Context(), s.db, c.ID, id)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(doc.SHA256, hash) {
		return notFound
	}
	key := doc.SHA256 + "-" + strconv.Itoa(width)
	data, ok := s.caches.photos.get(key)
	if !ok {
		rc, err := s.blobs().Get(r.Context(), doc.BlobKey)
		if errors.Is(err, dossier.ErrNoBlob) {
			return notFound
		} else if err != nil {
			return err
		}
		stored, err := io.ReadAll(io.LimitReader(rc, dossier.DocPhoto.MaxSize()+1))
		rc.Close()
		if err != nil {
			return err
		}
		if data, _, _, err = dossier.PhotoVariant(r.Context(), stored, width); err != nil {
			return fmt.Errorf("photo %d at %d px: %w", doc.ID, width, err)
		}
		s.caches.photos.put(key, data)
	}
	h := w.Header()
	h.Set("Content-Type", "image/jpeg")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+hash+"-"+strconv.Itoa(width)+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
	return nil
}

// maxPhotoCache bounds the bytes of the photos' widths a process keeps (the widths of a
// few hundred projects); past it, the cache starts again empty.
const maxPhotoCache = 48 << 20

// photoCache keeps the widths made of the public photos, by content hash and width: a
// photo's bytes never change under its key.
type photoCache struct {
	mu    sync.Mutex
	m     map[string][]byte
	bytes int
}

func (c *photoCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.m[key]
	return b, ok
}

func (c *photoCache) put(key string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || c.bytes+len(b) > maxPhotoCache {
		c.m, c.bytes = map[string][]byte{}, 0
	}
	if _, ok := c.m[key]; !ok {
		c.m[key] = b
		c.bytes += len(b)
	}
}
