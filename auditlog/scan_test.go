package auditlog

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// userCount counts the requests of one user; it reads the user alone.
type userCount struct {
	user string
	n    int64
}

func (c *userCount) Add(e *Entry) {
	if e.Event.User.Username == c.user {
		c.n++
	}
}
func (c *userCount) Fields() Fields     { return FieldUser }
func (c *userCount) Merge(o *userCount) { c.n += o.n }

// verbFilter keeps the requests of a verb and declares what it reads.
type verbFilter string

func (v verbFilter) Match(e *Entry) bool { return e.Event.Verb == string(v) }
func (v verbFilter) Fields() Fields      { return FieldVerb }

// TestScanFiltersGetTheirFields: whatever fields the aggregator asks
// for, a filter gets the events it needs: a Filter gets the fields it
// declares, a FilterFunc every field, and the requests preset the stage.
// None of them yields a silent zero.
func TestScanFiltersGetTheirFields(t *testing.T) {
	sources, err := Find("../testdata/must-gather/audit_logs/kube-apiserver")
	if err != nil {
		t.Fatal(err)
	}
	const agent = "system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent"
	count := func(opts Options) int64 {
		t.Helper()
		c, rep, err := Scan(context.Background(), sources, opts, func() *userCount { return &userCount{user: agent} })
		if err != nil || rep.Failures() > 0 {
			t.Fatalf("Scan: %v, %d failures", err, rep.Failures())
		}
		return c.n
	}
	// The sample's truth: the agent's 7,817 requests, 7,724 of them GETs,
	// in 8,345 events of every stage (8,232 of GETs).
	for _, c := range []struct {
		name string
		opts Options
		want int64
	}{
		{"requests", Options{}, 7817},
		{"requests, user field alone", Options{Fields: FieldUser}, 7817},
		{"declared filter", Options{Fields: FieldUser, Keep: verbFilter("get")}, 7724},
		{"function filter", Options{Fields: FieldUser, Keep: FilterFunc(func(e *Entry) bool { return e.Event.Verb == "get" })}, 7724},
		{"function filter on the request", Options{Fields: FieldUser, Keep: FilterFunc(func(e *Entry) bool { return e.Request().Resource == "nodes" })}, 7748},
		{"every stage", Options{EveryStage: true}, 8345},
		{"every stage, declared filter", Options{EveryStage: true, Keep: verbFilter("get"), Workers: 1}, 8232},
	} {
		if got := count(c.opts); got != c.want {
			t.Errorf("%s: %d requests of the agent, want %d", c.name, got, c.want)
		}
	}
}

// uriCheck checks that each entry's requestURI, unescaped from \u0026, is
// the one its auditID says, while the entry is being added.
type uriCheck struct {
	n, wrong int64
}

func (c *uriCheck) Add(e *Entry) {
	c.n++
	const prefix = "/api/v1/pods?limit=500&continue="
	uri := e.Event.RequestURI
	if !strings.HasPrefix(uri, prefix) || uri[len(prefix):] != string(e.Event.AuditID) {
		c.wrong++
	}
}
func (c *uriCheck) Fields() Fields    { return FieldAuditID | FieldRequestURI }
func (c *uriCheck) Merge(o *uriCheck) { c.n, c.wrong = c.n+o.n, c.wrong+o.wrong }

// escapedURIs writes n events whose requestURIs escape '&' as an API
// server writes it, and returns the file's path.
func escapedURIs(t testing.TB, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"%d","stage":"ResponseComplete","requestURI":"/api/v1/pods?limit=500\u0026continue=%d","verb":"list","user":{"username":"u"},"requestReceivedTimestamp":"2026-12-07T09:00:00.000000Z"}`+"\n", i, i)
	}
	path := filepath.Join(t.TempDir(), "audit.log")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestScanEscapedStrings: the strings a Scan unescapes share one space per
// block rather than an allocation each, and each one stays what its line
// says while its entry is added, over many blocks and workers.
func TestScanEscapedStrings(t *testing.T) {
	const events = 8000 // about 2 MB: several blocks
	sources, err := Find(escapedURIs(t, events))
	if err != nil {
		t.Fatal(err)
	}
	c, rep, err := Scan(context.Background(), sources, Options{Workers: 2}, func() *uriCheck { return &uriCheck{} })
	if err != nil || rep.Failures() > 0 {
		t.Fatalf("Scan: %v, %d failures", err, rep.Failures())
	}
	if c.n != events || c.wrong != 0 {
		t.Errorf("%d events read, %d with the wrong requestURI; want %d and 0", c.n, c.wrong, events)
	}

	data, err := os.ReadFile(sources[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	var rep2 Report
	ld := newLineDecoder(Options{Fields: FieldAuditID | FieldRequestURI}.withDefaults(), &rep2, false)
	b := newBlock(&sources[0], 0, 1, data[:bytes.LastIndexByte(data[:blockSize], '\n')+1], false)
	check := &uriCheck{}
	add := func(e *Entry) bool { check.Add(e); return true }
	ld.block(b, add) // the space grows to the block's needs
	if allocs := testing.AllocsPerRun(10, func() { ld.block(b, add) }); allocs > 10 {
		t.Errorf("decoding a block of %d escaped requestURIs allocates %v times", bytes.Count(b.data, []byte("\n")), allocs)
	}
	if lines := int64(bytes.Count(b.data, []byte("\n"))); check.n != 12*lines || check.wrong != 0 {
		t.Errorf("%d requestURIs decoded, %d of them wrong; want %d and 0", check.n, check.wrong, 12*lines)
	}
}

// laterAgents records the source IPs and user agent of each request,
// which it reads through Entry.Fill, and counts the entries that had them
// before the Fill.
type laterAgents struct {
	seen     map[string]string
	already  int
	tolerant bool // count Fill's failures rather than fail
	failed   int
}

func (a *laterAgents) Add(e *Entry) {
	if len(e.Event.SourceIPs) > 0 || e.Event.UserAgent != "" {
		a.already++
	}
	if err := e.Fill(FieldSourceIPs | FieldUserAgent); err != nil {
		if !a.tolerant {
			panic(err)
		}
		a.failed++
	}
	a.seen[strings.Clone(string(e.Event.AuditID))] = strings.Join(e.Event.SourceIPs, ",") + " " + e.Event.UserAgent
}
func (a *laterAgents) Fields() Fields      { return FieldSourceIPs | FieldUserAgent }
func (a *laterAgents) LaterFields() Fields { return FieldSourceIPs | FieldUserAgent }
func (a *laterAgents) Merge(o *laterAgents) {
	for k, v := range o.seen {
		a.seen[k] = v
	}
	a.already += o.already
	a.failed += o.failed
}

// eagerAgents is laterAgents reading its fields as decoded.
type eagerAgents struct{ laterAgents }

func (a *eagerAgents) Merge(o *eagerAgents) { a.laterAgents.Merge(&o.laterAgents) }
func (a *eagerAgents) LaterFields() Fields  { return 0 }

// TestScanLater: the fields an aggregator reads through Entry.Fill are
// left undecoded until then, and Fill gives what decoding them at once
// gives, on the sample's kube-apiserver logs and through a Keep.
func TestScanLater(t *testing.T) {
	sources, err := Find("../testdata/must-gather/audit_logs/kube-apiserver")
	if err != nil {
		t.Fatal(err)
	}
	for _, keep := range []Filter{nil, verbFilter("get")} {
		opts := Options{Fields: FieldVerb, Keep: keep, Workers: 2}
		later, _, err := Scan(context.Background(), sources, opts, func() *laterAgents { return &laterAgents{seen: map[string]string{}} })
		if err != nil {
			t.Fatal(err)
		}
		eager, _, err := Scan(context.Background(), sources, opts, func() *eagerAgents {
			return &eagerAgents{laterAgents{seen: map[string]string{}}}
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(later.seen) < 1000 || len(later.seen) != len(eager.seen) {
			t.Fatalf("%d requests filled, %d decoded at once", len(later.seen), len(eager.seen))
		}
		for id, want := range eager.seen {
			if got := later.seen[id]; got != want {
				t.Fatalf("request %s: filled %q, decoded at once %q", id, got, want)
			}
		}
		if later.already != 0 || eager.already != len(eager.seen) {
			t.Errorf("before Fill, %d of %d entries had the fields left for later; %d of %d decoded at once", later.already, len(later.seen), eager.already, len(eager.seen))
		}
	}
}

// TestFillRepaired: a value left for later that does not fit its field is
// left out by Fill and counted as Repaired, at its line, as the reader
// counts one it decodes at once.
func TestFillRepaired(t *testing.T) {
	dir := t.TempDir()
	log := `{"kind":"Event","auditID":"a","stage":"ResponseComplete","verb":"get","userAgent":5,"sourceIPs":["10.0.0.1"]}
{"kind":"Event","auditID":"b","stage":"ResponseComplete","verb":"get","userAgent":"kubectl","sourceIPs":"10.0.0.2"}
{"kind":"Event","auditID":"c","stage":"ResponseComplete","verb":"get","userAgent":"kubectl","sourceIPs":["10.0.0.3"]}
`
	if err := os.WriteFile(filepath.Join(dir, "audit.log"), []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	sources, err := Find(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, rep, err := Scan(context.Background(), sources, Options{Workers: 1}, func() *laterAgents {
		return &laterAgents{seen: map[string]string{}, tolerant: true}
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "10.0.0.1 ", "b": " kubectl", "c": "10.0.0.3 kubectl"}
	if fmt.Sprint(got.seen) != fmt.Sprint(want) {
		t.Errorf("%v, want %v", got.seen, want)
	}
	if got.failed != 2 {
		t.Errorf("Fill failed %d times, want 2", got.failed)
	}
	if r := rep.Problems[Repaired]; r.Count != 2 || len(r.Samples) != 2 || r.Samples[0].Line != 1 || r.Samples[1].Line != 2 {
		t.Errorf("Repaired %+v, want lines 1 and 2", r)
	}
}
