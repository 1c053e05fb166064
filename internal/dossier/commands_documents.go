package dossier

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
)

// UploadInput is a file given as a dossier's document of a kind. Lang is the language of
// the refusals (they name the kind).
type UploadInput struct {
	Campaign  *campaign.Campaign
	DossierID int64
	Kind      DocKind
	Filename  string // as given by the browser
	Data      []byte
	Alt       string // the photo's alternative text (required for DocPhoto, ignored otherwise)
	Lang      i18n.Lang
}

// fileError is a refusal of the file, on the form's "file" field.
func fileError(key string, args ...any) error {
	fe := apperr.FieldErrors{}
	fe.Add("file", key, args...)
	return fe.Err()
}

// altError is a refusal of the photo's alternative text, on the form's "alt" field.
func altError(key string, args ...any) error {
	fe := apperr.FieldErrors{}
	fe.Add("alt", key, args...)
	return fe.Err()
}

// checkFile finds the file's type from its content (never its name) and makes it safe to
// keep: a PDF is checked for scripts, an image is decoded and re-encoded (which drops its
// metadata). The refusals are field errors on "file".
func checkFile(ctx context.Context, in UploadInput) (data []byte, contentType string, err error) {
	kindName := T(in.Lang, in.Kind.MessageKey())
	data = in.Data
	if int64(len(data)) > in.Kind.MaxSize() {
		return nil, "", fileError("dossier.upload.too_large", kindName, in.Kind.MaxSize()>>20)
	}
	ct, err := DetectType(data[:min(len(data), SniffLen)])
	switch {
	case errors.Is(err, ErrExecutable):
		return nil, "", fileError("dossier.upload.executable")
	case errors.Is(err, ErrEmptyFile):
		return nil, "", fileError("dossier.upload.empty")
	case err != nil, !in.Kind.Accepts(ct):
		return nil, "", fileError("dossier.upload.type", kindName)
	}
	if ct == TypePDF {
		if err := CheckPDF(data); err != nil {
			return nil, "", fileError("dossier.upload.active_pdf")
		}
		return data, ct, nil
	}
	data, err = Reencode(ctx, data, ct)
	var pix *PixelsError
	switch {
	case errors.As(err, &pix):
		return nil, "", fileError("dossier.upload.image_pixels", i18n.Int(in.Lang, int64(pix.Width)),
			i18n.Int(in.Lang, int64(pix.Height)), MaxImagePixels/1_000_000)
	case ctx.Err() != nil:
		return nil, "", ctx.Err()
	case err != nil:
		return nil, "", fileError("dossier.upload.bad_image")
	}
	return data, ct, nil
}

// Upload stores a document of a draft the person may edit, in place of the one of its kind
// if any. The bytes are written to the blobs first, the record in the change; the blob of a
// refused change, and the one replaced, are deleted. Whether the person may change the
// dossier is checked before the file is looked at: the checks of a file (an image is decoded)
// are work done only for those who may keep it, and their refusals never describe another's
// dossier.
func Upload(ctx context.Context, env Env, who change.Who, in UploadInput) (*Document, error) {
	if _, err := editable(ctx, env.Change.DB, who, in.Campaign, in.DossierID, env.Change.Now()); err != nil {
		return nil, err
	}
	if _, ok := ParseDocKind(string(in.Kind)); !ok {
		return nil, fileError("dossier.upload.kind_required")
	}
	var alt string
	if in.Kind == DocPhoto {
		// The alternative text is checked before the file: no image is decoded for a form
		// that must come back anyway.
		alt = CleanAlt(in.Alt)
		if err := checkAlt(alt); err != nil {
			return nil, err
		}
	}
	data, ct, err := checkFile(ctx, in)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	doc := &Document{DossierID: in.DossierID, Kind: in.Kind, BlobKey: NewBlobKey(),
		Filename: CleanFilename(in.Filename, ct), ContentType: ct, Size: int64(len(data)),
		SHA256: hex.EncodeToString(sum[:]), UploadedAt: env.Change.Now(), AltText: alt}
	if ct == TypeJPEG || ct == TypePNG {
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
			doc.Width, doc.Height = cfg.Width, cfg.Height
		}
	}
	if !who.IsSystem() {
		doc.UploadedBy = who.Actor.ID()
	}
	if err := env.Blobs.Put(ctx, doc.BlobKey, bytes.NewReader(data)); err != nil {
		return nil, err
	}
	var replaced string
	err = editDocuments(ctx, env, who, in.Campaign, in.DossierID, "dossier.document.put",
		func(ctx context.Context, tx *db.Tx) error {
			var err error
			replaced, err = PutDocument(ctx, tx, doc)
			return err
		})
	if err != nil {
		_ = env.Blobs.Delete(context.WithoutCancel(ctx), doc.BlobKey)
		return nil, err
	}
	if replaced != "" {
		if err := env.Blobs.Delete(ctx, replaced); err != nil {
			return doc, &BlobLeft{Key: replaced, Err: err}
		}
	}
	return doc, nil
}

// BlobLeft is the error of a committed change that could not delete a blob it no longer
// needs: the change is made; the caller logs it.
type BlobLeft struct {
	Key string
	Err error
}

func (e *BlobLeft) Error() string { return "blob " + e.Key + " left: " + e.Err.Error() }
func (e *BlobLeft) Unwrap() error { return e.Err }

// DocumentInput names a document of a dossier.
type DocumentInput struct {
	Campaign   *campaign.Campaign
	DossierID  int64
	DocumentID int64
}

// RemoveDocument removes a document from a draft the person may edit, then its bytes.
func RemoveDocument(ctx context.Context, env Env, who change.Who, in DocumentInput) error {
	var key string
	err := editDocuments(ctx, env, who, in.Campaign, in.DossierID, "dossier.document.delete",
		func(ctx context.Context, tx *db.Tx) error {
			var err error
			key, err = DeleteDocument(ctx, tx, in.DossierID, in.DocumentID)
			return err
		})
	if err != nil {
		return err
	}
	if err := env.Blobs.Delete(ctx, key); err != nil {
		return &BlobLeft{Key: key, Err: err}
	}
	return nil
}

// editDocuments makes a change of a draft's documents: the same checks as a save of a step,
// and the save itself (its time, the support recomputed).
func editDocuments(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, id int64, action string,
	edit func(ctx context.Context, tx *db.Tx) error) error {
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermFileDossier, Campaign: c, Action: action, EntityKind: "dossier",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			now := env.Change.Now()
			d, err := editable(ctx, tx, who, c, id, now)
			if err != nil {
				return change.Outcome{}, err
			}
			before := auditSummary(d)
			if err := edit(ctx, tx); err != nil {
				return change.Outcome{}, err
			}
			if err := save(ctx, tx, c, d, now); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: entityID(d.ID), Before: before, After: auditSummary(d)}, nil
		},
	})
	return err
}
