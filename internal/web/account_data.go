package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mydata"
)

// myDataPage is the readable copy of everything the platform holds about the signed-in
// person (the right of access); the JSON download holds the same data.
type myDataPage struct {
	Base
	X        *mydata.Export
	communes map[string]string // INSEE code → name, for the codes of the export
}

// Commune names a commune of the export ("Arras (62041)"), its code if unknown.
func (p myDataPage) Commune(code string) string {
	if n, ok := p.communes[code]; ok {
		return n
	}
	return code
}

// Day writes a calendar day of the export ("1990-04-01", a birth date) as the page's
// language does; anything else as it is.
func (p myDataPage) Day(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return i18n.Date(p.Lang, t)
}

// myData shows the person's data, or downloads it as JSON (?format=json, or the .json
// address): an attachment that no cache keeps, as the page itself.
func (s *Server) myData(w http.ResponseWriter, r *http.Request) error {
	x, err := mydata.Collect(r.Context(), s.db, actorOf(r).ID(), s.now())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	if r.URL.Query().Get("format") == "json" || strings.HasSuffix(r.URL.Path, ".json") {
		b, err := json.MarshalIndent(x, "", "  ")
		if err != nil {
			return err
		}
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="budgetcitoyen-mes-donnees-`+s.now().UTC().Format("2006-01-02")+`.json"`)
		h.Set("X-Content-Type-Options", "nosniff")
		_, err = w.Write(append(b, '\n'))
		return err
	}
	p := myDataPage{Base: s.base(r, "mydata.title"), X: x, communes: map[string]string{}}
	codes := []string{}
	for _, i := range x.Ideas {
		codes = append(codes, i.Commune)
	}
	for _, st := range x.Structures {
		codes = append(codes, st.Commune)
	}
	for _, v := range x.Votes {
		codes = append(codes, v.Commune)
	}
	for _, d := range x.Dossiers {
		codes = append(codes, d.Communes...)
	}
	for _, c := range codes {
		if c != "" {
			p.communes[c] = s.communeLabel(c)
		}
	}
	return s.render(w, r, http.StatusOK, "mydata", p)
}
