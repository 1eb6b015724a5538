package filter

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name  string
		flags Flags
		flag  string // the flag the error names
		value string
	}{
		{"before not a time", Flags{Before: "07/02/2022 17:15"}, "before", "07/02/2022 17:15"},
		{"after not RFC3339", Flags{After: "yesterday"}, "after", "yesterday"},
		{"unknown stage", Flags{Stages: []string{"ResponseComplete,responsecomplete"}}, "stage", "responsecomplete"},
		{"status not a number", Flags{HTTPStatusCodes: []string{"200,OK"}}, "http-status-code", "OK"},
		{"status out of range", Flags{HTTPStatusCodes: []string{"99"}}, "http-status-code", "99"},
		{"status too big", Flags{HTTPStatusCodes: []string{"600"}}, "http-status-code", "600"},
		{"status empty part", Flags{HTTPStatusCodes: []string{"200,"}}, "http-status-code", ""},
		{"bad duration", Flags{Duration: "5"}, "duration", "5"},
		{"bad min latency", Flags{MinLatency: "1 second"}, "min-latency", "1 second"},
		{"empty resource", Flags{Resources: []string{"pods,"}}, "resource", ""},
		{"dash resource", Flags{Resources: []string{"-"}}, "resource", "-"},
		{"star inside resource", Flags{Resources: []string{"deploy*.apps"}}, "resource", "deploy*.apps"},
		{"bad CIDR", Flags{SourceIPs: []string{"10.0.0.0/33"}}, "source-ip", "10.0.0.0/33"},
		{"bad IP", Flags{SourceIPs: []string{"10.0.0.256"}}, "source-ip", "10.0.0.256"},
		{"bad user agent regexp", Flags{UserAgentRegexps: []string{"kubectl("}}, "user-agent-regexp", "kubectl("},
		{"bad annotation regexp", Flags{Annotations: []string{"a~[z-a]"}}, "annotation", "a~[z-a]"},
		{"empty annotation key", Flags{Annotations: []string{"=v"}}, "annotation", "=v"},
		{"bad decision", Flags{Decision: "deny"}, "decision", "deny"},
		{"bad psa scope", Flags{PodSecurityViolations: "pods"}, "podsecurityviolations", "pods"},
		{"unknown server", Flags{Servers: []string{"kube-apiserver,etcd"}}, "server", "etcd"},
		{"unknown level", Flags{Levels: []string{"metadata"}}, "level", "metadata"},
		{"bad since", Flags{Since: "10m"}, "since", "10m"},
		{"bad until offset", Flags{Until: "+ten minutes"}, "until", "+ten minutes"},
		{"negative offset", Flags{Since: "+-5m"}, "since", "+-5m"},
		{"bad CSV", Flags{Verbs: []string{`get,"list`}}, "verb", `get,"list`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := tt.flags.Build()
			var fe *FlagError
			if !errors.As(err, &fe) {
				t.Fatalf("Build() = %v, %v; want a *FlagError", f, err)
			}
			if fe.Flag != tt.flag || fe.Value != tt.value {
				t.Errorf("error names --%s=%q, want --%s=%q", fe.Flag, fe.Value, tt.flag, tt.value)
			}
			msg := err.Error()
			if !strings.Contains(msg, "--"+tt.flag) || !strings.Contains(msg, "expected") {
				t.Errorf("message %q does not name the flag and what is expected", msg)
			}
		})
	}
}

func TestBuildOtherErrors(t *testing.T) {
	tests := []struct {
		name  string
		flags Flags
		want  string
	}{
		{"read and write", Flags{ReadOnly: true, WriteOnly: true}, "--read-only and --write-only"},
		{"offset without first", Flags{Since: "+10m"}, "first event"},
		{"until before since", Flags{Since: "2022-02-07T22:00:00Z", Until: "2022-02-07T21:00:00Z"}, "not after"},
	}
	for _, tt := range tests {
		_, err := tt.flags.Build()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tt.name, err, tt.want)
		}
	}
}

func TestBuildWindowOffsets(t *testing.T) {
	flags := Flags{Since: "+10m", Until: "+1h", First: t0, Last: t0.Add(2 * time.Hour)}
	if !flags.Relative() {
		t.Fatal("Relative() = false for +10m")
	}
	f, err := flags.Build()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at   time.Duration
		want bool
	}{{0, false}, {10 * time.Minute, true}, {59 * time.Minute, true}, {time.Hour, false}} {
		if got := f.Match(ev("/api", at(t0.Add(c.at)))); got != c.want {
			t.Errorf("%s at first+%v = %v, want %v", f, c.at, got, c.want)
		}
	}
	if (Flags{Since: "2022-02-07T22:00:00Z"}).Relative() {
		t.Error("Relative() = true for an absolute time")
	}
}

func TestSplitValues(t *testing.T) {
	tests := []struct {
		in   []string
		want []string
	}{
		{nil, nil},
		{[]string{""}, nil},
		{[]string{"get"}, []string{"get"}},
		{[]string{"get,list", "watch"}, []string{"get", "list", "watch"}},
		{[]string{"get,,list"}, []string{"get", "", "list"}},
		{[]string{`"a,b",c`}, []string{"a,b", "c"}},
		{[]string{"-*.apps,*.*"}, []string{"-*.apps", "*.*"}},
	}
	for _, tt := range tests {
		got, err := SplitValues("verb", tt.in)
		if err != nil {
			t.Fatalf("SplitValues(%q): %v", tt.in, err)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("SplitValues(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestBuildString checks against testdata/build.golden how Build prints
// flag combinations, and that building the printed flags again prints the
// same (the printed form is flag syntax).
func TestBuildString(t *testing.T) {
	cases := []Flags{
		{},
		{Verbs: []string{"get"}, Resources: []string{".", "-subjectaccessreviews.", "-tokenreviews."}},
		{Verbs: []string{"get,list", "watch"}, Users: []string{"system:serviceaccount:openshift-*", "-system:serviceaccount:openshift-monitoring:*"}},
		{Namespaces: []string{"kube-system", "openshift-operator-lifecycle-manager"}, FailedOnly: true, Stages: []string{"ResponseComplete"}},
		{Resources: []string{"deployments.*", "*.config.openshift.io"}, Verbs: []string{"get"}},
		{Subresources: []string{"-*"}, Names: []string{"web-*"}, UIDs: []string{"-0000*"}, FieldManagers: []string{"kubectl*"}},
		{HTTPStatusCodes: []string{"403,429", "500"}, Before: "2022-02-07T23:00:00-05:00", After: "2022-02-07T17:15:16Z", Duration: "1.5s"},
		{PodSecurityViolations: "pod", Levels: []string{"Request,RequestResponse"}},
		{ImpersonatedUsers: []string{"bob"}, Groups: []string{"system:serviceaccounts:openshift-*"}, UserAgents: []string{"oc/", "-kubectl"}},
		{UserAgentRegexps: []string{`^oc/4\.1[0-9]`, "a,b"}, SourceIPs: []string{"10.0.0.7,10.128.0.0/14", "fd00::1/8"}},
		{Annotations: []string{"authorization.k8s.io/decision=forbid", "apiserver.latency.k8s.io/etcd~^[0-9.]+s$", "k"}, Decision: "allow"},
		{MinLatency: "10s", Servers: []string{"kube-apiserver,oauth-server"}, Nodes: []string{"master-0"}, ReadOnly: true, LongRunning: true},
		{WriteOnly: true, Since: "2022-02-07T22:15:16Z", Until: "2022-02-07T22:25:16.5Z"},
		{Since: "+10m", First: t0},
	}
	var out strings.Builder
	for _, c := range cases {
		f, err := c.Build()
		if err != nil {
			t.Fatalf("Build(%+v): %v", c, err)
		}
		s := f.String()
		out.WriteString(s + "\n")
		again, err := parseFlagLine(s).Build()
		if err != nil {
			t.Fatalf("Build(%q): %v", s, err)
		}
		if s2 := again.String(); s2 != s {
			t.Errorf("printed flags do not round-trip:\n%s\n%s", s, s2)
		}
		if again.Fields() != f.Fields() {
			t.Errorf("%s: fields %v, round trip %v", s, f.Fields(), again.Fields())
		}
	}
	golden := filepath.Join("testdata", "build.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Errorf("Build().String() differs from %s (rerun with -update):\n%s", golden, out.String())
	}
}

// parseFlagLine parses what Filter.String prints for Build's flags (no
// quoting: the test's values hold no spaces).
func parseFlagLine(s string) Flags {
	var f Flags
	lists := map[string]*[]string{
		"verb": &f.Verbs, "user": &f.Users, "uid": &f.UIDs, "namespace": &f.Namespaces,
		"name": &f.Names, "subresource": &f.Subresources, "field-manager": &f.FieldManagers,
		"resource": &f.Resources, "stage": &f.Stages, "http-status-code": &f.HTTPStatusCodes,
		"impersonated-user": &f.ImpersonatedUsers, "group": &f.Groups, "user-agent": &f.UserAgents,
		"user-agent-regexp": &f.UserAgentRegexps, "source-ip": &f.SourceIPs, "annotation": &f.Annotations,
		"server": &f.Servers, "node": &f.Nodes, "level": &f.Levels,
	}
	strs := map[string]*string{
		"before": &f.Before, "after": &f.After, "duration": &f.Duration, "min-latency": &f.MinLatency,
		"podsecurityviolations": &f.PodSecurityViolations, "decision": &f.Decision,
		"since": &f.Since, "until": &f.Until,
	}
	bools := map[string]*bool{
		"failed-only": &f.FailedOnly, "read-only": &f.ReadOnly, "write-only": &f.WriteOnly, "long-running": &f.LongRunning,
	}
	for _, arg := range strings.Fields(s) {
		name, value, _ := strings.Cut(strings.TrimPrefix(arg, "--"), "=")
		switch {
		case lists[name] != nil:
			*lists[name] = append(*lists[name], value)
		case strs[name] != nil:
			*strs[name] = value
		case bools[name] != nil:
			*bools[name] = true
		}
	}
	return f
}

// TestLabCommands builds the filters of every command of the support lab,
// written as the lab writes them, and checks them on lab-like requests.
func TestLabCommands(t *testing.T) {
	const sysdig = "system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent"
	metrics := ev("/api/v1/nodes/cluster-app-38.dmz/proxy/metrics", user(sysdig), code(403))
	configmap := ev("/api/v1/namespaces/openshift-console-user-settings/configmaps/user-settings-ec294610", user("user@identity"))
	sar := ev("/apis/authorization.k8s.io/v1/subjectaccessreviews", verb("create"), user("system:apiserver"))
	sarGet := ev("/apis/authorization.k8s.io/v1/subjectaccessreviews", user("system:apiserver"))
	pods := ev("/api/v1/namespaces/ns/pods", verb("list"))
	all := []*auditlog.Entry{metrics, configmap, sar, sarGet, pods}
	tests := []struct {
		cmd   string
		flags Flags
		want  []bool
	}{
		{"--verb=get --resource='.' --resource='-subjectaccessreviews.' --resource='-tokenreviews.'",
			Flags{Verbs: []string{"get"}, Resources: []string{".", "-subjectaccessreviews.", "-tokenreviews."}},
			[]bool{true, true, false, false, false}},
		{"--by=resource -otop", Flags{}, []bool{true, true, true, true, true}},
		{"--resource=nodes -otop --by=user", Flags{Resources: []string{"nodes"}}, []bool{true, false, false, false, false}},
		{"--resource=configmaps -otop --by=user", Flags{Resources: []string{"configmaps"}}, []bool{false, true, false, false, false}},
		{"--resource=pods -otop --by=user", Flags{Resources: []string{"pods"}}, []bool{false, false, false, false, true}},
		{"--user=" + sysdig + " --by=verb -otop", Flags{Users: []string{sysdig}}, []bool{true, false, false, false, false}},
	}
	for _, tt := range tests {
		tt.flags.Stages = []string{"ResponseComplete"} // the CLI's default
		f, err := tt.flags.Build()
		if err != nil {
			t.Fatalf("%s: %v", tt.cmd, err)
		}
		for i, e := range all {
			if got := f.Match(e); got != tt.want[i] {
				t.Errorf("%s on %s %s = %v, want %v", tt.cmd, e.Event.Verb, e.Event.RequestURI, got, tt.want[i])
			}
		}
	}
}

// TestTimeForms: every form of TimeSpec, and what it resolves to.
func TestTimeForms(t *testing.T) {
	first := time.Date(2022, 2, 7, 22, 15, 16, 0, time.UTC)
	last := time.Date(2022, 2, 8, 0, 59, 57, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"2022-02-07T23:20:00Z", time.Date(2022, 2, 7, 23, 20, 0, 0, time.UTC)},
		{"2022-02-07T23:20:00.5+01:00", time.Date(2022, 2, 7, 22, 20, 0, 5e8, time.UTC)},
		{"2022-02-07T23:20:00", time.Date(2022, 2, 7, 23, 20, 0, 0, time.UTC)},
		{"2022-02-07T23:20", time.Date(2022, 2, 7, 23, 20, 0, 0, time.UTC)},
		{"2022-02-07 23:20:30.25", time.Date(2022, 2, 7, 23, 20, 30, 25e7, time.UTC)},
		{"2022-02-07 23:20", time.Date(2022, 2, 7, 23, 20, 0, 0, time.UTC)},
		{"2022-02-07", time.Date(2022, 2, 7, 0, 0, 0, 0, time.UTC)},
		{"+10m", first.Add(10 * time.Minute)},
		{"-10m", last.Add(-10 * time.Minute)},
		{"+0s", first},
	} {
		spec, err := ParseTimeSpec("since", tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got := spec.Resolve(first, last); !got.Equal(tc.want) {
			t.Errorf("%q resolves to %s, want %s", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"yesterday", "+", "-", "+-1s", "--1s", "-+1s", "2022-02-30", "10m", "2022-02-07T25:00"} {
		_, err := ParseTimeSpec("since", bad)
		if err == nil || !strings.Contains(err.Error(), "2022-02-07T22:15:00Z (RFC 3339; without a zone it is UTC)") || strings.Contains(err.Error(), "2006") {
			t.Errorf("%q: error %v, want one naming the accepted forms", bad, err)
		}
	}
}

// TestValidate: Validate fails as Build does, and needs no First or Last.
func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		flags Flags
		bad   bool
	}{
		{Flags{Since: "+10m", Until: "-5m"}, false},
		{Flags{Since: "-5m", Until: "-10m"}, true},
		{Flags{Since: "+20m", Until: "+10m"}, true},
		{Flags{Since: "2022-02-07", Until: "2022-02-06"}, true},
		{Flags{Before: "+1h", After: "-1h"}, false},
		{Flags{Before: "soon"}, true},
		{Flags{ReadOnly: true, WriteOnly: true}, true},
		{Flags{Verbs: []string{"get"}}, false},
	} {
		err := tc.flags.Validate()
		if (err != nil) != tc.bad {
			t.Errorf("Validate(%+v) = %v, want an error: %v", tc.flags, err, tc.bad)
		}
		if !tc.flags.Relative() {
			if _, berr := tc.flags.Build(); (berr != nil) != tc.bad {
				t.Errorf("Build(%+v) = %v, Validate %v", tc.flags, berr, err)
			}
		}
	}
}
