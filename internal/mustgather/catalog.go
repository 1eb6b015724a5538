package mustgather

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// resource is an API resource.
type resource struct {
	group, version, name string
	kind                 string // object kind, for bodies
	namespaced           bool
	prefix               string // /api/v1 or /apis/GROUP/VERSION
	key                  string // the truth key: v1/RES or GROUP/VERSION/RES
	names                []string
}

func newResource(gv, name, kind string, namespaced bool) *resource {
	r := &resource{name: name, kind: kind, namespaced: namespaced}
	if g, v, ok := strings.Cut(gv, "/"); ok {
		r.group, r.version = g, v
		r.prefix = "/apis/" + gv
		r.key = gv + "/" + name
	} else {
		r.version = gv
		r.prefix = "/api/" + gv
		r.key = gv + "/" + name
	}
	return r
}

// actor is a user of the API: its identity and how it connects.
type actor struct {
	username string
	ua, ip   string
	userJSON string // the "user" object, encoded
	tailJSON string // ,"sourceIPs":[...],"userAgent":"..." encoded
	reason   string // authorization.k8s.io/reason when allowed
	ns       string // a service account's namespace
	node     string // a kubelet's node
}

// catalog is the cluster the events are about: its nodes, namespaces,
// resources, users and object names. It is built from the seed and shared
// read-only by every writer.
type catalog struct {
	masters, workers []string
	masterIPs        []string
	namespaces       []string
	appNamespaces    []string
	res              map[string]*resource
	nsNames          map[string][]string // per namespace, app names
	kubelets         []*actor            // one per master, then per worker
	actors           map[string]*actor
	podNames         map[string][]string // per namespace
	bigCerts         []string            // PEM blocks for big bodies
}

var openshiftNamespaces = []string{
	"default", "kube-system", "kube-node-lease", "openshift", "openshift-apiserver", "openshift-authentication",
	"openshift-authentication-operator", "openshift-cluster-version", "openshift-config",
	"openshift-config-managed", "openshift-console", "openshift-console-user-settings",
	"openshift-dns", "openshift-etcd", "openshift-etcd-operator", "openshift-image-registry",
	"openshift-ingress", "openshift-ingress-operator", "openshift-kube-apiserver",
	"openshift-kube-apiserver-operator", "openshift-kube-controller-manager",
	"openshift-kube-scheduler", "openshift-machine-api", "openshift-machine-config-operator",
	"openshift-marketplace", "openshift-monitoring", "openshift-multus",
	"openshift-network-diagnostics", "openshift-oauth-apiserver",
	"openshift-operator-lifecycle-manager", "openshift-ovn-kubernetes",
	"openshift-example-sysdig-agent", "openshift-example-inventory",
}

var appNamespaces = []string{
	"shop-prod", "shop-staging", "payments", "data-pipeline", "web-frontend",
	"analytics", "team-a-dev", "team-b-dev", "ci-runners", "logging",
}

var appWords = []string{"api", "web", "worker", "cache", "db", "frontend", "checkout", "router", "agent", "exporter", "sync", "queue"}

const alnum = "bcdfghjklmnpqrstvwxz2456789"

func randSuffix(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alnum[rng.IntN(len(alnum))]
	}
	return string(b)
}

// resourceTable lists the resources: group/version, plural, kind, namespaced.
var resourceTable = []struct {
	gv, name, kind string
	namespaced     bool
}{
	{"v1", "pods", "Pod", true},
	{"v1", "configmaps", "ConfigMap", true},
	{"v1", "secrets", "Secret", true},
	{"v1", "services", "Service", true},
	{"v1", "endpoints", "Endpoints", true},
	{"v1", "events", "Event", true},
	{"v1", "serviceaccounts", "ServiceAccount", true},
	{"v1", "persistentvolumeclaims", "PersistentVolumeClaim", true},
	{"v1", "resourcequotas", "ResourceQuota", true},
	{"v1", "nodes", "Node", false},
	{"v1", "namespaces", "Namespace", false},
	{"v1", "persistentvolumes", "PersistentVolume", false},
	{"apps/v1", "deployments", "Deployment", true},
	{"apps/v1", "replicasets", "ReplicaSet", true},
	{"apps/v1", "daemonsets", "DaemonSet", true},
	{"apps/v1", "statefulsets", "StatefulSet", true},
	{"coordination.k8s.io/v1", "leases", "Lease", true},
	{"discovery.k8s.io/v1", "endpointslices", "EndpointSlice", true},
	{"batch/v1", "jobs", "Job", true},
	{"rbac.authorization.k8s.io/v1", "rolebindings", "RoleBinding", true},
	{"rbac.authorization.k8s.io/v1", "clusterroles", "ClusterRole", false},
	{"authorization.k8s.io/v1", "subjectaccessreviews", "SubjectAccessReview", false},
	{"authentication.k8s.io/v1", "tokenreviews", "TokenReview", false},
	{"apiextensions.k8s.io/v1", "customresourcedefinitions", "CustomResourceDefinition", false},
	{"config.openshift.io/v1", "clusteroperators", "ClusterOperator", false},
	{"config.openshift.io/v1", "infrastructures", "Infrastructure", false},
	{"operator.openshift.io/v1", "kubeapiservers", "KubeAPIServer", false},
	{"monitoring.coreos.com/v1", "servicemonitors", "ServiceMonitor", true},
	{"flowcontrol.apiserver.k8s.io/v1beta3", "prioritylevelconfigurations", "PriorityLevelConfiguration", false},
	// openshift-apiserver
	{"route.openshift.io/v1", "routes", "Route", true},
	{"project.openshift.io/v1", "projects", "Project", false},
	{"image.openshift.io/v1", "imagestreams", "ImageStream", true},
	{"apps.openshift.io/v1", "deploymentconfigs", "DeploymentConfig", true},
	{"build.openshift.io/v1", "builds", "Build", true},
	{"template.openshift.io/v1", "templates", "Template", true},
	{"security.openshift.io/v1", "rangeallocations", "RangeAllocation", false},
	{"quota.openshift.io/v1", "clusterresourcequotas", "ClusterResourceQuota", false},
	// oauth-apiserver
	{"oauth.openshift.io/v1", "oauthaccesstokens", "OAuthAccessToken", false},
	{"oauth.openshift.io/v1", "oauthclients", "OAuthClient", false},
	{"oauth.openshift.io/v1", "useroauthaccesstokens", "UserOAuthAccessToken", false},
	{"user.openshift.io/v1", "users", "User", false},
	{"user.openshift.io/v1", "identities", "Identity", false},
	{"user.openshift.io/v1", "groups", "Group", false},
}

// newCatalog builds the cluster from rng.
func newCatalog(rng *rand.Rand, masters, workers int) *catalog {
	c := &catalog{
		res:      map[string]*resource{},
		nsNames:  map[string][]string{},
		actors:   map[string]*actor{},
		podNames: map[string][]string{},
	}
	seen := map[string]bool{}
	for len(c.masters) < masters {
		third, fourth := 128+rng.IntN(64), 1+rng.IntN(254)
		name := fmt.Sprintf("ip-10-0-%d-%d.ec2.internal", third, fourth)
		if seen[name] {
			continue
		}
		seen[name] = true
		c.masters = append(c.masters, name)
		c.masterIPs = append(c.masterIPs, fmt.Sprintf("10.0.%d.%d", third, fourth))
	}
	for i := 1; i <= workers; i++ {
		c.workers = append(c.workers, fmt.Sprintf("cluster-app-%02d.dmz", i))
	}
	c.namespaces = append(append([]string{}, openshiftNamespaces...), appNamespaces...)
	c.appNamespaces = appNamespaces
	for _, ns := range c.namespaces {
		short := strings.TrimPrefix(strings.TrimPrefix(ns, "openshift-"), "kube-")
		n := 3 + rng.IntN(4)
		var apps, pods []string
		for i := 0; i < n; i++ {
			app := short + "-" + appWords[rng.IntN(len(appWords))]
			if i == 0 {
				app = short
			}
			if i > 0 && app == apps[len(apps)-1] {
				app += "-" + randSuffix(rng, 3)
			}
			apps = append(apps, app)
			rs := randSuffix(rng, 9)
			for j := 0; j < 1+rng.IntN(3); j++ {
				pods = append(pods, app+"-"+rs+"-"+randSuffix(rng, 5))
			}
		}
		c.nsNames[ns] = apps
		c.podNames[ns] = pods
	}
	for _, r := range resourceTable {
		res := newResource(r.gv, r.name, r.kind, r.namespaced)
		switch r.name {
		case "nodes":
			res.names = append(append([]string{}, c.masters...), c.workers...)
		case "namespaces", "projects":
			res.names = c.namespaces
		case "users":
			res.names = []string{"alice", "bob", "carol", "dave"}
		case "clusteroperators":
			res.names = []string{"authentication", "dns", "etcd", "ingress", "kube-apiserver", "monitoring", "network", "machine-config"}
		case "customresourcedefinitions":
			res.names = []string{"servicemonitors.monitoring.coreos.com", "prometheusrules.monitoring.coreos.com", "machines.machine.openshift.io", "clusteroperators.config.openshift.io"}
		default:
			if !r.namespaced {
				for i := 0; i < 5; i++ {
					res.names = append(res.names, strings.TrimSuffix(r.name, "s")+"-"+randSuffix(rng, 5))
				}
			}
		}
		c.res[r.gv+"/"+r.name] = res
		if _, dup := c.res[r.name]; !dup {
			c.res[r.name] = res
		}
	}
	for i := 0; i < 8; i++ {
		c.bigCerts = append(c.bigCerts, pemBlock(rng))
	}
	c.addActors(rng)
	return c
}

// pemBlock is a fake PEM certificate, for big configmaps.
func pemBlock(rng *rand.Rand) string {
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var sb strings.Builder
	sb.WriteString("-----BEGIN CERTIFICATE-----\n")
	for l := 0; l < 24; l++ {
		for i := 0; i < 64; i++ {
			sb.WriteByte(b64[rng.IntN(64)])
		}
		sb.WriteByte('\n')
	}
	sb.WriteString("-----END CERTIFICATE-----\n")
	return sb.String()
}

// objectName returns a name for an object of res in ns, drawn with rng.
func (c *catalog) objectName(rng *rand.Rand, res *resource, ns string) string {
	if len(res.names) > 0 {
		return res.names[rng.IntN(len(res.names))]
	}
	if res.name == "pods" {
		p := c.podNames[ns]
		return p[rng.IntN(len(p))]
	}
	apps := c.nsNames[ns]
	return apps[rng.IntN(len(apps))]
}

func (c *catalog) actor(name string) *actor {
	a := c.actors[name]
	if a == nil {
		panic("mustgather: no actor " + name) // a bug in the workload tables
	}
	return a
}

const (
	kubeUA    = "kube-apiserver/v1.26.5+7d22122 (linux/amd64) kubernetes/0e0d6b4"
	kubeletUA = "kubelet/v1.26.5+7d22122 (linux/amd64) kubernetes/0e0d6b4"
	ocUA      = "oc/4.13.0 (linux/amd64) kubernetes/92b1a3d"
	consoleUA = "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0"
)

// makeActor returns an actor with its JSON encoded.
func makeActor(username string, groups []string, uid, ua, ip, reason, ns string, extra bool) *actor {
	a := &actor{username: username, ua: ua, ip: ip, reason: reason, ns: ns}
	b := []byte(`{"username":`)
	b = appendJSONString(b, username)
	if uid != "" {
		b = append(b, `,"uid":`...)
		b = appendJSONString(b, uid)
	}
	b = append(b, `,"groups":[`...)
	for i, g := range groups {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, g)
	}
	b = append(b, ']')
	if extra {
		b = append(b, `,"extra":{"scopes.authorization.openshift.io":["user:full"]}`...)
	}
	b = append(b, '}')
	a.userJSON = string(b)
	t := []byte(`,"sourceIPs":[`)
	t = appendJSONString(t, ip)
	t = append(t, `],"userAgent":`...)
	t = appendJSONString(t, ua)
	a.tailJSON = string(t)
	return a
}

func (c *catalog) addActors(rng *rand.Rand) {
	add := func(username string, groups []string, uid, ua, ip, reason, ns string, extra bool) *actor {
		a := makeActor(username, groups, uid, ua, ip, reason, ns, extra)
		c.actors[username] = a
		return a
	}
	uid := func() string { return string(appendUUID(nil, rng.Uint64(), rng.Uint64())) }
	podIP := func() string { return fmt.Sprintf("10.%d.%d.%d", 128+rng.IntN(4), rng.IntN(256), 2+rng.IntN(250)) }
	sa := func(ns, name, ua, role string) *actor {
		u := "system:serviceaccount:" + ns + ":" + name
		reason := fmt.Sprintf("RBAC: allowed by ClusterRoleBinding %q of ClusterRole %q to ServiceAccount \"%s/%s\"", role, role, name, ns)
		return add(u, []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}, uid(), ua, podIP(), reason, ns, false)
	}
	masterIP := func() string { return c.masterIPs[rng.IntN(len(c.masterIPs))] }
	add("system:apiserver", []string{"system:masters"}, uid(), kubeUA, "::1", "", "", false)
	add("system:kube-controller-manager", []string{"system:authenticated"}, "", "kube-controller-manager/v1.26.5+7d22122 (linux/amd64) kubernetes/0e0d6b4/leader-election", masterIP(), `RBAC: allowed by ClusterRoleBinding "system:kube-controller-manager" of ClusterRole "system:kube-controller-manager" to User "system:kube-controller-manager"`, "", false)
	add("system:kube-scheduler", []string{"system:authenticated"}, "", "kube-scheduler/v1.26.5+7d22122 (linux/amd64) kubernetes/0e0d6b4/scheduler", masterIP(), `RBAC: allowed by ClusterRoleBinding "system:kube-scheduler" of ClusterRole "system:kube-scheduler" to User "system:kube-scheduler"`, "", false)
	add("system:anonymous", []string{"system:unauthenticated"}, "", "Go-http-client/1.1", "10.0.0.5", `RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"`, "", false)
	for i, n := range append(append([]string{}, c.masters...), c.workers...) {
		ip := fmt.Sprintf("10.0.%d.%d", 32+i/200, 10+i%200)
		if i < len(c.masterIPs) {
			ip = c.masterIPs[i]
		}
		k := add("system:node:"+n, []string{"system:nodes", "system:authenticated"}, "", kubeletUA, ip, "", "", false)
		k.node = n
		c.kubelets = append(c.kubelets, k)
	}
	sa("openshift-apiserver", "openshift-apiserver-sa", "openshift-apiserver/v0.0.0 (linux/amd64) kubernetes/$Format", "system:openshift:openshift-apiserver")
	sa("openshift-oauth-apiserver", "oauth-apiserver-sa", "oauth-apiserver/v0.0.0 (linux/amd64) kubernetes/$Format", "system:openshift:useroauthaccesstoken-manager")
	sa("openshift-authentication", "oauth-openshift", "oauth-server/v0.0.0 (linux/amd64) kubernetes/$Format", "system:openshift:openshift-authentication")
	for _, name := range []string{"replicaset-controller", "deployment-controller", "endpoint-controller", "endpointslice-controller", "generic-garbage-collector", "namespace-controller", "resourcequota-controller"} {
		sa("kube-system", name, "kube-controller-manager/v1.26.5+7d22122 (linux/amd64) kubernetes/0e0d6b4/system:serviceaccount:kube-system:"+name, "system:controller:"+name)
	}
	for _, o := range [][3]string{
		{"openshift-kube-apiserver-operator", "kube-apiserver-operator", "cluster-kube-apiserver-operator/v0.0.0 (linux/amd64) kubernetes/$Format"},
		{"openshift-cluster-version", "default", "cluster-version-operator/v0.0.0 (linux/amd64) kubernetes/$Format"},
		{"openshift-machine-config-operator", "machine-config-daemon", "machine-config-daemon/v0.0.0 (linux/amd64) kubernetes/$Format"},
		{"openshift-ingress-operator", "ingress-operator", "ingress-operator/v0.0.0 (linux/amd64) kubernetes/$Format"},
		{"openshift-authentication-operator", "authentication-operator", "authentication-operator/v0.0.0 (linux/amd64) kubernetes/$Format"},
		{"openshift-etcd-operator", "etcd-operator", "cluster-etcd-operator/v0.0.0 (linux/amd64) kubernetes/$Format"},
		{"openshift-operator-lifecycle-manager", "olm-operator-serviceaccount", "olm/v0.0.0 (linux/amd64) kubernetes/$Format"},
		{"openshift-multus", "multus", "multus-daemon/v0.0.0 (linux/amd64) kubernetes/$Format"},
		{"openshift-ovn-kubernetes", "ovn-kubernetes-node", "ovnkube/v0.0.0 (linux/amd64) kubernetes/$Format"},
		{"openshift-monitoring", "prometheus-k8s", "Prometheus/2.39.1"},
		{"openshift-monitoring", "prometheus-operator", "PrometheusOperator/0.60.1"},
		{"openshift-console", "console", "console/v0.0.0 (linux/amd64) kubernetes/$Format"},
		{"openshift-example-sysdig-agent", "sysdig-agent", "sysdig-agent/12.10.1 (linux/amd64)"},
		{"openshift-example-inventory", "inventory-controller", "inventory-controller/1.4.2 (linux/amd64) kubernetes/v0.26.3"},
	} {
		sa(o[0], o[1], o[2], "system:openshift:operator:"+o[1])
	}
	for _, h := range []string{"kube:admin", "alice", "bob", "carol"} {
		ua := ocUA
		if h == "carol" {
			ua = consoleUA
		}
		reason := `RBAC: allowed by ClusterRoleBinding "cluster-admins" of ClusterRole "cluster-admin" to User "` + h + `"`
		add(h, []string{"system:authenticated:oauth", "system:authenticated"}, "", ua, fmt.Sprintf("192.168.%d.%d", 1+rng.IntN(20), 2+rng.IntN(250)), reason, "", true)
	}
}
