package aggregate

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/auditlens/auditlens/auditlog"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// entryOf decodes one JSON event into an entry.
func entryOf(t testing.TB, line string) *auditlog.Entry {
	t.Helper()
	var ev auditv1.Event
	if err := json.Unmarshal([]byte(line), &ev); err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	e := &auditlog.Entry{}
	e.Reset(&ev, &auditlog.Source{Path: "x.log", Server: auditlog.ServerOpenShift, Node: "master-1"}, 1, "master-0")
	return e
}

const (
	evNodeProxy = `{"kind":"Event","auditID":"a1","stage":"ResponseComplete","level":"Metadata","verb":"get",
		"requestURI":"/api/v1/nodes/cluster-app-38.dmz/proxy/metrics",
		"user":{"username":"system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent"},
		"sourceIPs":["10.1.2.3","10.9.9.9"],"userAgent":"kubelet/v1.29.3 (linux/amd64) kubernetes/abc",
		"responseStatus":{"code":403},
		"requestReceivedTimestamp":"2022-02-07T22:55:07.123456Z","stageTimestamp":"2022-02-07T22:55:07.123730Z"}`
	evPatch = `{"kind":"Event","auditID":"a2","stage":"ResponseStarted","level":"Request","verb":"patch",
		"requestURI":"/apis/apps/v1/namespaces/prod/deployments/web/status?fieldManager=kube%2Dcontroller&timeout=10s",
		"user":{"username":"system:admin"}}`
	evHealthz = `{"kind":"Event","auditID":"a3","verb":"get","requestURI":"/healthz","user":{"username":"u"}}`
	evCluster = `{"kind":"Event","auditID":"a4","verb":"list","requestURI":"/apis/rbac.authorization.k8s.io/v1/clusterroles?limit=5",
		"user":{"username":"u"},"responseStatus":{"code":200}}`
)

func TestKeys(t *testing.T) {
	tests := []struct {
		key     Key
		event   string
		want    string
		wantNot bool
	}{
		{KeyVerb, evNodeProxy, "get", false},
		{KeyUser, evNodeProxy, "system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent", false},
		{KeyUser, evPatch, "system:admin[kube-controller]", false},
		{KeyUsername, evPatch, "system:admin", false},
		{KeyResource, evNodeProxy, "v1/nodes", false},
		{KeyResource, evPatch, "apps/v1/deployments", false},
		{KeyResource, evCluster, "rbac.authorization.k8s.io/v1/clusterroles", false},
		{KeyResource, evHealthz, "", true},
		{KeyHTTPStatus, evNodeProxy, "403", false},
		{KeyHTTPStatus, evPatch, "-1", false},
		{KeyNamespace, evPatch, "prod", false},
		{KeyNamespace, evNodeProxy, "", false},
		{KeySubresource, evNodeProxy, "proxy", false},
		{KeySubresource, evPatch, "status", false},
		{KeyUserAgent, evNodeProxy, "kubelet/v1.29.3 (linux/amd64) kubernetes/abc", false},
		{KeyUserAgentProduct, evNodeProxy, "kubelet", false},
		{KeySourceIP, evNodeProxy, "10.1.2.3", false},
		{KeySourceIP, evPatch, "", false},
		{KeyServer, evPatch, "openshift-apiserver", false},
		{KeyNode, evPatch, "master-0", false},
		{KeyStage, evPatch, "ResponseStarted", false},
		{KeyLevel, evPatch, "Request", false},
		{KeyAuditID, evPatch, "a2", false},
		{TimeKey(DefaultBucket), evNodeProxy, "2022-02-07T22:55:00Z", false},
		{TimeKey(10 * 1e9), evNodeProxy, "2022-02-07T22:55:00Z", false},
		{TimeKey(1e9), evNodeProxy, "2022-02-07T22:55:07Z", false},
		{TimeKey(DefaultBucket), evPatch, "", true},
		{Composite(KeyUser, KeyVerb, KeyResource), evPatch, "system:admin[kube-controller]\x1fpatch\x1fapps/v1/deployments", false},
		{Composite(KeyVerb, KeyResource), evHealthz, "", true},
	}
	for _, tt := range tests {
		e := entryOf(t, tt.event)
		got, ok := tt.key.Append([]byte("prefix"), e)
		if ok == tt.wantNot {
			t.Errorf("%s of %s: ok = %v, want %v", tt.key.Name(), e.Event.AuditID, ok, !tt.wantNot)
			continue
		}
		if string(got) != "prefix"+tt.want {
			t.Errorf("%s of %s = %q, want %q", tt.key.Name(), e.Event.AuditID, got, "prefix"+tt.want)
		}
	}
}

func TestKeyByName(t *testing.T) {
	tests := []struct {
		name      string
		wantName  string
		wantCols  []string
		numeric   bool
		wantError bool
	}{
		{"user", "user", []string{"user"}, false, false},
		{"HTTPStatus", "httpstatus", []string{"httpstatus"}, true, false},
		{"user,verb, resource", "user,verb,resource", []string{"user", "verb", "resource"}, false, false},
		{"time", "time", []string{"time"}, false, false},
		{"time=10s", "time=10s", []string{"time=10s"}, false, false},
		{"useragent-product,time=1h0m0s", "useragent-product,time=1h0m0s", []string{"useragent-product", "time=1h0m0s"}, false, false},
		{"time=0s", "", nil, false, true},
		{"time=-1m", "", nil, false, true},
		{"time=abc", "", nil, false, true},
		{"timex", "", nil, false, true},
		{"bogus", "", nil, false, true},
		{"user,", "", nil, false, true},
		{"", "", nil, false, true},
	}
	for _, tt := range tests {
		k, err := KeyByName(tt.name)
		if (err != nil) != tt.wantError {
			t.Errorf("KeyByName(%q) error = %v, want error %v", tt.name, err, tt.wantError)
			continue
		}
		if err != nil {
			continue
		}
		if k.Name() != tt.wantName || k.Numeric() != tt.numeric || !k.Valid() {
			t.Errorf("KeyByName(%q) = %q numeric %v", tt.name, k.Name(), k.Numeric())
		}
		if cols := k.Columns(); len(cols) != len(tt.wantCols) || cols[0] != tt.wantCols[0] || cols[len(cols)-1] != tt.wantCols[len(cols)-1] {
			t.Errorf("KeyByName(%q).Columns() = %q, want %q", tt.name, cols, tt.wantCols)
		}
	}
}

func TestKeyFields(t *testing.T) {
	k, err := KeyByName("user,httpstatus,time")
	if err != nil {
		t.Fatal(err)
	}
	want := auditlog.FieldUser | auditlog.FieldFieldManager | auditlog.FieldResponseCode | auditlog.FieldRequestReceivedTimestamp
	if k.Fields() != want {
		t.Errorf("Fields = %v, want %v", k.Fields(), want)
	}
}

// TestKeysDoNotAllocate checks that appending any predefined key into a
// buffer with room allocates nothing.
func TestKeysDoNotAllocate(t *testing.T) {
	keys := []Key{Composite(KeyUser, KeyVerb, KeyResource), TimeKey(DefaultBucket)}
	for _, name := range KeyNames() {
		k, _ := KeyByName(name)
		keys = append(keys, k)
	}
	for _, ev := range []string{evNodeProxy, evPatch, evCluster} {
		e := entryOf(t, ev)
		buf := make([]byte, 0, 1024)
		for _, k := range keys {
			if n := testing.AllocsPerRun(100, func() { buf, _ = k.Append(buf[:0], e) }); n != 0 {
				t.Errorf("%s: %v allocations per Append", k.Name(), n)
			}
		}
	}
}

func TestKeyNames(t *testing.T) {
	names := KeyNames()
	if len(names) != len(namedKeys) {
		t.Fatalf("KeyNames() has %d names, want %d", len(names), len(namedKeys))
	}
	if got := strings.Join(names[:5], ","); got != "verb,user,resource,httpstatus,namespace" {
		t.Errorf("KeyNames starts with %s, want the reference's keys", got)
	}
	seen := map[string]bool{}
	for _, n := range names {
		k, err := KeyByName(n)
		if err != nil || k.Name() != n || seen[n] {
			t.Errorf("KeyByName(%q) = %v, %v (seen before: %v)", n, k.Name(), err, seen[n])
		}
		seen[n] = true
	}
}
