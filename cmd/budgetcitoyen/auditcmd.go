package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/db"
)

func runAudit(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, "Usage: budgetcitoyen audit verify [--data DIR] [--database URL]\n\n"+
			"Recomputes the hash chain of the audit log; exits 1 if an entry was edited, inserted or deleted.")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return 0
		}
		return 2
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	dataDir, database := dbFlags(fs)
	if code, ok := parseFlags(fs, args[1:], stderr); !ok {
		return code
	}
	ctx := context.Background()
	d, err := db.Open(ctx, *database, *dataDir)
	if err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen audit verify:", err)
		return 1
	}
	defer d.Close()
	rep, err := audit.Verify(ctx, d)
	if err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen audit verify:", err)
		return 1
	}
	if rep.OK() {
		fmt.Fprintf(stdout, "audit log intact: %d entries, chain verified\n", rep.Entries)
		return 0
	}
	fmt.Fprintf(stdout, "audit log BROKEN: %d entries, %d problem(s)\n", rep.Entries, len(rep.Problems))
	for _, p := range rep.Problems {
		fmt.Fprintf(stdout, "  entry %d: %s\n", p.EntryID, p.What)
	}
	return 1
}
