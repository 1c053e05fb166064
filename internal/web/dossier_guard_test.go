package web_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"hash/crc32"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/web"
)

// bombPNG is a black-and-white PNG of w × h pixels, all black: a few kilobytes for tens of
// millions of pixels, written row by row (no image is held in memory to make it).
func bombPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		_ = binary.Write(&out, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(kind))
		crc.Write(data)
		out.WriteString(kind)
		out.Write(data)
		_ = binary.Write(&out, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8] = 1 // 1 bit a pixel, grey
	chunk("IHDR", ihdr)
	var idat bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&idat, zlib.BestCompression)
	row := make([]byte, 1+(w+7)/8)
	for y := 0; y < h; y++ {
		_, _ = zw.Write(row)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}

// multipartBody is the documents form with a file, as a browser sends it.
func multipartBody(csrf, kind, filename string, content []byte) (body []byte, contentType string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf_token", csrf)
	_ = mw.WriteField("kind", kind)
	_ = mw.WriteField("alt", "Une photo de test")
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write(content)
	_ = mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// readRecorder is a request body that records whether the server read it.
type readRecorder struct {
	r    io.Reader
	read atomic.Bool
}

func (b *readRecorder) Read(p []byte) (int, error) {
	b.read.Store(true)
	return b.r.Read(p)
}

// carrierB is a second carrier: a registered person who created a structure of their own
// (which makes them a carrier), signed in.
func carrierB(t *testing.T, s *site) *browser {
	t.Helper()
	ctx := context.Background()
	acc, err := account.CreateWithPassword(ctx, s.db, testPasswords, "porteur-b@exemple.fr", "Bruno Autre", "bruno-porteur-autre-62", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := account.MarkVerified(ctx, s.db, acc.ID, testNow); err != nil {
		t.Fatal(err)
	}
	env := dossier.Env{Change: change.Env{DB: s.db, Now: func() time.Time { return testNow }}, Territory: territoryData(t)}
	_, err = dossier.CreateStructure(ctx, env, change.System("test"), dossier.StructureInput{Member: acc.ID,
		Structure: dossier.Structure{Name: "Association de Bruno", LegalForm: dossier.FormAssociation,
			Address: "1 place des Héros", Postcode: "62000", Commune: "62041"}})
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn("porteur-b@exemple.fr", "bruno-porteur-autre-62")
	return b
}

// The demo carrier's draft (carrier A), with a document; what carrier B must never see of it.
const (
	titleA     = "Jardin partagé du quartier Saint-Sauveur"
	summaryA   = "Un jardin partagé au pied des immeubles"
	structureA = "Les Jardins de Nadia"
	documentA  = "statuts-confidentiels-nadia"
)

func dossierOfA(t *testing.T, s *site) (slug string, id, doc int64, a *browser) {
	t.Helper()
	slug, _ = demo.Slugs(testNow)
	if err := s.db.QueryRowContext(context.Background(), "SELECT id FROM dossiers WHERE title = $1", titleA).Scan(&id); err != nil {
		t.Fatal(err)
	}
	carrier := demoAccount(t, access.Carrier)
	a = s.browser()
	a.signIn(carrier.Email, carrier.Password)
	durl := "/" + slug + "/dossiers/" + strconv.FormatInt(id, 10)
	a.get(durl + "/documents")
	wantStatus(t, a.upload(durl+"/documents", "statutes", documentA+".pdf", tinyPDF), http.StatusSeeOther, "A's upload")
	m := regexp.MustCompile(`/documents/(\d+)"`).FindStringSubmatch(a.get(durl + "/documents").Body)
	if m == nil {
		t.Fatal("A's document not listed")
	}
	doc, _ = strconv.ParseInt(m[1], 10, 64)
	return slug, id, doc, a
}

// dossierSnapshot is what a request on a dossier could change.
func dossierSnapshot(t *testing.T, s *site) func() string {
	return func() string {
		return dbtest.Snapshot(t, s.db,
			"SELECT CAST(id AS TEXT) || ' ' || state || ' ' || title || ' ' || summary || ' ' || communes || ' ' || CAST(structure_id AS TEXT) || ' ' || CAST(category_id AS TEXT) || ' ' || CAST(support_cents AS TEXT) || ' ' || CAST(updated_at AS TEXT) || ' ' || COALESCE(CAST(extended_until AS TEXT), '-') FROM dossiers ORDER BY id",
			"SELECT CAST(dossier_id AS TEXT) || ' ' || kind || ' ' || label || ' ' || amount_input FROM dossier_lines ORDER BY dossier_id, kind, position",
			"SELECT CAST(id AS TEXT) || ' ' || filename || ' ' || blob_key FROM dossier_documents ORDER BY id",
			"SELECT CAST(COUNT(*) AS TEXT) FROM audit_log",
			"SELECT CAST(COUNT(*) AS TEXT) FROM outbox",
			"SELECT CAST(COUNT(*) AS TEXT) FROM review_assignments")
	}
}

// TestDossierRoutesRefuseAnotherCarrier: carrier B, on carrier A's dossier, on every route
// of a dossier (GET and POST, forms empty or wrong, uploads bad or huge), gets the answer a
// dossier that does not exist gets (404 on the carriers' routes, 403 on the agents' and the
// committee's), with none of A's data, and the database is left as it was.
func TestDossierRoutesRefuseAnotherCarrier(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		slug, idA, docA, _ := dossierOfA(t, s)
		b := carrierB(t, s)
		b.get("/" + slug + "/dossiers")
		exe := append([]byte("MZ\x90\x00\x03"), make([]byte, 200)...)

		type request struct {
			pattern string // the route exercised
			method  string
			path    string // {slug}, {id}, {doc} replaced
			form    url.Values
			file    []byte // sent as the documents form's file, with kind
			kind    string
			want    int
		}
		d := "/{slug}/dossiers/{id}"
		adm := "/admin/campagnes/{slug}"
		cases := []request{
			{"GET " + d, "GET", d, nil, nil, "", 404},
			{"GET " + d + "/{step}", "GET", d + "/projet", nil, nil, "", 404},
			{"GET " + d + "/{step}", "GET", d + "/presentation", nil, nil, "", 404},
			{"GET " + d + "/{step}", "GET", d + "/budget", nil, nil, "", 404},
			{"GET " + d + "/{step}", "GET", d + "/documents", nil, nil, "", 404},
			{"GET " + d + "/{step}", "GET", d + "/inconnue", nil, nil, "", 404},
			{"GET " + d + "/recepisse.pdf", "GET", d + "/recepisse.pdf", nil, nil, "", 404},
			{"GET " + d + "/documents/{doc}", "GET", d + "/documents/{doc}", nil, nil, "", 404},
			{"GET " + d + "/historique", "GET", d + "/historique", nil, nil, "", 404},
			{"POST " + d + "/{step}", "POST", d + "/projet", url.Values{}, nil, "", 404},
			{"POST " + d + "/{step}", "POST", d + "/projet", url.Values{"structure": {"1"}, "category": {"0"}}, nil, "", 404},
			{"POST " + d + "/{step}", "POST", d + "/presentation", url.Values{"title": {strings.Repeat("x", 500)}, "communes": {"Nulle-part"}}, nil, "", 404},
			{"POST " + d + "/{step}", "POST", d + "/budget", url.Values{"exp0_label": {"x"}, "exp0_amount": {"beaucoup"}}, nil, "", 404},
			{"POST " + d + "/{step}", "POST", d + "/documents", url.Values{}, nil, "", 404},
			{"POST " + d + "/envoyer", "POST", d + "/envoyer", url.Values{}, nil, "", 404},
			{"POST " + d + "/documents", "POST", d + "/documents", url.Values{}, nil, "", 404},
			{"POST " + d + "/documents", "POST", d + "/documents", nil, exe, "statutes", 404},
			{"POST " + d + "/documents", "POST", d + "/documents", nil, []byte("pas un fichier"), "", 404},
			{"POST " + d + "/documents", "POST", d + "/documents", nil, bombPNG(t, 7000, 7000), "photo", 404},
			{"POST " + d + "/documents/{doc}/supprimer", "POST", d + "/documents/{doc}/supprimer", url.Values{}, nil, "", 404},
			{"GET " + d + "/suivi", "GET", d + "/suivi", nil, nil, "", 404},
			{"POST " + d + "/suivi", "POST", d + "/suivi", url.Values{"title": {"x"}, "body": {"y"}}, nil, "", 404},
			{"POST " + d + "/suivi", "POST", d + "/suivi", nil, bombPNG(t, 7000, 7000), "photo", 404},
			{"POST " + d + "/suivi/{update}", "POST", d + "/suivi/1", url.Values{"title": {"x"}}, nil, "", 404},
			{"GET " + d + "/suivi/photos/{file}", "GET", d + "/suivi/photos/1-0123456789abcdef-320.jpg", nil, nil, "", 404},
			{"GET " + d + "/bilan", "GET", d + "/bilan", nil, nil, "", 404},
			{"POST " + d + "/bilan", "POST", d + "/bilan", url.Values{"summary": {"x"}, "total_cost": {"1"}}, nil, "", 404},
			{"POST " + d + "/bilan", "POST", d + "/bilan", nil, exe, "", 404},
			{"GET " + d + "/bilan/documents/{file}", "GET", d + "/bilan/documents/{doc}", nil, nil, "", 404},
			{"GET " + adm + "/dossiers/{id}", "GET", adm + "/dossiers/{id}", nil, nil, "", 403},
			{"POST " + adm + "/dossiers/{id}/prolongation", "POST", adm + "/dossiers/{id}/prolongation", url.Values{"until": {"2026-12-31"}}, nil, "", 403},
			{"GET " + adm + "/comite/dossiers/{id}", "GET", adm + "/comite/dossiers/{id}", nil, nil, "", 403},
			{"GET /{slug}/comite/{id}", "GET", "/{slug}/comite/{id}", nil, nil, "", 403},
			{"POST /{slug}/comite/{id}", "POST", "/{slug}/comite/{id}", url.Values{"score": {"5"}}, nil, "", 403},
			{"POST /{slug}/comite/{id}/declaration", "POST", "/{slug}/comite/{id}/declaration", url.Values{}, nil, "", 403},
		}
		// Every route of a dossier is in the table.
		for _, p := range web.RoutePatterns() {
			if !strings.Contains(p, "/dossiers/{id}") && !strings.Contains(p, "/comite/{id}") {
				continue
			}
			if !slices.ContainsFunc(cases, func(c request) bool { return c.pattern == p }) {
				t.Errorf("route %q is not tried", p)
			}
		}

		send := func(c request, id, doc int64) page {
			path := strings.NewReplacer("{slug}", slug, "{id}", strconv.FormatInt(id, 10), "{doc}", strconv.FormatInt(doc, 10)).Replace(c.path)
			switch {
			case c.method == "GET":
				return b.get(path)
			case c.file != nil:
				return b.upload(path, c.kind, "fichier.png", c.file)
			}
			return b.post(path, c.form)
		}
		// What the page says of the dossier asked for, its id aside: the same for A's dossier
		// as for one that does not exist.
		const none = 987654321
		norm := func(body string, id, doc int64) string {
			body = csrfRe.ReplaceAllString(body, "csrf")
			i, dc := strconv.FormatInt(id, 10), strconv.FormatInt(doc, 10)
			return strings.NewReplacer("/dossiers/"+i+"/documents/"+dc, "/dossiers/ID/documents/DOC",
				"/dossiers/"+i+"/bilan/documents/"+dc, "/dossiers/ID/bilan/documents/DOC",
				"/dossiers/"+i, "/dossiers/ID", "/comite/"+i, "/comite/ID").Replace(body)
		}
		snapshot := dossierSnapshot(t, s)
		for _, c := range cases {
			what := c.method + " " + c.path
			if c.kind != "" {
				what += " (" + c.kind + ")"
			}
			before := snapshot()
			p := plain(send(c, idA, docA))
			if p.Status != c.want {
				t.Errorf("%s: status %d, want %d; body:\n%s", what, p.Status, c.want, excerpt(p.Body))
			}
			for _, secret := range []string{titleA, summaryA, structureA, documentA} {
				if strings.Contains(p.Body, secret) {
					t.Errorf("%s: the page shows %q", what, secret)
				}
			}
			q := plain(send(c, none, none))
			if q.Status != p.Status {
				t.Errorf("%s: A's dossier answers %d, a dossier that does not exist %d", what, p.Status, q.Status)
			} else if pa, pn := norm(p.Body, idA, docA), norm(q.Body, none, none); pa != pn {
				t.Errorf("%s: the page of A's dossier differs from a missing dossier's:\n%s\n----\n%s", what, around(pa, pn), around(pn, pa))
			}
			if after := snapshot(); after != before {
				t.Errorf("%s: the database changed:\n%s\nwas\n%s", what, after, before)
			}
		}
	})
}

// serveDirect sends req to the site's handler in the test's goroutine, as the browser b (its
// cookies), so that the test sees what the server does with the body.
func serveDirect(s *site, b *browser, req *http.Request) *httptest.ResponseRecorder {
	u, _ := url.Parse(s.srv.URL)
	for _, c := range b.http.Jar.Cookies(u) {
		req.AddCookie(c)
	}
	req.Host = u.Host
	req.Header.Set("Origin", s.srv.URL)
	rec := httptest.NewRecorder()
	s.srv.Config.Handler.ServeHTTP(rec, req)
	return rec
}

// TestUploadBombRefused: the 7000 × 7000 PNG of the report. Sent by carrier B to A's dossier,
// it is refused without the body being read at all; sent by A to A's own dossier, it is
// refused from its header, with its size, before it is decoded. A forged upload is still
// refused, and A's ordinary upload still works.
func TestUploadBombRefused(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		slug, idA, _, a := dossierOfA(t, s)
		durl := "/" + slug + "/dossiers/" + strconv.FormatInt(idA, 10)
		bomb := bombPNG(t, 7000, 7000)
		snapshot := dossierSnapshot(t, s)

		b := carrierB(t, s)
		b.get("/" + slug + "/dossiers")
		before := snapshot()
		body, ct := multipartBody(b.csrf, "photo", "bombe.png", bomb)
		rb := &readRecorder{r: bytes.NewReader(body)}
		req := httptest.NewRequest(http.MethodPost, durl+"/documents", rb)
		req.Header.Set("Content-Type", ct)
		req.ContentLength = int64(len(body))
		rec := serveDirect(s, b, req)
		if rec.Code != http.StatusNotFound {
			t.Errorf("B's bomb on A's dossier: status %d", rec.Code)
		}
		if rb.read.Load() {
			t.Error("B's upload to A's dossier was read before being refused")
		}
		if after := snapshot(); after != before {
			t.Errorf("B's bomb changed the database:\n%s", after)
		}

		// The same request from A is read (the control of the recorder).
		a.get(durl + "/documents")
		body, ct = multipartBody(a.csrf, "photo", "bombe.png", bomb)
		rb = &readRecorder{r: bytes.NewReader(body)}
		req = httptest.NewRequest(http.MethodPost, durl+"/documents", rb)
		req.Header.Set("Content-Type", ct)
		req.ContentLength = int64(len(body))
		start := time.Now()
		rec = serveDirect(s, a, req)
		p := plain(page{Status: rec.Code, Body: rec.Body.String()})
		wantStatus(t, p, http.StatusUnprocessableEntity, "A's bomb")
		wantContains(t, p, "A's bomb", "Cette image fait 7 000 × 7 000 pixels : au-delà de 40 millions de pixels, elle est refusée")
		if !rb.read.Load() {
			t.Error("A's upload was not read")
		}
		// Refused from the header: no decoding of 49 million pixels (seconds, hundreds of MB).
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("A's bomb refused after %v", d)
		}
		if after := snapshot(); after != before {
			t.Errorf("A's bomb changed the database:\n%s", after)
		}

		// A forged upload (wrong token) from A is refused; a right one is kept.
		body, ct = multipartBody("forged", "photo", "photo.png", pngBytes(40, 30))
		req = httptest.NewRequest(http.MethodPost, durl+"/documents", bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		if rec := serveDirect(s, a, req); rec.Code != http.StatusForbidden {
			t.Errorf("forged upload: status %d", rec.Code)
		}
		if after := snapshot(); after != before {
			t.Errorf("a forged upload changed the database:\n%s", after)
		}
		wantStatus(t, a.upload(durl+"/documents", "photo", "photo.png", pngBytes(40, 30)), http.StatusSeeOther, "A's photo")
	})
}

// around is a's text around its first difference with b.
func around(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return a[max(0, i-200):min(len(a), i+200)]
}

// The anti-forgery token of a multipart form, checked after the route's own refusals, is
// still checked on every route: missing or forged, the request is refused and changes
// nothing; right, it goes through.
func TestMultipartFormsNeedTheToken(t *testing.T) {
	s := newSite(t, siteDB(t))
	carrier := demoAccount(t, access.Carrier)
	b := s.browser()
	b.signIn(carrier.Email, carrier.Password)
	b.get("/compte")
	post := func(path string, fields map[string]string) page {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range fields {
			_ = mw.WriteField(k, v)
		}
		_ = mw.Close()
		req, err := http.NewRequest(http.MethodPost, s.srv.URL+path, &buf)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", s.srv.URL)
		return b.do(req)
	}
	structures := func() string {
		return dbtest.Snapshot(t, s.db, "SELECT name FROM structures ORDER BY id")
	}
	before := structures()
	form := map[string]string{"name": "Association forgée", "legal_form": "association", "address": "1 rue", "commune": "Arras"}
	for _, token := range []string{"", "forged"} {
		form["csrf_token"] = token
		wantStatus(t, post("/compte/structures/nouvelle", form), http.StatusForbidden, "structure, token "+strconv.Quote(token))
		wantStatus(t, post("/deconnexion", map[string]string{"csrf_token": token}), http.StatusForbidden, "sign-out, token "+strconv.Quote(token))
	}
	if after := structures(); after != before {
		t.Errorf("a forged form created a structure:\n%s", after)
	}
	wantStatus(t, b.get("/compte"), http.StatusOK, "still signed in")
	wantStatus(t, post("/deconnexion", map[string]string{"csrf_token": b.csrf}), http.StatusSeeOther, "sign-out with the token")
	if p := b.get("/compte"); p.Status == http.StatusOK {
		t.Error("still signed in after signing out")
	}
}
