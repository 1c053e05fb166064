package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
)

// maxUploadBody bounds an upload request: the largest document plus the form's other fields.
const maxUploadBody = 10<<20 + 64<<10

// dossierUpload stores one document. The type comes from the content (never the name); a
// PDF is checked for scripts, an image is decoded and re-encoded (which drops its metadata);
// a file over its kind's limit is refused from its announced size, before it is read.
func (s *Server) dossierUpload(w http.ResponseWriter, r *http.Request) error {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
	fail := func(key string, args ...any) error {
		p, err := s.dossierPageFor(r, c, d, "documents")
		if err != nil {
			return err
		}
		p.Errors.Add("file", key, args...)
		return s.render(w, r, http.StatusUnprocessableEntity, "dossier_documents", p)
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fail("dossier.upload.too_large_request", maxUploadBody>>20)
		}
		return fail("dossier.upload.no_file")
	}
	kind, ok := dossier.ParseDocKind(r.FormValue("kind"))
	if !ok {
		return fail("dossier.upload.kind_required")
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return fail("dossier.upload.no_file")
	}
	defer file.Close()
	lang := langOf(r)
	kindName := s.cat.T(lang, kind.MessageKey())
	if hdr.Size > kind.MaxSize() {
		return fail("dossier.upload.too_large", kindName, kind.MaxSize()>>20)
	}
	data, err := io.ReadAll(io.LimitReader(file, kind.MaxSize()+1))
	if err != nil {
		return err
	}
	if int64(len(data)) > kind.MaxSize() {
		return fail("dossier.upload.too_large", kindName, kind.MaxSize()>>20)
	}
	ct, err := dossier.DetectType(data[:min(len(data), dossier.SniffLen)])
	switch {
	case errors.Is(err, dossier.ErrExecutable):
		return fail("dossier.upload.executable")
	case errors.Is(err, dossier.ErrEmptyFile):
		return fail("dossier.upload.empty")
	case err != nil:
		return fail("dossier.upload.type", kindName)
	case !kind.Accepts(ct):
		return fail("dossier.upload.type", kindName)
	}
	if ct == dossier.TypePDF {
		if err := dossier.CheckPDF(data); err != nil {
			return fail("dossier.upload.active_pdf")
		}
	} else {
		data, err = dossier.Reencode(data, ct)
		if errors.Is(err, dossier.ErrTooManyPix) {
			return fail("dossier.upload.too_many_pixels")
		} else if err != nil {
			return fail("dossier.upload.bad_image")
		}
	}
	sum := sha256.Sum256(data)
	doc := &dossier.Document{DossierID: d.ID, Kind: kind, BlobKey: dossier.NewBlobKey(),
		Filename: dossier.CleanFilename(hdr.Filename, ct), ContentType: ct, Size: int64(len(data)),
		SHA256: hex.EncodeToString(sum[:]), UploadedBy: actorOf(r).ID(), UploadedAt: s.now()}
	blobs := s.blobs()
	if err := blobs.Put(r.Context(), doc.BlobKey, bytes.NewReader(data)); err != nil {
		return err
	}
	var replaced string
	_, err = s.editDossier(r, c, d.ID, "dossier.document.put", func(ctx context.Context, tx *db.Tx, _ *dossier.Dossier) error {
		var err error
		replaced, err = dossier.PutDocument(ctx, tx, doc)
		return err
	})
	if err != nil {
		_ = blobs.Delete(context.Background(), doc.BlobKey)
		return err
	}
	if replaced != "" {
		if err := blobs.Delete(r.Context(), replaced); err != nil {
			s.log.Warn("delete replaced document", "key", replaced, "err", err)
		}
	}
	s.flash(r, "dossier.upload.done")
	http.Redirect(w, r, dossierURL(c, d)+"/documents", http.StatusSeeOther)
	return nil
}

// dossierDocument serves a document to those who may read the dossier, as an attachment,
// with its stored type and no sniffing. Nothing is served from a public path.
func (s *Server) dossierDocument(w http.ResponseWriter, r *http.Request) error {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	if err := s.canRead(r.Context(), actorOf(r), c, d); err != nil {
		return err
	}
	docID, err := pathID(r, "doc")
	if err != nil {
		return err
	}
	doc, err := dossier.DocumentByID(r.Context(), s.db, d.ID, docID)
	if err != nil {
		return err
	}
	rc, err := s.blobs().Get(r.Context(), doc.BlobKey)
	if errors.Is(err, dossier.ErrNoBlob) {
		return apperr.New(apperr.NotFound, "dossier.document.not_found")
	} else if err != nil {
		return err
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", doc.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": doc.Filename}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.FormatInt(doc.Size, 10))
	_, err = io.Copy(w, rc)
	return err
}

// dossierDocumentDelete removes a document from a draft.
func (s *Server) dossierDocumentDelete(w http.ResponseWriter, r *http.Request) error {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	docID, err := pathID(r, "doc")
	if err != nil {
		return err
	}
	var key string
	_, err = s.editDossier(r, c, d.ID, "dossier.document.delete", func(ctx context.Context, tx *db.Tx, _ *dossier.Dossier) error {
		var err error
		key, err = dossier.DeleteDocument(ctx, tx, d.ID, docID)
		return err
	})
	if err != nil {
		return err
	}
	if err := s.blobs().Delete(r.Context(), key); err != nil {
		s.log.Warn("delete document", "key", key, "err", err)
	}
	s.flash(r, "dossier.upload.deleted")
	http.Redirect(w, r, dossierURL(c, d)+"/documents", http.StatusSeeOther)
	return nil
}
