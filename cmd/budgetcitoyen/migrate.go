package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"budgetcitoyen/internal/db"
)

func runMigrate(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: budgetcitoyen migrate [flags]\n\nApplies the database migrations not yet applied, then exits.\n\nFlags:")
		fs.PrintDefaults()
	}
	dataDir, database := dbFlags(fs)
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	ctx := context.Background()
	d, err := db.Open(ctx, *database, *dataDir)
	if err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen migrate:", err)
		return 1
	}
	defer d.Close()
	n, err := d.Migrate(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen migrate:", err)
		return 1
	}
	v, err := d.Version(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen migrate:", err)
		return 1
	}
	fmt.Fprintf(stdout, "applied %d migration(s); schema version %d (%s)\n", n, v, d.Dialect)
	return 0
}

// dbFlags declares --data and --database for the commands that only need the database.
func dbFlags(fs *flag.FlagSet) (dataDir, database *string) {
	dataDir = fs.String("data", envOr("BC_DATA", "./data"), "folder of the SQLite database (env BC_DATA)")
	database = fs.String("database", envOr("BC_DATABASE_URL", ""), "database URL: empty = SQLite in the data folder, postgres://… = PostgreSQL (env BC_DATABASE_URL)")
	return dataDir, database
}
