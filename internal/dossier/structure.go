package dossier

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"budgetcitoyen/internal/apperr"
)

// Structure is the organisation that carries projects. A carrier may act for several
// structures, and a structure may have several members.
type Structure struct {
	ID        int64
	Name      string
	LegalForm LegalForm
	ESUS      bool       // holds the "entreprise solidaire d'utilité sociale" approval
	ESUSDate  *time.Time // date the approval was granted (a calendar day, UTC midnight)
	SIRET     string     // 14 digits, or ""
	SIREN     string     // 9 digits, for associations without SIRET (filled from the SIRET otherwise)
	RNA       string     // W + 9 digits, or ""
	Address   string     // street and number
	Postcode  string
	Commune   string // INSEE code
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ESUSValidity is how long an ESUS approval lasts (five years, art. L. 3332-17-1 of the code
// du travail; renewal is a new approval).
const ESUSValidity = 5

// ESUSExpired reports whether the structure's ESUS approval has lapsed at t.
func (s *Structure) ESUSExpired(t time.Time) bool {
	if !s.ESUS || s.ESUSDate == nil {
		return false
	}
	return !t.Before(s.ESUSDate.AddDate(ESUSValidity, 0, 0))
}

// Structure form fields.
const (
	FieldName      = "name"
	FieldLegalForm = "legal_form"
	FieldESUS      = "esus"
	FieldESUSDate  = "esus_date"
	FieldSIRET     = "siret"
	FieldSIREN     = "siren"
	FieldRNA       = "rna"
	FieldAddress   = "address"
	FieldPostcode  = "postcode"
	FieldCommune   = "commune"
)

// StructureValues writes a structure for its form.
func StructureValues(s *Structure) url.Values {
	v := url.Values{}
	v.Set(FieldName, s.Name)
	v.Set(FieldLegalForm, string(s.LegalForm))
	if s.ESUS {
		v.Set(FieldESUS, "1")
	}
	if s.ESUSDate != nil {
		v.Set(FieldESUSDate, s.ESUSDate.Format(time.DateOnly))
	}
	v.Set(FieldSIRET, s.SIRET)
	if s.SIRET == "" {
		v.Set(FieldSIREN, s.SIREN)
	}
	v.Set(FieldRNA, s.RNA)
	v.Set(FieldAddress, s.Address)
	v.Set(FieldPostcode, s.Postcode)
	v.Set(FieldCommune, s.Commune)
	return v
}

// ParseStructure reads the structure form and checks it. The commune field is returned as
// typed in Commune: the caller resolves it against the territory (and reports it).
// A structure is saved only when it is valid: a wrong identifier or a form outside the ESS
// leaves the saved structure as it was, and the form shows the input with the reasons.
func ParseStructure(v url.Values, today time.Time) (Structure, apperr.FieldErrors) {
	fe := apperr.FieldErrors{}
	s := Structure{
		Name:     oneLine(v.Get(FieldName)),
		Address:  oneLine(v.Get(FieldAddress)),
		Postcode: CleanIdent(v.Get(FieldPostcode)),
		Commune:  strings.TrimSpace(v.Get(FieldCommune)),
		ESUS:     strings.TrimSpace(v.Get(FieldESUS)) != "",
	}
	switch n := utf8.RuneCountInString(s.Name); {
	case n == 0:
		fe.Add(FieldName, "dossier.structure.name_required")
	case n > 200:
		fe.Add(FieldName, "dossier.text.too_long", 200)
	}
	form, ok := ParseLegalForm(strings.TrimSpace(v.Get(FieldLegalForm)))
	switch {
	case !ok:
		fe.Add(FieldLegalForm, "dossier.structure.form_required")
	case !form.ESS():
		fe.Add(FieldLegalForm, form.RefusalKey())
	}
	s.LegalForm = form

	if raw := strings.TrimSpace(v.Get(FieldESUSDate)); raw != "" {
		d, err := time.Parse(time.DateOnly, raw)
		switch {
		case err != nil:
			fe.Add(FieldESUSDate, "dossier.structure.date_invalid")
		case d.After(today):
			fe.Add(FieldESUSDate, "dossier.structure.esus_future")
		default:
			s.ESUSDate = &d
		}
	}
	if s.ESUS && s.ESUSDate == nil {
		fe.Add(FieldESUSDate, "dossier.structure.esus_date_required")
	}
	if !s.ESUS {
		s.ESUSDate = nil
	}

	s.SIRET = CleanIdent(v.Get(FieldSIRET))
	s.SIREN = CleanIdent(v.Get(FieldSIREN))
	s.RNA = CleanIdent(v.Get(FieldRNA))
	if s.SIRET != "" {
		if err := CheckSIRET(s.SIRET); err != nil {
			fe.Add(FieldSIRET, identKey("siret", err))
		} else {
			s.SIREN = s.SIRET[:9]
		}
	} else if s.SIREN != "" {
		if err := CheckSIREN(s.SIREN); err != nil {
			fe.Add(FieldSIREN, identKey("siren", err))
		}
	}
	if s.RNA != "" {
		if err := CheckRNA(s.RNA); err != nil {
			fe.Add(FieldRNA, "dossier.structure.rna_format")
		}
		if ok && form != FormAssociation {
			fe.Add(FieldRNA, "dossier.structure.rna_association_only")
		}
	}
	// Every structure needs an identifier the Département can pay: a SIRET. Associations may
	// give their RNA number, or their SIREN alone when created before 2009.
	if s.SIRET == "" {
		if form == FormAssociation {
			if s.RNA == "" && s.SIREN == "" {
				fe.Add(FieldSIRET, "dossier.structure.ident_association")
			}
		} else {
			fe.Add(FieldSIRET, "dossier.structure.siret_required")
		}
	}

	if s.Address == "" {
		fe.Add(FieldAddress, "dossier.structure.address_required")
	}
	if s.Postcode != "" && (len(s.Postcode) != 5 || digits(s.Postcode, 5) != nil) {
		fe.Add(FieldPostcode, "dossier.structure.postcode_invalid")
	}
	if s.Commune == "" {
		fe.Add(FieldCommune, "dossier.structure.commune_required")
	}
	return s, fe
}

func identKey(kind string, err error) string {
	switch err {
	case ErrIdentLength:
		return "dossier.structure." + kind + "_length"
	case ErrIdentDigits:
		return "dossier.structure." + kind + "_digits"
	default:
		return "dossier.structure." + kind + "_check"
	}
}

// oneLine trims a one-line text and folds its inner runs of spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
