package followup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
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

// Limits of a final report.
const (
	MaxReportFiles    = 5
	MaxReportFileSize = 10 << 20
	MaxSummary        = 5000
	MaxIndicatorValue = 100_000_000
)

// FileInput is a document given with a final report.
type FileInput struct {
	Filename string // as given by the browser
	Data     []byte
}

// ReportInput is the final report's form as typed by a carrier: one value per indicator of
// the campaign's settings, in their order ("ind0", "ind1"… on the form), the summary, the
// actual total cost in euros, the new documents and the ids of the documents to remove.
type ReportInput struct {
	DossierID  int64
	Indicators []string
	Summary    string
	TotalCost  string
	Files      []FileInput
	Remove     []int64
	Lang       i18n.Lang // the language of the refusals that name a file
}

// IndicatorField is the form's name of the i-th indicator.
func IndicatorField(i int) string { return "ind" + strconv.Itoa(i) }

// reportFields validates the form's text (errors on "indN", "summary", "total_cost").
func reportFields(in ReportInput, s Settings) (Report, apperr.FieldErrors) {
	fe := apperr.FieldErrors{}
	r := Report{DossierID: in.DossierID, Summary: strings.TrimSpace(strings.ReplaceAll(in.Summary, "\r\n", "\n"))}
	for i, label := range s.Indicators {
		v := ""
		if i < len(in.Indicators) {
			v = strings.Join(strings.Fields(in.Indicators[i]), "")
		}
		n, err := strconv.ParseInt(v, 10, 64)
		switch {
		case v == "":
			fe.Add(IndicatorField(i), "followup.report.indicator_required")
		case err != nil || n < 0 || n > MaxIndicatorValue:
			fe.Add(IndicatorField(i), "followup.report.indicator_invalid")
		}
		r.Indicators = append(r.Indicators, Indicator{Label: label, Value: n})
	}
	switch {
	case r.Summary == "":
		fe.Add("summary", "followup.report.summary_required")
	case utf8.RuneCountInString(r.Summary) > MaxSummary:
		fe.Add("summary", "followup.report.summary_too_long", MaxSummary)
	}
	if strings.TrimSpace(in.TotalCost) == "" {
		fe.Add("total_cost", "followup.report.cost_required")
	} else if n, err := campaign.ParseMoney(in.TotalCost); err != nil || n < 0 {
		fe.Add("total_cost", "followup.report.cost_invalid")
	} else {
		r.TotalCostCents = n
	}
	return r, fe
}

// checkReportFile finds a document's type from its content and makes it safe to keep, as a
// dossier's documents: a PDF without scripts, an image re-encoded (errors on "files").
func checkReportFile(ctx context.Context, f FileInput, lang i18n.Lang) ([]byte, string, error) {
	fail := func(key string, args ...any) error {
		fe := apperr.FieldErrors{}
		fe.Add("files", key, args...)
		return fe.Err()
	}
	name := dossier.CleanFilename(f.Filename, "")
	if len(f.Data) > MaxReportFileSize {
		return nil, "", fail("followup.report.file_too_large", name, MaxReportFileSize>>20)
	}
	ct, err := dossier.DetectType(f.Data[:min(len(f.Data), dossier.SniffLen)])
	switch {
	case errors.Is(err, dossier.ErrExecutable):
		return nil, "", fail("dossier.upload.executable")
	case errors.Is(err, dossier.ErrEmptyFile):
		return nil, "", fail("dossier.upload.empty")
	case err != nil:
		return nil, "", fail("followup.report.file_type", name)
	}
	if ct == dossier.TypePDF {
		if err := dossier.CheckPDF(f.Data); err != nil {
			return nil, "", fail("dossier.upload.active_pdf")
		}
		return f.Data, ct, nil
	}
	data, err := dossier.Reencode(ctx, f.Data, ct)
	var pix *dossier.PixelsError
	switch {
	case errors.As(err, &pix):
		return nil, "", fail("dossier.upload.image_pixels", i18n.Int(lang, int64(pix.Width)), i18n.Int(lang, int64(pix.Height)),
			dossier.MaxImagePixels/1_000_000)
	case ctx.Err() != nil:
		return nil, "", ctx.Err()
	case err != nil:
		return nil, "", fail("dossier.upload.bad_image")
	}
	return data, ct, nil
}

// canReport checks, for a change or before one, that who may file the project's report: a
// member of its structure, the project granted or in progress, its report not accepted.
func canReport(ctx context.Context, q db.Querier, who change.Who, c *campaign.Campaign, dossierID int64) (*Project, *Report, error) {
	p, err := projectFor(ctx, q, c, dossierID)
	if err != nil {
		return nil, nil, err
	}
	if who.IsSystem() {
		// The platform files for a carrier (the demo).
	} else if ok, err := dossier.IsMember(ctx, q, p.StructureID, who.Actor.ID()); err != nil {
		return nil, nil, err
	} else if !ok {
		return nil, nil, apperr.New(apperr.NotFound, "dossier.not_found")
	}
	if !Open(p.State) {
		return nil, nil, apperr.New(apperr.Conflict, "followup.report.closed")
	}
	r, err := ReportOf(ctx, q, dossierID)
	if err != nil {
		return nil, nil, err
	}
	if r != nil && r.Status == ReportAccepted {
		return nil, nil, apperr.New(apperr.Conflict, "followup.report.accepted_already")
	}
	return p, r, nil
}

// FileReport files (or files again, while pending or returned) a project's final report: a
// member of its structure, the project granted or in progress. The indicators are the
// campaign's (integers ≥ 0, their labels kept with the values), the summary and the actual
// total cost are required; the documents (PDF, JPEG, PNG, at most MaxReportFiles with those
// kept) are checked like a dossier's. The report goes back to pending. Audited as
// followup.report.file. The new documents' bytes are written first; a refused change
// deletes them, and the documents removed are deleted after it.
func FileReport(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, in ReportInput) error {
	d := env.Change.DB
	if !who.IsSystem() && !who.Actor.SignedIn() {
		return apperr.New(apperr.Unauthenticated, "error.unauthenticated")
	}
	if _, _, err := canReport(ctx, d, who, c, in.DossierID); err != nil {
		return err
	}
	s, err := SettingsOf(ctx, d, c.ID)
	if err != nil {
		return err
	}
	rep, fe := reportFields(in, s)
	if len(fe) > 0 {
		return fe.Err()
	}
	now := env.Change.Now()
	var files []ReportFile
	cleanup := func() {
		for _, f := range files {
			_ = env.Blobs.Delete(context.WithoutCancel(ctx), f.BlobKey)
		}
	}
	for _, f := range in.Files {
		data, ct, err := checkReportFile(ctx, f, in.Lang)
		if err != nil {
			cleanup()
			return err
		}
		sum := sha256.Sum256(data)
		rf := ReportFile{DossierID: in.DossierID, BlobKey: dossier.NewBlobKey(), Filename: dossier.CleanFilename(f.Filename, ct),
			ContentType: ct, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), UploadedAt: utc(now)}
		if err := env.Blobs.Put(ctx, rf.BlobKey, bytes.NewReader(data)); err != nil {
			cleanup()
			return err
		}
		files = append(files, rf)
	}
	var removed []string
	_, err = change.Do(ctx, env.Change, change.Request{Who: who, Permission: access.PermSignedIn, Campaign: c,
		Action: "followup.report.file", EntityKind: "dossier",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			removed = nil
			_, old, err := canReport(ctx, tx, who, c, in.DossierID)
			if err != nil {
				return change.Outcome{}, err
			}
			kept := 0
			if old != nil {
				for _, f := range old.Files {
					if containsID(in.Remove, f.ID) {
						removed = append(removed, f.BlobKey)
						if _, err := tx.ExecContext(ctx, "DELETE FROM followup_report_files WHERE id = $1", f.ID); err != nil {
							return change.Outcome{}, fmt.Errorf("remove report file: %w", err)
						}
						continue
					}
					kept++
				}
			}
			if kept+len(files) > MaxReportFiles {
				fe := apperr.FieldErrors{}
				fe.Add("files", "followup.report.too_many_files", MaxReportFiles)
				return change.Outcome{}, fe.Err()
			}
			indicators, err := json.Marshal(rep.Indicators)
			if err != nil {
				return change.Outcome{}, err
			}
			if rep.Indicators == nil {
				indicators = []byte("[]")
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO followup_reports (dossier_id, campaign_id, status, indicators, summary,
				total_cost_cents, submitted_by, submitted_at) VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7)
				ON CONFLICT (dossier_id) DO UPDATE SET status = 'pending', indicators = excluded.indicators,
				summary = excluded.summary, total_cost_cents = excluded.total_cost_cents, submitted_by = excluded.submitted_by,
				submitted_at = excluded.submitted_at`,
				in.DossierID, c.ID, string(indicators), rep.Summary, rep.TotalCostCents, actorID(who), utc(now))
			if err != nil {
				return change.Outcome{}, fmt.Errorf("file final report: %w", err)
			}
			for _, f := range files {
				if _, err := tx.ExecContext(ctx, `INSERT INTO followup_report_files (dossier_id, blob_key, filename, content_type,
					size, sha256, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, f.DossierID, f.BlobKey, f.Filename,
					f.ContentType, f.Size, f.SHA256, f.UploadedAt); err != nil {
					return change.Outcome{}, fmt.Errorf("add report file: %w", err)
				}
			}
			if err := Ensure(ctx, tx, c.ID, in.DossierID, now); err != nil {
				return change.Outcome{}, err
			}
			before := map[string]any(nil)
			if old != nil {
				before = map[string]any{"status": old.Status, "files": len(old.Files)}
			}
			return change.Outcome{EntityID: strconv.FormatInt(in.DossierID, 10), Before: before,
				After: map[string]any{"status": ReportPending, "indicators": rep.Indicators, "total_cost_cents": rep.TotalCostCents,
					"files": kept + len(files)}}, nil
		}})
	if err != nil {
		cleanup()
		return err
	}
	for _, key := range removed {
		if err := env.Blobs.Delete(ctx, key); err != nil {
			return &dossier.BlobLeft{Key: key, Err: err}
		}
	}
	return nil
}

// ReviewReport accepts a pending final report or sends it back to its carrier with a
// comment (required to send back), an agent; the carriers are told by e-mail. Accepting
// does not complete the project: the agent records the balance and changes its status.
// Audited as followup.report.accept or followup.report.return.
func ReviewReport(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, dossierID int64, accept bool, comment string) error {
	comment = strings.TrimSpace(strings.ReplaceAll(comment, "\r\n", "\n"))
	fe := apperr.FieldErrors{}
	switch {
	case !accept && comment == "":
		fe.Add("comment", "followup.report.comment_required")
	case utf8.RuneCountInString(comment) > MaxComment:
		fe.Add("comment", "followup.report.comment_too_long", MaxComment)
	}
	if len(fe) > 0 {
		return fe.Err()
	}
	action, status := "followup.report.return", ReportReturned
	if accept {
		action, status = "followup.report.accept", ReportAccepted
	}
	_, err := change.Do(ctx, env.Change, change.Request{Who: who, Permission: access.PermManageDossiers, Campaign: c,
		Action: action, EntityKind: "dossier",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			p, err := projectFor(ctx, tx, c, dossierID)
			if err != nil {
				return change.Outcome{}, err
			}
			r, err := ReportOf(ctx, tx, dossierID)
			if err != nil {
				return change.Outcome{}, err
			}
			if r == nil {
				return change.Outcome{}, apperr.New(apperr.NotFound, "followup.report.none")
			}
			if r.Status != ReportPending {
				return change.Outcome{}, apperr.New(apperr.Conflict, "followup.report.not_pending")
			}
			now := env.Change.Now()
			if _, err := tx.ExecContext(ctx, `UPDATE followup_reports SET status = $1, review_comment = $2, reviewed_by = $3,
				reviewed_at = $4 WHERE dossier_id = $5`, string(status), comment, actorID(who), utc(now), dossierID); err != nil {
				return change.Outcome{}, fmt.Errorf("review final report: %w", err)
			}
			mails, err := reportMails(ctx, tx, env, c, p, status, comment)
			if err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: strconv.FormatInt(dossierID, 10), Before: map[string]any{"status": r.Status},
				After: map[string]any{"status": status, "comment": comment}, Mails: mails}, nil
		}})
	return err
}

// ReportURL is the carrier's page of a project's final report.
func ReportURL(slug string, dossierID int64) string {
	return "/" + slug + "/dossiers/" + strconv.FormatInt(dossierID, 10) + "/bilan"
}

// reportMails tells the carriers that their report was accepted or sent back.
func reportMails(ctx context.Context, q db.Querier, env Env, c *campaign.Campaign, p *Project, status ReportStatus, comment string) ([]mail.Message, error) {
	if env.Cat == nil {
		return nil, nil
	}
	rs, err := review.Carriers(ctx, q, p.StructureID)
	if err != nil {
		return nil, err
	}
	link := strings.TrimRight(env.BaseURL, "/") + ReportURL(c.Slug, p.DossierID)
	var out []mail.Message
	for _, r := range rs {
		key := "mail.followup.report." + string(status)
		body := env.Cat.T(r.Lang, key+".body", p.Title, c.Name, link)
		if comment != "" {
			body += "\n\n" + env.Cat.T(r.Lang, "mail.followup.report.comment", comment)
		}
		out = append(out, mail.Message{To: r.Email, Subject: env.Cat.T(r.Lang, key+".subject"),
			Body: body + "\n\n" + env.Cat.T(r.Lang, "mail.followup.remind.signature")})
	}
	return out, nil
}
