package serve_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/auditlens/auditlens/query"
	"github.com/auditlens/auditlens/serve"
)

// sample is a log of one API server, whose requests each count once.
const sample = "../testdata/must-gather/audit_logs/kube-apiserver"

// nodeLines are the event lines a node logged.
type nodeLines struct {
	node  string
	lines [][]byte
}

// sampleLines returns the event lines of the sample's audit logs, file by
// file in name order, with the node that logged them.
func sampleLines(t testing.TB) []nodeLines {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(sample, "*audit*.log*"))
	if err != nil {
		t.Fatal(err)
	}
	var all []nodeLines
	total := 0
	for _, name := range files {
		var lines [][]byte
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
			if len(bytes.TrimSpace(sc.Bytes())) > 0 {
				lines = append(lines, append([]byte(nil), sc.Bytes()...))
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		node, _, _ := strings.Cut(filepath.Base(name), "-audit")
		all = append(all, nodeLines{node: node, lines: lines})
		total += len(lines)
	}
	if total < 1000 {
		t.Fatalf("%d lines in the sample", total)
	}
	return all
}

// send posts every line as webhook batches of at most n events, each with
// its node, and returns how many it sent.
func send(t *testing.T, base string, files []nodeLines, n int) int {
	t.Helper()
	sent := 0
	for _, f := range files {
		for i := 0; i < len(f.lines); i += n {
			batch := f.lines[i:min(i+n, len(f.lines))]
			for {
				code := post(t, base+"/audit?server=kube-apiserver&node="+f.node, eventList(batch))
				if code == http.StatusOK {
					break
				}
				if code != http.StatusTooManyRequests {
					t.Fatalf("batch at %d of %s: status %d", i, f.node, code)
				}
				time.Sleep(5 * time.Millisecond)
			}
			sent += len(batch)
		}
	}
	return sent
}

// eventList returns lines as an audit.k8s.io/v1 EventList, as the
// webhook backend sends a batch.
func eventList(lines [][]byte) []byte {
	var b bytes.Buffer
	b.WriteString(`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[`)
	for i, l := range lines {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(l)
	}
	b.WriteString("]}")
	return b.Bytes()
}

// runServer starts s until the test ends and returns its URL.
func runServer(t *testing.T, s *serve.Server) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	hs := httptest.NewServer(s.Handler(nil, nil))
	t.Cleanup(func() {
		hs.Close()
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return hs.URL
}

// post sends a batch to url and returns the status.
func post(t *testing.T, url string, body []byte) int {
	t.Helper()
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// get returns the body of GET base+path, which must answer 200.
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

// waitCounted waits until the server has counted n events.
func waitCounted(t *testing.T, base string, n int) {
	t.Helper()
	want := "auditlens_events_total " + strconv.Itoa(n)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(get(t, base, "/metrics"), want+"\n") {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the server did not count %d events in time:\n%s", n, get(t, base, "/metrics"))
}

// commandAnswer returns the command's answer to params over the sample.
func commandAnswer(t *testing.T, params string) string {
	t.Helper()
	v, err := url.ParseQuery(params)
	if err != nil {
		t.Fatal(err)
	}
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

// TestQueryAnswersAsTheCommand sends the sample as webhook batches and
// checks that /query answers what the command answers from the files.
func TestQueryAnswersAsTheCommand(t *testing.T) {
	queries := []string{
		"o=top&by=user", "o=top&by=resource&format=json", "o=stats&format=json", "o=latency&by=resource",
		"o=throttling", "o=findings&format=json", "o=top&by=verb&verb=list", "o=html",
	}
	s, err := serve.New(serve.Config{Retain: 24 * time.Hour, Files: []string{sample}, Queries: queries})
	if err != nil {
		t.Fatal(err)
	}
	base := runServer(t, s)
	waitCounted(t, base, send(t, base, sampleLines(t), 400))
	// Past the last ten minutes, ten-minute buckets: since=-30m starts at
	// the first bucket that starts in the window.
	from := s.Newest().Add(-30 * time.Minute).Truncate(time.Minute)
	if b := from.Truncate(10 * time.Minute); b.Before(from) {
		from = b.Add(10 * time.Minute)
	}
	if got, want := get(t, base, "/query?o=top&by=user&since=-30m"), commandAnswer(t, "o=top&by=user&since="+from.Format(time.RFC3339)); rowsOf(got) != rowsOf(want) {
		t.Errorf("since=-30m counts otherwise than the command from %s:\n--- served\n%s\n--- command\n%s", from, got, want)
	}
	for _, params := range queries {
		got, want := get(t, base, "/query?"+params), commandAnswer(t, params)
		if strings.HasPrefix(want, "<!DOCTYPE html>") {
			// The page's read report counts batches where the command's
			// counts files: the rest is the same.
			got, want = withoutRead(got), withoutRead(want)
		}
		if got != want {
			t.Errorf("/query?%s differs from the command's answer:\n--- served\n%.2000s\n--- command\n%.2000s", params, got, want)
		}
	}
	for params, want := range map[string]string{
		"o=top&by=user":             "text/plain; charset=utf-8",
		"o=top&by=user&format=json": "application/json",
		"o=top&by=user&format=csv":  "text/csv; charset=utf-8",
		"o=csv&by=user":             "text/csv; charset=utf-8",
		"o=stats&format=json":       "application/json",
		"o=findings":                "text/plain; charset=utf-8",
		"o=html":                    "text/html; charset=utf-8",
	} {
		h := header(t, base, "/query?"+params)
		if got := h.Get("Content-Type"); got != want {
			t.Errorf("/query?%s: Content-Type %q, want %q", params, got, want)
		}
		if refresh := h.Get("Refresh"); (refresh != "") != (params == "o=html") {
			t.Errorf("/query?%s: Refresh %q", params, refresh)
		}
	}
}

// header returns the header of GET base+path, which must answer 200.
func header(t *testing.T, base, path string) http.Header {
	t.Helper()
	resp, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	return resp.Header
}

// readSection matches the read report of an HTML page.
var readSection = regexp.MustCompile(`(?s)<h3>Read</h3>.*?<h2`)

func withoutRead(page string) string {
	if !readSection.MatchString(page) {
		return "no read section in the page"
	}
	return readSection.ReplaceAllString(page, "<h2")
}

// TestWindows checks that a server keeps the minutes of its retention back
// from the newest event, and that since=-5m answers the minutes from the
// one five minutes before the newest event: what the command answers
// from that minute on.
func TestWindows(t *testing.T) {
	s, err := serve.New(serve.Config{Retain: 10 * time.Minute, Files: []string{sample}, Queries: []string{"o=top&by=user"}})
	if err != nil {
		t.Fatal(err)
	}
	base := runServer(t, s)
	files := sampleLines(t)
	waitCounted(t, base, send(t, base, files, 400))
	last := s.Newest()
	minuteOf := func(t time.Time) string { return t.Truncate(time.Minute).Format(time.RFC3339) }
	for _, tc := range []struct{ params, since string }{
		{"o=top&by=user", minuteOf(last.Add(-10 * time.Minute))},
		{"o=top&by=user&since=-5m", minuteOf(last.Add(-5 * time.Minute))},
	} {
		got := get(t, base, "/query?"+tc.params)
		want := commandAnswer(t, "o=top&by=user&since="+tc.since)
		// The summary line says which events were counted: the first
		// differs from the window's start by less than a minute.
		if gotRows, wantRows := rowsOf(got), rowsOf(want); gotRows != wantRows {
			t.Errorf("/query?%s counts otherwise than the command with --since=%s:\n--- served\n%s\n--- command\n%s", tc.params, tc.since, got, want)
		}
	}
	// The sample arrives node after node, each over its whole span: the
	// first minutes of the second node's are older than the retention.
	if n := metricValue(t, base, `auditlens_dropped_events_total{reason="too_old"}`); n <= 0 {
		t.Errorf("%v events dropped as too old, want some", n)
	}
}

// rowsOf returns the text of a top view without its summary line.
func rowsOf(text string) string {
	_, rows, _ := strings.Cut(text, "\n")
	return rows
}

// metricValue returns the value of a metric line of /metrics; -1 when absent.
func metricValue(t *testing.T, base, name string) float64 {
	t.Helper()
	for _, line := range strings.Split(get(t, base, "/metrics"), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	return -1
}

// TestBadInputAndQueries checks what a server answers to what it cannot
// use: a batch past the size limit (413), lines that are no events
// (counted, and said on every answer), queries it cannot answer (400).
func TestBadInputAndQueries(t *testing.T) {
	s, err := serve.New(serve.Config{MaxBody: 64 << 10, Queries: []string{"o=stats"}})
	if err != nil {
		t.Fatal(err)
	}
	base := runServer(t, s)
	if code := post(t, base+"/audit", bytes.Repeat([]byte(" "), 65<<10)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("a batch past the limit: %d, want 413", code)
	}
	failing := "/query?o=stats&where=" + url.QueryEscape("userAgent.matches(user.username + '(')")
	header(t, base, failing) // counted from now on
	batch := append(linesOf(t, 0, 20), "{not json\n\x1b[31mnot an event either\n"...)
	if code := post(t, base+"/audit", batch); code != http.StatusOK {
		t.Fatalf("a batch with bad lines: %d, want 200 (the bad lines are counted)", code)
	}
	waitCounted(t, base, 20)
	resp, err := http.Get(base + "/query?o=stats")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Auditlens-Partial"); !strings.HasPrefix(got, "2 unreadable lines") {
		t.Errorf("X-Auditlens-Partial = %q, want the 2 unreadable lines", got)
	}
	// An expression that fails on every event: the answer says so, as
	// the command says it on stderr.
	got := header(t, base, failing).Get("X-Auditlens-Where-Failures")
	if n, _, _ := strings.Cut(got, " "); n != "18" {
		// 18: what the command says of these 20 lines with this
		// --where (two are kept out before it is evaluated).
		t.Errorf("X-Auditlens-Where-Failures = %q, want the 18 events the --where fails on", got)
	}
	if got := header(t, base, "/query?o=stats&where="+url.QueryEscape("verb != ''")).Get("X-Auditlens-Where-Failures"); got != "" {
		t.Errorf("X-Auditlens-Where-Failures = %q for a --where that cannot fail", got)
	}
	if n := metricValue(t, base, `auditlens_unreadable_total{kind="bad JSON"}`); n < 1 {
		metrics := get(t, base, "/metrics")
		t.Errorf("the unreadable lines are not in the metrics:\n%s", metrics)
	}
	for _, q := range []string{"o=top", "by=nope&o=top", "o=json", "filename=/etc/passwd&o=stats", "nosuchflag=1", "o=histogram&by=user&window=-10m,-5m"} {
		resp, err := http.Get(base + "/query?" + q)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("/query?%s: %d %s, want 400", q, resp.StatusCode, body)
		}
	}
}

// TestQueriesWhileCounting asks queries while batches are counted, sealed
// and expired (run with -race): the answer once all is counted is still
// the command's, nothing counted twice or missed.
func TestQueriesWhileCounting(t *testing.T) {
	s, err := serve.New(serve.Config{Retain: 24 * time.Hour, Files: []string{sample}, Workers: 3, Queries: []string{"o=top&by=user", "o=findings"}})
	if err != nil {
		t.Fatal(err)
	}
	base := runServer(t, s)
	stop := make(chan struct{})
	type asked struct {
		n      int
		failed string
	}
	done := make(chan asked)
	go func() {
		var a asked
		defer func() { done <- a }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			for _, path := range []string{"/query?o=top&by=user&since=-10m", "/query?o=findings", "/metrics"} {
				resp, err := http.Get(base + path)
				if err != nil {
					a.failed = err.Error()
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					a.failed = fmt.Sprintf("GET %s: %s: %s", path, resp.Status, body)
					return
				}
			}
			a.n++
		}
	}()
	waitCounted(t, base, send(t, base, sampleLines(t), 100))
	close(stop)
	switch a := <-done; {
	case a.failed != "":
		t.Fatal(a.failed)
	case a.n == 0:
		t.Fatal("no query was asked while counting")
	}
	for _, params := range []string{"o=top&by=user", "o=findings"} {
		if got, want := get(t, base, "/query?"+params), commandAnswer(t, params); got != want {
			t.Errorf("/query?%s differs from the command once counted:\n--- served\n%.1500s\n--- command\n%.1500s", params, got, want)
		}
	}
}

// TestQueueBound checks the queue's bound: a batch larger than it is
// taken when the queue is empty (it is within MaxBody, and could never be
// taken else), and the next is refused until the queue drains.
func TestQueueBound(t *testing.T) {
	s, err := serve.New(serve.Config{QueueBytes: 1000, MaxBody: 1 << 20, Queries: []string{"o=stats"}})
	if err != nil {
		t.Fatal(err)
	}
	big := linesOf(t, 0, 10)
	if len(big) <= 1000 {
		t.Fatalf("the batch is %d bytes, want more than the bound", len(big))
	}
	if err := s.Ingest(serve.Batch{Name: "big", Data: big}); err != nil {
		t.Fatalf("a batch larger than the bound, the queue empty: %v", err)
	}
	if err := s.Ingest(serve.Batch{Name: "next", Data: []byte("{}\n")}); !errors.Is(err, serve.ErrQueueFull) {
		t.Fatalf("the next batch: %v, want ErrQueueFull", err)
	}
	if err := s.Ingest(serve.Batch{Name: "huge", Data: make([]byte, 2<<20)}); !errors.Is(err, serve.ErrTooLarge) {
		t.Fatalf("a batch past MaxBody: %v, want ErrTooLarge", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	waitUntil(t, "the queue to drain", func() bool { return s.QueuedBytes() == 0 })
	if err := s.Ingest(serve.Batch{Name: "after", Data: linesOf(t, 10, 1)}); err != nil {
		t.Fatalf("once drained: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := s.Report().Events; n != 11 {
		t.Fatalf("%d events counted, want 11", n)
	}
}
