package auditlog

// Lost is the number of problems of kind p that lost input: in the files
// that gave events, every line or value that could not be read and every
// damaged stretch (a corrupt stream, a damaged row group); of the files
// that gave none, those that could not be opened, decompressed or read as
// Parquet. A file that was read and held no audit event (not an audit log,
// empty) lost nothing, nor did a skipped file, a repaired event, or a JSON
// value that is no audit event (a record of another category in a cloud
// export).
func (r *Report) Lost(p Problem) int64 {
	if p == SkippedFile || p == Repaired || p == NotEvent || p < 0 || p >= numProblems {
		return 0
	}
	var n int64
	for i := range r.ByFile {
		f := &r.ByFile[i]
		switch {
		case f.EventCount() > 0:
			n += f.Problems[p]
		case p == Unreadable || p == NotCompressed || p == Decompress || p == BadParquet:
			n += f.Problems[p]
		}
	}
	return n
}

// Partial reports whether part of the input was lost (Lost): the answer
// is then given without it.
func (r *Report) Partial() bool {
	for _, p := range Problems() {
		if r.Lost(p) > 0 {
			return true
		}
	}
	return false
}
