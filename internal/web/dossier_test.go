package web_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/web"
	"budgetcitoyen/internal/workshop"
)

// newDossierSite is newSite with a data folder, where the documents are stored.
func newDossierSite(t *testing.T, d *db.DB) *site {
	t.Helper()
	dataDir := seedDemo(t, plainDemo, d)
	s := &site{t: t, db: d, now: testNow}
	srv, err := web.New(web.Config{DB: d, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return s.now }, BaseURL: "http://example.test", DataDir: dataDir,
		Passwords: testPasswords})
	if err != nil {
		t.Fatal(err)
	}
	s.srv = httptest.NewServer(srv)
	t.Cleanup(s.srv.Close)
	return s
}

// upload posts a file the way a browser sends the documents form.
func (b *browser) upload(path, kind, filename string, content []byte) page {
	b.s.t.Helper()
	return b.uploadAlt(path, kind, filename, content, "Une photo de test : un carré de couleur")
}

// uploadAlt sends the documents form with the photo's alternative text alt.
func (b *browser) uploadAlt(path, kind, filename string, content []byte, alt string) page {
	b.s.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", b.csrf)
	_ = mw.WriteField("kind", kind)
	_ = mw.WriteField("alt", alt)
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.s.srv.URL+path, &body)
	if err != nil {
		b.s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.s.srv.URL)
	return b.do(req)
}

// plain turns the page's no-break spaces into spaces, for readable assertions.
func plain(p page) page {
	p.Body = strings.NewReplacer("\u202f", " ", "\u00a0", " ", "&#39;", "'", "&#34;", "\"", "&amp;", "&").Replace(p.Body)
	return p
}

var dossierIDRe = regexp.MustCompile(`/dossiers/(\d+)/presentation`)

func pngBytes(w, h int) []byte {
	var buf bytes.Buffer
	_ = png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h)))
	return buf.Bytes()
}

var tinyPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// TestDossierJourney follows the "Done when": from the demo, a carrier who attended
// a comptoir files a dossier in each category with the support computed at the caps, gets the
// e-mail and the PDF, and an agent exports; bad input gets a clear message and loses nothing.
func TestDossierJourney(t *testing.T) {
	eachPlainDB(t, func(t *testing.T, d *db.DB) {
		s := newDossierSite(t, d)
		ctx := context.Background()
		open, _ := demo.Slugs(testNow)
		c, err := campaign.BySlug(ctx, d, open)
		if err != nil {
			t.Fatal(err)
		}
		if !c.IsOpen(campaign.PhaseDossiers, testNow) {
			t.Fatalf("demo campaign %s: dossier phase not open at %v", open, testNow)
		}
		base := "/" + open + "/dossiers"
		carrier := demoAccount(t, access.Carrier)
		acc, err := account.ByEmail(ctx, d, carrier.Email)
		if err != nil {
			t.Fatal(err)
		}
		b := s.browser()
		b.signIn(carrier.Email, carrier.Password)

		// Not yet at a comptoir: told so, with the sessions.
		if c.ComptoirRequired {
			p := plain(b.post(base+"/nouveau", url.Values{}))
			wantStatus(t, p, http.StatusForbidden, "dossier before any comptoir")
			wantContains(t, p, "dossier before a comptoir", "vous devez d'abord avoir participé à un comptoir", "Prochaines séances")
			markPresent(t, d, c.ID, acc.ID)
		}

		// A structure: wrong check digit, then a form outside the ESS, then right.
		form := url.Values{"name": {"Les Jardins partagés de l'Artois"}, "legal_form": {"association"},
			"siret": {"732 829 320 00075"}, "rna": {"W622012345"}, "address": {"12 rue Émile Zola"}, "commune": {"Arras"}}
		p := plain(b.post("/compte/structures/nouvelle?campagne="+open, form))
		wantStatus(t, p, http.StatusUnprocessableEntity, "wrong SIRET")
		wantContains(t, p, "wrong SIRET", "sa clé de contrôle ne correspond pas", `value="732 829 320 00075"`, "Les Jardins partagés de l'Artois")
		form.Set("siret", "732 829 320 00074")
		form.Set("legal_form", "societe")
		form.Del("rna")
		p = plain(b.post("/compte/structures/nouvelle?campagne="+open, form))
		wantStatus(t, p, http.StatusUnprocessableEntity, "non-ESS form")
		wantContains(t, p, "non-ESS form", "relève de l'économie sociale et solidaire")
		form.Set("legal_form", "association")
		p = b.post("/compte/structures/nouvelle?campagne="+open, form)
		wantStatus(t, p, http.StatusSeeOther, "structure")
		structs := b.get("/compte/structures")
		wantContains(t, structs, "structure list", "Les Jardins partagés")
		structureID := regexp.MustCompile(`/compte/structures/(\d+)"`).FindStringSubmatch(structs.Body)[1]

		// One dossier per category, at the caps of the 2018 rules where the rule has one.
		type plan struct {
			expense, funding, support, computation string
		}
		plans := map[string]plan{
			"flat":    {"10 000", "5 500", "4 500 €", "Forfait"},
			"percent": {"150 000", "135 000", "15 000 €", "= 15 000 €"},
		}
		var ids []string
		for i, cat := range c.Categories {
			b.get(base + "/nouveau")
			p := b.post(base+"/nouveau", url.Values{"structure": {structureID}, "category": {strconv.FormatInt(cat.ID, 10)}})
			wantStatus(t, p, http.StatusSeeOther, "new dossier")
			m := dossierIDRe.FindStringSubmatch(p.Location)
			if m == nil {
				t.Fatalf("new dossier: redirected to %q", p.Location)
			}
			id := m[1]
			ids = append(ids, id)
			durl := base + "/" + id
			b.get(durl + "/presentation")
			p = b.post(durl+"/presentation", url.Values{"title": {"Jardin " + cat.Name}, "summary": {"Un jardin partagé où l'on cultive ensemble."},
				"description": {"Créer un jardin partagé ouvert à tous les habitants."}, "communes": {"Arras\n62447\nLiévin"},
				"timeline": {"Printemps : préparation du terrain ; été : premières récoltes."}})
			wantStatus(t, p, http.StatusSeeOther, "presentation")

			// Unbalanced: saved as typed, told the gap.
			b.get(durl + "/budget")
			p = plain(b.post(durl+"/budget", url.Values{"exp0_label": {"Outillage"}, "exp0_amount": {"10 000"},
				"fund0_label": {"Fonds propres"}, "fund0_source": {"own"}, "fund0_amount": {"1 000"}}))
			wantStatus(t, p, http.StatusUnprocessableEntity, "unbalanced budget")
			wantContains(t, p, "unbalanced budget", "n'est pas équilibré", "Vos saisies ont été enregistrées", `value="1 000"`)
			p = plain(b.get(durl + "/budget"))
			wantContains(t, p, "budget kept", `value="Outillage"`, `value="10 000"`)

			pl := plans[cat.Rule.Kind]
			if cat.Rule.Kind == campaign.RulePercent && cat.Rule.RateBP == 2000 {
				pl = plan{"99 999,99", "80 000", "19 999,99 €", "20 % de 99 999,99 € = 19 999,99 €"}
			}
			p = b.post(durl+"/budget", url.Values{"exp0_label": {"Travaux"}, "exp0_amount": {pl.expense},
				"fund0_label": {"Fonds propres"}, "fund0_source": {"own"}, "fund0_amount": {pl.funding}})
			wantStatus(t, p, http.StatusSeeOther, "balanced budget "+cat.Name)
			p = plain(b.get(durl + "/budget"))
			wantContains(t, p, "support "+cat.Name, pl.support, pl.computation)

			if i == 0 {
				// A program named .pdf, a photo over its limit: refused, nothing lost.
				p = plain(b.upload(durl+"/documents", "statutes", "statuts.pdf", append([]byte("MZ\x90\x00\x03"), make([]byte, 2000)...)))
				wantStatus(t, p, http.StatusUnprocessableEntity, "executable as PDF")
				wantContains(t, p, "executable as PDF", "Ce fichier est un programme", "le reste du dossier est inchangé")
				big := append(pngBytes(10, 10), make([]byte, 9<<20)...)
				p = plain(b.upload(durl+"/documents", "photo", "photo.png", big))
				wantStatus(t, p, http.StatusUnprocessableEntity, "photo over 8 MB")
				wantContains(t, p, "photo over 8 MB", "Fichier trop volumineux", "8 Mo")
				huge := make([]byte, 50<<20)
				copy(huge, pngBytes(10, 10))
				p = plain(b.upload(durl+"/documents", "photo", "photo.png", huge))
				// Over the server's 32 MB body limit the request is refused from its announced
				// length (413), before anything reads it; nothing is stored either way.
				if p.Status < 400 {
					t.Errorf("50 MB photo: status %d", p.Status)
				}
				b.get(durl + "/documents")
			}
			for kind, file := range map[string][]byte{"statutes": tinyPDF, "budget": tinyPDF, "rib": tinyPDF, "photo": pngBytes(40, 30)} {
				p = b.upload(durl+"/documents", kind, kind+".bin", file)
				wantStatus(t, p, http.StatusSeeOther, "upload "+kind)
				b.get(durl + "/documents")
			}
		}

		// The first two are submitted now.
		for _, id := range ids[:2] {
			durl := base + "/" + id
			b.get(durl)
			p := b.post(durl+"/envoyer", url.Values{})
			wantStatus(t, p, http.StatusSeeOther, "submit "+id)
			p = plain(b.get(durl))
			wantContains(t, p, "submitted", "Dossier déposé le", "recepisse.pdf")
		}
		var mails int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM outbox WHERE to_addr = $1 AND subject LIKE 'Dossier n°%'", carrier.Email).Scan(&mails); err != nil || mails != 2 {
			t.Errorf("acknowledgements: %d, %v", mails, err)
		}
		rec := b.get(base + "/" + ids[1] + "/recepisse.pdf")
		wantStatus(t, rec, http.StatusOK, "receipt")
		if rec.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(rec.Body, "%PDF-") {
			t.Fatalf("receipt: %s", rec.Header.Get("Content-Type"))
		}
		if text := pdfToText(t, []byte(rec.Body)); !strings.Contains(text, "Jardin "+c.Categories[1].Name) || !strings.Contains(text, "15 000 €") {
			t.Errorf("receipt text:\n%s", text)
		}

		// A document is served to the carrier, with nosniff; not to another person.
		docPage := b.get(base + "/" + ids[0] + "/documents")
		docURL := regexp.MustCompile(`href="(/[^"]+/documents/\d+)"`).FindStringSubmatch(docPage.Body)[1]
		dl := b.get(docURL)
		if dl.Status != http.StatusOK || dl.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("download: %d %v", dl.Status, dl.Header)
		}
		citizen := demoAccount(t, access.Citizen)
		other := s.browser()
		other.signIn(citizen.Email, citizen.Password)
		if p := other.get(docURL); p.Status != http.StatusNotFound {
			t.Errorf("document read by a stranger: %d", p.Status)
		}
		if p := other.get(base + "/" + ids[0] + "/recepisse.pdf"); p.Status != http.StatusNotFound {
			t.Errorf("receipt read by a stranger: %d", p.Status)
		}

		// After the deadline: refused with the reason, nothing lost; an agent's extension opens it again.
		w, _ := c.Window(campaign.PhaseDossiers)
		s.now = w.End.Add(time.Hour)
		late := base + "/" + ids[2]
		b.get(late)
		p = plain(b.post(late+"/envoyer", url.Values{}))
		wantStatus(t, p, http.StatusConflict, "late submission")
		wantContains(t, p, "late submission", "Le dépôt des dossiers est clos depuis le", "Ce qui était enregistré est conservé")
		p = plain(b.get(late + "/budget"))
		wantContains(t, p, "late dossier kept", `value="Travaux"`)

		agent := demoAccount(t, access.Agent)
		ag := s.browser()
		ag.signIn(agent.Email, agent.Password)
		adminURL := "/admin/campagnes/" + open + "/dossiers"
		ag.get(adminURL + "/" + ids[2])
		until := s.now.In(c.Location()).AddDate(0, 0, 2).Format("2006-01-02")
		p = ag.post(adminURL+"/"+ids[2]+"/prolongation", url.Values{"until": {until}})
		wantStatus(t, p, http.StatusSeeOther, "extension")
		var audited int
		_ = d.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'dossier.extend' AND entity_id = $1", ids[2]).Scan(&audited)
		if audited != 1 {
			t.Errorf("extension audited %d times", audited)
		}
		b.get(late)
		p = b.post(late+"/envoyer", url.Values{})
		wantStatus(t, p, http.StatusSeeOther, "submission within the extension")

		// The agent lists, filters and exports.
		p = plain(ag.get(adminURL))
		wantStatus(t, p, http.StatusOK, "agent list")
		wantContains(t, p, "agent list", "Jardin "+c.Categories[0].Name, "Soutien demandé par catégorie")
		p = ag.get(adminURL + "?etat=submitted&forme=association&arrondissement=621&categorie=" + strconv.FormatInt(c.Categories[1].ID, 10))
		wantContains(t, p, "filtered list", "Jardin "+c.Categories[1].Name)
		if strings.Contains(p.Body, "Jardin "+c.Categories[0].Name) {
			t.Error("category filter ignored")
		}
		csv := ag.get(adminURL + "/export.csv")
		if !strings.HasPrefix(csv.Body, "\uFEFF") || !strings.Contains(csv.Body, ";Jardin "+c.Categories[2].Name+";") {
			t.Errorf("csv export:\n%s", csv.Body)
		}
		x := ag.get(adminURL + "/export.xlsx")
		f, err := excelize.OpenReader(strings.NewReader(x.Body))
		if err != nil {
			t.Fatalf("xlsx export: %v", err)
		}
		rows, _ := f.GetRows(f.GetSheetName(0))
		f.Close()
		if len(rows) < 4 {
			t.Errorf("xlsx rows: %d", len(rows))
		}
		if p := b.get(adminURL); p.Status != http.StatusForbidden {
			t.Errorf("carrier in the agents' list: %d", p.Status)
		}
	})
}

// markPresent registers the account at a session of the campaign and marks it present, as
// an animator would.
func markPresent(t *testing.T, d *db.DB, campaignID, accountID int64) {
	t.Helper()
	ctx := context.Background()
	sessions, err := workshop.List(ctx, d, campaignID)
	if err != nil || len(sessions) == 0 {
		t.Fatalf("sessions: %v", err)
	}
	err = d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := workshop.Register(ctx, d, tx, sessions[0].ID, accountID, testNow); err != nil {
			return err
		}
		return workshop.MarkAttendance(ctx, tx, sessions[0].ID, accountID, workshop.Present, testNow)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		dbtest.SkipOrFail(t, "pdftotext (Debian package poppler-utils) is not installed: the PDF receipt cannot be read back")
	}
	p := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", p, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(string(out))), " ")
}
