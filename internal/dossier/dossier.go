// Package dossier holds what an ESS structure files to a campaign: the structures (legal
// form of the law of 31 July 2014, ESUS approval, SIRET/SIREN/RNA checked offline, address),
// their members, the dossiers (presentation, the category's questions, communes, timeline,
// budget that must balance, the support computed by the category's rule), the documents
// (type detected from content, images re-encoded, stored through a small blob interface),
// the completeness check, the PDF receipt and the staff exports.
//
// The rule files (legal forms, identifiers, budget, completeness, upload detection) are pure;
// the store files hold the SQL. state.go is the state machine of a dossier's whole life, from
// the draft to the completed project; the commands (commands*.go) make the carrier's changes,
// each in one transaction through change.Do.
package dossier

import (
	"time"

	"budgetcitoyen/internal/campaign"
)

// Limits of the dossier's texts (in characters).
const (
	MaxTitle       = 120
	MaxSummary     = 280 // shown to voters on the ballot
	MaxDescription = 10000
	MaxAnswer      = 4000
	MaxTimeline    = 4000
	MaxCommunes    = 200
	// MaxStoredText bounds what a draft keeps of a too-long text: it is saved as typed (and
	// flagged) up to this size, so nothing reasonable is lost.
	MaxStoredText = 20000
)

// Dossier is one project filed by a structure in one category of a campaign.
type Dossier struct {
	ID          int64
	CampaignID  int64
	StructureID int64
	CategoryID  int64
	State       State

	Title       string
	Summary     string // short text for the ballot
	Description string
	Answers     map[string]string // question id → answer
	Communes    []string          // INSEE codes where the project acts
	Timeline    string

	Budget Budget
	// SupportCents is the support computed by the category's rule from the total cost, kept
	// up to date at every save (the server decides it; a preview in the browser never does).
	SupportCents int64

	ExtendedUntil *time.Time // an agent allowed submission until then, past the deadline

	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	SubmittedAt *time.Time

	// Read with the dossier for lists and pages.
	StructureName  string
	LegalForm      LegalForm
	Arrondissement string // arrondissement of the structure's commune (filled by the caller that knows the territory)
}

// TotalCostCents is the project's total cost: the sum of its expenses.
func (d *Dossier) TotalCostCents() int64 { return d.Budget.TotalExpenses() }

// Computation returns the support computed by the category's rule from the total cost.
func Computation(cat campaign.Category, b Budget) campaign.Computation {
	return cat.Rule.Compute(b.TotalExpenses())
}

// Question is one of a category's specific questions, configured by agents.
type Question struct {
	ID         int64
	CategoryID int64
	Position   int
	Text       string
}

// DocKind is the kind of a dossier's document.
type DocKind string

// The documents of a dossier.
const (
	DocStatutes DocKind = "statutes" // statuts
	DocBudget   DocKind = "budget"   // budget prévisionnel
	DocRIB      DocKind = "rib"      // relevé d'identité bancaire
	DocPhoto    DocKind = "photo"    // photo for the ballot
)

// DocKinds lists the document kinds in display order; all are required for submission.
func DocKinds() []DocKind { return []DocKind{DocStatutes, DocBudget, DocRIB, DocPhoto} }

// ParseDocKind returns the kind named s.
func ParseDocKind(s string) (DocKind, bool) {
	for _, k := range DocKinds() {
		if string(k) == s {
			return k, true
		}
	}
	return "", false
}

// MessageKey is the i18n key of the kind's name.
func (k DocKind) MessageKey() string { return "dossier.doc." + string(k) }

// MaxSize is the largest file accepted for the kind.
func (k DocKind) MaxSize() int64 {
	if k == DocPhoto {
		return 8 << 20
	}
	return 10 << 20
}

// Accepts reports whether a file of content type ct may be given for the kind: the photo
// is an image, the other documents PDF or a scan (JPEG, PNG).
func (k DocKind) Accepts(ct string) bool {
	switch ct {
	case TypeJPEG, TypePNG:
		return true
	case TypePDF:
		return k != DocPhoto
	}
	return false
}

// Public reports whether the document may be shown to anyone once the dossier is on the
// ballot (the photo), from the public route of the photos (see PublicPhoto).
func (k DocKind) Public() bool { return k == DocPhoto }

// Document is a stored file of a dossier.
type Document struct {
	ID          int64
	DossierID   int64
	Kind        DocKind
	BlobKey     string
	Filename    string // as given by the browser, cleaned; only for Content-Disposition
	ContentType string
	Size        int64
	SHA256      string
	UploadedBy  int64
	UploadedAt  time.Time
	// The photo's alternative text, written by the carrier with it, and its size in pixels
	// as stored (after the re-encoding); "" and 0 for the other documents.
	AltText       string
	Width, Height int
}
