package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/oidc"
	"budgetcitoyen/internal/web"
)

// serverConfig is the configuration of serve and demo: flags, each with an environment
// variable as its default.
type serverConfig struct {
	Addr      string
	DataDir   string
	Database  string
	BaseURL   string
	LogFormat string
	LogLevel  string
	SMTP      mail.SMTPConfig
	// MailPerMinute caps the e-mails sent per minute by each process (0: no cap).
	MailPerMinute int
	// MetricsAddr is the listen address of /metrics alone; empty = not served there.
	MetricsAddr string
	// MetricsToken serves /metrics on the site to requests bearing it; empty = not there.
	MetricsToken string
	// OIDC is the OpenID Connect (FranceConnect) provider of the vote's identity step.
	OIDC oidc.Config
	// TrustedProxies is the --trusted-proxies list as given; Proxies, parsed by finish.
	TrustedProxies string
	Proxies        []netip.Prefix
}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

func envInt(key string, def int) int {
	if v, ok := os.LookupEnv(key); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

// bindServerFlags declares the flags shared by serve and demo.
func bindServerFlags(fs *flag.FlagSet, c *serverConfig) {
	fs.StringVar(&c.Addr, "addr", envOr("BC_ADDR", "127.0.0.1:8080"), "listen address (env BC_ADDR)")
	fs.StringVar(&c.DataDir, "data", envOr("BC_DATA", "./data"), "folder for the SQLite database and uploaded files (env BC_DATA)")
	fs.StringVar(&c.Database, "database", envOr("BC_DATABASE_URL", ""), "database URL: empty = SQLite in the data folder, postgres://… = PostgreSQL (env BC_DATABASE_URL)")
	fs.StringVar(&c.BaseURL, "base-url", envOr("BC_BASE_URL", ""), "public address of the site, used in e-mails (env BC_BASE_URL; default http://ADDR)")
	fs.StringVar(&c.LogFormat, "log-format", envOr("BC_LOG_FORMAT", "text"), "log format: text or json (env BC_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", envOr("BC_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env BC_LOG_LEVEL)")
	fs.StringVar(&c.SMTP.Host, "smtp-host", envOr("BC_SMTP_HOST", ""), "SMTP server; empty = e-mails are written to the log (env BC_SMTP_HOST)")
	fs.IntVar(&c.SMTP.Port, "smtp-port", envInt("BC_SMTP_PORT", 587), "SMTP port (env BC_SMTP_PORT)")
	fs.StringVar(&c.SMTP.Username, "smtp-user", envOr("BC_SMTP_USER", ""), "SMTP user name (env BC_SMTP_USER)")
	fs.StringVar(&c.SMTP.Password, "smtp-password", envOr("BC_SMTP_PASSWORD", ""), "SMTP password; prefer the environment variable (env BC_SMTP_PASSWORD)")
	fs.StringVar(&c.SMTP.From, "smtp-from", envOr("BC_SMTP_FROM", "Budget citoyen <noreply@localhost>"), "sender of e-mails (env BC_SMTP_FROM)")
	fs.IntVar(&c.MailPerMinute, "mail-per-minute", envInt("BC_MAIL_PER_MINUTE", 600), "e-mails sent per minute at most, by each process: the news and newsletters to a campaign's subscribers leave at this rate; 0 = no cap (env BC_MAIL_PER_MINUTE)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", envOr("BC_METRICS_ADDR", ""), "listen address of the Prometheus metrics (/metrics), for the monitoring only; empty = not served (env BC_METRICS_ADDR)")
	fs.StringVar(&c.MetricsToken, "metrics-token", envOr("BC_METRICS_TOKEN", ""), "serve /metrics on the site too, to requests with the header \"Authorization: Bearer TOKEN\"; empty = not on the site (env BC_METRICS_TOKEN)")
	// OpenID Connect (FranceConnect).
	fs.StringVar(&c.OIDC.Issuer, "oidc-issuer", envOr("BC_OIDC_ISSUER", ""), "OpenID Connect issuer URL (FranceConnect); empty = none (env BC_OIDC_ISSUER)")
	fs.StringVar(&c.OIDC.ClientID, "oidc-client-id", envOr("BC_OIDC_CLIENT_ID", ""), "OpenID Connect client id (env BC_OIDC_CLIENT_ID)")
	fs.StringVar(&c.OIDC.ClientSecret, "oidc-client-secret", envOr("BC_OIDC_CLIENT_SECRET", ""), "OpenID Connect client secret; prefer the environment variable (env BC_OIDC_CLIENT_SECRET)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", envOr("BC_TRUSTED_PROXIES", ""), "reverse proxies whose X-Forwarded-For or Forwarded header gives the client's address: comma-separated CIDR prefixes, e.g. 127.0.0.1/32,10.0.0.0/8; empty = the peer is the client (env BC_TRUSTED_PROXIES)")
	fs.StringVar(&c.OIDC.ACR, "oidc-acr", envOr("BC_OIDC_ACR", "eidas1"), "acr_values asked of the provider (env BC_OIDC_ACR)")
}

func (c *serverConfig) finish() error {
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	proxies, err := web.ParseTrustedProxies(c.TrustedProxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	c.Proxies = proxies
	if c.MailPerMinute < 0 {
		return fmt.Errorf("--mail-per-minute must be 0 or more")
	}
	if c.SMTP.Host != "" && c.SMTP.From == "" {
		return fmt.Errorf("--smtp-from is required with --smtp-host")
	}
	return nil
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: %w", level, err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: expected text or json", format)
}

func (c *serverConfig) sender(log *slog.Logger) mail.Sender {
	if c.SMTP.Host == "" {
		return mail.LogSender{Logger: log}
	}
	return mail.SMTPSender{Config: c.SMTP}
}

// offsetClock runs from a chosen instant at the speed of real time: `demo --now` uses it to
// put the whole site at another date.
func offsetClock(start time.Time) func() time.Time {
	offset := time.Until(start)
	return func() time.Time { return time.Now().Add(offset) }
}

// parseFlags parses args, printing usage on -h and errors to stderr. ok=false means: exit
// with code.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (code int, ok bool) {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0, false
		}
		return 2, false
	}
	return 0, true
}
