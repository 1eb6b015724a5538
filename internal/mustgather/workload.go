package mustgather

// nsMode says where a behavior's namespace comes from.
type nsMode uint8

const (
	nsNone  nsMode = iota // cluster-scoped, or a list across all namespaces
	nsAny                 // any namespace of the cluster
	nsApp                 // an application namespace
	nsOwn                 // the acting service account's own namespace
	nsFixed               // behavior.fixedNS
)

// nameMode says where a behavior's object name comes from.
type nameMode uint8

const (
	nameNone   nameMode = iota // list, watch, create
	nameAny                    // an object of the resource in the namespace
	nameFixed                  // behavior.fixedName
	nameNode                   // the acting kubelet's node
	nameWorker                 // a worker node (the metrics storm)
)

// qKind is the shape of a request's query string.
type qKind uint8

const (
	qNone qKind = iota
	qWatch
	qWatchName // a watch of one object by fieldSelector=metadata.name
	qWatchNode // a watch of a node's pods by fieldSelector=spec.nodeName
	qList      // limit=500&resourceVersion=0
	qRV0       // resourceVersion=0
	qTimeout   // timeout=10s
	qFieldManager
	qApply // fieldManager=FM&force=true
)

// bodyKind is what a RequestResponse-level event carries.
type bodyKind uint8

const (
	bodyNone bodyKind = iota
	bodyObject
	bodyPatch
	bodyBig    // a configmap over 64 KiB
	bodyDelete // DeleteOptions and the deleted pod
)

// Audit levels.
const (
	levelMetadata uint8 = iota
	levelRequest
	levelRequestResponse
)

var levelNames = [...]string{"Metadata", "Request", "RequestResponse"}

// behavior is one kind of request some actors make.
type behavior struct {
	weight    float64
	actors    []*actor
	userKeys  []string // truth key per actor: username[fieldManager] when the URI has one
	verb      string
	res       *resource
	path      string // non-resource path when res is nil
	ns        nsMode
	fixedNS   string
	name      nameMode
	fixedName string
	sub       string
	query     qKind
	fm        string
	code      int     // the status code
	errRate   float64 // share of 404 (reads) or 409 (writes) instead
	level     uint8
	body      bodyKind
	latMicros float64 // median latency
	podsec    float64 // share with a pod-security violation
	imperson  *actor
}

// b is shorthand for building behavior tables.
type bspec struct {
	w      float64
	actors []string
	verb   string
	res    string // resource key in the catalog, or a path starting with /
	ns     nsMode
	fns    string
	name   nameMode
	fname  string
	sub    string
	q      qKind
	fm     string
	lat    float64
	level  uint8
	body   bodyKind
}

func (c *catalog) build(specs []bspec) []*behavior {
	var out []*behavior
	for _, s := range specs {
		b := &behavior{weight: s.w, verb: s.verb, ns: s.ns, fixedNS: s.fns, name: s.name, fixedName: s.fname,
			sub: s.sub, query: s.q, fm: s.fm, latMicros: s.lat, level: s.level, body: s.body, code: 200}
		if s.res != "" && s.res[0] == '/' {
			b.path = s.res
		} else {
			b.res = c.res[s.res]
			if b.res == nil {
				panic("mustgather: no resource " + s.res) // a bug in the tables
			}
		}
		for _, a := range s.actors {
			if a == "kubelets" {
				b.actors = append(b.actors, c.kubelets...)
				continue
			}
			b.actors = append(b.actors, c.actor(a))
		}
		for _, a := range b.actors {
			k := a.username
			if b.query == qFieldManager || b.query == qApply {
				k += "[" + b.fm + "]"
			}
			b.userKeys = append(b.userKeys, k)
		}
		switch b.verb {
		case "create":
			b.code = 201
		case "get":
			b.errRate = 0.02
		case "update", "patch":
			b.errRate = 0.01
		}
		if b.res == nil {
			b.errRate = 0
		}
		if b.latMicros == 0 {
			b.latMicros = 1500
		}
		out = append(out, b)
	}
	return out
}

const (
	sysdig    = "system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent"
	inventory = "system:serviceaccount:openshift-example-inventory:inventory-controller"
	osapi     = "system:serviceaccount:openshift-apiserver:openshift-apiserver-sa"
	oauthapi  = "system:serviceaccount:openshift-oauth-apiserver:oauth-apiserver-sa"
	oauthsrv  = "system:serviceaccount:openshift-authentication:oauth-openshift"
	kasOp     = "system:serviceaccount:openshift-kube-apiserver-operator:kube-apiserver-operator"
	cvo       = "system:serviceaccount:openshift-cluster-version:default"
	mcd       = "system:serviceaccount:openshift-machine-config-operator:machine-config-daemon"
	ingOp     = "system:serviceaccount:openshift-ingress-operator:ingress-operator"
	authOp    = "system:serviceaccount:openshift-authentication-operator:authentication-operator"
	etcdOp    = "system:serviceaccount:openshift-etcd-operator:etcd-operator"
	olm       = "system:serviceaccount:openshift-operator-lifecycle-manager:olm-operator-serviceaccount"
	multus    = "system:serviceaccount:openshift-multus:multus"
	ovn       = "system:serviceaccount:openshift-ovn-kubernetes:ovn-kubernetes-node"
	prom      = "system:serviceaccount:openshift-monitoring:prometheus-k8s"
	promOp    = "system:serviceaccount:openshift-monitoring:prometheus-operator"
	console   = "system:serviceaccount:openshift-console:console"
	rsCtl     = "system:serviceaccount:kube-system:replicaset-controller"
	depCtl    = "system:serviceaccount:kube-system:deployment-controller"
	epCtl     = "system:serviceaccount:kube-system:endpoint-controller"
	epsCtl    = "system:serviceaccount:kube-system:endpointslice-controller"
	gcCtl     = "system:serviceaccount:kube-system:generic-garbage-collector"
	nsCtl     = "system:serviceaccount:kube-system:namespace-controller"
	rqCtl     = "system:serviceaccount:kube-system:resourcequota-controller"
	kcm       = "system:kube-controller-manager"
	sched     = "system:kube-scheduler"
	apiserver = "system:apiserver"
	anon      = "system:anonymous"
)

var operators = []string{kasOp, cvo, mcd, ingOp, authOp, etcdOp, olm, multus, ovn, promOp}
var humans = []string{"kube:admin", "alice", "bob", "carol"}

// kubeBackground is the kube-apiserver's everyday traffic; weights are
// relative.
func (c *catalog) kubeBackground() []*behavior {
	rr := levelRequestResponse
	return c.build([]bspec{
		// system:apiserver
		{w: 3, actors: []string{apiserver}, verb: "get", res: "leases", ns: nsFixed, fns: "kube-system", name: nameAny, q: qTimeout, lat: 900},
		{w: 2, actors: []string{apiserver}, verb: "update", res: "leases", ns: nsFixed, fns: "kube-system", name: nameAny, q: qTimeout, lat: 2500},
		{w: 2, actors: []string{apiserver}, verb: "get", res: "namespaces", name: nameAny, lat: 600},
		{w: 2, actors: []string{apiserver}, verb: "list", res: "prioritylevelconfigurations", q: qList, lat: 3000},
		{w: 1.5, actors: []string{apiserver}, verb: "get", res: "endpoints", ns: nsFixed, fns: "default", name: nameFixed, fname: "kubernetes", lat: 700},
		// openshift-apiserver and oauth-apiserver call back for authorization
		{w: 6, actors: []string{osapi, oauthapi}, verb: "create", res: "subjectaccessreviews", lat: 1200},
		{w: 2, actors: []string{osapi}, verb: "get", res: "namespaces", name: nameAny, lat: 700},
		{w: 1, actors: []string{osapi}, verb: "watch", res: "configmaps", ns: nsAny, q: qWatch},
		{w: 1, actors: []string{osapi, oauthapi}, verb: "create", res: "tokenreviews", lat: 2000},
		// kubelets
		{w: 5, actors: []string{"kubelets"}, verb: "update", res: "leases", ns: nsFixed, fns: "kube-node-lease", name: nameNode, q: qTimeout, lat: 3000},
		{w: 4, actors: []string{"kubelets"}, verb: "watch", res: "configmaps", ns: nsAny, q: qWatchName},
		{w: 1, actors: []string{"kubelets"}, verb: "watch", res: "secrets", ns: nsAny, q: qWatchName},
		{w: 4, actors: []string{"kubelets"}, verb: "patch", res: "pods", ns: nsAny, name: nameAny, sub: "status", lat: 4000, level: levelRequest, body: bodyPatch},
		{w: 4, actors: []string{"kubelets"}, verb: "get", res: "pods", ns: nsAny, name: nameAny, lat: 900},
		{w: 2, actors: []string{"kubelets"}, verb: "patch", res: "nodes", name: nameNode, sub: "status", lat: 5000, level: levelRequest, body: bodyPatch},
		{w: 1, actors: []string{"kubelets"}, verb: "get", res: "nodes", name: nameNode, q: qRV0, lat: 500},
		{w: 2, actors: []string{"kubelets"}, verb: "get", res: "configmaps", ns: nsAny, name: nameAny, lat: 800},
		{w: 0.5, actors: []string{"kubelets"}, verb: "watch", res: "pods", q: qWatchNode},
		{w: 1, actors: []string{"kubelets"}, verb: "create", res: "serviceaccounts", ns: nsAny, name: nameAny, sub: "token", lat: 2500},
		// control-plane controllers
		{w: 2, actors: []string{kcm, sched}, verb: "update", res: "leases", ns: nsFixed, fns: "kube-system", name: nameAny, q: qTimeout, lat: 3000},
		{w: 1, actors: []string{kcm, sched}, verb: "get", res: "leases", ns: nsFixed, fns: "kube-system", name: nameAny, q: qTimeout, lat: 800},
		{w: 1, actors: []string{sched}, verb: "create", res: "pods", ns: nsApp, name: nameAny, sub: "binding", lat: 3000},
		{w: 2, actors: []string{rsCtl, depCtl}, verb: "update", res: "replicasets", ns: nsAny, name: nameAny, sub: "status", lat: 3500},
		{w: 1, actors: []string{depCtl}, verb: "update", res: "deployments", ns: nsAny, name: nameAny, sub: "status", lat: 3500},
		{w: 0.6, actors: []string{rsCtl}, verb: "create", res: "pods", ns: nsApp, lat: 6000, level: rr, body: bodyObject},
		{w: 2, actors: []string{epCtl}, verb: "update", res: "endpoints", ns: nsAny, name: nameAny, lat: 3000},
		{w: 2, actors: []string{epsCtl}, verb: "update", res: "endpointslices", ns: nsAny, name: nameAny, lat: 3000},
		{w: 1, actors: []string{gcCtl, nsCtl, rqCtl}, verb: "list", res: "namespaces", q: qList, lat: 8000},
		{w: 1, actors: []string{rqCtl}, verb: "get", res: "resourcequotas", ns: nsApp, name: nameAny, lat: 800},
		{w: 2, actors: []string{kcm, rsCtl, depCtl}, verb: "create", res: "events", ns: nsAny, lat: 2000},
		// operators
		{w: 8, actors: operators, verb: "get", res: "configmaps", ns: nsOwn, name: nameAny, lat: 900},
		{w: 3, actors: operators, verb: "list", res: "configmaps", ns: nsOwn, q: qList, lat: 4000},
		{w: 2, actors: operators, verb: "update", res: "configmaps", ns: nsOwn, name: nameAny, q: qFieldManager, fm: "operator-static-resources", lat: 4000, level: rr, body: bodyObject},
		{w: 3, actors: []string{kasOp, cvo, authOp, etcdOp}, verb: "patch", res: "configmaps", ns: nsAny, name: nameAny, q: qApply, fm: "cluster-operator-config", lat: 5000, level: rr, body: bodyObject},
		{w: 5, actors: operators, verb: "update", res: "leases", ns: nsOwn, name: nameAny, q: qTimeout, lat: 3000},
		{w: 2, actors: operators, verb: "get", res: "leases", ns: nsOwn, name: nameAny, q: qTimeout, lat: 800},
		{w: 1, actors: []string{cvo, kasOp, authOp, etcdOp, ingOp}, verb: "watch", res: "clusteroperators", q: qWatch},
		{w: 2, actors: []string{cvo, kasOp, authOp, etcdOp, ingOp}, verb: "get", res: "clusteroperators", name: nameAny, lat: 900},
		{w: 1, actors: []string{cvo, kasOp, authOp, etcdOp, ingOp}, verb: "update", res: "clusteroperators", name: nameAny, sub: "status", lat: 4000},
		{w: 2, actors: operators, verb: "list", res: "secrets", ns: nsOwn, q: qList, lat: 5000},
		{w: 2, actors: operators, verb: "get", res: "deployments", ns: nsOwn, name: nameAny, lat: 900},
		{w: 0.3, actors: []string{kasOp}, verb: "get", res: "kubeapiservers", name: nameFixed, fname: "cluster", lat: 900},
		{w: 0.3, actors: []string{cvo}, verb: "get", res: "infrastructures", name: nameFixed, fname: "cluster", lat: 900},
		{w: 2, actors: []string{mcd, multus, ovn}, verb: "get", res: "pods", ns: nsOwn, name: nameAny, lat: 900},
		{w: 0.02, actors: []string{cvo}, verb: "update", res: "configmaps", ns: nsFixed, fns: "openshift-config-managed", name: nameFixed, fname: "trusted-ca-bundle", lat: 25000, level: rr, body: bodyBig},
		{w: 0.5, actors: []string{olm, cvo}, verb: "list", res: "customresourcedefinitions", q: qList, lat: 90000},
		// monitoring
		{w: 2, actors: []string{prom}, verb: "get", res: "/metrics", lat: 12000},
		{w: 1, actors: []string{prom}, verb: "list", res: "endpoints", ns: nsAny, q: qList, lat: 3000},
		{w: 1, actors: []string{prom}, verb: "list", res: "pods", ns: nsAny, q: qList, lat: 6000},
		{w: 1, actors: []string{prom, promOp}, verb: "watch", res: "services", ns: nsAny, q: qWatch},
		{w: 0.5, actors: []string{promOp}, verb: "watch", res: "servicemonitors", ns: nsAny, q: qWatch},
		// humans and the console
		{w: 0.8, actors: humans, verb: "list", res: "pods", ns: nsApp, q: qList, lat: 5000},
		{w: 0.6, actors: humans, verb: "get", res: "pods", ns: nsApp, name: nameAny, lat: 1000},
		{w: 0.3, actors: humans, verb: "get", res: "pods", ns: nsApp, name: nameAny, sub: "log", lat: 30000},
		{w: 0.3, actors: humans, verb: "get", res: "deployments", ns: nsApp, name: nameAny, lat: 1000},
		{w: 0.1, actors: humans, verb: "create", res: "pods", ns: nsApp, lat: 8000, level: rr, body: bodyObject},
		{w: 0.2, actors: humans, verb: "patch", res: "deployments", ns: nsApp, name: nameAny, q: qFieldManager, fm: "kubectl-client-side-apply", lat: 6000, level: rr, body: bodyObject},
		{w: 0.03, actors: humans, verb: "delete", res: "pods", ns: nsApp, name: nameAny, lat: 9000, level: rr, body: bodyDelete},
		{w: 0.5, actors: []string{console}, verb: "get", res: "configmaps", ns: nsFixed, fns: "openshift-console-user-settings", name: nameAny, lat: 1300},
		{w: 0.4, actors: []string{"carol"}, verb: "list", res: "namespaces", q: qList, lat: 4000},
		// discovery and health
		{w: 1.5, actors: []string{anon}, verb: "get", res: "/readyz", lat: 300},
		{w: 1, actors: []string{anon}, verb: "get", res: "/healthz", lat: 300},
		{w: 0.5, actors: []string{anon}, verb: "get", res: "/livez", lat: 300},
		{w: 1, actors: append([]string{console, prom}, operators[:4]...), verb: "get", res: "/apis", lat: 700},
		{w: 0.5, actors: append([]string{console}, operators[:4]...), verb: "get", res: "/api/v1", lat: 600},
		{w: 0.2, actors: []string{console, olm}, verb: "get", res: "/openapi/v2", lat: 150000},
		{w: 0.2, actors: humans, verb: "get", res: "/version", lat: 400},
	})
}

// stormBehaviors are the metrics-403 culprit's: mostly refused GETs of
// every worker's proxy/metrics, a few allowed requests.
func (c *catalog) stormBehaviors() (metrics *behavior, other []*behavior) {
	bs := c.build([]bspec{
		{w: 1, actors: []string{sysdig}, verb: "get", res: "nodes", name: nameWorker, sub: "proxy/metrics", lat: 260},
		{w: 3, actors: []string{sysdig}, verb: "list", res: "nodes", q: qList, lat: 4000},
		{w: 2, actors: []string{sysdig}, verb: "list", res: "pods", q: qList, lat: 15000},
		{w: 1, actors: []string{sysdig}, verb: "watch", res: "pods", q: qWatch},
		{w: 1, actors: []string{sysdig}, verb: "get", res: "namespaces", name: nameAny, lat: 600},
	})
	bs[0].code, bs[0].errRate = 403, 0
	return bs[0], bs[1:]
}

// throttledBehaviors are the throttled controller's requests.
func (c *catalog) throttledBehaviors() []*behavior {
	return c.build([]bspec{
		{w: 5, actors: []string{inventory}, verb: "list", res: "configmaps", ns: nsApp, q: qList, lat: 6000},
		{w: 3, actors: []string{inventory}, verb: "get", res: "configmaps", ns: nsApp, name: nameAny, lat: 1000},
		{w: 1, actors: []string{inventory}, verb: "list", res: "deployments", ns: nsApp, q: qList, lat: 6000},
	})
}

// openshiftBackground is openshift-apiserver's traffic.
func (c *catalog) openshiftBackground() []*behavior {
	rr := levelRequestResponse
	return c.build([]bspec{
		{w: 4, actors: []string{console, "carol"}, verb: "list", res: "projects", lat: 9000},
		{w: 3, actors: []string{ingOp, console}, verb: "list", res: "routes", ns: nsApp, q: qList, lat: 4000},
		{w: 2, actors: []string{ingOp}, verb: "watch", res: "routes", q: qWatch},
		{w: 3, actors: humans, verb: "get", res: "routes", ns: nsApp, name: nameAny, lat: 2000},
		{w: 3, actors: operators, verb: "list", res: "imagestreams", ns: nsOwn, q: qList, lat: 7000},
		{w: 1, actors: humans, verb: "get", res: "deploymentconfigs", ns: nsApp, name: nameAny, lat: 2000},
		{w: 1, actors: humans, verb: "create", res: "builds", ns: nsApp, lat: 12000, level: rr, body: bodyObject},
		{w: 1, actors: []string{cvo}, verb: "get", res: "templates", ns: nsFixed, fns: "openshift", name: nameAny, lat: 2000},
		{w: 2, actors: []string{kcm}, verb: "get", res: "rangeallocations", name: nameAny, lat: 2000},
		{w: 1, actors: []string{rqCtl}, verb: "list", res: "clusterresourcequotas", q: qList, lat: 3000},
		{w: 1, actors: []string{anon}, verb: "get", res: "/healthz", lat: 300},
	})
}

// oauthBackground is oauth-apiserver's traffic.
func (c *catalog) oauthBackground() []*behavior {
	return c.build([]bspec{
		{w: 6, actors: []string{oauthsrv}, verb: "get", res: "oauthclients", name: nameAny, lat: 1500},
		{w: 4, actors: []string{oauthsrv}, verb: "create", res: "oauthaccesstokens", lat: 3000},
		{w: 4, actors: []string{oauthsrv}, verb: "get", res: "users", name: nameAny, lat: 1500},
		{w: 2, actors: []string{oauthsrv}, verb: "get", res: "identities", name: nameAny, lat: 1500},
		{w: 2, actors: humans, verb: "list", res: "useroauthaccesstokens", q: qList, lat: 3000},
		{w: 2, actors: []string{authOp}, verb: "list", res: "groups", q: qList, lat: 3000},
		{w: 1, actors: []string{anon}, verb: "get", res: "/healthz", lat: 300},
	})
}
