package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/dossier"
)

// maxUploadBody bounds an upload request: the largest document plus the form's other fields.
const maxUploadBody = 10<<20 + 64<<10

// dossierUpload stores one document (the command finds its type from its content and makes
// it safe to keep); a file over its kind's limit is refused from its announced size, before
// it is read.
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
		keepAlt(p, r.FormValue("alt"))
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
	_, err = dossier.Upload(r.Context(), s.dossierEnv(), change.By(actorOf(r)), dossier.UploadInput{Campaign: c,
		DossierID: d.ID, Kind: kind, Filename: hdr.Filename, Data: data, Alt: r.FormValue("alt"), Lang: lang})
	if fe, ok := fieldErrors(err); ok {
		p, err := s.dossierPageFor(r, c, d, "documents")
		if err != nil {
			return err
		}
		p.Errors = fe
		keepAlt(p, r.FormValue("alt"))
		return s.render(w, r, http.StatusUnprocessableEntity, "dossier_documents", p)
	}
	if err := s.blobLeft(err); err != nil {
		return err
	}
	s.flash(r, "dossier.upload.done")
	http.Redirect(w, r, dossierURL(c, d)+"/documents", http.StatusSeeOther)
	return nil
}

// keepAlt puts back the alternative text typed with a refused photo.
func keepAlt(p *dossierPage, alt string) {
	for i := range p.Documents {
		if p.Documents[i].Kind == dossier.DocPhoto && alt != "" {
			p.Documents[i].Alt = alt
		}
	}
}

// blobLeft logs a change made that left a blob behind, and returns any other error.
func (s *Server) blobLeft(err error) error {
	var left *dossier.BlobLeft
	if errors.As(err, &left) {
		s.log.Warn("delete document", "key", left.Key, "err", left.Err)
		return nil
	}
	return err
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
	err = dossier.RemoveDocument(r.Context(), s.dossierEnv(), change.By(actorOf(r)),
		dossier.DocumentInput{Campaign: c, DossierID: d.ID, DocumentID: docID})
	if err := s.blobLeft(err); err != nil {
		return err
	}
	s.flash(r, "dossier.upload.deleted")
	http.Redirect(w, r, dossierURL(c, d)+"/documents", http.StatusSeeOther)
	return nil
}
