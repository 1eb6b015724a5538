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

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
