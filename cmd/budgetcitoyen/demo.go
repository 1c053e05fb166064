package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/dossier"
)

func runDemo(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: budgetcitoyen demo [flags]\n\n"+
			"Seeds the demonstration campaigns and accounts if the database is empty, prints the demo\n"+
			"accounts (role, e-mail, password) and the demo trustees' shares of the sealed ballot\n"+
			"boxes, unseals a box once its vote has closed, and serves the site like 'serve'.\n\nFlags:")
		fs.PrintDefaults()
	}
	var cfg serverConfig
	bindServerFlags(fs, &cfg)
	nowFlag := fs.String("now", envOr("BC_NOW", ""), "pretend the current time is this RFC 3339 instant, e.g. 2018-09-05T10:00:00+02:00 (env BC_NOW)")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if err := cfg.finish(); err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen demo:", err)
		return 2
	}
	tuneGC()
	now := time.Now
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			fmt.Fprintf(stderr, "budgetcitoyen demo: --now %q: expected an RFC 3339 instant such as 2018-09-05T10:00:00+02:00\n", *nowFlag)
			return 2
		}
		now = offsetClock(t)
	}
	log, err := newLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen demo:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := demoMain(ctx, cfg, now, stdout, log, nil); err != nil {
		log.Error("demo", "err", err)
		return 1
	}
	return 0
}

// demoMain opens and migrates the database, seeds it if empty, prints the demo accounts and
// serves until ctx is cancelled.
func demoMain(ctx context.Context, cfg serverConfig, now func() time.Time, stdout io.Writer, log *slog.Logger, ready func(addr string)) error {
	d, err := openAndMigrate(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	empty, err := demo.IsEmpty(ctx, d)
	if err != nil {
		return err
	}
	if empty {
		start := time.Now()
		dataDir := cfg.DataDir
		if dataDir == "" {
			dataDir = "data"
		}
		blobs := dossier.LocalBlobs{Dir: filepath.Join(dataDir, "blobs")}
		if err := demo.SeedWith(ctx, d, now(), account.PasswordParams{}, blobs); err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
		log.Info("demo data seeded", "duration", time.Since(start).Round(time.Millisecond))
	} else {
		log.Info("database not empty: demo data left as it is")
	}
	for _, a := range demo.Accounts(now()) {
		fmt.Fprintf(stdout, "%s\t%s\t%s\n", a.Role, a.Email, a.Password)
	}
	shares, err := demo.Shares(ctx, d, now())
	if err != nil {
		return err
	}
	for _, s := range shares {
		fmt.Fprintf(stdout, "share\t%s\t%s\t%s\n", s.Slug, s.Email, s.Share)
	}
	go unsealClosedBoxes(ctx, d, now, log)
	return serve(ctx, cfg, d, now, log, ready)
}

// unsealClosedBoxes unseals the demo boxes whose vote has closed, at start and then every
// minute while the demo runs (its clock may be set to any date, and runs on), so that a
// demo past a vote's close shows its results. A real site's boxes are unsealed by their
// trustees only.
func unsealClosedBoxes(ctx context.Context, d *db.DB, now func() time.Time, log *slog.Logger) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		done, err := demo.UnsealClosed(ctx, d, now())
		if err != nil {
			log.Error("demo: unseal the boxes of closed votes", "err", err)
		}
		for _, slug := range done {
			log.Info("demo: the vote has closed, its box was unsealed with the demo trustees' shares", "campaign", slug)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
