package format

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/auditlens/auditlens/aggregate"
)

// newTable returns the reference tool's tabwriter: cells at least 20
// wide (listMinWidth), no padding, spaces, empty columns dropped.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, listMinWidth, 0, 0, ' ', tabwriter.DiscardEmptyColumns)
}

// WriteCount writes a top list the way the reference tool writes -o top
// --by=user, --by=resource and --by=namespace: one "Nx\t key" row per key
// through a tabwriter with cells at least 20 wide, so that
//
//	7817x                system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent
//
// Rows come in the result's order (count, largest first, then key). A
// composite key (--by=user,verb) has one column per part.
func WriteCount(w io.Writer, c aggregate.CountResult) error {
	bw := bufio.NewWriter(w)
	tw := newTable(bw)
	for _, r := range c.Rows {
		if _, err := fmt.Fprintf(tw, "%dx\t %s\n", r.Count, rowKey(r)); err != nil {
			return err
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}

// rowKey is a row's key for a text view: sanitized, its parts in columns.
func rowKey(r aggregate.Row) string {
	if len(r.Parts) == 0 {
		return Sanitize(r.Key)
	}
	parts := make([]string, len(r.Parts))
	for i, p := range r.Parts {
		parts[i] = Sanitize(p)
	}
	return strings.Join(parts, "\t ")
}
