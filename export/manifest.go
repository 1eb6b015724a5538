package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// The names of the files that tell a finished export (in its directory,
// beside the cluster=NAME partitions).
const (
	// ManifestName is the manifest of an export: what it holds and what
	// it was read from (Manifest, as JSON).
	ManifestName = "_auditlens_export.json"
	// SuccessName is the empty marker written last, once everything else
	// is on disk, as Spark's and Hadoop's committers write it: an export
	// without it is incomplete (being written, or cut short).
	SuccessName = "_SUCCESS"
)

// manifestFormat is the version of the manifest's layout.
const manifestFormat = 1

// Manifest is what an export holds and where it came from. It lists every
// file of every run (an export and each append to it), so that a reader
// can tell an export cut short or tampered with (Verify) from a complete
// one, and an append can tell which sources are already in it.
type Manifest struct {
	// Format is the version of the manifest's layout (1).
	Format int `json:"format"`
	// Rows is the number of rows of every file; First and Last the
	// earliest and latest requestReceivedTimestamp among them.
	Rows  int64     `json:"rows"`
	First time.Time `json:"first,omitzero"`
	Last  time.Time `json:"last,omitzero"`
	// Files are the Parquet files, by path below the export directory
	// (with forward slashes).
	Files []ManifestFile `json:"files"`
	// Runs are the exports written into the directory, the first one and
	// each append, in order.
	Runs []Run `json:"runs"`
}

// ManifestFile is one Parquet file of an export.
type ManifestFile struct {
	// Path is the file's path below the export directory, with forward
	// slashes.
	Path string `json:"path"`
	// Rows is its number of rows; Bytes its size.
	Rows  int64 `json:"rows"`
	Bytes int64 `json:"bytes"`
	// Run is the ID of the run that wrote it.
	Run string `json:"run"`
}

// Run is one export into a directory: the first, or an append.
type Run struct {
	// ID names the run's files (part-ID-WORKER-SEQ.parquet).
	ID string `json:"id"`
	// Tool is the version of the program that wrote it (Options.Tool).
	Tool string `json:"tool,omitempty"`
	// Finished is when the run's files were committed.
	Finished time.Time `json:"finished"`
	// Cluster is its cluster partition; Bodies whether it holds the
	// request and response bodies.
	Cluster string `json:"cluster"`
	Bodies  bool   `json:"bodies,omitempty"`
	// Filter is the filter that chose the events (Options.Filter).
	Filter string `json:"filter,omitempty"`
	// Rows is the number of rows the run wrote; First and Last the
	// earliest and latest requestReceivedTimestamp among them.
	Rows  int64     `json:"rows"`
	First time.Time `json:"first,omitzero"`
	Last  time.Time `json:"last,omitzero"`
	// AlreadyExported is the number of events the run read and did not
	// write, as an earlier run had (the lines of a grown log read before).
	AlreadyExported int64 `json:"alreadyExported,omitempty"`
	// Sources are the inputs the run read (Writer.Record).
	Sources []SourceRecord `json:"sources,omitempty"`
	// Losses say what the run could not read or evaluate (Writer.Record):
	// the export is then partial.
	Losses []Loss `json:"losses,omitempty"`
}

// Loss is a kind of input a run could not read or evaluate, and how much.
type Loss struct {
	// Kind names it: "bad JSON", "unreadable file", "--where failed"...
	Kind string `json:"kind"`
	// Count is the number of lines, events or files.
	Count int64 `json:"count"`
}

// readManifest reads the manifest of the export in dir; it returns
// fs.ErrNotExist (wrapped) when there is none.
func readManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestName), err)
	}
	if m.Format != manifestFormat {
		return nil, fmt.Errorf("%s: manifest format %d, want %d", filepath.Join(dir, ManifestName), m.Format, manifestFormat)
	}
	return &m, nil
}

// ReadManifest reads the manifest of the export in dir. An export that has
// none (written before manifests were, or cut short before its first
// commit) gives an error that wraps fs.ErrNotExist.
func ReadManifest(dir string) (*Manifest, error) {
	m, err := readManifest(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("export: %w", err)
	}
	return m, err
}

// add appends the run and its files, and widens the totals.
func (m *Manifest) add(run Run, files []ManifestFile) {
	m.Runs = append(m.Runs, run)
	m.Files = append(m.Files, files...)
	m.Rows += run.Rows
	if run.Rows > 0 {
		if m.First.IsZero() || run.First.Before(m.First) {
			m.First = run.First
		}
		if run.Last.After(m.Last) {
			m.Last = run.Last
		}
	}
}

// writeFileSynced writes data to path through a temporary file that is
// synced to disk and renamed into place; the directory is synced after.
func writeFileSynced(path string, data []byte) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

// syncDir syncs a directory, so that the names created or renamed in it
// are on disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
