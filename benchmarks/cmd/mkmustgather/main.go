// Command mkmustgather writes a deterministic must-gather-shaped tree of
// audit logs with its truth.json (see package mustgather), or with
// -shape cluster the kube-apiserver logs of a large cluster (6,000 users,
// many objects, short lines; mustgather.GenerateCluster), without truth.
//
//	go run ./benchmarks/cmd/mkmustgather -seed 1 -events 30000 -out testdata/must-gather
//	go run ./benchmarks/cmd/mkmustgather -shape cluster -events 1155000 -out /tmp/cluster
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/auditlens/auditlens/internal/mustgather"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "mkmustgather:", err)
		os.Exit(1)
	}
}

func run() error {
	var cfg mustgather.Config
	out := flag.String("out", "", "directory to write (required)")
	scen := flag.String("scenarios", "mix", "comma-separated: metrics-403, pod-delete, throttled-controller, ordinary, findings, mix, none")
	start := flag.String("start", mustgather.DefaultStart.Format(time.RFC3339), "time of the first request (RFC3339)")
	flag.Int64Var(&cfg.Seed, "seed", 1, "random seed")
	flag.IntVar(&cfg.Events, "events", 30000, "kube-apiserver requests (ResponseComplete events)")
	flag.DurationVar(&cfg.Duration, "duration", mustgather.DefaultDuration, "time the requests span")
	flag.IntVar(&cfg.Masters, "masters", 3, "control-plane nodes")
	flag.IntVar(&cfg.Workers, "workers", 40, "worker nodes")
	flag.IntVar(&cfg.Files, "files", 4, "files per node and server (rotated + live)")
	flag.Float64Var(&cfg.LiveFraction, "live-fraction", 0.25, "live file's time slice relative to a rotated file's")
	flag.IntVar(&cfg.GzipLevel, "gzip-level", 6, "gzip level of rotated files (1-9); 6 is the level API servers rotate with")
	flag.IntVar(&cfg.Parallel, "parallel", 0, "files written at once (0: all)")
	flag.BoolVar(&cfg.Proxied, "proxied", false, "kube-apiserver proxies the aggregated servers' requests and logs them too, with the same auditID, as in a real cluster")
	flag.IntVar(&cfg.Bad.TruncatedGzip, "bad-truncated-gzip", 0, "rotated files to cut short")
	flag.IntVar(&cfg.Bad.CutLastLine, "bad-cut-last-line", 0, "files ending in half an event")
	flag.IntVar(&cfg.Bad.NonJSON, "bad-non-json", 0, "non-JSON lines to add")
	flag.IntVar(&cfg.Bad.HostPrefix, "bad-host-prefix", 0, "events to prefix with the host name")
	flag.IntVar(&cfg.Bad.InvalidUTF8, "bad-invalid-utf8", 0, "events to give invalid UTF-8")
	flag.IntVar(&cfg.Bad.HugeLine, "bad-huge-line", 0, "events to make huge")
	flag.IntVar(&cfg.Bad.HugeLineBytes, "bad-huge-line-bytes", 1<<20, "least length of a huge line")
	flag.BoolVar(&cfg.VaryURIs, "vary-uris", false, "name as many objects as half the requests, as a real cluster's gets and watches do")
	flag.BoolVar(&cfg.PlainNames, "plain-names", false, "name files audit-TIME.log.gz and audit.log, without the node (a folder per master)")
	shape := flag.String("shape", "openshift", "openshift: an OpenShift must-gather with scenarios and truth; cluster: a large cluster's kube-apiserver logs (-events, -duration, -masters, -gzip-level, -start only)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		flag.Usage()
		return fmt.Errorf("-out is required and there are no arguments")
	}
	var err error
	if cfg.Scenarios, err = mustgather.ParseScenario(*scen); err != nil {
		return err
	}
	if cfg.Start, err = time.Parse(time.RFC3339, *start); err != nil {
		return err
	}
	t0 := time.Now()
	switch *shape {
	case "openshift":
	case "cluster":
		paths, err := mustgather.GenerateCluster(*out, mustgather.ClusterConfig{Requests: cfg.Events, Start: cfg.Start,
			Duration: cfg.Duration, Masters: cfg.Masters, GzipLevel: cfg.GzipLevel})
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %d kube-apiserver requests in %d files in %v to %s\n",
			cfg.Events, len(paths), time.Since(t0).Round(time.Millisecond), *out)
		return nil
	default:
		return fmt.Errorf("-shape %q: want openshift or cluster", *shape)
	}
	truth, err := mustgather.Generate(*out, cfg)
	if err != nil {
		return err
	}
	el := time.Since(t0)
	var events int64
	for _, s := range truth.Servers {
		events += s.Events
	}
	fmt.Fprintf(os.Stderr, "wrote %d events (%d kube-apiserver requests) in %v (%.0f events/s) to %s\n",
		events, truth.Kube.Count, el.Round(time.Millisecond), float64(events)/el.Seconds(), *out)
	return nil
}
