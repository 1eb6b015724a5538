package format

import (
	"fmt"
	"io"
	"time"

	"github.com/auditlens/auditlens/aggregate"
)

// WriteSummary writes the reference tool's summary line:
//
//	count: 20000, first: 2022-02-07T22:15:16Z, last: 2022-02-08T00:59:57Z, duration: 2h44m40.70616s
//
// first and last are the earliest and latest requestReceivedTimestamp, in
// RFC 3339 to the second, in UTC; duration is their difference as a Go
// duration. Like the reference, it writes nothing when nothing was counted.
func WriteSummary(w io.Writer, s aggregate.SummaryResult) error {
	if s.Count == 0 {
		return nil
	}
	_, err := fmt.Fprintf(w, "count: %d, first: %s, last: %s, duration: %s\n", s.Count,
		s.First.UTC().Format(time.RFC3339), s.Last.UTC().Format(time.RFC3339), s.Duration)
	return err
}
