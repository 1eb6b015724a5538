package format

import (
	"github.com/auditlens/auditlens/findings"
)

// sparkCells is the most cells of a top-causes row's sparkline.
const sparkCells = 24

// sparkLevels are the heights of a sparkline's cells, lowest first; a
// cell without requests is sparkNone.
var sparkLevels = []rune("▁▂▃▄▅▆▇█")

const sparkNone = '·'

// sparkCounts adds up the buckets of s, which span the capture, into at
// most cells cells of as many whole buckets each (so that no cell holds
// more buckets than another, the last but one), in time order; nil when s
// is empty.
func sparkCounts(s findings.Series, cells int) []int64 {
	if len(s.Counts) == 0 || cells < 1 {
		return nil
	}
	per := (len(s.Counts) + cells - 1) / cells
	out := make([]int64, (len(s.Counts)+per-1)/per)
	for i, n := range s.Counts {
		out[i/per] += n
	}
	return out
}

// sparkline draws a finding's requests over the capture as unicode
// blocks, the fullest cell the tallest (sparkCounts); "-" when there is no
// series.
func sparkline(s findings.Series, cells int) string {
	counts := sparkCounts(s, cells)
	if counts == nil {
		return "-"
	}
	var top int64
	for _, n := range counts {
		top = max(top, n)
	}
	out := make([]rune, len(counts))
	for i, n := range counts {
		out[i] = sparkNone
		if n > 0 {
			out[i] = sparkLevels[(n*int64(len(sparkLevels))-1)/top]
		}
	}
	return string(out)
}
