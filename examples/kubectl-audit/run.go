package main

import (
	"context"
	"io"
	"os"
	"runtime/pprof"

	"github.com/auditlens/auditlens/filter"
)

// run runs the query of the options and writes the answer on stdout; on
// stderr, after it, a listing's summary line and the read report. Input
// that held no audit event at all is an error (exit status 1).
func (o *options) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	q := o.query
	paths, err := filter.SplitValues("filename", q.Paths)
	if err != nil {
		return &usageError{msg: err.Error()}
	}
	q.Paths = append(paths, args...)
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	bar := &progress{stderr: stderr}
	q.Progress = bar.start
	res, err := q.Run(ctx)
	if err != nil {
		return err
	}
	err = res.Write(stdout)
	bar.done()
	if err != nil {
		return err
	}
	if err := res.WriteReport(stderr, o.verbose); err != nil {
		return err
	}
	return res.Err()
}
