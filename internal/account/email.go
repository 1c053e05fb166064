package account

import (
	"net/mail"
	"strings"
)

// MaxEmailLen is the longest address SMTP can carry (RFC 5321: 254 characters in a path).
const MaxEmailLen = 254

// NormalizeEmail trims and lower-cases an address, so that "Jean@Exemple.fr " and
// "jean@exemple.fr" are one account. (Local parts are case-sensitive in theory; no
// mail provider in use treats them so, and two accounts differing only by case would be a
// support nightmare.)
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckEmail tells what is wrong with an address typed in a form, as the i18n key of a
// French message; ok is true for one plain address ("nom@domaine.fr"), after normalisation.
// Display names ("Jean <jean@exemple.fr>"), lists, quoted local parts and domains without
// a dot are refused: they are typos far more often than real addresses.
func CheckEmail(s string) (key string, ok bool) {
	s = NormalizeEmail(s)
	if s == "" {
		return "account.email_required", false
	}
	if len(s) > MaxEmailLen {
		return "account.email_invalid", false
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return "account.email_invalid", false
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.ContainsAny(s, " \t\r\n\"<>()[],;:\\") {
		return "account.email_invalid", false
	}
	// A public address has a dotted domain whose labels are not empty.
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "account.email_invalid", false
	}
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return "account.email_invalid", false
		}
	}
	return "", true
}
