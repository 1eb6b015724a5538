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
