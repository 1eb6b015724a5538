package main

import (
	"iter"

	"github.com/auditlens/auditlens/auditlog"
)

// entries returns the reader's entries for a listing, sorted by
// requestReceivedTimestamp as the reference sorts them, in bounded memory
// (exact up to auditlog.DefaultSortWindow events per node).
func entries(r *auditlog.Reader) iter.Seq[*auditlog.Entry] {
	return r.Sorted(0)
}
