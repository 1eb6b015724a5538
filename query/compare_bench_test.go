package query

import (
	"context"
	"io"
	"testing"

	"github.com/auditlens/auditlens/aggregate"
)

// BenchmarkCompare is issue 22's yardstick in process: "compare" reads a
// baseline and a subject must-gather (the same generator without and with
// a planted culprit) and writes its table; "by-user-each" answers
// --by=user -otop on each of them, one after the other, and
// "findings-each" -o findings on each. The issue asks compare to cost at
// most 1.2 times by-user-each; compare over findings-each is what compare
// adds to the findings it marks. One worker, so that the figures are CPU
// time.
func BenchmarkCompare(b *testing.B) {
	base, subject := culpritPair(b, 30000)
	ctx := context.Background()
	answer := func(b *testing.B, res *Result, err error) {
		b.Helper()
		if err != nil {
			b.Fatal(err)
		}
		if err := res.Write(io.Discard); err != nil {
			b.Fatal(err)
		}
		if err := res.Err(); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("compare", func(b *testing.B) {
		q := New(subject)
		q.Workers = 1
		for b.Loop() {
			res, err := q.Compare(ctx, Baseline{Paths: []string{base}}, aggregate.CompareOptions{})
			answer(b, res, err)
		}
	})
	for _, each := range []struct{ name, output, by string }{{"by-user-each", "top", "user"}, {"findings-each", "findings", ""}} {
		b.Run(each.name, func(b *testing.B) {
			for b.Loop() {
				for _, path := range []string{base, subject} {
					q := New(path)
					q.Workers, q.Output, q.By = 1, each.output, each.by
					res, err := q.Run(ctx)
					answer(b, res, err)
				}
			}
		})
	}
}
