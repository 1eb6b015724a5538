package mustgather

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/klauspost/compress/gzip"
	"golang.org/x/sync/errgroup"
)

// microTime is how the API server writes its times (metav1.MicroTime).
const microTime = "2006-01-02T15:04:05.000000Z07:00"

// ClusterMinute appends to buf, as JSON lines, the events [from, to) of
// the n requests of minute m after start, as a large cluster names them
// in a minute: 6,000 users (5,000 kubelets, 1,000 controllers in 500
// namespaces, 20 people) and about 250 user agents; 60% of requests from
// kubelets (their node, its lease, pods), 35% from controllers (reads,
// lists, watches and writes of seven resources), 5% from people; one
// request in five names an object no other request names (events, new
// pods), the rest 50,000 objects; 2% are 404, 1% 409, 0.5% 403 and 0.2%
// 429. Events are small (about 740 bytes, Metadata level) and the same
// arguments always give the same bytes.
//
// It is the shape Generate's OpenShift-like captures lack: many users,
// many objects, short lines, on which per-request costs weigh most.
func ClusterMinute(buf []byte, start time.Time, m, n, from, to int) []byte {
	step := time.Minute / time.Duration(n)
	for i := from; i < to; i++ {
		at := start.Add(time.Duration(m)*time.Minute + time.Duration(i)*step)
		k := m*n + i
		r := (k * 7919) % 1000 // spreads the kinds of request over the minute
		var user, agent, verb, res, group, ns, name string
		switch {
		case r < 600:
			node := k % 5000
			user, agent = fmt.Sprintf("system:node:node-%d", node), "kubelet/v1.30.2 (linux/amd64) kubernetes/abc1234"
			switch r % 4 {
			case 0:
				verb, res, name = "patch", "nodes", fmt.Sprintf("node-%d", node)
			case 1:
				verb, res, group, ns, name = "update", "leases", "coordination.k8s.io", "kube-node-lease", fmt.Sprintf("node-%d", node)
			default:
				verb, res, ns, name = "get", "pods", fmt.Sprintf("ns-%d", k%500), fmt.Sprintf("pod-%d", k%40000)
			}
		case r < 950:
			c := k % 1000
			user, agent = fmt.Sprintf("system:serviceaccount:ns-%d:controller-%d", c%500, c), fmt.Sprintf("controller-%d/v1.0.%d (linux/amd64) kubernetes/abc1234", c%150, c%2)
			verbs := [...]string{"get", "get", "list", "watch", "update", "create", "delete", "patch"}
			verb, res, ns = verbs[r%len(verbs)], [...]string{"configmaps", "secrets", "pods", "services", "endpoints", "deployments", "events"}[c%7], fmt.Sprintf("ns-%d", k%500)
			if res == "deployments" {
				group = "apps"
			}
			name = fmt.Sprintf("obj-%d", k%10000)
		default:
			user, agent, verb, res, ns, name = fmt.Sprintf("person-%d@example.com", k%20), "kubectl/v1.30.2 (linux/amd64) kubernetes/abc1234", "get", "pods", fmt.Sprintf("ns-%d", k%500), fmt.Sprintf("pod-%d", k%40000)
		}
		if r%5 == 0 && verb != "list" && verb != "watch" {
			name = fmt.Sprintf("new-%d", k) // named by no other request
		}
		code := 200
		switch c := (k * 104729) % 1000; {
		case c < 20:
			code = 404
		case c < 30:
			code = 409
		case c < 35:
			code = 403
		case c < 37:
			code = 429
		case verb == "create":
			code = 201
		}
		uri := "/api/v1"
		if group != "" {
			uri = "/apis/" + group + "/v1"
		}
		if ns != "" {
			uri += "/namespaces/" + ns
		}
		uri += "/" + res
		if verb != "list" && verb != "watch" && verb != "create" {
			uri += "/" + name
		}
		if verb == "watch" {
			uri += "?watch=true"
		}
		buf = fmt.Appendf(buf, `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"%08x-0000-4000-8000-%012x","stage":"ResponseComplete","requestURI":%q,"verb":%q,"user":{"username":%q,"groups":["system:authenticated"]},"sourceIPs":["10.0.%d.%d"],"userAgent":%q,"objectRef":{"resource":%q,"namespace":%q,"name":%q,"apiGroup":%q,"apiVersion":"v1"},"responseStatus":{"metadata":{},"code":%d},"requestReceivedTimestamp":%q,"stageTimestamp":%q,"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""}}`+"\n",
			m, k, uri, verb, user, (k/256)%256, k%256, agent, res, ns, name, group, code,
			at.Format(microTime), at.Add(time.Duration(1+k%50)*time.Millisecond).Format(microTime))
	}
	return buf
}

// ClusterConfig is what GenerateCluster writes.
type ClusterConfig struct {
	// Requests is the number of requests, spread evenly over the minutes
	// of Duration (at least one a minute).
	Requests int
	// Start is the time of the first request; zero means DefaultStart.
	Start time.Time
	// Duration is the time the requests span, in whole minutes; 0 means
	// DefaultDuration.
	Duration time.Duration
	// Masters is the number of API servers, each logging an equal share of
	// every minute into one gzip file; 0 means 3.
	Masters int
	// GzipLevel is the files' compression level; 0 means 6, as Config's.
	GzipLevel int
}

// GenerateCluster writes the kube-apiserver audit logs of a large cluster
// (ClusterMinute) into dir/audit_logs/kube-apiserver, one gzip file per
// master, written at once, and returns the files' paths. Unlike Generate it writes no
// truth: it is a shape for measuring, not a set of answers.
func GenerateCluster(dir string, cfg ClusterConfig) ([]string, error) {
	if cfg.Start.IsZero() {
		cfg.Start = DefaultStart
	}
	if cfg.Duration == 0 {
		cfg.Duration = DefaultDuration
	}
	if cfg.Masters == 0 {
		cfg.Masters = 3
	}
	if cfg.GzipLevel == 0 {
		cfg.GzipLevel = 6
	}
	minutes := int(cfg.Duration / time.Minute)
	switch {
	case cfg.Requests <= 0 || minutes <= 0 || cfg.Masters < 0:
		return nil, errors.New("mustgather: GenerateCluster needs requests, a duration of a minute or more and masters")
	case cfg.Requests < minutes*cfg.Masters:
		return nil, fmt.Errorf("mustgather: %d requests are fewer than one a minute for each master", cfg.Requests)
	}
	folder := filepath.Join(dir, "audit_logs", "kube-apiserver")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return nil, err
	}
	perMinute := cfg.Requests / minutes
	paths := make([]string, cfg.Masters)
	var g errgroup.Group
	for master := range cfg.Masters {
		name := fmt.Sprintf("master-%d-audit-%s.log.gz", master, cfg.Start.Add(cfg.Duration).Format("2006-01-02T15-04-05.000"))
		paths[master] = filepath.Join(folder, name)
		g.Go(func() error { return writeClusterFile(paths[master], cfg, minutes, perMinute, master) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return paths, nil
}

// writeClusterFile writes one master's share of every minute to path.
func writeClusterFile(path string, cfg ClusterConfig, minutes, perMinute, master int) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriterSize(f, 256<<10)
	gz, err := gzip.NewWriterLevel(bw, cfg.GzipLevel)
	if err != nil {
		return err
	}
	from, to := master*perMinute/cfg.Masters, (master+1)*perMinute/cfg.Masters
	var buf []byte
	for m := range minutes {
		n := perMinute
		if m == minutes-1 {
			// The last minute takes what the division left.
			n += cfg.Requests - perMinute*minutes
			from, to = master*n/cfg.Masters, (master+1)*n/cfg.Masters
		}
		buf = ClusterMinute(buf[:0], cfg.Start, m, n, from, to)
		if _, err := gz.Write(buf); err != nil {
			return err
		}
	}
	if err := gz.Close(); err != nil {
		return err
	}
	return bw.Flush()
}
