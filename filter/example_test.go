package filter_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/filter"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

func entry(line string) *auditlog.Entry {
	var ev auditv1.Event
	if err := json.Unmarshal([]byte(line), &ev); err != nil {
		panic(err)
	}
	e := &auditlog.Entry{}
	e.Reset(&ev, &auditlog.Source{Server: auditlog.ServerKube}, 1, "master-0")
	return e
}

// The lab's first command, exactly as the lab's text writes it (the
// renderer ate its "*"s).
func ExampleFlags_Build() {
	flags := filter.Flags{
		Verbs:     []string{"get"},
		Resources: []string{".", "-subjectaccessreviews.", "-tokenreviews."},
		Stages:    []string{"ResponseComplete"}, // the CLI's default
	}
	f, err := flags.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f)
	fmt.Println("reads:", f.Fields())

	e := entry(`{"auditID":"1","stage":"ResponseComplete","verb":"get","requestURI":"/api/v1/nodes/cluster-app-38.dmz/proxy/metrics","user":{"username":"system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent"},"responseStatus":{"code":403}}`)
	fmt.Println("kept:", f.Match(e))
	// Output:
	// --stage=ResponseComplete --verb=get --resource=*.*,-subjectaccessreviews.*,-tokenreviews.*
	// reads: stage,requestURI,verb
	// kept: true
}

// Every bad value is an error naming the flag, the value and what is
// expected.
func ExampleFlags_Build_error() {
	_, err := filter.Flags{HTTPStatusCodes: []string{"200,4O3"}}.Build()
	fmt.Println(err)
	// Output:
	// invalid --http-status-code value "4O3": expected an HTTP status code, a number in 100-599
}

// Offsets from the first or last event: the caller checks the flags first,
// then finds the times of the first and last events and passes them in.
func ExampleFlags_Relative() {
	flags := filter.Flags{Since: "+10m", Until: "-2h"}
	if err := flags.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	if flags.Relative() {
		// From a first pass over the input.
		flags.First = time.Date(2022, 2, 7, 22, 15, 16, 0, time.UTC)
		flags.Last = time.Date(2022, 2, 8, 0, 35, 16, 0, time.UTC)
	}
	f, err := flags.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f)
	// Output:
	// --since=2022-02-07T22:25:16Z --until=2022-02-07T22:35:16Z
}

// Predicates compose: slow requests that are not watches or other
// long-running calls, by anyone but the API server itself.
func ExampleAnd() {
	f := filter.And(
		filter.MinLatency(time.Second),
		filter.Not(filter.LongRunning()),
		filter.Users("-system:apiserver"),
	)
	fmt.Println(f)
	slow := entry(`{"auditID":"1","verb":"list","requestURI":"/api/v1/secrets?limit=500","user":{"username":"admin"},"requestReceivedTimestamp":"2022-02-07T22:15:16.000000Z","stageTimestamp":"2022-02-07T22:15:19.500000Z"}`)
	watch := entry(`{"auditID":"2","verb":"watch","requestURI":"/api/v1/secrets?watch=true","user":{"username":"admin"},"requestReceivedTimestamp":"2022-02-07T22:15:16.000000Z","stageTimestamp":"2022-02-07T22:25:16.000000Z"}`)
	fmt.Println(f.Match(slow), f.Match(watch))
	// Output:
	// --min-latency=1s not(--long-running) --user=-system:apiserver
	// true false
}

func ExampleResources() {
	f, err := filter.Resources("deployments.*", "*.config.openshift.io", "-*.apps")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, uri := range []string{
		"/apis/extensions/v1beta1/namespaces/ns/deployments/web",
		"/apis/apps/v1/namespaces/ns/deployments/web",
		"/apis/config.openshift.io/v1/clusterversions/version",
		"/api/v1/namespaces/ns/pods",
	} {
		fmt.Println(f.Match(entry(`{"auditID":"1","requestURI":"`+uri+`"}`)), uri)
	}
	// Output:
	// true /apis/extensions/v1beta1/namespaces/ns/deployments/web
	// false /apis/apps/v1/namespaces/ns/deployments/web
	// true /apis/config.openshift.io/v1/clusterversions/version
	// false /api/v1/namespaces/ns/pods
}

func ExampleSourceIPs() {
	f, err := filter.SourceIPs("10.128.0.0/14", "192.168.1.10")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Match(entry(`{"auditID":"1","sourceIPs":["10.129.2.15"]}`)))
	fmt.Println(f.Match(entry(`{"auditID":"1","sourceIPs":["10.132.0.1"]}`)))
	// Output:
	// true
	// false
}

// Questions nobody wrote a flag for, in CEL: service accounts refused with
// 403 on anything but tokenreviews, slower than a second.
func ExampleWhere() {
	f, err := filter.Where(
		"user.username.startsWith('system:serviceaccount:') && responseStatus.code == 403",
		"request.resource != 'tokenreviews' && latency > duration('1s')",
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f)
	fmt.Println("reads:", f.Fields())
	slow := entry(`{"auditID":"1","verb":"get","requestURI":"/api/v1/nodes/n1/proxy/metrics","user":{"username":"system:serviceaccount:monitoring:agent"},"responseStatus":{"code":403},"requestReceivedTimestamp":"2022-02-07T22:15:16.000000Z","stageTimestamp":"2022-02-07T22:15:17.500000Z"}`)
	fast := entry(`{"auditID":"2","verb":"get","requestURI":"/api/v1/nodes/n1/proxy/metrics","user":{"username":"system:serviceaccount:monitoring:agent"},"responseStatus":{"code":403},"requestReceivedTimestamp":"2022-02-07T22:15:16.000000Z","stageTimestamp":"2022-02-07T22:15:16.013000Z"}`)
	fmt.Println(f.Match(slow), f.Match(fast))
	// Output:
	// --where="user.username.startsWith('system:serviceaccount:') && responseStatus.code == 403" --where="request.resource != 'tokenreviews' && latency > duration('1s')"
	// reads: requestURI,user,requestReceivedTimestamp,stageTimestamp,responseStatus.code
	// true false
}

// A mistake is found before any event is read, with its line and column.
func ExampleWhere_error() {
	_, err := filter.Flags{Where: []string{"verb == 'get' && usr.username == 'bob'"}}.Build()
	fmt.Println(err)
	// Output:
	// invalid --where value "verb == 'get' && usr.username == 'bob'": expected a CEL expression over the event, true for the events to keep (1:18: undeclared reference to 'usr' (did you mean 'user'?))
}

// An expression that cannot be evaluated on an event does not keep it, and
// is counted.
func ExampleWhereFailures() {
	f, err := filter.Where("sourceIPs[1] != '10.0.0.1'")
	if err != nil {
		fmt.Println(err)
		return
	}
	e := entry(`{"auditID":"1","sourceIPs":["10.0.0.7"]}`)
	e.Source, e.Line = &auditlog.Source{Path: "master-0-audit.log"}, 42
	fmt.Println(f.Match(e))
	for _, wf := range filter.WhereFailures(f) {
		fmt.Printf("--where=%q failed on %d event(s), first: %v\n", wf.Expr, wf.Count, wf.Samples[0])
	}
	// Output:
	// false
	// --where="sourceIPs[1] != '10.0.0.1'" failed on 1 event(s), first: master-0-audit.log:42: index out of bounds: 1
}
