package dossier

import (
	"context"
	"fmt"

	"budgetcitoyen/internal/db"
)

// The SQL of the documents' records (their bytes are in Blobs).

// ---- Documents ----

const docCols = "id, dossier_id, kind, blob_key, filename, content_type, size, sha256, COALESCE(uploaded_by, 0), uploaded_at, alt_text, width, height"

func scanDoc(sc interface{ Scan(...any) error }) (Document, error) {
	var d Document
	var kind string
	err := sc.Scan(&d.ID, &d.DossierID, &kind, &d.BlobKey, &d.Filename, &d.ContentType, &d.Size, &d.SHA256, &d.UploadedBy, &d.UploadedAt, &d.AltText, &d.Width, &d.Height)
	d.Kind = DocKind(kind)
	d.UploadedAt = d.UploadedAt.UTC()
	return d, err
}

// Documents lists a dossier's documents in kind order.
func Documents(ctx context.Context, q db.Querier, dossierID int64) ([]Document, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+docCols+" FROM dossier_documents WHERE dossier_id = $1", dossierID)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()
	byKind := map[DocKind]Document{}
	for rows.Next() {
		d, err := scanDoc(rows)
		if err != nil {
			return nil, err
		}
		byKind[d.Kind] = d
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Document
	for _, k := range DocKinds() {
		if d, ok := byKind[k]; ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// DocumentByID reads one document of a dossier.
func DocumentByID(ctx context.Context, q db.Querier, dossierID, id int64) (*Document, error) {
	d, err := scanDoc(q.QueryRowContext(ctx, "SELECT "+docCols+" FROM dossier_documents WHERE id = $1 AND dossier_id = $2", id, dossierID))
	if err != nil {
		return nil, notFound(err, "dossier.document.not_found")
	}
	return &d, nil
}

// PutDocument records doc as the dossier's document of its kind and returns the blob key of
// the document it replaces ("" if none), for the caller to delete once committed.
func PutDocument(ctx context.Context, q db.Querier, doc *Document) (replaced string, err error) {
	err = q.QueryRowContext(ctx, "SELECT blob_key FROM dossier_documents WHERE dossier_id = $1 AND kind = $2",
		doc.DossierID, string(doc.Kind)).Scan(&replaced)
	if err != nil && !db.IsNotFound(err) {
		return "", fmt.Errorf("read document: %w", err)
	}
	if replaced != "" {
		if _, err := q.ExecContext(ctx, "DELETE FROM dossier_documents WHERE dossier_id = $1 AND kind = $2", doc.DossierID, string(doc.Kind)); err != nil {
			return "", fmt.Errorf("replace document: %w", err)
		}
	}
	doc.UploadedAt = utc(doc.UploadedAt)
	err = q.QueryRowContext(ctx, `INSERT INTO dossier_documents (dossier_id, kind, blob_key, filename, content_type, size,
		sha256, uploaded_by, uploaded_at, alt_text, width, height) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		RETURNING id`,
		doc.DossierID, string(doc.Kind), doc.BlobKey, doc.Filename, doc.ContentType, doc.Size, doc.SHA256,
		nullID(doc.UploadedBy), doc.UploadedAt, doc.AltText, doc.Width, doc.Height).Scan(&doc.ID)
	if err != nil {
		return "", fmt.Errorf("insert document: %w", err)
	}
	return replaced, nil
}

// DeleteDocument removes a document record and returns its blob key.
func DeleteDocument(ctx context.Context, q db.Querier, dossierID, id int64) (string, error) {
	var key string
	err := q.QueryRowContext(ctx, "DELETE FROM dossier_documents WHERE id = $1 AND dossier_id = $2 RETURNING blob_key", id, dossierID).Scan(&key)
	if err != nil {
		return "", notFound(err, "dossier.document.not_found")
	}
	return key, nil
}

// PublicPhoto reads the photo document id of a dossier of the campaign that is public: on
// the ballot or past it (PublicStates). Anything else, a draft's photo among them, is
// NotFound, as an unknown id is.
func PublicPhoto(ctx context.Context, q db.Querier, campaignID, id int64) (*Document, error) {
	states := PublicStates()
	args := []any{id, campaignID, string(DocPhoto)}
	for _, st := range states {
		args = append(args, string(st))
	}
	d, err := scanDoc(q.QueryRowContext(ctx, `SELECT doc.id, doc.dossier_id, doc.kind, doc.blob_key, doc.filename,
		doc.content_type, doc.size, doc.sha256, COALESCE(doc.uploaded_by, 0), doc.uploaded_at, doc.alt_text, doc.width, doc.height
		FROM dossier_documents doc
		JOIN dossiers d ON d.id = doc.dossier_id
		WHERE doc.id = $1 AND d.campaign_id = $2 AND doc.kind = $3 AND d.state IN (`+db.Placeholders(4, len(states))+")", args...))
	if err != nil {
		return nil, notFound(err, "dossier.document.not_found")
	}
	return &d, nil
}
