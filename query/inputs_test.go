package query

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/mustgather"
)

// TestCountsEachRequestOnce: on a must-gather root whose kube-apiserver
// proxies the aggregated servers' requests, as real clusters do, every
// view counts each request once (the generator's truth), and the report
// says how many events were copies.
func TestCountsEachRequestOnce(t *testing.T) {
	dir := t.TempDir()
	truth, err := mustgather.Generate(dir, mustgather.Config{Seed: 2, Events: 3000, Scenarios: mustgather.ScenarioMix, Proxied: true})
	if err != nil {
		t.Fatal(err)
	}
	proxied := truth.Servers["openshift-apiserver"].Proxied + truth.Servers["oauth-apiserver"].Proxied
	for _, output := range []string{"top", "json"} {
		q := New(dir)
		q.Output, q.By = output, "user"
		res, err := q.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if err := res.Write(io.Discard); err != nil {
			t.Fatal(err)
		}
		if res.Summary.Count != truth.Requests || res.Report.Repeated != proxied || res.Err() != nil {
			t.Errorf("-o %s: %d requests, %d repeated, %v; want %d and %d", output, res.Summary.Count, res.Report.Repeated, res.Err(), truth.Requests, proxied)
		}
	}
	// Asked for openshift-apiserver's log alone, every request of it counts.
	q := New(dir)
	q.Output, q.By, q.Filters.Servers = "top", "user", []string{"openshift-apiserver"}
	res, err := q.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := truth.Servers["openshift-apiserver"].Requests; res.Summary.Count != want {
		t.Errorf("--server=openshift-apiserver: %d requests, want %d", res.Summary.Count, want)
	}
}

// TestNoEvents: input that holds no audit event is a result whose Err is
// an *auditlog.NoEventsError, with nothing to write; input whose events no
// filter keeps is no error.
func TestNoEvents(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.log"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, output := range []string{"top", "", "html"} {
		q := New(dir)
		q.Output = output
		if output == "top" {
			q.By = "user"
		}
		res, err := q.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var out writeCounter
		if err := res.Write(&out); err != nil || out > 0 {
			t.Errorf("-o %q: wrote %d bytes, %v", output, out, err)
		}
		var ne *auditlog.NoEventsError
		if err := res.Err(); !errors.As(err, &ne) || len(ne.Files) != 1 {
			t.Errorf("-o %q: Err() = %v", output, err)
		}
	}
	q := New(kubeAPIServer)
	q.Output, q.By, q.Filters.Users = "top", "user", []string{"nobody"}
	res, err := q.Run(context.Background())
	if err != nil || res.Err() != nil || res.Summary.Count != 0 || res.Report.Events == 0 {
		t.Errorf("no match: %v, %v, %d of %d", err, res.Err(), res.Summary.Count, res.Report.Events)
	}
}

type writeCounter int

func (w *writeCounter) Write(p []byte) (int, error) { *w += writeCounter(len(p)); return len(p), nil }
