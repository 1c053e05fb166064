package main

import (
	"flag"
	"io"
	"strings"
	"testing"
)

func TestTrustedProxiesFlag(t *testing.T) {
	tests := []struct {
		args    []string
		env     string
		want    string
		wantErr bool
	}{
		{args: nil, want: ""},
		{args: []string{"--trusted-proxies", "127.0.0.1/32, 10.0.0.0/8"}, want: "127.0.0.1/32 10.0.0.0/8"},
		{env: "::1", want: "::1/128"},
		{args: []string{"--trusted-proxies", "192.0.2.1"}, env: "::1", want: "192.0.2.1/32"},
		{args: []string{"--trusted-proxies", "proxy.example"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Setenv("BC_TRUSTED_PROXIES", tt.env)
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var cfg serverConfig
		bindServerFlags(fs, &cfg)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		err := cfg.finish()
		if (err != nil) != tt.wantErr {
			t.Errorf("%v, env %q: error %v", tt.args, tt.env, err)
			continue
		}
		var got []string
		for _, p := range cfg.Proxies {
			got = append(got, p.String())
		}
		if !tt.wantErr && strings.Join(got, " ") != tt.want {
			t.Errorf("%v, env %q: %v, want %s", tt.args, tt.env, got, tt.want)
		}
	}
	if code, _, errOut := runCmd(t, "serve", "--trusted-proxies", "nonsense"); code != 2 || !strings.Contains(errOut, "--trusted-proxies") {
		t.Errorf("serve with a bad list: %d %q", code, errOut)
	}
}
