package main

import (
	"iter"

	"github.com/auditlens/auditlens/auditlog"
)

// entries returns the reader's entries for a listing, in input order.
func entries(r *auditlog.Reader) iter.Seq2[*auditlog.Entry, error] {
	return r.All()
}
