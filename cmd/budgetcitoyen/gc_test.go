package main

import (
	"os"
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  string // "" = GOGC unset
		want int
	}{
		{"unset: the server's own setting", "", serverGCPercent},
		{"set: the environment wins", "150", 150},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", tc.env) // restored after the test
			if tc.env == "" {
				os.Unsetenv("GOGC")
			}
			// The runtime read GOGC at start-up; the test stands in for it.
			prev := debug.SetGCPercent(150)
			defer debug.SetGCPercent(prev)
			tuneGC()
			if got := debug.SetGCPercent(150); got != tc.want {
				t.Errorf("GC percent = %d, want %d", got, tc.want)
			}
		})
	}
}
