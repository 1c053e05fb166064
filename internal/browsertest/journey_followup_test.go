package browsertest

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/mail"
)

// TestFollowupJourney is the follow-up's whole journey from the demo, in a real browser: a
// visitor follows the demo carrier's 2018 project by e-mail (double opt-in); the carrier,
// from "Mon espace", posts an update with a photo; the agent publishes it; it is on the
// project page, the follow-up page, the feed and the API, and the subscriber is told by
// e-mail with a way out; the carrier files the final report; the agent accepts it, records
// the balance and marks the project completed.
func TestFollowupJourney(t *testing.T) {
	t.Parallel()
	s := NewSite(t)
	ctx := context.Background()
	c, err := campaign.BySlug(ctx, s.DB, campaign.PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	// The demo carrier's project: under way, its report late.
	var id int64
	if err := s.DB.QueryRowContext(ctx, `SELECT d.id FROM dossiers d JOIN structure_members m ON m.structure_id = d.structure_id
		JOIN accounts a ON a.id = m.account_id WHERE d.campaign_id = $1 AND d.state = 'in_progress' AND a.email = $2`,
		c.ID, s.demoEmail(access.Carrier)).Scan(&id); err != nil {
		t.Fatalf("the demo carrier's 2018 project: %v", err)
	}
	ids := strconv.FormatInt(id, 10)
	public := "/" + c.Slug + "/projets/" + ids

	// A visitor follows the project; nothing is sent to them but the confirmation until
	// they confirm.
	subscriber := "abonnee.suivi@example.org"
	visitor := s.NewTab(t)
	visitor.Open(public)
	visitor.Type("email", subscriber)
	visitor.SubmitOK(`#suivre button[type=submit]`)
	visitor.Open(s.LastLink(t, subscriber, "abonnements/confirmer"))
	visitor.SubmitOK(`main form[action="/abonnements/confirmer"] button[type=submit]`)

	// The carrier reaches the project's follow-up from "Mon espace" and posts an update.
	carrier := s.NewTab(t)
	carrier.SignInAs(access.Carrier)
	carrier.Open("/espace")
	carrier.SubmitOK(`main a[href="/` + c.Slug + `/dossiers/` + ids + `/suivi"]`)
	carrier.WantText("Publier une actualité")
	carrier.Fill("title", "Le jardin ouvre ses portes", "body", "Les premières parcelles sont cultivées par douze familles du quartier.",
		"progress", "80")
	carrier.Set("step", "3")
	photo := filepath.Join(t.TempDir(), "jardin.png")
	writePNG(t, photo, 900, 600)
	carrier.run("choose the photo", chromedp.SetUploadFiles(chromedp.CSS(`#f-photo_1`), []string{photo}))
	carrier.Type("alt_1", "Des familles arrosent les parcelles du jardin partagé")
	carrier.SubmitOK(`#formulaire button[type=submit]`)
	carrier.WantText("En attente de relecture")
	before := len(sentTo(t, s, subscriber))

	// The agent publishes it from the queue.
	agent := s.NewTab(t)
	agent.SignInAs(access.Agent)
	agent.Open("/admin/campagnes/" + c.Slug + "/suivi")
	agent.SubmitOK(`main a[href="/admin/campagnes/` + c.Slug + `/suivi/actualites"]`)
	agent.WantText("Le jardin ouvre ses portes")
	agent.SubmitOK(`button[value=publish]`)

	// Public everywhere: the project page (with its photo), the follow-up page, the feed,
	// the API.
	visitor.Open(public)
	visitor.WantText("Le jardin ouvre ses portes", "Les premières parcelles")
	if !visitor.Has(`main img[alt="Des familles arrosent les parcelles du jardin partagé"]`) {
		t.Error("the published photo is not on the project page")
	}
	visitor.Open("/" + c.Slug + "/suivi")
	visitor.WantText("Où en sont les projets ?")
	for _, path := range []string{"/" + c.Slug + "/suivi.atom", "/api/v1/campaigns/" + c.Slug + "/followup"} {
		if body := fetch(t, s.URL+path); !strings.Contains(body, "Le jardin ouvre ses portes") {
			t.Errorf("%s does not have the update", path)
		}
	}
	// The subscriber is told, with a one-click way out; the subject names no user text.
	msgs := sentTo(t, s, subscriber)
	if len(msgs) != before+1 {
		t.Fatalf("the subscriber got %d e-mails after the publication, want 1", len(msgs)-before)
	}
	news := msgs[0] // the latest first
	if !strings.Contains(news.Body, "abonnements/desabonner") || news.Unsubscribe == "" || strings.Contains(news.Subject, "jardin") {
		t.Errorf("the subscriber's e-mail: %+v", news)
	}

	// The carrier files the final report.
	carrier.Open("/" + c.Slug + "/dossiers/" + ids + "/bilan")
	carrier.Fill("ind0", "340", "ind1", "18", "ind2", "2", "summary", "Le jardin nourrit douze familles ; une fête des récoltes a réuni le quartier.",
		"total_cost", "31000")
	carrier.SubmitOK(`main form[enctype="multipart/form-data"] button[type=submit]`)

	// The agent accepts it, records the balance and marks the project completed.
	staff := "/admin/campagnes/" + c.Slug + "/suivi/" + ids
	agent.Open(staff)
	agent.SubmitOK(`button[name=decision][value=accept]`)
	agent.Open(staff)
	if agent.Value("kind") != string(followup.PaymentBalance) || agent.Value("amount") == "" {
		t.Errorf("the payment form does not offer the balance: kind %q, amount %q", agent.Value("kind"), agent.Value("amount"))
	}
	agent.SubmitOK(`main form[action$="/paiements"] button[type=submit]`)
	agent.Set("to", string(dossier.StateCompleted))
	agent.SubmitOK(`main form[action$="/statut"] button[type=submit]`)

	p, err := followup.ProjectOf(ctx, s.DB, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != dossier.StateCompleted || p.PaidCents != p.GrantedCents || p.Report != followup.ReportAccepted {
		t.Errorf("at the end: %s, paid %d of %d, report %q", p.State, p.PaidCents, p.GrantedCents, p.Report)
	}
	visitor.Open(public)
	visitor.WantText("Réalisé", "340")
	if st := visitor.OpenStatus("/" + c.Slug + "/suivi?statut=completed"); st != http.StatusOK {
		t.Errorf("follow-up page filtered: %d", st)
	}
}

// writePNG writes a w × h PNG picture (a gradient) at path.
func writePNG(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 110, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fetch returns the body of a GET of url, failing on another status than 200.
func fetch(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, res.StatusCode, err)
	}
	return string(body)
}

// sentTo returns the e-mails the outbox holds for addr.
func sentTo(t *testing.T, s *Site, addr string) []mail.Message {
	t.Helper()
	msgs, err := mail.Sent(context.Background(), s.DB, addr)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}
