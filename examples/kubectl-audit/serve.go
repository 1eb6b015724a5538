package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/auditlens/auditlens/auditlog/follow"
	"github.com/auditlens/auditlens/serve"
)

// defaultMemoryLimit is serve's soft memory limit: the live heap of an
// hour of minutes is tens of MB, and the queue's batches and the garbage
// of decoding them are what peak; near the limit the collector runs more
// often (measured: 199 MB peak without it, 163 MB with it, for 450,000
// varied events queued at once).
const defaultMemoryLimit = 128 << 20

// serveOptions are the flags of `kubectl-audit serve`.
type serveOptions struct {
	memoryLimit int64
	access      serve.Access
	config      serve.Config
	follow      []string
	fromStart   bool
}

// newServeCommand builds `kubectl-audit serve`, which answers the
// command's questions live (see package serve).
func newServeCommand(o *options, stdout, stderr io.Writer) *cobra.Command {
	so := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve [--listen ADDR] [--follow FILE|DIR [--from-start]] [--parquet DIR] [flags]",
		Short: "Answer live: receive the API server's audit webhook, or follow its log files",
		Long: `Receives audit events as the API server sends them (its audit webhook backend: POST /audit
with an EventList batch; ?server=NAME&node=NAME say who sent it) and keeps, for --retain back from
the newest event, per-minute counts of the command's views. GET /query takes the command's flags as
parameters and answers what the command answers for those events:

  curl 'http://127.0.0.1:8777/query?by=user&o=top&since=-5m'
  curl 'http://127.0.0.1:8777/query?o=findings&format=json'
  open  http://127.0.0.1:8777/query?o=html   (the page reloads itself)

A query the server was not counting from its start (--query) is counted from when it is first
asked. GET /metrics serves Prometheus metrics, GET /healthz says it runs. It listens on loopback
unless given TLS and client authentication (--tls-cert, --tls-key, and --client-ca or token files);
it refuses to start otherwise. SIGTERM or SIGINT stops accepting, counts what is queued and commits
the Parquet export (--parquet), then exits 0, or 3 when some input could not be read. docs/serve
holds a webhook kubeconfig, an audit policy and Kubernetes manifests.`,
		Example: `  kubectl audit serve
  kubectl audit serve --listen 0.0.0.0:8443 --tls-cert tls.crt --tls-key tls.key --client-ca ca.crt --parquet /var/lib/auditlens`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return so.run(cmd.Context(), stderr)
		},
	}
	f := cmd.Flags()
	a, c := &so.access, &so.config
	f.StringVar(&a.Addr, "listen", serve.DefaultAddr, "Address to listen on, host:port; beyond loopback it needs --tls-cert, --tls-key and client authentication")
	f.StringVar(&a.CertFile, "tls-cert", "", "The server's TLS certificate (PEM)")
	f.StringVar(&a.KeyFile, "tls-key", "", "The server's TLS key (PEM)")
	f.StringVar(&a.ClientCAFile, "client-ca", "", "CA certificates (PEM) whose client certificates may send events and ask queries")
	f.StringVar(&a.IngestTokenFile, "ingest-token-file", "", "File holding the bearer token that may POST /audit")
	f.StringVar(&a.QueryTokenFile, "query-token-file", "", "File holding the bearer token that may ask /query and /metrics")
	f.DurationVar(&c.Retain, "retain", serve.DefaultRetain, "How long back from the newest event the per-minute counts are kept")
	f.StringArrayVar(&c.Queries, "query", nil, "A query counted from the start, as parameters (o=top&by=user); repeatable; none: "+fmt.Sprint(serve.DefaultQueries))
	f.IntVar(&c.MaxQueries, "max-queries", serve.DefaultMaxQueries, "How many queries beyond --query are counted at once (the one asked least recently stops first)")
	f.Int64Var(&c.MaxBody, "max-body", serve.DefaultMaxBody, "Largest batch accepted, in bytes (413 beyond)")
	f.Int64Var(&c.QueueBytes, "queue-bytes", serve.DefaultQueueBytes, "Bytes of batches queued at most (429 with Retry-After beyond)")
	f.StringVar(&c.Parquet, "parquet", "", "Also write every event to this Parquet export directory, committed every hour and at shutdown")
	f.StringVar(&c.Cluster, "cluster", "", "The export's cluster partition")
	f.IntVar(&c.Workers, "workers", 0, "Goroutines decoding and counting (0: one per core)")
	f.Int64Var(&so.memoryLimit, "memory-limit", defaultMemoryLimit, "Soft memory limit of the Go runtime, in bytes, which collects garbage harder near it (0: none; the GOMEMLIMIT environment variable, when set, wins)")
	f.StringArrayVar(&so.follow, "follow", nil, "Also read these audit log files, or directories of them, as they grow and across rotation (repeatable)")
	f.BoolVar(&so.fromStart, "from-start", false, "With --follow: read what the files hold first (a directory's rotated files oldest first), rather than from their end")
	return cmd
}

// run serves until ctx is done.
func (so *serveOptions) run(ctx context.Context, stderr io.Writer) error {
	if err := so.access.Check(); err != nil {
		return &usageError{msg: err.Error()}
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set && so.memoryLimit > 0 {
		debug.SetMemoryLimit(so.memoryLimit)
	}
	if len(so.config.Files) == 0 && so.config.Parquet != "" {
		so.config.Files = []string{so.config.Parquet}
	}
	s, err := serve.New(so.config)
	if err != nil {
		return &usageError{msg: err.Error()}
	}
	g, gctx := errgroup.WithContext(ctx)
	serving, stop := context.WithCancel(gctx)
	defer stop()
	g.Go(func() error { return s.Run(serving) })
	for _, path := range so.follow {
		g.Go(func() error {
			return s.Follow(serving, path, follow.Options{FromStart: so.fromStart})
		})
	}
	g.Go(func() error {
		defer stop()
		return so.access.Serve(serving, s, func(addr string) {
			fmt.Fprintf(stderr, "serving on %s: POST /audit, GET /query, /metrics, /healthz\n", addr)
		})
	})
	err = g.Wait()
	rep := s.Report()
	fmt.Fprintf(stderr, "stopped at %s: %d events read, %d lines unreadable\n", time.Now().UTC().Format(time.RFC3339), rep.Events, rep.Failures())
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if lost := s.FollowLost(); lost > 0 {
		return &partialError{msg: fmt.Sprintf("%d problems of following files lost lines (see the metrics)", lost)}
	}
	if rep.Failures() > 0 {
		return &partialError{msg: fmt.Sprintf("%d lines received could not be read", rep.Failures())}
	}
	return nil
}
