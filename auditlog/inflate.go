package auditlog

import (
	"bufio"
	"io"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// The gzip inflaters a build can read gzip files with, as Inflater names
// them.
const (
	// InflaterKlauspost is github.com/klauspost/compress/gzip, pure Go: the
	// default.
	InflaterKlauspost = "klauspost/compress"
	// InflaterISAL is Intel ISA-L's isal_inflate, through cgo: built in by
	// the build tag isal (with cgo enabled) and then chosen for every gzip
	// file.
	InflaterISAL = "isa-l"
)

// gunzipper makes the decompressor of a gzip file from its buffered bytes,
// which start at the gzip magic. Like klauspost's gzip.NewReader, it reads
// the first member's header at once and fails when the header is bad; the
// decompressor reads every member, checks each trailer, and consumes the
// buffered bytes exactly as far as it decoded them, so that
// File.CompressedOffset says where a failure is.
//
// done, when not nil, takes back a decompressor newReader made once its
// file is closed, for a later newReader to reuse: a scan of many files
// then makes a few decompressors, not one per file (each holds a window
// and tables).
type gunzipper struct {
	name      string
	newReader func(*bufio.Reader) (io.Reader, error)
	done      func(io.Reader)
}

// klauspostGunzip is the pure-Go inflater.
var klauspostGunzip = gunzipper{name: InflaterKlauspost, newReader: newKlauspostReader, done: klauspostDone}

// klauspostReaders are decompressors of closed files, to reuse.
var klauspostReaders sync.Pool // of *gzip.Reader

// newKlauspostReader is klauspostGunzip's newReader: a decompressor of a
// closed file, reset, or a new one.
func newKlauspostReader(r *bufio.Reader) (io.Reader, error) {
	if gz, _ := klauspostReaders.Get().(*gzip.Reader); gz != nil {
		if err := gz.Reset(r); err != nil {
			return nil, err
		}
		return gz, nil
	}
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	return gz, nil
}

// klauspostDone is klauspostGunzip's done.
func klauspostDone(r io.Reader) {
	if gz, ok := r.(*gzip.Reader); ok {
		klauspostReaders.Put(gz)
	}
}

// gunzip is the inflater newFile uses: klauspostGunzip, unless a build tag
// put another in its place.
var gunzip = klauspostGunzip

// Inflater names the inflater this build reads gzip files with:
// InflaterKlauspost, or InflaterISAL in a build with the tag isal and cgo.
// Zstd and plain files are read the same way in every build.
func Inflater() string { return gunzip.name }
