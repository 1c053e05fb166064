package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
	"time"
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

// staticHashes maps each embedded asset to the first 12 hex digits of the SHA-256 of its
// content: pages link to "/static/NAME?v=HASH", so a new binary with a changed style sheet
// gets a new address and browsers may keep each version for a year.
var staticHashes = func() map[string]string {
	m := map[string]string{}
	for _, name := range staticNames() {
		b, err := staticFiles.ReadFile("ui/static/" + name)
		if err != nil {
			panic(err) // listed from the same embedded folder
		}
		if css, ok := servedCSS[name]; ok {
			b = css
		}
		sum := sha256.Sum256(b)
		m[name] = hex.EncodeToString(sum[:6])
	}
	return m
}()

// servedCSS holds each embedded style sheet as it is served: minified (minifyCSS), the
// written file keeping its comments for the people who edit it.
var servedCSS = func() map[string][]byte {
	m := map[string][]byte{}
	for _, name := range staticNames() {
		if !strings.HasSuffix(name, ".css") {
			continue
		}
		b, err := staticFiles.ReadFile("ui/static/" + name)
		if err != nil {
			panic(err) // listed from the same embedded folder
		}
		m[name] = []byte(minifyCSS(string(b)))
	}
	return m
}()

// assetURL is the address of an embedded asset with its content hash ("/static/site.css?v=…").
func assetURL(name string) string {
	if h, ok := staticHashes[name]; ok {
		return "/static/" + name + "?v=" + h
	}
	return "/static/" + name
}

// staticServe serves the embedded assets (style sheet, icons). Asked with the content hash
// of this binary's version (assetURL), an asset never changes: browsers keep it a year
// without asking again. Without it (old links, bookmarks) or with another version's hash,
// they may keep it an hour.
func (s *Server) staticServe(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	if v := r.URL.Query().Get("v"); v != "" && v == staticHashes[name] {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=3600")
	}
	if css, ok := servedCSS[name]; ok {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(css))
		return nil
	}
	staticFS.ServeHTTP(w, r)
	return nil
}
