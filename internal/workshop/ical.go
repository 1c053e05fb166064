package workshop

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one VEVENT of a calendar (RFC 5545).
type Event struct {
	UID         string // stable: the same session always has the same UID
	Stamp       time.Time
	Start, End  time.Time
	Summary     string
	Location    string
	Description string
	URL         string
	Cancelled   bool
}

// Calendar is an iCalendar file.
type Calendar struct {
	Name   string // X-WR-CALNAME, shown by calendar applications
	Events []Event
}

// EventOf turns a session into an event. host is the site's host name (it scopes the UIDs),
// place is the session's address as it should be shown, url the session's page.
func EventOf(s Session, host, place, url string) Event {
	return Event{
		UID:   "comptoir-" + itoa(s.ID) + "@" + host,
		Stamp: s.UpdatedAt, Start: s.StartsAt, End: s.EndsAt,
		Summary: s.Title, Location: place, Description: s.Description + nlIf(s.Description) + url,
		URL: url, Cancelled: s.Cancelled(),
	}
}

func nlIf(s string) string {
	if s == "" {
		return ""
	}
	return "\n\n"
}

// ICS writes the calendar: CRLF line endings, text escaped, lines folded at 75 octets,
// instants in UTC.
func ICS(c Calendar) []byte {
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//budgetcitoyen//Comptoirs//FR")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	if c.Name != "" {
		line("X-WR-CALNAME:" + escapeText(c.Name))
	}
	for _, e := range c.Events {
		line("BEGIN:VEVENT")
		line("UID:" + escapeText(e.UID))
		line("DTSTAMP:" + utc(e.Stamp))
		line("DTSTART:" + utc(e.Start))
		line("DTEND:" + utc(e.End))
		line("SUMMARY:" + escapeText(e.Summary))
		if e.Location != "" {
			line("LOCATION:" + escapeText(e.Location))
		}
		if e.Description != "" {
			line("DESCRIPTION:" + escapeText(e.Description))
		}
		if e.URL != "" {
			line("URL:" + e.URL)
		}
		if e.Cancelled {
			line("STATUS:CANCELLED")
		} else {
			line("STATUS:CONFIRMED")
		}
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return []byte(b.String())
}

func utc(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// escapeText escapes a TEXT value: backslash, semicolon, comma and newline.
func escapeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(s)
}

// fold ends a content line with CRLF, folding it into lines of at most 75 octets (the
// continuation lines begin with a space), never inside a UTF-8 character.
func fold(s string) string {
	var b strings.Builder
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
