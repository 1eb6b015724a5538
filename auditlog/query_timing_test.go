package auditlog

import "testing"

// benchQueries are requestURIs as the hot paths see them: a watch, a list,
// a write with a field manager, a log follow, and none.
var benchQueries = []string{
	"/api/v1/namespaces/ns/pods?allowWatchBookmarks=true&resourceVersion=1234567&timeout=7m3s&timeoutSeconds=423&watch=true",
	"/apis/apps/v1/namespaces/ns/deployments?labelSelector=app%3Dweb%2Ctier%3Dfront&limit=500&resourceVersion=0",
	"/apis/apps/v1/namespaces/ns/deployments/web/status?fieldManager=kube-controller-manager",
	"/api/v1/namespaces/ns/pods/p/log?container=c&follow=true",
	"/api/v1/nodes/master-0",
}

// BenchmarkQueryValue is the cost of the lookups latency makes of every
// request (watch, follow), one of them present, on parsed requests.
func BenchmarkQueryValue(b *testing.B) {
	rs := make([]Request, len(benchQueries))
	for i, q := range benchQueries {
		rs[i] = ParseRequestURI(q)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for i := range rs {
			if _, ok := rs[i].QueryValue("watch"); ok {
				n++
			}
			if _, ok := rs[i].QueryValue("follow"); ok {
				n++
			}
		}
	}
	if n == 0 {
		b.Fatal("no parameter found")
	}
}
