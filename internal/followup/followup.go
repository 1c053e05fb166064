// Package followup is the public follow-up of the funded projects, from the Commission
// permanente's grant to the final report: the campaign's settings (steps, indicators,
// due date of the reports, reminders, the advance's share), the updates a carrier posts and
// an agent publishes (milestones with photos), the payments of the granted support, the
// final report (bilan), and the read model of the public and staff pages.
//
// The project's status is its dossier's state (dossier/state.go, the one state machine:
// granted → in_progress → completed, or abandoned with a public reason); this package keeps
// what happens within it. settings.go and money.go are pure; store*.go hold the SQL.
package followup

import (
	"context"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
)

// FollowedStates are the states of a funded project: the ones the follow-up shows.
func FollowedStates() []dossier.State {
	return []dossier.State{dossier.StateGranted, dossier.StateInProgress, dossier.StateCompleted, dossier.StateAbandoned}
}

// Followed reports whether a project in state s is followed up (funded, whatever became of it).
func Followed(s dossier.State) bool {
	for _, f := range FollowedStates() {
		if f == s {
			return true
		}
	}
	return false
}

// Open reports whether a project in state s may still receive updates, payments and its
// final report: granted or in progress.
func Open(s dossier.State) bool { return s == dossier.StateGranted || s == dossier.StateInProgress }

// UpdateStatus is where an update is in its review.
type UpdateStatus string

// The statuses of an update: posted by the carrier and waiting for an agent, published
// (public), or sent back to the carrier with a comment.
const (
	UpdatePending   UpdateStatus = "pending"
	UpdatePublished UpdateStatus = "published"
	UpdateReturned  UpdateStatus = "returned"
)

// Update is a milestone of a project: what its carrier reports, with its dates, the step
// and progress it reaches, and its photos.
type Update struct {
	ID         int64
	DossierID  int64
	CampaignID int64
	Status     UpdateStatus
	Title      string
	Body       string
	PlannedOn  campaign.Date // zero: none
	DoneOn     campaign.Date // zero: not done yet
	Step       int           // 0: no step; n: the n-th of the campaign's steps
	Progress   *int          // nil: the update does not change the progress
	AuthorID   int64
	CreatedAt  time.Time
	// The agent's review: the comment when sent back.
	ReviewComment string
	ReviewedBy    int64
	ReviewedAt    *time.Time
	PublishedAt   *time.Time
	Photos        []Photo
}

// Photo is a photo of an update.
type Photo struct {
	ID            int64
	UpdateID      int64
	BlobKey       string
	ContentType   string
	Size          int64
	SHA256        string
	Alt           string
	Width, Height int
	Position      int
}

// PaymentKind says what a payment is.
type PaymentKind string

// The kinds of payment: the advance when the agreement is signed, the balance on the final
// report, any other instalment.
const (
	PaymentAdvance PaymentKind = "advance"
	PaymentBalance PaymentKind = "balance"
	PaymentOther   PaymentKind = "other"
)

// PaymentKinds lists the kinds, in the order of a project's life.
func PaymentKinds() []PaymentKind { return []PaymentKind{PaymentAdvance, PaymentOther, PaymentBalance} }

// Valid reports whether k is a known kind.
func (k PaymentKind) Valid() bool {
	return k == PaymentAdvance || k == PaymentBalance || k == PaymentOther
}

// MessageKey is the i18n key of the kind's name.
func (k PaymentKind) MessageKey() string { return "followup.payment.kind." + string(k) }

// Payment is one payment of the granted support.
type Payment struct {
	ID          int64
	DossierID   int64
	CampaignID  int64
	Kind        PaymentKind
	AmountCents int64
	PaidOn      campaign.Date
	Reference   string // the finance service's reference (mandate number…)
	RecordedBy  int64
	RecordedAt  time.Time
}

// ReportStatus is where a final report is in its review.
type ReportStatus string

// The statuses of a final report.
const (
	ReportPending  ReportStatus = "pending"
	ReportAccepted ReportStatus = "accepted"
	ReportReturned ReportStatus = "returned"
)

// Indicator is one of the campaign's indicators as filed in a report: its label (kept as it
// was when filed) and its value.
type Indicator struct {
	Label string `json:"label"`
	Value int64  `json:"value"`
}

// Report is a project's final report (bilan).
type Report struct {
	DossierID      int64
	CampaignID     int64
	Status         ReportStatus
	Indicators     []Indicator
	Summary        string
	TotalCostCents int64 // the actual total cost
	SubmittedBy    int64
	SubmittedAt    time.Time
	ReviewComment  string
	ReviewedBy     int64
	ReviewedAt     *time.Time
	Files          []ReportFile
}

// ReportFile is a document of a final report.
type ReportFile struct {
	ID          int64
	DossierID   int64
	BlobKey     string
	Filename    string
	ContentType string
	Size        int64
	SHA256      string
	UploadedAt  time.Time
}

// Env is what the follow-up's changes need: the change environment, the store of the photos'
// and documents' bytes, the catalog the e-mails are written from, the site's address for
// their links, and Notify, which returns the e-mails that tell a published update to the
// people who subscribed to its project (nil: none).
type Env struct {
	Change  change.Env
	Blobs   dossier.Blobs
	Cat     *i18n.Catalog
	BaseURL string
	Notify  func(ctx context.Context, tx *db.Tx, u Update, p Project) ([]mail.Message, error)
}
