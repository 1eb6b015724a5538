package main

import (
	"os"
	"syscall"
	"time"
)

// usage returns a finished child's peak resident set size in bytes and the
// CPU time it used (user plus system).
func usage(ps *os.ProcessState) (peakRSS int64, cpu time.Duration) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, ps.UserTime() + ps.SystemTime()
	}
	// Maxrss is in KiB on Linux.
	return int64(ru.Maxrss) * 1024, ps.UserTime() + ps.SystemTime()
}
