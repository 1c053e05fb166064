package i18n

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// aspiratedH are place names whose h is aspirated: no elision ("de Hesdin"). Every other
// h is taken as mute ("d'Hénin-Beaumont"), the common case in French place names.
var aspiratedH = map[string]bool{"hesdin": true, "hondschoote": true, "houdain": true, "hautmont": true, "halluin": true}

// Of writes "of" and a place name the way each language does: in French, "de" with elision
// before a vowel or a mute h ("d'Arras", "d'Étaples", "d'Hénin-Beaumont"), contracted with
// the article of the name ("du Portel" for Le Portel, "des Attaques" for Les Attaques),
// "de" otherwise ("de Lens", "de La Couture"); in English, "of Arras".
func Of(lang Lang, name string) string {
	name = strings.TrimSpace(name)
	if lang == EN {
		return "of " + name
	}
	switch {
	case strings.HasPrefix(name, "Le "):
		return "du " + name[len("Le "):]
	case strings.HasPrefix(name, "Les "):
		return "des " + name[len("Les "):]
	}
	if elides(name) {
		return "d'" + name
	}
	return "de " + name
}

// elides reports whether French elides "de" before the word.
func elides(name string) bool {
	r, _ := utf8.DecodeRuneInString(name)
	switch unicode.ToLower(r) {
	case 'a', 'e', 'i', 'o', 'u', 'y', 'à', 'â', 'ä', 'é', 'è', 'ê', 'ë', 'î', 'ï', 'ô', 'ö', 'û', 'ù', 'ü', 'œ', 'æ':
		return true
	case 'h':
		word := strings.ToLower(strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == ' ' || r == '\'' || r == '’' })[0])
		return !aspiratedH[word]
	}
	return false
}
