package auditlog

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// digests records what each entry says (see digest), by auditID.
type digests struct {
	seen    map[string]string
	batches int // batches received
	single  int // entries received one at a time
	wrong   []string
}

func newDigests() *digests { return &digests{seen: map[string]string{}} }

// digest is what a sink reads of e: the fields decoded, those left for
// later (filled), the parsed request and where e was read.
func digest(e *Entry) string {
	ev := e.Event
	return fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%d|%s", ev.AuditID, ev.RequestURI, ev.User.Username, ev.Verb,
		ev.UserAgent, strings.Join(ev.SourceIPs, ","), e.Request().Path, e.Line, e.Node)
}

func (d *digests) fill(e *Entry) {
	if err := e.Fill(FieldSourceIPs | FieldUserAgent); err != nil {
		d.wrong = append(d.wrong, err.Error())
	}
}

func (d *digests) Add(e *Entry) {
	d.single++
	d.fill(e)
	d.seen[strings.Clone(string(e.Event.AuditID))] = strings.Clone(digest(e))
}

func (d *digests) Fields() Fields {
	return FieldAuditID | FieldRequestURI | FieldUser | FieldVerb | FieldSourceIPs | FieldUserAgent
}
func (d *digests) LaterFields() Fields { return FieldSourceIPs | FieldUserAgent }
func (d *digests) Merge(o *digests) {
	for k, v := range o.seen {
		d.seen[k] = v
	}
	d.batches += o.batches
	d.single += o.single
	d.wrong = append(d.wrong, o.wrong...)
}

// batchDigests is digests taking batches: it fills and parses every entry
// of a batch before it reads any, so that entries sharing memory with
// one another would show it.
type batchDigests struct{ *digests }

func (d batchDigests) AddBatch(entries []*Entry) {
	d.batches++
	if len(entries) == 0 || len(entries) > ringSize {
		d.wrong = append(d.wrong, fmt.Sprintf("a batch of %d entries", len(entries)))
	}
	events := map[any]bool{}
	for _, e := range entries {
		if events[e] || events[e.Event] {
			d.wrong = append(d.wrong, "an entry or event twice in a batch")
		}
		events[e], events[e.Event] = true, true
		d.fill(e)
		e.Request()
	}
	for _, e := range entries {
		d.seen[strings.Clone(string(e.Event.AuditID))] = strings.Clone(digest(e))
	}
}
func (d batchDigests) Merge(o batchDigests) { d.digests.Merge(o.digests) }

// mixedLog writes n events, their requestURIs and user agents escaped
// (the unescaped strings share space per block), every seventh wrapped
// in a container log's record (not batched), and returns its directory.
func mixedLog(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		ev := fmt.Sprintf(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"id-%d","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/ns-%d/pods/p-%d?fieldManager=m\u0026dryRun=%d","verb":"get","user":{"username":"user-%d"},"sourceIPs":["10.0.%d.%d"],"userAgent":"agent \"%d\" \u00e9","requestReceivedTimestamp":"2026-12-07T09:00:00.000000Z"}`,
			i, i%13, i, i, i%17, i%250, i%7, i)
		if i%7 == 3 {
			wrapped, err := json.Marshal(map[string]string{"log": ev + "\n", "stream": "stdout"})
			if err != nil {
				t.Fatal(err)
			}
			ev = string(wrapped)
		}
		b.WriteString(ev)
		b.WriteByte('\n')
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "audit.log"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestScanBatches: a BatchSink gets the lines' entries in batches of at
// most ringSize, each entry with memory of its own (its event, what was
// left for later, its parsed request) until the batch is done, and the
// wrapped entries one at a time; it reads what a Sink taking one entry at
// a time reads, on generated lines over several blocks and on the sample
// must-gather, with one worker and two.
func TestScanBatches(t *testing.T) {
	const n = 12000 // about 4 MB: over a dozen blocks
	for _, dir := range []string{mixedLog(t, n), "../testdata/must-gather/audit_logs/kube-apiserver"} {
		sources, err := Find(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, workers := range []int{1, 2} {
			opts := Options{Workers: workers}
			one, rep, err := Scan(context.Background(), sources, opts, newDigests)
			if err != nil || rep.Failures() > 0 {
				t.Fatalf("%s: Scan: %v, %d failures", dir, err, rep.Failures())
			}
			batched, rep, err := Scan(context.Background(), sources, opts, func() batchDigests { return batchDigests{newDigests()} })
			if err != nil || rep.Failures() > 0 {
				t.Fatalf("%s: Scan with batches: %v, %d failures", dir, err, rep.Failures())
			}
			if wrong := append(one.wrong, batched.wrong...); len(wrong) > 0 {
				t.Fatalf("%s: %d problems, the first: %s", dir, len(wrong), wrong[0])
			}
			if len(one.seen) < 1000 || len(batched.seen) != len(one.seen) {
				t.Fatalf("%s: %d requests read in batches, %d one at a time", dir, len(batched.seen), len(one.seen))
			}
			for id, want := range one.seen {
				if got := batched.seen[id]; got != want {
					t.Fatalf("%s, %d workers: request %s read in a batch as\n%s\none at a time as\n%s", dir, workers, id, got, want)
				}
			}
			if batched.batches == 0 || one.batches != 0 {
				t.Errorf("%s: %d batches, %d to a plain sink", dir, batched.batches, one.batches)
			}
			if dir != "../testdata/must-gather/audit_logs/kube-apiserver" && batched.single != (n+3)/7 {
				t.Errorf("%s: %d wrapped entries one at a time, want %d", dir, batched.single, (n+3)/7)
			}
		}
	}
}

// TestRingLetsGoOfLongLines checks that the entries of a block whose
// buffer the reader does not reuse (lines longer than a block's usual
// size) are handed on at its end and leave nothing of it in the ring: the
// ring would otherwise keep up to ringSize such buffers alive.
func TestRingLetsGoOfLongLines(t *testing.T) {
	var lines strings.Builder
	for i := range 3 {
		fmt.Fprintf(&lines, `{"kind":"Event","auditID":"id-%d","stage":"ResponseComplete","verb":"get","requestURI":"/api/v1/pods","userAgent":"%s"}`+"\n", i, strings.Repeat("a", blockSize))
	}
	src := &Source{Path: "audit.log"}
	var rep Report
	opts := Options{Fields: FieldAuditID | FieldVerb | FieldUserAgent, Later: FieldUserAgent}.withDefaults()
	ld := newLineDecoder(opts, &rep, false)
	got := batchDigests{newDigests()}
	ld.batchTo(got)
	data := []byte(lines.String()) // a buffer of its own size, not blockSize
	b := newBlock(src, 0, 1, data, true)
	ld.block(b, func(e *Entry) bool { got.Add(e); return true })
	ld.endBlock(b)
	if len(got.seen) != 3 || got.batches != 1 || len(got.wrong) > 0 {
		t.Fatalf("%d entries in %d batches (%v), want 3 in 1", len(got.seen), got.batches, got.wrong)
	}
	for i := range ld.ring {
		s := &ld.ring[i]
		if s.ev.AuditID != "" || s.ev.RequestURI != "" || s.entry.Event != nil || s.later.data != nil || s.later.text != "" {
			t.Errorf("slot %d still holds the block's lines: %q %q", i, s.ev.AuditID, s.later.text)
		}
	}
}
