package main

import (
	"context"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/query"
)

// compareOptions are the flags of `kubectl-audit compare`.
type compareOptions struct {
	thresholds aggregate.CompareOptions
}

// newCompareCommand builds `kubectl-audit compare`, which says what
// changed against a baseline (see query.Query.Compare).
func newCompareCommand(o *options, stdout, stderr io.Writer) *cobra.Command {
	var c compareOptions
	cmd := &cobra.Command{
		Use:   "compare --baseline=BASE -f SUBJECT [--by=KEY] [flags]",
		Short: "What changed against a healthy baseline: another capture, or another window of the same one",
		Long: `Reads a baseline and a subject, each any input the command reads (a must-gather, log files, a
Parquet export) or a time window of one input (--baseline-since/--baseline-until against
--since/--until), with the same filters applied to both, and lists the keys of --by (user by
default) whose traffic changed, rate-normalised per hour of each capture's own span: new and gone
keys, keys whose rate grew or shrank, keys whose refused (401, 403) or failed (5xx) share grew;
then the findings of the subject marked new, worse, same or better against the baseline's, and
those of the baseline alone resolved.

A change counts only when it passes the thresholds (--min-per-hour, a score of 4 in a Poisson or
two-proportion test, a factor of 1.5, ten points more errors), so that two healthy hours of one
cluster report nothing or almost nothing. --sort=server-time orders by server time an hour (latency
summed, long-running requests left out): who costs more now.`,
		Example: `  kubectl audit compare --baseline=last-week/must-gather -f must-gather --by=user
  kubectl audit compare -f must-gather --baseline-until=-2h --since=-1h --by=resource --sort=server-time
  kubectl audit compare --baseline=export/ -f audit_logs/kube-apiserver --format=json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.answer(cmd.Context(), args, stdout, stderr, func(q query.Query, ctx context.Context) (*query.Result, error) {
				return q.Compare(ctx, q.Baseline, c.thresholds)
			})
		},
	}
	f := cmd.Flags()
	o.inputFlags(f)
	q := &o.query
	// The baseline is the query's, as -o html's: the command checks the
	// exports among its paths against their manifests as it does -f's.
	baselineFlags(f, &q.Baseline)
	f.StringVar(&q.By, "by", "user", "Key to compare by: "+strings.Join(aggregate.KeyNames(), ", ")+"; several joined by commas")
	f.StringVar(&q.Sort, "sort", "requests", "Order of the changes: requests (an hour) or server-time (an hour)")
	f.StringVar(&q.Format, "format", "text", "Encoding: text, json or csv")
	f.Float64Var(&c.thresholds.MinPerHour, "min-per-hour", 10, "Least rate, in requests an hour, of a change")
	return cmd
}

// baselineFlags defines the flags of a baseline: compare's, and -o html's
// section against it.
func baselineFlags(f *pflag.FlagSet, b *query.Baseline) {
	f.StringArrayVar(&b.Paths, "baseline", nil, "The baseline to compare with (compare, and -o html's section against it): audit logs, directories or a Parquet export (repeatable); none: the input itself, in the window of --baseline-since and --baseline-until")
	f.StringVar(&b.Since, "baseline-since", "", "The baseline's window starts here (the forms of --since); it replaces --since for the baseline")
	f.StringVar(&b.Until, "baseline-until", "", "The baseline's window ends here (the forms of --until); it replaces --until for the baseline")
}
