package filter

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/longtest"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// readAll reads every entry of paths with the auditlog reader, decoding
// only fields, and calls fn with each.
func readAll(t *testing.T, paths []string, fields auditlog.Fields, fn func(e *auditlog.Entry)) {
	t.Helper()
	sources, err := auditlog.Find(paths...)
	if err != nil {
		t.Fatal(err)
	}
	r := auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: fields})
	for e := range r.All() {
		fn(e)
	}
}

// sampleEntries are the entries of samplePaths decoded with every field,
// in the order read: read once for the tests that compare a filter on them
// with the filter on the same entries decoded with its declared fields.
var sampleEntries = sync.OnceValues(func() ([]*auditlog.Entry, error) {
	sources, err := auditlog.Find(samplePaths()...)
	if err != nil {
		return nil, err
	}
	var entries []*auditlog.Entry
	for e := range auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: auditlog.FieldsAll}).All() {
		entries = append(entries, e.Clone())
	}
	return entries, nil
})

// samplePaths are the committed inputs: the corpus and the sample
// must-gather with AUDITLENS_LONG=1 (a step of .ci/run); in the README's
// test command, the corpus and the logs of one node of each of the
// sample's three API servers (a third of its events, of every server).
func samplePaths() []string {
	if longtest.Enabled() {
		return []string{"../testdata/corpus", "../testdata/must-gather"}
	}
	return append([]string{"../testdata/corpus"}, oneNodeOfEachServer...)
}

// oneNodeOfEachServer are the sample's logs of node ip-10-0-142-86: four
// files of each API server (TestOneNodeOfEachServer checks they are there).
var oneNodeOfEachServer = func() []string {
	var files []string
	for _, server := range []string{"kube-apiserver", "openshift-apiserver", "oauth-apiserver"} {
		for _, name := range []string{"audit-2022-02-07T23-09-16.000.log.gz", "audit-2022-02-08T00-03-16.000.log.gz",
			"audit-2022-02-08T00-57-16.000.log.gz", "audit.log"} {
			files = append(files, "../testdata/must-gather/audit_logs/"+server+"/ip-10-0-142-86.ec2.internal-"+name)
		}
	}
	return files
}()

// TestOneNodeOfEachServer: the short form's files are there, each a log
// auditlog reads events from.
func TestOneNodeOfEachServer(t *testing.T) {
	for _, path := range oneNodeOfEachServer {
		n := 0
		readAll(t, []string{path}, auditlog.FieldVerb, func(*auditlog.Entry) { n++ })
		if n == 0 {
			t.Errorf("%s: no events", path)
		}
	}
}

// TestDeclaredFields reads the committed inputs through the auditlog reader
// decoding only the fields each built filter declares, and checks that the
// filter decides as the model does on the fully decoded events: a filter
// that reads a field it does not declare fails here.
func TestDeclaredFields(t *testing.T) {
	type key struct {
		path string
		line int64
	}
	var events []*auditv1.Event
	index := map[key]*auditv1.Event{}
	all, err := sampleEntries()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		events = append(events, e.Event)
		index[key{e.Source.Path, e.Line}] = e.Event
	}
	if len(events) < 800 {
		t.Fatalf("read %d events, want over 800", len(events))
	}
	p := newPool(events)
	rng := rand.New(rand.NewPCG(3, 4))
	n := longtest.Pick(8, 150)
	if testing.Short() {
		n = 10
	}
	for i := range n {
		flags, model := randomFlags(rng, p)
		f, err := flags.Build()
		if err != nil {
			t.Fatal(err)
		}
		failures := 0
		readAll(t, samplePaths(), f.Fields(), func(e *auditlog.Entry) {
			full := index[key{e.Source.Path, e.Line}]
			if full == nil {
				t.Fatalf("%s:%d not read with all fields", e.Source.Path, e.Line)
			}
			if got, want := f.Match(e), model.match(full); got != want && failures < 3 {
				failures++
				t.Errorf("combination %d (%s, reading %v) on %s:%d: got %v, model %v", i, f, f.Fields(), e.Source.Path, e.Line, got, want)
			}
		})
	}
}
