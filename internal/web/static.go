package web

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed ui/static
var staticFiles embed.FS

var staticFS = func() http.Handler {
	sub, err := fs.Sub(staticFiles, "ui/static")
	if err != nil {
		panic(err) // the embedded folder is part of the binary
	}
	return http.StripPrefix("/static/", http.FileServerFS(sub))
}()

// staticNames lists the embedded assets (paths below ui/static).
func staticNames() []string {
	var names []string
	_ = fs.WalkDir(staticFiles, "ui/static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, strings.TrimPrefix(p, "ui/static/"))
		}
		return nil
	})
	return names
}

// staticServe serves the embedded assets (style sheet, icons); they change with the binary,
// so browsers may keep them an hour.
func (s *Server) staticServe(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	staticFS.ServeHTTP(w, r)
	return nil
}
