package browsertest

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/followup/followuptest"
)

// TestFollowupUpdatePages: a carrier of a granted project posts an update with a photo in a
// real browser (first without the photo's description, refused), an agent publishes it from
// the queue. Each page is checked with axe-core at 1280 and 375 px, without sideways
// scrolling on the phone; with -screens DIR, each is saved there too.
func TestFollowupUpdatePages(t *testing.T) {
	t.Parallel()
	s := NewSite(t)
	ctx := context.Background()
	c, err := campaign.BySlug(ctx, s.DB, campaign.PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	followuptest.Afresh(t, s.DB, followuptest.Completed(t, s.DB, c.ID, 1)...)
	var id, structure int64
	if err := s.DB.QueryRowContext(ctx, `SELECT id, structure_id FROM dossiers WHERE campaign_id = $1 AND state = 'granted'
		ORDER BY id LIMIT 1`, c.ID).Scan(&id, &structure); err != nil {
		t.Fatal(err)
	}
	carrierID := s.accountID(s.demoEmail(access.Carrier))
	if _, err := s.DB.ExecContext(ctx, `INSERT INTO structure_members (structure_id, account_id, added_at) VALUES ($1, $2, $3)`,
		structure, carrierID, s.Now()); err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 900, 600))
	for y := 0; y < 600; y++ {
		for x := 0; x < 900; x++ {
			img.Set(x, y, color.RGBA{uint8(x / 4), uint8(y / 3), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(t.TempDir(), "chantier.png")
	if err := os.WriteFile(photo, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	check := func(tab *Tab, name string) {
		tab.t.Helper()
		tab.SetViewport(1280, 900, false)
		tab.CheckAxe()
		tab.SetViewport(phoneWidth, phoneHeight, true)
		tab.CheckAxe()
		tab.ResetViewport()
		tab.CheckNoHorizontalScroll()
		if *screensDir != "" {
			if err := os.MkdirAll(*screensDir, 0o755); err != nil {
				t.Fatal(err)
			}
			tab.screens(*screensDir, name)
		}
	}
	page := "/" + c.Slug + "/dossiers/" + strconv.FormatInt(id, 10) + "/suivi"

	carrier := s.NewTab(t)
	carrier.SignInAs(access.Carrier)
	carrier.Open(page)
	carrier.WantText("Publier une actualité")
	check(carrier, "followup-carrier-empty")
	carrier.Fill("title", "Convention signée", "body", "La convention est signée avec le Département ; les travaux commencent en mars.",
		"progress", "20")
	carrier.Set("step", "1")
	carrier.run("choose the photo", chromedp.SetUploadFiles(chromedp.CSS(`#f-photo_1`), []string{photo}))
	if st := carrier.Submit(`#formulaire button[type=submit]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("a photo without its description: status %d", st)
	}
	carrier.WantText("Décrivez la photo")
	check(carrier, "followup-carrier-errors")
	carrier.run("choose the photo again", chromedp.SetUploadFiles(chromedp.CSS(`#f-photo_1`), []string{photo}))
	carrier.Type("alt_1", "Le terrain du futur jardin, avant les travaux")
	carrier.SubmitOK(`#formulaire button[type=submit]`)
	carrier.WantText("En attente de relecture", "Convention signée")
	check(carrier, "followup-carrier-pending")

	agent := s.NewTab(t)
	agent.SignInAs(access.Agent)
	agent.Open("/admin/campagnes/" + c.Slug + "/suivi/actualites")
	agent.WantText("Convention signée", "Publier", "Renvoyer au porteur")
	check(agent, "followup-queue")
	agent.SubmitOK(`button[value=publish]`)
	agent.WantText("Actualité publiée", "Aucune actualité n'attend de relecture")

	carrier.Open(page)
	carrier.WantText("Publiée", "En cours de réalisation")
	check(carrier, "followup-carrier-published")
}
