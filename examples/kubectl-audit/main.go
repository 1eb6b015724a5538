// Command kubectl-audit analyses Kubernetes and OpenShift API-server audit
// logs: a streaming, bounded-memory replacement for `kubectl-dev_tool
// audit` (openshift/cluster-debug-tools) with the same flags and output.
//
// Installed on the PATH as kubectl-audit it is a kubectl plugin:
//
//	go install ./examples/kubectl-audit   # from a clone of the repository
//	kubectl audit -f must-gather/audit_logs/kube-apiserver --by=user -otop
//
// See README.md for every flag and a worked investigation.
package main

import (
	"context"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

// The garbage collector's settings, unless GOGC or GOMEMLIMIT say
// otherwise: the reader allocates a block of input after another, of which
// little stays live, so collecting less often saves CPU (about 6% on a
// large must-gather), while a soft limit keeps the peak bounded. The limit
// follows the live heap (see followLiveHeap): a fixed one below what a
// query must hold (a grouped view of many groups, an export's row groups)
// made the collector run without end.
//
// A listing's heap is mostly entries on their way out, some of them events
// of 10 MiB, so it is collected sooner (see listing): that takes a listing
// of such events from 218 MB to about 175 MB, for no CPU time measurable,
// where an aggregate view, whose heap is mostly what it counts, would pay
// 2 to 4% more CPU.
//
// A small heap is collected at the default GOGC instead (see gcSettings).
const (
	gcPercent   = 400
	memoryLimit = 112 << 20
)

func main() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		setGC(gcSettings(0, false, memoryLimit))
		go followLiveHeap(memoryLimit, 100*time.Millisecond)
	}
	displayName = invocationName(os.Getenv("KUBECTL_PLUGINS_CALLER"), os.Args[0])
	ctx, stop := withSignals(context.Background())
	code := runContext(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// listing is set while the query lists events (see answer).
var listing atomic.Bool

// followLiveHeap keeps the collector's settings at what gcSettings says of
// the heap the last collection found live, with the soft limit at least
// floor, looking every period.
func followLiveHeap(floor int64, period time.Duration) {
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	for range time.Tick(period) {
		metrics.Read(live)
		if live[0].Value.Kind() == metrics.KindUint64 {
			setGC(gcSettings(int64(live[0].Value.Uint64()), listing.Load(), floor))
		}
	}
}

// appliedPercent is the GOGC last set, so that it is set again only when
// it changes.
var appliedPercent int

// setGC sets the collector's GOGC and soft memory limit.
func setGC(percent int, limit int64) {
	if percent != appliedPercent {
		debug.SetGCPercent(percent)
		appliedPercent = percent
	}
	debug.SetMemoryLimit(limit)
}
