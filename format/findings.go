package format

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/auditlens/auditlens/findings"
)

// FindingsOptions say what WriteFindings writes beyond the findings.
type FindingsOptions struct {
	// Samples writes each row's samples command (its auditIDs) under it.
	Samples bool
}

// WriteFindings writes what the findings detectors found (-o findings):
// a header line with the number of findings by severity, the top-causes
// table (a line a finding, the costliest first, with its onset and a
// sparkline of its requests over the capture), then each
// finding, in the order of findings.Result, with its summary, its figures, its
// evidence rows (count, share, status mix, first and last time, what, the
// offender; the row's figures, drill-down and samples commands under it),
// the RBAC rules of a 403 storm and the command to run next:
//
//	Findings: 4 (1 high, 2 medium, 1 low) in 20000 requests from 2022-02-07T22:15:16Z to 2022-02-08T00:59:57Z
//
//	1. HIGH denied-storm: Requests refused again and again: system:serviceaccount:...:sysdig-agent
//	   system:serviceaccount:...:sysdig-agent was refused 7716 times (98.7% of its 7817 requests), ...
//	   refused: 7716, requests of the user: 7817, refused share: 98.7%, ...
//	   Evidence (share of the offender's requests):
//	      7716x  98.7% [403-7716] 22:15:16..00:59:56 GET /api/v1/nodes/{name}/proxy/metrics [system:serviceaccount:...]
//	            samples: kubectl audit -f audit_logs/kube-apiserver --uid=... -owide
//	   RBAC rules that would allow the 403s (review before granting):
//	     ClusterRole: apiGroups [""] resources [nodes/proxy] verbs [get]
//	   Next: kubectl audit -f audit_logs/kube-apiserver --user=... --by=verb -otop
//
// Times are UTC, without the date when the whole result is within one
// day. Every string that comes from the logs is sanitized. The samples
// line, ten auditIDs long, is written only with opts.Samples (-v): the
// JSON and the HTML page carry the samples always.
func WriteFindings(w io.Writer, r findings.Result, opts FindingsOptions) error {
	bw := bufio.NewWriter(w)
	layout := rowTimeLayout(r)
	fmt.Fprintln(bw, findingsHeader(r))
	for _, d := range r.Dropped {
		fmt.Fprintf(bw, "Note: %s.\n", droppedNote(d))
	}
	if len(r.Findings) > 0 {
		bw.WriteByte('\n')
		writeTopCauses(bw, r)
	}
	for i, f := range r.Findings {
		if i == 0 || f.Group != r.Findings[i-1].Group {
			fmt.Fprintf(bw, "\n== %s\n", findingsGroupTitle(f.Group))
		}
		title := f.Title
		if f.Subject != "" {
			title += ": " + Sanitize(f.Subject)
		}
		fmt.Fprintf(bw, "\n%d. %s %s: %s\n", i+1, strings.ToUpper(f.Severity.String()), f.ID, title)
		fmt.Fprintf(bw, "   %s\n", Sanitize(f.Summary))
		if l := findingLoad(f, r.ServerSeconds); l != "" {
			fmt.Fprintf(bw, "   %s\n", l)
		}
		if len(f.Numbers) > 0 {
			fmt.Fprintf(bw, "   %s\n", numbersText(f.Numbers))
		}
		if len(f.Rows) > 0 {
			fmt.Fprintf(bw, "   Evidence (share of %s):\n", f.ShareOf)
		}
		for _, row := range f.Rows {
			fmt.Fprintf(bw, "   %8s %6s [%s] %s..%s %s", strconv.FormatInt(row.Count, 10)+"x", sharePercent(row.Share),
				StatusMix(row.Status), rowTime(row.First, layout), rowTime(row.Last, layout), Sanitize(row.What))
			if row.Offender != "" {
				fmt.Fprintf(bw, " [%s]", Sanitize(row.Offender))
			}
			bw.WriteByte('\n')
			if len(row.Numbers) > 0 {
				fmt.Fprintf(bw, "            %s\n", numbersText(row.Numbers))
			}
			if row.Command != "" && row.Command != f.Command {
				fmt.Fprintf(bw, "            drill down: %s\n", Sanitize(row.Command))
			}
			if row.SamplesCommand != "" && opts.Samples {
				fmt.Fprintf(bw, "            samples: %s\n", Sanitize(row.SamplesCommand))
			}
		}
		if f.MoreRows > 0 {
			fmt.Fprintf(bw, "            and %d more\n", f.MoreRows)
		}
		if len(f.Webhooks) > 0 {
			fmt.Fprintln(bw, "   Webhooks the log names on these requests (every mutating one called; a validating one only when it failed open):")
			for _, h := range f.Webhooks {
				fmt.Fprintf(bw, "   %8s %s\n", strconv.FormatInt(h.Requests, 10)+"x", webhookText(h))
			}
		}
		if len(f.Rules) > 0 {
			fmt.Fprintln(bw, "   RBAC rules that would allow the 403s (review before granting):")
			for _, rule := range f.Rules {
				fmt.Fprintf(bw, "     %s\n", ruleText(rule))
			}
		}
		if f.RBACYAML != "" {
			fmt.Fprintln(bw, "   As YAML to apply (review before granting):")
			for line := range strings.SplitSeq(sanitizeLines(f.RBACYAML), "\n") {
				fmt.Fprintf(bw, "     %s\n", line)
			}
		}
		if f.Command != "" {
			fmt.Fprintf(bw, "   Next: %s\n", Sanitize(f.Command))
		}
	}
	return bw.Flush()
}

// webhookText describes a webhook a finding names: its kind, name and
// configuration, and what it did (sanitized).
func webhookText(h findings.Webhook) string {
	s := h.Kind + " " + Sanitize(h.Name)
	if h.Configuration != "" {
		s += " (configuration " + Sanitize(h.Configuration) + ")"
	}
	if h.Kind == "mutating" {
		s += ", changed the object on " + itoa(h.Mutated)
	}
	if h.FailedOpen > 0 {
		s += ", failed open on " + itoa(h.FailedOpen)
	}
	return s
}

// topCause is one line of the top-causes table: a finding in a few words.
type topCause struct {
	Rank, Severity, Server, Offender, What, Count, Onset string
	// Spark is the finding's requests over the capture, a unicode
	// sparkline (sparkline).
	Spark string
	// Series is the finding's requests over time, for the page's chart.
	Series        findings.Series
	serverSeconds float64
}

// topCauses returns a line per finding, the costliest first: its number,
// its severity, its
// share of all server time, the first row's offender and what (cut to
// a few dozen characters, sanitized), and its number of requests.
func topCauses(r findings.Result) []topCause {
	out := make([]topCause, len(r.Findings))
	for i, f := range r.Findings {
		c := topCause{Rank: strconv.Itoa(i + 1), Severity: f.Severity.String(), Server: "-", What: f.ID, Count: itoa(f.Magnitude)}
		if r.ServerSeconds > 0 && f.ServerSeconds > 0 {
			c.Server = sharePercent(f.ServerSeconds / r.ServerSeconds)
		}
		c.Onset = "-"
		if !f.Onset.IsZero() {
			c.Onset = rowTime(f.Onset, rowTimeLayout(r))
		}
		c.Spark, c.Series = sparkline(f.PerMinute, sparkCells), f.PerMinute
		if len(f.Rows) > 0 {
			c.Offender = clipMiddle(Sanitize(f.Rows[0].Offender), 48)
			c.What = f.ID + ": " + clip(Sanitize(f.Rows[0].What), 56)
		} else if f.Subject != "" {
			c.What = f.ID + ": " + clip(Sanitize(f.Subject), 56)
		}
		c.serverSeconds = f.ServerSeconds
		out[i] = c
	}
	// The costliest first, whatever its group: the details below keep the
	// groups' order (load, errors, hygiene), and # is a finding's number
	// there.
	slices.SortStableFunc(out, func(a, b topCause) int { return cmp.Compare(b.serverSeconds, a.serverSeconds) })
	return out
}

// writeTopCauses writes the top-causes table: a line per finding, so that
// the first screen names the top causes; the details follow.
func writeTopCauses(w io.Writer, r findings.Result) {
	fmt.Fprintln(w, "Top causes (share of all server time; details below):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  #\tseverity\tserver\trequests\tsince\tover the capture\toffender\twhat")
	for _, c := range topCauses(r) {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Rank, c.Severity, c.Server, c.Count, c.Onset, c.Spark, c.Offender, c.What)
	}
	tw.Flush()
}

// clip cuts s to at most n runes, with "..." when it cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-3]) + "..."
}

// clipMiddle cuts s to at most n runes by leaving out its middle, so that
// both ends of a service account's name stay.
func clipMiddle(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	head := (n - 3) / 3
	return string(r[:head]) + "..." + string(r[len(r)-(n-3-head):])
}

// sanitizeLines sanitizes each line of s, without its trailing newline,
// and keeps the newlines between them.
func sanitizeLines(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = Sanitize(l)
	}
	return strings.Join(lines, "\n")
}

// findingsGroupTitle heads the findings of a group.
func findingsGroupTitle(g findings.Group) string {
	switch g {
	case findings.GroupLoad:
		return "Load on the API server, by server time"
	case findings.GroupErrors:
		return "Errors: requests refused or failed"
	}
	return "Hygiene and security"
}

// findingLoad says the server time of a finding's requests and its share
// of all server time, and the time its 429s waited in APF queues; "" when
// neither.
func findingLoad(f findings.Finding, all float64) string {
	var parts []string
	if f.ServerSeconds > 0 {
		p := fmt.Sprintf("server time: %s", formatSecondsText(f.ServerSeconds))
		if all > 0 {
			p += fmt.Sprintf(" (%s of all)", sharePercent(f.ServerSeconds/all))
		}
		parts = append(parts, p)
	}
	if f.QueueSeconds > 0 {
		parts = append(parts, fmt.Sprintf("waited in APF queues: %s", formatSecondsText(f.QueueSeconds)))
	}
	return strings.Join(parts, ", ")
}

// formatSecondsText writes seconds as a short duration: 1.234s, 2m3.4s.
func formatSecondsText(s float64) string {
	d := time.Duration(s * float64(time.Second))
	switch {
	case d >= time.Minute:
		d = d.Round(100 * time.Millisecond)
	case d >= time.Second:
		d = d.Round(time.Millisecond)
	default:
		d = d.Round(time.Microsecond)
	}
	return d.String()
}

// findingsHeader is the first line of the findings view.
func findingsHeader(r findings.Result) string {
	span := ""
	if !r.First.IsZero() {
		span = fmt.Sprintf(" from %s to %s", r.First.UTC().Format(time.RFC3339), r.Last.UTC().Format(time.RFC3339))
	}
	if len(r.Findings) == 0 {
		return fmt.Sprintf("No findings in %d requests%s: nothing reaches the thresholds.", r.Requests, span)
	}
	var by [findings.High + 1]int
	for _, f := range r.Findings {
		if f.Severity >= findings.Low && f.Severity <= findings.High {
			by[f.Severity]++
		}
	}
	var parts []string
	for s := findings.High; s >= findings.Low; s-- {
		if by[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", by[s], s))
		}
	}
	return fmt.Sprintf("Findings: %d (%s) in %d requests%s", len(r.Findings), strings.Join(parts, ", "), r.Requests, span)
}

// rowTimeLayout is the layout of the rows' times: the time of day when
// the result is within one UTC day, else the date too.
func rowTimeLayout(r findings.Result) string {
	if r.First.UTC().Format(time.DateOnly) == r.Last.UTC().Format(time.DateOnly) {
		return time.TimeOnly
	}
	return time.DateTime
}

func rowTime(t time.Time, layout string) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(layout)
}

// sharePercent writes a share (0 to 1) as a percentage with one decimal.
func sharePercent(s float64) string {
	return strconv.FormatFloat(100*s, 'f', 1, 64) + "%"
}

// numbersText writes figures as "name: value, name: value".
func numbersText(ns []findings.Number) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = n.Name + ": " + numberValue(n)
	}
	return strings.Join(parts, ", ")
}

// numberValue writes a figure in its unit: requests and plain counts as
// integers, percentages with one decimal, seconds as a short duration,
// rates with a unit.
func numberValue(n findings.Number) string {
	v := n.Value
	switch n.Unit {
	case findings.UnitPercent:
		return strconv.FormatFloat(v, 'f', 1, 64) + "%"
	case findings.UnitSeconds:
		return ShortDuration(time.Duration(math.Round(v * float64(time.Second))))
	case findings.UnitPerHour:
		return plainNumber(v) + "/h"
	case findings.UnitPerMinute:
		return plainNumber(v) + "/min"
	}
	return plainNumber(v)
}

// plainNumber writes v as an integer when it is one, else with one
// decimal.
func plainNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// ruleText writes an RBAC rule on one line.
func ruleText(r findings.RBACRule) string {
	var b strings.Builder
	if r.Namespace == "" {
		b.WriteString("ClusterRole:")
	} else {
		b.WriteString("Role in namespace " + Sanitize(r.Namespace) + ":")
	}
	list := func(name string, vs []string, quote bool) {
		if len(vs) == 0 {
			return
		}
		b.WriteString(" " + name + " [")
		for i, v := range vs {
			if i > 0 {
				b.WriteString(" ")
			}
			if quote {
				v = strconv.Quote(v)
			}
			b.WriteString(Sanitize(v))
		}
		b.WriteString("]")
	}
	list("apiGroups", r.APIGroups, true)
	list("resources", r.Resources, false)
	list("nonResourceURLs", r.NonResourceURLs, false)
	list("verbs", r.Verbs, false)
	return b.String()
}

// WriteFindingsCSV writes findings as CSV: one row per evidence row (a
// finding without rows is one row with empty row cells), the finding's
// cells repeated on each. Figures are "name: value" joined by "; ".
func WriteFindingsCSV(w io.Writer, r findings.Result) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"finding", "id", "subject", "severity", "title", "magnitude", "summary", "numbers", "command",
		"row", "offender", "what", "count", "share", "first", "last", "status", "row_numbers", "samples",
		"row_command", "samples_command", "group", "server_seconds", "queue_seconds", "row_server_seconds", "row_queue_seconds", "onset"})
	for i, f := range r.Findings {
		head := []string{strconv.Itoa(i + 1), f.ID, cell(f.Subject), f.Severity.String(), cell(f.Title),
			itoa(f.Magnitude), cell(f.Summary), cell(numbersCSV(f.Numbers)), cell(f.Command)}
		load := []string{string(f.Group), ftoa(f.ServerSeconds), ftoa(f.QueueSeconds)}
		onset := []string{timeCell(f.Onset)}
		if len(f.Rows) == 0 {
			cw.Write(slices.Concat(head, make([]string, 12), load, make([]string, 2), onset))
			continue
		}
		for j, row := range f.Rows {
			cw.Write(slices.Concat(head, []string{strconv.Itoa(j + 1), cell(row.Offender), cell(row.What), itoa(row.Count),
				ftoa(row.Share), timeCell(row.First), timeCell(row.Last), cell(StatusMix(row.Status)),
				cell(numbersCSV(row.Numbers)), cell(strings.Join(row.Samples, " ")), cell(row.Command),
				cell(row.SamplesCommand)}, load, []string{ftoa(row.ServerSeconds), ftoa(row.QueueSeconds)}, onset))
		}
	}
	cw.Flush()
	return cw.Error()
}

// numbersCSV writes figures as "name: value" joined by "; ".
func numbersCSV(ns []findings.Number) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = n.Name + ": " + numberValue(n)
	}
	return strings.Join(parts, "; ")
}

// droppedNote says what a detector did not keep, as a sentence without its
// full stop. The requests let go of are not said: their number depends on
// how the input was split between workers.
func droppedNote(d findings.Dropped) string {
	if d.Why == findings.DroppedLetGo {
		return d.Detector + " kept the objects requested most and let go of those requested least (Options.ObjectRows); a row whose count may be short says so"
	}
	return fmt.Sprintf("%s did not count %d requests: its tables were full (Options.MaxKeys)", d.Detector, d.Requests)
}
