package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/format"
	"github.com/auditlens/auditlens/query"
)

// runInproc answers one question with the library's query type, as
// examples/kubectl-audit does but without the command's own costs, and
// writes the answer to w: the view, and for a listing the summary line
// after it (the command writes that on stderr). It stands in for the CLI
// when the CLI does not build.
func runInproc(o childOptions, w io.Writer) error {
	if len(o.questions) != 1 {
		return errors.New("inproc answers exactly one question")
	}
	qn, err := findQuestion(labQuestions(o.culprit), o.questions[0])
	if err != nil {
		return err
	}
	q := query.New(o.dir)
	q.Workers = o.workers
	q.Filters = qn.flags()
	if qn.kind == kindCompare {
		q.By = qn.by
		res, err := q.Compare(context.Background(), query.Baseline{Paths: []string{o.dir}}, aggregate.CompareOptions{})
		if err != nil {
			return err
		}
		return res.Write(w)
	}
	switch {
	case qn.kind == kindFindings:
		q.Output = "findings"
	case qn.kind == kindReport:
		q.Output = "html"
	case qn.by != "":
		q.By, q.Output = qn.by, "top"
	}
	res, err := q.Run(context.Background())
	if err != nil {
		return err
	}
	if err := res.Write(w); err != nil {
		return err
	}
	if n := res.Report.Failures(); n > 0 {
		fmt.Fprintf(os.Stderr, "had %d line read failures\n", n)
	}
	if res.IsListing() {
		return format.WriteSummary(w, res.Summary)
	}
	return nil
}
