package query

import "github.com/auditlens/auditlens/format"

// No -o, -o wide and -o json: the events the filters keep, one by one in
// requestReceivedTimestamp order, as the reference tool lists them.
func init() {
	register(&spec{name: "", listing: ptr(format.ListDefault)})
	register(&spec{name: "wide", listing: ptr(format.ListWide)})
	register(&spec{name: "json", listing: ptr(format.ListJSON)})
}
