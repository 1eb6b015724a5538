package format

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/auditlens/auditlens/aggregate"
)

// HistoryLine is one write of an object's history, as HistoryWriter
// writes it: its strings come from the log and are sanitized here.
type HistoryLine struct {
	Time                                    time.Time
	Verb, Subresource, Object               string
	User, Impersonator, UserAgent, SourceIP string
	Code                                    int32
	Failed                                  bool
	AuditID                                 string
	NoBodies, NoPrevious                    bool
	Patch                                   string // as sent, compact JSON; "" when none
	Unified                                 string // the change as a unified diff, written instead of Diff when set
	Diff                                    []HistoryOp
}

// HistoryOp is one RFC 6902 operation of a write's diff; Value is its
// value as JSON, "" for remove.
type HistoryOp struct{ Op, Path, Value string }

// HistoryTotals sum up a history.
type HistoryTotals struct {
	Writes, Failed int
	Writers        []string
	First, Last    time.Time
	Fields         []aggregate.Row
	NoBodies       int
}

// MaxHistoryOps is how many operations of one write's diff the text
// shows; --format=json has them all.
const MaxHistoryOps = 20

// HistoryWriter writes an object's history as text, a write at a time:
//
//	2022-02-07T23:04:31Z update configmaps/shop/app by alice [kubectl/v1.30.0] 10.0.0.7 200 0b5f...
//	    replace /data/level "debug"
//
// a failed write marked FAILED, a patch as sent under its line, and the
// first time a write has no body a note that the log kept none.
type HistoryWriter struct {
	w       *bufio.Writer
	noteSet bool
}

// NewHistoryWriter returns a history writer to w.
func NewHistoryWriter(w io.Writer) *HistoryWriter { return &HistoryWriter{w: bufio.NewWriter(w)} }

// Write writes one write.
func (hw *HistoryWriter) Write(l HistoryLine) error {
	w := hw.w
	verb := l.Verb
	if l.Subresource != "" {
		verb += "/" + l.Subresource
	}
	if l.NoBodies && !hw.noteSet {
		hw.noteSet = true
		fmt.Fprintln(w, "(the log kept no request or response bodies of some writes, as the Metadata audit level does: what those changed is not known)")
	}
	user := Sanitize(l.User)
	if l.Impersonator != "" {
		user += " (impersonated by " + Sanitize(l.Impersonator) + ")"
	}
	failed := ""
	if l.Failed {
		failed = " FAILED"
	}
	fmt.Fprintf(w, "%s %s%s %s by %s [%s] %s %d %s\n", l.Time.UTC().Format(time.RFC3339), Sanitize(verb), failed, Sanitize(l.Object),
		user, Sanitize(l.UserAgent), Sanitize(l.SourceIP), l.Code, Sanitize(l.AuditID))
	if l.Patch != "" {
		fmt.Fprintf(w, "    patch %s\n", Sanitize(l.Patch))
	}
	if l.NoPrevious && len(l.Diff) > 0 {
		fmt.Fprintln(w, "    (no earlier state in the log: the object as written)")
	}
	if l.Unified != "" {
		for _, line := range strings.Split(strings.TrimSuffix(l.Unified, "\n"), "\n") {
			fmt.Fprintf(w, "    %s\n", Sanitize(line))
		}
		return nil
	}
	for i, op := range l.Diff {
		if i == MaxHistoryOps {
			fmt.Fprintf(w, "    ... and %d more (--format=json lists them)\n", len(l.Diff)-i)
			break
		}
		fmt.Fprintf(w, "    %s %s", op.Op, Sanitize(op.Path))
		if op.Value != "" {
			fmt.Fprintf(w, " %s", Sanitize(op.Value))
		}
		w.WriteByte('\n')
	}
	return nil
}

// Summary writes the history's summary line and flushes.
func (hw *HistoryWriter) Summary(t HistoryTotals) error {
	w := hw.w
	if t.Writes == 0 {
		fmt.Fprintln(w, "No writes to the objects the filters keep.")
		return w.Flush()
	}
	writers := make([]string, len(t.Writers))
	for i, u := range t.Writers {
		writers[i] = Sanitize(u)
	}
	fmt.Fprintf(w, "%d writes (%d failed) by %d writers (%s), first %s, last %s", t.Writes, t.Failed, len(t.Writers),
		strings.Join(writers, ", "), t.First.UTC().Format(time.RFC3339), t.Last.UTC().Format(time.RFC3339))
	if len(t.Fields) > 0 {
		var fields []string
		for _, f := range t.Fields {
			fields = append(fields, fmt.Sprintf("%s (%d)", Sanitize(f.Key), f.Count))
		}
		fmt.Fprintf(w, "; changed most: %s", strings.Join(fields, ", "))
	}
	if t.NoBodies > 0 {
		fmt.Fprintf(w, "; %d without bodies", t.NoBodies)
	}
	w.WriteByte('\n')
	return w.Flush()
}
