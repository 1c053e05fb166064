// Package idea holds the citizens' ideas of a campaign: what an idea is, the pure rules of
// the deposit form (parsing, validation, finding the commune typed by name or postcode),
// the SQL that stores them and their moderation (hide with a reason, restore).
//
// An idea's place is an INSEE commune code from the territory package, never free text;
// its arrondissement and EPCI are copied at deposit so that lists filter and count by
// territory in SQL.
package idea

import (
	"time"
)

// Theme is an idea's field of the social and solidarity economy. Its value is a stable key
// (database, URLs, form values); the label is in the catalogs ("idea.theme.KEY").
type Theme string

// The themes.
const (
	ThemeFood        Theme = "alimentation"
	ThemeEmployment  Theme = "emploi-insertion"
	ThemeEnvironment Theme = "environnement"
	ThemeCulture     Theme = "culture"
	ThemeSolidarity  Theme = "solidarite"
	ThemeMobility    Theme = "mobilite"
	ThemeHousing     Theme = "habitat"
	ThemeDigital     Theme = "numerique"
	ThemeOther       Theme = "autre"
)

// Themes lists the themes in display order (a new slice each call).
func Themes() []Theme {
	return []Theme{ThemeFood, ThemeEmployment, ThemeEnvironment, ThemeCulture, ThemeSolidarity,
		ThemeMobility, ThemeHousing, ThemeDigital, ThemeOther}
}

// Valid reports whether t is one of the themes.
func (t Theme) Valid() bool {
	for _, x := range Themes() {
		if t == x {
			return true
		}
	}
	return false
}

// MessageKey is the catalog key of the theme's label.
func (t Theme) MessageKey() string { return "idea.theme." + string(t) }

// Carrier says who carries an idea: one person, an association or an informal collective.
type Carrier string

// The kinds of carriers.
const (
	CarrierPerson      Carrier = "particulier"
	CarrierAssociation Carrier = "association"
	CarrierCollective  Carrier = "collectif"
)

// Carriers lists the kinds of carriers in display order.
func Carriers() []Carrier { return []Carrier{CarrierPerson, CarrierAssociation, CarrierCollective} }

// Valid reports whether c is a known kind of carrier.
func (c Carrier) Valid() bool {
	for _, x := range Carriers() {
		if c == x {
			return true
		}
	}
	return false
}

// MessageKey is the catalog key of the carrier kind's label.
func (c Carrier) MessageKey() string { return "idea.carrier." + string(c) }

// Idea is one deposited idea.
type Idea struct {
	ID         int64
	CampaignID int64
	AuthorID   int64

	Title       string
	Description string
	Theme       Theme

	Commune        string // INSEE code
	Arrondissement string // copied from the territory data at deposit
	EPCI           string // SIREN, copied likewise

	Carrier   Carrier
	Structure string // the association's or collective's name; optional

	CreatedAt time.Time

	HiddenAt     *time.Time // nil: published
	HiddenReason string
	HiddenBy     *int64
}

// Hidden reports whether a moderator hid the idea.
func (i *Idea) Hidden() bool { return i.HiddenAt != nil }

// Limits of the deposit form, in characters.
const (
	MaxTitleLen       = 120
	MaxDescriptionLen = 2000
	MaxStructureLen   = 120
	MaxReasonLen      = 1000
	maxQueryLen       = 100
)
