package dossier

// LegalForm is the legal form of a structure. The ESS forms are those of article 1 of the law
// n° 2014-856 of 31 July 2014; the others are listed so that a structure that picks one is
// told why it cannot file, instead of not finding its form.
type LegalForm string

// The legal forms.
const (
	FormAssociation LegalForm = "association" // loi 1901 or local law of Alsace-Moselle
	FormSCOP        LegalForm = "scop"
	FormSCIC        LegalForm = "scic"
	FormCAE         LegalForm = "cae"         // coopérative d'activité et d'emploi
	FormCooperative LegalForm = "cooperative" // other cooperative
	FormMutual      LegalForm = "mutuelle"    // mutuelle, union, société d'assurance mutuelle
	FormFoundation  LegalForm = "fondation"
	FormESSCompany  LegalForm = "societe_ess" // commercial company meeting art. 1 II 2°

	// Outside the ESS: refused, with the reason.
	FormCompany    LegalForm = "societe" // commercial company without the ESS quality
	FormIndividual LegalForm = "individuelle"
	FormPublic     LegalForm = "public"    // local authority, public body
	FormInformal   LegalForm = "collectif" // collective without legal personality
)

// LegalForms lists every form, the ESS ones first, in display order.
func LegalForms() []LegalForm {
	return []LegalForm{FormAssociation, FormSCOP, FormSCIC, FormCAE, FormCooperative, FormMutual,
		FormFoundation, FormESSCompany, FormCompany, FormIndividual, FormPublic, FormInformal}
}

// ParseLegalForm returns the form named s.
func ParseLegalForm(s string) (LegalForm, bool) {
	for _, f := range LegalForms() {
		if string(f) == s {
			return f, true
		}
	}
	return "", false
}

// ESS reports whether the form belongs to the social and solidarity economy.
func (f LegalForm) ESS() bool {
	switch f {
	case FormAssociation, FormSCOP, FormSCIC, FormCAE, FormCooperative, FormMutual, FormFoundation, FormESSCompany:
		return true
	}
	return false
}

// Cooperative reports whether the form is a cooperative.
func (f LegalForm) Cooperative() bool {
	return f == FormSCOP || f == FormSCIC || f == FormCAE || f == FormCooperative
}

// MessageKey is the i18n key of the form's name.
func (f LegalForm) MessageKey() string { return "dossier.form." + string(f) }

// RefusalKey is the i18n key of the reason why a form outside the ESS cannot file; "" for an
// ESS form.
func (f LegalForm) RefusalKey() string {
	if f.ESS() {
		return ""
	}
	return "dossier.form_refused." + string(f)
}
