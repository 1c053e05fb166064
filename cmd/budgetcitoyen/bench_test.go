package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

// A small run of the vote bench on each database: every voter's ballot is counted once,
// through real requests, and the report has its figures.
func TestBenchVote(t *testing.T) {
	if testing.Short() {
		t.Skip("measures a bare handler with 20,000 requests: not in -short")
	}
	// PostgreSQL runs with a sealed box (every ballot encrypted as it is cast), SQLite without.
	for _, tc := range []struct {
		name, url string
		sealed    bool
	}{{"sqlite", "", false}, {"postgres", dbtest.PostgresURL(), true}} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.url != "" {
				d, err := db.Open(context.Background(), tc.url, "")
				if err != nil {
					dbtest.SkipOrFail(t, "PostgreSQL not reachable at %s (set BC_TEST_POSTGRES_URL): %v", db.Redact(tc.url), err)
				}
				d.Close()
			}
			var stderr bytes.Buffer
			res, err := benchVote(context.Background(), tc.url, 40, 8, 30, tc.sealed, nil, &stderr)
			if err != nil {
				t.Fatalf("bench: %v\n%s", err, stderr.String())
			}
			if res.Ballots != 40 || res.Groups < 1 || res.Groups > 40 || res.P50 <= 0 || res.P99 < res.P50 ||
				res.BareBefore <= 0 || res.BareAfter <= 0 || string(res.Dialect) != tc.name || res.Sealed != tc.sealed {
				t.Errorf("bench result %+v", res)
			}
			// The mailing of --mailing: the vote's e-mail queued to each subscriber, during the
			// ballots.
			if res.Mailing == nil || res.Mailing.Queued != 30 {
				t.Errorf("mailing during the ballots: %+v, want 30 queued", res.Mailing)
			}
			var out bytes.Buffer
			res.print(&out)
			for _, want := range []string{"database     " + tc.name, "ballots      40 counted", "ballots/s", "p99", "bare handler", "ratio", "mailing      30 subscribers"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("report lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}

func TestBenchUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := runBench(nil, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "Usage") {
		t.Errorf("bench without a subcommand: %d %q", code, errb.String())
	}
	errb.Reset()
	if code := runBench([]string{"vote", "--voters", "0"}, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "positive") {
		t.Errorf("bench vote --voters 0: %d %q", code, errb.String())
	}
	errb.Reset()
	if code := runBench([]string{"vote", "--box", "open"}, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "clear, sealed or both") {
		t.Errorf("bench vote --box open: %d %q", code, errb.String())
	}
	errb.Reset()
	if code := runBench([]string{"vote", "--cpuprofile", filepath.Join(t.TempDir(), "p"), "--box", "both"}, nil, &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), "one run") {
		t.Errorf("bench vote --cpuprofile with both boxes: %d %q", code, errb.String())
	}
}
