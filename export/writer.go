package export

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/auditparquet"
)

// DefaultCluster is the cluster name of an export whose Options name none.
const DefaultCluster = "default"

// The defaults of Options' sizes.
const (
	// DefaultRowGroupBytes is the most a row group takes in memory,
	// before encoding and compression: on the lab's set, about half the
	// 9,400 events and half a megabyte on disk of a 16 MiB one. (16 MiB
	// took the export of the lab's set to 235 MB peak RSS, 8 MiB with
	// a budget of one row group per sink to 192 MB.) Since row groups
	// are buffered column by column (auditparquet.Batch), a row takes
	// less: 8 MiB is about 6,600 of the lab's events, 137 MiB peak RSS;
	// 4 MiB was no cheaper in CPU for files 9% larger, 16 MiB 8% dearer
	// in CPU and 218 MiB peak.
	DefaultRowGroupBytes = 8 << 20
	// DefaultFileRowGroups is the number of row groups after which a
	// sink starts a new file in the same partition.
	DefaultFileRowGroups = 16
)

// Options say what an export writes and where.
type Options struct {
	// Cluster names the cluster the events came from: the cluster=NAME
	// partition, and the auditlens.cluster file metadata. It may hold
	// letters, digits, '.', '_' and '-'; "" means DefaultCluster.
	Cluster string
	// Bodies exports requestObject and responseObject (as JSON text), which
	// are left out (null) by default.
	Bodies bool
	// Append adds to a directory that is not empty (another export of
	// other clusters or days, say). Without it, NewWriter refuses such a
	// directory.
	Append bool
	// RowGroupBytes is the size of a row group in memory before it is
	// encoded; 0 means DefaultRowGroupBytes, and it is at most 1 GiB. A sink buffers at most one
	// row group's worth over all its partitions (it flushes its largest
	// past that).
	RowGroupBytes int64
	// FileRowGroups is how many row groups a file holds at most; 0 means
	// DefaultFileRowGroups.
	FileRowGroups int
	// SkipExported makes an append leave out, with a note, the sources an
	// earlier run read whole, which are otherwise refused (see
	// Writer.Exported).
	SkipExported bool
	// Tool is the name and version of the program that writes the export,
	// kept in its manifest (Run.Tool).
	Tool string
	// Filter says which events were chosen, kept in the manifest
	// (Run.Filter).
	Filter string
	// Notify, when set, is told what NewWriterContext waits for (the
	// directory's lock, held by another export) and which lock it took
	// over from an export that ended without releasing it.
	Notify func(message string)
}

// ErrNotEmpty is the error of NewWriter for a directory that holds files
// when Options.Append is not set.
var ErrNotEmpty = errors.New("export: the directory is not empty (append to add to it)")

// Writer writes an export into a directory. Its sinks ([Writer.Sink]) are
// written by one goroutine each; Close finishes them all.
type Writer struct {
	dir  string
	opts Options
	run  string   // names this export's files, apart from earlier ones
	lock *dirLock // held from NewWriter to the end of Close or Abort

	mu     sync.Mutex
	sinks  []*Sink
	single *Sink // Write's
	closed bool
	result Result
	// manifest is the export's manifest, as found (appending) or new;
	// sources and losses what Record said of this run.
	manifest *Manifest
	sources  []SourceRecord
	losses   []Loss
	// successRemoved is set while an earlier run's _SUCCESS is removed
	// and the manifest not yet replaced: a commit that fails then puts
	// it back.
	successRemoved bool
	// skip holds, by source path, the lines an earlier run exported
	// (SkipLines); read by the sinks, written before they start.
	skip map[string]int64
}

// Result says what an export wrote.
type Result struct {
	// Dir is the export directory; Cluster the cluster partition.
	Dir     string `json:"dir"`
	Cluster string `json:"cluster"`
	// Files is the number of Parquet files written, Bytes their size.
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
	// Rows is the number of events written, one row each.
	Rows int64 `json:"rows"`
	// RowGroups is the number of row groups written.
	RowGroups int `json:"rowGroups"`
	// AlreadyExported is the number of events read and not written, as
	// an earlier run of the export had written them (Writer.SkipLines).
	AlreadyExported int64 `json:"alreadyExported,omitempty"`
	// SkippedSources are the sources an append left out, as earlier runs
	// read them whole (Options.SkipExported); filled by the caller.
	SkippedSources []string `json:"skippedSources,omitempty"`
}

// NewWriter returns a writer of an export into dir, which it creates if
// needed. A dir that is not empty is refused with ErrNotEmpty unless
// opts.Append is set. It is NewWriterContext without a bound on the wait
// for another export of dir.
func NewWriter(dir string, opts Options) (*Writer, error) {
	return NewWriterContext(context.Background(), dir, opts)
}

// NewWriterContext returns a writer of an export into dir, which it
// creates if needed. A dir that is not empty is refused with ErrNotEmpty
// unless opts.Append is set.
//
// One export at a time writes into a directory: the writer holds the
// directory's lock (LockName) until Close or Abort returns. While another
// export, of this process or another one, holds it, NewWriterContext
// waits (opts.Notify is told by whom) until that one is done or ctx is;
// then it reads the directory as that export left it, so that an append
// of a source just exported is refused as any other. A lock left by an
// export that ended without releasing it (killed) is taken over.
func NewWriterContext(ctx context.Context, dir string, opts Options) (*Writer, error) {
	if opts.Cluster == "" {
		opts.Cluster = DefaultCluster
	}
	if err := checkCluster(opts.Cluster); err != nil {
		return nil, err
	}
	if opts.RowGroupBytes <= 0 {
		opts.RowGroupBytes = DefaultRowGroupBytes
	}
	opts.RowGroupBytes = min(opts.RowGroupBytes, auditparquet.MaxRowGroupBytes)
	if opts.FileRowGroups <= 0 {
		opts.FileRowGroups = DefaultFileRowGroups
	}
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
	case err != nil:
		return nil, fmt.Errorf("export: %w", err)
	case !info.IsDir():
		return nil, fmt.Errorf("export: %s is not a directory", dir)
	}
	lock, err := lockDir(ctx, dir, opts.Notify)
	if err != nil {
		return nil, err
	}
	w, err := openLocked(dir, opts)
	if err != nil {
		lock.release()
		return nil, err
	}
	w.lock = lock
	return w, nil
}

// openLocked returns the writer of an export into dir, whose lock is held.
func openLocked(dir string, opts Options) (*Writer, error) {
	if !opts.Append {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		for _, e := range entries {
			if e.Name() != LockName {
				return nil, fmt.Errorf("%w: %s holds %s", ErrNotEmpty, dir, e.Name())
			}
		}
	}
	m, err := existingManifest(dir)
	if err != nil {
		return nil, err
	}
	run, err := runID(time.Now())
	if err != nil {
		return nil, err
	}
	return &Writer{dir: dir, opts: opts, run: run, manifest: m,
		result: Result{Dir: dir, Cluster: opts.Cluster}}, nil
}

// existingManifest returns the manifest of the export in dir, or a new
// one when dir holds no export. A dir that holds Parquet files of an
// export but no manifest (cut short, or written before manifests were) is
// refused: its files would make the export incomplete for good.
func existingManifest(dir string) (*Manifest, error) {
	m, err := readManifest(dir)
	switch {
	case err == nil:
		return m, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("export: %w", err)
	}
	c := &Check{Dir: dir}
	files, err := c.parquetFiles()
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if len(files) > 0 {
		return nil, fmt.Errorf("%w: %s holds %s but no manifest (%s): export into another directory", ErrNoManifest, dir, files[0], ManifestName)
	}
	return &Manifest{Format: manifestFormat}, nil
}

// ErrNoManifest is the error of NewWriter appending to a directory that
// holds the Parquet files of an export without its manifest.
var ErrNoManifest = errors.New("export: no manifest")

// checkCluster accepts the cluster names that are safe as one path
// segment and as a Hive partition value without escaping.
func checkCluster(name string) error {
	ok := name != "." && name != ".." && len(name) <= 253
	for _, c := range name {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.ContainsRune("._-", c)) {
			ok = false
		}
	}
	if !ok {
		return fmt.Errorf("export: cluster name %q: want letters, digits, '.', '_' and '-'", name)
	}
	return nil
}

// runID names an export run: its UTC start time and a random suffix, so
// that appending to an export never reuses a file name.
func runID(now time.Time) (string, error) {
	var b [3]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("export: %w", err)
	}
	return now.UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b[:]), nil
}

// Sink returns a new sink of the export, for one worker: one goroutine
// adds to it. Sinks are finished by Close.
func (w *Writer) Sink() *Sink {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := newSink(w, len(w.sinks))
	w.sinks = append(w.sinks, s)
	return s
}

// Fields is the set of event fields an export reads: every field but the
// bodies, unless Options.Bodies.
func (w *Writer) Fields() auditlog.Fields {
	if w.opts.Bodies {
		return auditlog.FieldsAll
	}
	return auditlog.FieldsMetadata
}

// Write writes one entry through a sink of its own, from one goroutine.
func (w *Writer) Write(e *auditlog.Entry) error {
	w.mu.Lock()
	if w.single == nil {
		w.single = newSink(w, len(w.sinks))
		w.sinks = append(w.sinks, w.single)
	}
	s := w.single
	w.mu.Unlock()
	s.Add(e)
	return s.err
}

// Record says what the run read, for its manifest: each source, and what
// could not be read or evaluated. It is called before Close.
func (w *Writer) Record(sources []SourceRecord, losses []Loss) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sources = append(w.sources, sources...)
	w.losses = append(w.losses, losses...)
}

// Close finishes every sink (in parallel) and, when all succeeded, commits
// the export (see commitAll): each file synced to disk, renamed into
// place, the directories synced, then the manifest written, then the
// _SUCCESS marker. On an error, every file of this run is removed and the
// first error returned. Close must not be called while a sink is being
// added to.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return errors.New("export: closed twice")
	}
	w.closed = true
	defer w.lock.release()
	errs := make([]error, len(w.sinks))
	var wg sync.WaitGroup
	for i, s := range w.sinks {
		wg.Go(func() { errs[i] = s.Close() })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		w.removeAll()
		return err
	}
	if err := w.commitAll(); err != nil {
		w.removeAll()
		if w.successRemoved {
			// The manifest is still the one before: so is the export.
			writeFileSynced(filepath.Join(w.dir, SuccessName), nil)
		}
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// commitAll publishes the run's files, in an order that a crash at any
// point leaves either the export as it was or one Verify reports
// incomplete: the _SUCCESS marker of an earlier run is removed first; the
// files (synced by their sinks) are renamed into place and their
// directories synced; then the manifest, which lists them, is replaced;
// then _SUCCESS is written, last.
func (w *Writer) commitAll() error {
	success := filepath.Join(w.dir, SuccessName)
	switch err := os.Remove(success); {
	case err == nil:
		w.successRemoved = true
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	if err := syncDir(w.dir); err != nil {
		return err
	}
	run := Run{ID: w.run, Tool: w.opts.Tool, Cluster: w.opts.Cluster, Bodies: w.opts.Bodies,
		Filter: w.opts.Filter, Sources: w.sources, Losses: w.losses}
	var files []ManifestFile
	dirs := map[string]bool{}
	for _, s := range w.sinks {
		for _, f := range s.files {
			if err := commit(f.tmp, f.final); err != nil {
				return err
			}
			f.committed = true
			rel, err := filepath.Rel(w.dir, f.final)
			if err != nil {
				return err
			}
			files = append(files, ManifestFile{Path: filepath.ToSlash(rel), Rows: f.rows, Bytes: f.bytes, Run: w.run})
			// The partition's folders may be new: sync each up to the
			// export's.
			for d := filepath.Dir(f.final); len(d) > len(w.dir); d = filepath.Dir(d) {
				dirs[d] = true
			}
		}
		w.result.add(&s.own)
		if s.own.Rows > 0 {
			first, last := time.Unix(0, s.first).UTC(), time.Unix(0, s.last).UTC()
			if run.Rows == 0 || first.Before(run.First) {
				run.First = first
			}
			if run.Rows == 0 || last.After(run.Last) {
				run.Last = last
			}
			run.Rows += s.own.Rows
		}
	}
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	if err := syncDir(w.dir); err != nil {
		return err
	}
	run.Finished = time.Now().UTC()
	run.AlreadyExported = w.result.AlreadyExported
	w.manifest.add(run, files)
	data, err := json.MarshalIndent(w.manifest, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileSynced(filepath.Join(w.dir, ManifestName), append(data, '\n')); err != nil {
		return err
	}
	w.successRemoved = false // the manifest lists this run's files now
	return writeFileSynced(success, nil)
}

// commit renames a finished file into place, refusing to replace one.
func commit(tmp, final string) error {
	if _, err := os.Lstat(final); err == nil {
		return fmt.Errorf("%s already exists", final)
	}
	return os.Rename(tmp, final)
}

// Abort stops the export: it removes every file written so far (a Scan
// that failed, an interrupted command). Close must not be called after it.
func (w *Writer) Abort() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	for _, s := range w.sinks {
		s.abort()
	}
	w.removeAll()
	w.lock.release()
}

// removeAll removes the files of every sink, committed or not.
func (w *Writer) removeAll() {
	for _, s := range w.sinks {
		for _, f := range s.files {
			os.Remove(f.tmp)
			if f.committed {
				os.Remove(f.final)
			}
		}
	}
}

// Result says what the export wrote; it is complete once Close returned.
func (w *Writer) Result() Result {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.result
}

func (r *Result) add(o *Result) {
	r.Files += o.Files
	r.Bytes += o.Bytes
	r.Rows += o.Rows
	r.RowGroups += o.RowGroups
	r.AlreadyExported += o.AlreadyExported
}
