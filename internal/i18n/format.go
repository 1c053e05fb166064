package i18n

import (
	"strconv"
	"strings"
	"time"
)

// French typography: a narrow no-break space groups thousands, a no-break space comes before
// the euro sign and the percent sign, the decimal separator is a comma.
const (
	nnbsp = "\u202f"
	nbsp  = "\u00a0"
)

// Int writes n with thousands grouped: "352 151" in French, "352,151" in English.
func Int(lang Lang, n int64) string {
	neg := n < 0
	u := uint64(n)
	if neg {
		u = uint64(-n)
	}
	digits := strconv.FormatUint(u, 10)
	sep := nnbsp
	if lang == EN {
		sep = ","
	}
	var b strings.Builder
	if neg {
		b.WriteString("-")
	}
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(d)
	}
	return b.String()
}

// Money writes an amount in cents: "352 151 €", "12 500,50 €" (French), "€352,151",
// "€12,500.50" (English). Whole euros are written without cents.
func Money(lang Lang, cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	euros, rest := cents/100, cents%100
	s := Int(lang, euros)
	if rest != 0 {
		dec := ","
		if lang == EN {
			dec = "."
		}
		s += dec + twoDigits(rest)
	}
	if lang == EN {
		s = "€" + s
	} else {
		s += nbsp + "€"
	}
	if neg {
		s = "-" + s
	}
	return s
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// Percent writes a rate in basis points (1000 = 10 %): "10 %", "12,5 %" in French.
func Percent(lang Lang, bp int64) string {
	whole, frac := bp/100, bp%100
	s := strconv.FormatInt(whole, 10)
	if frac != 0 {
		f := strings.TrimRight(twoDigits(frac), "0")
		if lang == EN {
			s += "." + f
		} else {
			s += "," + f
		}
	}
	if lang == EN {
		return s + "%"
	}
	return s + nbsp + "%"
}

var frMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"}

var frWeekdays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

// Date writes a calendar date: "5 septembre 2018" (French, "1er" for the first day),
// "5 September 2018" (English).
func Date(lang Lang, t time.Time) string {
	if lang == EN {
		return t.Format("2 January 2006")
	}
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return day + " " + frMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// LongDate adds the weekday: "mercredi 5 septembre 2018".
func LongDate(lang Lang, t time.Time) string {
	if lang == EN {
		return t.Format("Monday 2 January 2006")
	}
	return frWeekdays[t.Weekday()] + " " + Date(lang, t)
}

// Time writes a clock time: "14 h 30" in French, "14:30" in English.
func Time(lang Lang, t time.Time) string {
	if lang == EN {
		return t.Format("15:04")
	}
	if t.Minute() == 0 {
		return strconv.Itoa(t.Hour()) + nbsp + "h"
	}
	return strconv.Itoa(t.Hour()) + nbsp + "h" + nbsp + t.Format("04")
}

// DateTime writes a date and time: "5 septembre 2018 à 14 h 30".
func DateTime(lang Lang, t time.Time) string {
	if lang == EN {
		return Date(lang, t) + " at " + Time(lang, t)
	}
	return Date(lang, t) + " à " + Time(lang, t)
}
