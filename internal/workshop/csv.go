package workshop

import (
	"bytes"
	"encoding/csv"
	"time"
)

// CSVHeader is the header row of the registrations export, as columns are named for the
// agents (French).
var CSVHeader = []string{"Nom", "E-mail", "Statut", "Inscrit le", "Présence"}

// CSVLabels are the words written in the Statut and Présence columns.
type CSVLabels struct {
	Header               []string
	Registered, Waiting  string
	Present, Absent, Not string
}

// FrenchCSVLabels are the default labels.
var FrenchCSVLabels = CSVLabels{Header: CSVHeader, Registered: "inscrit", Waiting: "liste d'attente",
	Present: "présent", Absent: "absent", Not: "non renseigné"}

// CSV writes the registrations for a spreadsheet: UTF-8 with a byte-order mark (so that
// spreadsheet software reads the accents right), ';' between fields (what French-language
// Excel expects), CRLF line endings, a header row; dates in loc.
func CSV(regs []Registration, loc *time.Location, l CSVLabels) []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.UseCRLF = true
	_ = w.Write(l.Header)
	for _, r := range regs {
		status := l.Registered
		if r.Status == Waiting {
			status = l.Waiting
		}
		att := l.Not
		switch r.Attendance {
		case Present:
			att = l.Present
		case Absent:
			att = l.Absent
		}
		_ = w.Write([]string{defuse(r.Name), r.Email, status, r.CreatedAt.In(loc).Format("02/01/2006 15:04"), att})
	}
	w.Flush()
	return buf.Bytes()
}

// defuse keeps a spreadsheet from reading a cell as a formula (CSV injection).
func defuse(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}
