package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/mydata"
	"budgetcitoyen/internal/privacy"
	"budgetcitoyen/internal/subscription"
	"budgetcitoyen/internal/vote"
	"budgetcitoyen/internal/web"
)

func runServe(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: budgetcitoyen serve [flags]\n\nRuns the web site and the background worker (e-mails, clean-ups).\n\nFlags:")
		fs.PrintDefaults()
	}
	var cfg serverConfig
	bindServerFlags(fs, &cfg)
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if err := cfg.finish(); err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen serve:", err)
		return 2
	}
	tuneGC()
	log, err := newLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen serve:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	d, err := openAndMigrate(ctx, cfg, log)
	if err != nil {
		log.Error("start", "err", err)
		return 1
	}
	defer d.Close()
	if err := serve(ctx, cfg, d, time.Now, log, nil); err != nil {
		log.Error("serve", "err", err)
		return 1
	}
	return 0
}

func openAndMigrate(ctx context.Context, cfg serverConfig, log *slog.Logger) (*db.DB, error) {
	d, err := db.Open(ctx, cfg.Database, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	n, err := d.Migrate(ctx)
	if err != nil {
		d.Close()
		return nil, err
	}
	if n > 0 {
		log.Info("database migrated", "applied", n, "dialect", d.Dialect)
	}
	return d, nil
}

// serve runs the HTTP server and the worker until ctx is cancelled (SIGINT/SIGTERM), then
// shuts down gracefully: in-flight requests finish (up to 20 s), the worker stops between
// two messages. ready, if not nil, is called once the listener accepts connections.
func serve(ctx context.Context, cfg serverConfig, d *db.DB, now func() time.Time, log *slog.Logger, ready func(addr string)) error {
	// The values of this process that serve the database: every ballot goes through one box
	// (written in groups), every session read through one cache.
	box := vote.NewBox(d, now)
	box.Logger = log
	srv, err := web.New(web.Config{DB: d, Logger: log, Now: now, BaseURL: cfg.BaseURL, DataDir: cfg.DataDir,
		Version: versionString(), OIDC: cfg.OIDC, Box: box, Sessions: account.NewSessionCache(d),
		MetricsToken: cfg.MetricsToken, TrustedProxies: cfg.Proxies,
		// The statistics' days of the vote mark those on which the subscribers got news.
		ReminderDays: func(ctx context.Context, campaignID int64) ([]time.Time, error) {
			return subscription.MailingDays(ctx, d, campaignID)
		}})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	httpSrv := &http.Server{
		Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	var metricsSrv *http.Server
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen on %s (metrics): %w", cfg.MetricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", srv.MetricsHandler())
		metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
		go func() {
			if err := metricsSrv.Serve(mln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("metrics listener", "err", err)
			}
		}()
		log.Info("metrics", "addr", mln.Addr().String())
	}
	workerCtx, stopWorker := context.WithCancel(context.Background())
	workerDone := make(chan struct{})
	go func() {
		defer close(workerDone)
		runWorker(workerCtx, d, srv, cfg.sender(log), cfg.MailPerMinute, now, log)
	}()
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpSrv.Serve(ln) }()
	log.Info("listening", "url", cfg.BaseURL, "addr", ln.Addr().String(), "database", d.Dialect, "version", versionString())
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-serveErr:
		stopWorker()
		<-workerDone
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = httpSrv.Shutdown(shutCtx)
	if metricsSrv != nil {
		_ = metricsSrv.Shutdown(shutCtx)
	}
	box.Flush() // the "you voted" e-mails of the last ballots go to the outbox
	stopWorker()
	<-workerDone
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// runWorker is the background work of one process: sending the outbox (at most perMinute
// e-mails a minute, 0: no cap), every minute queueing the campaigns' news to their
// subscribers and, every few minutes, removing expired sessions. Several processes may run
// it against one database.
func runWorker(ctx context.Context, d *db.DB, srv *web.Server, sender mail.Sender, perMinute int, now func() time.Time, log *slog.Logger) {
	w := &mail.Worker{DB: d, Sender: sender, Now: now, Logger: log, PerMinute: perMinute}
	go w.Run(ctx)
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	news := time.NewTicker(time.Minute)
	defer news.Stop()
	// The retention purge runs at the first tick, then once a day.
	var lastPurge time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-news.C:
			// The count only: never an address next to anything.
			if n, err := srv.QueueCampaignNews(ctx); err != nil && ctx.Err() == nil {
				log.Warn("campaign news", "err", err)
			} else if n > 0 {
				log.Info("campaign news queued", "emails", n)
			}
		case <-t.C:
			if err := srv.CleanupSessions(ctx); err != nil && ctx.Err() == nil {
				log.Warn("session clean-up", "err", err)
			}
			if time.Since(lastPurge) >= 24*time.Hour {
				lastPurge = time.Now()
				purgeNow(ctx, mydata.Env{Change: change.Env{DB: d, Now: now}, Workshop: srv.WorkshopMailer()}, now, log)
			}
			if _, err := srv.QueueWorkshopReminders(ctx); err != nil && ctx.Err() == nil {
				log.Warn("comptoir reminders", "err", err)
			}
			if _, err := srv.QueueReviewReminders(ctx); err != nil && ctx.Err() == nil {
				log.Warn("committee reminders", "err", err)
			}
			if _, err := srv.QueueFollowupReminders(ctx); err != nil && ctx.Err() == nil {
				log.Warn("follow-up reminders", "err", err)
			}
		}
	}
}

// purgeNow erases the personal data past its retention period (privacy.Purge) and logs the
// counts, never what was erased.
func purgeNow(ctx context.Context, env mydata.Env, now func() time.Time, log *slog.Logger) {
	rep, err := privacy.Purge(ctx, env, change.System("worker"), now(), false)
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("retention purge", "err", err)
		}
		return
	}
	log.Info("retention purge", "sessions", rep.Sessions, "links", rep.Tokens, "failures", rep.SignInFailures,
		"quota", rep.MailQuota, "emails", rep.Outbox, "invitations", rep.Invitations,
		"unconfirmed_accounts", rep.UnverifiedAccounts, "voter_registers", len(rep.Voters))
}
