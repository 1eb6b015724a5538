package format

import (
	"bufio"
	"fmt"
	"html/template"
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

	changeOnly bool // writes the change alone, without the write's line (the page)
	Diff       []HistoryOp
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
	if !l.changeOnly {
		fmt.Fprintf(w, "%s %s%s %s by %s [%s] %s %d %s\n", l.Time.UTC().Format(time.RFC3339), Sanitize(verb), failed, Sanitize(l.Object),
			user, Sanitize(l.UserAgent), Sanitize(l.SourceIP), l.Code, Sanitize(l.AuditID))
	}
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

// historyPage is the template of WriteHistoryHTML: a self-contained page,
// no script, every string escaped by html/template.
var historyPage = template.Must(template.New("history").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>History: {{.Title}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:1200px;padding:0 1em;color:#1d2330}
table{border-collapse:collapse}th,td{padding:2px 8px;text-align:left;vertical-align:top}th{background:#f0f2f5}
tr.w td{border-top:1px solid #d0d5dd}.failed{color:#c92a2a;font-weight:600}.muted{color:#667085}
pre{margin:0;font:12.5px ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-all}
</style>
</head>
<body>
<h1>History: {{.Title}}</h1>
<p>{{.Summary}}</p>
{{if .NoBodies}}<p class="muted">The log kept no request or response bodies of some writes (the Metadata audit level): what those changed is not known.</p>
{{end}}<table>
<tr><th>time</th><th>verb</th><th>object</th><th>user</th><th>user agent</th><th>source IP</th><th>code</th><th>auditID</th></tr>
{{range .Writes}}<tr class="w"><td>{{.Time}}</td><td{{if .Failed}} class="failed"{{end}}>{{.Verb}}{{if .Failed}} FAILED{{end}}</td><td>{{.Object}}</td><td>{{.User}}</td><td>{{.UserAgent}}</td><td>{{.SourceIP}}</td><td>{{.Code}}</td><td>{{.AuditID}}</td></tr>
{{if .Change}}<tr><td></td><td colspan="7"><pre>{{.Change}}</pre></td></tr>
{{end}}{{end}}</table>
</body>
</html>
`))

// WriteHistoryHTML writes an object's history as one self-contained HTML
// page: the summary, then a row a write with its change (the patch as
// sent, the operations or the unified diff) under it, as the text shows
// them. Every string of the log is escaped for HTML after Sanitize.
func WriteHistoryHTML(w io.Writer, title string, lines []HistoryLine, t HistoryTotals) error {
	type write struct {
		Time, Verb, Object, User, UserAgent, SourceIP, AuditID, Change string
		Code                                                           int32
		Failed                                                         bool
	}
	page := struct {
		Title, Summary string
		NoBodies       bool
		Writes         []write
	}{Title: Sanitize(title), NoBodies: t.NoBodies > 0}
	var sum strings.Builder
	sw := &HistoryWriter{w: bufio.NewWriter(&sum)}
	if err := sw.Summary(t); err != nil {
		return err
	}
	page.Summary = strings.TrimSpace(sum.String())
	for _, l := range lines {
		var change strings.Builder
		cw := &HistoryWriter{w: bufio.NewWriter(&change), noteSet: true}
		l.changeOnly = true
		if err := cw.Write(l); err != nil {
			return err
		}
		cw.w.Flush()
		user := Sanitize(l.User)
		if l.Impersonator != "" {
			user += " (impersonated by " + Sanitize(l.Impersonator) + ")"
		}
		verb := l.Verb
		if l.Subresource != "" {
			verb += "/" + l.Subresource
		}
		page.Writes = append(page.Writes, write{Time: l.Time.UTC().Format(time.RFC3339), Verb: Sanitize(verb), Object: Sanitize(l.Object),
			User: user, UserAgent: Sanitize(l.UserAgent), SourceIP: Sanitize(l.SourceIP), AuditID: Sanitize(l.AuditID),
			Change: strings.TrimRight(change.String(), "\n"), Code: l.Code, Failed: l.Failed})
	}
	return historyPage.Execute(w, page)
}
