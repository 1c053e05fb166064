package idea

import (
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/territory"
)

// Form field names of the deposit form.
const (
	FieldTitle       = "title"
	FieldDescription = "description"
	FieldTheme       = "theme"
	FieldCommuneText = "commune_q" // what the person typed: a name or a postcode
	FieldCommune     = "commune"   // an INSEE code picked in the choice list
	FieldCarrier     = "carrier"
	FieldStructure   = "structure"
	FieldEmail       = "email"
	FieldReason      = "reason"
)

// Deposit is the deposit form as typed, trimmed and cleaned: what the form shows again when
// something is wrong.
type Deposit struct {
	Title       string
	Description string
	Theme       Theme
	CommuneText string
	CommuneCode string
	Carrier     Carrier
	Structure   string
	Email       string
}

// ParseDeposit reads the deposit form and checks every field but the commune (which needs
// the territory data, see ResolveCommune) and the e-mail of a signed-in person (taken from
// the account, see CheckEmail). It never fails on odd input: at worst every field has an
// error.
func ParseDeposit(v url.Values) (Deposit, apperr.FieldErrors) {
	d := Deposit{
		Title:       oneLine(v.Get(FieldTitle)),
		Description: paragraphs(v.Get(FieldDescription)),
		Theme:       Theme(strings.TrimSpace(v.Get(FieldTheme))),
		CommuneText: clip(oneLine(v.Get(FieldCommuneText)), maxQueryLen),
		CommuneCode: clip(strings.TrimSpace(v.Get(FieldCommune)), 10),
		Carrier:     Carrier(strings.TrimSpace(v.Get(FieldCarrier))),
		Structure:   oneLine(v.Get(FieldStructure)),
		Email:       account.NormalizeEmail(oneLine(v.Get(FieldEmail))),
	}
	fe := d.check()
	if !d.Theme.Valid() {
		d.Theme = Theme(clip(string(d.Theme), 40))
	}
	if !d.Carrier.Valid() {
		d.Carrier = Carrier(clip(string(d.Carrier), 40))
	}
	return d, fe
}

// check returns the errors of every field but the commune and the e-mail.
func (d Deposit) check() apperr.FieldErrors {
	fe := apperr.FieldErrors{}
	switch n := utf8.RuneCountInString(d.Title); {
	case n == 0:
		fe.Add(FieldTitle, "idea.error.title_required")
	case n > MaxTitleLen:
		fe.Add(FieldTitle, "idea.error.title_too_long", MaxTitleLen, n)
	}
	switch n := utf8.RuneCountInString(d.Description); {
	case n == 0:
		fe.Add(FieldDescription, "idea.error.description_required")
	case n > MaxDescriptionLen:
		fe.Add(FieldDescription, "idea.error.description_too_long", MaxDescriptionLen, n)
	}
	if !d.Theme.Valid() {
		fe.Add(FieldTheme, "idea.error.theme_required")
	}
	if !d.Carrier.Valid() {
		fe.Add(FieldCarrier, "idea.error.carrier_required")
	}
	if n := utf8.RuneCountInString(d.Structure); n > MaxStructureLen {
		fe.Add(FieldStructure, "idea.error.structure_too_long", MaxStructureLen)
	}
	return fe
}

// CheckEmail adds the error of the contact e-mail, for a visitor (a signed-in person's
// address comes from the account).
func (d Deposit) CheckEmail(fe apperr.FieldErrors) {
	if key, ok := account.CheckEmail(d.Email); !ok {
		fe.Add(FieldEmail, key)
	}
}

// ParseReason reads and checks the reason a moderator gives for hiding an idea.
func ParseReason(s string) (string, apperr.FieldErrors) {
	reason := paragraphs(s)
	fe := apperr.FieldErrors{}
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		fe.Add(FieldReason, "idea.error.reason_required")
	case n > MaxReasonLen:
		fe.Add(FieldReason, "idea.error.reason_too_long", MaxReasonLen)
	}
	return reason, fe
}

// ResolveCommune finds the commune of the deposit in departement. A code picked in the
// choice list wins when it still matches what was typed; otherwise the text is read as a
// postcode, an INSEE code or a name. It returns the commune when exactly one matches;
// several communes of the département to choose from; or the key of the error: nothing
// typed, nothing found, or only communes outside the département.
func ResolveCommune(t *territory.Data, departement, text, code string) (c territory.Commune, choices []territory.Commune, errKey string) {
	text = strings.TrimSpace(text)
	if code != "" {
		if picked, ok := t.Commune(code); ok && picked.Departement == departement {
			if text == "" || containsCode(matches(t, departement, text), picked.Code) {
				return picked, nil, ""
			}
		}
	}
	if text == "" {
		return territory.Commune{}, nil, "idea.error.commune_required"
	}
	found := matches(t, departement, text)
	var inside []territory.Commune
	for _, m := range found {
		if m.Departement == departement {
			inside = append(inside, m)
		}
	}
	switch {
	case len(inside) == 1:
		return inside[0], nil, ""
	case len(inside) > 1:
		return territory.Commune{}, inside, ""
	case len(found) > 0:
		return territory.Commune{}, nil, "idea.error.commune_outside"
	default:
		return territory.Commune{}, nil, "idea.error.commune_unknown"
	}
}

// maxChoices bounds the choice list offered for an ambiguous name.
const maxChoices = 12

// matches lists the communes that text may mean. Five digits are a postcode (people know
// theirs; INSEE codes overlap them), else an INSEE code; anything else is a name: exact
// names of departement first, then exact names elsewhere, then the names of departement
// that start with or contain it.
func matches(t *territory.Data, departement, text string) []territory.Commune {
	if isCode(text) {
		if out := t.ByPostcode(text); len(out) > 0 {
			return out
		}
		if c, ok := t.Commune(text); ok {
			return []territory.Commune{c}
		}
		return nil
	}
	key := territory.Normalize(text)
	if key == "" {
		return nil
	}
	local := t.Search(text, departement, maxChoices)
	if exact := exactNames(local, key); len(exact) > 0 {
		return exact
	}
	// An exact name elsewhere ("Paris") is that commune, not a commune of the département
	// that merely contains the word (Le Touquet-Paris-Plage).
	elsewhere := t.Search(text, "", maxChoices)
	if exact := exactNames(elsewhere, key); len(exact) > 0 {
		return exact
	}
	if len(local) > 0 {
		return local
	}
	return elsewhere
}

func exactNames(list []territory.Commune, key string) []territory.Commune {
	var out []territory.Commune
	for _, c := range list {
		if territory.Normalize(c.Name) == key {
			out = append(out, c)
		}
	}
	return out
}

func containsCode(list []territory.Commune, code string) bool {
	for _, c := range list {
		if c.Code == code {
			return true
		}
	}
	return false
}

// isCode reports whether s looks like a postcode or an INSEE code: five characters, digits
// except the "2A"/"2B" of Corsican INSEE codes.
func isCode(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' || i == 1 && (c == 'A' || c == 'B' || c == 'a' || c == 'b') {
			continue
		}
		return false
	}
	return true
}

// oneLine trims s, turns every run of spaces, tabs and line breaks into one space and drops
// other control characters and invalid UTF-8.
func oneLine(s string) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
		case unicode.IsControl(r) || r == '\u200b' || r == '\ufeff':
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// paragraphs trims s, keeps its line breaks (as \n, at most one empty line in a row), trims
// each line's trailing spaces and drops other control characters and invalid UTF-8.
func paragraphs(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	empty := 0
	for _, l := range lines {
		var b strings.Builder
		for _, r := range l {
			if r == '\t' {
				r = ' '
			}
			if unicode.IsControl(r) || r == '\u200b' || r == '\ufeff' {
				continue
			}
			b.WriteRune(r)
		}
		line := strings.TrimRightFunc(b.String(), unicode.IsSpace)
		if strings.TrimSpace(line) == "" {
			empty++
			if empty > 1 {
				continue
			}
			line = ""
		} else {
			empty = 0
		}
		out = append(out, line)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// clip cuts s to at most n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}

// Idea builds the idea of a checked deposit, placed in commune c.
func (d Deposit) Idea(campaignID, authorID int64, c territory.Commune, now time.Time) *Idea {
	return &Idea{
		CampaignID: campaignID, AuthorID: authorID,
		Title: d.Title, Description: d.Description, Theme: d.Theme,
		Commune: c.Code, Arrondissement: c.Arrondissement, EPCI: c.EPCI,
		Carrier: d.Carrier, Structure: d.Structure, CreatedAt: now,
	}
}
