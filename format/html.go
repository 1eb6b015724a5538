package format

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/findings"
)

// HTMLReport is what WriteHTML puts on the page. Every part but Summary is
// optional: a nil (or empty) part leaves its section out.
type HTMLReport struct {
	// Filter is the filter the events passed, in flag syntax, "" for none.
	Filter string
	// Findings, shown first, are what the findings detectors found; a
	// result without findings is shown as such.
	Findings *findings.Result
	// Summary is the count and time range of the events that passed.
	Summary aggregate.SummaryResult
	// Read is what the reader read and could not read.
	Read *auditlog.Report
	// Tops are count tables (top users, resources, ...), in page order.
	Tops []aggregate.CountResult
	// Histogram is the requests over time, drawn as an SVG bar chart; when
	// counted by a key with per-bucket tops, the peak bucket's top keys are
	// listed under it.
	Histogram *aggregate.HistogramResult
	// Grouped are the grouped requests of -o top --by=verb.
	Grouped *aggregate.GroupedResult
	// Latency is latency by key (p50, p99 and max).
	Latency *aggregate.LatencyResult
	// Throttling are the 429 responses by user.
	Throttling *aggregate.ThrottlingResult
	// Compare, with -o html --baseline, is what changed against the
	// baseline: the keys, and the findings marked new, worse, same,
	// better or resolved (see WriteCompare).
	Compare *aggregate.CompareResult
	// FindingChanges are the findings of Compare.
	FindingChanges []findings.FindingChange
}

//go:embed html.tmpl
var htmlSource string

// htmlScript is the page's one inline script: search, filters, sortable
// columns and copy buttons, which the page reads well without.
//
//go:embed html.js
var htmlScript string

// htmlScriptElement is the page's script element.
var htmlScriptElement = template.HTML("<script>" + htmlScript + "</script>")

// htmlScriptHash is the script's hash, which the page's
// Content-Security-Policy allows alone: no other script, no network.
var htmlScriptHash = func() string {
	sum := sha256.Sum256([]byte(htmlScript))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}()

// htmlTemplate parses the page template once.
var htmlTemplate = sync.OnceValues(func() (*template.Template, error) {
	return template.New("page").Parse(htmlSource)
})

// WriteHTML writes r as one self-contained HTML page: inline CSS, the
// charts as inline SVG, no external resource, so that it can be opened
// offline or attached to a support case. A section menu and a small inline
// script (a search box, a filter and sortable columns on each table, copy
// buttons for the commands) make it easier to use; its
// Content-Security-Policy allows that script alone, by its hash, and the
// page reads the same without it. Every string of the logs
// (user names, URIs, user agents...) is written through html/template,
// which escapes it for where it appears, after Sanitize has escaped its
// control characters. The page holds no current time or random id: the
// same report gives the same bytes.
func WriteHTML(w io.Writer, r HTMLReport) error {
	t, err := htmlTemplate()
	if err != nil {
		return err
	}
	return t.Execute(w, newHTMLPage(r))
}

// htmlPage is the template's data: every value already formatted.
type htmlPage struct {
	// Script is the inline script's element, ScriptHash the script's CSP
	// hash. The element is HTML of the template's own, so that
	// html/template need not scan the script as it would a JS value.
	Script     template.HTML
	ScriptHash string
	Filter     string
	Findings   *htmlFindings
	Summary    htmlSummary
	Read       *htmlRead
	Tops       []htmlTop
	Chart      *htmlChart
	Grouped    *htmlGrouped
	Latency    *htmlLatency
	Throttling *htmlThrottling
	Compare    *htmlCompare
}

// htmlCompare is the page's section of a comparison with a baseline.
type htmlCompare struct {
	Baseline, Subject string
	By                string
	Unchanged         int
	Rows              []htmlChange
	Findings          []htmlFindingChange
	Thresholds        string
}

type htmlChange struct {
	Change, Base, Now, Ratio, Delta, Server, Errors, P99, Key string
}

type htmlFindingChange struct {
	Change, Severity, ID, Rates, Subject string
}

// newHTMLCompare formats a comparison for the page, as WriteCompare does.
func newHTMLCompare(c aggregate.CompareResult, fs []findings.FindingChange) *htmlCompare {
	capture := func(x aggregate.Capture) string {
		return fmt.Sprintf("%s .. %s (%s), %d requests, %s/h", x.First.UTC().Format(time.RFC3339), x.Last.UTC().Format(time.RFC3339),
			x.Span.Round(time.Second), x.Requests, rate(x.PerHour))
	}
	h := &htmlCompare{Baseline: capture(c.Baseline), Subject: capture(c.Subject), By: c.By, Unchanged: c.Unchanged}
	for _, r := range c.Rows {
		h.Rows = append(h.Rows, htmlChange{Change: r.Change, Base: rate(r.Baseline.PerHour), Now: rate(r.Subject.PerHour), Ratio: ratio(r.Ratio),
			Delta: signed(r.Delta), Server: arrow(rate(r.Baseline.ServerSecondsPerHour), rate(r.Subject.ServerSecondsPerHour)),
			Errors: arrow(sharePercent(r.Baseline.ErrorShare), sharePercent(r.Subject.ErrorShare)),
			P99:    arrow(ShortDuration(r.Baseline.P99), ShortDuration(r.Subject.P99)), Key: rowKey(aggregate.Row{Key: r.Key, Parts: r.Parts})})
	}
	for _, f := range fs {
		change := f.Change
		if f.Change == findings.FindingWorse || f.Change == findings.FindingBetter {
			change += " " + ratio(f.Factor)
		}
		h.Findings = append(h.Findings, htmlFindingChange{Change: change, Severity: f.Severity.String(), ID: f.ID,
			Rates: arrow(rate(f.BaselinePerHour)+"/h", rate(f.SubjectPerHour)+"/h"), Subject: Sanitize(f.Subject)})
	}
	t := c.Thresholds
	h.Thresholds = fmt.Sprintf("a change counts at %s requests an hour or more, a score of %.3g or more, a factor of %.3g, or %s more refused or failed",
		rate(t.MinPerHour), t.Z, t.MinRatio, sharePercent(t.MinShareChange))
	return h
}

type htmlSummary struct {
	Count                 int64
	First, Last, Duration string
	NoTime                int64
}

type htmlRead struct {
	Files                  int
	CompressedBytes, Bytes int64
	Lines, Events          int64
	Failures               int64
	Problems               []htmlProblem
}

type htmlProblem struct {
	Name    string
	Count   int64
	Samples []string
	More    int64
}

type htmlTop struct {
	By              string
	Total, Shown    int64
	Distinct, Count int
	Rows            []htmlBarRow
}

// htmlBarRow is a row of a count table, with its bar's length in percent
// of the first row's.
type htmlBarRow struct {
	Count   int64
	Key     string
	Pct     int
	Samples []string
}

type htmlGrouped struct {
	By       string
	Sections []htmlGroupSection
}

type htmlGroupSection struct {
	Label  string
	Total  int64
	LetGo  string // LetGoNote, when groups were let go
	Groups []htmlGroup
}

type htmlGroup struct {
	Count        int64
	Short        bool // the count may be short (Group.Uncounted)
	Mean, Status string
	URI, User    string
	Samples      []string
}

type htmlLatency struct {
	By   string
	Rows []htmlLatencyRow
	Note string // what was left out (LatencyNote)
}

type htmlLatencyRow struct {
	Count         int64
	P50, P99, Max string
	Key           string
	Samples       []string
}

type htmlThrottling struct {
	Total, Rejected int64
	Percent         string
	Users           []htmlThrottledUser
}

type htmlThrottledUser struct {
	Rejected             int64
	First, Last, WaitP99 string
	User                 string
}

// newHTMLPage formats r for the template.
func newHTMLPage(r HTMLReport) htmlPage {
	p := htmlPage{Filter: r.Filter, Script: htmlScriptElement, ScriptHash: htmlScriptHash}
	if r.Findings != nil {
		p.Findings = newHTMLFindings(*r.Findings)
	}
	if r.Compare != nil {
		p.Compare = newHTMLCompare(*r.Compare, r.FindingChanges)
	}
	s := r.Summary
	p.Summary = htmlSummary{Count: s.Count, NoTime: s.NoTime}
	if s.Count > 0 {
		p.Summary.First = s.First.UTC().Format(time.RFC3339)
		p.Summary.Last = s.Last.UTC().Format(time.RFC3339)
		p.Summary.Duration = s.Duration.String()
	}
	if r.Read != nil {
		p.Read = newHTMLRead(r.Read)
	}
	for _, c := range r.Tops {
		if len(c.Rows) > 0 {
			p.Tops = append(p.Tops, newHTMLTop(c))
		}
	}
	if r.Histogram != nil && len(r.Histogram.Buckets) > 0 {
		p.Chart = newHTMLChart(*r.Histogram)
	}
	if g := r.Grouped; g != nil && len(g.Outer) > 0 {
		hg := &htmlGrouped{By: g.By}
		for _, o := range g.Outer {
			sec := htmlGroupSection{Label: htmlOuterLabel(g.By, o.Key), Total: o.Total}
			if o.LetGoAtMost > 0 {
				sec.LetGo = LetGoNote(o.LetGoAtMost)
			}
			for _, gr := range o.Groups {
				mean := "unknown"
				if gr.Latency.Count > 0 {
					mean = ShortDuration(gr.Latency.Mean)
				}
				sec.Groups = append(sec.Groups, htmlGroup{Count: gr.Count, Short: gr.Uncounted > 0, Mean: mean,
					Status: StatusMix(gr.Status), URI: Sanitize(gr.FirstURI), User: Sanitize(gr.User),
					Samples: sanitizeAll(gr.Samples)})
			}
			hg.Sections = append(hg.Sections, sec)
		}
		p.Grouped = hg
	}
	if l := r.Latency; l != nil && (len(l.Rows) > 0 || LatencyNote(*l) != "") {
		hl := &htmlLatency{By: l.By, Note: LatencyNote(*l)}
		for _, row := range l.Rows {
			q := row.Latency
			hl.Rows = append(hl.Rows, htmlLatencyRow{Count: q.Count, P50: ShortDuration(q.P50), P99: ShortDuration(q.P99),
				Max: ShortDuration(q.Max), Key: Sanitize(row.Key), Samples: sanitizeAll(row.Samples)})
		}
		p.Latency = hl
	}
	if t := r.Throttling; t != nil && t.Total > 0 {
		ht := &htmlThrottling{Total: t.Total, Rejected: t.Rejected, Percent: percent(t.Rejected, t.Total)}
		for _, u := range t.Users {
			ht.Users = append(ht.Users, htmlThrottledUser{Rejected: u.Rejected, First: throttleTime(u.First),
				Last: throttleTime(u.Last), WaitP99: waitCell(u.QueueWait, u.QueueWait.P99), User: Sanitize(u.User)})
		}
		p.Throttling = ht
	}
	return p
}

// newHTMLRead formats a read report with its first samples of each kind
// of problem; skipped files are counted, not listed.
func newHTMLRead(r *auditlog.Report) *htmlRead {
	hr := &htmlRead{Files: r.Files, CompressedBytes: r.CompressedBytes, Bytes: r.Bytes, Lines: r.Lines,
		Events: r.Events, Failures: r.Failures()}
	for _, pr := range auditlog.Problems() {
		t := r.Problems[pr]
		if t.Count == 0 {
			continue
		}
		hp := htmlProblem{Name: pr.String(), Count: t.Count}
		if pr != auditlog.SkippedFile {
			for _, s := range t.Samples[:min(len(t.Samples), ReportSamples)] {
				hp.Samples = append(hp.Samples, Sanitize(s.String()))
			}
		}
		if pr != auditlog.SkippedFile {
			hp.More = t.Count - int64(len(hp.Samples))
		}
		hr.Problems = append(hr.Problems, hp)
	}
	return hr
}

// newHTMLTop formats a count table.
func newHTMLTop(c aggregate.CountResult) htmlTop {
	t := htmlTop{By: c.By, Total: c.Total, Distinct: c.Distinct, Count: len(c.Rows)}
	var first int64
	if len(c.Rows) > 0 {
		first = c.Rows[0].Count
	}
	for _, r := range c.Rows {
		t.Shown += r.Count
		t.Rows = append(t.Rows, htmlBarRow{Count: r.Count, Key: Sanitize(r.Key), Pct: pct(r.Count, first),
			Samples: sanitizeAll(r.Samples)})
	}
	return t
}

// sanitizeAll sanitizes every string of ss; nil for none.
func sanitizeAll(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = Sanitize(s)
	}
	return out
}

// pct is n in whole percent of of, at least 1 for any n > 0.
func pct(n, of int64) int {
	if n <= 0 || of <= 0 {
		return 0
	}
	return max(1, int(n*100/of))
}

// htmlOuterLabel is an outer key of a grouped view as a section title: a
// verb upper-cased, like the reference's headers, but not quoted.
func htmlOuterLabel(by, key string) string {
	if by == "verb" {
		key = strings.ToUpper(key)
	}
	return Sanitize(key)
}
