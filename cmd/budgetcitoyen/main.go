// Command budgetcitoyen runs the participatory-budgeting platform: the web site, the demo, the
// database migrations, account administration, the sealed ballot box, the results engine and
// the audit check.
//
// This file is wiring only: it picks the subcommand; each subcommand lives in its own file.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// subcommand is one verb of the binary. run receives the arguments after the verb and returns
// the process exit code.
type subcommand struct {
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

func subcommands() map[string]subcommand {
	return map[string]subcommand{
		"serve":   {"run the web site and the background worker", runServe},
		"demo":    {"seed the demonstration data if the database is empty, then serve", runDemo},
		"migrate": {"apply the database migrations and exit", runMigrate},
		"user":    {"manage accounts: user add --email … --role …", runUser},
		"audit":   {"check the audit log: audit verify", runAudit},
		"purge":   {"erase the personal data past its retention period: purge [--dry-run] [--now TIME]", runPurge},
		"box":     {"the sealed ballot box of a campaign: box seal, box unseal, box status", runBox},
		"results": {"compute the outcome of a participatory-budgeting election (.pb file)", runResults},
		"bench":   {"measure the vote under load: bench vote [--database URL] [--voters N] [--concurrency C]", runBench},
		"version": {"print the version", runVersion},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmds := subcommands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(cmds, stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "budgetcitoyen: unknown command %q\n\n", args[0])
		usage(cmds, stderr)
		return 2
	}
	return cmd.run(args[1:], stdin, stdout, stderr)
}

func usage(cmds map[string]subcommand, w io.Writer) {
	fmt.Fprintln(w, "Usage: budgetcitoyen COMMAND [flags]")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(cmds))
	for name := range cmds {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-9s %s\n", name, cmds[name].summary)
	}
	fmt.Fprintln(w, "\nRun 'budgetcitoyen COMMAND --help' for the flags of a command.")
}
