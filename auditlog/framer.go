package auditlog

// framer cuts a source into blocks for the decoding workers, in the way of
// its input shape: lines (lineFramer), a container runtime log's records
// (criFramer), whole JSON documents (docFramer), row groups
// (rowGroupFramer). The splitter reads the first bytes of the source, the
// sniffer tells its layout, and the framer chosen for it reads the rest.
type framer interface {
	// frame reads the rest of f, buf holding what was read of it so far
	// (all of it when readErr, what ended the input, is not nil), and
	// calls emit for each block, in order; emit owns the block. It stops
	// early when emit returns false, and then reports false.
	frame(f *File, buf *[]byte, readErr error, emit func(*block) bool) bool
}

// framer returns the framer of a source of layout l, whose first bytes
// are first.
func (sp *splitter) framer(l layout, first []byte) framer {
	switch l {
	case layoutRowGroups:
		return rowGroupFramer{sp}
	case layoutDocument:
		return docFramer{sp}
	}
	if isCRI(first) {
		return newCRIFramer(sp)
	}
	return &lineFramer{sp: sp}
}
