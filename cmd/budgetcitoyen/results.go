package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"budgetcitoyen/internal/tally"
)

const resultsUsage = `Usage: budgetcitoyen results FILE.pb|- --rule NAME [flags]

Computes the outcome of a participatory-budgeting election stored in the pabulib .pb format
(FILE "-" reads standard input) and explains the decision for every project.
Flags may come before or after FILE.

Flags:
  --rule NAME          required: %s
  --tie-break LIST     comma-chained: id (default), cost, votes, order, seed:S
  --format FORMAT      text (default), json or csv
  --lang LANG          language of the text format: fr (default) or en
  --envelopes MODE     global (default) or category (one envelope per category)
  -h, --help           show this help
`

// progressThreshold is the ballot count from which a progress line is worth printing.
const progressThreshold = 100000

// runResults implements "budgetcitoyen results". args excludes the word "results".
func runResults(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("results", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	rule := fs.String("rule", "", "")
	tieBreak := fs.String("tie-break", "id", "")
	format := fs.String("format", "text", "")
	lang := fs.String("lang", "fr", "")
	envelopes := fs.String("envelopes", string(tally.GlobalEnvelope), "")
	usage := func(w io.Writer) {
		fmt.Fprintf(w, resultsUsage, strings.Join(tally.RuleNames(), ", "))
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "budgetcitoyen results: "+format+"\n", a...)
		return 2
	}
	// The flag package stops at the first positional argument; parsing again after each one
	// lets flags follow FILE.
	var files []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				usage(stdout)
				return 0
			}
			fmt.Fprintf(stderr, "budgetcitoyen results: %v\n\n", err)
			usage(stderr)
			return 2
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		files = append(files, rest[0])
		rest = rest[1:]
	}
	switch {
	case len(files) == 0:
		fmt.Fprintln(stderr, "budgetcitoyen results: missing FILE.pb (or - for standard input)")
		usage(stderr)
		return 2
	case len(files) > 1:
		return fail("one FILE expected, got %d: %s", len(files), strings.Join(files, " "))
	case *rule == "":
		fmt.Fprintln(stderr, "budgetcitoyen results: --rule is required")
		usage(stderr)
		return 2
	}
	if *format != "text" && *format != "json" && *format != "csv" {
		return fail("unknown --format %q (text, json or csv)", *format)
	}
	lg, err := tally.ParseLang(*lang)
	if err != nil {
		return fail("--lang: %v", err)
	}
	if _, err := tally.ParseTieBreak(*tieBreak); err != nil {
		return fail("--tie-break: %v", err)
	}

	// The engine allocates a few large, long-lived arrays: collecting less often saves time
	// while the peak stays far below the memory budget.
	defer debug.SetGCPercent(debug.SetGCPercent(400))

	name := files[0]
	var in io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fail("%v", err)
		}
		defer f.Close()
		in = f
	}
	showProgress := isTerminal(stderr)
	shown := false
	opts := tally.ReadOptions{}
	if showProgress {
		opts.Progress = func(n int) {
			if n >= progressThreshold {
				fmt.Fprintf(stderr, "\rreading %s: %d ballots…", name, n)
				shown = true
			}
		}
	}
	inst, err := tally.ReadPBWith(in, opts)
	if shown {
		fmt.Fprintf(stderr, "\rcomputing %s with %s…\x1b[K", name, *rule)
	}
	if err != nil {
		return fail("%s: %v", name, err)
	}
	out, err := tally.Run(inst, tally.Options{Rule: *rule, TieBreak: *tieBreak, Envelopes: tally.EnvelopeMode(*envelopes)})
	if shown {
		fmt.Fprint(stderr, "\r\x1b[K")
	}
	if err != nil {
		return fail("%s: %v", name, err)
	}
	switch *format {
	case "json":
		err = tally.WriteJSON(stdout, out)
	case "csv":
		err = tally.WriteCSV(stdout, out)
	default:
		err = tally.WriteText(stdout, out, lg)
	}
	if err != nil {
		fmt.Fprintf(stderr, "budgetcitoyen results: %v\n", err)
		return 1
	}
	return 0
}

// isTerminal reports whether w is a character device (a terminal), without extra
// dependencies; progress lines would only clutter a redirected stderr.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
