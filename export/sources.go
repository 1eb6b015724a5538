package export

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// SourceRecord is an input an export run read, as its manifest keeps it,
// so that an append can tell a source already exported (Writer.Plan).
type SourceRecord struct {
	// Path is the source's absolute path (standard input's is "-").
	Path string `json:"path"`
	// Size and ModTime are the file's size on disk and modification time
	// before it was read.
	Size    int64     `json:"size"`
	ModTime time.Time `json:"modTime,omitzero"`
	// Head is the SHA-256 (hex) of the first HeadBytes uncompressed bytes
	// of the file: the same log renamed or compressed by a rotation, or
	// grown since, starts with the same bytes.
	Head      string `json:"head,omitempty"`
	HeadBytes int64  `json:"headBytes,omitempty"`
	// Lines and Bytes are how much of it was read (uncompressed): an
	// append of the same file grown since exports only the events after
	// line Lines.
	Lines int64 `json:"lines"`
	Bytes int64 `json:"bytes"`
	// Events is the number of events read from it, kept or not.
	Events int64 `json:"events"`
}

// headBytes is how much of a source's beginning its Head hashes.
const headBytes = 64 << 10

// NewSourceRecord describes the source src before it is read: its
// absolute path, size,
// modification time and the hash of its first uncompressed bytes
// (SourceRecord.Head); what is read of it (Lines, Bytes, Events) is for
// the caller to fill in after. Standard input has only its path. A file
// that cannot be opened or read has no Head (the reader will report it).
func NewSourceRecord(src *auditlog.Source) SourceRecord {
	rec := SourceRecord{Path: src.Path}
	if src.Path == auditlog.Stdin {
		return rec
	}
	if abs, err := filepath.Abs(src.Path); err == nil {
		rec.Path = abs
	}
	info, err := os.Stat(src.Path)
	if err != nil {
		return rec
	}
	rec.Size, rec.ModTime = info.Size(), info.ModTime().UTC()
	if !info.Mode().IsRegular() {
		return rec // a pipe: reading its head would consume it
	}
	head, err := readHead(src)
	if err == nil && len(head) > 0 {
		rec.Head, rec.HeadBytes = hashHex(head), int64(len(head))
	}
	return rec
}

// readHead reads the first headBytes uncompressed bytes of src.
func readHead(src *auditlog.Source) ([]byte, error) {
	f, err := auditlog.Open(src)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, headBytes)
	n, err := io.ReadFull(f, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return buf[:n], err
}

// hashHex is the SHA-256 of b, in hex.
func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Exported says what of a source an earlier run of the export read.
type Exported struct {
	// Whole is set when the source is one an earlier run read whole: the
	// same path, size and modification time, or the same size and first
	// bytes (a copy, or a rotated log renamed).
	Whole bool
	// Lines is, for a source that starts as one an earlier run read
	// (the same log grown since, or compressed by a rotation), the lines
	// of it that run read: only the events after them are new.
	Lines int64
	// Earlier is the path the earlier run read it as.
	Earlier string
}

// Exported says what of the source rec (NewSourceRecord) earlier runs of
// the export wrote, from its manifest: nothing for a new export.
func (w *Writer) Exported(rec SourceRecord, src *auditlog.Source) Exported {
	var got Exported
	var head []byte
	headRead := false
	for _, run := range w.manifest.Runs {
		for _, old := range run.Sources {
			same := old.Path == rec.Path && old.Size == rec.Size && old.ModTime.Equal(rec.ModTime) && rec.Size > 0
			starts := false
			if old.HeadBytes > 0 && rec.HeadBytes >= old.HeadBytes {
				if !headRead {
					head, _ = readHead(src)
					headRead = true
				}
				starts = int64(len(head)) >= old.HeadBytes && hashHex(head[:old.HeadBytes]) == old.Head
			}
			switch {
			case same || starts && old.Size == rec.Size:
				return Exported{Whole: true, Lines: old.Lines, Earlier: old.Path}
			case starts && old.Lines > got.Lines:
				got = Exported{Lines: old.Lines, Earlier: old.Path}
			}
		}
	}
	return got
}

// SkipLines makes the export leave out the events of the source at path
// up to line lines (the lines an earlier run exported: Exported.Lines),
// counting them in Result.AlreadyExported. It is called before any sink
// is added to.
func (w *Writer) SkipLines(path string, lines int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.skip == nil {
		w.skip = make(map[string]int64)
	}
	w.skip[path] = lines
}
