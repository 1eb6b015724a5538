package webhook

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	auditinternal "k8s.io/apiserver/pkg/apis/audit"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
	"k8s.io/apiserver/pkg/audit"
	"k8s.io/apiserver/plugin/pkg/audit/buffered"
	"k8s.io/apiserver/plugin/pkg/audit/webhook"

	"github.com/auditlens/auditlens/query"
	"github.com/auditlens/auditlens/serve"
)

// sample is a log of one API server, whose requests each count once.
const sample = "../../testdata/must-gather/audit_logs/kube-apiserver"

// sampleEvents returns the sample's events as the API server holds them
// before its webhook backend sends them (the internal audit type).
func sampleEvents(t *testing.T) []*auditinternal.Event {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(sample, "*audit*.log*"))
	if err != nil {
		t.Fatal(err)
	}
	var events []*auditinternal.Event
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = f
		if strings.HasSuffix(name, ".gz") {
			if r, err = gzip.NewReader(f); err != nil {
				t.Fatal(err)
			}
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			var v1 auditv1.Event
			if err := json.Unmarshal(sc.Bytes(), &v1); err != nil {
				t.Fatal(err)
			}
			in := new(auditinternal.Event)
			if err := audit.Scheme.Convert(&v1, in, nil); err != nil {
				t.Fatal(err)
			}
			events = append(events, in)
		}
		f.Close()
	}
	if len(events) < 1000 {
		t.Fatalf("%d events in the sample", len(events))
	}
	return events
}

// kubeconfig writes the webhook's kubeconfig for a server at url.
func kubeconfig(t *testing.T, url string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "webhook.kubeconfig")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: auditlens
  cluster:
    server: %s/audit
contexts:
- name: default
  context:
    cluster: auditlens
    user: api-server
current-context: default
users:
- name: api-server
  user: {}
`, url)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// sendAll sends events through the API server's webhook backend, batched
// and retried as it does, and returns once the backend has sent them.
func sendAll(t *testing.T, url string, events []*auditinternal.Event) {
	t.Helper()
	backoff := wait.Backoff{Duration: 20 * time.Millisecond, Factor: 1.5, Jitter: 0.1, Steps: 40}
	wh, err := webhook.NewBackend(kubeconfig(t, url), auditv1.SchemeGroupVersion, backoff, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := buffered.NewBackend(wh, buffered.BatchConfig{BufferSize: len(events), MaxBatchSize: 400, MaxBatchWait: 20 * time.Millisecond, AsyncDelegate: true})
	stop := make(chan struct{})
	if err := b.Run(stop); err != nil {
		t.Fatal(err)
	}
	if !b.ProcessEvents(events...) {
		t.Fatal("the backend refused events")
	}
	close(stop)
	b.Shutdown() // sends what is buffered and waits for it
}

// metric returns the value of a metric line of /metrics.
func metric(t *testing.T, base, name string) int64 {
	t.Helper()
	body := get(t, base, "/metrics")
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return int64(f)
		}
	}
	return -1
}

func get(t *testing.T, base, path string) string {
	t.Helper()
	resp, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", path, resp.Status, b)
	}
	return string(b)
}

// commandAnswer is the command's answer to params over the sample.
func commandAnswer(t *testing.T, params string) string {
	t.Helper()
	v, _ := url.ParseQuery(params)
	q, err := query.ParseValues(v)
	if err != nil {
		t.Fatal(err)
	}
	q.Paths = []string{sample}
	res, err := q.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := res.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// start serves s on loopback until the test ends, and counts with it now
// (run) or when runNow is called.
func start(t *testing.T, s *serve.Server, run bool) (base string, runNow func()) {
	t.Helper()
	hs := httptest.NewServer(s.Handler(nil, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var started atomic.Bool
	runNow = func() {
		if started.CompareAndSwap(false, true) {
			go func() { done <- s.Run(ctx) }()
		}
	}
	if run {
		runNow()
	}
	t.Cleanup(func() {
		hs.Close()
		cancel()
		runNow()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return hs.URL, runNow
}

// waitFor waits until /metrics says the server decoded n events.
func waitFor(t *testing.T, base string, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if metric(t, base, "auditlens_events_total") == int64(n) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%d events counted, want %d", metric(t, base, "auditlens_events_total"), n)
}

// TestWebhookBackend sends the sample through the API server's own
// webhook backend: every event is counted once, and /query answers what
// the command answers from the files.
func TestWebhookBackend(t *testing.T) {
	queries := []string{"o=top&by=user", "o=top&by=resource", "o=latency&by=resource", "o=throttling", "o=findings"}
	s, err := serve.New(serve.Config{Retain: 24 * time.Hour, Files: []string{sample}, Queries: queries})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := start(t, s, true)
	events := sampleEvents(t)
	sendAll(t, base, events)
	waitFor(t, base, len(events))
	for _, params := range queries {
		if got, want := get(t, base, "/query?"+params), commandAnswer(t, params); got != want {
			t.Errorf("/query?%s differs from the command's answer:\n--- served\n%.1500s\n--- command\n%.1500s", params, got, want)
		}
	}
}

// TestWebhookRetriesAfter429 fills the server's queue before it counts:
// the backend is answered 429, retries, and every event is counted once.
func TestWebhookRetriesAfter429(t *testing.T) {
	s, err := serve.New(serve.Config{Retain: 24 * time.Hour, QueueBytes: 1 << 20, Queries: []string{"o=stats"}})
	if err != nil {
		t.Fatal(err)
	}
	base, runNow := start(t, s, false)
	events := sampleEvents(t)
	counting := make(chan struct{})
	go func() {
		// Count once a few batches were refused.
		defer close(counting)
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if metric(t, base, `auditlens_batches_total{outcome="queue_full"}`) > 3 {
				break
			}
		}
		runNow()
	}()
	sendAll(t, base, events)
	<-counting
	waitFor(t, base, len(events))
	if n := metric(t, base, `auditlens_batches_total{outcome="queue_full"}`); n < 1 {
		t.Fatalf("no batch was refused with 429 (%d)", n)
	}
	if got := get(t, base, "/query?o=stats&format=json"); !strings.Contains(got, `"count": `+strconv.Itoa(requests(events))+",") {
		t.Errorf("stats do not count every request once:\n%.600s", got)
	}
}

// requests counts the ResponseComplete events, which the views count.
func requests(events []*auditinternal.Event) int {
	n := 0
	for _, e := range events {
		if e.Stage == auditinternal.StageResponseComplete {
			n++
		}
	}
	return n
}
