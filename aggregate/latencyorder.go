package aggregate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// LatencyOrder is an order of the rows of a LatencyResult: by count, or by
// a statistic of the latency, largest first.
type LatencyOrder string

// The orders of ResultBy.
const (
	ByCount LatencyOrder = "count" // the most entries first (Result's order)
	ByP99   LatencyOrder = "p99"   // the slowest 99th percentile first
	ByMax   LatencyOrder = "max"   // the slowest single request first
	ByMean  LatencyOrder = "mean"  // the slowest mean first
)

// LatencyOrders lists the orders ResultBy takes.
func LatencyOrders() []LatencyOrder { return []LatencyOrder{ByCount, ByP99, ByMax, ByMean} }

// ParseLatencyOrder returns the order named s ("" is ByCount).
func ParseLatencyOrder(s string) (LatencyOrder, error) {
	if s == "" {
		return ByCount, nil
	}
	if o := LatencyOrder(s); slices.Contains(LatencyOrders(), o) {
		return o, nil
	}
	names := make([]string, 0, 4)
	for _, o := range LatencyOrders() {
		names = append(names, string(o))
	}
	return "", fmt.Errorf("unknown latency order %q: expected %s", s, strings.Join(names, ", "))
}

// stat returns the statistic the order sorts by, or nil for ByCount.
func (o LatencyOrder) stat() func(Quantiles) time.Duration {
	switch o {
	case ByP99:
		return func(q Quantiles) time.Duration { return q.P99 }
	case ByMax:
		return func(q Quantiles) time.Duration { return q.Max }
	case ByMean:
		return func(q Quantiles) time.Duration { return q.Mean }
	}
	return nil
}

// ResultBy returns the distributions of the n keys (all when n <= 0) that
// come first in the order: by count (as Result), or by the largest p99,
// max or mean, ties broken by count, then key.
func (l *Latency) ResultBy(order LatencyOrder, n int) LatencyResult {
	by := order.stat()
	if by == nil {
		return l.Result(n)
	}
	res := l.Result(0)
	slices.SortStableFunc(res.Rows, func(a, b LatencyRow) int {
		return cmp.Compare(by(b.Latency), by(a.Latency))
	})
	if n > 0 && len(res.Rows) > n {
		res.Rows = res.Rows[:n]
	}
	return res
}
