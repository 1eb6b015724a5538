package query

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditlens/auditlens/internal/longtest"
)

// historyEvent is one write of a generated history.
type historyEvent struct {
	verb, user, resource, name string
	code                       int
	req, resp                  string // bodies; "" for none
}

// writeHistoryLog writes the events as a kube-apiserver log, a minute
// apart, in the namespace shop.
func writeHistoryLog(t *testing.T, events []historyEvent) string {
	t.Helper()
	var b bytes.Buffer
	for i, e := range events {
		at := hour0.Add(time.Duration(i) * time.Minute)
		level := "RequestResponse"
		bodies := ""
		if e.req != "" {
			bodies += `,"requestObject":` + e.req
		}
		if e.resp != "" {
			bodies += `,"responseObject":` + e.resp
		}
		if bodies == "" {
			level = "Metadata"
		}
		resource, sub, _ := strings.Cut(e.resource, "/")
		uri := "/api/v1/namespaces/shop/" + resource
		if e.verb != "create" {
			uri += "/" + e.name
		}
		if sub != "" {
			uri += "/" + sub
		}
		fmt.Fprintf(&b, `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":%s,"auditID":"w%d","stage":"ResponseComplete","requestURI":%s,"verb":%s,"user":{"username":%s},"sourceIPs":["10.0.0.%d"],"userAgent":"kubectl/v1.30.0","objectRef":{"resource":%s,"subresource":%s,"namespace":"shop","name":%s,"apiVersion":"v1"},"responseStatus":{"code":%d},"requestReceivedTimestamp":%s,"stageTimestamp":%s%s}`+"\n",
			jsonString(level), i, jsonString(uri), jsonString(e.verb), jsonString(e.user), i, jsonString(resource), jsonString(sub), jsonString(e.name), e.code,
			jsonString(at.Format(microTime)), jsonString(at.Add(5*time.Millisecond).Format(microTime)), bodies)
	}
	path := filepath.Join(t.TempDir(), "audit.log")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// jsonString is s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// cm is a ConfigMap app with data.
func cm(data string) string {
	return `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"app","namespace":"shop","resourceVersion":"` + fmt.Sprint(len(data)) + `","managedFields":[{"manager":"kubectl"}]},"data":` + data + `}`
}

// historyOf runs a history and returns its writes and its text.
func historyOf(t *testing.T, path string, set func(q *Query)) ([]ObjectWrite, string) {
	t.Helper()
	q := New(path)
	set(&q)
	res, err := q.History(context.Background(), HistoryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var writes []ObjectWrite
	for w := range res.Writes() {
		writes = append(writes, w)
	}
	q.Format = "text"
	res, err = q.History(context.Background(), HistoryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := res.Write(&text); err != nil {
		t.Fatal(err)
	}
	return writes, text.String()
}

// diffText is a write's diff as "op path value" lines.
func diffText(w ObjectWrite) string {
	var lines []string
	for _, op := range w.Diff {
		v, _ := json.Marshal(op.Value)
		if op.Value == nil {
			v = nil
		}
		lines = append(lines, strings.TrimSpace(op.Op+" "+op.Path+" "+string(v)))
	}
	return strings.Join(lines, "; ")
}

// TestHistoryConfigMap: a ConfigMap created, edited by two people, patched
// by a controller, refused an update (409), deleted and created again:
// every write in order, each with exactly its change, the failed one
// marked and changing nothing, noise (managedFields, resourceVersion) left
// out.
func TestHistoryConfigMap(t *testing.T) {
	path := writeHistoryLog(t, []historyEvent{
		{"create", "alice", "configmaps", "app", 201, cm(`{"level":"info"}`), cm(`{"level":"info"}`)},
		{"update", "bob", "configmaps", "app", 200, cm(`{"level":"debug"}`), cm(`{"level":"debug"}`)},
		{"patch", "controller", "configmaps", "app", 200, `{"data":{"x":"1"}}`, cm(`{"level":"debug","x":"1"}`)},
		{"update", "carol", "configmaps", "app", 409, cm(`{"level":"warn"}`), `{"kind":"Status","code":409}`},
		{"update", "alice", "configmaps", "app", 200, cm(`{"level":"warn","x":"1"}`), ""},
		{"delete", "alice", "configmaps", "app", 200, "", ""},
		{"create", "bob", "configmaps", "app", 201, cm(`{"level":"info"}`), cm(`{"level":"info"}`)},
		{"update", "dave", "pods", "web", 200, `{}`, `{}`}, // another resource: not listed
	})
	writes, text := historyOf(t, path, func(q *Query) { q.Filters.Resources = []string{"configmaps"} })
	want := []struct{ verb, user, diff string }{
		{"create", "alice", `add /apiVersion "v1"; add /data {"level":"info"}; add /kind "ConfigMap"; add /metadata {"name":"app","namespace":"shop"}`},
		{"update", "bob", `replace /data/level "debug"`},
		{"patch", "controller", `add /data/x "1"`},
		{"update", "carol", ``},
		{"update", "alice", `replace /data/level "warn"`},
		{"delete", "alice", ``},
		{"create", "bob", `add /apiVersion "v1"; add /data {"level":"info"}; add /kind "ConfigMap"; add /metadata {"name":"app","namespace":"shop"}`},
	}
	if len(writes) != len(want) {
		t.Fatalf("%d writes, want %d:\n%s", len(writes), len(want), text)
	}
	for i, w := range want {
		got := writes[i]
		if got.Verb != w.verb || got.User != w.user || diffText(got) != w.diff || got.Object != "configmaps/shop/app" {
			t.Errorf("write %d: %s by %s on %s: %s\nwant %s by %s: %s", i, got.Verb, got.User, got.Object, diffText(got), w.verb, w.user, w.diff)
		}
	}
	if !writes[3].Failed || writes[3].Code != 409 || writes[2].Patch == nil || string(writes[2].Patch) != `{"data":{"x":"1"}}` {
		t.Errorf("failed write %+v, patch %s", writes[3], writes[2].Patch)
	}
	if !strings.Contains(text, "update FAILED configmaps/shop/app by carol") || strings.Contains(text, "managedFields") ||
		!strings.Contains(text, "7 writes (1 failed) by 4 writers (alice, bob, controller, carol), first") {
		t.Errorf("text:\n%s", text)
	}
}

// TestHistorySecret: a rotated Secret's values are never printed, in text
// or JSON; that they changed is.
func TestHistorySecret(t *testing.T) {
	secret := func(pw string) string {
		return `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"},"data":{"password":"` + pw + `"},"stringData":{"token":"` + pw + `-t"}}`
	}
	path := writeHistoryLog(t, []historyEvent{
		{"create", "alice", "secrets", "db", 201, secret("aHVudGVyMg=="), secret("aHVudGVyMg==")},
		{"update", "alice", "secrets", "db", 200, secret("c2VjcmV0Mw=="), secret("c2VjcmV0Mw==")},
		{"patch", "bob", "secrets", "db", 200, `[{"op":"replace","path":"/data/password","value":"bGVha2Vk"}]`, secret("bGVha2Vk")},
	})
	writes, text := historyOf(t, path, func(q *Query) { q.Filters.Resources = []string{"secrets"} })
	js, _ := json.Marshal(writes)
	for _, value := range []string{"aHVudGVyMg", "c2VjcmV0Mw", "bGVha2Vk"} {
		if strings.Contains(text, value) || strings.Contains(string(js), value) {
			t.Errorf("the secret value %s is printed:\n%s\n%s", value, text, js)
		}
	}
	if len(writes) != 3 || len(writes[1].Diff) != 2 || writes[1].Diff[0].Path != "/data/password" || writes[1].Diff[1].Path != "/stringData/token" {
		t.Fatalf("the rotation's diff: %+v", writes)
	}
	if !strings.Contains(text, "replace /data/password \"(redacted ") {
		t.Errorf("text:\n%s", text)
	}
}

// TestHistoryMetadataLevel: without bodies the listing stands, and says
// once that the changes are not known; hostile names stay inert.
func TestHistoryMetadataLevel(t *testing.T) {
	path := writeHistoryLog(t, []historyEvent{
		{"update", "mallory\x1b[31m", "configmaps", "app\x1b]0;x\x07", 200, "", ""},
		{"patch", "alice", "configmaps", "app", 200, "", ""},
	})
	writes, text := historyOf(t, path, func(q *Query) { q.Filters.Resources = []string{"configmaps"} })
	if len(writes) != 2 || writes[0].Bodies != "none" || len(writes[0].Diff) != 0 {
		t.Fatalf("writes: %+v", writes)
	}
	if strings.Count(text, "kept no request or response bodies") != 1 || !strings.Contains(text, "2 without bodies") {
		t.Errorf("the note, once:\n%s", text)
	}
	if strings.ContainsAny(text, "\x1b\x07") {
		t.Errorf("terminal controls in the text: %q", text)
	}
}

// TestHistoryNeedsResource: history without --resource is a usage error
// naming the flag.
func TestHistoryNeedsResource(t *testing.T) {
	_, err := New(kubeAPIServer).History(context.Background(), HistoryOptions{})
	if qe, ok := err.(*Error); !ok || qe.Flag != "resource" {
		t.Errorf("History without --resource: %v", err)
	}
}

// TestHistoryUnified: with Unified, each change is also a unified diff of
// the object's YAML, which the text shows.
func TestHistoryUnified(t *testing.T) {
	path := writeHistoryLog(t, []historyEvent{
		{"create", "alice", "configmaps", "app", 201, cm(`{"level":"info","mode":"a"}`), cm(`{"level":"info","mode":"a"}`)},
		{"update", "bob", "configmaps", "app", 200, cm(`{"level":"debug","mode":"a"}`), cm(`{"level":"debug","mode":"a"}`)},
	})
	q := New(path)
	q.Filters.Resources = []string{"configmaps"}
	res, err := q.History(context.Background(), HistoryOptions{Unified: true})
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := res.Write(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--- configmaps/shop/app (before)", "+++ configmaps/shop/app", "-  level: info", "+  level: debug", "   mode: a"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("no %q in:\n%s", want, text.String())
		}
	}
	if strings.Contains(text.String(), "replace /data/level") {
		t.Errorf("the operations are shown with the unified diff:\n%s", text.String())
	}
}

// TestHistoryHugeBody: a write whose bodies are of 10 MB each is read and
// diffed; the change is the one field that changed. The README's test
// command has bodies of 1 MB, each line still spanning several of the
// reader's 256 KB blocks; the long run (AUDITLENS_LONG=1, a step of
// .ci/run) has 10 MB.
func TestHistoryHugeBody(t *testing.T) {
	big := strings.Repeat("x", longtest.Pick(1<<20, 10<<20))
	path := writeHistoryLog(t, []historyEvent{
		{"create", "alice", "configmaps", "app", 201, cm(`{"blob":"` + big + `","level":"info"}`), cm(`{"blob":"` + big + `","level":"info"}`)},
		{"update", "bob", "configmaps", "app", 200, cm(`{"blob":"` + big + `","level":"debug"}`), cm(`{"blob":"` + big + `","level":"debug"}`)},
	})
	writes, _ := historyOf(t, path, func(q *Query) { q.Filters.Resources = []string{"configmaps"} })
	if len(writes) != 2 || diffText(writes[1]) != `replace /data/level "debug"` {
		t.Fatalf("%d writes; the update's diff: %s", len(writes), diffText(writes[len(writes)-1]))
	}
}

// TestHistoryOverBudget: past the budget of kept writes, the history is
// read again in time order, with the same writes and diffs.
func TestHistoryOverBudget(t *testing.T) {
	path := writeHistoryLog(t, []historyEvent{
		{"create", "alice", "configmaps", "app", 201, cm(`{"level":"info"}`), cm(`{"level":"info"}`)},
		{"update", "bob", "configmaps", "app", 200, cm(`{"level":"debug"}`), cm(`{"level":"debug"}`)},
		{"delete", "alice", "configmaps", "app", 200, "", ""},
	})
	set := func(q *Query) { q.Filters.Resources = []string{"configmaps"} }
	kept, keptText := historyOf(t, path, set)
	defer func(b int64) { historyBudget = b }(historyBudget)
	historyBudget = 1
	read, readText := historyOf(t, path, set)
	if len(kept) != 3 || keptText != readText {
		t.Errorf("kept and sorted:\n%s\nread in order:\n%s", keptText, readText)
	}
	for i := range kept {
		if diffText(kept[i]) != diffText(read[i]) {
			t.Errorf("write %d: %s, read in order %s", i, diffText(kept[i]), diffText(read[i]))
		}
	}
}

// TestHistoryPage: --format=html is one page of the writes and their
// changes, hostile names escaped, no script.
func TestHistoryPage(t *testing.T) {
	path := writeHistoryLog(t, []historyEvent{
		{"create", "<script>alert(1)</script>", "configmaps", "app", 201, cm(`{"level":"info"}`), cm(`{"level":"info"}`)},
		{"update", "bob", "configmaps", "app", 200, cm(`{"level":"<img src=x onerror=alert(1)>"}`), cm(`{"level":"<img src=x onerror=alert(1)>"}`)},
	})
	q := New(path)
	q.Filters.Resources, q.Format = []string{"configmaps"}, "html"
	res, err := q.History(context.Background(), HistoryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	if err := res.Write(&page); err != nil {
		t.Fatal(err)
	}
	p := page.String()
	if !strings.HasPrefix(p, "<!DOCTYPE html>") || !strings.Contains(p, "History: configmaps") || !strings.Contains(p, "replace /data/level") ||
		!strings.Contains(p, "2 writes (0 failed) by 2 writers") {
		t.Errorf("page:\n%s", p)
	}
	if strings.Contains(p, "<script>") || strings.Contains(p, "<img") {
		t.Errorf("log content is not escaped:\n%s", p)
	}
}

// TestHistoryDeployment: a Deployment scaled through its scale subresource
// by one user and its image changed by another: the scale's change is the
// replicas, the update's the image alone (the scale's replicas are carried
// into the Deployment's known state).
func TestHistoryDeployment(t *testing.T) {
	deploy := func(image string, replicas int) string {
		return fmt.Sprintf(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","generation":%d},"spec":{"replicas":%d,"template":{"spec":{"containers":[{"name":"web","image":%q}]}}},"status":{"replicas":%d}}`, replicas, replicas, image, replicas)
	}
	scale := func(replicas int) string {
		return fmt.Sprintf(`{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web"},"spec":{"replicas":%d}}`, replicas)
	}
	path := writeHistoryLog(t, []historyEvent{
		{"create", "alice", "deployments", "web", 201, deploy("web:1.0", 1), deploy("web:1.0", 1)},
		{"update", "hpa", "deployments/scale", "web", 200, scale(3), scale(3)},
		{"update", "bob", "deployments", "web", 200, deploy("web:1.1", 3), deploy("web:1.1", 3)},
	})
	writes, text := historyOf(t, path, func(q *Query) { q.Filters.Resources = []string{"deployments"} })
	if len(writes) != 3 || writes[1].Subresource != "scale" || !strings.Contains(text, "update/scale") {
		t.Fatalf("writes %+v\n%s", writes, text)
	}
	if got := diffText(writes[1]); !strings.Contains(got, `add /spec {"replicas":3}`) {
		t.Errorf("the scale's change: %s", got)
	}
	if got, want := diffText(writes[2]), `replace /spec/template/spec/containers/0/image "web:1.1"`; got != want {
		t.Errorf("the image change: %s, want %s", got, want)
	}
}
