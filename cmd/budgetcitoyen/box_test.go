package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/vote"
)

// boxFixture is a data folder with trustees' accounts and campaigns whose vote opens in two
// days; every output of the commands it runs is kept, to check that no share ever shows.
type boxFixture struct {
	t      *testing.T
	dir    string
	d      *db.DB
	output strings.Builder
}

var boxTrustees = []string{"alice@x.test", "Bob@X.test", "carol@x.test"}

func newBoxFixture(t *testing.T) *boxFixture {
	t.Helper()
	f := &boxFixture{t: t, dir: t.TempDir()}
	f.mustRun("", "migrate", "--data", f.dir)
	for _, e := range boxTrustees {
		f.mustRun("", "user", "add", "--data", f.dir, "--email", e, "--role", "citizen")
	}
	d, err := db.Open(context.Background(), "sqlite:"+filepath.Join(f.dir, db.SQLiteFile), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	f.d = d
	return f
}

// run runs the command with stdin and records its output.
func (f *boxFixture) run(stdin string, args ...string) (code int, stdout, stderr string) {
	f.t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	f.output.WriteString(out.String() + errb.String())
	return code, out.String(), errb.String()
}

func (f *boxFixture) mustRun(stdin string, args ...string) string {
	f.t.Helper()
	code, out, errOut := f.run(stdin, args...)
	if code != 0 {
		f.t.Fatalf("%v: code %d\n%s%s", args, code, out, errOut)
	}
	return out
}

// campaign stores a campaign whose vote opens in two days.
func (f *boxFixture) campaign(slug string) {
	f.t.Helper()
	c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
	if err != nil {
		f.t.Fatal(err)
	}
	c.Slug = slug
	w, _ := c.Window(campaign.PhaseVote)
	shiftPhases(c, time.Now().Add(48*time.Hour).Sub(w.Start))
	if err := campaign.Insert(context.Background(), f.d, c, time.Now()); err != nil {
		f.t.Fatal(err)
	}
}

// closeVote moves the campaign's windows so that its vote closed an hour ago: the command
// runs on the wall clock, so the test moves the calendar instead.
func (f *boxFixture) closeVote(slug string) {
	f.t.Helper()
	ctx := context.Background()
	c, err := campaign.BySlug(ctx, f.d, slug)
	if err != nil {
		f.t.Fatal(err)
	}
	w, _ := c.Window(campaign.PhaseVote)
	shiftPhases(c, time.Now().Add(-time.Hour).Sub(w.End))
	if err := campaign.Update(ctx, f.d, c, time.Now()); err != nil {
		f.t.Fatal(err)
	}
}

func shiftPhases(c *campaign.Campaign, by time.Duration) {
	for i := range c.Phases {
		c.Phases[i].Start = c.Phases[i].Start.Add(by).Truncate(time.Second)
		c.Phases[i].End = c.Phases[i].End.Add(by).Truncate(time.Second)
	}
}

// cast puts n ballots in the campaign's box, as the vote would.
func (f *boxFixture) cast(slug string, n int) {
	f.t.Helper()
	ctx := context.Background()
	c, err := campaign.BySlug(ctx, f.d, slug)
	if err != nil {
		f.t.Fatal(err)
	}
	box := vote.NewBox(f.d, time.Now)
	for i := range n {
		if _, err := box.Cast(ctx, vote.Cast{CampaignID: c.ID, PersonKey: fmt.Sprint(slug, "-person-", i),
			Commune: "62041", AgeBracket: "25-34", Choices: []int64{int64(100 + i%2)}}); err != nil {
			f.t.Fatal(err)
		}
	}
	box.Flush()
}

// seal runs the key ceremony of the campaign into a new folder and returns the files.
func (f *boxFixture) seal(slug string) (dir string, files []string) {
	f.t.Helper()
	dir = filepath.Join(f.t.TempDir(), "shares")
	args := []string{"box", "seal", "--data", f.dir, "--campaign", slug, "--k", "2", "--out", dir}
	for _, e := range boxTrustees {
		args = append(args, "--trustee", e)
	}
	out := f.mustRun("", args...)
	if !regexp.MustCompile(`(?m)^box: [0-9a-f]{16}$`).MatchString(out) || !strings.Contains(out, "shares needed: 2 of 3") {
		f.t.Errorf("seal printed:\n%s", out)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		f.t.Errorf("share folder: %v %v", fi.Mode(), err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "part-*.txt"))
	if err != nil {
		f.t.Fatal(err)
	}
	want := []string{"part-01-alice_at_x.test.txt", "part-02-bob_at_x.test.txt", "part-03-carol_at_x.test.txt"}
	if len(files) != len(want) {
		f.t.Fatalf("share files: %v", files)
	}
	for i, p := range files {
		fi, err := os.Stat(p)
		if err != nil {
			f.t.Fatal(err)
		}
		body, err := os.ReadFile(p)
		if err != nil {
			f.t.Fatal(err)
		}
		if filepath.Base(p) != want[i] || fi.Mode().Perm() != 0o600 || !strings.Contains(out, "wrote "+p) {
			f.t.Errorf("share file %s, mode %v (want %s, 0600)", p, fi.Mode().Perm(), want[i])
		}
		if n := strings.Count(string(body), "\nBC1-"); n != 1 || !strings.Contains(string(body), "# campaign: "+slug+"\n") ||
			!strings.Contains(string(body), "2 of 3 shares are needed") || !strings.Contains(string(body), strings.ToLower(boxTrustees[i])) {
			f.t.Errorf("share file %s holds %d shares and the note:\n%s", p, n, strings.Split(string(body), "BC1")[0])
		}
	}
	return dir, files
}

// share returns the share line of a file.
func share(t *testing.T, path string) string {
	t.Helper()
	s, err := readShareFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBoxSealStatusUnseal(t *testing.T) {
	f := newBoxFixture(t)
	f.campaign("box-files")
	// A refused ceremony leaves no file behind.
	early := filepath.Join(t.TempDir(), "early")
	code, _, errOut := f.run("", "box", "seal", "--data", f.dir, "--campaign", "box-files", "--k", "2", "--out", early,
		"--trustee", "alice@x.test", "--trustee", "nobody@x.test")
	if left, _ := filepath.Glob(filepath.Join(early, "*")); code != 1 || len(left) != 0 ||
		!strings.Contains(errOut, "trustees: No account has the address “nobody@x.test”") {
		t.Errorf("seal with an unknown trustee: %d %q, files left %v", code, errOut, left)
	}
	dir, files := f.seal("box-files")

	// No second ceremony, and no share file overwritten.
	code, _, errOut = f.run("", "box", "seal", "--data", f.dir, "--campaign", "box-files", "--k", "2", "--out", dir,
		"--trustee", "alice@x.test", "--trustee", "bob@x.test")
	if code != 1 || !strings.Contains(errOut, "holds share files already") {
		t.Errorf("seal into a folder of shares: %d %q", code, errOut)
	}
	other := filepath.Join(t.TempDir(), "other")
	code, _, errOut = f.run("", "box", "seal", "--data", f.dir, "--campaign", "box-files", "--k", "2", "--out", other,
		"--trustee", "alice@x.test", "--trustee", "bob@x.test")
	if left, _ := filepath.Glob(filepath.Join(other, "*")); code != 1 || !strings.Contains(errOut, "already sealed") || len(left) != 0 {
		t.Errorf("a second ceremony: %d %q, files left %v", code, errOut, left)
	}

	f.cast("box-files", 5)
	status := f.mustRun("", "box", "status", "--data", f.dir, "--campaign", "box-files")
	for _, want := range []string{"state: sealed on ", "shares needed: 2 of 3", "1. alice@x.test", "2. bob@x.test", "3. carol@x.test",
		"sealed ballots: 5", "trackers: 5"} {
		if !strings.Contains(status, want) {
			t.Errorf("status lacks %q:\n%s", want, status)
		}
	}

	code, _, errOut = f.run("", "box", "unseal", "--data", f.dir, "--campaign", "box-files", files[0], files[1])
	if code != 1 || !strings.Contains(errOut, "opened after the vote closes") || !strings.Contains(errOut, "nothing was changed") {
		t.Errorf("unseal during the vote: %d %q", code, errOut)
	}
	f.closeVote("box-files")
	code, _, errOut = f.run("", "box", "unseal", "--data", f.dir, "--campaign", "box-files", files[2])
	if code != 1 || !strings.Contains(errOut, "shares: At least 2 shares are needed to unseal the box. [box.shares_too_few]") || !strings.Contains(errOut, "1. "+files[2]) {
		t.Errorf("unseal with one share: %d %q", code, errOut)
	}
	if again := f.mustRun("", "box", "status", "--data", f.dir, "--campaign", "box-files"); again != status {
		t.Errorf("a refused unsealing changed the box:\n%s\n%s", status, again)
	}
	// Flags may follow the files.
	out := f.mustRun("", "box", "unseal", files[2], files[0], "--data", f.dir, "--campaign", "box-files")
	if !strings.Contains(out, "ballots: 5") || !regexp.MustCompile(`(?m)^box: [0-9a-f]{16}$`).MatchString(out) {
		t.Errorf("unseal printed:\n%s", out)
	}
	status = f.mustRun("", "box", "status", "--data", f.dir, "--campaign", "box-files")
	if !strings.Contains(status, "state: unsealed on ") || !strings.Contains(status, "sealed ballots: 0") || !strings.Contains(status, "trackers: 5") {
		t.Errorf("status after unsealing:\n%s", status)
	}

	if strings.Contains(strings.ToUpper(f.output.String()), "BC1") {
		t.Errorf("a share was printed:\n%s", f.output.String())
	}
}

func TestBoxUnsealFromStandardInput(t *testing.T) {
	f := newBoxFixture(t)
	f.campaign("box-stdin")
	_, files := f.seal("box-stdin")
	f.cast("box-stdin", 3)
	f.closeVote("box-stdin")
	a, b := share(t, files[0]), share(t, files[1])

	// The second share with one character changed: the refusal names it by its rank.
	typo := b[:len(b)-1] + "0"
	if strings.HasSuffix(b, "0") {
		typo = b[:len(b)-1] + "1"
	}
	code, _, errOut := f.run("# shares\n"+a+"\n\n"+typo+"\n", "box", "unseal", "--data", f.dir, "--campaign", "box-stdin")
	if code != 1 || !strings.Contains(errOut, "shares: Share no. 2 is mistyped") {
		t.Errorf("a mistyped share: %d %q", code, errOut)
	}
	out := f.mustRun("# shares of box-stdin\n\n  "+strings.ToLower(b)+"  \n# the second\n"+a+"\n",
		"box", "unseal", "--data", f.dir, "--campaign", "box-stdin")
	if !strings.Contains(out, "ballots: 3") {
		t.Errorf("unseal from standard input printed:\n%s", out)
	}
	code, _, errOut = f.run(a+"\n"+b+"\n", "box", "unseal", "--data", f.dir, "--campaign", "box-stdin")
	if code != 1 || !strings.Contains(errOut, "already unsealed") {
		t.Errorf("unseal twice: %d %q", code, errOut)
	}
	if strings.Contains(strings.ToUpper(f.output.String()), "BC1") {
		t.Errorf("a share was printed:\n%s", f.output.String())
	}
}

func TestBoxUsage(t *testing.T) {
	code, out, _ := runCmd(t, "box", "--help")
	if code != 0 || !strings.Contains(out, "seal") || !strings.Contains(out, "unseal") || !strings.Contains(out, "status") {
		t.Errorf("box --help: %d %q", code, out)
	}
	for _, sub := range []string{"seal", "unseal", "status"} {
		if code, _, errOut := runCmd(t, "box", sub, "--help"); code != 0 || !strings.Contains(errOut, "-campaign string") {
			t.Errorf("box %s --help: %d %q", sub, code, errOut)
		}
	}
	if code, _, errOut := runCmd(t, "box", "open"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("box open: %d %q", code, errOut)
	}
	if code, _, errOut := runCmd(t, "box", "seal", "--campaign", "x"); code != 2 || !strings.Contains(errOut, "required") {
		t.Errorf("box seal without trustees: %d %q", code, errOut)
	}
}
