package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/vote"
)

// The sealed ballot box of a campaign from the command line: the key ceremony (seal), the
// opening after the vote (unseal) and its state (status). A share is written to its own file
// and read back from files or standard input; it is never printed, logged or echoed.

const boxUsage = `Usage: budgetcitoyen box COMMAND [flags]

The sealed ballot box of a campaign.

Commands:
  seal    --campaign SLUG --trustee EMAIL --trustee EMAIL ... --k K --out DIR
          the key ceremony, before the vote opens: the box's key is split into one share
          per trustee, each written to its own file in DIR (part-NN-EMAIL.txt, mode 0600);
          k shares rebuild it. The shares are given once: hand each file to its trustee.
  unseal  --campaign SLUG [SHARE_FILE ...]
          after the vote closes: rebuilds the key from k shares, one per file (the line
          starting with BC1), or from standard input, one per line, when no file is given;
          decrypts the ballots, erases the ciphertexts and forgets the key.
  status  --campaign SLUG
          sealed or unsealed, the box id, k of n, the trustees and the counts.

Every command takes --data DIR and --database URL.
Run 'budgetcitoyen box COMMAND --help' for its flags.
`

func runBox(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, boxUsage)
		return 2
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, boxUsage)
		return 0
	case "seal":
		return runBoxSeal(args[1:], stdout, stderr)
	case "unseal":
		return runBoxUnseal(args[1:], stdin, stdout, stderr)
	case "status":
		return runBoxStatus(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "budgetcitoyen box: unknown command %q (expected: seal, unseal, status)\n", args[0])
	return 2
}

// describeRefusal is describeErr for a refusal with field errors, without the headline
// meant for a form: each field's message in English, then its key, e.g.
// "shares: At least 2 shares are needed to unseal the box. [box.shares_too_few]".
func describeRefusal(err error) string {
	ae, ok := apperr.As(err)
	if !ok || len(ae.Fields) == 0 {
		return describeErr(err)
	}
	cat, cerr := i18n.Load()
	if cerr != nil {
		return err.Error()
	}
	fields := make([]string, 0, len(ae.Fields))
	for f := range ae.Fields {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	lines := make([]string, len(fields))
	for i, f := range fields {
		m := ae.Fields[f]
		lines[i] = fmt.Sprintf("%s: %s [%s]", f, cat.T(i18n.EN, m.Key, m.Args...), m.Key)
	}
	return strings.Join(lines, "\n  ")
}

// stringList is a flag that may be repeated.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// openCampaign opens and migrates the database and reads the campaign of slug. On an error
// it has told stderr and d is nil.
func openCampaign(ctx context.Context, name, database, dataDir, slug string, stderr io.Writer) (*db.DB, *campaign.Campaign) {
	d, err := db.Open(ctx, database, dataDir)
	if err != nil {
		fmt.Fprintf(stderr, "budgetcitoyen %s: %v\n", name, err)
		return nil, nil
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		fmt.Fprintf(stderr, "budgetcitoyen %s: %v\n", name, err)
		return nil, nil
	}
	c, err := campaign.BySlug(ctx, d, slug)
	if err != nil {
		d.Close()
		fmt.Fprintf(stderr, "budgetcitoyen %s: campaign %q: %s\n", name, slug, describeErr(err))
		return nil, nil
	}
	return d, c
}

func runBoxSeal(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("box seal", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: budgetcitoyen box seal --campaign SLUG --trustee EMAIL --trustee EMAIL ... --k K --out DIR\n\n"+
			"The key ceremony of the campaign's ballot box, before the vote opens and once. Each trustee\n"+
			"(an account) gets one share, written to DIR/part-NN-EMAIL.txt (mode 0600; DIR is created\n"+
			"0700); k shares rebuild the key. The shares exist nowhere else: hand each file to its\n"+
			"trustee, then delete it.\n\nFlags:")
		fs.PrintDefaults()
	}
	dataDir, database := dbFlags(fs)
	slug := fs.String("campaign", "", "campaign slug (required)")
	var trustees stringList
	fs.Var(&trustees, "trustee", "e-mail of a trustee's account; repeat, in the order of the shares (2 to 20)")
	k := fs.Int("k", 0, "number of shares that rebuild the key, 2 to the number of trustees (required)")
	out := fs.String("out", "", "folder for the share files (required; no part-*.txt may be there)")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if *slug == "" || *out == "" || *k == 0 || len(trustees) == 0 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "budgetcitoyen box seal: --campaign, --trustee (repeated), --k and --out are required, and nothing else")
		return 2
	}
	ctx := context.Background()
	d, c := openCampaign(ctx, "box seal", *database, *dataDir, *slug, stderr)
	if d == nil {
		return 1
	}
	defer d.Close()

	// The files are created, empty, before the ceremony: the shares are given once, so a
	// folder where they cannot all be written must be found out before they exist.
	files, err := createShareFiles(*out, trustees)
	if err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen box seal:", err)
		return 1
	}
	cer, err := vote.SealBox(ctx, change.Env{DB: d, Now: time.Now}, change.System("cli"),
		vote.SealInput{Campaign: c, Trustees: trustees, K: *k})
	if err != nil {
		removeFiles(files)
		fmt.Fprintln(stderr, "budgetcitoyen box seal:", describeRefusal(err))
		return 1
	}
	boxID := cer.Box.PublicBox().ID()
	var failed, written []string
	for i, f := range files {
		note := fmt.Sprintf("# Budget citoyen: share of a sealed ballot box. Keep it secret; it is needed to open the box.\n"+
			"# campaign: %s\n# box: %s\n# trustee no. %d: %s\n# %d of %d shares are needed to unseal the box.\n",
			c.Slug, boxID, i+1, cer.Trustees[i].Email, cer.Box.K, cer.Box.N)
		if err := writeShareFile(f, note+cer.Shares[i]+"\n"); err != nil {
			failed = append(failed, f.Name())
			fmt.Fprintf(stderr, "budgetcitoyen box seal: %s: %v\n", f.Name(), err)
			continue
		}
		written = append(written, fmt.Sprintf("wrote %s (trustee %s)\n", f.Name(), cer.Trustees[i].Email))
	}
	cer.Shares = nil
	fmt.Fprintf(stdout, "sealed the ballot box of campaign %s\nbox: %s\nshares needed: %d of %d\n", c.Slug, boxID, cer.Box.K, cer.Box.N)
	fmt.Fprint(stdout, strings.Join(written, ""))
	if len(failed) > 0 {
		fmt.Fprintf(stderr, "budgetcitoyen box seal: the box is sealed but %d share file(s) could not be written: %s\n"+
			"those shares are lost; the box can be unsealed only if %d of the others remain\n",
			len(failed), strings.Join(failed, ", "), cer.Box.K)
		return 1
	}
	return 0
}

// shareFileName names the file of the share of trustee no. index: part-NN-EMAIL.txt, the
// address lower-cased, "@" written "_at_" and anything but letters, digits, "." and "-"
// written "_".
func shareFileName(index int, email string) string {
	var b strings.Builder
	for _, r := range account.NormalizeEmail(email) {
		switch {
		case r == '@':
			b.WriteString("_at_")
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return fmt.Sprintf("part-%02d-%s.txt", index, b.String())
}

// createShareFiles creates dir (0700) if missing and one new empty file (0600) per trustee.
// It refuses a folder that holds share files already, and never overwrites a file.
func createShareFiles(dir string, trustees []string) ([]*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	old, err := filepath.Glob(filepath.Join(dir, "part-*.txt"))
	if err != nil {
		return nil, err
	}
	if len(old) > 0 {
		return nil, fmt.Errorf("%s holds share files already (%s): choose an empty folder", dir, filepath.Base(old[0]))
	}
	var files []*os.File
	for i, email := range trustees {
		f, err := os.OpenFile(filepath.Join(dir, shareFileName(i+1, email)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			err = f.Chmod(0o600) // whatever the umask
		}
		if err != nil {
			if f != nil {
				files = append(files, f)
			}
			removeFiles(files)
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

func writeShareFile(f *os.File, text string) error {
	_, err := f.WriteString(text)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// removeFiles closes and removes the files createShareFiles made, before any share is in them.
func removeFiles(files []*os.File) {
	for _, f := range files {
		f.Close()
		os.Remove(f.Name())
	}
}

func runBoxUnseal(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("box unseal", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: budgetcitoyen box unseal --campaign SLUG [SHARE_FILE ...]\n\n"+
			"Opens the campaign's sealed ballot box after the vote closes, with at least k shares: one\n"+
			"per file (its line starting with BC1; the other lines are ignored), or, without files, from\n"+
			"standard input, one share per line (blank lines and lines starting with # are ignored).\n"+
			"The ballots are decrypted and checked, written in a random order, the ciphertexts erased\n"+
			"and the key forgotten. A refusal changes nothing.\n\nFlags:")
		fs.PrintDefaults()
	}
	dataDir, database := dbFlags(fs)
	slug := fs.String("campaign", "", "campaign slug (required)")
	// The flag package stops at the first file; parsing again after each one lets flags
	// follow the files.
	var paths []string
	rest := args
	for {
		if code, ok := parseFlags(fs, rest, stderr); !ok {
			return code
		}
		if rest = fs.Args(); len(rest) == 0 {
			break
		}
		paths, rest = append(paths, rest[0]), rest[1:]
	}
	if *slug == "" {
		fmt.Fprintln(stderr, "budgetcitoyen box unseal: --campaign is required")
		return 2
	}
	var shares []string
	if len(paths) == 0 {
		var err error
		if shares, err = readShareLines(stdin); err != nil {
			fmt.Fprintln(stderr, "budgetcitoyen box unseal: standard input:", err)
			return 1
		}
	}
	for _, p := range paths {
		s, err := readShareFile(p)
		if err != nil {
			fmt.Fprintln(stderr, "budgetcitoyen box unseal:", err)
			return 1
		}
		shares = append(shares, s)
	}
	ctx := context.Background()
	d, c := openCampaign(ctx, "box unseal", *database, *dataDir, *slug, stderr)
	if d == nil {
		return 1
	}
	defer d.Close()
	got, err := vote.Unseal(ctx, change.Env{DB: d, Now: time.Now}, change.System("cli"),
		vote.UnsealInput{Campaign: c, Shares: shares})
	if err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen box unseal:", describeRefusal(err))
		fmt.Fprintln(stderr, "nothing was changed")
		if ae, ok := apperr.As(err); ok && ae.Fields["shares"].Key != "" && len(paths) > 0 {
			fmt.Fprintln(stderr, "the shares, numbered in the order read:")
			for i, p := range paths {
				fmt.Fprintf(stderr, "  %d. %s\n", i+1, p)
			}
		}
		return 1
	}
	fmt.Fprintf(stdout, "unsealed the ballot box of campaign %s\nbox: %s\nballots: %d\n", c.Slug, got.Box, got.Ballots)
	return 0
}

// readShareFile returns the share in the file: its one line starting with BC1.
func readShareFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var found []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(strings.ToUpper(line), "BC1") {
			found = append(found, line)
		}
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("%s: no share in it (a line starting with BC1)", path)
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("%s: %d lines start with BC1; a share file holds one share", path, len(found))
}

// readShareLines reads one share a line, skipping blank lines and lines starting with #.
func readShareLines(r io.Reader) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out, sc.Err()
}

func runBoxStatus(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("box status", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: budgetcitoyen box status --campaign SLUG\n\n"+
			"Tells whether the campaign's ballot box is sealed or unsealed, its id, k of n, the trustees\n"+
			"and how many sealed ballots and trackers it holds.\n\nFlags:")
		fs.PrintDefaults()
	}
	dataDir, database := dbFlags(fs)
	slug := fs.String("campaign", "", "campaign slug (required)")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if *slug == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "budgetcitoyen box status: --campaign is required, and nothing else")
		return 2
	}
	ctx := context.Background()
	d, c := openCampaign(ctx, "box status", *database, *dataDir, *slug, stderr)
	if d == nil {
		return 1
	}
	defer d.Close()
	if err := boxStatus(ctx, d, c, stdout); err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen box status:", describeErr(err))
		return 1
	}
	return 0
}

func boxStatus(ctx context.Context, d *db.DB, c *campaign.Campaign, w io.Writer) error {
	b, err := vote.SealedBoxOf(ctx, d, c.ID)
	if apperr.IsKind(err, apperr.NotFound) {
		fmt.Fprintf(w, "campaign: %s\nstate: no sealed box\n", c.Slug)
		return nil
	}
	if err != nil {
		return err
	}
	// The trackers stay after the unsealing; the ciphertexts are erased then.
	trackers, err := vote.SealedBallotCount(ctx, d, c.ID)
	if err != nil {
		return err
	}
	sealed := trackers
	if !b.Sealed() {
		sealed = 0
	}
	const when = "2006-01-02 15:04:05 UTC"
	state := "sealed on " + b.SealedAt.Format(when)
	if !b.Sealed() {
		state = "unsealed on " + b.UnsealedAt.Format(when) + " (sealed on " + b.SealedAt.Format(when) + ")"
	}
	id := b.PublicBox().ID()
	fmt.Fprintf(w, "campaign: %s\nstate: %s\nbox: %s\nshares needed: %d of %d\ntrustees:\n", c.Slug, state, id, b.K, b.N)
	for i, accountID := range b.Trustees {
		a, err := account.ByID(ctx, d, accountID)
		if err != nil {
			return fmt.Errorf("trustee no. %d: %w", i+1, err)
		}
		fmt.Fprintf(w, "  %d. %s\n", i+1, a.Email)
	}
	fmt.Fprintf(w, "sealed ballots: %d\ntrackers: %d\n", sealed, trackers)
	return nil
}
