package main

import (
	"cmp"
	"slices"
	"time"

	"github.com/auditlens/auditlens/aggregate"
)

// latencySorts are the values of --sort for -o latency.
var latencySorts = []string{"count", "p99", "max", "mean"}

// latencyBy returns the statistic --sort=name orders -o latency by, or
// nil for count (the aggregate's own order).
func latencyBy(name string) (func(aggregate.Quantiles) time.Duration, bool) {
	switch name {
	case "", "count":
		return nil, true
	case "p99":
		return func(q aggregate.Quantiles) time.Duration { return q.P99 }, true
	case "max":
		return func(q aggregate.Quantiles) time.Duration { return q.Max }, true
	case "mean":
		return func(q aggregate.Quantiles) time.Duration { return q.Mean }, true
	}
	return nil, false
}

// latencyResult is the latency of the n keys (every key when n <= 0)
// first in the order of --sort: count (the aggregate's order: count, then
// key), or the largest p99, max or mean, then count, then key.
func latencyResult(l *aggregate.Latency, sortBy string, n int) aggregate.LatencyResult {
	by, _ := latencyBy(sortBy)
	if by == nil {
		return l.Result(n)
	}
	res := l.Result(0)
	slices.SortStableFunc(res.Rows, func(a, b aggregate.LatencyRow) int {
		return cmp.Compare(by(b.Latency), by(a.Latency))
	})
	if n > 0 && len(res.Rows) > n {
		res.Rows = res.Rows[:n]
	}
	return res
}
