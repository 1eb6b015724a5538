package mustgather

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
)

// The API servers whose audit logs are generated.
const (
	serverKube      = "kube-apiserver"
	serverOpenShift = "openshift-apiserver"
	serverOAuth     = "oauth-apiserver"
)

var servers = []struct {
	name  string
	share float64 // requests per kube-apiserver request
}{{serverKube, 1}, {serverOpenShift, 0.10}, {serverOAuth, 0.05}}

// TruthFile is the name of the truth file Generate writes in its directory.
const TruthFile = "truth.json"

// Generate writes a must-gather tree into dir (created if needed; existing
// files of the same names are overwritten):
//
//	dir/audit_logs/SERVER/NODE-audit-2022-02-07T23-06-26.647.log.gz  (rotated)
//	dir/audit_logs/SERVER/NODE-audit.log                             (live; .log.gz with GatherGzip)
//	dir/audit_logs/kube-apiserver/NODE-termination.log, NODE-lock.log
//	dir/audit_logs/SERVER.audit_logs_listing
//	dir/truth.json
//
// and returns the truth it wrote. Memory does not grow with cfg.Events.
func Generate(dir string, cfg Config) (*Truth, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	root := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x6d7573742d676174))
	cat := newCatalog(root, cfg.Masters, cfg.Workers)
	for _, s := range servers {
		if err := os.MkdirAll(filepath.Join(dir, "audit_logs", s.name), 0o755); err != nil {
			return nil, err
		}
	}
	kubeBG := cat.kubeBackground()
	metrics, stormOther := cat.stormBehaviors()
	throttled := cat.throttledBehaviors()
	bgs := map[string][]*behavior{
		serverKube: kubeBG, serverOpenShift: cat.openshiftBackground(), serverOAuth: cat.oauthBackground(),
	}
	// The planted pod delete: a human, a pod no one else touches.
	deletion := cat.build([]bspec{{w: 1, actors: []string{"alice"}, verb: "delete", res: "pods", name: nameFixed,
		ns: nsFixed, fns: "shop-prod", fname: "checkout-" + randSuffix(root, 9) + "-" + randSuffix(root, 5),
		lat: 11000, level: levelRequestResponse, body: bodyDelete}})[0]
	deletion.errRate = 0
	deleteNode := root.IntN(cfg.Masters)
	planter := newPlanter(cfg, cat)
	planter.plant(cfg.Scenarios)
	plans := planBad(root, cfg)
	start := cfg.Start.UnixMicro()
	span := cfg.Duration.Microseconds()
	slot := max(int64(float64(span)/(float64(cfg.Files-1)+cfg.LiveFraction)), 1)

	type task struct {
		server string
		node   int
		g      *gen
		w      *writer
	}
	var tasks []*task
	for si, s := range servers {
		total := int(float64(cfg.Events) * s.share)
		for n := 0; n < cfg.Masters; n++ {
			count := total / cfg.Masters
			if n < total%cfg.Masters {
				count++
			}
			g := &gen{
				cfg: cfg, cat: cat, server: s.name, node: n, n: count,
				rng:   rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(si)<<32|uint64(n)+1)),
				start: start, end: start + span, bg: bgs[s.name], deleteAt: -1, deletion: deletion,
				sysdig: cat.actor(sysdig), inventory: cat.actor(inventory), metrics: metrics,
			}
			g.bgCum = cumulative(g.bg)
			if s.name == serverKube {
				g.planted = planter.forNode(n)
				if cfg.Scenarios&ScenarioMetrics403 != 0 {
					g.storm, g.stormOther, g.stormCum = true, stormOther, cumulative(stormOther)
				}
				if cfg.Scenarios&ScenarioThrottled != 0 {
					g.throttled, g.thrCum = throttled, cumulative(throttled)
					g.thrFrom, g.thrTo = start+span*40/100, start+span*55/100
				}
				if cfg.Scenarios&ScenarioPodDelete != 0 && n == deleteNode && count > 0 {
					g.deleteAt = count * 61 / 100
				}
			}
			w := &writer{dir: dir, server: s.name, node: cat.masters[n], start: start, slot: slot,
				files: cfg.Files, level: cfg.GzipLevel, liveGzip: cfg.GatherGzip, hugeBytes: cfg.Bad.HugeLineBytes, g: g, t: newTally(), cur: -1}
			if cfg.PlainNames {
				w.folder = "."
				if cfg.Masters > 1 {
					w.folder = w.node
				}
				if err := os.MkdirAll(filepath.Join(dir, "audit_logs", s.name, w.folder), 0o755); err != nil {
					return nil, err
				}
			}
			if s.name == serverKube {
				w.plans = map[int]*filePlan{}
				for id, p := range plans {
					if id.node == n {
						w.plans[id.file] = p
					}
				}
			}
			if cfg.Proxied && s.name != serverKube {
				kube := tasks[n].g // kube-apiserver's tasks come first, one per node
				kube.proxies = append(kube.proxies, newProxy(g, rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(si)<<32|uint64(n)+1))))
			}
			tasks = append(tasks, &task{s.name, n, g, w})
		}
	}
	var eg errgroup.Group
	if cfg.Parallel > 0 {
		eg.SetLimit(cfg.Parallel)
	}
	for _, tk := range tasks {
		eg.Go(func() error {
			err := tk.g.run(tk.w)
			for err == nil && tk.w.cur < cfg.Files-1 {
				if err = tk.w.close(); err == nil {
					err = tk.w.open(tk.w.cur + 1)
				}
			}
			if cerr := tk.w.close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("mustgather: writing %s on %s: %w", tk.server, tk.w.node, err)
			}
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}

	truth := &Truth{
		Seed: cfg.Seed, Scenarios: cfg.Scenarios.String(), Start: cfg.Start, Duration: cfg.Duration.String(),
		Masters: cat.masters, Workers: cfg.Workers, Servers: map[string]*ServerTruth{},
		Bad: BadTruth{Injected: map[string]int{}, Lines: []BadLine{}},
	}
	kube := newTally()
	for _, s := range servers {
		all := newTally()
		for _, tk := range tasks {
			if tk.server == s.name {
				all.merge(tk.w.t)
			}
		}
		st := &ServerTruth{Files: len(all.files), Lines: all.lines, Events: all.events, Requests: all.requests, Proxied: all.proxied, Stages: map[string]int64{}}
		truth.Requests += all.requests - all.proxied
		for i, n := range all.stages {
			st.Stages[stageNames[i]] = n
		}
		truth.Servers[s.name] = st
		truth.Files = append(truth.Files, all.files...)
		truth.Bad.Lines = append(truth.Bad.Lines, all.bad...)
		if s.name == serverKube {
			kube = all
		}
	}
	truth.Kube = Summary{Count: kube.requests}
	if kube.requests > 0 {
		truth.Kube.First = time.UnixMicro(kube.first).UTC()
		truth.Kube.Last = time.UnixMicro(kube.last).UTC()
		truth.Kube.Duration = truth.Kube.Last.Sub(truth.Kube.First).String()
	}
	truth.Users = sortedCounts(kube.users)
	truth.Resources = sortedCounts(kube.res)
	truth.Namespaces = sortedCounts(kube.ns)
	truth.Verbs = sortedCounts(kube.verbs)
	truth.Codes = codeCounts(kube.codes)
	truth.PodSecurityViolations = kube.podsec
	truth.LatencyAnnotated = kube.latAnn
	if cfg.Scenarios&ScenarioMetrics403 != 0 {
		m := kube.storm
		m.Username = sysdig
		m.Nodes = sortedCounts(kube.stormNodes)
		truth.Metrics403 = &m
	}
	if cfg.Scenarios&ScenarioThrottled != 0 {
		t := kube.thr
		t.Username = inventory
		truth.Throttled = &t
	}
	truth.PodDelete = kube.podDelete
	if len(planter.streams) > 0 {
		truth.Planted = plantedTruth(planter.streams, kube.planted)
	}
	slices.SortFunc(truth.Files, func(a, b FileTruth) int { return strings.Compare(a.Path, b.Path) })
	slices.SortFunc(truth.Bad.Lines, func(a, b BadLine) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return int(a.Line - b.Line)
	})
	for _, b := range truth.Bad.Lines {
		truth.Bad.Injected[b.Kind]++
	}
	if err := writeExtraFiles(dir, cat, truth); err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(truth, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, TruthFile), append(data, '\n'), 0o644); err != nil {
		return nil, err
	}
	return truth, nil
}

// writeExtraFiles writes the files a real must-gather has beside the audit
// logs: per master, the kube-apiserver's termination.log and lock.log, and
// per server a listing of the files gathered.
func writeExtraFiles(dir string, cat *catalog, truth *Truth) error {
	for i, node := range cat.masters {
		at := truth.Start.Add(-time.Duration(i+1) * 37 * time.Minute)
		term := fmt.Sprintf("I%s       1 main.go:147] Received SIGTERM or SIGINT signal, shutting down controller.\n"+
			"I%s       1 genericapiserver.go:1044] Event(v1.ObjectReference{Kind:\"Namespace\", Namespace:\"default\", Name:\"kube-system\"}): type: 'Normal' reason: 'TerminationStart' Received signal to terminate, becoming unready, but keeping serving\n",
			at.Format("0102 15:04:05.000000"), at.Add(time.Second).Format("0102 15:04:05.000000"))
		files := map[string]string{
			node + "-termination.log": term,
			node + "-lock.log":        fmt.Sprintf("%d\n", 4000+i*17),
		}
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(dir, "audit_logs", serverKube, name), []byte(content), 0o644); err != nil {
				return err
			}
		}
	}
	for _, s := range servers {
		var buf bytes.Buffer
		for _, f := range truth.Files {
			if f.Server == s.name {
				fmt.Fprintf(&buf, "%s %s\n", f.Node, strings.TrimPrefix(filepath.Base(f.Path), f.Node+"-"))
			}
		}
		if s.name == serverKube {
			for _, node := range cat.masters {
				fmt.Fprintf(&buf, "%s termination.log\n%s lock.log\n", node, node)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "audit_logs", s.name+".audit_logs_listing"), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
