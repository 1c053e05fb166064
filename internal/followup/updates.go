package followup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/review"
)

// The updates (milestones) of a funded project: its carrier posts one, with its dates, the
// step and progress it reports and its photos; an agent publishes it or sends it back with
// a comment. The carrier may edit an update while it waits or after it came back, never
// once published (it is public then; a correction is a new update).
//
// Publishing an update records its step and progress on the project and, when the project
// is still granted and the update shows the work started (a step reached or some progress),
// moves it to in progress, in the same transaction (review.MoveIn: the public history line
// and the carriers' e-mail of the state machine). Completing or abandoning a project is
// always an agent's decision (the status form), never a side effect of an update.

// Limits of an update.
const (
	MaxUpdateTitle = 120
	MaxUpdateBody  = 4000
	// MaxComment is the longest comment of an agent sending back an update or a report.
	MaxComment = 2000
)

// MaxPhotoSize is the largest photo file accepted, as for the dossier's photo.
var MaxPhotoSize = dossier.DocPhoto.MaxSize()

// PhotoInput is a photo given with an update: the form's slot it came from (its fields are
// "photo_{Slot}" and "alt_{Slot}"), its bytes and its alternative text.
type PhotoInput struct {
	Slot int
	Data []byte
	Alt  string
}

// PhotoField and AltField are the form fields of a photo's slot.
func PhotoField(slot int) string { return "photo_" + strconv.Itoa(slot) }

// AltField is the field of the alternative text of a photo's slot.
func AltField(slot int) string { return "alt_" + strconv.Itoa(slot) }

// UpdateInput is the update form as typed: a new update (UpdateID 0) or the edit of a
// pending or returned one, its texts, dates (YYYY-MM-DD or ""), step and progress ("" for
// none), the new photos and the ids of the update's photos to remove. Lang is the language
// of the refusals.
type UpdateInput struct {
	DossierID         int64
	UpdateID          int64
	Title, Body       string
	PlannedOn, DoneOn string
	Step, Progress    string
	Photos            []PhotoInput
	Remove            []int64
	Lang              i18n.Lang
}

// updateFields are the checked values of an update form.
type updateFields struct {
	title, body       string
	plannedOn, doneOn campaign.Date
	step              int
	progress          *int
}

// parseUpdate checks the texts, dates, step and progress of the form.
func parseUpdate(in UpdateInput, s Settings, today campaign.Date, fe apperr.FieldErrors) updateFields {
	var f updateFields
	f.title = strings.Join(strings.Fields(in.Title), " ")
	f.body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	switch {
	case f.title == "":
		fe.Add("title", "followup.update.title_required")
	case utf8.RuneCountInString(f.title) > MaxUpdateTitle:
		fe.Add("title", "followup.update.too_long", MaxUpdateTitle)
	}
	switch {
	case f.body == "":
		fe.Add("body", "followup.update.body_required")
	case utf8.RuneCountInString(f.body) > MaxUpdateBody:
		fe.Add("body", "followup.update.too_long", MaxUpdateBody)
	}
	day := func(field, v string) campaign.Date {
		if v = strings.TrimSpace(v); v == "" {
			return campaign.Date{}
		}
		d, err := campaign.ParseDate(v)
		if err != nil {
			fe.Add(field, "followup.update.date_invalid")
		}
		return d
	}
	f.plannedOn, f.doneOn = day("planned_on", in.PlannedOn), day("done_on", in.DoneOn)
	if !f.doneOn.IsZero() && f.doneOn.String() > today.String() {
		fe.Add("done_on", "followup.update.done_future")
	}
	if v := strings.TrimSpace(in.Step); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > len(s.Steps) {
			fe.Add("step", "followup.update.step_invalid")
		}
		f.step = n
	}
	if v := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(in.Progress), "%")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100 {
			fe.Add("progress", "followup.update.progress_invalid")
		}
		f.progress = &n
	}
	return f
}

// checkedPhoto is a photo made safe to keep: re-encoded (no metadata), with its size.
type checkedPhoto struct {
	slot          int
	data          []byte
	contentType   string
	alt           string
	width, height int
	key, sum      string
}

// checkPhoto finds the photo's type from its content, refuses what is not a JPEG or a PNG,
// and re-encodes it as the dossier's photo is; the refusals are on the slot's field.
func checkPhoto(ctx context.Context, p PhotoInput, lang i18n.Lang, fe apperr.FieldErrors) (*checkedPhoto, error) {
	field := PhotoField(p.Slot)
	if int64(len(p.Data)) > MaxPhotoSize {
		fe.Add(field, "followup.photo.too_large", MaxPhotoSize>>20)
		return nil, nil
	}
	ct, err := dossier.DetectType(p.Data[:min(len(p.Data), dossier.SniffLen)])
	if err != nil || ct != dossier.TypeJPEG && ct != dossier.TypePNG {
		fe.Add(field, "followup.photo.type")
		return nil, nil
	}
	data, err := dossier.Reencode(ctx, p.Data, ct)
	var pix *dossier.PixelsError
	switch {
	case errors.As(err, &pix):
		fe.Add(field, "followup.photo.pixels", i18n.Int(lang, int64(pix.Width)), i18n.Int(lang, int64(pix.Height)),
			dossier.MaxImagePixels/1_000_000)
		return nil, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		fe.Add(field, "followup.photo.bad_image")
		return nil, nil
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		fe.Add(field, "followup.photo.bad_image")
		return nil, nil
	}
	sum := sha256.Sum256(data)
	return &checkedPhoto{slot: p.Slot, data: data, contentType: ct, alt: dossier.CleanAlt(p.Alt), width: cfg.Width,
		height: cfg.Height, key: dossier.NewBlobKey(), sum: hex.EncodeToString(sum[:])}, nil
}

// carrierProject loads a dossier of the campaign for one of its carriers: NotFound for
// anyone else (never describing another's dossier), Conflict unless the project is funded
// and open (granted or in progress).
func carrierProject(ctx context.Context, q db.Querier, who change.Who, c *campaign.Campaign, id int64) (*dossier.Dossier, error) {
	d, err := dossier.ByID(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if d.CampaignID != c.ID {
		return nil, apperr.New(apperr.NotFound, "dossier.not_found")
	}
	if !who.IsSystem() {
		ok, err := dossier.IsMember(ctx, q, d.StructureID, who.Actor.ID())
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, apperr.New(apperr.NotFound, "dossier.not_found")
		}
	}
	if !Open(d.State) {
		if Followed(d.State) {
			return nil, apperr.New(apperr.Conflict, "followup.update.closed")
		}
		return nil, apperr.New(apperr.Conflict, "followup.update.not_funded")
	}
	return d, nil
}

// editableUpdate loads an update of the dossier its carrier may edit: pending or returned.
func editableUpdate(ctx context.Context, q db.Querier, dossierID, id int64) (*Update, error) {
	u, err := UpdateByID(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if u.DossierID != dossierID {
		return nil, apperr.New(apperr.NotFound, "followup.update.not_found")
	}
	if u.Status == UpdatePublished {
		return nil, apperr.New(apperr.Conflict, "followup.update.published")
	}
	return u, nil
}

// PostUpdate records an update of a funded project by one of its carriers, or the edit of
// one waiting for an agent or sent back (which then waits again), and returns its id.
// Who may post is checked before anything is read of the photos; the texts and each photo's
// alternative text before any photo is decoded; a refused photo stores nothing. The photos'
// bytes are written first, the rows in the change; the bytes of a refused change, and those
// of the photos removed, are deleted.
func PostUpdate(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, in UpdateInput) (int64, error) {
	q := env.Change.DB
	d, err := carrierProject(ctx, q, who, c, in.DossierID)
	if err != nil {
		return 0, err
	}
	kept := 0
	if in.UpdateID != 0 {
		u, err := editableUpdate(ctx, q, d.ID, in.UpdateID)
		if err != nil {
			return 0, err
		}
		for _, p := range u.Photos {
			if !containsID(in.Remove, p.ID) {
				kept++
			}
		}
	}
	s, err := SettingsOf(ctx, q, c.ID)
	if err != nil {
		return 0, err
	}
	now := env.Change.Now()
	fe := apperr.FieldErrors{}
	f := parseUpdate(in, s, campaign.DateOf(now.In(c.Location())), fe)
	var given []PhotoInput
	for _, p := range in.Photos {
		if len(p.Data) == 0 {
			if strings.TrimSpace(p.Alt) != "" {
				fe.Add(PhotoField(p.Slot), "followup.photo.missing")
			}
			continue
		}
		given = append(given, p)
		switch alt := dossier.CleanAlt(p.Alt); {
		case alt == "":
			fe.Add(AltField(p.Slot), "photos.alt.required")
		case utf8.RuneCountInString(alt) > dossier.MaxAlt:
			fe.Add(AltField(p.Slot), "photos.alt.too_long", dossier.MaxAlt)
		}
	}
	if kept+len(given) > s.MaxPhotos {
		fe.Add("photos", "followup.photo.too_many", s.MaxPhotos)
	}
	if len(fe) > 0 {
		return 0, fe.Err()
	}
	var photos []*checkedPhoto
	for _, p := range given {
		cp, err := checkPhoto(ctx, p, in.Lang, fe)
		if err != nil {
			return 0, err
		}
		if cp != nil {
			photos = append(photos, cp)
		}
	}
	if len(fe) > 0 {
		return 0, fe.Err()
	}
	for i, p := range photos {
		if err := env.Blobs.Put(ctx, p.key, bytes.NewReader(p.data)); err != nil {
			deleteBlobs(ctx, env, photos[:i])
			return 0, err
		}
	}
	id := in.UpdateID
	var removed []string
	_, err = change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermSignedIn, Campaign: c, Action: "followup.update.post", EntityKind: "followup_update",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			d, err := carrierProject(ctx, tx, who, c, in.DossierID)
			if err != nil {
				return change.Outcome{}, err
			}
			before := any(nil)
			if id == 0 {
				if id, err = insertUpdate(ctx, tx, d, who, f, now); err != nil {
					return change.Outcome{}, err
				}
			} else {
				u, err := editableUpdate(ctx, tx, d.ID, id)
				if err != nil {
					return change.Outcome{}, err
				}
				before = updateAudit(u.Status, u.Step, u.Progress, len(u.Photos))
				if err := rewriteUpdate(ctx, tx, id, f); err != nil {
					return change.Outcome{}, err
				}
				if removed, err = removePhotos(ctx, tx, id, in.Remove); err != nil {
					return change.Outcome{}, err
				}
			}
			n, err := insertPhotos(ctx, tx, id, photos)
			if err != nil {
				return change.Outcome{}, err
			}
			if n > s.MaxPhotos {
				return change.Outcome{}, apperr.New(apperr.Invalid, "followup.photo.too_many", s.MaxPhotos)
			}
			return change.Outcome{EntityID: strconv.FormatInt(id, 10), Before: before,
				After: updateAudit(UpdatePending, f.step, f.progress, n)}, nil
		},
	})
	if err != nil {
		deleteBlobs(context.WithoutCancel(ctx), env, photos)
		return 0, err
	}
	for _, key := range removed {
		if err := env.Blobs.Delete(ctx, key); err != nil {
			return id, &dossier.BlobLeft{Key: key, Err: err}
		}
	}
	return id, nil
}

// updateAudit is what the audit entry keeps of an update: neither its texts nor its photos
// (the update's row has them), its status, step, progress and number of photos.
func updateAudit(st UpdateStatus, step int, progress *int, photos int) map[string]any {
	return map[string]any{"status": st, "step": step, "progress": progress, "photos": photos}
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func deleteBlobs(ctx context.Context, env Env, photos []*checkedPhoto) {
	for _, p := range photos {
		_ = env.Blobs.Delete(ctx, p.key)
	}
}

func insertUpdate(ctx context.Context, tx *db.Tx, d *dossier.Dossier, who change.Who, f updateFields, now time.Time) (int64, error) {
	var author any
	if !who.IsSystem() {
		author = who.Actor.ID()
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO followup_updates (dossier_id, campaign_id, status, title, body, planned_on,
		done_on, step, progress, author_id, created_at) VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		d.ID, d.CampaignID, f.title, f.body, dateText(f.plannedOn), dateText(f.doneOn), f.step, f.progress, author, utc(now)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert follow-up update: %w", err)
	}
	return id, nil
}

// rewriteUpdate saves the edited texts of an update, which waits for an agent again.
func rewriteUpdate(ctx context.Context, tx *db.Tx, id int64, f updateFields) error {
	_, err := tx.ExecContext(ctx, `UPDATE followup_updates SET status = 'pending', title = $1, body = $2, planned_on = $3,
		done_on = $4, step = $5, progress = $6 WHERE id = $7 AND status <> 'published'`,
		f.title, f.body, dateText(f.plannedOn), dateText(f.doneOn), f.step, f.progress, id)
	if err != nil {
		return fmt.Errorf("update follow-up update %d: %w", id, err)
	}
	return nil
}

// removePhotos deletes the rows of the update's photos named (others' are ignored) and
// returns their blobs' keys.
func removePhotos(ctx context.Context, tx *db.Tx, updateID int64, ids []int64) ([]string, error) {
	var keys []string
	for _, id := range ids {
		var key string
		err := tx.QueryRowContext(ctx, `DELETE FROM followup_photos WHERE id = $1 AND update_id = $2 RETURNING blob_key`,
			id, updateID).Scan(&key)
		if db.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("remove follow-up photo: %w", err)
		}
		keys = append(keys, key)
	}
	return keys, nil
}

// insertPhotos adds the photos after the update's others and returns how many it has.
func insertPhotos(ctx context.Context, tx *db.Tx, updateID int64, photos []*checkedPhoto) (int, error) {
	var n, last int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(position), 0) FROM followup_photos WHERE update_id = $1`,
		updateID).Scan(&n, &last); err != nil {
		return 0, fmt.Errorf("count follow-up photos: %w", err)
	}
	for _, p := range photos {
		last++
		if _, err := tx.ExecContext(ctx, `INSERT INTO followup_photos (update_id, blob_key, content_type, size, sha256,
			alt_text, width, height, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			updateID, p.key, p.contentType, len(p.data), p.sum, p.alt, p.width, p.height, last); err != nil {
			return 0, fmt.Errorf("insert follow-up photo: %w", err)
		}
		n++
	}
	return n, nil
}

// ReviewUpdate publishes an update waiting for an agent, or sends it back to its carrier with
// a comment (required then; optional on publishing, and kept for the carrier). Publishing
// records the update's step and progress on the project, starts a granted project whose
// update shows the work started (step ≥ 1 or progress > 0: review.MoveIn to in progress, with
// its history line and e-mail), adds the subscribers' e-mails (env.Notify) and tells the
// carriers; all in one transaction.
func ReviewUpdate(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, updateID int64, publish bool, comment string) error {
	comment = strings.TrimSpace(strings.ReplaceAll(comment, "\r\n", "\n"))
	fe := apperr.FieldErrors{}
	switch {
	case !publish && comment == "":
		fe.Add("comment", "followup.review.comment_required")
	case utf8.RuneCountInString(comment) > MaxComment:
		fe.Add("comment", "followup.update.too_long", MaxComment)
	}
	if len(fe) > 0 {
		return fe.Err()
	}
	action, to := "followup.update.return", UpdateReturned
	if publish {
		action, to = "followup.update.publish", UpdatePublished
	}
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermManageDossiers, Campaign: c, Action: action, EntityKind: "followup_update",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			u, err := UpdateByID(ctx, tx, updateID)
			if err != nil {
				return change.Outcome{}, err
			}
			if u.CampaignID != c.ID {
				return change.Outcome{}, apperr.New(apperr.NotFound, "followup.update.not_found")
			}
			if u.Status != UpdatePending {
				return change.Outcome{}, apperr.New(apperr.Conflict, "followup.review.not_pending")
			}
			d, err := dossier.ByID(ctx, tx, u.DossierID)
			if err != nil {
				return change.Outcome{}, err
			}
			if publish && !Open(d.State) {
				return change.Outcome{}, apperr.New(apperr.Conflict, "followup.update.closed")
			}
			now := env.Change.Now()
			var reviewer any
			if !who.IsSystem() {
				reviewer = who.Actor.ID()
			}
			var published any
			if publish {
				published = utc(now)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE followup_updates SET status = $1, review_comment = $2, reviewed_by = $3,
				reviewed_at = $4, published_at = $5 WHERE id = $6 AND status = 'pending'`,
				string(to), comment, reviewer, utc(now), published, u.ID); err != nil {
				return change.Outcome{}, fmt.Errorf("review follow-up update %d: %w", u.ID, err)
			}
			before := map[string]any{"status": u.Status}
			after := map[string]any{"status": to, "dossier": d.ID, "comment": comment != ""}
			var mails []mail.Message
			if publish {
				if err := SetStepProgress(ctx, tx, c.ID, d.ID, u.Step, u.Progress, now); err != nil {
					return change.Outcome{}, err
				}
				if d.State == dossier.StateGranted && Starts(*u) {
					renv := review.Env{Change: env.Change, Cat: env.Cat, BaseURL: env.BaseURL}
					if mails, err = review.MoveIn(ctx, renv, tx, c, review.Step{DossierID: d.ID, To: dossier.StateInProgress}); err != nil {
						return change.Outcome{}, err
					}
					after["state"] = dossier.StateInProgress
				}
				u.Status, u.PublishedAt, u.ReviewComment = UpdatePublished, &now, comment
				if env.Notify != nil {
					p, err := ProjectOf(ctx, tx, d.ID)
					if err != nil {
						return change.Outcome{}, err
					}
					more, err := env.Notify(ctx, tx, *u, *p)
					if err != nil {
						return change.Outcome{}, err
					}
					mails = append(mails, more...)
				}
			}
			carriers, err := review.Carriers(ctx, tx, d.StructureID)
			if err != nil {
				return change.Outcome{}, err
			}
			mails = append(mails, reviewMails(env, c, d, *u, publish, comment, carriers)...)
			return change.Outcome{EntityID: strconv.FormatInt(u.ID, 10), Before: before,
				After: after, Mails: mails}, nil
		},
	})
	return err
}

// Starts reports whether publishing u shows the work of a granted project started: it
// reaches a step or reports some progress.
func Starts(u Update) bool { return u.Step >= 1 || u.Progress != nil && *u.Progress > 0 }

// CarrierURL is the carrier's page of a project's follow-up.
func CarrierURL(slug string, dossierID int64) string {
	return "/" + slug + "/dossiers/" + strconv.FormatInt(dossierID, 10) + "/suivi"
}

// reviewMails tell the carriers that their update was published or came back, each in
// their language; the subject names no user text.
func reviewMails(env Env, c *campaign.Campaign, d *dossier.Dossier, u Update, publish bool, comment string, rs []review.Recipient) []mail.Message {
	if env.Cat == nil {
		return nil
	}
	key := "mail.followup.returned"
	if publish {
		key = "mail.followup.published"
	}
	link := env.BaseURL + CarrierURL(c.Slug, d.ID)
	var out []mail.Message
	for _, r := range rs {
		text := comment
		if text == "" {
			text = env.Cat.T(r.Lang, "mail.followup.no_comment")
		}
		out = append(out, mail.Message{To: r.Email, Subject: env.Cat.T(r.Lang, key+".subject", d.ID),
			Body: env.Cat.T(r.Lang, key+".body", u.Title, d.Title, text, link)})
	}
	return out
}
