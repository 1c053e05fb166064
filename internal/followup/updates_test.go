package followup_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/followup/followuptest"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
)

func pngBytes(w, h int) []byte {
	var buf bytes.Buffer
	_ = png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h)))
	return buf.Bytes()
}

// updateFixture is the follow-up fixture with the environment of the updates' commands.
type updateFixture struct {
	*followuptest.Fixture
	env      followup.Env
	blobDir  string
	notified []followup.Update
}

func newUpdateFixture(t *testing.T, d *db.DB) *updateFixture {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	f := &updateFixture{Fixture: followuptest.New(t, d), blobDir: t.TempDir()}
	f.env = followup.Env{Change: f.Env(), Blobs: dossier.LocalBlobs{Dir: f.blobDir}, Cat: cat, BaseURL: "https://budget.example.org",
		Notify: func(_ context.Context, _ *db.Tx, u followup.Update, p followup.Project) ([]mail.Message, error) {
			if p.DossierID != u.DossierID || u.Status != followup.UpdatePublished {
				t.Errorf("notified %+v of project %+v", u, p)
			}
			f.notified = append(f.notified, u)
			return nil, nil
		}}
	return f
}

// blobs counts the files of the blob store.
func (f *updateFixture) blobs(t *testing.T) int {
	t.Helper()
	n := 0
	err := filepath.Walk(f.blobDir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *updateFixture) post(in followup.UpdateInput) (int64, error) {
	return followup.PostUpdate(context.Background(), f.env, f.Carrier, f.Campaign, in)
}

func validUpdate(dossierID int64) followup.UpdateInput {
	return followup.UpdateInput{DossierID: dossierID, Title: "Convention signée", Body: "La convention est signée avec le Département.",
		DoneOn: "2019-01-28", Step: "1", Progress: "10", Lang: i18n.FR,
		Photos: []followup.PhotoInput{{Slot: 1, Data: pngBytes(60, 40), Alt: "La signature de la convention à la mairie"}}}
}

func TestPostAndPublishUpdate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newUpdateFixture(t, d)
		id := f.Granted[0]
		uid, err := f.post(validUpdate(id))
		if err != nil {
			t.Fatal(err)
		}
		dbtest.LastAudit(t, d, "followup.update.post")
		u, err := followup.UpdateByID(ctx, d, uid)
		if err != nil {
			t.Fatal(err)
		}
		if u.Status != followup.UpdatePending || u.Step != 1 || u.Progress == nil || *u.Progress != 10 || u.DoneOn.String() != "2019-01-28" ||
			len(u.Photos) != 1 || u.Photos[0].Alt != "La signature de la convention à la mairie" || u.Photos[0].Width != 60 {
			t.Fatalf("posted update %+v", u)
		}
		if f.blobs(t) != 1 {
			t.Errorf("%d blobs, want 1", f.blobs(t))
		}
		if pub, _ := followup.Updates(ctx, d, id, true); len(pub) != 0 {
			t.Errorf("a pending update is public: %+v", pub)
		}

		// Sent back with a comment: the carrier is told, edits it, it waits again.
		if err := followup.ReviewUpdate(ctx, f.env, f.Agent, f.Campaign, uid, false, "Précisez la date de signature."); err != nil {
			t.Fatal(err)
		}
		dbtest.LastAudit(t, d, "followup.update.return")
		mails := dbtest.Strings(t, d, "SELECT to_addr || ' ' || subject FROM outbox ORDER BY id")
		if len(mails) != 1 || mails[0] != "porteuse@exemple.fr Votre dossier n° "+itoa(id)+" : actualité à reprendre" {
			t.Errorf("mails after return: %q", mails)
		}
		in := validUpdate(id)
		in.UpdateID, in.Title, in.Photos = uid, "Convention signée le 28 janvier", nil
		if _, err := f.post(in); err != nil {
			t.Fatal(err)
		}
		if u, _ = followup.UpdateByID(ctx, d, uid); u.Status != followup.UpdatePending || u.Title != "Convention signée le 28 janvier" || len(u.Photos) != 1 {
			t.Fatalf("edited update %+v", u)
		}

		// Published: public, the project started (in progress), its step and progress
		// recorded, the subscribers' notice asked, the carrier told twice (the publication,
		// the new state).
		f.Now = f.Now.Add(time.Hour)
		if err := followup.ReviewUpdate(ctx, f.env, f.Agent, f.Campaign, uid, true, ""); err != nil {
			t.Fatal(err)
		}
		dbtest.LastAudit(t, d, "followup.update.publish")
		if st := f.State(t, id); st != dossier.StateInProgress {
			t.Errorf("state after the first published step: %s", st)
		}
		p, err := followup.ProjectOf(ctx, d, id)
		if err != nil || p.Step != 1 || p.Progress != 10 || p.Updates != 1 || p.LastUpdateAt == nil {
			t.Errorf("project %+v %v", p, err)
		}
		if len(f.notified) != 1 || f.notified[0].ID != uid {
			t.Errorf("notified %+v", f.notified)
		}
		mails = dbtest.Strings(t, d, "SELECT subject FROM outbox ORDER BY id")
		if len(mails) != 3 || !strings.Contains(mails[1], "En cours") || !strings.Contains(mails[2], "actualité publiée") {
			t.Errorf("mails after publication: %q", mails)
		}
		if pub, _ := followup.Updates(ctx, d, id, true); len(pub) != 1 {
			t.Errorf("published updates: %+v", pub)
		}

		// A second update without step or progress on another granted project leaves it granted.
		other := f.Granted[1]
		if _, err := d.ExecContext(ctx, `INSERT INTO structure_members (structure_id, account_id, added_at)
			SELECT structure_id, $1, $2 FROM dossiers WHERE id = $3`, f.Carrier.Actor.ID(), f.Now, other); err != nil {
			t.Fatal(err)
		}
		in = validUpdate(other)
		in.Step, in.Progress, in.DoneOn, in.Photos = "", "", "", nil
		uid2, err := f.post(in)
		if err != nil {
			t.Fatal(err)
		}
		if err := followup.ReviewUpdate(ctx, f.env, f.Agent, f.Campaign, uid2, true, "Merci"); err != nil {
			t.Fatal(err)
		}
		if st := f.State(t, other); st != dossier.StateGranted {
			t.Errorf("state after an update without progress: %s", st)
		}
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// Bad input changes nothing: no row, no photo, no blob, no audit entry.
func TestUpdateRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newUpdateFixture(t, d)
		id := f.Granted[0]
		// The carrier joins the structure of the project that was not funded.
		nf, err := dossier.ByID(ctx, d, f.NotFunded)
		if err != nil {
			t.Fatal(err)
		}
		if err := dossier.AddMember(ctx, d, nf.StructureID, f.Carrier.Actor.ID(), f.Now); err != nil {
			t.Fatal(err)
		}
		// and that of a third granted project.
		third, err := dossier.ByID(ctx, d, f.Granted[2])
		if err != nil {
			t.Fatal(err)
		}
		if err := dossier.AddMember(ctx, d, third.StructureID, f.Carrier.Actor.ID(), f.Now); err != nil {
			t.Fatal(err)
		}
		published, err := f.post(validUpdate(id))
		if err != nil {
			t.Fatal(err)
		}
		if err := followup.ReviewUpdate(ctx, f.env, f.Agent, f.Campaign, published, true, ""); err != nil {
			t.Fatal(err)
		}
		pending, err := f.post(validUpdate(id))
		if err != nil {
			t.Fatal(err)
		}
		snapshot := func() string {
			return dbtest.Snapshot(t, d,
				"SELECT id || status || title || step || COALESCE(progress, -1) || review_comment FROM followup_updates ORDER BY id",
				"SELECT id || ':' || update_id || blob_key FROM followup_photos ORDER BY id",
				"SELECT COUNT(*) FROM audit_log", "SELECT COUNT(*) FROM outbox", "SELECT state FROM dossiers ORDER BY id") +
				itoa(int64(f.blobs(t)))
		}
		with := func(change func(in *followup.UpdateInput)) func() error {
			return func() error {
				in := validUpdate(id)
				change(&in)
				_, err := f.post(in)
				return err
			}
		}
		photo := func(n int) []followup.PhotoInput {
			var ps []followup.PhotoInput
			for i := 1; i <= n; i++ {
				ps = append(ps, followup.PhotoInput{Slot: i, Data: pngBytes(20, 20), Alt: "Une photo"})
			}
			return ps
		}
		tooLarge := append(pngBytes(20, 20), make([]byte, followup.MaxPhotoSize)...)
		dbtest.Refuse(t, snapshot, []dbtest.Refusal{
			{Name: "not funded", Kind: apperr.Conflict, Key: "followup.update.not_funded",
				Run: with(func(in *followup.UpdateInput) { in.DossierID = f.NotFunded })},
			{Name: "not a member", Kind: apperr.NotFound, Key: "dossier.not_found",
				Run: with(func(in *followup.UpdateInput) { in.DossierID = f.Granted[1] })},
			{Name: "an agent is no carrier", Kind: apperr.NotFound, Run: func() error {
				_, err := followup.PostUpdate(ctx, f.env, f.Agent, f.Campaign, validUpdate(id))
				return err
			}},
			{Name: "no title", Kind: apperr.Invalid, Field: "title", Key: "followup.update.title_required",
				Run: with(func(in *followup.UpdateInput) { in.Title = "  " })},
			{Name: "no text", Kind: apperr.Invalid, Field: "body", Run: with(func(in *followup.UpdateInput) { in.Body = "" })},
			{Name: "title too long", Kind: apperr.Invalid, Field: "title",
				Run: with(func(in *followup.UpdateInput) { in.Title = strings.Repeat("a", followup.MaxUpdateTitle+1) })},
			{Name: "bad date", Kind: apperr.Invalid, Field: "planned_on",
				Run: with(func(in *followup.UpdateInput) { in.PlannedOn = "31/02/2019" })},
			{Name: "done in the future", Kind: apperr.Invalid, Field: "done_on",
				Run: with(func(in *followup.UpdateInput) { in.DoneOn = "2019-03-01" })},
			{Name: "step out of the settings", Kind: apperr.Invalid, Field: "step",
				Run: with(func(in *followup.UpdateInput) { in.Step = "4" })},
			{Name: "progress over 100", Kind: apperr.Invalid, Field: "progress",
				Run: with(func(in *followup.UpdateInput) { in.Progress = "101" })},
			{Name: "too many photos", Kind: apperr.Invalid, Field: "photos", Key: "followup.photo.too_many",
				Run: with(func(in *followup.UpdateInput) { in.Photos = photo(5) })},
			{Name: "too many with the kept ones", Kind: apperr.Invalid, Field: "photos",
				Run: with(func(in *followup.UpdateInput) { in.UpdateID, in.Photos = pending, photo(4) })},
			{Name: "photo too large", Kind: apperr.Invalid, Field: "photo_2", Key: "followup.photo.too_large",
				Run: with(func(in *followup.UpdateInput) {
					in.Photos = append(photo(1), followup.PhotoInput{Slot: 2, Data: tooLarge, Alt: "Trop lourde"})
				})},
			{Name: "missing alt", Kind: apperr.Invalid, Field: "alt_1", Key: "photos.alt.required",
				Run: with(func(in *followup.UpdateInput) { in.Photos[0].Alt = " " })},
			{Name: "not an image", Kind: apperr.Invalid, Field: "photo_1", Key: "followup.photo.type",
				Run: with(func(in *followup.UpdateInput) { in.Photos[0].Data = []byte("%PDF-1.4 nothing") })},
			{Name: "a program", Kind: apperr.Invalid, Field: "photo_1",
				Run: with(func(in *followup.UpdateInput) { in.Photos[0].Data = append([]byte("MZ\x90\x00"), make([]byte, 100)...) })},
			{Name: "a broken PNG", Kind: apperr.Invalid, Field: "photo_1", Key: "followup.photo.bad_image",
				Run: with(func(in *followup.UpdateInput) { in.Photos[0].Data = pngBytes(20, 20)[:40] })},
			{Name: "published not editable", Kind: apperr.Conflict, Key: "followup.update.published",
				Run: with(func(in *followup.UpdateInput) { in.UpdateID = published })},
			{Name: "another project's update", Kind: apperr.NotFound, Run: func() error {
				in := validUpdate(third.ID)
				in.UpdateID = pending
				_, err := f.post(in)
				return err
			}},
			{Name: "return without a comment", Kind: apperr.Invalid, Field: "comment", Run: func() error {
				return followup.ReviewUpdate(ctx, f.env, f.Agent, f.Campaign, pending, false, " ")
			}},
			{Name: "a carrier does not review", Kind: apperr.Forbidden, Run: func() error {
				return followup.ReviewUpdate(ctx, f.env, f.Carrier, f.Campaign, pending, true, "")
			}},
			{Name: "published already", Kind: apperr.Conflict, Key: "followup.review.not_pending", Run: func() error {
				return followup.ReviewUpdate(ctx, f.env, f.Agent, f.Campaign, published, true, "")
			}},
			{Name: "unknown update", Kind: apperr.NotFound, Run: func() error {
				return followup.ReviewUpdate(ctx, f.env, f.Agent, f.Campaign, pending+100, true, "")
			}},
		})
		// A project abandoned: its pending update can no longer be published.
		if _, err := d.ExecContext(ctx, "UPDATE dossiers SET state = 'abandoned' WHERE id = $1", id); err != nil {
			t.Fatal(err)
		}
		dbtest.Refuse(t, snapshot, []dbtest.Refusal{
			{Name: "post on an abandoned project", Kind: apperr.Conflict, Key: "followup.update.closed",
				Run: with(func(*followup.UpdateInput) {})},
			{Name: "publish on an abandoned project", Kind: apperr.Conflict, Key: "followup.update.closed", Run: func() error {
				return followup.ReviewUpdate(ctx, f.env, f.Agent, f.Campaign, pending, true, "")
			}},
		})
	})
}
