package main

import (
	"os"
	"runtime/debug"
)

// serverGCPercent is the collector's target for the server commands (serve, demo and the
// bench, which runs the server), in place of Go's default of 100.
//
// A request of the vote allocates some 29 KB (most of it in net/http) while the server
// keeps a few tens of MB live. At 100 the collector starts a cycle each time the heap has
// grown by its live size, several times a second under a vote storm, and took 10 to 12 %
// of the processor time in profiles of "budgetcitoyen bench vote". At 400 it runs a
// quarter as often: the bench used about 15 % less processor time per ballot (median of
// six alternating rounds each way, in one process), for a heap that peaks at about five
// times its live size instead of twice.
const serverGCPercent = 400

// tuneGC sets serverGCPercent unless GOGC is set in the environment: whoever runs the
// server can still trade memory for processor time the other way (GOGC=100), or bound
// the heap with GOMEMLIMIT.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	debug.SetGCPercent(serverGCPercent)
}
