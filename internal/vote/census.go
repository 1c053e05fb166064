package vote

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// CensusRow is one eligible person of a census list.
type CensusRow struct {
	FamilyName string
	GivenName  string
	BirthDate  Date
	Commune    string // INSEE code
}

// MaxCensusRows bounds one import.
const MaxCensusRows = 2_000_000

// CensusLineError is a line of a census file that could not be read.
type CensusLineError struct {
	Line   int
	Reason string
}

func (e CensusLineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// ParseCensus reads a census CSV: a header naming the columns nom, prenom, naissance
// (YYYY-MM-DD, or DD/MM/YYYY) and commune (INSEE code), in any order, separated by commas or
// semicolons (what spreadsheets export in France), UTF-8 with or without a byte-order mark.
// Bad lines are returned as errors with their line numbers (at most 20); good lines are kept.
func ParseCensus(r io.Reader) ([]CensusRow, []CensusLineError, error) {
	data, err := io.ReadAll(io.LimitReader(r, 512<<20))
	if err != nil {
		return nil, nil, err
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	if !utf8.ValidString(text) {
		return nil, nil, errors.New("census: the file is not UTF-8")
	}
	first, _, _ := strings.Cut(text, "\n")
	cr := csv.NewReader(strings.NewReader(text))
	if strings.Count(first, ";") > strings.Count(first, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("census: no header line: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[NormalizeName(h)] = i
	}
	idx := [4]int{}
	for i, name := range []string{"nom", "prenom", "naissance", "commune"} {
		j, ok := col[name]
		if !ok {
			return nil, nil, fmt.Errorf("census: the header lacks the column %q (want nom, prenom, naissance, commune)", name)
		}
		idx[i] = j
	}
	var rows []CensusRow
	var bad []CensusLineError
	line := 1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line++
		fail := func(reason string) {
			if len(bad) < 20 {
				bad = append(bad, CensusLineError{Line: line, Reason: reason})
			}
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				fail(pe.Err.Error())
				continue
			}
			return nil, nil, err
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		get := func(i int) string {
			if idx[i] < len(rec) {
				return strings.TrimSpace(rec[idx[i]])
			}
			return ""
		}
		row := CensusRow{FamilyName: get(0), GivenName: get(1), Commune: strings.ToUpper(get(3))}
		if NormalizeName(row.FamilyName) == "" || NormalizeName(row.GivenName) == "" {
			fail("nom ou prénom vide")
			continue
		}
		if utf8.RuneCountInString(row.FamilyName) > MaxNameLen || utf8.RuneCountInString(row.GivenName) > MaxNameLen {
			fail("nom trop long")
			continue
		}
		bd, ok := parseCensusDate(get(2))
		if !ok {
			fail("date de naissance illisible")
			continue
		}
		row.BirthDate = bd
		if len(row.Commune) != 5 {
			fail("code INSEE de commune invalide")
			continue
		}
		if len(rows) >= MaxCensusRows {
			return nil, nil, fmt.Errorf("census: more than %d lines", MaxCensusRows)
		}
		rows = append(rows, row)
	}
	return rows, bad, nil
}

func parseCensusDate(s string) (Date, bool) {
	if d, m, y, ok := splitFrenchDate(s); ok {
		s = y + "-" + m + "-" + d
	}
	bd, err := ParseDate(s)
	if err != nil || bd.Year < 1900 || len(s) < 10 {
		return Date{}, false
	}
	return bd, true
}

func splitFrenchDate(s string) (d, m, y string, ok bool) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 || len(parts[0]) != 2 || len(parts[1]) != 2 || len(parts[2]) != 4 {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}
