package query

import (
	"context"
	"io"
	"strings"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/filter"
	"github.com/auditlens/auditlens/findings"
	"github.com/auditlens/auditlens/format"
)

// Baseline is what a comparison holds the query's answer against: another
// capture, or another window of the same one.
type Baseline struct {
	// Paths are the baseline's input (--baseline): any input the command
	// reads, a Parquet export included. None: the query's own, in another
	// window.
	Paths []string
	// Since and Until are the baseline's window (--baseline-since,
	// --baseline-until), in the forms of --since; they replace the
	// query's --since and --until for the baseline. Every other filter
	// applies to both.
	Since, Until string
}

// Compare answers "is this normal here?": it reads the baseline and the
// query's input (the subject), each once and with the query's filters,
// and reports the keys of By (user when empty) whose traffic changed
// beyond opts' thresholds, rate-normalised to each capture's span (new,
// gone, grown, shrunk, or errors when their refused or failed share
// grew), and each finding of the subject marked new, worse, same or
// better against the baseline's, with the baseline's alone resolved.
// Sort "server-time" orders the changes by server time an hour; Format
// is text, json or csv. The Result's Document is view "compare", with the
// parts baseline, subject, by, rows, unchanged, thresholds and findings;
// its Report is the subject's and BaselineReport the baseline's.
func (q Query) Compare(ctx context.Context, b Baseline, opts aggregate.CompareOptions) (*Result, error) {
	if q.Output != "" || q.Window != "" {
		return nil, errorf("output", "compare writes its own table: -o and --window do not apply")
	}
	if !b.given() {
		return nil, errorf("baseline", "compare needs a baseline: --baseline=PATH, or a window of the input with --baseline-since and --baseline-until")
	}
	by := q.By
	if by == "" {
		by = "user"
	}
	key, err := aggregate.KeyByName(by)
	if err != nil {
		return nil, errorf("by", "invalid --by value %q: expected one of %s, or several joined by commas", q.By, strings.Join(aggregate.KeyNames(), ", "))
	}
	switch q.Sort {
	case "", "requests":
	case "server-time":
		opts.ByServerTime = true
	default:
		return nil, errorf("sort", "invalid --sort value %q for compare: expected requests or server-time", q.Sort)
	}
	enc, err := format.ParseEncoding(q.Format)
	if err != nil {
		return nil, errorf("format", "invalid --format value %q: expected text, json or csv", q.Format)
	}
	// Each side is read to its results before the next is read, so that
	// the baseline's tables are let go while the subject is read.
	bs, err := q.readBaseline(ctx, b, key)
	if err != nil {
		return nil, err
	}
	ss, err := q.capture(ctx, key)
	if err != nil {
		return nil, err
	}
	cmp, changes := compareSides(bs, ss, opts)
	res := &Result{enc: enc, filter: ss.keep, Summary: ss.summary, Report: ss.report, BaselineReport: bs.report, compared: &cmp, changes: changes}
	res.FilterFailures = append(filter.WhereFailures(bs.keep), filter.WhereFailures(ss.keep)...)
	res.Document = &format.Document{View: "compare", Filter: ss.keep.String(), Summary: &res.Summary, Parts: []format.Part{
		{Name: "baseline", Value: cmp.Baseline}, {Name: "subject", Value: cmp.Subject}, {Name: "by", Value: cmp.By},
		{Name: "columns", Value: cmp.Columns}, {Name: "rows", Value: cmp.Rows}, {Name: "unchanged", Value: cmp.Unchanged},
		{Name: "thresholds", Value: cmp.Thresholds}, {Name: "findings", Value: changes}}}
	res.answer = &answer{summarized: true,
		text: func(w io.Writer) error { return format.WriteCompare(w, cmp, changes) },
		csv:  func(w io.Writer) error { return format.WriteCompareCSV(w, cmp) }}
	return res, nil
}

// compareSides compares what two sides of a comparison counted: their
// keys, rate-normalised to each side's span, and their findings.
func compareSides(bs, ss *captured, opts aggregate.CompareOptions) (aggregate.CompareResult, []findings.FindingChange) {
	cmp := aggregate.Compare(bs.profile, ss.profile,
		aggregate.NewCapture(bs.summary.First, bs.summary.Last, bs.summary.Count),
		aggregate.NewCapture(ss.summary.First, ss.summary.Last, ss.summary.Count), opts)
	return cmp, findings.CompareResults(bs.found, ss.found)
}

// readBaseline reads the baseline b of q, by key: its paths, or q's own
// input in b's window, with q's other filters.
func (q Query) readBaseline(ctx context.Context, b Baseline, key aggregate.Key) (*captured, error) {
	base := q
	if len(b.Paths) > 0 {
		base.Paths, base.ArtifactDir, base.ArtifactRegex = b.Paths, "", ""
	}
	base.Filters.Since, base.Filters.Until = b.Since, b.Until
	return base.capture(ctx, key)
}

// pageCompareBy is the key of -o html --baseline's comparison.
const pageCompareBy = "user"

// comparePage adds to res, the page of -o html --baseline, its section
// against the baseline: a comparison by user of the baseline, read now,
// with what the page counted of the input (its summary, its findings, and
// the profile its workers kept, ws's), so that the input is read once.
func (q Query) comparePage(ctx context.Context, ws *workerSet, res *Result) error {
	if ws.profile == nil || res.HTML == nil || res.HTML.Findings == nil {
		return errorf("baseline", "--baseline applies to -o html and to compare, not to -o %s", q.Output)
	}
	cq := q
	cq.Output, cq.Format, cq.By, cq.Sort, cq.Window = "", "", "", "", ""
	key, err := aggregate.KeyByName(pageCompareBy)
	if err != nil {
		return err
	}
	bs, err := cq.readBaseline(ctx, q.Baseline, key)
	if err != nil {
		return err
	}
	ss := &captured{summary: res.Summary, profile: ws.profile.Result(), found: *res.HTML.Findings, keep: res.filter, report: res.Report}
	cmp, changes := compareSides(bs, ss, aggregate.CompareOptions{})
	res.HTML.Compare, res.HTML.FindingChanges, res.BaselineReport = &cmp, changes, bs.report
	return nil
}

// given reports whether a baseline was given.
func (b Baseline) given() bool { return len(b.Paths) > 0 || b.Since != "" || b.Until != "" }

// captureSet is one worker's aggregators of a side of a comparison.
type captureSet struct {
	set     *aggregate.Set
	summary *aggregate.Summary
	profile *aggregate.Profile
	found   *findings.Detectors
}

func (c *captureSet) Add(e *auditlog.Entry)        { c.set.Add(e) }
func (c *captureSet) Fields() auditlog.Fields      { return c.set.Fields() }
func (c *captureSet) LaterFields() auditlog.Fields { return c.set.LaterFields() }
func (c *captureSet) Merge(o *captureSet)          { c.set.Merge(o.set) }

// captured is what one side of a comparison counted: the results of its
// aggregators, which hold none of their tables.
type captured struct {
	summary aggregate.SummaryResult
	profile aggregate.ProfileResult
	found   findings.Result
	keep    filter.Filter
	report  *auditlog.Report
}

// capture reads the query's input once for one side of a comparison.
func (q Query) capture(ctx context.Context, key aggregate.Key) (*captured, error) {
	sources, workers, err := q.input()
	if err != nil {
		return nil, err
	}
	keep, opts, remove, err := q.prepare(ctx, sources, workers, nil)
	if err != nil {
		return nil, err
	}
	defer remove()
	opts.Workers = workers
	c, rep, err := auditlog.Scan(ctx, sources, opts, func() *captureSet {
		s := new(aggregate.Set)
		return &captureSet{set: s,
			summary: aggregate.Include(s, aggregate.NewSummary()),
			profile: aggregate.Include(s, aggregate.NewProfile(key)),
			found:   aggregate.Include(s, findings.New(findings.Options{Files: q.Paths}))}
	})
	if err != nil {
		return nil, err
	}
	return &captured{summary: c.summary.Result(), profile: c.profile.Result(), found: c.found.Result(), keep: keep, report: rep}, nil
}
