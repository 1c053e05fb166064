package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/geomap"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/territory"
	"budgetcitoyen/internal/workshop"
)

// The maps of the catalogue (projects by commune) and of the comptoirs (upcoming sessions by
// commune): SVG files drawn by geomap, kept while their figures do not change, linked from
// the pages with an <img> and followed by their text alternative, the list of the communes
// with their counts.

// mapKind is a map file of a campaign: "projets" or "comptoirs".
type mapKind string

const (
	mapProjects  mapKind = "projets"
	mapWorkshops mapKind = "comptoirs"
)

// communeMapView is a map on a page and its text alternative.
type communeMapView struct {
	Src           string // the file's URL, with its version
	Alt           string
	Heading       string
	Summary       string // of the list: how many communes
	Note          string // how the counts are made, or ""
	TotalLine     string
	Width, Height int
	Communes      []communeCount // by name
	Total         int            // sum of the counts
}

type communeCount struct {
	Name  string
	Count int
}

// mapCounts counts the campaign's projects (those of the catalogue) or upcoming sessions by
// commune (INSEE code). A project counts once in each commune where it acts, or in its
// carrier's commune when it names none.
func (s *Server) mapCounts(r *http.Request, c *campaign.Campaign, kind mapKind) (map[string]int, error) {
	counts := map[string]int{}
	switch kind {
	case mapProjects:
		ps, err := s.publicProjects(r.Context(), c.ID)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			codes := p.Communes
			if len(codes) == 0 && p.StructureCommune != "" {
				codes = []string{p.StructureCommune}
			}
			seen := map[string]bool{}
			for _, code := range codes {
				if !seen[code] {
					seen[code] = true
					counts[code]++
				}
			}
		}
	case mapWorkshops:
		list, err := workshop.Upcoming(r.Context(), s.db, c.ID, s.now())
		if err != nil {
			return nil, err
		}
		for _, ws := range list {
			counts[ws.Commune]++
		}
	}
	// Only the communes of the map: a code of another département has no outline here.
	for code := range counts {
		if cm, ok := s.Territory.Commune(code); !ok || cm.Departement != c.Territory {
			delete(counts, code)
		}
	}
	return counts, nil
}

// mapVersion names the figures of a map in a language: it changes when they change.
func mapVersion(c *campaign.Campaign, kind mapKind, lang i18n.Lang, counts map[string]int) string {
	codes := make([]string, 0, len(counts))
	for code := range counts {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%s|%s", c.Territory, kind, lang, c.Name)
	for _, code := range codes {
		fmt.Fprintf(h, "|%s=%d", code, counts[code])
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// communeMap is the map of the page, or nil when the campaign's département has none or
// there is nothing to show on it.
func (s *Server) communeMap(r *http.Request, c *campaign.Campaign, kind mapKind) (*communeMapView, error) {
	if !geomap.Has(c.Territory) {
		return nil, nil
	}
	m, err := geomap.Load(c.Territory)
	if err != nil {
		return nil, err
	}
	counts, err := s.mapCounts(r, c, kind)
	if err != nil || len(counts) == 0 {
		return nil, err
	}
	lang := langOf(r)
	f, err := s.mapFile(r, c, kind, counts)
	if err != nil {
		return nil, err
	}
	v := &communeMapView{Src: "/" + c.Slug + "/carte/" + string(kind) + ".svg?v=" + f.version,
		Alt: s.cat.T(lang, "maps."+string(kind)+".alt"), Width: m.Width, Height: f.height}
	for code, n := range counts {
		cm, _ := s.Territory.Commune(code)
		v.Communes = append(v.Communes, communeCount{cm.Name, n})
		v.Total += n
	}
	k := "maps." + string(kind)
	v.Heading, v.Summary = s.cat.T(lang, k+".heading"), s.cat.T(lang, k+".summary", len(v.Communes))
	v.Note, v.TotalLine = s.cat.T(lang, k+".note"), s.cat.T(lang, "maps.total", v.Total)
	slices.SortFunc(v.Communes, func(a, b communeCount) int {
		return strings.Compare(territory.Normalize(a.Name), territory.Normalize(b.Name))
	})
	return v, nil
}

// mapFile is a map drawn, with the version of the figures it shows.
type mapFile struct {
	version string
	svg     []byte
	height  int // of its viewBox
}

// mapFile returns the map of these figures, drawn again only when they changed.
func (s *Server) mapFile(r *http.Request, c *campaign.Campaign, kind mapKind, counts map[string]int) (mapFile, error) {
	lang := langOf(r)
	version := mapVersion(c, kind, lang, counts)
	key := mapFileKey{c.ID, kind, lang}
	mc := &s.caches.maps
	mc.mu.Lock()
	f, ok := mc.files[key]
	mc.mu.Unlock()
	if ok && f.version == version {
		return f, nil
	}
	k := "maps." + string(kind)
	l := geomap.Labels{Lang: lang, Title: s.cat.T(lang, k+".title", c.Name), Legend: s.cat.T(lang, k+".legend"),
		NoValue: s.cat.T(lang, k+".none"), EPCI: s.cat.T(lang, "maps.epci"), Arrondissement: s.cat.T(lang, "maps.arrondissement"),
		Count: func(n int) string { return s.cat.N(lang, k+".count", int64(n), n) }}
	svg, err := geomap.Counts(c.Territory, counts, l)
	if err != nil {
		return mapFile{}, err
	}
	f = mapFile{version: version, svg: svg}
	if _, f.height, ok = geomap.ViewBox(svg); !ok {
		return mapFile{}, fmt.Errorf("map of %s: no viewBox", c.Slug)
	}
	mc.mu.Lock()
	if mc.files == nil || len(mc.files) > 1000 {
		mc.files = map[mapFileKey]mapFile{}
	}
	mc.files[key] = f
	mc.mu.Unlock()
	return f, nil
}

type mapFileKey struct {
	campaign int64
	kind     mapKind
	lang     i18n.Lang
}

// mapCache keeps the last map drawn of each campaign, kind and language.
type mapCache struct {
	mu    sync.Mutex
	files map[mapFileKey]mapFile
}

// mapShow serves a map file: GET /{slug}/carte/projets.svg and /{slug}/carte/comptoirs.svg.
// The pages link it with the version of its figures (?v=): that address may be kept a day
// by the browser; any other (no version, an old one) is checked again at each use. The SVG is
// drawn again only when the figures change.
func (s *Server) mapShow(kind mapKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		c := campaignOf(r)
		if !geomap.Has(c.Territory) {
			return apperr.New(apperr.NotFound, "error.not_found")
		}
		counts, err := s.mapCounts(r, c, kind)
		if err != nil {
			return err
		}
		f, err := s.mapFile(r, c, kind, counts)
		if err != nil {
			return err
		}
		version := f.version
		h := w.Header()
		h.Set("Content-Type", "image/svg+xml; charset=utf-8")
		h.Set("ETag", `"`+version+`"`)
		h.Set("Vary", "Cookie") // the language
		if r.URL.Query().Get("v") == version {
			h.Set("Cache-Control", "private, max-age=86400")
		} else {
			h.Set("Cache-Control", "private, no-cache")
		}
		if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, `"`+version+`"`) {
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
		_, err = w.Write(f.svg)
		return err
	}
}
