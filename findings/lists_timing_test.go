package findings

import (
	"testing"

	"github.com/auditlens/auditlens/auditlog"
)

// BenchmarkListParams is the cost of reading where a LIST is served from,
// on parsed requests: a paged list, a list from the cache, a watch-list.
func BenchmarkListParams(b *testing.B) {
	var rs []auditlog.Request
	for _, uri := range []string{
		"/apis/apps/v1/namespaces/ns/deployments?labelSelector=app%3Dweb%2Ctier%3Dfront&limit=500&resourceVersion=0",
		"/api/v1/pods?continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTIzfQ&limit=500",
		"/api/v1/namespaces/ns/configmaps?allowWatchBookmarks=true&resourceVersion=1234567&resourceVersionMatch=NotOlderThan&sendInitialEvents=true",
	} {
		rs = append(rs, auditlog.ParseRequestURI(uri))
	}
	b.ReportAllocs()
	var n int64
	for b.Loop() {
		for i := range rs {
			_, _, _, limit := listParams(&rs[i])
			n += limit
		}
	}
	if n == 0 {
		b.Fatal("no limit read")
	}
}
