package format

import (
	"testing"
	"time"

	"github.com/auditlens/auditlens/findings"
)

func TestSparkline(t *testing.T) {
	t0 := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		counts []int64
		cells  int
		want   string
	}{
		{nil, 24, "-"},
		{[]int64{0, 1, 8, 4, 0}, 24, "·▁█▄·"},
		{[]int64{0, 0, 0, 0}, 24, "····"},
		// 31 minutes in 24 cells: two minutes a cell, 16 cells, so that no
		// cell looks busier for holding more minutes.
		{[]int64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 24, "███████████████▄"},
		{[]int64{100, 0, 0, 1}, 2, "█▁"},
		{[]int64{7, 7}, 0, "-"},
	} {
		s := findings.Series{Start: t0, Minutes: 1, Counts: tc.counts}
		if got := sparkline(s, tc.cells); got != tc.want {
			t.Errorf("%v in %d cells: %q, want %q", tc.counts, tc.cells, got, tc.want)
		}
	}
}
