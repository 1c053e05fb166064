package tally

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ParseError locates a problem in a .pb file: the line (1-based) and the field or column.
type ParseError struct {
	Line  int
	Field string
	Err   error
}

func (e *ParseError) Error() string {
	switch {
	case e.Line > 0 && e.Field != "":
		return fmt.Sprintf("line %d, field %s: %v", e.Line, e.Field, e.Err)
	case e.Line > 0:
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	case e.Field != "":
		return fmt.Sprintf("field %s: %v", e.Field, e.Err)
	}
	return e.Err.Error()
}

func (e *ParseError) Unwrap() error { return e.Err }

// ReadOptions tunes ReadPB. The zero value is fine.
type ReadOptions struct {
	// Progress, if set, is called every 100 000 ballots with the number read so far.
	Progress func(ballots int)
}

// ReadPB parses a pabulib .pb file (see FORMAT.md in the shared data folder): sections looked
// up by title whatever their case, columns looked up by header name, `;`-separated CSV with
// quoting, LF/CRLF mixes, blank lines, a UTF-8 BOM, a missing `key;value` header, decimal costs,
// `None` values, repeated projects within a ballot (counted once) and ordinal files carrying a
// points column (kept, but ranks come from the order).
func ReadPB(r io.Reader) (*Instance, error) { return ReadPBWith(r, ReadOptions{}) }

type rawAmount struct {
	mant   int64
	places int
}

type pbReader struct {
	in       *Instance
	opt      ReadOptions
	section  string
	header   map[string]int
	cols     []string
	projects []rawAmount
	budget   *rawAmount
	envelope map[string]rawAmount
	idsBuf   []int32
	ptsBuf   []int64
	sawVotes bool
}

// ReadPBWith is ReadPB with options.
func ReadPBWith(r io.Reader, opt ReadOptions) (*Instance, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading .pb: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	p := &pbReader{in: &Instance{}, opt: opt}
	expectHeader := false
	rs := recordSplitter{data: data}
	for {
		rec, line, err := rs.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &ParseError{Line: line, Err: err}
		}
		if blankRecord(rec) {
			continue
		}
		if title := sectionTitle(rec); title != "" {
			if err := p.enter(title, line); err != nil {
				return nil, err
			}
			expectHeader = true
			continue
		}
		if p.section == "" {
			return nil, &ParseError{Line: line, Err: errors.New("data before the META section title")}
		}
		if expectHeader {
			expectHeader = false
			// Old Warsaw copies have no `key;value` line: the first META row is data.
			if !(p.section == "meta" && !strings.EqualFold(strings.TrimSpace(rec[0]), "key")) {
				if err := p.setHeader(rec, line); err != nil {
					return nil, err
				}
				continue
			}
		}
		var rerr error
		switch p.section {
		case "meta":
			rerr = p.metaRow(rec, line)
		case "projects":
			rerr = p.projectRow(rec, line)
		case "votes":
			rerr = p.voteRow(rec, line)
		}
		if rerr != nil {
			return nil, rerr
		}
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	return p.in, nil
}

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func sectionTitle(rec []string) string {
	t := strings.ToLower(strings.TrimSpace(rec[0]))
	if t != "meta" && t != "projects" && t != "votes" {
		return ""
	}
	for _, f := range rec[1:] {
		if strings.TrimSpace(f) != "" {
			return ""
		}
	}
	return t
}

func (p *pbReader) enter(title string, line int) error {
	order := map[string]int{"": 0, "meta": 1, "projects": 2, "votes": 3}
	if order[title] <= order[p.section] {
		return &ParseError{Line: line, Err: fmt.Errorf("section %s out of order (expected META, PROJECTS, VOTES once each)", strings.ToUpper(title))}
	}
	if title == "projects" || title == "votes" {
		if err := p.metaDone(); err != nil {
			return err
		}
	}
	if title == "votes" {
		if p.section != "projects" {
			return &ParseError{Line: line, Err: errors.New("VOTES section without a PROJECTS section")}
		}
		if err := p.projectsDone(); err != nil {
			return err
		}
		p.sawVotes = true
	}
	p.section = title
	p.header = nil
	return nil
}

func (p *pbReader) setHeader(rec []string, line int) error {
	p.header = make(map[string]int, len(rec))
	p.cols = p.cols[:0]
	for i, f := range rec {
		name := strings.TrimSpace(f)
		if _, dup := p.header[name]; dup && name != "" {
			return &ParseError{Line: line, Field: name, Err: errors.New("column named twice in the header")}
		}
		p.header[name] = i
		p.cols = append(p.cols, name)
	}
	var need []string
	switch p.section {
	case "projects":
		need = []string{"project_id", "cost"}
		for _, c := range p.cols {
			if c != "project_id" && c != "cost" && c != "category" && c != "categories" {
				p.in.ProjectColumns = append(p.in.ProjectColumns, c)
			}
		}
		if _, ok := p.header["category"]; ok {
			p.in.ProjectColumns = append(p.in.ProjectColumns, "category")
		} else if _, ok := p.header["categories"]; ok {
			p.in.ProjectColumns = append(p.in.ProjectColumns, "categories")
		}
	case "votes":
		need = []string{"voter_id", "vote"}
		for _, c := range p.cols {
			if c != "voter_id" && c != "vote" && c != "points" {
				p.in.VoteColumns = append(p.in.VoteColumns, c)
			}
		}
	}
	for _, n := range need {
		if _, ok := p.header[n]; !ok {
			return &ParseError{Line: line, Field: n, Err: fmt.Errorf("required column missing from the %s header", strings.ToUpper(p.section))}
		}
	}
	return nil
}

func (p *pbReader) finish() error {
	switch p.section {
	case "", "meta":
		if err := p.metaDone(); err != nil {
			return err
		}
		return &ParseError{Err: errors.New("no PROJECTS section")}
	case "projects":
		if err := p.projectsDone(); err != nil {
			return err
		}
	}
	if p.in.start == nil {
		p.in.start = []int64{0}
	}
	return nil
}

// recordSplitter cuts the file into `;`-separated records. Lines without a double quote (all
// ballots in practice) are split directly, which is several times faster than encoding/csv;
// a line with quotes is handed to encoding/csv, joined with the following lines while a
// quoted field is still open (a quoted field may contain line breaks).
type recordSplitter struct {
	data []byte
	pos  int
	line int
	rec  []string
}

func (s *recordSplitter) readLine() ([]byte, bool) {
	if s.pos >= len(s.data) {
		return nil, false
	}
	s.line++
	rest := s.data[s.pos:]
	i := bytes.IndexByte(rest, '\n')
	if i < 0 {
		s.pos = len(s.data)
	} else {
		rest = rest[:i]
		s.pos += i + 1
	}
	return bytes.TrimSuffix(rest, []byte("\r")), true
}

func (s *recordSplitter) next() ([]string, int, error) {
	raw, ok := s.readLine()
	if !ok {
		return nil, s.line, io.EOF
	}
	start := s.line
	if bytes.IndexByte(raw, '"') < 0 {
		text := string(raw)
		s.rec = s.rec[:0]
		for {
			i := strings.IndexByte(text, ';')
			if i < 0 {
				s.rec = append(s.rec, text)
				break
			}
			s.rec = append(s.rec, text[:i])
			text = text[i+1:]
		}
		return s.rec, start, nil
	}
	buf := append([]byte(nil), raw...)
	for quoteOpen(buf) {
		more, ok := s.readLine()
		if !ok {
			break
		}
		buf = append(append(buf, '\n'), more...)
	}
	cr := csv.NewReader(bytes.NewReader(buf))
	cr.Comma = ';'
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	rec, err := cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, start, err
	}
	return rec, start, nil
}

// quoteOpen reports whether a record ends inside a quoted field, following the CSV rule that a
// field is quoted only when it starts with a double quote and "" is an escaped quote.
func quoteOpen(b []byte) bool {
	inQuotes, fieldStart := false, true
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inQuotes && c == '"':
			if i+1 < len(b) && b[i+1] == '"' {
				i++
			} else {
				inQuotes = false
			}
		case inQuotes:
		case fieldStart && c == '"':
			inQuotes = true
			fieldStart = false
		case c == ';':
			fieldStart = true
		default:
			fieldStart = false
		}
	}
	return inQuotes
}
