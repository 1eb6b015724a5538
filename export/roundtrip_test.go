package export_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/export"
	"github.com/auditlens/auditlens/internal/longtest"
)

// roundTripInputs are the inputs of TestRoundTrip: the committed sample
// must-gather (every server) and the real audit logs of the corpus
// (v1beta1, impersonation, event lists, odd users). The README's test
// command takes the sample's logs of one node of each of its three API
// servers (a third of its events, over its three hours); the long run
// (AUDITLENS_LONG=1, a step of .ci/run) the whole must-gather.
func roundTripInputs(t *testing.T) []string {
	t.Helper()
	if longtest.Enabled() {
		return []string{"../testdata/must-gather", "../testdata/corpus"}
	}
	var inputs []string
	for _, server := range []string{"kube-apiserver", "openshift-apiserver", "oauth-apiserver"} {
		node, err := filepath.Glob("../testdata/must-gather/audit_logs/" + server + "/ip-10-0-142-86.ec2.internal-audit*.log*")
		if err != nil || len(node) != 4 {
			t.Fatalf("the sample's %s logs of node ip-10-0-142-86: %q, %v; want 4 files", server, node, err)
		}
		inputs = append(inputs, node...)
	}
	return append(inputs, "../testdata/corpus")
}

// entryKey is where an entry was read from: its file and line, and its
// position among the events of that line (an EventList has several).
type entryKey struct {
	path string
	line int64
	n    int
}

// readJSON reads the entries of paths with fields, cloned, by where they
// were read from.
func readJSON(t *testing.T, fields auditlog.Fields, paths ...string) map[entryKey]*auditlog.Entry {
	t.Helper()
	sources, err := auditlog.Find(paths...)
	if err != nil {
		t.Fatal(err)
	}
	return collect(auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: fields}))
}

// collect reads every entry of r with All, cloned, by where it was read from.
func collect(r *auditlog.Reader) map[entryKey]*auditlog.Entry {
	m := map[entryKey]*auditlog.Entry{}
	for e := range r.All() {
		k := entryKey{e.Source.Path, e.Line, 0}
		for m[k] != nil {
			k.n++
		}
		m[k] = e.Clone()
	}
	return m
}

// exportOf exports the entries of paths into a new directory, in small row
// groups and files so that there are many of both, and returns it.
func exportOf(t *testing.T, opts export.Options, paths ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "export")
	if opts.RowGroupBytes == 0 {
		opts.RowGroupBytes = 256 << 10
	}
	if opts.FileRowGroups == 0 {
		opts.FileRowGroups = 3
	}
	w, err := export.NewWriter(out, opts)
	if err != nil {
		t.Fatal(err)
	}
	sources, err := auditlog.Find(paths...)
	if err != nil {
		t.Fatal(err)
	}
	r := auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: w.Fields()})
	for e := range r.All() {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

// normalize clears what the Parquet form does not keep: the difference
// between empty and absent lists and maps, and the type and list metadata
// of a response status (never set in audit logs).
func normalize(ev *auditv1.Event) {
	if len(ev.Annotations) == 0 {
		ev.Annotations = nil
	}
	if len(ev.User.Groups) == 0 {
		ev.User.Groups = nil
	}
	if len(ev.User.Extra) == 0 {
		ev.User.Extra = nil
	}
	if u := ev.ImpersonatedUser; u != nil {
		if len(u.Groups) == 0 {
			u.Groups = nil
		}
		if len(u.Extra) == 0 {
			u.Extra = nil
		}
	}
	if len(ev.SourceIPs) == 0 {
		ev.SourceIPs = nil
	}
	if st := ev.ResponseStatus; st != nil {
		st.TypeMeta, st.ListMeta = metav1.TypeMeta{}, metav1.ListMeta{}
	}
}

// sameEntry reports how got, read from Parquet, differs from want, read
// from the audit log; "" when it does not.
func sameEntry(got, want *auditlog.Entry) string {
	normalize(got.Event)
	normalize(want.Event)
	switch {
	case got.Source.Path != want.Source.Path || got.Source.Server != want.Source.Server || got.Source.Node != want.Source.Node:
		return fmt.Sprintf("source %+v, want %+v", *got.Source, *want.Source)
	case got.Line != want.Line || got.Node != want.Node:
		return fmt.Sprintf("line %d node %q, want %d %q", got.Line, got.Node, want.Line, want.Node)
	case !reflect.DeepEqual(got.Event, want.Event):
		return fmt.Sprintf("event\n got: %#v\nwant: %#v", *got.Event, *want.Event)
	}
	gfm, gok := got.FieldManager()
	wfm, wok := want.FieldManager()
	if gfm != wfm || gok != wok {
		return fmt.Sprintf("field manager %q %v, want %q %v", gfm, gok, wfm, wok)
	}
	return ""
}

// compareAll checks that got holds exactly the entries of want, equal.
func compareAll(t *testing.T, got, want map[entryKey]*auditlog.Entry) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d entries read back, want %d", len(got), len(want))
	}
	bad := 0
	for k, w := range want {
		g := got[k]
		if g == nil {
			t.Errorf("%s:%d (%d): not read back", k.path, k.line, k.n)
		} else if d := sameEntry(g, w); d != "" {
			t.Errorf("%s:%d (%d): %s", k.path, k.line, k.n, d)
		} else {
			continue
		}
		if bad++; bad == 5 {
			t.Fatal("too many differences")
		}
	}
}

// TestRoundTrip exports the sample and the corpus with the bodies, reads
// the export back with every field, and checks every entry equals the one
// read from the logs. It guards the Parquet library as much as the schema.
func TestRoundTrip(t *testing.T) {
	inputs := roundTripInputs(t)
	want := readJSON(t, auditlog.FieldsAll, inputs...)
	out := exportOf(t, export.Options{Cluster: "sample", Bodies: true}, inputs...)
	sources, err := auditlog.Find(out)
	if err != nil {
		t.Fatal(err)
	}
	r := auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: auditlog.FieldsAll})
	got := collect(r)
	compareAll(t, got, want)
	rep := r.Report()
	if rep.Events != int64(len(want)) || rep.Lines != rep.Events || rep.Files != len(sources) {
		t.Errorf("report: %d events, %d rows, %d files; want %d, %d, %d", rep.Events, rep.Lines, rep.Files, len(want), len(want), len(sources))
	}
	for _, p := range auditlog.Problems() {
		if n := rep.Problems[p].Count; n != 0 {
			t.Errorf("%d %s: %v", n, p, rep.Problems[p].Samples)
		}
	}
}

// TestRoundTripFields reads the export back one field at a time, and
// checks each entry equals the one the JSON decoder gives for that field:
// a reader reads exactly what the fields ask for.
func TestRoundTripFields(t *testing.T) {
	// The corpus (real logs of several shapes), and in the long run one
	// server of the sample too: the per-field reads are many.
	inputs := longtest.Pick([]string{"../testdata/corpus"}, []string{"../testdata/corpus", sampleKube})
	out := exportOf(t, export.Options{Bodies: true}, inputs...)
	sources, err := auditlog.Find(out)
	if err != nil {
		t.Fatal(err)
	}
	for bit := auditlog.Fields(1); bit <= auditlog.FieldsAll; bit <<= 1 {
		t.Run(bit.String(), func(t *testing.T) {
			want := readJSON(t, bit, inputs...)
			for _, e := range want {
				// JSON entries always have these, to tell events from other
				// JSON; Parquet entries have what was asked.
				if bit != auditlog.FieldAuditID {
					e.Event.AuditID = ""
				}
				if bit != auditlog.FieldKind {
					e.Event.TypeMeta = metav1.TypeMeta{}
				}
			}
			if bit == auditlog.FieldFieldManager {
				// The JSON decoder reads the requestURI to find the field
				// manager; Parquet has a column of it.
				for _, e := range want {
					e.FieldManager()
					e.Event.RequestURI = ""
				}
			}
			got := collect(auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: bit}))
			compareAll(t, got, want)
		})
	}
}

// TestRoundTripScanAndSorted reads the export back with Scan (four
// workers) and Sorted: the same entries, and Sorted's in time order. Its
// inputs are TestRoundTrip's.
func TestRoundTripScanAndSorted(t *testing.T) {
	fields := auditlog.FieldVerb | auditlog.FieldUser | auditlog.FieldRequestReceivedTimestamp
	inputs := roundTripInputs(t)
	want := readJSON(t, fields, inputs...)
	out := exportOf(t, export.Options{}, inputs...)
	sources, err := auditlog.Find(out)
	if err != nil {
		t.Fatal(err)
	}
	key := func(e *auditlog.Entry) string {
		return fmt.Sprintf("%s:%d %s %s %v", e.Source.Path, e.Line, e.Event.Verb, e.Event.User.Username, e.Event.RequestReceivedTimestamp.UnixMicro())
	}
	var wantKeys []string
	for _, e := range want {
		wantKeys = append(wantKeys, key(e))
	}
	slices.Sort(wantKeys)

	opts := auditlog.Options{EveryStage: true, EveryCopy: true, Fields: fields, Workers: 4}
	keys, _, err := auditlog.Scan(context.Background(), sources, opts, func() *keyLists { return &keyLists{key: key, lists: [][]string{nil}} })
	if err != nil {
		t.Fatal(err)
	}
	lists := keys.lists
	scanned := slices.Concat(lists...)
	slices.Sort(scanned)
	if !slices.Equal(scanned, wantKeys) {
		t.Errorf("Scan read %d entries, not the %d of the logs", len(scanned), len(wantKeys))
	}
	busy := 0
	for _, l := range lists {
		if len(l) > 0 {
			busy++
		}
	}
	if busy < 2 {
		t.Errorf("only %d of 4 workers had row groups", busy)
	}

	var sorted []string
	var last int64
	r := auditlog.NewReader(sources, opts)
	for e := range r.Sorted(0) {
		if us := e.Event.RequestReceivedTimestamp.UnixMicro(); us < last {
			t.Fatalf("Sorted: %s after %d", key(e), last)
		} else {
			last = us
		}
		sorted = append(sorted, key(e))
	}
	slices.Sort(sorted)
	if !slices.Equal(sorted, wantKeys) {
		t.Errorf("Sorted read %d entries, not the %d of the logs", len(sorted), len(wantKeys))
	}
}

// keyLists lists the keys of the entries each worker of a Scan read, a
// list a worker.
type keyLists struct {
	key   func(e *auditlog.Entry) string
	lists [][]string
}

func (k *keyLists) Add(e *auditlog.Entry)   { k.lists[0] = append(k.lists[0], k.key(e)) }
func (k *keyLists) Fields() auditlog.Fields { return 0 }
func (k *keyLists) Merge(o *keyLists)       { k.lists = append(k.lists, o.lists...) }
