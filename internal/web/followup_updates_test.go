package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/followup/followuptest"
)

// postMultipart sends a form with files the way a browser does, with the session's
// anti-forgery token in the body.
func (b *browser) postMultipart(path string, fields url.Values, files map[string][]byte) page {
	b.s.t.Helper()
	if b.csrf == "" {
		b.get("/")
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", b.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for name, data := range files {
		fw, _ := mw.CreateFormFile(name, name+".png")
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.s.srv.URL+path, &body)
	if err != nil {
		b.s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.s.srv.URL)
	return b.do(req)
}

var followupPhotoRe = regexp.MustCompile(`src="(/[^"]+/suivi/photos/[^"]+-320\.jpg)"`)

// followupProject makes the demo carrier a member of the structure of a granted project of
// the 2018 edition, and returns the campaign's slug and the project's id, and another
// granted project's.
func followupProject(t *testing.T, s *site) (slug string, id, other int64) {
	t.Helper()
	ctx := context.Background()
	c, err := campaign.BySlug(ctx, s.db, campaign.PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	followuptest.Afresh(t, s.db, followuptest.Completed(t, s.db, c.ID, 2)...)
	var structure int64
	if err := s.db.QueryRowContext(ctx, `SELECT id, structure_id FROM dossiers WHERE campaign_id = $1 AND state = 'granted'
		ORDER BY id LIMIT 1`, c.ID).Scan(&id, &structure); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT id FROM dossiers WHERE campaign_id = $1 AND state = 'granted' AND id <> $2
		ORDER BY id LIMIT 1`, c.ID, id).Scan(&other); err != nil {
		t.Fatal(err)
	}
	carrier, err := account.ByEmail(ctx, s.db, demoAccount(t, access.Carrier).Email)
	if err != nil {
		t.Fatal(err)
	}
	if err := dossier.AddMember(ctx, s.db, structure, carrier.ID, testNow); err != nil {
		t.Fatal(err)
	}
	return c.Slug, id, other
}

// The journey of an update: the carrier posts it with a photo (a refused form keeps what
// was typed), another carrier is told the project does not exist, the agent sends it back,
// the carrier edits it, the agent publishes it; its photo is public then, not before; the
// project is in progress; the agent completes it with the status form.
func TestFollowupUpdatesJourney(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		slug, id, other := followupProject(t, s)
		ctx := context.Background()
		base := "/" + slug + "/dossiers/" + strconv.FormatInt(id, 10)
		carrier := s.browser()
		ca := demoAccount(t, access.Carrier)
		carrier.signIn(ca.Email, ca.Password)

		// Reached from "Mon espace" and from the dossier's page.
		wantContains(t, carrier.get("/espace"), "espace", `href="`+base+`/suivi"`)
		wantContains(t, carrier.get(base), "dossier page", `href="`+base+`/suivi"`)
		p := plain(carrier.get(base + "/suivi"))
		wantStatus(t, p, http.StatusOK, "carrier page")
		wantContains(t, p, "carrier page", "Publier une actualité", "Aucune actualité pour l'instant", base+"/bilan")

		form := url.Values{"title": {"Convention signée"}, "body": {"La convention est signée."}, "step": {"1"},
			"progress": {"20"}, "alt_1": {""}}
		photo := map[string][]byte{"photo_1": pngBytes(64, 48)}
		p = plain(carrier.postMultipart(base+"/suivi", form, photo))
		wantStatus(t, p, http.StatusUnprocessableEntity, "photo without its description")
		wantContains(t, p, "refused form", "Décrivez la photo", `value="Convention signée"`, "La convention est signée.",
			"choisissez-les à nouveau")
		if n := countSQL(t, s, "SELECT COUNT(*) FROM followup_updates WHERE dossier_id = "+strconv.FormatInt(id, 10)); n != 0 {
			t.Fatalf("a refused form stored %d updates", n)
		}
		form.Set("alt_1", "La signature à la mairie")
		wantStatus(t, carrier.postMultipart(base+"/suivi", form, photo), http.StatusSeeOther, "post")
		us, err := followup.Updates(ctx, s.db, id, false)
		if err != nil || len(us) != 1 || len(us[0].Photos) != 1 {
			t.Fatalf("updates %+v %v", us, err)
		}
		uid := us[0].ID
		p = carrier.get(base + "/suivi")
		wantContains(t, p, "carrier page with the update", "En attente de relecture", "La signature à la mairie")
		m := followupPhotoRe.FindStringSubmatch(p.Body)
		if m == nil {
			t.Fatalf("no photo on the carrier page:\n%s", excerpt(p.Body))
		}
		ownerPhoto := m[1]
		got := carrier.get(ownerPhoto)
		wantStatus(t, got, http.StatusOK, "the carrier's photo")
		if ct := got.Header.Get("Content-Type"); ct != "image/jpeg" {
			t.Errorf("photo type %q", ct)
		}
		public := "/" + slug + "/suivi/photos/" + ownerPhoto[strings.LastIndex(ownerPhoto, "/")+1:]
		wantStatus(t, s.browser().get(public), http.StatusNotFound, "the public photo of a pending update")
		wantStatus(t, s.browser().get(ownerPhoto), http.StatusSeeOther, "the owner's photo for a visitor")

		// Another carrier: the project does not exist for them.
		b := carrierB(t, s)
		wantStatus(t, b.get(base+"/suivi"), http.StatusNotFound, "another carrier's page")
		wantStatus(t, b.get(ownerPhoto), http.StatusNotFound, "another carrier's photo")
		wantStatus(t, b.postMultipart(base+"/suivi", form, nil), http.StatusNotFound, "another carrier's post")
		// The demo carrier on a project of another structure.
		wantStatus(t, carrier.get("/"+slug+"/dossiers/"+strconv.FormatInt(other, 10)+"/suivi"), http.StatusNotFound, "not their project")

		// The agent: the queue, a return without a comment refused, then with one.
		agent := s.browser()
		aa := demoAccount(t, access.Agent)
		agent.signIn(aa.Email, aa.Password)
		queue := "/admin/campagnes/" + slug + "/suivi/actualites"
		console := agent.get("/admin/campagnes/" + slug)
		wantContains(t, console, "console", `href="`+queue+`"`)
		p = plain(agent.get(queue))
		wantStatus(t, p, http.StatusOK, "queue")
		wantContains(t, p, "queue", "Convention signée", "1 actualité attend une relecture", "La signature à la mairie")
		comment := "comment_" + strconv.FormatInt(uid, 10)
		p = plain(agent.post(queue, url.Values{"update": {strconv.FormatInt(uid, 10)}, "decision": {"return"}, comment: {" "}}))
		wantStatus(t, p, http.StatusUnprocessableEntity, "return without a comment")
		wantContains(t, p, "return without a comment", "le commentaire est obligatoire")
		wantStatus(t, agent.post(queue, url.Values{"update": {strconv.FormatInt(uid, 10)}, "decision": {"return"},
			comment: {"Précisez la date."}}), http.StatusSeeOther, "return")
		if mails := s.mails(ca.Email); len(mails) == 0 || // the latest first
			!strings.Contains(mails[0].Subject, "actualité à reprendre") {
			t.Errorf("the carrier's mails: %+v", mails)
		}
		wantStatus(t, carrier.post("/"+slug+"/dossiers/"+strconv.FormatInt(id, 10)+"/suivi", url.Values{}), http.StatusUnprocessableEntity, "an empty form")

		// The carrier edits it (the form comes filled), removing the photo.
		p = plain(carrier.get(base + "/suivi?modifier=" + strconv.FormatInt(uid, 10)))
		wantContains(t, p, "edit form", "Modifier l'actualité", "Précisez la date.", `value="Convention signée"`,
			`action="`+base+`/suivi/`+strconv.FormatInt(uid, 10)+`"`)
		edit := url.Values{"title": {"Convention signée le 3 décembre"}, "body": {"La convention est signée."},
			"step": {"1"}, "progress": {"20"}, "remove": {strconv.FormatInt(us[0].Photos[0].ID, 10)}, "alt_1": {"La convention"}}
		wantStatus(t, carrier.postMultipart(base+"/suivi/"+strconv.FormatInt(uid, 10), edit, photo), http.StatusSeeOther, "edit")
		u, err := followup.UpdateByID(ctx, s.db, uid)
		if err != nil || u.Status != followup.UpdatePending || u.Title != "Convention signée le 3 décembre" || len(u.Photos) != 1 ||
			u.Photos[0].Alt != "La convention" {
			t.Fatalf("edited: %+v %v", u, err)
		}

		// Published: the project is in progress, the photo public.
		wantStatus(t, agent.post(queue, url.Values{"update": {strconv.FormatInt(uid, 10)}, "decision": {"publish"}}),
			http.StatusSeeOther, "publish")
		if st := stateOf(t, s, id); st != dossier.StateInProgress {
			t.Errorf("state after publication: %s", st)
		}
		p = carrier.get(base + "/suivi")
		m = followupPhotoRe.FindStringSubmatch(p.Body)
		if m == nil {
			t.Fatal("no photo after the edit")
		}
		public = "/" + slug + "/suivi/photos/" + m[1][strings.LastIndex(m[1], "/")+1:]
		got = s.browser().get(public)
		wantStatus(t, got, http.StatusOK, "the public photo of a published update")
		if cc := got.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || got.Header.Get("Set-Cookie") != "" {
			t.Errorf("public photo: Cache-Control %q, Set-Cookie %q", cc, got.Header.Get("Set-Cookie"))
		}
		wantStatus(t, s.browser().get(strings.Replace(public, "-320.jpg", "-321.jpg", 1)), http.StatusNotFound, "a width not offered")
		wantStatus(t, s.browser().get("/"+slug+"/suivi/photos/"+strconv.FormatInt(u.Photos[0].ID, 10)+"-0000000000000000-320.jpg"),
			http.StatusNotFound, "a wrong hash")
		wantStatus(t, s.browser().get(strings.Replace(public, "/"+slug+"/", "/"+openSlug()+"/", 1)), http.StatusNotFound, "another campaign")
		wantStatus(t, carrier.postMultipart(base+"/suivi/"+strconv.FormatInt(uid, 10), edit, nil), http.StatusConflict, "edit a published update")
		wantContains(t, plain(agent.get(queue)), "empty queue", "Aucune actualité n'attend de relecture")

		// The status: an abandonment needs its reason; completed; others may not.
		status := "/admin/campagnes/" + slug + "/suivi/" + strconv.FormatInt(id, 10) + "/statut"
		wantStatus(t, b.post(status, url.Values{"to": {"completed"}}), http.StatusForbidden, "a carrier changes the status")
		p = plain(agent.post(status, url.Values{"to": {"abandoned"}, "motivation": {""}, "back": {queue}}))
		wantStatus(t, p, http.StatusUnprocessableEntity, "abandoned without a reason")
		wantContains(t, p, "abandoned without a reason", "Nouveau statut", `name="back" value="`+queue+`"`)
		wantStatus(t, agent.post(status, url.Values{"to": {"granted"}}), http.StatusUnprocessableEntity, "back to granted")
		p = agent.post(status, url.Values{"to": {"completed"}, "back": {queue}})
		wantStatus(t, p, http.StatusSeeOther, "completed")
		if p.Location != queue {
			t.Errorf("back to %q", p.Location)
		}
		if p = agent.post(status, url.Values{"to": {"completed"}, "back": {"https://ailleurs.example/"}}); p.Status != http.StatusUnprocessableEntity {
			t.Errorf("a completed project completed again: %d", p.Status)
		}
		if st := stateOf(t, s, id); st != dossier.StateCompleted {
			t.Errorf("state: %s", st)
		}
		wantContains(t, plain(carrier.get(base+"/suivi")), "closed project", "il ne reçoit plus d'actualités")
		wantStatus(t, carrier.postMultipart(base+"/suivi", form, nil), http.StatusConflict, "post on a completed project")
	})
}

func stateOf(t *testing.T, s *site, id int64) dossier.State {
	t.Helper()
	d, err := dossier.ByID(context.Background(), s.db, id)
	if err != nil {
		t.Fatal(err)
	}
	return d.State
}
