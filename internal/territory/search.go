package territory

import (
	"slices"
	"strings"
	"unicode"
)

// fold maps the accented letters found in French place names (and a few more) to ASCII.
var fold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae",
	'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ñ': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'œ': "oe",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'ß': "ss",
}

// abbreviations are the whole words Normalize spells out.
var abbreviations = map[string]string{"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

// Normalize folds a place name or a query for comparison: lower case, accents removed,
// hyphens, apostrophes (straight or curly) and other punctuation turned into single
// spaces, and the abbreviations "St", "Ste", "Sts", "Stes" spelt out. "Saint-Omer",
// "st omer" and "SAINT OMER" all give "saint omer"; "L’Abergement" gives "l abergement".
func Normalize(s string) string {
	return expand(foldSpaces(s))
}

// foldSpaces is Normalize without the abbreviations.
func foldSpaces(s string) string {
	if plainLower(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading spaces
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			space = false
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + ('a' - 'A'))
			space = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if f, ok := fold[r]; ok {
				b.WriteString(f)
			} else {
				b.WriteRune(r)
			}
			space = false
		case unicode.Is(unicode.Mn, r): // a combining accent (decomposed input): drop it
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), " ")
}

func expand(s string) string {
	if !strings.Contains(s, "st") {
		return s
	}
	words := strings.Split(s, " ")
	changed := false
	for i, w := range words {
		if full, ok := abbreviations[w]; ok {
			words[i] = full
			changed = true
		}
	}
	if !changed {
		return s
	}
	return strings.Join(words, " ")
}

// Match ranks, best first.
const (
	rankExact = iota
	rankPrefix
	rankWordPrefix
	rankSubstring
	rankNone
)

// Search finds communes for an autocomplete or a search form, accent- and case-
// insensitively (see Normalize). Communes whose name starts with the query come first (an
// exact name first of all), then those with a word that starts with it, then those that
// merely contain it (spaces ignored, so "labergement" finds L'Abergement-Clémenciat);
// within each group the most populous come first. A query of 2 to 5 digits searches
// postcodes instead: an exact postcode for 5 digits, a postcode prefix otherwise, and the
// results are in name order. departement "" searches all of France; limit ≤ 0 means no
// limit.
func (d *Data) Search(query, departement string, limit int) []Commune {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil
	}
	var scope []int // nil: all communes
	if departement = depCode(departement); departement != "" {
		var ok bool
		if scope, ok = d.byDep[departement]; !ok {
			return nil
		}
	}
	if isDigits(query) && len(query) >= 2 && len(query) <= 5 {
		return d.searchPostcode(query, scope, limit)
	}

	variants := []string{Normalize(query)}
	if raw := foldSpaces(query); raw != variants[0] {
		variants = append(variants, raw) // "st" may also be the start of "Steenvoorde"
	}
	if variants[0] == "" {
		return nil
	}
	compacts := make([]string, len(variants))
	words := make([]string, len(variants))
	for i, v := range variants {
		compacts[i] = strings.ReplaceAll(v, " ", "")
		words[i] = " " + v
	}

	type hit struct{ i, rank int }
	var hits []hit
	consider := func(i int) {
		best := rankNone
		for k, v := range variants {
			if r := rank(d.keys[i], d.compact[i], v, compacts[k], words[k]); r < best {
				best = r
			}
		}
		if best < rankNone {
			hits = append(hits, hit{i, best})
		}
	}
	if scope == nil {
		for i := range d.communes {
			consider(i)
		}
	} else {
		for _, i := range scope {
			consider(i)
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		if pa, pb := d.communes[a.i].Population, d.communes[b.i].Population; pa != pb {
			return pb - pa
		}
		return a.i - b.i // name order
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]Commune, len(hits))
	for k, h := range hits {
		out[k] = d.communes[h.i]
	}
	return out
}

// rank says how well a commune's folded name (key, and key without spaces) matches a
// folded query q (with qCompact = q without spaces, wordQ = " " + q).
func rank(key, compact, q, qCompact, wordQ string) int {
	if !strings.Contains(compact, qCompact) { // every match below implies this one
		return rankNone
	}
	switch {
	case key == q:
		return rankExact
	case strings.HasPrefix(key, q):
		return rankPrefix
	case strings.Contains(key, wordQ):
		return rankWordPrefix
	}
	return rankSubstring
}

func (d *Data) searchPostcode(q string, scope []int, limit int) []Commune {
	var idx []int
	if len(q) == 5 {
		idx = d.byPostcode[q]
	} else {
		for i, c := range d.communes {
			for _, p := range c.Postcodes {
				if strings.HasPrefix(p, q) {
					idx = append(idx, i)
					break
				}
			}
		}
	}
	if scope != nil { // both are in ascending (name) order
		idx = slices.DeleteFunc(slices.Clone(idx), func(i int) bool {
			_, in := slices.BinarySearch(scope, i)
			return !in
		})
	}
	if limit > 0 && len(idx) > limit {
		idx = idx[:limit]
	}
	return d.pick(idx)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// plainLower reports whether s is already folded: lower-case ASCII letters and digits in
// words separated by single spaces.
func plainLower(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return s == ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
		case c == ' ' && s[i-1] != ' ':
		default:
			return false
		}
	}
	return true
}
