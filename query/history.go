package query

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/wI2L/jsondiff"
	"sigs.k8s.io/yaml"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/format"
)

// ObjectWrite is one write to an object, as History reads it from the log:
// who wrote, when, how it ended, and what changed when the log kept the
// bodies.
type ObjectWrite struct {
	// Time is when the API server received the request.
	Time time.Time `json:"time"`
	// Verb is create, update, patch, delete or deletecollection;
	// Subresource is status, scale... when the write was to one.
	Verb        string `json:"verb"`
	Subresource string `json:"subresource,omitempty"`
	// Object is the object written: resource[.group]/namespace/name, or
	// resource[.group]/name when cluster-scoped.
	Object string `json:"object"`
	// User wrote it; Impersonator, when set, acted as User.
	User         string `json:"user"`
	Impersonator string `json:"impersonator,omitempty"`
	UserAgent    string `json:"userAgent,omitempty"`
	SourceIP     string `json:"sourceIP,omitempty"`
	// Code is the response's status code; Failed says the write did not
	// happen (a code of 400 or more).
	Code   int32 `json:"code"`
	Failed bool  `json:"failed,omitempty"`
	// AuditID is the request's auditID.
	AuditID string `json:"auditID"`
	// Bodies says what the log kept of the write: "request and response",
	// "request", "response" or "none" (the Metadata level).
	Bodies string `json:"bodies"`
	// Patch is a patch as sent: a JSON patch (an array) or a merge patch
	// (an object: JSON merge, strategic merge or apply, which the log
	// does not tell apart); Secret values are redacted.
	Patch json.RawMessage `json:"patch,omitempty"`
	// Diff is the change against the object's previous known state, as
	// RFC 6902 operations, noise left out (see History); empty when the
	// change is not known.
	Diff []DiffOp `json:"diff,omitempty"`
	// Unified is the change as a unified diff of the object's YAML, with
	// HistoryOptions.Unified; "" otherwise or when nothing changed.
	Unified string `json:"unified,omitempty"`
	// NoPrevious says the diff of an update or patch is against nothing:
	// the log held no earlier state of the object.
	NoPrevious bool `json:"noPrevious,omitempty"`
}

// DiffOp is one RFC 6902 operation of a diff.
type DiffOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// HistorySummary sums up the writes of a history.
type HistorySummary struct {
	Writes, Failed int
	Writers        []string
	First, Last    time.Time
	// Fields are the paths changed most often, most first, with how often.
	Fields []aggregate.Row
	// NoBodies is how many writes the log kept no body of.
	NoBodies int
}

// HistoryOptions say what History says of each write.
type HistoryOptions struct {
	// AllFields keeps the noise in the diffs: metadata.managedFields,
	// resourceVersion, generation, uid, creationTimestamp and status.
	AllFields bool
	// Unified also gives each change as a unified diff of the object's
	// YAML (ObjectWrite.Unified; --diff=unified), which the text shows
	// instead of the operations.
	Unified bool
}

// historyVerbs are the writes History lists.
var historyVerbs = []string{"create", "update", "patch", "delete", "deletecollection"}

// noise are the paths a diff leaves out unless allFields: what the API
// server changes on every write (status is an object's own, not its
// writer's).
var noise = []string{"/metadata/managedFields", "/metadata/resourceVersion", "/metadata/generation", "/metadata/uid",
	"/metadata/creationTimestamp", "/metadata/selfLink", "/status"}

// History reads the writes to the objects the query's filters keep (a
// --resource is required; --namespace and --name narrow it) in time order,
// each request once: create, update, patch, delete and deletecollection,
// to the object or a subresource of it, failed writes included and
// marked. Where the log kept bodies (the RequestResponse or Request
// level), each write carries what it changed: a diff against the
// object's previous known state (the last response body, or request body
// when no response was kept) as RFC 6902 operations, and a patch as sent;
// metadata.managedFields, resourceVersion, generation, uid,
// creationTimestamp and status are left out unless AllFields. The values
// of a Secret's data and stringData are never given: each is replaced by
// a token that changes when the value does (a keyed hash whose key lives
// as long as the process). Format is text, json (one object a line) or
// html (a page of its own).
// Memory holds the last state of each object written, not the events.
func (q Query) History(ctx context.Context, opts HistoryOptions) (*Result, error) {
	if q.Output != "" || q.Window != "" || q.Sort != "" {
		return nil, errorf("output", "history writes its own listing: -o, --window and --sort do not apply")
	}
	if len(q.Filters.Resources) == 0 {
		return nil, errorf("resource", "history needs --resource (and --namespace, --name to narrow it): the objects whose writes to list")
	}
	page := q.Format == "html"
	enc, err := format.ParseEncoding(q.Format)
	if !page && (err != nil || enc == format.CSV) {
		return nil, errorf("format", "invalid --format value %q for history: expected text, json or html", q.Format)
	}
	if len(q.Filters.Verbs) == 0 {
		q.Filters.Verbs = historyVerbs
	}
	sources, workers, err := q.input()
	if err != nil {
		return nil, err
	}
	keep, ropts, remove, err := q.prepare(ctx, sources, workers, nil)
	if err != nil {
		return nil, err
	}
	sum := aggregate.NewSummary()
	// What a write says; the filter's fields are added by the reader. The
	// bodies are raw bytes, parsed only for the writes kept.
	ropts.Fields = auditlog.FieldVerb | auditlog.FieldUser | auditlog.FieldImpersonatedUser | auditlog.FieldSourceIPs |
		auditlog.FieldUserAgent | auditlog.FieldObjectRef | auditlog.FieldResponseCode | auditlog.FieldRequestURI |
		auditlog.FieldRequestObject | auditlog.FieldResponseObject | sum.Fields()
	key := make([]byte, 32)
	rand.Read(key)
	ropts.Workers = workers
	h := &historyListing{ctx: ctx, sources: sources, opts: ropts, summary: sum, done: remove,
		allFields: opts.AllFields, unified: opts.Unified, page: page,
		title: strings.Join(slices.Concat(q.Filters.Resources, q.Filters.Namespaces, q.Filters.Names), " "), redactKey: key, states: map[string][]byte{}, fields: map[string]int64{}, writers: map[string]bool{}}
	return &Result{enc: enc, filter: keep, history: h}, nil
}

// historyListing is a history's reader, read as its writes are iterated.
type historyListing struct {
	ctx       context.Context
	sources   []auditlog.Source
	opts      auditlog.Options
	summary   *aggregate.Summary
	done      func()
	read      bool
	allFields bool
	unified   bool
	// page writes an HTML page (--format=html) titled title.
	page      bool
	title     string
	redactKey []byte
	// states are the objects' last known bodies, by object.
	states  map[string][]byte
	fields  map[string]int64
	writers map[string]bool
	sum     HistorySummary
}

// Writes returns an iterator over a history's writes (Query.History), in
// time order, reading the input as it goes; once it has run to its end,
// Summary, Report and HistorySummary are complete. It reads once.
func (r *Result) Writes() iter.Seq[ObjectWrite] {
	return func(yield func(ObjectWrite) bool) {
		h := r.history
		if h == nil || h.read {
			return
		}
		h.read = true
		var rep *auditlog.Report
		defer func() {
			r.Summary = h.summary.Result()
			r.Report = rep
			h.finish()
			if h.done != nil {
				h.done()
			}
		}()
		// The writes of an object or a few are a handful among millions of
		// events: read on every core, keep them, and put them in time
		// order. Past historyBudget of them, read again in time order.
		writes, scanned, err := auditlog.Scan(h.ctx, h.sources, h.opts, func() *writeSet { return new(writeSet) })
		rep = scanned
		if err != nil {
			return
		}
		if !writes.over {
			slices.SortFunc(writes.entries, func(a, b *auditlog.Entry) int {
				return cmp.Or(a.Event.RequestReceivedTimestamp.Time.Compare(b.Event.RequestReceivedTimestamp.Time),
					cmp.Compare(a.Source.Path, b.Source.Path), cmp.Compare(a.Line, b.Line))
			})
			for _, e := range writes.entries {
				h.summary.Add(e)
				if !yield(h.write(e)) {
					return
				}
			}
			return
		}
		reader := auditlog.NewReader(h.sources, h.opts)
		defer func() { rep = reader.Report() }()
		for e := range reader.SortedContext(h.ctx, 0) {
			h.summary.Add(e)
			if !yield(h.write(e)) {
				return
			}
		}
	}
}

// historyBudget is the most memory the writes of a history take before
// they are read again in time order rather than kept and sorted (a
// variable for the tests).
var historyBudget int64 = 64 << 20

// writeSet is one worker's copies of the writes a history keeps, until
// they take historyBudget between them.
type writeSet struct {
	entries []*auditlog.Entry
	bytes   int64
	over    bool
}

func (w *writeSet) Add(e *auditlog.Entry) {
	if w.over {
		return
	}
	ev := e.Event
	w.bytes += 1 << 10
	if ev.RequestObject != nil {
		w.bytes += int64(len(ev.RequestObject.Raw))
	}
	if ev.ResponseObject != nil {
		w.bytes += int64(len(ev.ResponseObject.Raw))
	}
	if w.bytes > historyBudget {
		w.over, w.entries = true, nil
		return
	}
	w.entries = append(w.entries, e.Clone())
}

func (w *writeSet) Fields() auditlog.Fields { return 0 }

func (w *writeSet) Merge(o *writeSet) {
	w.bytes += o.bytes
	if w.over = w.over || o.over || w.bytes > historyBudget; w.over {
		w.entries = nil
		return
	}
	w.entries = append(w.entries, o.entries...)
}

// HistorySummary is the summary of a history's writes, complete once
// Writes has run to its end; nil for any other answer.
func (r *Result) HistorySummary() *HistorySummary {
	if r.history == nil {
		return nil
	}
	return &r.history.sum
}

// write reads one write from its entry, and moves its object's state on.
func (h *historyListing) write(e *auditlog.Entry) ObjectWrite {
	ev := e.Event
	rq := e.Request()
	w := ObjectWrite{Time: ev.RequestReceivedTimestamp.Time.UTC(), Verb: ev.Verb, User: ev.User.Username,
		UserAgent: ev.UserAgent, AuditID: string(ev.AuditID), Bodies: "none"}
	if ev.ImpersonatedUser != nil {
		w.User, w.Impersonator = ev.ImpersonatedUser.Username, ev.User.Username
	}
	if len(ev.SourceIPs) > 0 {
		w.SourceIP = ev.SourceIPs[0]
	}
	if ev.ResponseStatus != nil {
		w.Code = ev.ResponseStatus.Code
	}
	w.Failed = w.Code >= 400
	resource, namespace, name, group := rq.Resource, rq.Namespace, rq.Name, rq.APIGroup
	if ref := ev.ObjectRef; ref != nil {
		resource, namespace, group, w.Subresource = cmp.Or(ref.Resource, resource), cmp.Or(ref.Namespace, namespace), cmp.Or(ref.APIGroup, group), ref.Subresource
		name = cmp.Or(ref.Name, name)
	}
	var req, resp []byte
	if ev.RequestObject != nil {
		req = ev.RequestObject.Raw
	}
	if ev.ResponseObject != nil {
		resp = ev.ResponseObject.Raw
	}
	secret := resource == "secrets" && group == ""
	if name == "" {
		name = nameOf(resp, req)
	}
	if group != "" {
		resource += "." + group
	}
	w.Object = strings.Join(slices.DeleteFunc([]string{resource, namespace, name}, func(s string) bool { return s == "" }), "/")
	switch {
	case len(req) > 0 && len(resp) > 0:
		w.Bodies = "request and response"
	case len(req) > 0:
		w.Bodies = "request"
	case len(resp) > 0:
		w.Bodies = "response"
	case w.Verb != "delete" && w.Verb != "deletecollection":
		// A delete changes no field: its bodies tell nothing missing.
		h.sum.NoBodies++
	}
	h.count(&w)
	if w.Failed {
		return w
	}
	if w.Verb == "delete" || w.Verb == "deletecollection" {
		if w.Verb == "delete" {
			delete(h.states, w.Object)
			delete(h.states, w.Object+"/scale")
		}
		return w
	}
	if w.Verb == "patch" && len(req) > 0 {
		w.Patch = h.clean(req, secret, false)
	}
	after := resp
	if len(after) == 0 && w.Verb != "patch" {
		after = req // the object as sent
	}
	if !isObject(after) {
		return w
	}
	after = h.clean(after, secret, true)
	// A subresource whose body is an object of its own (scale: an
	// autoscaling/v1 Scale) has a state of its own; status and the others
	// write the object.
	state := w.Object
	if w.Subresource == "scale" {
		state += "/scale"
	}
	before, known := h.states[state]
	if !known {
		before = []byte("{}")
		w.NoPrevious = w.Verb != "create"
	}
	h.states[state] = after
	if w.Subresource == "scale" {
		h.scaled(w.Object, after)
	}
	w.Diff = h.diff(before, after)
	if h.unified && len(w.Diff) > 0 {
		w.Unified = unifiedYAML(before, after, w.Object)
	}
	return w
}

// scaled carries a Scale's replicas into the object's known state, so
// that the next write to the object is not credited with them.
func (h *historyListing) scaled(object string, scale []byte) {
	var sc struct {
		Spec struct {
			Replicas *int64 `json:"replicas"`
		} `json:"spec"`
	}
	body, known := h.states[object]
	if !known || json.Unmarshal(scale, &sc) != nil || sc.Spec.Replicas == nil {
		return
	}
	var o map[string]any
	if json.Unmarshal(body, &o) != nil {
		return
	}
	spec, _ := o["spec"].(map[string]any)
	if spec == nil {
		spec = map[string]any{}
		o["spec"] = spec
	}
	spec["replicas"] = *sc.Spec.Replicas
	if b, err := json.Marshal(o); err == nil {
		h.states[object] = b
	}
}

// count adds a write to the summary.
func (h *historyListing) count(w *ObjectWrite) {
	s := &h.sum
	s.Writes++
	if w.Failed {
		s.Failed++
	}
	if !h.writers[w.User] {
		h.writers[w.User] = true
		s.Writers = append(s.Writers, w.User)
	}
	if s.First.IsZero() {
		s.First = w.Time
	}
	s.Last = w.Time
}

// finish orders the summary's fields.
func (h *historyListing) finish() {
	for path, n := range h.fields {
		h.sum.Fields = append(h.sum.Fields, aggregate.Row{Key: path, Count: n})
	}
	slices.SortFunc(h.sum.Fields, func(a, b aggregate.Row) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key)) })
	h.sum.Fields = h.sum.Fields[:min(len(h.sum.Fields), 5)]
}

// diff is the change from before to after (both cleaned), and counts
// the paths changed.
func (h *historyListing) diff(before, after []byte) []DiffOp {
	patch, err := jsondiff.CompareJSON(before, after)
	if err != nil {
		return nil
	}
	ops := make([]DiffOp, 0, len(patch))
	for _, op := range patch {
		ops = append(ops, DiffOp{Op: op.Type, Path: op.Path, Value: op.Value})
		h.fields[op.Path]++
	}
	return ops
}

// clean returns a body compacted, with the noise of an object left out
// unless allFields, and a Secret's data and stringData values redacted
// (for an object, a merge patch, or a JSON patch's values under those
// paths); nil when it is not JSON.
func (h *historyListing) clean(body []byte, secret, object bool) []byte {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	switch x := v.(type) {
	case map[string]any:
		if object && !h.allFields {
			delete(x, "status")
			if md, ok := x["metadata"].(map[string]any); ok {
				for _, k := range noise {
					if f, ok := strings.CutPrefix(k, "/metadata/"); ok {
						delete(md, f)
					}
				}
			}
		}
		if secret {
			for _, k := range []string{"data", "stringData"} {
				if m, ok := x[k].(map[string]any); ok {
					for key, val := range m {
						m[key] = h.redact(val)
					}
				}
			}
		}
	case []any:
		for _, op := range x {
			if m, ok := op.(map[string]any); ok && secret {
				if p, _ := m["path"].(string); strings.HasPrefix(p, "/data") || strings.HasPrefix(p, "/stringData") {
					if val, ok := m["value"]; ok {
						m["value"] = h.redact(val)
					}
				}
			}
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

// redact replaces a secret value by a token that changes when it does.
func (h *historyListing) redact(v any) any {
	if m, ok := v.(map[string]any); ok {
		for k, x := range m {
			m[k] = h.redact(x)
		}
		return m
	}
	b, _ := json.Marshal(v)
	mac := hmac.New(sha256.New, h.redactKey)
	mac.Write(b)
	return "(redacted " + hex.EncodeToString(mac.Sum(nil)[:4]) + ")"
}

// unifiedYAML is the change from before to after (JSON objects) as a
// unified diff of their YAML, keys sorted, three lines of context.
func unifiedYAML(before, after []byte, object string) string {
	a, errA := yaml.JSONToYAML(before)
	b, errB := yaml.JSONToYAML(after)
	if errA != nil || errB != nil {
		return ""
	}
	if string(a) == "{}\n" {
		a = nil
	}
	d, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{A: difflib.SplitLines(string(a)), B: difflib.SplitLines(string(b)),
		FromFile: object + " (before)", ToFile: object, Context: 3})
	if err != nil {
		return ""
	}
	return d
}

// isObject reports whether a body is a JSON object.
func isObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{'
}

// nameOf reads metadata.name from the first body that has one.
func nameOf(bodies ...[]byte) string {
	for _, b := range bodies {
		var o struct {
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if json.Unmarshal(b, &o) == nil && o.Metadata.Name != "" {
			return o.Metadata.Name
		}
	}
	return ""
}

// writeHistory writes a history's writes: as text, a line a write then
// its diff or patch indented, and a summary; as JSON, an object a line.
func (r *Result) writeHistory(w io.Writer) error {
	if r.enc == format.JSON {
		enc := json.NewEncoder(w)
		for wr := range r.Writes() {
			if err := enc.Encode(wr); err != nil {
				return err
			}
		}
		return r.history.ctx.Err()
	}
	if r.history.page {
		var lines []format.HistoryLine
		for wr := range r.Writes() {
			lines = append(lines, historyLine(wr))
		}
		if err := format.WriteHistoryHTML(w, r.history.title, lines, r.history.totals()); err != nil {
			return err
		}
		return r.history.ctx.Err()
	}
	hw := format.NewHistoryWriter(w)
	for wr := range r.Writes() {
		if err := hw.Write(historyLine(wr)); err != nil {
			return err
		}
	}
	if err := hw.Summary(r.history.totals()); err != nil {
		return err
	}
	return r.history.ctx.Err()
}

// totals is the history's summary as format writes it.
func (h *historyListing) totals() format.HistoryTotals {
	s := h.sum
	return format.HistoryTotals{Writes: s.Writes, Failed: s.Failed, Writers: s.Writers, First: s.First, Last: s.Last,
		Fields: s.Fields, NoBodies: s.NoBodies}
}

// historyLine is a write as format writes it.
func historyLine(w ObjectWrite) format.HistoryLine {
	l := format.HistoryLine{Time: w.Time, Verb: w.Verb, Subresource: w.Subresource, Object: w.Object, User: w.User,
		Impersonator: w.Impersonator, UserAgent: w.UserAgent, SourceIP: w.SourceIP, Code: w.Code, Failed: w.Failed,
		AuditID: w.AuditID, Unified: w.Unified, NoBodies: w.Bodies == "none" && w.Verb != "delete" && w.Verb != "deletecollection", Patch: string(w.Patch), NoPrevious: w.NoPrevious}
	for _, op := range w.Diff {
		v := ""
		if op.Value != nil {
			b, _ := json.Marshal(op.Value)
			v = string(b)
		}
		l.Diff = append(l.Diff, format.HistoryOp{Op: op.Op, Path: op.Path, Value: v})
	}
	return l
}
