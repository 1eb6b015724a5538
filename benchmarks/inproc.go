package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/filter"
	"github.com/auditlens/auditlens/findings"
	"github.com/auditlens/auditlens/format"
)

// runInproc answers one question with the library, wired as
// examples/kubectl-audit wires it (auditlog.Find, a filter from
// filter.Flags with the default stage, one aggregate sink per worker of
// auditlog.Reader.Scan merged afterwards, or Reader.Sorted for a listing,
// and the format package), and writes the answer to w. It stands in for
// the CLI when the CLI does not build, and measures the library without
// the CLI's own costs.
func runInproc(o childOptions, w io.Writer) error {
	if len(o.questions) != 1 {
		return errors.New("inproc answers exactly one question")
	}
	q, err := findQuestion(labQuestions(o.culprit), o.questions[0])
	if err != nil {
		return err
	}
	f, err := filter.Flags{Stages: []string{stage}, Users: q.users, Verbs: q.verbs, Resources: q.resources}.Build()
	if err != nil {
		return err
	}
	sources, err := auditlog.Find(o.dir)
	if err != nil {
		return err
	}
	var out error
	switch q.kind {
	case kindListing:
		out = inprocListing(w, sources, f)
	case kindFindings:
		out = inprocFindings(w, sources, f, o.workers)
	default:
		out = inprocTop(w, q, sources, f, o.workers)
	}
	return out
}

// topSink is one worker's filter and counts.
type topSink struct {
	f       filter.Filter
	summary *aggregate.Summary
	count   *aggregate.Count   // --by=user, resource
	grouped *aggregate.Grouped // --by=verb
}

// Add counts e when the filter keeps it.
func (s *topSink) Add(e *auditlog.Entry) {
	if !s.f.Match(e) {
		return
	}
	s.summary.Add(e)
	if s.count != nil {
		s.count.Add(e)
	} else {
		s.grouped.Add(e)
	}
}

// inprocTop answers a -o top question with workers sinks.
func inprocTop(w io.Writer, q question, sources []auditlog.Source, f filter.Filter, workers int) error {
	key, err := aggregate.KeyByName(q.by)
	if err != nil {
		return err
	}
	sinks := make([]*topSink, workers)
	asSinks := make([]auditlog.Sink, workers)
	fields := f.Fields()
	for i := range sinks {
		s := &topSink{f: f, summary: aggregate.NewSummary()}
		if q.kind == kindGrouped {
			s.grouped = aggregate.NewGrouped(key)
			fields |= s.grouped.Fields()
		} else {
			s.count = aggregate.NewCount(key)
			fields |= s.count.Fields()
		}
		fields |= s.summary.Fields()
		sinks[i], asSinks[i] = s, s
	}
	r := auditlog.NewReader(sources, auditlog.Options{Fields: fields})
	if err := r.Scan(context.Background(), asSinks); err != nil {
		return err
	}
	first := sinks[0]
	for _, s := range sinks[1:] {
		first.summary.Merge(s.summary)
		if first.count != nil {
			first.count.Merge(s.count)
		} else {
			first.grouped.Merge(s.grouped)
		}
	}
	reportFailures(r.Report())
	if err := format.WriteSummary(w, first.summary.Result()); err != nil {
		return err
	}
	if first.count != nil {
		return format.WriteTop(w, first.count.Result(top))
	}
	return format.WriteGrouped(w, first.grouped.Result(top), top)
}

// findingsSink is one worker's filter and detectors.
type findingsSink struct {
	f        filter.Filter
	summary  *aggregate.Summary
	findings *findings.Detectors
}

// Add counts e when the filter keeps it.
func (s *findingsSink) Add(e *auditlog.Entry) {
	if s.f.Match(e) {
		s.summary.Add(e)
		s.findings.Add(e)
	}
}

// inprocFindings runs every findings detector, one set per worker, and
// writes the summary line and the findings.
func inprocFindings(w io.Writer, sources []auditlog.Source, f filter.Filter, workers int) error {
	sinks := make([]*findingsSink, workers)
	asSinks := make([]auditlog.Sink, workers)
	for i := range sinks {
		sinks[i] = &findingsSink{f: f, summary: aggregate.NewSummary(), findings: findings.New(findings.Options{})}
		asSinks[i] = sinks[i]
	}
	fields := f.Fields() | sinks[0].summary.Fields() | sinks[0].findings.Fields()
	r := auditlog.NewReader(sources, auditlog.Options{Fields: fields})
	if err := r.Scan(context.Background(), asSinks); err != nil {
		return err
	}
	first := sinks[0]
	for _, s := range sinks[1:] {
		first.summary.Merge(s.summary)
		first.findings.Merge(s.findings)
	}
	reportFailures(r.Report())
	if err := format.WriteSummary(w, first.summary.Result()); err != nil {
		return err
	}
	return format.WriteFindings(w, first.findings.Result())
}

// inprocListing writes every kept entry in time order, then the summary
// line (which a stream only knows at its end).
func inprocListing(w io.Writer, sources []auditlog.Source, f filter.Filter) error {
	summary := aggregate.NewSummary()
	r := auditlog.NewReader(sources, auditlog.Options{Fields: f.Fields() | summary.Fields() |
		auditlog.FieldRequestReceivedTimestamp | auditlog.FieldStageTimestamp | auditlog.FieldVerb |
		auditlog.FieldResponseCode | auditlog.FieldRequestURI | auditlog.FieldUser})
	l := format.NewListing(w, format.ListDefault)
	for e := range r.Sorted(0) {
		if !f.Match(e) {
			continue
		}
		summary.Add(e)
		if err := l.Write(e); err != nil {
			return err
		}
	}
	if err := l.Flush(); err != nil {
		return err
	}
	reportFailures(r.Report())
	return format.WriteSummary(w, summary.Result())
}

// reportFailures prints the reference's line-failure count to stderr, as
// the CLI does.
func reportFailures(rep *auditlog.Report) {
	if n := rep.Failures(); n > 0 {
		fmt.Fprintf(os.Stderr, "had %d line read failures\n", n)
	}
}
