//go:build !linux

package main

import (
	"os"
	"time"
)

// usage returns a finished child's CPU time; peak memory is measured only
// on Linux (getrusage's unit differs between systems) and is 0 here.
func usage(ps *os.ProcessState) (peakRSS int64, cpu time.Duration) {
	return 0, ps.UserTime() + ps.SystemTime()
}
