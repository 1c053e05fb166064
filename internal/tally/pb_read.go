package tally

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
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

func (p *pbReader) col(rec []string, name string) (string, bool) {
	i, ok := p.header[name]
	if !ok || i >= len(rec) {
		return "", false
	}
	return strings.TrimSpace(rec[i]), true
}

func isNone(v string) bool { return strings.EqualFold(v, "none") }

func (p *pbReader) metaRow(rec []string, line int) error {
	key := strings.TrimSpace(rec[0])
	if key == "" {
		return &ParseError{Line: line, Field: "key", Err: errors.New("empty META key")}
	}
	val := ""
	if len(rec) > 1 {
		// An unquoted `;` inside a value would split it; keep the whole text.
		val = strings.TrimSpace(strings.Join(rec[1:], ";"))
	}
	for _, f := range p.in.Meta {
		if f.Key == key {
			return &ParseError{Line: line, Field: key, Err: errors.New("META key given twice")}
		}
	}
	p.in.Meta = append(p.in.Meta, Field{key, val})
	switch key {
	case "budget":
		m, pl, err := parseDecimal(val)
		if err != nil {
			return &ParseError{Line: line, Field: "budget", Err: err}
		}
		p.budget = &rawAmount{m, pl}
	case "vote_type":
		vt := VoteType(strings.ToLower(val))
		if !vt.valid() {
			return &ParseError{Line: line, Field: "vote_type", Err: fmt.Errorf("unknown vote type %q (approval, choose-1, ordinal, cumulative, scoring)", val)}
		}
		p.in.VoteType = vt
	}
	return nil
}

func (p *pbReader) metaDone() error {
	if p.budget == nil {
		return &ParseError{Field: "budget", Err: errors.New("META has no budget")}
	}
	if p.in.VoteType == "" {
		return &ParseError{Field: "vote_type", Err: errors.New("META has no vote_type")}
	}
	return nil
}

func (p *pbReader) projectRow(rec []string, line int) error {
	if p.header == nil {
		return &ParseError{Line: line, Err: errors.New("PROJECTS row before the header")}
	}
	id, _ := p.col(rec, "project_id")
	if id == "" {
		return &ParseError{Line: line, Field: "project_id", Err: errors.New("empty project id")}
	}
	costText, ok := p.col(rec, "cost")
	if !ok || costText == "" {
		return &ParseError{Line: line, Field: "cost", Err: fmt.Errorf("project %q has no cost", id)}
	}
	m, pl, err := parseDecimal(costText)
	if err != nil {
		return &ParseError{Line: line, Field: "cost", Err: fmt.Errorf("project %q: %w", id, err)}
	}
	proj := Project{ID: id}
	for i, name := range p.cols {
		if i >= len(rec) || name == "project_id" || name == "cost" {
			continue
		}
		v := strings.TrimSpace(rec[i])
		if isNone(v) || v == "" {
			continue // missing; the writer leaves the cell empty
		}
		if name == "category" || name == "categories" {
			for _, c := range strings.Split(v, ",") {
				if c = strings.TrimSpace(c); c != "" {
					proj.Categories = append(proj.Categories, c)
				}
			}
			continue
		}
		proj.Fields = append(proj.Fields, Field{name, v})
	}
	if err := p.in.AddProject(proj); err != nil {
		return &ParseError{Line: line, Field: "project_id", Err: err}
	}
	p.projects = append(p.projects, rawAmount{m, pl})
	return nil
}

// projectsDone fixes the money scale once every amount is known, so that all costs and the
// budget share one integer unit.
func (p *pbReader) projectsDone() error {
	in := p.in
	scale := p.budget.places
	for _, a := range p.projects {
		scale = max(scale, a.places)
	}
	p.envelope = nil
	cats, per := in.MetaValue("categories"), in.MetaValue("budget_per_category")
	if cats != "" && per != "" {
		names, vals := strings.Split(cats, ","), strings.Split(per, ",")
		if len(names) == len(vals) {
			p.envelope = make(map[string]rawAmount, len(names))
			for i := range names {
				m, pl, err := parseDecimal(vals[i])
				if err != nil {
					return &ParseError{Field: "budget_per_category", Err: err}
				}
				p.envelope[strings.TrimSpace(names[i])] = rawAmount{m, pl}
				scale = max(scale, pl)
			}
		}
	}
	in.Scale = scale
	var err error
	if in.Budget, err = rescale(p.budget.mant, p.budget.places, scale); err != nil {
		return &ParseError{Field: "budget", Err: err}
	}
	for i, a := range p.projects {
		if in.Projects[i].Cost, err = rescale(a.mant, a.places, scale); err != nil {
			return &ParseError{Field: "cost", Err: fmt.Errorf("project %q: %w", in.Projects[i].ID, err)}
		}
	}
	if p.envelope != nil {
		in.Envelopes = make(map[string]int64, len(p.envelope))
		for k, a := range p.envelope {
			if in.Envelopes[k], err = rescale(a.mant, a.places, scale); err != nil {
				return &ParseError{Field: "budget_per_category", Err: err}
			}
		}
	}
	return nil
}

func (p *pbReader) voteRow(rec []string, line int) error {
	if p.header == nil {
		return &ParseError{Line: line, Err: errors.New("VOTES row before the header")}
	}
	in := p.in
	voter, _ := p.col(rec, "voter_id")
	vote, _ := p.col(rec, "vote")
	ptsText, hasPts := p.col(rec, "points")
	hasPts = hasPts && ptsText != "" && !isNone(ptsText)
	ids := p.idsBuf[:0]
	pts := p.ptsBuf[:0]
	var ptsParts []string
	if hasPts {
		ptsParts = strings.Split(ptsText, ",")
	}
	needPts := in.VoteType.hasPoints()
	if !(needPts && !hasPts) && vote != "" && !isNone(vote) {
		k := 0
		for part := range strings.SplitSeq(vote, ",") {
			id := strings.TrimSpace(part)
			if id == "" {
				k++
				continue
			}
			j, ok := in.ProjectIndex(id)
			if !ok {
				return &ParseError{Line: line, Field: "vote", Err: fmt.Errorf("voter %q: unknown project %q", voter, id)}
			}
			ids = append(ids, int32(j))
			if hasPts {
				if k >= len(ptsParts) {
					return &ParseError{Line: line, Field: "points", Err: fmt.Errorf("voter %q: fewer points than projects", voter)}
				}
				v, err := strconv.ParseInt(strings.TrimSpace(ptsParts[k]), 10, 64)
				if err != nil {
					return &ParseError{Line: line, Field: "points", Err: fmt.Errorf("voter %q: %q is not an integer", voter, ptsParts[k])}
				}
				if v > 1e12 || v < -1e12 {
					return &ParseError{Line: line, Field: "points", Err: fmt.Errorf("voter %q: points %d out of range", voter, v)}
				}
				pts = append(pts, v)
			}
			k++
		}
	}
	var fields []Field
	for i, name := range p.cols {
		if i >= len(rec) || name == "voter_id" || name == "vote" || name == "points" {
			continue
		}
		if v := strings.TrimSpace(rec[i]); !isNone(v) && v != "" {
			fields = append(fields, Field{name, v})
		}
	}
	var ptsArg []int64
	if hasPts {
		ptsArg = pts
	} else if in.hasPts {
		ptsArg = make([]int64, len(ids))
	}
	if err := in.AddBallotIndices(voter, ids, ptsArg, fields...); err != nil {
		return &ParseError{Line: line, Field: "vote", Err: err}
	}
	p.idsBuf, p.ptsBuf = ids, pts
	if p.opt.Progress != nil && in.NumBallots()%100000 == 0 {
		p.opt.Progress(in.NumBallots())
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
