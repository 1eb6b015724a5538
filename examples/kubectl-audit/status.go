package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/auditlens/auditlens/export"
	"github.com/auditlens/auditlens/format"
	"github.com/auditlens/auditlens/query"
)

// The exit statuses of the command, the same for every view and for
// export (see help/long.txt and the README's "Exit status").
const (
	// exitOK: the answer is complete.
	exitOK = 0
	// exitFailed: nothing could be read (no audit event at all), an
	// export read is incomplete, or the command failed.
	exitFailed = 1
	// exitUsage: the command line cannot be used.
	exitUsage = 2
	// exitPartial: answered, but part of the input could not be read or
	// evaluated (the read report says what), unless --allow-partial.
	exitPartial = 3
)

// partialError is an answer given without part of the input: exit status
// 3.
type partialError struct{ msg string }

func (e *partialError) Error() string { return e.msg }

// incompleteError is an export read that its manifest says is not whole:
// exit status 1, after the answer from what it holds.
type incompleteError struct{ msg string }

func (e *incompleteError) Error() string { return e.msg }

// statusOf is the exit status of an error the command returned (not an
// interruption, see interrupted).
func statusOf(err error) int {
	var ue *usageError
	var qe *query.Error
	var pe *partialError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue) || errors.As(err, &qe):
		return exitUsage
	case errors.As(err, &pe):
		return exitPartial
	}
	return exitFailed
}

// verdict is the error that says how complete the answer res is, once it
// and its report are written: no audit event at all (res.Err), an export
// read that is incomplete (checks), or a partial answer (input lost or a
// --where expression that failed) unless allowPartial; nil for a complete
// answer.
func verdict(res *query.Result, checks []*export.Check, allowPartial bool) error {
	if res.Report != nil && res.Report.Err() != nil {
		return res.Err()
	}
	incomplete := 0
	for _, c := range checks {
		if !c.Complete() {
			incomplete++
		}
	}
	if incomplete > 0 {
		msg := "an export read is incomplete (see above): the answer is what it holds"
		if incomplete > 1 {
			msg = fmt.Sprintf("%d exports read are incomplete (see above): the answer is what they hold", incomplete)
		}
		return &incompleteError{msg: msg}
	}
	failed := res.WhereFailed()
	partial := res.Report != nil && res.Report.Partial() || res.BaselineReport != nil && res.BaselineReport.Partial()
	if err := res.Err(); err != nil && !partial {
		return err
	}
	if allowPartial || !partial && failed == 0 {
		return nil
	}
	var what string
	switch {
	case partial && failed > 0:
		what = fmt.Sprintf("part of the input could not be read and %d events could not be evaluated by --where", failed)
	case partial:
		what = "part of the input could not be read"
	default:
		what = fmt.Sprintf("%d events could not be evaluated by --where", failed)
	}
	return &partialError{msg: "the answer is partial: " + what + " (the read report says what); --allow-partial makes this exit status 0"}
}

// checkExports verifies each export named in paths (a directory that is
// an export, or a folder inside one: see exportRoot) against its manifest.
func checkExports(paths []string) []*export.Check {
	var checks []*export.Check
	seen := map[string]bool{}
	for _, p := range paths {
		root, ok := exportRoot(p)
		if !ok || seen[root] {
			continue
		}
		seen[root] = true
		if c, err := export.Verify(root); err == nil {
			checks = append(checks, c)
		}
	}
	return checks
}

// writeChecks says on stderr which exports read are incomplete, and why
// (those of the input, then those of a baseline), and what an export left
// out as its directory held it already.
func writeChecks(w io.Writer, res *query.Result, checks, baseChecks []*export.Check) error {
	if x := res.Export; x != nil {
		if n := len(x.SkippedSources); n > 0 {
			if _, err := fmt.Fprintf(w, "Left out %d sources the export holds already (--skip-exported), the first %s.\n", n, format.Sanitize(x.SkippedSources[0])); err != nil {
				return err
			}
		}
		if x.AlreadyExported > 0 {
			if _, err := fmt.Fprintf(w, "Left out %d events of logs grown since an earlier export, which holds them.\n", x.AlreadyExported); err != nil {
				return err
			}
		}
	}
	for _, side := range []struct {
		what   string
		checks []*export.Check
	}{{"Export", checks}, {"Baseline export", baseChecks}} {
		for _, c := range side.checks {
			if !c.Complete() {
				if _, err := fmt.Fprintf(w, "%s %s is %s.\n", side.what, format.Sanitize(c.Dir), format.Sanitize(c.String())); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
