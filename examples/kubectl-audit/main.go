// Command kubectl-audit analyses Kubernetes and OpenShift API-server audit
// logs: a streaming, bounded-memory replacement for `kubectl-dev_tool
// audit` (openshift/cluster-debug-tools) with the same flags and output.
//
// Installed on the PATH as kubectl-audit it is a kubectl plugin:
//
//	go install github.com/auditlens/auditlens/examples/kubectl-audit@latest
//	kubectl audit -f must-gather/audit_logs/kube-apiserver --by=user -otop
//
// See README.md for every flag and a worked investigation.
package main

import (
	"context"
	"os"
	"runtime/debug"
)

// The garbage collector's settings, unless GOGC or GOMEMLIMIT say
// otherwise: the reader allocates a block of input after another, of which
// little stays live, so collecting less often saves CPU (about 6% on a
// large must-gather), while the soft limit keeps the peak bounded.
const (
	gcPercent   = 400
	memoryLimit = 112 << 20
)

func main() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(gcPercent)
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := withSignals(context.Background())
	code := runContext(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
