package findings

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/auditlens/auditlens/auditlog"
)

// fuzzSeeds are event lines that reach every detector.
var fuzzSeeds = []string{
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1","stage":"ResponseComplete","requestURI":"/api/v1/nodes/n1/proxy/metrics","verb":"get","user":{"username":"system:serviceaccount:x:agent"},"sourceIPs":["10.0.0.1"],"userAgent":"agent/1","responseStatus":{"metadata":{},"code":403},"requestReceivedTimestamp":"2022-02-07T22:15:17.000000Z","stageTimestamp":"2022-02-07T22:15:17.000260Z"}`,
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a2","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/b/secrets/s","verb":"get","user":{},"sourceIPs":["10.0.77.7"],"userAgent":"backup/2","responseStatus":{"metadata":{},"code":401},"requestReceivedTimestamp":"2022-02-07T22:15:18.000000Z","stageTimestamp":"2022-02-07T22:15:18.000300Z"}`,
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a3","stage":"ResponseComplete","requestURI":"/api/v1/services?allowWatchBookmarks=true\u0026timeoutSeconds=450\u0026watch=true","verb":"watch","user":{"username":"edge"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2022-02-07T22:15:18.000000Z","stageTimestamp":"2022-02-07T22:15:29.500000Z"}`,
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a4","stage":"ResponseComplete","requestURI":"/api/v1/pods?continue=x\u0026limit=500","verb":"list","user":{"username":"exporter"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2022-02-07T22:15:19.000000Z","stageTimestamp":"2022-02-07T22:15:19.300000Z"}`,
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a5","stage":"ResponseComplete","requestURI":"/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=fleet\u0026force=true","verb":"patch","user":{"username":"fleet"},"responseStatus":{"metadata":{},"code":409},"requestReceivedTimestamp":"2022-02-07T22:15:20.000000Z","stageTimestamp":"2022-02-07T22:15:20.006000Z"}`,
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a6","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/ci/pods","verb":"create","user":{"username":"ci"},"responseStatus":{"metadata":{},"code":503},"requestReceivedTimestamp":"2022-02-07T22:15:21.000000Z","stageTimestamp":"2022-02-07T22:15:23.600000Z","annotations":{"apiserver.latency.k8s.io/mutating-webhook":"2.1s","apiserver.latency.k8s.io/total":"2.6s","openshift.io/during-graceful":"loopback=false","k8s.io/deprecated":"true","k8s.io/removed-release":"1.25"}}`,
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a7","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/a/pods/p/exec?command=sh","verb":"create","user":{"username":"alice"},"responseStatus":{"metadata":{},"code":429},"requestReceivedTimestamp":"2022-02-07T22:15:22.000000Z","stageTimestamp":"2022-02-07T22:16:22.000000Z","annotations":{"authentication.k8s.io/legacy-token-manual-secret":"s","authentication.k8s.io/stale-token":"subject: x, seconds after warning threshold: 9","missing-san.invalid-cert.kubernetes.io/h.svc":"x","insecure-sha1.invalid-cert.kubernetes.io/h2.svc":"y","pod-security.kubernetes.io/audit-violations":"v","apiserver.latency.k8s.io/apf-queue-wait":"2s"}}`,
}

// FuzzDetectors feeds arbitrary event lines to the detectors: they must
// not panic, and the result must be the same whether the lines go to one
// set of detectors or are split between two that are then merged.
func FuzzDetectors(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s + "\n" + s))
	}
	f.Add([]byte(fuzzSeeds[0] + "\n" + fuzzSeeds[5] + "\n" + fuzzSeeds[6]))
	fields := New(Options{}).Fields()
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := Options{DeniedPerHour: -1, DeniedShare: -1, HotLoopPerMinute: -1, HotLoopMinutes: -1,
			WatchChurnPerHour: -1, WatchChurnShare: -1, EtcdListsPerHour: -1, RV0ListsPerHour: -1,
			WritesPerMinute: -1, WriteMinutes: -1, ConflictsPerHour: -1, InvalidPerHour: -1,
			ServerErrorSeconds: -1, ThrottledPerHour: -1, SlowPerHour: -1, SlowShare: -1}
		one, a, b := New(opts), New(opts), New(opts)
		path := filepath.Join(t.TempDir(), "audit.log")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		sources, err := auditlog.Find(path)
		if err != nil {
			t.Fatal(err)
		}
		for e := range auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: fields}).All() {
			one.Add(e)
			if e.Line%2 == 0 {
				a.Add(e)
			} else {
				b.Add(e)
			}
		}
		b.Merge(a)
		want, got := fmt.Sprintf("%+v", one.Result()), fmt.Sprintf("%+v", b.Result())
		if got != want {
			t.Fatalf("split and merged:\n%s\nwhole:\n%s", got, want)
		}
	})
}

// FuzzListParams checks the one-pass reading of a LIST's query against
// auditlog.Request.QueryValue, parameter by parameter.
func FuzzListParams(f *testing.F) {
	for _, q := range []string{"limit=500&resourceVersion=0", "continue=a%3Db&limit=5&limit=7", "resourceVersion%4D=1&resourceVersionMatch=Exact",
		"resourceVersion=1+2&&=&limit=-3", "continue=%zz"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		r := auditlog.ParseRequestURI("/api/v1/pods?" + q)
		rv, match, cont, limit := listParams(&r)
		wrv, _ := r.QueryValue("resourceVersion")
		wmatch, _ := r.QueryValue("resourceVersionMatch")
		wcont, _ := r.QueryValue("continue")
		var wlimit int64
		if l, ok := r.QueryValue("limit"); ok {
			wlimit, _ = strconv.ParseInt(l, 10, 64)
		}
		if rv != wrv || match != wmatch || cont != wcont || limit != wlimit {
			t.Fatalf("%q: %q %q %q %d, QueryValue %q %q %q %d", q, rv, match, cont, limit, wrv, wmatch, wcont, wlimit)
		}
	})
}
