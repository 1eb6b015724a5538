package aggregate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// corpusEntries decodes every line of the committed corpus that is an audit
// event.
func corpusEntries(t testing.TB) []*auditlog.Entry {
	t.Helper()
	var entries []*auditlog.Entry
	root := filepath.Join("..", "testdata", "corpus")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) == ".md" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src := &auditlog.Source{Path: path, Server: auditlog.ServerKube, Node: filepath.Base(filepath.Dir(path))}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		var line int64
		for sc.Scan() {
			line++
			var ev auditv1.Event
			if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.AuditID == "" {
				continue
			}
			e := &auditlog.Entry{}
			e.Reset(&ev, src, line, src.Node)
			entries = append(entries, e)
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 800 {
		t.Fatalf("corpus: %d events, want at least 800", len(entries))
	}
	return entries
}

// synthStart is the time of the first synthetic event.
var synthStart = time.Date(2022, 2, 7, 22, 15, 16, 0, time.UTC)

// synthEntries makes n varied events from a seed: verbs, users with and
// without field managers, core and named-group resources, namespaced and
// cluster-scoped, queries in any order, statuses (none, 200, 403, 429),
// latencies, latency annotations and a burst of 403s in one minute.
func synthEntries(seed uint64, n int) []*auditlog.Entry {
	r := rand.New(rand.NewPCG(seed, 42))
	verbs := []string{"get", "list", "watch", "create", "update", "patch", "delete"}
	users := []string{"system:admin", "system:apiserver", "system:node:n1", "system:serviceaccount:a:b", "alice"}
	paths := []string{
		"/api/v1/namespaces/ns%d/pods",
		"/api/v1/namespaces/ns%d/configmaps/cm",
		"/apis/apps/v1/namespaces/ns%d/deployments/d/status",
		"/apis/rbac.authorization.k8s.io/v1/clusterroles/r%d",
		"/api/v1/nodes/node-%d/proxy/metrics",
		"/healthz",
		"/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-%d",
	}
	queries := []string{"", "?limit=500", "?timeout=30s&limit=500", "?limit=500&timeoutSeconds=9&resourceVersion=%d",
		"?fieldManager=kubectl&dryRun=All", "?dryRun=All&fieldManager=kubectl", "?watch=true&resourceVersion=%d"}
	stages := []auditv1.Stage{auditv1.StageResponseComplete, auditv1.StageResponseComplete, auditv1.StageRequestReceived}
	servers := []auditlog.Server{auditlog.ServerKube, auditlog.ServerOpenShift, auditlog.ServerOAuthAPI}
	sources := make([]*auditlog.Source, len(servers)*2)
	for i := range sources {
		sources[i] = &auditlog.Source{Path: fmt.Sprintf("s%d.log", i), Server: servers[i%len(servers)], Node: fmt.Sprintf("master-%d", i/len(servers))}
	}
	burst := synthStart.Add(40 * time.Minute)
	entries := make([]*auditlog.Entry, n)
	for i := range entries {
		ev := &auditv1.Event{AuditID: types.UID(fmt.Sprint("id", i)), Level: auditv1.LevelMetadata}
		ev.Verb = verbs[r.IntN(len(verbs))]
		ev.User.Username = users[r.IntN(len(users))]
		uri := paths[r.IntN(len(paths))]
		if r.IntN(2) == 0 {
			uri = fmt.Sprintf(uri, r.IntN(3))
		} else {
			uri = fmt.Sprintf(uri, 0)
		}
		q := queries[r.IntN(len(queries))]
		if bytes.Contains([]byte(q), []byte("%d")) {
			q = fmt.Sprintf(q, r.IntN(1000))
		}
		ev.RequestURI = uri + q
		ev.Stage = stages[r.IntN(len(stages))]
		ev.UserAgent = [...]string{"kubelet/v1.29.3 (linux/amd64) kubernetes/abc", "Go-http-client/2.0", "", "kubectl/v1.28.0"}[r.IntN(4)]
		ev.SourceIPs = []string{fmt.Sprintf("10.0.0.%d", r.IntN(4))}
		at := synthStart.Add(time.Duration(r.Int64N(int64(2 * time.Hour)))).Truncate(time.Microsecond)
		if i%5 == 0 {
			// A burst of 403s: the storm.
			at = burst.Add(time.Duration(r.Int64N(int64(time.Minute)))).Truncate(time.Microsecond)
			ev.User.Username = "system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent"
			ev.Verb = "get"
			ev.RequestURI = fmt.Sprintf("/api/v1/nodes/node-%d/proxy/metrics", r.IntN(3))
			ev.Stage = auditv1.StageResponseComplete
		}
		lat := time.Duration(r.ExpFloat64()*float64(2*time.Millisecond)) + time.Duration(r.IntN(1000))*time.Microsecond
		ev.RequestReceivedTimestamp = metav1.NewMicroTime(at)
		ev.StageTimestamp = metav1.NewMicroTime(at.Add(lat).Truncate(time.Microsecond))
		switch {
		case ev.Stage == auditv1.StageRequestReceived:
		case i%5 == 0:
			ev.ResponseStatus = &metav1.Status{Code: 403}
		case r.IntN(20) == 0:
			ev.ResponseStatus = &metav1.Status{Code: 429}
		default:
			ev.ResponseStatus = &metav1.Status{Code: int32([...]int{200, 200, 200, 201, 404, 500}[r.IntN(6)])}
		}
		if r.IntN(4) == 0 {
			ev.Annotations = map[string]string{
				"apiserver.latency.k8s.io/total":          lat.String(),
				"apiserver.latency.k8s.io/etcd":           (lat / 3).String(),
				"apiserver.latency.k8s.io/apf-queue-wait": time.Duration(r.IntN(5000) * int(time.Microsecond)).String(),
				"authorization.k8s.io/decision":           "allow",
			}
			if r.IntN(50) == 0 {
				ev.Annotations["apiserver.latency.k8s.io/etcd"] = "not-a-duration"
			}
		}
		src := sources[r.IntN(len(sources))]
		e := &auditlog.Entry{}
		e.Reset(ev, src, int64(i+1), src.Node)
		entries[i] = e
	}
	return entries
}

// allEntries is the corpus and 5,000 synthetic events.
func allEntries(t testing.TB) []*auditlog.Entry {
	return append(corpusEntries(t), synthEntries(1, 5000)...)
}
