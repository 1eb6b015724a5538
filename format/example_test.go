package format_test

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/format"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// entry decodes one audit event line into an entry.
func entry(line string) *auditlog.Entry {
	var ev auditv1.Event
	if err := json.Unmarshal([]byte(line), &ev); err != nil {
		panic(err)
	}
	e := new(auditlog.Entry)
	e.Reset(&ev, &auditlog.Source{Path: "audit.log"}, 1, "")
	return e
}

var lines = []string{
	`{"auditID":"a1","stage":"ResponseComplete","verb":"get","requestURI":"/api/v1/nodes/n1/proxy/metrics","user":{"username":"sysdig"},"responseStatus":{"code":403},"requestReceivedTimestamp":"2022-02-07T22:15:16.000000Z","stageTimestamp":"2022-02-07T22:15:16.000274Z"}`,
	`{"auditID":"a2","stage":"ResponseComplete","verb":"get","requestURI":"/api/v1/nodes/n1/proxy/metrics","user":{"username":"sysdig"},"responseStatus":{"code":403},"requestReceivedTimestamp":"2022-02-07T22:15:46.000000Z","stageTimestamp":"2022-02-07T22:15:46.000276Z"}`,
	`{"auditID":"a3","stage":"ResponseComplete","verb":"list","requestURI":"/api/v1/pods?limit=500","user":{"username":"alice\u001b[2J"},"responseStatus":{"code":200},"requestReceivedTimestamp":"2022-02-07T22:16:00.000000Z","stageTimestamp":"2022-02-07T22:16:00.012000Z"}`,
}

// The reference tool's -o top --by=user: the summary line, then the top
// list. The user name's terminal escape is printed harmlessly.
func ExampleWriteCount() {
	sum := aggregate.NewSummary()
	users := aggregate.NewCount(aggregate.KeyUser)
	for _, l := range lines {
		e := entry(l)
		sum.Add(e)
		users.Add(e)
	}
	format.WriteSummary(os.Stdout, sum.Result())
	format.WriteCount(os.Stdout, users.Result(10))
	// Output:
	// count: 3, first: 2022-02-07T22:15:16Z, last: 2022-02-07T22:16:00Z, duration: 44s
	// 2x                   sysdig
	// 1x                   alice\x1b[2J
}

// The reference tool's -o top --by=verb, with the full status-code mix.
func ExampleWriteGrouped() {
	g := aggregate.NewGrouped(aggregate.KeyVerb)
	for _, l := range lines {
		g.Add(entry(l))
	}
	format.WriteGrouped(os.Stdout, g.Result(10))
	// Output:
	//
	// Top 10 "GET" (of 2 total hits):
	//       2x [       275µs] [403-2] /api/v1/nodes/n1/proxy/metrics [sysdig]
	//
	// Top 10 "LIST" (of 1 total hits):
	//       1x [        12ms] [200-1] /api/v1/pods?limit=500 [alice\x1b[2J]
}

// Listing entries one at a time, as they stream past.
func ExampleListing() {
	l := format.NewListing(os.Stdout, format.ListDefault)
	for _, s := range lines {
		l.Write(entry(s))
	}
	l.Flush()
	// Output:
	// 22:15:16 [   GET][       274µs] [403] /api/v1/nodes/n1/proxy/metrics [sysdig]
	// 22:15:46 [   GET][       276µs] [403] /api/v1/nodes/n1/proxy/metrics [sysdig]
	// 22:16:00 [  LIST][        12ms] [200] /api/v1/pods?limit=500         [alice\x1b[2J]
}

func ExampleSanitize() {
	fmt.Println(format.Sanitize("evil\x1b]0;owned\x07\u202e"))
	// Output: evil\x1b]0;owned\x07\u202e
}
