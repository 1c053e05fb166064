package dossier

import (
	"errors"
	"strings"
	"unicode"
)

// Errors of the identifier checks.
var (
	ErrIdentLength = errors.New("wrong number of digits")
	ErrIdentDigits = errors.New("not only digits")
	ErrIdentCheck  = errors.New("check digit does not match")
	ErrRNAFormat   = errors.New("RNA number must be W followed by 9 digits")
)

// LaPosteSIREN is the SIREN of La Poste, whose establishments' SIRET numbers do not follow
// the Luhn rule: for them the sum of the 14 digits is a multiple of 5.
const LaPosteSIREN = "356000000"

// CleanIdent removes the spaces, dots and dashes people type inside identifiers
// ("362 521 879 00034") and upper-cases letters.
func CleanIdent(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), r == '.', r == '-', r == '\u00a0', r == '\u202f':
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
}

// CheckSIREN checks a SIREN (9 digits, Luhn), already cleaned.
func CheckSIREN(s string) error {
	if err := digits(s, 9); err != nil {
		return err
	}
	if !luhn(s) {
		return ErrIdentCheck
	}
	return nil
}

// CheckSIRET checks a SIRET (14 digits: the SIREN and a 5-digit NIC), already cleaned: Luhn
// over the 14 digits, except for La Poste (SIREN 356000000) whose SIRETs have a digit sum
// that is a multiple of 5.
func CheckSIRET(s string) error {
	if err := digits(s, 14); err != nil {
		return err
	}
	if s[:9] == LaPosteSIREN {
		sum := 0
		for i := 0; i < len(s); i++ {
			sum += int(s[i] - '0')
		}
		if sum%5 != 0 {
			return ErrIdentCheck
		}
		return nil
	}
	if !luhn(s) {
		return ErrIdentCheck
	}
	return nil
}

// CheckRNA checks the format of an RNA number (W and 9 digits; the RNA has no check digit,
// so only the format can be checked offline), already cleaned.
func CheckRNA(s string) error {
	if len(s) != 10 || s[0] != 'W' {
		return ErrRNAFormat
	}
	for i := 1; i < 10; i++ {
		if s[i] < '0' || s[i] > '9' {
			return ErrRNAFormat
		}
	}
	return nil
}

func digits(s string, n int) error {
	if len(s) != n {
		return ErrIdentLength
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return ErrIdentDigits
		}
	}
	return nil
}

// luhn reports whether the digits s pass the Luhn check: from the right, every second digit
// is doubled (minus 9 above 9) and the sum is a multiple of 10.
func luhn(s string) bool {
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}
