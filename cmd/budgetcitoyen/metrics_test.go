package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// freeAddr returns a loopback address nobody listens on at the moment.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func httpGet(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The metrics are served on their own listen address when one is configured, never on the
// site without the token, and on the site with it.
func TestServeMetricsApart(t *testing.T) {
	metricsAddr := freeAddr(t)
	cfg := serverConfig{Addr: "127.0.0.1:0", DataDir: t.TempDir(), LogFormat: "text", LogLevel: "info",
		MetricsAddr: metricsAddr, MetricsToken: "s3cret-token"}
	if err := cfg.finish(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	d, err := openAndMigrate(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, d, time.Now, log, func(addr string) { ready <- addr }) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("not ready after 30 s")
	}
	httpGet(t, "http://"+addr+"/", "")
	if code, body := httpGet(t, "http://"+metricsAddr+"/metrics", ""); code != http.StatusOK ||
		!strings.Contains(body, `budgetcitoyen_http_requests_total{code="200",method="GET",route="GET /{$}"}`) {
		t.Errorf("metrics address: %d\n%.300s", code, body)
	}
	if code, _ := httpGet(t, "http://"+metricsAddr+"/", ""); code != http.StatusNotFound {
		t.Errorf("metrics address serves the site: GET / = %d", code)
	}
	for _, tok := range []string{"", "wrong", "s3cret-toke"} {
		if code, body := httpGet(t, "http://"+addr+"/metrics", tok); code != http.StatusUnauthorized || strings.Contains(body, "go_info") {
			t.Errorf("site /metrics with token %q: %d", tok, code)
		}
	}
	if code, body := httpGet(t, "http://"+addr+"/metrics", "s3cret-token"); code != http.StatusOK || !strings.Contains(body, "go_info") {
		t.Errorf("site /metrics with the token: %d", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := net.DialTimeout("tcp", metricsAddr, time.Second); err == nil {
		t.Error("the metrics listener is still open after shutdown")
	}
}

func TestMetricsFlagsFromTheEnvironment(t *testing.T) {
	t.Setenv("BC_METRICS_ADDR", "127.0.0.1:9100")
	t.Setenv("BC_METRICS_TOKEN", "tok")
	var c serverConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	bindServerFlags(fs, &c)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if c.MetricsAddr != "127.0.0.1:9100" || c.MetricsToken != "tok" {
		t.Errorf("from the environment: %q %q", c.MetricsAddr, c.MetricsToken)
	}
	var d serverConfig
	fs = flag.NewFlagSet("serve", flag.ContinueOnError)
	t.Setenv("BC_METRICS_ADDR", "")
	t.Setenv("BC_METRICS_TOKEN", "")
	bindServerFlags(fs, &d)
	if err := fs.Parse([]string{"--metrics-addr", ":9200"}); err != nil || d.MetricsAddr != ":9200" || d.MetricsToken != "" {
		t.Errorf("flag: %q %q %v", d.MetricsAddr, d.MetricsToken, err)
	}
}
