package aggregate

import "testing"

// BenchmarkNormalQuery is the cost of a group key's query: a watch's, a
// list's, a write's.
func BenchmarkNormalQuery(b *testing.B) {
	queries := []string{
		"allowWatchBookmarks=true&resourceVersion=1234567&timeout=7m3s&timeoutSeconds=423&watch=true",
		"labelSelector=app%3Dweb%2Ctier%3Dfront&limit=500&resourceVersion=0",
		"fieldManager=kube-controller-manager",
	}
	var buf []byte
	var pairs []string
	b.ReportAllocs()
	for b.Loop() {
		for _, q := range queries {
			buf, pairs = appendNormalQuery(buf[:0], q, pairs)
		}
	}
}
