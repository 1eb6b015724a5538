// Package webhook tests the live server (package serve) with the
// Kubernetes API server's own audit webhook backend as its client
// (k8s.io/apiserver's plugin/pkg/audit/webhook behind the buffered
// backend): a module of its own, so that the client libraries it needs
// (client-go, component-base) are not the main module's.
package webhook
