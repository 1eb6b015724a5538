package format

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/auditlens/auditlens/aggregate"
)

// WriteChanges writes what changed in a window of a histogram (-o
// histogram --window=FROM,TO): a title naming the window and how many
// requests fell in and out of it, then one row per key whose share grew
// most, in the result's order,
//
//	share in  share out  growth    in        out       user
//	41.20%    2.10%      +39.10    812x      97x       system:serviceaccount:...
//
// with the key's share of the requests inside and outside the window, the
// growth in percentage points, and its counts. by names the key's columns
// (the histogram's By, comma-separated for a composite key). The window
// holds the buckets that start in it, so its edges are those of the
// buckets.
func WriteChanges(w io.Writer, c aggregate.ChangeResult, by string) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Top %d %s keys whose share grew most from %s to %s (%d requests in the window, %d outside):\n",
		len(c.Rows), by, c.From.UTC().Format(time.RFC3339Nano), c.To.UTC().Format(time.RFC3339Nano), c.In, c.Out)
	tw := newNarrowTable(bw)
	fmt.Fprintf(tw, "share in\t share out\t growth\t in\t out\t %s\n", strings.Join(strings.Split(by, ","), "\t "))
	for _, r := range c.Rows {
		if _, err := fmt.Fprintf(tw, "%.2f%%\t %.2f%%\t %+.2f\t %dx\t %dx\t %s\n", 100*r.ShareIn, 100*r.ShareOut,
			100*r.Growth, r.In, r.Out, rowKey(aggregate.Row{Key: r.Key, Parts: r.Parts})); err != nil {
			return err
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}
