package format

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// testSource is the source the test entries claim to come from.
var testSource = &auditlog.Source{Path: "testdata/events.jsonl", Server: auditlog.ServerKube, Node: "master-0"}

// loadEntries reads testdata/events.jsonl, one entry per line, in order.
// It holds a crafted user, URI and user agent full of terminal escapes.
func loadEntries(t testing.TB) []*auditlog.Entry {
	t.Helper()
	f, err := os.Open("testdata/events.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var entries []*auditlog.Entry
	sc := bufio.NewScanner(f)
	line := int64(0)
	for sc.Scan() {
		line++
		ev := new(auditv1.Event)
		if err := json.Unmarshal(sc.Bytes(), ev); err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		e := new(auditlog.Entry)
		e.Reset(ev, testSource, line, "master-0")
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return entries
}

// feed adds every entry to every sink.
func feed(entries []*auditlog.Entry, sinks ...auditlog.Sink) {
	for _, e := range entries {
		for _, s := range sinks {
			s.Add(e)
		}
	}
}

// summary is the summary of the entries.
func summary(entries []*auditlog.Entry) aggregate.SummaryResult {
	s := aggregate.NewSummary()
	feed(entries, s)
	return s.Result()
}

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got:\n%s\n--- want:\n%s", name, got, want)
	}
}

// mustKey returns the key named name.
func mustKey(t testing.TB, name string) aggregate.Key {
	t.Helper()
	k, err := aggregate.KeyByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// aggregateStatus is a code and count, for table tests.
type aggregateStatus struct {
	code  int32
	count int64
}

func statusCounts(in []aggregateStatus) []aggregate.StatusCount {
	out := make([]aggregate.StatusCount, len(in))
	for i, s := range in {
		out[i] = aggregate.StatusCount{Code: s.code, Count: s.count}
	}
	return out
}
