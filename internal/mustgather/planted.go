package mustgather

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// planted is what a planted request carries beyond its behavior: its
// query string, annotations, and the stream it belongs to.
type planted struct {
	stream *stream
	query  string // raw, unescaped: a=b&c=d
	ann    [][2]string
	// started says the request is a watch that logs ResponseStarted.
	started bool
}

// plantedReq is one planted request, before it becomes events.
type plantedReq struct {
	idHi, idLo uint64
	recv       int64 // µs
	node       int   // master index
	b          *behavior
	ns         string
	name       string
	code       int
	lat        int64 // µs
	p          *planted
}

// stream is a set of planted requests of one user, verb and resource (or
// path), with what the truth says of them.
type stream struct {
	truth PlantedTruth
	b     *behavior
}

// planter builds the planted requests of the findings and ordinary
// scenarios. It has its own random numbers, so that planting changes
// nothing of the background.
type planter struct {
	cfg     Config
	cat     *catalog
	rng     *rand.Rand
	start   int64 // µs
	end     int64
	reqs    []*plantedReq
	streams []*stream
	actors  map[string]*actor
	res     map[string]*resource
}

const sec = int64(time.Second / time.Microsecond)

func newPlanter(cfg Config, cat *catalog) *planter {
	start := cfg.Start.UnixMicro()
	return &planter{
		cfg: cfg, cat: cat, rng: rand.New(rand.NewPCG(uint64(cfg.Seed), 0x706c616e746564)),
		start: start, end: start + cfg.Duration.Microseconds(),
		actors: map[string]*actor{}, res: map[string]*resource{},
	}
}

// sa returns a planted service account (made once per name).
func (p *planter) sa(ns, name, ua string) *actor {
	u := "system:serviceaccount:" + ns + ":" + name
	if a := p.actors[u]; a != nil {
		return a
	}
	ip := fmt.Sprintf("10.%d.%d.%d", 128+p.rng.IntN(4), p.rng.IntN(256), 2+p.rng.IntN(250))
	uid := string(appendUUID(nil, p.rng.Uint64(), p.rng.Uint64()))
	reason := fmt.Sprintf("RBAC: allowed by RoleBinding %q of Role %q to ServiceAccount \"%s/%s\"", name, name, name, ns)
	a := makeActor(u, []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}, uid, ua, ip, reason, ns, false)
	p.actors[u] = a
	return a
}

// human returns a planted human user.
func (p *planter) human(name string) *actor {
	if a := p.actors[name]; a != nil {
		return a
	}
	ip := fmt.Sprintf("192.168.%d.%d", 1+p.rng.IntN(20), 2+p.rng.IntN(250))
	reason := `RBAC: allowed by ClusterRoleBinding "cluster-admins" of ClusterRole "cluster-admin" to User "` + name + `"`
	a := makeActor(name, []string{"system:authenticated:oauth", "system:authenticated"}, "", ocUA, ip, reason, "", true)
	p.actors[name] = a
	return a
}

// unauthenticated returns a client whose credentials are refused (401):
// its events have an empty user.
func (p *planter) unauthenticated(ip, ua string) *actor {
	key := "\x00" + ip
	if a := p.actors[key]; a != nil {
		return a
	}
	a := makeActor("", nil, "", ua, ip, "", "", false)
	a.userJSON = "{}"
	p.actors[key] = a
	return a
}

// resource returns a resource, from the catalog if it has it, else made
// for the planted requests only.
func (p *planter) resource(gv, name string, namespaced bool) *resource {
	if r := p.cat.res[gv+"/"+name]; r != nil {
		return r
	}
	k := gv + "/" + name
	if r := p.res[k]; r != nil {
		return r
	}
	r := newResource(gv, name, "Object", namespaced)
	p.res[k] = r
	return r
}

// stream starts a stream: pattern names it in the truth, finding is the
// finding it must produce ("" for ordinary behaviour), and path is the
// path the truth shows (with {name} and {namespace} where they vary).
func (p *planter) stream(pattern, finding string, a *actor, verb string, res *resource, sub, path, fieldManager string) *stream {
	b := &behavior{verb: verb, res: res, sub: sub, actors: []*actor{a}, code: 200, level: levelMetadata}
	key := a.username
	if fieldManager != "" {
		key += "[" + fieldManager + "]"
	}
	b.userKeys = []string{key}
	s := &stream{b: b, truth: PlantedTruth{Pattern: pattern, Finding: finding, Username: a.username, UserKey: key,
		UserAgent: a.ua, SourceIP: a.ip, Verb: verb, Path: path, Codes: map[string]int64{}}}
	if res != nil {
		s.truth.Resource = res.key
	}
	p.streams = append(p.streams, s)
	return s
}

// req adds a request of s received at t (µs from the start).
func (p *planter) req(s *stream, t int64, node int, ns, name string, code int, lat int64, query string, ann ...[2]string) *plantedReq {
	r := &plantedReq{idHi: p.rng.Uint64(), idLo: p.rng.Uint64(), recv: p.start + t, node: node % p.cfg.Masters, b: s.b, ns: ns, name: name, code: code, lat: max(lat, 40),
		p: &planted{stream: s, query: query, ann: ann}}
	p.reqs = append(p.reqs, r)
	return r
}

// every calls f at times from..to (seconds from the start) every step
// seconds, with the index.
func every(from, to, step float64, f func(i int, t int64)) {
	for i := 0; ; i++ {
		t := from + float64(i)*step
		if t >= to {
			return
		}
		f(i, int64(t*float64(sec)))
	}
}

// lat returns a latency around median µs.
func (p *planter) lat(median int64) int64 {
	return median*3/4 + p.rng.Int64N(median/2+1)
}

// plant builds the requests of the scenarios s asks for.
func (p *planter) plant(s Scenario) {
	if s&ScenarioOrdinary != 0 {
		p.ordinary()
	}
	if s&ScenarioFindings != 0 {
		p.findings()
	}
	slices.SortStableFunc(p.reqs, func(a, b *plantedReq) int { return cmp.Compare(a.recv, b.recv) })
}

// span is the capture's length in seconds.
func (p *planter) span() float64 { return float64(p.end-p.start) / float64(sec) }

// ordinary plants what healthy components do, which must not be a
// finding: leader election, kubelets' status and lease updates,
// informers, and a kubectl apply of many objects.
func (p *planter) ordinary() {
	T := p.span()
	// Leader election: three replicas of one operator share its service
	// account; the leader gets and updates the lease every 2 s, the others
	// get it every 2 s.
	op := p.sa("operators", "widget-operator", "widget-operator/1.3.0 (linux/amd64) kubernetes/v0.29.0")
	leases := p.resource("coordination.k8s.io/v1", "leases", true)
	lockPath := "/apis/coordination.k8s.io/v1/namespaces/operators/leases/widget-operator-lock"
	get := p.stream("leader-election", "", op, "get", leases, "", lockPath, "")
	upd := p.stream("leader-election", "", op, "update", leases, "", lockPath, "")
	for replica := range 3 {
		every(0.3*float64(replica+1), T, 2, func(i int, t int64) {
			p.req(get, t, replica, "operators", "widget-operator-lock", 200, p.lat(900), "")
			if replica == 0 {
				p.req(upd, t+3000, replica, "operators", "widget-operator-lock", 200, p.lat(2500), "")
			}
		})
	}
	// Kubelets: node status every 10 s (a strategic merge patch) and the
	// node lease every 10 s.
	nodes := p.resource("v1", "nodes", false)
	for k, kubelet := range p.cat.kubelets[:min(len(p.cat.kubelets), 6)] {
		status := p.stream("kubelet-status", "", kubelet, "patch", nodes, "status", "/api/v1/nodes/"+kubelet.node+"/status", "")
		lease := p.stream("kubelet-lease", "", kubelet, "update", leases, "", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/"+kubelet.node, "")
		every(float64(k), T, 10, func(i int, t int64) {
			p.req(status, t, k, "", kubelet.node, 200, p.lat(4000), "")
			p.req(lease, t+500000, k, "kube-node-lease", kubelet.node, 200, p.lat(2500), "")
		})
	}
	// Informers: a LIST at resourceVersion=0 with a limit, then watches
	// that last their timeoutSeconds (5 to 10 minutes), each resumed from
	// the last resourceVersion; the operator restarts once, half way.
	for _, inf := range []struct {
		a   *actor
		res *resource
	}{
		{op, p.resource("v1", "configmaps", true)},
		{op, p.resource("v1", "secrets", true)},
		{p.sa("operators", "gadget-controller", "gadget-controller/0.8.1"), p.resource("apps/v1", "deployments", true)},
		{p.sa("operators", "gadget-controller", "gadget-controller/0.8.1"), p.resource("v1", "pods", true)},
	} {
		path := inf.res.prefix + "/" + inf.res.name
		list := p.stream("informer-list", "", inf.a, "list", inf.res, "", path, "")
		watch := p.stream("informer-watch", "", inf.a, "watch", inf.res, "", path, "")
		restarts := []float64{5 + p.rng.Float64()*5}
		if inf.a == op {
			restarts = append(restarts, T/2)
		}
		for r, at := range restarts {
			until := T
			if r+1 < len(restarts) {
				until = restarts[r+1]
			}
			rv := 30000000 + p.rng.Int64N(1000000)
			p.req(list, int64(at*float64(sec)), r, "", "", 200, p.lat(20000), "limit=500&resourceVersion=0")
			t := at + 0.1
			for n := 0; ; n++ {
				timeout := int64(300 + p.rng.IntN(300))
				if t+float64(timeout) >= until {
					break // still open when the capture (or the process) ends
				}
				q := fmt.Sprintf("allowWatchBookmarks=true&resourceVersion=%d&timeout=%s&timeoutSeconds=%d&watch=true",
					rv, time.Duration(timeout)*time.Second, timeout)
				w := p.req(watch, int64(t*float64(sec)), n, "", "", 200, timeout*sec+p.rng.Int64N(200000), q)
				w.p.started = true
				rv += 1000 + p.rng.Int64N(5000)
				t += float64(timeout) + 0.2
			}
		}
	}
	// kubectl apply -f DIR (client-side): a GET and a PATCH of each of 40
	// objects, once.
	frank := p.human("frank")
	cms := p.resource("v1", "configmaps", true)
	getCM := p.stream("client-side-apply", "", frank, "get", cms, "", "/api/v1/namespaces/{namespace}/configmaps/{name}", "")
	patchCM := p.stream("client-side-apply", "", frank, "patch", cms, "", "/api/v1/namespaces/{namespace}/configmaps/{name}", "kubectl-client-side-apply")
	every(T*0.4, T*0.4+80, 2, func(i int, t int64) {
		if i >= 40 {
			return
		}
		ns := appNamespaces[i%len(appNamespaces)]
		name := fmt.Sprintf("app-settings-%02d", i)
		p.req(getCM, t, i, ns, name, 200, p.lat(900), "")
		p.req(patchCM, t+400000, i, ns, name, 200, p.lat(5000), "fieldManager=kubectl-client-side-apply")
	})
}

// findings plants one or more patterns for every detector, each by its
// own users, in the first 30 minutes.
func (p *planter) findings() {
	pods := p.resource("v1", "pods", true)
	cms := p.resource("v1", "configmaps", true)
	secrets := p.resource("v1", "secrets", true)
	namespaces := p.resource("v1", "namespaces", false)

	// denied-storm, 403: a log shipper without RBAC for pods/log and for
	// listing namespaces, and one allowed GET a minute.
	shipper := p.sa("logging", "log-shipper", "fluent-bit/2.1.4")
	logs := p.stream("denied-403", "denied-storm", shipper, "get", pods, "log", "/api/v1/namespaces/{namespace}/pods/{name}/log", "")
	listNS := p.stream("denied-403", "denied-storm", shipper, "list", namespaces, "", "/api/v1/namespaces", "")
	okCM := p.stream("denied-403-allowed", "", shipper, "get", cms, "", "/api/v1/namespaces/logging/configmaps/fluent-bit-config", "")
	every(60, 1740, 4, func(i int, t int64) {
		if i%3 == 2 {
			p.req(listNS, t, i, "", "", 403, p.lat(1500), "")
			return
		}
		ns := appNamespaces[i%5]
		p.req(logs, t, i, ns, fmt.Sprintf("%s-worker-%d", ns, i%4), 403, p.lat(800), "")
	})
	every(90, 1740, 60, func(i int, t int64) {
		p.req(okCM, t, i, "logging", "fluent-bit-config", 200, p.lat(900), "")
	})

	// denied-storm, 401: a client with a revoked token.
	backup := p.unauthenticated("10.0.77.7", "legacy-backup/2.1")
	revoked := p.stream("denied-401", "denied-storm", backup, "get", secrets, "", "/api/v1/namespaces/{namespace}/secrets/{name}", "")
	every(300, 1500, 5, func(i int, t int64) {
		p.req(revoked, t, i, "backup", "backup-creds", 401, p.lat(300), "")
	})

	// hot-loop: a GET of one secret 90 times a minute for 10 minutes.
	syncer := p.sa("cert-sync", "cert-syncer", "cert-syncer/0.3.1")
	hot := p.stream("hot-loop", "hot-loop", syncer, "get", secrets, "", "/api/v1/namespaces/cert-sync/secrets/tls-bundle", "")
	every(600, 1200, 2.0/3, func(i int, t int64) {
		p.req(hot, t, i, "cert-sync", "tls-bundle", 200, p.lat(700), "")
	})

	// watch-churn: watches of services cut after about 11.5 s (an idle
	// timeout between client and server), reopened every 12 s.
	edge := p.sa("edge", "edge-proxy-agent", "edge-agent/1.8.0")
	services := p.resource("v1", "services", true)
	churn := p.stream("watch-churn", "watch-churn", edge, "watch", services, "", "/api/v1/services", "")
	every(120, 1680, 12, func(i int, t int64) {
		q := fmt.Sprintf("allowWatchBookmarks=true&resourceVersion=%d&timeout=7m30s&timeoutSeconds=450&watch=true", 31000000+i*977)
		w := p.req(churn, t, i, "", "", 200, 11500000, q)
		w.p.started = true
	})

	// etcd-lists: a paginated LIST of every pod without resourceVersion
	// every 20 s (two pages: no resourceVersion, then a continue token),
	// and an exact-resourceVersion LIST of one namespace's secrets.
	exporter := p.sa("reporting", "usage-exporter", "usage-exporter/2.0")
	page1 := p.stream("etcd-lists", "etcd-lists", exporter, "list", pods, "", "/api/v1/pods", "")
	every(30, 1790, 20, func(i int, t int64) {
		p.req(page1, t, i, "", "", 200, p.lat(300000), "limit=500")
		token := url.QueryEscape(fmt.Sprintf("eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6%d", 40000000+i))
		p.req(page1, t+400000, i, "", "", 200, p.lat(250000), "continue="+token+"&limit=500")
	})
	velero := p.sa("backup", "velero-lite", "velero-lite/0.9")
	exact := p.stream("etcd-lists", "etcd-lists", velero, "list", secrets, "", "/api/v1/namespaces/payments/secrets", "")
	every(10, 1800, 25, func(i int, t int64) {
		p.req(exact, t, i, "payments", "", 200, p.lat(40000), fmt.Sprintf("resourceVersion=%d&resourceVersionMatch=Exact", 39000000+i*1000))
	})

	// repeated-lists: a dashboard polling every configmap with a LIST at
	// resourceVersion=0 and a limit every 15 s.
	poller := p.sa("dash", "dashboard-poller", "dashboard/3.2")
	rv0 := p.stream("repeated-lists", "repeated-lists", poller, "list", cms, "", "/api/v1/configmaps", "")
	every(5, 1800, 15, func(i int, t int64) {
		p.req(rv0, t, i, "", "", 200, p.lat(60000), "limit=500&resourceVersion=0")
	})

	// write-churn: a server-side apply of one deployment every 5 s for
	// 15 minutes.
	fleet := p.sa("fleet", "fleet-agent", "fleet-agent/0.9.2")
	deployments := p.resource("apps/v1", "deployments", true)
	apply := p.stream("write-churn", "write-churn", fleet, "patch", deployments, "", "/apis/apps/v1/namespaces/shop/deployments/web", "fleet-agent")
	every(300, 1200, 5, func(i int, t int64) {
		p.req(apply, t, i, "shop", "web", 200, p.lat(6000), "fieldManager=fleet-agent&force=true")
	})

	// write-conflicts: an update of one quota every 20 s, two in three
	// refused with 409.
	quota := p.sa("quota", "quota-updater", "quota-updater/1.0")
	rq := p.resource("v1", "resourcequotas", true)
	conflicts := p.stream("write-conflicts", "write-conflicts", quota, "update", rq, "", "/api/v1/namespaces/team-a-dev/resourcequotas/compute-quota", "")
	every(0, 1800, 20, func(i int, t int64) {
		code := 409
		if i%3 == 2 {
			code = 200
		}
		p.req(conflicts, t, i, "team-a-dev", "compute-quota", code, p.lat(3000), "")
	})

	// invalid-writes: a person creating an invalid deployment every
	// minute.
	erin := p.human("erin")
	invalid := p.stream("invalid-writes", "invalid-writes", erin, "create", deployments, "", "/apis/apps/v1/namespaces/team-b-dev/deployments", "")
	every(400, 1840, 60, func(i int, t int64) {
		p.req(invalid, t, i, "team-b-dev", "", 422, p.lat(5000), "")
	})

	// server-errors: an aggregated API (metrics.k8s.io) down for 90
	// seconds, two failing requests a second.
	metricsPods := p.resource("metrics.k8s.io/v1beta1", "pods", true)
	metricsNodes := p.resource("metrics.k8s.io/v1beta1", "nodes", false)
	runner := p.sa("ci", "pipeline-runner", "pipeline-runner/7.1")
	reader := p.sa("monitoring", "metrics-reader", "metrics-reader/1.0")
	e1 := p.stream("server-errors", "server-errors", runner, "list", metricsPods, "", "/apis/metrics.k8s.io/v1beta1/namespaces/ci/pods", "")
	e2 := p.stream("server-errors", "server-errors", reader, "list", metricsNodes, "", "/apis/metrics.k8s.io/v1beta1/nodes", "")
	every(900, 990, 1, func(i int, t int64) {
		p.req(e1, t+100000, i, "ci", "", 503, p.lat(30000), "")
		p.req(e2, t+600000, i+1, "", "", 503, p.lat(30000), "")
	})

	// throttled: a bulk importer creating configmaps, four in five
	// rejected with 429 after a wait in an APF queue.
	importer := p.sa("batch", "bulk-importer", "bulk-importer/4.0")
	imports := p.stream("throttled", "throttled", importer, "create", cms, "", "/api/v1/namespaces/imports/configmaps", "")
	every(600, 1350, 5, func(i int, t int64) {
		if i%5 == 4 {
			p.req(imports, t, i, "imports", "", 201, p.lat(4000), "")
			return
		}
		wait := 1500000 + p.rng.Int64N(1500000)
		p.req(imports, t, i, "imports", "", 429, wait+p.rng.Int64N(300), "",
			[2]string{"apiserver.latency.k8s.io/apf-queue-wait", durationString(wait)})
	})

	// slow-layer, admission webhooks: pod creates that wait 2 s in a
	// mutating webhook.
	launcher := p.sa("ci", "job-launcher", "job-launcher/1.1")
	slowHook := p.stream("slow-webhooks", "slow-layer", launcher, "create", pods, "", "/api/v1/namespaces/ci/pods", "")
	every(20, 1800, 15, func(i int, t int64) {
		hook := 2000000 + p.rng.Int64N(600000)
		total := hook + 300000 + p.rng.Int64N(100000)
		p.req(slowHook, t, i, "ci", "", 201, total, "",
			[2]string{"apiserver.latency.k8s.io/etcd", durationString(12000 + p.rng.Int64N(8000))},
			[2]string{"apiserver.latency.k8s.io/mutating-webhook", durationString(hook)},
			[2]string{"apiserver.latency.k8s.io/response-write", durationString(40 + p.rng.Int64N(40))},
			[2]string{"apiserver.latency.k8s.io/serialize-response-object", durationString(300 + p.rng.Int64N(200))},
			[2]string{"apiserver.latency.k8s.io/total", durationString(total)},
			[2]string{"apiserver.latency.k8s.io/validating-webhook", durationString(150000 + p.rng.Int64N(50000))})
	})

	// slow-layer, etcd: GETs of configmaps that wait over a second for
	// etcd.
	builder := p.sa("analytics", "report-builder", "report-builder/0.5")
	slowEtcd := p.stream("slow-etcd", "slow-layer", builder, "get", cms, "", "/api/v1/namespaces/analytics/configmaps/{name}", "")
	every(15, 1800, 15, func(i int, t int64) {
		etcd := 1100000 + p.rng.Int64N(400000)
		total := etcd + 60000 + p.rng.Int64N(40000)
		p.req(slowEtcd, t, i, "analytics", fmt.Sprintf("report-%d", i%7), 200, total, "",
			[2]string{"apiserver.latency.k8s.io/etcd", durationString(etcd)},
			[2]string{"apiserver.latency.k8s.io/response-write", durationString(30 + p.rng.Int64N(30))},
			[2]string{"apiserver.latency.k8s.io/serialize-response-object", durationString(200 + p.rng.Int64N(200))},
			[2]string{"apiserver.latency.k8s.io/total", durationString(total)},
			[2]string{"apiserver.latency.k8s.io/transform-response-object", durationString(20 + p.rng.Int64N(20))})
	})

	// late-requests: master 0 shuts down at 25 minutes; a storefront keeps
	// reaching it through the load balancer, and the API server itself
	// over loopback (not counted).
	store := p.sa("shop", "storefront", "storefront/5.0")
	late := p.stream("late-requests", "late-requests", store, "get", cms, "", "/api/v1/namespaces/shop/configmaps/storefront-config", "")
	lateTerm := p.stream("late-requests-termination", "", store, "get", cms, "", "/api/v1/namespaces/shop/configmaps/storefront-config", "")
	apiserver := p.cat.actor("system:apiserver")
	endpoints := p.resource("v1", "endpoints", true)
	loop := p.stream("late-requests-loopback", "", apiserver, "get", endpoints, "", "/api/v1/namespaces/default/endpoints/kubernetes", "")
	every(1500, 1540, 1, func(i int, t int64) {
		switch {
		case i < 25:
			p.req(lateTerm, t, 0, "shop", "storefront-config", 200, p.lat(900), "",
				[2]string{"openshift.io/during-termination", "loopback=false"})
		default:
			p.req(late, t, 0, "shop", "storefront-config", 200, p.lat(900), "",
				[2]string{"openshift.io/during-graceful", "loopback=false"},
				[2]string{"openshift.io/during-termination", "loopback=false"})
		}
		if i%4 == 0 {
			p.req(loop, t+200000, 0, "default", "kubernetes", 200, p.lat(700), "",
				[2]string{"openshift.io/during-graceful", "loopback=true"},
				[2]string{"openshift.io/during-termination", "loopback=true"})
		}
	})

	// deprecated-apis: Helm listing batch/v1beta1 cronjobs (removed in
	// 1.25) and an old operator reading a v1beta2 flow schema (removed in
	// 1.29).
	helm := p.sa("deploy", "helm-runner", "Helm/3.8.0")
	cronjobs := p.resource("batch/v1beta1", "cronjobs", true)
	dep1 := p.stream("deprecated-apis", "deprecated-apis", helm, "list", cronjobs, "", "/apis/batch/v1beta1/namespaces/shop/cronjobs", "")
	every(30, 1800, 45, func(i int, t int64) {
		p.req(dep1, t, i, "shop", "", 200, p.lat(3000), "resourceVersion=0",
			[2]string{"k8s.io/deprecated", "true"}, [2]string{"k8s.io/removed-release", "1.25"})
	})
	legacyOp := p.sa("legacy", "legacy-operator", "legacy-operator/0.9")
	flowschemas := p.resource("flowcontrol.apiserver.k8s.io/v1beta2", "flowschemas", false)
	dep2 := p.stream("deprecated-apis", "deprecated-apis", legacyOp, "get", flowschemas, "", "/apis/flowcontrol.apiserver.k8s.io/v1beta2/flowschemas/catch-all", "")
	every(50, 1800, 70, func(i int, t int64) {
		p.req(dep2, t, i, "", "catch-all", 200, p.lat(900), "",
			[2]string{"k8s.io/deprecated", "true"}, [2]string{"k8s.io/removed-release", "1.29"})
	})

	// legacy-tokens: a bot authenticating with an auto-generated secret's
	// token.
	bot := p.sa("legacy", "old-bot", "old-bot/0.1")
	legacy := p.stream("legacy-tokens", "legacy-tokens", bot, "get", cms, "", "/api/v1/namespaces/legacy/configmaps/bot-config", "")
	every(40, 1800, 60, func(i int, t int64) {
		p.req(legacy, t, i, "legacy", "bot-config", 200, p.lat(900), "",
			[2]string{"authentication.k8s.io/legacy-token", bot.username},
			[2]string{"authentication.k8s.io/legacy-token-autogenerated-secret", "old-bot-token-x7k2p"})
	})

	// stale-tokens: a sidecar that never reloads its bound token.
	sidecar := p.sa("monitoring", "node-exporter-sidecar", "sidecar/1.0")
	stale := p.stream("stale-tokens", "stale-tokens", sidecar, "get", endpoints, "", "/api/v1/namespaces/monitoring/endpoints/node-exporter", "")
	every(70, 1800, 90, func(i int, t int64) {
		p.req(stale, t, i, "monitoring", "node-exporter", 200, p.lat(900), "",
			[2]string{"authentication.k8s.io/stale-token", fmt.Sprintf("subject: %s, seconds after warning threshold: %d", sidecar.username, 4000+int64(t/sec))})
	})

	// webhook-certificates: a policy webhook whose certificate has no
	// SAN, and a metrics adapter signed with SHA-1.
	orders := p.sa("shop", "order-service", "order-service/2.2")
	san := p.stream("webhook-certificates", "webhook-certificates", orders, "create", cms, "", "/api/v1/namespaces/shop/configmaps", "")
	every(200, 1400, 100, func(i int, t int64) {
		p.req(san, t, i, "shop", "", 201, p.lat(8000), "",
			[2]string{"missing-san.invalid-cert.kubernetes.io/policy-webhook.policy.svc", "relies on a legacy Common Name field instead of the SAN extension for subject validation"})
	})
	hpa := p.sa("kube-system", "horizontal-pod-autoscaler", "kube-controller-manager/v1.26.5 (linux/amd64) kubernetes/0e0d6b4/system:serviceaccount:kube-system:horizontal-pod-autoscaler")
	custom := p.resource("custom.metrics.k8s.io/v1beta1", "pods", true)
	sha1 := p.stream("webhook-certificates", "webhook-certificates", hpa, "get", custom, "http_requests", "/apis/custom.metrics.k8s.io/v1beta1/namespaces/shop/pods/{name}/http_requests", "")
	every(250, 1800, 250, func(i int, t int64) {
		p.req(sha1, t, i, "shop", "*", 200, p.lat(20000), "",
			[2]string{"insecure-sha1.invalid-cert.kubernetes.io/metrics-adapter.monitoring.svc", "uses an insecure SHA-1 signature"})
	})

	// exec-by-humans: alice execs into pods, bob port-forwards; long
	// sessions carry latency annotations that must not make them slow.
	alice := p.cat.actor("alice")
	bob := p.cat.actor("bob")
	execs := p.stream("exec-by-humans", "exec-by-humans", alice, "create", pods, "exec", "/api/v1/namespaces/shop-prod/pods/{name}/exec", "")
	every(100, 1700, 270, func(i int, t int64) {
		long := (30 + p.rng.Int64N(90)) * sec
		p.req(execs, t, i, "shop-prod", fmt.Sprintf("checkout-%d", i%3), 101, long, "command=sh&container=app&stdin=true&stdout=true&tty=true",
			[2]string{"apiserver.latency.k8s.io/response-write", durationString(long - 5000)},
			[2]string{"apiserver.latency.k8s.io/total", durationString(long)})
	})
	forwards := p.stream("exec-by-humans", "exec-by-humans", bob, "create", pods, "portforward", "/api/v1/namespaces/payments/pods/{name}/portforward", "")
	every(500, 1800, 450, func(i int, t int64) {
		p.req(forwards, t, i, "payments", "payments-db-0", 101, (60+p.rng.Int64N(60))*sec, "")
	})

	// pod-security-violations: privileged pods created by carol.
	carol := p.cat.actor("carol")
	podsec := p.stream("pod-security-violations", "pod-security-violations", carol, "create", pods, "", "/api/v1/namespaces/team-a-dev/pods", "")
	every(120, 1800, 140, func(i int, t int64) {
		p.req(podsec, t, i, "team-a-dev", "", 201, p.lat(8000), "",
			[2]string{"pod-security.kubernetes.io/audit-violations", podSecurityViolation},
			[2]string{"pod-security.kubernetes.io/enforce-policy", "privileged:latest"})
	})
}

// durationString writes µs as time.Duration.String does.
func durationString(micros int64) string {
	return (time.Duration(micros) * time.Microsecond).String()
}

// forNode returns the planted requests of master node, in time order.
func (p *planter) forNode(node int) []*plantedReq {
	var out []*plantedReq
	for _, r := range p.reqs {
		if r.node == node {
			out = append(out, r)
		}
	}
	return out
}

// appendPlantedQuery appends a planted request's query, JSON-escaped.
func appendPlantedQuery(b []byte, q string) []byte {
	b = append(b, '?')
	return appendJSONInner(b, q)
}

// appendPlantedAnnotations appends a planted event's annotations, in key
// order (as encoding/json writes a map): its own, and the authorizer's
// decision unless it was refused before authorization (401).
func (e *event) appendPlantedAnnotations(b []byte) []byte {
	ann := slices.Clone(e.p.ann)
	switch e.code {
	case 401:
	case 403:
		ann = append(ann, [2]string{"authorization.k8s.io/decision", "forbid"}, [2]string{"authorization.k8s.io/reason", ""})
	default:
		ann = append(ann, [2]string{"authorization.k8s.io/decision", "allow"}, [2]string{"authorization.k8s.io/reason", e.user().reason})
	}
	if len(ann) == 0 {
		return b
	}
	slices.SortFunc(ann, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	b = append(b, `,"annotations":{`...)
	for i, kv := range ann {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, kv[0])
		b = append(b, ':')
		b = appendJSONString(b, kv[1])
	}
	return append(b, '}')
}

// annotated reports whether a planted event has the annotation k.
func (pl *planted) annotated(k string) bool {
	for _, kv := range pl.ann {
		if kv[0] == k {
			return true
		}
	}
	return false
}

// count counts a planted request in its stream's truth.
func (t *tally) countPlanted(e *event) {
	s := e.p.stream
	pt := t.planted[s]
	if pt == nil {
		pt = &plantedCount{codes: map[int]int64{}}
		t.planted[s] = pt
	}
	if pt.n == 0 || e.recv < pt.first {
		pt.first = e.recv
	}
	if pt.n == 0 || e.recv > pt.last {
		pt.last = e.recv
	}
	pt.n++
	pt.codes[e.code]++
}

// plantedCount is what a writer wrote of one stream.
type plantedCount struct {
	n, first, last int64
	codes          map[int]int64
}

// plantedTruth returns the truth of every stream, counted while writing.
func plantedTruth(streams []*stream, counts map[*stream]*plantedCount) []PlantedTruth {
	out := make([]PlantedTruth, 0, len(streams))
	for _, s := range streams {
		pt := s.truth
		pt.Codes = map[string]int64{}
		if c := counts[s]; c != nil {
			pt.Requests = c.n
			pt.First = time.UnixMicro(c.first).UTC()
			pt.Last = time.UnixMicro(c.last).UTC()
			for code, n := range c.codes {
				pt.Codes[strconv.Itoa(code)] = n
			}
		}
		out = append(out, pt)
	}
	return out
}
