package web_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

// What a forensic scan looks for, and where: the raw bytes of the database as a person who
// can read its files (or its server's memory of pages) sees them, cut into pages.

// needleKind sorts what is searched for.
type needleKind int

const (
	needleReceipt   needleKind = iota // a voter's receipt code (with or without its dashes)
	needlePlaintext                   // the plaintext form of a sealed ballot
	needleIdentity                    // a voter's e-mail, family name or birth date
	needleShare                       // a trustee's share of the box's key, as text or as its raw value
	needlePublicKey                   // the box's public key: it is stored, so the scan must find it
)

type needle struct {
	kind  needleKind
	text  []byte
	voter int // index of the voter it belongs to (-1: none)
}

// rawPage is one page of a file or relation.
type rawPage struct {
	where string // file or relation, and page number
	data  []byte
}

// hit is a needle found in a page.
type hit struct {
	where string
	n     needle
}

// scanner finds many needles at once in many pages: each needle is known by its first 8
// bytes, looked up at every offset of a page through a bit filter, then compared whole (a
// needle per bytes.Contains would read hundreds of megabytes a thousand times over).
type scanner struct {
	byPrefix map[uint64][]needle
	filter   []uint64 // bit set of the prefixes' hashes
	short    []needle // needles under 8 bytes, searched one by one
}

const scanFilterBits = 1 << 20

func scanHash(k uint64) uint64 { return (k * 0x9E3779B97F4A7C15) >> (64 - 20) }

func newScanner(needles []needle) *scanner {
	s := &scanner{byPrefix: map[uint64][]needle{}, filter: make([]uint64, scanFilterBits/64)}
	for _, n := range needles {
		if len(n.text) < 8 {
			s.short = append(s.short, n)
			continue
		}
		k := binary.LittleEndian.Uint64(n.text)
		s.byPrefix[k] = append(s.byPrefix[k], n)
		h := scanHash(k)
		s.filter[h/64] |= 1 << (h % 64)
	}
	return s
}

// find returns the needles in data, each once.
func (s *scanner) find(data []byte) []needle {
	var out []needle
	var seen map[*byte]bool
	for _, n := range s.short {
		if bytes.Contains(data, n.text) {
			out = append(out, n)
		}
	}
	for i := 0; i+8 <= len(data); i++ {
		k := binary.LittleEndian.Uint64(data[i:])
		h := scanHash(k)
		if s.filter[h/64]&(1<<(h%64)) == 0 {
			continue
		}
		for _, n := range s.byPrefix[k] {
			if bytes.HasPrefix(data[i:], n.text) {
				if seen == nil {
					seen = map[*byte]bool{}
				}
				if !seen[&n.text[0]] {
					seen[&n.text[0]] = true
					out = append(out, n)
				}
			}
		}
	}
	return out
}

// scanPages returns every needle found in every page, by page.
func scanPages(pages []rawPage, needles []needle) map[string][]hit {
	s := newScanner(needles)
	out := map[string][]hit{}
	for _, p := range pages {
		for _, n := range s.find(p.data) {
			out[p.where] = append(out[p.where], hit{where: p.where, n: n})
		}
	}
	return out
}

// sqlitePages cuts an SQLite database file (or a copy of it) into its pages.
func sqlitePages(t *testing.T, name, path string, pageSize int) []rawPage {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var out []rawPage
	for i := 0; i*pageSize < len(b); i++ {
		end := min((i+1)*pageSize, len(b))
		out = append(out, rawPage{where: fmt.Sprintf("%s page %d", name, i+1), data: b[i*pageSize : end]})
	}
	return out
}

// walPages cuts an SQLite write-ahead log into its frames' pages (a 32-byte header, then
// frames of a 24-byte header and a page), stale frames included. A missing log is empty.
func walPages(t *testing.T, name, path string) []rawPage {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if len(b) < 32 {
		return []rawPage{{where: name + " header", data: b}}
	}
	pageSize := int(binary.BigEndian.Uint32(b[8:12]))
	if pageSize == 1 {
		pageSize = 65536
	}
	out := []rawPage{{where: name + " header", data: b[:32]}}
	for off, i := 32, 0; off < len(b); off, i = off+24+pageSize, i+1 {
		end := min(off+24+pageSize, len(b))
		out = append(out, rawPage{where: fmt.Sprintf("%s frame %d", name, i), data: b[off:end]})
	}
	return out
}

// sqliteFile returns the path of the main database file and its page size.
func sqliteFile(t *testing.T, d *db.DB) (string, int) {
	t.Helper()
	ctx := context.Background()
	rows, err := d.QueryContext(ctx, "PRAGMA database_list")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var path string
	for rows.Next() {
		var seq int
		var name, file string
		if err := rows.Scan(&seq, &name, &file); err != nil {
			t.Fatal(err)
		}
		if name == "main" {
			path = file
		}
	}
	if err := rows.Err(); err != nil || path == "" {
		t.Fatalf("no main database file (%v)", err)
	}
	var pageSize int
	if err := d.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil || pageSize < 512 {
		t.Fatalf("page size %d: %v", pageSize, err)
	}
	return path, pageSize
}

// pageInspect returns the schema of the pageinspect extension, creating it if needed, or
// skips (fails under BC_REQUIRE_ALL) when the server cannot.
func pageInspect(t *testing.T, d *db.DB) string {
	t.Helper()
	ctx := context.Background()
	find := func() string {
		var schema string
		if err := d.QueryRowContext(ctx, `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
			WHERE e.extname = 'pageinspect'`).Scan(&schema); err != nil {
			return ""
		}
		return schema
	}
	if s := find(); s != "" {
		return s
	}
	// In public, not in the test's own schema, which is dropped at the end of the test.
	_, err := d.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS pageinspect WITH SCHEMA public")
	if s := find(); s != "" {
		return s
	}
	dbtest.SkipOrFail(t, "the PostgreSQL test server cannot give the pageinspect extension, so its raw pages cannot be read: %v", err)
	return ""
}

// postgresPages reads, with pageinspect, every page of every relation of the test's schema:
// its tables, their indexes, and their TOAST tables and indexes, dead tuples and all.
func postgresPages(t *testing.T, d *db.DB) []rawPage {
	t.Helper()
	ctx := context.Background()
	pi := pageInspect(t, d)
	rels := dbtest.Strings(t, d, `SELECT c.oid::regclass::text || ' ' || (pg_relation_size(c.oid) / current_setting('block_size')::bigint)::text
		FROM pg_class c
		WHERE c.relkind IN ('r', 'i', 't', 'm')
		  AND (c.relnamespace = current_schema()::regnamespace
		    OR c.oid IN (SELECT reltoastrelid FROM pg_class WHERE relnamespace = current_schema()::regnamespace)
		    OR c.oid IN (SELECT i.indexrelid FROM pg_index i JOIN pg_class r ON r.reltoastrelid = i.indrelid
		                 WHERE r.relnamespace = current_schema()::regnamespace))
		ORDER BY 1`)
	if len(rels) < 20 {
		t.Fatalf("only %d relations in the schema: %v", len(rels), rels)
	}
	var out []rawPage
	for _, r := range rels {
		i := strings.LastIndexByte(r, ' ')
		name := r[:i]
		blocks, err := strconv.ParseInt(r[i+1:], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		if blocks == 0 {
			continue
		}
		rows, err := d.QueryContext(ctx, "SELECT b, "+pi+".get_raw_page($1::text, 'main', b) FROM generate_series(0::bigint, $2::bigint - 1) b",
			name, blocks)
		if err != nil {
			t.Fatalf("raw pages of %s: %v", name, err)
		}
		for rows.Next() {
			var b int64
			var data []byte
			if err := rows.Scan(&b, &data); err != nil {
				t.Fatalf("raw page of %s: %v", name, err)
			}
			out = append(out, rawPage{where: fmt.Sprintf("%s block %d", name, b), data: data})
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("raw pages of %s: %v", name, err)
		}
		rows.Close()
	}
	return out
}

// postgresDump is what a logical dump of the schema holds: every live row of every table,
// as text, one "page" per row.
func postgresDump(t *testing.T, d *db.DB) []rawPage {
	t.Helper()
	tables := dbtest.Strings(t, d, `SELECT c.oid::regclass::text FROM pg_class c
		WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace ORDER BY 1`)
	var out []rawPage
	for _, table := range tables {
		for i, row := range dbtest.Strings(t, d, "SELECT t::text FROM "+table+" t") {
			out = append(out, rawPage{where: fmt.Sprintf("dump of %s row %d", table, i), data: []byte(row)})
		}
	}
	return out
}

var (
	receiptRe = regexp.MustCompile(`id="receipt">([A-Z0-9-]{23})<`)
	trackerRe = regexp.MustCompile(`id="tracker">([0-9a-f]{64})<`)
)

// tryCast posts a ballot from a signed-in browser, like browser.post but from any
// goroutine: it returns what went wrong instead of failing the test.
func tryCast(b *browser, slug string, form url.Values) (receipt, tracker string, err error) {
	form = cloneValues(form)
	form.Set("csrf_token", b.csrf)
	req, err := http.NewRequest(http.MethodPost, b.s.srv.URL+"/"+slug+"/vote/confirmer", strings.NewReader(form.Encode()))
	if err != nil {
		return "", "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.s.srv.URL)
	resp, err := b.http.Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", "", fmt.Errorf("status %d: %s", resp.StatusCode, excerpt(string(body)))
	}
	r, tr := receiptRe.FindSubmatch(body), trackerRe.FindSubmatch(body)
	if r == nil || tr == nil {
		return "", "", fmt.Errorf("no receipt or tracker on the confirmation page: %s", excerpt(string(body)))
	}
	return string(r[1]), string(tr[1]), nil
}

// kendallZ returns Kendall's tau between positions 0..n-1 and seq (distinct values), and
// its z score under independence: tau·3·√(n(n−1)) / √(2(2n+5)). A random order has |z| ≥ 5
// with probability under 1e-6.
func kendallZ(seq []int) (tau, z float64) {
	n := len(seq)
	var s int
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			switch {
			case seq[j] > seq[i]:
				s++
			case seq[j] < seq[i]:
				s--
			}
		}
	}
	nf := float64(n)
	tau = float64(s) / (nf * (nf - 1) / 2)
	z = tau * 3 * math.Sqrt(nf*(nf-1)) / math.Sqrt(2*(2*nf+5))
	return tau, z
}

func TestKendallZ(t *testing.T) {
	const n = 200
	identity, reversed, interleaved := make([]int, n), make([]int, n), make([]int, n)
	for i := range identity {
		identity[i], reversed[i] = i, n-1-i
		// Even casting positions first, then odd ones: a strong order a test must see.
		interleaved[i] = i / 2
		if i%2 == 1 {
			interleaved[i] += n / 2
		}
	}
	if tau, z := kendallZ(identity); tau != 1 || z < 5 {
		t.Errorf("identity order: tau %.3f z %.1f, want 1 and ≥ 5", tau, z)
	}
	if tau, z := kendallZ(reversed); tau != -1 || z > -5 {
		t.Errorf("reversed order: tau %.3f z %.1f, want −1 and ≤ −5", tau, z)
	}
	if _, z := kendallZ(interleaved); math.Abs(z) < 5 {
		t.Errorf("interleaved order: z %.1f, want |z| ≥ 5", z)
	}
}

// The scanner finds each needle where it is, once per page, and nothing else.
func TestForensicScanner(t *testing.T) {
	needles := []needle{
		{needleReceipt, []byte("K7QX2-M9PAT-3HWZE-RN4C8"), 0},
		{needleReceipt, []byte("K7QX2M9PAT3HWZERN4C8"), 0},
		{needleIdentity, []byte("zoe@example.test"), 1},
		{needleIdentity, []byte("zoe@example.org"), 2}, // same first 8 bytes as the one above
		{needlePlaintext, []byte(`{"r":"`), -1},
	}
	pages := []rawPage{
		{"a", []byte("xxK7QX2-M9PAT-3HWZE-RN4C8yy zoe@example.org K7QX2-M9PAT-3HWZE-RN4C8")},
		{"b", []byte(`K7QX2M9PAT3HWZERN4C8{"r":"`)},
		{"c", []byte("K7QX2-M9PAT-3HWZE-RN4C zoe@example.tes zoe@example.test")},
		{"d", nil},
	}
	got := map[string][]string{}
	for where, hs := range scanPages(pages, needles) {
		for _, h := range hs {
			got[where] = append(got[where], string(h.n.text))
		}
		slices.Sort(got[where])
	}
	want := map[string][]string{
		"a": {"K7QX2-M9PAT-3HWZE-RN4C8", "zoe@example.org"},
		"b": {"K7QX2M9PAT3HWZERN4C8", `{"r":"`},
		"c": {"zoe@example.test"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("found %v, want %v", got, want)
	}
}
