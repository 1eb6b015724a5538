package query

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/filter"
)

// DefaultStage is the stage the command keeps unless told otherwise, so
// that each request counts once: the event an API server writes when the
// response is complete.
const DefaultStage = "ResponseComplete"

// DefaultArtifactRegex picks audit logs in ArtifactDir, as the reference
// tool does.
const DefaultArtifactRegex = `.*audit.*.log(.gz)?`

// Query is one question of kubectl-audit, as the values of its flags: what
// to read, which events to keep, and what to answer with. Its zero value
// reads nothing; New returns one with the command's defaults.
type Query struct {
	// Paths are the audit log files and directories to read (-f): a
	// directory is walked, and a must-gather root reads every
	// audit_logs/<server> folder in it.
	Paths []string
	// ArtifactDir adds the files below it whose path matches ArtifactRegex
	// (DefaultArtifactRegex when empty): --artifact-dir, --artifact-regex.
	ArtifactDir, ArtifactRegex string
	// Filters are the filter flags. New sets Stages to DefaultStage, as
	// the command does; with no stage at all, every stage of a request is
	// an event of its own.
	Filters filter.Flags
	// Output is -o: "" (one line per event), wide, json, top[=N], csv[=N],
	// stats, histogram[=N], latency[=N], throttling[=N], findings or
	// html[=N].
	Output string
	// Format is --format of the aggregate views: text (""), json or csv.
	Format string
	// By is --by: the key of top, csv, histogram and latency (user, verb,
	// resource, ..., or several joined by commas: see aggregate.KeyNames).
	By string
	// Bucket is --bucket, the width of histogram buckets and of the HTML
	// chart, a Go duration; "" is one minute.
	Bucket string
	// Window is --window=FROM,TO of -o histogram --by: the keys whose share
	// grew most in the window, against the rest of the log.
	Window string
	// Sort is --sort of -o latency: count (""), p99, max or mean.
	Sort string
	// Workers is how many goroutines read and count; 0 is one per core
	// (GOMAXPROCS).
	Workers int
	// Samples is how many samples of each kind of unreadable input the
	// Report keeps (auditlog.Options.Samples): 0 is auditlog.MaxSamples,
	// auditlog.AllSamples every one, for a verbose report.
	Samples int
	// Baseline, with -o html, adds a section of what changed against it
	// (see Compare): --baseline, --baseline-since, --baseline-until.
	Baseline Baseline
	// Verbose is -v: the text views say more (each finding row's sample
	// auditIDs), as the read report does with Samples set to
	// auditlog.AllSamples.
	Verbose bool
	// Progress, when not nil, is called once the input is found, with the
	// total size of its files; the function it returns, when not nil, is
	// then called as input is read with the bytes read since its last
	// call, from several goroutines at once.
	Progress func(total int64) func(n int64)
}

// New returns a query of paths with the command's defaults: the
// ResponseComplete stage, one line per event.
func New(paths ...string) Query {
	return Query{Paths: paths, Filters: filter.Flags{Stages: []string{DefaultStage}}}
}

// Run checks the query, reads its input and answers it. A query that cannot
// run as given is an *Error, returned before any input is read. A
// listing's Result reads the input as its entries are iterated (or
// written); every other view's Result is complete when Run returns. Lines
// and files that cannot be read do not fail Run: they are counted in the
// Result's Report. When ctx is done, the readers stop and Run (or the
// listing) returns ctx's error; Run then returns with it the Result of
// what had been read, so that a caller can say how far it got.
func (q Query) Run(ctx context.Context) (*Result, error) {
	p, err := q.plan()
	if err != nil {
		return nil, err
	}
	sources, workers, err := q.input()
	if err != nil {
		return nil, err
	}
	keep, opts, remove, err := q.prepare(ctx, sources, workers, p)
	if err != nil {
		return nil, err
	}
	opts.Workers = workers
	res := &Result{enc: p.view.enc, filter: keep, Warnings: p.warnings}
	if p.view.isListing() {
		sum := aggregate.NewSummary()
		style := *p.view.listing
		opts.Fields = style.Fields() | sum.Fields()
		res.listing = &listing{ctx: ctx, reader: auditlog.NewReader(sources, opts), summary: sum, style: style, done: remove,
			explain: func() []string { return explainEmpty(ctx, sources, opts, p.filters, p.spooled) }}
		return res, nil
	}
	defer remove()
	ws, rep, err := auditlog.Scan(ctx, sources, opts, p.newWorkerSet)
	res.finish(p, ws, rep)
	if err == nil && res.Summary.Count == 0 && rep.Events > 0 {
		res.emptyHints = explainEmpty(ctx, sources, opts, p.filters, p.spooled)
	}
	if err == nil && res.HTML != nil && q.Baseline.given() {
		err = q.comparePage(ctx, ws, res)
	}
	return res, err
}

// input checks the filter flags and the workers, and finds the sources:
// what every query does before it reads.
func (q Query) input() (sources []auditlog.Source, workers int, err error) {
	if err := q.Filters.Validate(); err != nil {
		return nil, 0, filterError(err)
	}
	if q.Workers < 0 {
		return nil, 0, errorf("workers", "invalid --workers value %d: expected 0 (one per core) or more", q.Workers)
	}
	workers = q.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	sources, err = q.sources()
	return sources, workers, err
}

// prepare resolves the times of the query's flags and of the plan's window
// (p may be nil), with a first pass over the input when one counts from
// the first or last event, and returns its filter and the reader's
// options: the filter as Keep, the time window the filter keeps (which
// lets a columnar source skip what lies outside), each request counted
// once, the progress hook. Standard input, read once, is then copied to
// a temporary file that remove removes.
func (q Query) prepare(ctx context.Context, sources []auditlog.Source, workers int, p *plan) (keep filter.Filter, opts auditlog.Options, remove func(), err error) {
	remove = func() {}
	flags := q.Filters
	var w *window
	if p != nil {
		w = p.window
	}
	if flags.Relative() || w.relative() {
		if remove, err = auditlog.SpoolStdin(sources, ""); err != nil {
			return nil, opts, func() {}, err
		}
		if flags.First, flags.Last, err = bounds(ctx, sources, workers); err != nil {
			remove()
			return nil, opts, func() {}, err
		}
	}
	fail := func(err error) (filter.Filter, auditlog.Options, func(), error) {
		remove()
		return nil, opts, func() {}, err
	}
	if w != nil {
		if p.from, p.to, err = w.resolve(flags.First, flags.Last); err != nil {
			return fail(err)
		}
		if err := w.check(p.from, p.to, p.bucket); err != nil {
			return fail(err)
		}
	}
	if keep, err = flags.Build(); err != nil {
		return fail(filterError(err))
	}
	if p != nil {
		p.filters, p.spooled = flags, flags.Relative() || w.relative()
	}
	opts = auditlog.Options{Keep: keep, EveryStage: !requests(flags.Stages), Progress: q.progress(sources), Samples: q.Samples}
	opts.Since, opts.Until = timeWindow(flags)
	return keep, opts, remove, nil
}

// requests reports whether stages are the command's default, the
// ResponseComplete stage alone: the reader's requests preset, each request
// read once (auditlog.Options.EveryStage). Other stages are the filter's.
func requests(stages []string) bool { return len(stages) == 1 && stages[0] == DefaultStage }

// timeWindow is the window [since, until) of request times that flags
// keep at most (zero for a side left open), once their offsets are
// resolved: the latest of --since and --after, the earliest of --until
// and --before.
func timeWindow(flags filter.Flags) (since, until time.Time) {
	at := func(s string) (time.Time, bool) {
		spec, err := filter.ParseTimeSpec("", s)
		if s == "" || err != nil {
			return time.Time{}, false
		}
		return spec.Resolve(flags.First, flags.Last), true
	}
	for _, s := range []string{flags.Since, flags.After} {
		if t, ok := at(s); ok && t.After(since) {
			since = t
		}
	}
	for _, s := range []string{flags.Until, flags.Before} {
		if t, ok := at(s); ok && (until.IsZero() || t.Before(until)) {
			until = t
		}
	}
	return since, until
}

// plan checks the view's flags: -o, --format, --by, --sort, --window and
// --bucket, against what the view reads.
func (q Query) plan() (*plan, error) {
	v, err := parseView(q.Output, q.Format)
	if err != nil {
		return nil, err
	}
	p := &plan{view: v, by: q.By, paths: q.Paths, longRunning: q.Filters.LongRunning, verbose: q.Verbose}
	if q.By != "" {
		k, err := aggregate.KeyByName(q.By)
		if err != nil {
			return nil, errorf("by", "invalid --by value %q: expected one of %s, time, time=DURATION, or several joined by commas", q.By, strings.Join(aggregate.KeyNames(), ", "))
		}
		p.key = k
	}
	p.warnings = unusedFlags(q, v)
	if v.needsBy && !p.key.Valid() {
		return nil, errorf("by", "-o %s needs --by (verb, user, resource, httpstatus, namespace...)", q.Output)
	}
	if v.usesSort {
		if p.sort, err = aggregate.ParseLatencyOrder(q.Sort); err != nil {
			return nil, errorf("sort", "invalid --sort value %q: expected count, p99, max, mean", q.Sort)
		}
	}
	if v.usesWindow && q.Window != "" {
		if !p.key.Valid() {
			return nil, errorf("window", "--window needs --by: the keys whose share grew are keys of --by")
		}
		if p.window, err = parseWindow(q.Window); err != nil {
			return nil, err
		}
	}
	if q.Baseline.given() && !v.page {
		return nil, errorf("baseline", "--baseline applies to -o html and to compare, not to -o %s", q.Output)
	}
	if q.Baseline.given() {
		if p.compareBy, err = aggregate.KeyByName(pageCompareBy); err != nil {
			return nil, err
		}
	}
	if v.usesBucket {
		bucket := q.Bucket
		if bucket == "" {
			bucket = aggregate.DefaultBucket.String()
		}
		d, err := time.ParseDuration(bucket)
		if err != nil || d <= 0 {
			return nil, errorf("bucket", "invalid --bucket value %q: expected a positive Go duration such as 10s or 1m", q.Bucket)
		}
		p.bucket = d
	}
	return p, nil
}

// sources finds the files to read: Paths, and the files of ArtifactDir
// that match ArtifactRegex.
func (q Query) sources() ([]auditlog.Source, error) {
	paths := append([]string(nil), q.Paths...)
	if q.ArtifactRegex != "" && q.ArtifactDir == "" {
		return nil, errorf("artifact-regex", "--artifact-regex needs --artifact-dir")
	}
	if q.ArtifactDir != "" {
		found, err := artifactFiles(q.ArtifactDir, q.ArtifactRegex)
		if err != nil {
			return nil, err
		}
		paths = append(paths, found...)
	}
	if len(paths) == 0 {
		return nil, errorf("filename", "no input: give audit log files or directories with -f")
	}
	sources, err := auditlog.Find(paths...)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("cannot read audit logs: %v (no such file or directory)", strings.TrimSuffix(err.Error(), ": no such file or directory"))
		}
		return nil, fmt.Errorf("cannot read audit logs: %w", err)
	}
	for _, s := range sources {
		if s.Skip == "" {
			return sources, nil
		}
	}
	return nil, fmt.Errorf("no audit log files found in %s (%s)", strings.Join(paths, ", "), lookedAt(sources))
}

// maxLookedAt is how many files the error of input without audit log
// files names.
const maxLookedAt = 5

// lookedAt names the files found, all skipped, and why: "looked at 2
// files: x/notes.txt (not an audit log name), x/lock.log (lock file)".
func lookedAt(sources []auditlog.Source) string {
	if len(sources) == 0 {
		return "no file in them"
	}
	var names []string
	for i, s := range sources {
		if i == maxLookedAt {
			names = append(names, fmt.Sprintf("and %d more", len(sources)-i))
			break
		}
		names = append(names, fmt.Sprintf("%s (%s)", s.Path, s.Skip))
	}
	what := "files"
	if len(sources) == 1 {
		what = "file"
	}
	return fmt.Sprintf("looked at %d %s: %s", len(sources), what, strings.Join(names, ", "))
}

// artifactFiles lists the files below dir whose path matches expr.
func artifactFiles(dir, expr string) ([]string, error) {
	if expr == "" {
		expr = DefaultArtifactRegex
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, errorf("artifact-regex", "invalid --artifact-regex value %q: %v", expr, err)
	}
	var files []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && re.MatchString(p) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot read --artifact-dir: %w", err)
	}
	return files, nil
}

// progress returns the reader's progress hook.
func (q Query) progress(sources []auditlog.Source) func(n int64) {
	if q.Progress == nil {
		return nil
	}
	var total int64
	for _, s := range sources {
		if s.Skip == "" {
			total += s.Size
		}
	}
	return q.Progress(total)
}

// bounds reads the input once, decoding only the time of each event, and
// returns the times of the first and last (for offsets such as --since=+10m
// and --window=-1h,-30m).
func bounds(ctx context.Context, sources []auditlog.Source, workers int) (first, last time.Time, err error) {
	opts := auditlog.Options{Fields: auditlog.FieldRequestReceivedTimestamp, EveryStage: true, EveryCopy: true, Workers: workers}
	sum, rep, err := auditlog.Scan(ctx, sources, opts, aggregate.NewSummary)
	if err != nil {
		return first, last, err
	}
	if err := rep.Err(); err != nil {
		return first, last, err
	}
	s := sum.Result()
	if s.Count == 0 {
		return first, last, errors.New("no events in the input to count --since, --until, --before, --after or --window from")
	}
	return s.First, s.Last, nil
}
