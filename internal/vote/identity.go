package vote

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/territory"
)

// Identity methods a campaign may accept.
const (
	MethodEmail  = "email"  // e-mail proved by a code, and a declaration of who one is
	MethodCensus = "census" // found in the census list imported by agents
	MethodOIDC   = "oidc"   // OpenID Connect (FranceConnect)
)

// MaxNameLen bounds a declared name, in characters.
const MaxNameLen = 100

// Declaration is who a voter says they are.
type Declaration struct {
	FamilyName string
	GivenName  string
	BirthDate  Date
	Commune    string // INSEE code, picked from the official list
}

// NormalizeName folds a name for comparison: lower case, accents removed, hyphens,
// apostrophes and spaces made single spaces. "Lefèvre-Dupont" and "LEFEVRE DUPONT" match.
func NormalizeName(s string) string { return territory.Normalize(s) }

// ParseDeclaration reads the declaration form (nom, prenom, naissance, commune) into a
// Declaration, with one message per invalid field.
func ParseDeclaration(family, given, birth, commune string) (Declaration, apperr.FieldErrors) {
	fe := apperr.FieldErrors{}
	d := Declaration{FamilyName: strings.Join(strings.Fields(family), " "),
		GivenName: strings.Join(strings.Fields(given), " "), Commune: strings.TrimSpace(commune)}
	for field, v := range map[string]string{"nom": d.FamilyName, "prenom": d.GivenName} {
		switch {
		case NormalizeName(v) == "":
			fe.Add(field, "vote.identity.name_required")
		case utf8.RuneCountInString(v) > MaxNameLen || !utf8.ValidString(v):
			fe.Add(field, "vote.identity.name_too_long", MaxNameLen)
		}
	}
	bd, err := ParseBirthDate(birth)
	switch {
	case YearOnly(birth): // 2015 is not a day: read as 1 January, it would let someone born in December pass
		fe.Add("naissance", "vote.identity.birth_full")
	case err != nil || bd.Year < 1900:
		fe.Add("naissance", "vote.identity.birth_invalid")
	}
	d.BirthDate = bd
	if d.Commune == "" {
		fe.Add("commune", "vote.identity.commune_required")
	}
	return d, fe
}

// PersonKey is the keyed hash (HMAC-SHA-256) that stands for a person in one campaign: the
// normalised names, the birth date and the commune. Without the key, which stays in the
// database, it tells nothing; with the campaign in it, the same person has unrelated keys
// in two campaigns.
func PersonKey(key []byte, campaignID int64, d Declaration) string {
	m := hmac.New(sha256.New, key)
	for _, part := range []string{strconv.FormatInt(campaignID, 10), NormalizeName(d.FamilyName),
		NormalizeName(d.GivenName), d.BirthDate.String(), strings.ToUpper(d.Commune)} {
		m.Write([]byte(part))
		m.Write([]byte{0x1f})
	}
	return hex.EncodeToString(m.Sum(nil))
}
