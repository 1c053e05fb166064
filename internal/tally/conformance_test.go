package tally

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// pabulibDir finds the shared reference data: $BC_PABULIB_DIR, else a folder shared/pabulib
// beside the working directory or one of its ancestors (the repository is cloned next to
// shared/). The .pb files are not copied into the repository: their licence is not stated.
func pabulibDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("BC_PABULIB_DIR"); d != "" {
		if _, err := os.Stat(filepath.Join(d, "expected.tsv")); err != nil {
			t.Fatalf("BC_PABULIB_DIR=%s has no expected.tsv: %v", d, err)
		}
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		cand := filepath.Join(dir, "shared", "pabulib")
		if _, err := os.Stat(filepath.Join(cand, "expected.tsv")); err == nil {
			return cand
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	msg := "!!! pabulib reference data NOT FOUND (set BC_PABULIB_DIR or place shared/pabulib beside the repository): conformance NOT checked !!!"
	if os.Getenv("BC_REQUIRE_ALL") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

type expectedRow struct {
	file, rule string
	want       []string
	line       int
}

func readExpected(t testing.TB, path string) []expectedRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []expectedRow
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) < 2 {
			t.Fatalf("%s:%d: malformed row", path, n)
		}
		var want []string
		if len(parts) > 2 {
			want = strings.Fields(parts[2])
		}
		rows = append(rows, expectedRow{parts[0], parts[1], want, n})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

var (
	instCacheMu sync.Mutex
	instCache   = map[string]*Instance{}
)

func loadInstance(t testing.TB, path string) *Instance {
	t.Helper()
	instCacheMu.Lock()
	defer instCacheMu.Unlock()
	if in, ok := instCache[path]; ok {
		return in
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, err := ReadPB(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	instCache[path] = in
	return in
}

func TestConformance(t *testing.T) {
	dir := pabulibDir(t)
	var rows []expectedRow
	for _, name := range []string{"expected.tsv", "expected_add1.tsv"} {
		rows = append(rows, readExpected(t, filepath.Join(dir, name))...)
	}
	if len(rows) != 96 {
		t.Errorf("expected 86 + 10 reference rows, found %d", len(rows))
	}
	for _, row := range rows {
		t.Run(row.file+"/"+row.rule, func(t *testing.T) {
			t.Parallel()
			in := loadInstance(t, filepath.Join(dir, row.file))
			out, err := Run(in, Options{Rule: row.rule})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(out.Selected, " ") != strings.Join(row.want, " ") {
				t.Errorf("selected\n got %v\nwant %v", out.Selected, row.want)
			}
			if out.Spent > out.Budget && row.rule != "" {
				t.Errorf("spent %d over budget %d", out.Spent, out.Budget)
			}
		})
	}
}
