package query

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"strconv"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/export"
	"github.com/auditlens/auditlens/filter"
	"github.com/auditlens/auditlens/findings"
	"github.com/auditlens/auditlens/format"
)

// Result is the answer of a Query, as values, ready to render with Write.
type Result struct {
	// Document is the answer of an aggregate view (top, csv, stats,
	// histogram, latency, throttling); nil for a listing and for -o html.
	Document *format.Document
	// HTML is the page of -o html; nil for every other view.
	HTML *format.HTMLReport
	// Export says what Query.Export wrote; nil for every view.
	Export *export.Result
	// Summary is the count and time span of the events the filters kept.
	// A listing's is known once its entries are read.
	Summary aggregate.SummaryResult
	// Report is what was read and what could not be. A listing's is
	// complete once its entries are read.
	Report *auditlog.Report
	// BaselineReport is what was read of a comparison's baseline (Compare);
	// nil for every other answer.
	BaselineReport *auditlog.Report
	// FilterFailures are the --where expressions that could not be
	// evaluated on some events, which were not kept (filter.WhereFailures).
	// A listing's are known once its entries are read.
	FilterFailures []filter.WhereFailure
	// Warnings name the flags of the query that its view does not use
	// (--by with -o stats, say), which were ignored, and the views that
	// use them: one line each, for stderr.
	Warnings []string

	enc format.Encoding
	// emptyHints say, when the filters kept no event of those read, which
	// filter flags kept none alone and the values seen nearest to theirs
	// (see explainEmpty).
	emptyHints []string
	answer     *answer // an aggregate view's
	filter     filter.Filter
	listing    *listing
	history    *historyListing
	// compared and changes are a comparison's (Compare), for the page.
	compared *aggregate.CompareResult
	changes  []findings.FindingChange
}

// listing is a listing view's reader, read as its entries are iterated.
type listing struct {
	ctx     context.Context
	reader  *auditlog.Reader
	summary *aggregate.Summary
	style   format.ListStyle
	read    bool
	done    func() // called once the entries are read: removes a copy of standard input
	// explain reads the input again to explain an empty listing (see
	// explainEmpty).
	explain func() []string
}

// IsListing reports whether the result lists events one by one (no -o,
// -o wide, -o json) rather than what they add up to.
func (r *Result) IsListing() bool { return r.listing != nil }

// Entries returns an iterator over the events a listing keeps, in
// requestReceivedTimestamp order (see auditlog.Reader.Sorted), reading the
// input as it goes; once it has run to its end, Summary and Report are
// complete. It stops early when the query's context is done (Err then says
// so). It reads the input once: a second iteration yields nothing. An
// aggregate result has no entries.
func (r *Result) Entries() iter.Seq[*auditlog.Entry] {
	return func(yield func(*auditlog.Entry) bool) {
		l := r.listing
		if l == nil || l.read {
			return
		}
		l.read = true
		defer func() {
			r.Summary = l.summary.Result()
			r.Report = l.reader.Report()
			r.FilterFailures = filter.WhereFailures(r.filter)
			if r.Summary.Count == 0 && r.Report.Events > 0 && l.ctx.Err() == nil && l.explain != nil {
				r.emptyHints = l.explain()
			}
			if l.done != nil {
				l.done()
			}
		}()
		done := l.ctx.Done()
		for e := range l.reader.SortedContext(l.ctx, 0) {
			select {
			case <-done:
				return
			default:
			}
			l.summary.Add(e)
			if !yield(e) {
				return
			}
		}
	}
}

// Err is what spoiled the result: the query's context's error, when it
// stopped a listing's entries early, or an *auditlog.NoEventsError when the
// input held no audit event at all (every file empty, not an audit log,
// or unreadable: the answer would be empty for the wrong reason), or an
// error that says how many files could not be read at all (opened,
// decompressed: the answer is given without them); nil otherwise. A
// listing's is known once its entries are read. Lines that could not be
// read in files that could, and events read and kept by no filter, are no
// error.
func (r *Result) Err() error {
	if l := r.listing; l != nil {
		if err := l.ctx.Err(); err != nil {
			return err
		}
		if !l.read {
			return nil
		}
	}
	if r.Report == nil {
		return nil
	}
	if err := r.Report.Err(); err != nil {
		return err
	}
	if r.BaselineReport != nil {
		if err := r.BaselineReport.Err(); err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
	}
	if n := r.Report.Problems[auditlog.Unreadable].Count + r.Report.Problems[auditlog.NotCompressed].Count; n > 0 {
		files := "files"
		if n == 1 {
			files = "file"
		}
		return fmt.Errorf("%d %s could not be read at all: the answer leaves them out (the read report names them)", n, files)
	}
	return nil
}

// WhereFailed returns how many events the --where expressions could not
// be evaluated on: the sum of FilterFailures' counts.
func (r *Result) WhereFailed() int64 {
	var n int64
	for _, f := range r.FilterFailures {
		n += f.Count
	}
	return n
}

// MediaType returns the media type of what Write writes, for an HTTP
// response: HTML for a page, JSON lines for a -o json listing and a
// history in JSON, JSON or CSV for a view in those encodings, and text
// otherwise.
func (r *Result) MediaType() string {
	switch {
	case r.HTML != nil, r.history != nil && r.history.page:
		return "text/html; charset=utf-8"
	case r.listing != nil && r.listing.style == format.ListJSON, r.history != nil && r.enc == format.JSON:
		return "application/x-ndjson"
	case r.listing != nil || r.history != nil || r.Export != nil:
		return "text/plain; charset=utf-8"
	case r.enc == format.JSON:
		return "application/json"
	case r.enc == format.CSV:
		return "text/csv; charset=utf-8"
	}
	return "text/plain; charset=utf-8"
}

// Write renders the result as the command prints it on stdout: a listing
// (reading the input as it goes; the summary line, which kubectl-audit
// prints on stderr, is left to WriteReport), the HTML page, what an export
// wrote, or the Document in the query's --format (format.Write). It writes
// nothing when the input held no event at all (see Err).
func (r *Result) Write(w io.Writer) error {
	switch {
	case r.listing != nil:
		return r.writeListing(w)
	case r.history != nil:
		return r.writeHistory(w)
	case r.Report != nil && r.Report.Err() != nil:
		return nil // no event at all: no answer (see Err)
	case r.HTML != nil:
		return format.WriteHTML(w, *r.HTML)
	case r.Export != nil:
		return writeExport(w, *r.Export)
	case r.Document != nil && r.answer != nil:
		return r.writeDocument(w)
	}
	return fmt.Errorf("query: an empty result")
}

// writeDocument writes an aggregate view's answer in the query's
// --format: the Document as JSON, the view's table as CSV, or its text:
// the summary line then the view (nothing at all when no event was
// counted, as the reference tool, but for a view that writes its own
// summary line).
func (r *Result) writeDocument(w io.Writer) error {
	a := r.answer
	switch {
	case r.enc == format.JSON:
		return format.WriteDocument(w, *r.Document)
	case r.enc == format.CSV:
		return a.csv(w)
	case a.summarized:
		return a.text(w)
	case r.Summary.Count == 0:
		return nil
	}
	if err := format.WriteSummary(w, r.Summary); err != nil {
		return err
	}
	return a.text(w)
}

// writeListing writes a listing's entries one by one.
func (r *Result) writeListing(w io.Writer) error {
	l := format.NewListing(w, r.listing.style)
	for e := range r.Entries() {
		if err := l.Write(e); err != nil {
			return err
		}
	}
	if err := l.Flush(); err != nil {
		return err
	}
	return r.listing.ctx.Err()
}

// WriteReport writes what the command prints on stderr after the answer:
// a listing's summary line (count, first, last, duration), a note when
// events were read but the filters kept none, and the read report
// (format.WriteReadReport: the API servers and nodes read, the files of
// note, what could not be read), then the --where expressions that could
// not be evaluated on some events (writeFilterFailures). A
// listing's is complete once its entries are read.
func (r *Result) WriteReport(w io.Writer, verbose bool) error {
	if r.Report == nil {
		return nil
	}
	if r.listing != nil {
		if err := format.WriteSummary(w, r.Summary); err != nil {
			return err
		}
	}
	if r.Summary.Count == 0 && r.Report.Events > 0 {
		if _, err := fmt.Fprintf(w, "No events matched the filters (%d events read).\n", r.Report.Events); err != nil {
			return err
		}
		for _, line := range r.emptyHints {
			if _, err := fmt.Fprintln(w, format.Sanitize(line)); err != nil {
				return err
			}
		}
	}
	if r.BaselineReport != nil {
		// A comparison's two reports, each said as such when it says
		// anything.
		for _, side := range []struct {
			name string
			rep  *auditlog.Report
		}{{"baseline", r.BaselineReport}, {"subject", r.Report}} {
			var b bytes.Buffer
			if err := format.WriteReadReport(&b, side.rep, verbose); err != nil {
				return err
			}
			if b.Len() > 0 {
				fmt.Fprintf(w, "%s:\n", side.name)
				if _, err := w.Write(b.Bytes()); err != nil {
					return err
				}
			}
		}
	} else if err := format.WriteReadReport(w, r.Report, verbose); err != nil {
		return err
	}
	return writeFilterFailures(w, r.FilterFailures, verbose)
}

// writeFilterFailures writes, for stderr, the --where expressions that
// could not be evaluated on some events (which were not kept): for each,
//
//	--where "EXPR": 3 events could not be evaluated (not kept)
//
// then its first samples (file:line: CEL's error), format.ReportSamples
// of them, or every one kept when verbose. It writes nothing when none
// failed.
func writeFilterFailures(w io.Writer, failures []filter.WhereFailure, verbose bool) error {
	for _, f := range failures {
		noun := "events"
		if f.Count == 1 {
			noun = "event"
		}
		line := fmt.Sprintf("--where %s: %d %s could not be evaluated (not kept)", strconv.Quote(f.Expr), f.Count, noun)
		if err := format.WriteSampled(w, line, f.Samples, f.Count, verbose); err != nil {
			return err
		}
	}
	return nil
}

// finish fills the result of an aggregate view from the merged
// aggregators and the read report.
func (r *Result) finish(p *plan, ws *workerSet, rep *auditlog.Report) {
	r.Summary, r.Report = ws.summary.Result(), rep
	r.FilterFailures = filter.WhereFailures(r.filter)
	a := ws.answer(r.Summary)
	r.answer = &a
	if a.page != nil {
		a.page.Filter, a.page.Read = r.filter.String(), rep
		r.HTML = a.page
		return
	}
	r.Document = &format.Document{View: p.view.doc, Filter: r.filter.String(), Summary: &r.Summary, Parts: a.parts}
}
