package format

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/auditlens/auditlens/aggregate"
)

// WriteGrouped writes the reference tool's -o top --by=verb and
// --by=httpstatus view: for each value of the outer key, in the result's
// order, a header
//
//	Top 10 "GET" (of 7724 total hits):
//
// (the verb upper-cased and quoted; a status code bare) and then one row
// per group of requests,
//
//	215x [   274.335µs] [403-215]	 /api/v1/nodes/cluster-app-31.dmz/proxy/metrics	 [system:serviceaccount:...]
//
// with the group's count, mean latency, status-code mix, first URI and
// user. The header's N is the result's Limit (the N of -o top=N), as the
// reference prints it. Unlike the reference, the status-code mix counts every event of the
// group: "[403-8313]" for a group of 8313 refused requests, where the
// reference wrote "[403-8312]".
func WriteGrouped(w io.Writer, g aggregate.GroupedResult) error {
	bw := bufio.NewWriter(w)
	for _, o := range g.Outer {
		if _, err := fmt.Fprintf(bw, "\nTop %d %s (of %d total hits):\n", g.Limit, outerLabel(g.By, o.Key), o.Total); err != nil {
			return err
		}
		if o.LetGoAtMost > 0 {
			fmt.Fprintf(bw, "(%s)\n", LetGoNote(o.LetGoAtMost))
		}
		// The reference aligns each section on its own.
		tw := newTable(bw)
		for _, gr := range o.Groups {
			count := strconv.FormatInt(gr.Count, 10) + "x"
			if gr.Uncounted > 0 {
				count = "+" + count // the count may be short (see LetGoNote)
			}
			if _, err := fmt.Fprintf(tw, "%8s [%12s] [%s]\t %s\t [%s]\n", count,
				meanLatency(gr), StatusMix(gr.Status), Sanitize(gr.FirstURI), Sanitize(gr.User)); err != nil {
				return err
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// LetGoNote says what a bounded grouping (aggregate.Grouped.KeepAtMost)
// let go of, given GroupedOuter.LetGoAtMost.
func LetGoNote(atMost int64) string {
	return fmt.Sprintf("groups of at most %d requests were let go to bound memory; a count marked + may be short by as many", atMost)
}

// outerLabel prints an outer key as the reference's headers do: a verb
// upper-cased and quoted, a status code as a number.
func outerLabel(by, key string) string {
	if _, err := strconv.Atoi(key); err == nil && by == "httpstatus" {
		return key
	}
	if by == "verb" {
		key = strings.ToUpper(key)
	}
	return strconv.Quote(key)
}

// StatusMix writes a status-code mix as "code-count" pairs joined by
// commas, in the order given (by code): "200-12,403-3". Events without a
// response status count under code -1.
func StatusMix(s []aggregate.StatusCount) string {
	var b []byte
	for i, c := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(c.Code), 10)
		b = append(b, '-')
		b = strconv.AppendInt(b, c.Count, 10)
	}
	return string(b)
}

// meanLatency is a group's mean latency as the reference prints it, or
// "unknown" when no event of the group has a known latency (no
// stageTimestamp).
func meanLatency(gr aggregate.Group) string {
	if gr.Latency.Count == 0 {
		return "unknown"
	}
	return gr.Latency.Mean.String()
}
