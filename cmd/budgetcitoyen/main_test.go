package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/db"
)

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestHelpAndUnknownCommand(t *testing.T) {
	if code, out, _ := runCmd(t, "--help"); code != 0 || !strings.Contains(out, "demo") || !strings.Contains(out, "results") {
		t.Errorf("--help: code %d, %q", code, out)
	}
	if code, _, errOut := runCmd(t, "frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown command: code %d, %q", code, errOut)
	}
	for _, cmd := range []string{"serve", "demo", "migrate"} {
		if code, _, errOut := runCmd(t, cmd, "--help"); code != 0 || !strings.Contains(errOut, "-data string") {
			t.Errorf("%s --help: code %d, %q", cmd, code, errOut)
		}
	}
	if code, out, _ := runCmd(t, "version"); code != 0 || !strings.HasPrefix(out, "budgetcitoyen ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestMigrateUserAddAndAuditVerify(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCmd(t, "migrate", "--data", dir)
	if code != 0 || !strings.Contains(out, "applied") {
		t.Fatalf("migrate: %d %q %q", code, out, errOut)
	}
	code, out, errOut = runCmd(t, "user", "add", "--data", dir, "--email", "Agent@Example.org", "--role", "agent")
	if code != 0 || !strings.Contains(out, "created account with role agent to agent@example.org") || !strings.Contains(out, "password: ") {
		t.Fatalf("user add: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCmd(t, "user", "add", "--data", dir, "--email", "agent@example.org", "--role", "admin")
	if code != 0 || !strings.Contains(out, "granted role admin") {
		t.Fatalf("user add again: %d %q", code, out)
	}
	// A role held already: granted again without complaint, and without an audit entry.
	code, out, _ = runCmd(t, "user", "add", "--data", dir, "--email", "agent@example.org", "--role", "admin")
	if code != 0 || !strings.Contains(out, "granted role admin") {
		t.Fatalf("user add a third time: %d %q", code, out)
	}
	code, _, errOut = runCmd(t, "user", "add", "--data", dir, "--email", "x@example.org", "--role", "animator", "--campaign", "nope")
	if code != 1 || !strings.Contains(errOut, "not found") && !strings.Contains(errOut, "Campagne") && !strings.Contains(errOut, "ampaign") {
		t.Fatalf("unknown campaign: %d %q", code, errOut)
	}
	if code, _, errOut = runCmd(t, "user", "add", "--data", dir, "--email", "x@example.org", "--role", "king"); code != 2 {
		t.Fatalf("bad role: %d %q", code, errOut)
	}
	code, out, _ = runCmd(t, "audit", "verify", "--data", dir)
	if code != 0 || !strings.Contains(out, "2 entries") {
		t.Fatalf("audit verify: %d %q", code, out)
	}
	d, err := db.Open(context.Background(), "sqlite:"+filepath.Join(dir, db.SQLiteFile), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec("UPDATE audit_log SET after_json = '{}' WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	d.Close()
	code, out, _ = runCmd(t, "audit", "verify", "--data", dir)
	if code != 1 || !strings.Contains(out, "BROKEN") || !strings.Contains(out, "entry 1") {
		t.Fatalf("audit verify after tampering: %d %q", code, out)
	}
}

func TestDemoSeedsPrintsAccountsAndServes(t *testing.T) {
	cfg := serverConfig{Addr: "127.0.0.1:0", DataDir: t.TempDir(), LogFormat: "text", LogLevel: "info"}
	if err := cfg.finish(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := time.Now()
	go func() { done <- demoMain(ctx, cfg, time.Now, &out, log, func(addr string) { ready <- addr }) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("demo stopped: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("demo not ready after 30 s")
	}
	t.Logf("demo ready in %v", time.Since(start))
	var accounts, shares []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if strings.HasPrefix(l, "share\t") {
			shares = append(shares, l)
		} else {
			accounts = append(accounts, l)
		}
	}
	if len(accounts) != 9 || len(shares) != 6 {
		t.Fatalf("demo printed %d account lines and %d shares: %q", len(accounts), len(shares), out.String())
	}
	for _, l := range accounts {
		if f := strings.Split(l, "\t"); len(f) != 3 || !strings.Contains(f[1], "@") || len(f[2]) < 10 {
			t.Errorf("account line %q is not role<TAB>e-mail<TAB>password", l)
		}
	}
	for _, l := range shares {
		if f := strings.Split(l, "\t"); len(f) != 4 || !strings.HasPrefix(f[1], "budget-citoyen-") ||
			!strings.Contains(f[2], "@") || !strings.HasPrefix(f[3], "BC1-") {
			t.Errorf("share line %q is not share<TAB>campaign<TAB>e-mail<TAB>share", l)
		}
	}
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `lang="fr"`) || !strings.Contains(string(body), "Pas-de-Calais 2018") {
		t.Fatalf("home: %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("graceful shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not stop")
	}
}
