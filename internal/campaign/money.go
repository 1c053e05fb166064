package campaign

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
)

// MaxMoneyCents bounds what ParseMoney accepts (10 000 billion euros): far above any budget,
// far below the int64 limit, so sums of a few thousand amounts cannot overflow either.
const MaxMoneyCents int64 = 1_000_000_000_000_000

// Errors of ParseMoney and ParseRate.
var (
	ErrEmpty     = errors.New("empty amount")
	ErrSyntax    = errors.New("not an amount")
	ErrAmbiguous = errors.New("ambiguous amount: a separator followed by three digits may be a thousands separator or a decimal point")
	ErrTooLarge  = errors.New("amount too large")
)

// ParseMoney reads an amount of euros the way people type it and returns cents. French
// writing first: "352 151", "352 151 €", "352151,50", "4 500,5"; also "12500.5", "€12,500.50",
// "1.234,56", "EUR 10". Thousands may be grouped by spaces (ordinary, no-break or narrow
// no-break) or by the punctuation that is not the decimal mark; the decimal part has at most
// two digits. A lone "," or "." followed by exactly three digits ("4,500", "352.151") is
// rejected as ambiguous rather than guessed. A leading "-" gives a negative amount, which
// the caller's validation then refuses with a clearer message than a syntax error.
func ParseMoney(s string) (int64, error) {
	s = trimSpace(s)
	s = trimCurrency(s)
	if s == "" {
		return 0, ErrEmpty
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = trimSpace(s[1:])
	}
	whole, frac, err := splitDecimal(s)
	if err != nil {
		return 0, err
	}
	euros, err := groupedInt(whole)
	if err != nil {
		return 0, err
	}
	if euros > MaxMoneyCents/100 {
		return 0, ErrTooLarge
	}
	cents := euros * 100
	switch len(frac) {
	case 1:
		cents += int64(frac[0]-'0') * 10
	case 2:
		cents += int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	}
	if cents > MaxMoneyCents {
		return 0, ErrTooLarge
	}
	if neg {
		cents = -cents
	}
	return cents, nil
}

// splitDecimal separates the integer part (still grouped) from at most two decimal digits.
func splitDecimal(s string) (whole, frac string, err error) {
	i := strings.LastIndexAny(s, ",.")
	if i < 0 {
		return s, "", nil
	}
	mark, after := s[i], s[i+1:]
	if !allDigits(after) {
		return "", "", ErrSyntax
	}
	other := byte('.')
	if mark == '.' {
		other = ','
	}
	lone := strings.Count(s, string(mark)) == 1
	switch {
	case lone && (len(after) == 1 || len(after) == 2):
		if i == 0 {
			return "", "", ErrSyntax // ",50": write 0,50
		}
		return s[:i], after, nil
	case lone && len(after) == 3 && strings.IndexByte(s[:i], other) < 0 && !strings.ContainsFunc(s[:i], isSpace):
		// "4,500": 4.5 € in French, 4 500 € in English.
		return "", "", ErrAmbiguous
	case len(after) == 3:
		// The last mark groups thousands ("1.234.567"); groupedInt checks the groups.
		return s, "", nil
	default:
		return "", "", ErrSyntax
	}
}

// groupedInt reads digits grouped by thousands with one kind of separator (a space, "." or
// ","): the first group has 1–3 digits and the next ones exactly 3.
func groupedInt(s string) (int64, error) {
	if s == "" {
		return 0, ErrSyntax
	}
	var groups []string
	var sep rune
	start := 0
	for i, r := range s {
		if unicode.IsDigit(r) && r < 0x80 {
			continue
		}
		kind := r
		if isSpace(r) {
			kind = ' '
		} else if r != '.' && r != ',' {
			return 0, ErrSyntax
		}
		if sep != 0 && kind != sep {
			return 0, ErrSyntax
		}
		sep = kind
		groups = append(groups, s[start:i])
		start = i + len(string(r))
	}
	groups = append(groups, s[start:])
	if len(groups) > 1 {
		if len(groups[0]) < 1 || len(groups[0]) > 3 {
			return 0, ErrSyntax
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, ErrSyntax
			}
		}
	}
	digits := strings.Join(groups, "")
	if digits == "" || !allDigits(digits) {
		return 0, ErrSyntax
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return 0, nil
	}
	if len(digits) > 16 {
		return 0, ErrTooLarge
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, ErrSyntax
	}
	return n, nil
}

// ParseRate reads a percentage ("10", "12,5", "12.5 %", "7,25%") and returns basis points
// (10 % = 1000). At most two decimals; negative rates parse, for validation to refuse.
func ParseRate(s string) (int64, error) {
	s = trimSpace(s)
	s = trimSpace(strings.TrimSuffix(s, "%"))
	if s == "" {
		return 0, ErrEmpty
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = trimSpace(s[1:])
	}
	whole, frac, found := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if whole == "" || !allDigits(whole) || !allDigits(frac) || len(frac) > 2 || (found && frac == "") {
		return 0, ErrSyntax
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 6 {
		return 0, ErrTooLarge
	}
	w, _ := strconv.ParseInt("0"+whole, 10, 64)
	bp := w * 100
	frac = (frac + "00")[:2]
	bp += int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	if neg {
		bp = -bp
	}
	return bp, nil
}

// MoneyInput writes cents for a form field, the French way and readable back by ParseMoney:
// "352 151", "12 500,50", "-5,00" (ordinary spaces, no currency sign).
func MoneyInput(cents int64) string {
	neg := cents < 0
	u := uint64(cents)
	if neg {
		u = -u
	}
	euros, rest := u/100, u%100
	digits := strconv.FormatUint(euros, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(digits[i])
	}
	if rest != 0 {
		b.WriteByte(',')
		b.WriteByte(byte('0' + rest/10))
		b.WriteByte(byte('0' + rest%10))
	}
	return b.String()
}

// RateInput writes basis points for a form field: "10", "12,5", "7,25".
func RateInput(bp int64) string {
	neg := bp < 0
	u := uint64(bp)
	if neg {
		u = -u
	}
	s := strconv.FormatUint(u/100, 10)
	if f := u % 100; f != 0 {
		s += "," + strings.TrimRight(string([]byte{byte('0' + f/10), byte('0' + f%10)}), "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

func trimSpace(s string) string { return strings.TrimFunc(s, isSpace) }

// isSpace accepts the spaces people (and French formatting) put in numbers: ordinary,
// no-break (U+00A0), narrow no-break (U+202F), thin (U+2009).
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u202f' || r == '\u2009' || r == '\u00a0'
}

// trimCurrency removes one euro sign or "EUR"/"euros" before or after the number.
func trimCurrency(s string) string {
	for _, sym := range []string{"€", "euros", "euro", "eur"} {
		if len(s) >= len(sym) && strings.EqualFold(s[len(s)-len(sym):], sym) {
			return trimSpace(s[:len(s)-len(sym)])
		}
		if len(s) >= len(sym) && strings.EqualFold(s[:len(sym)], sym) {
			return trimSpace(s[len(sym):])
		}
	}
	return s
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
