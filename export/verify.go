package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/auditlens/auditlens/internal/auditparquet"
)

// Check is what Verify found in an export directory.
type Check struct {
	// Dir is the export directory.
	Dir string
	// Manifest is the export's manifest; nil when it has none.
	Manifest *Manifest
	// NoSuccess is set when the _SUCCESS marker is missing.
	NoSuccess bool
	// Missing are files the manifest lists that are not there; Extra
	// Parquet files that are there and that it does not list; WrongRows
	// files whose number of rows is not the manifest's (or that cannot be
	// read), each "PATH: what". Paths are below Dir, with forward slashes.
	Missing, Extra, WrongRows []string
	// Unfinished counts the hidden temporary files of a run that was cut
	// short or is being written: no reader reads them, and the export
	// the manifest describes is whole without them.
	Unfinished int
}

// Complete reports whether the export is whole: a manifest, the _SUCCESS
// marker, and exactly the files the manifest lists, each with its rows.
func (c *Check) Complete() bool {
	return c.Manifest != nil && !c.NoSuccess && len(c.Missing) == 0 && len(c.Extra) == 0 && len(c.WrongRows) == 0
}

// String says in one sentence whether the export is complete and, if
// not, why: "complete: 12 files, 22250 rows" or "incomplete: no manifest,
// no _SUCCESS marker, 3 files not listed (cluster=lab/...)".
func (c *Check) String() string {
	if c.Complete() {
		return fmt.Sprintf("complete: %d files, %d rows", len(c.Manifest.Files), c.Manifest.Rows)
	}
	var why []string
	if c.Manifest == nil {
		why = append(why, "no manifest ("+ManifestName+")")
	}
	if c.NoSuccess {
		why = append(why, "no "+SuccessName+" marker")
	}
	list := func(what string, paths []string) {
		if len(paths) == 0 {
			return
		}
		s := fmt.Sprintf("%d %s (%s", len(paths), what, paths[0])
		if len(paths) > 1 {
			s += ", ..."
		}
		why = append(why, s+")")
	}
	list("files of the manifest missing", c.Missing)
	list("files the manifest does not list", c.Extra)
	list("files of another row count", c.WrongRows)
	return "incomplete: " + strings.Join(why, ", ")
}

// Verify checks the export in dir against its manifest: that the export
// finished (its _SUCCESS marker), and that the Parquet files below dir are
// exactly those the manifest lists, each with the rows it says (read from
// the file's footer; the rows themselves are not read). A directory that
// is not an export at all (neither a manifest nor a cluster=NAME folder)
// gives an error that wraps ErrNotExport. Errors other than that are of
// reading dir.
func Verify(dir string) (*Check, error) {
	c := &Check{Dir: dir}
	m, err := readManifest(dir)
	switch {
	case err == nil:
		c.Manifest = m
	case errors.Is(err, fs.ErrNotExist):
		if !IsExport(dir) {
			return nil, fmt.Errorf("%w: %s", ErrNotExport, dir)
		}
	default:
		return nil, fmt.Errorf("export: %w", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, SuccessName)); err != nil {
		c.NoSuccess = true
	}
	onDisk, err := c.parquetFiles()
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	listed := map[string]ManifestFile{}
	if m != nil {
		for _, f := range m.Files {
			listed[f.Path] = f
		}
	}
	for _, p := range onDisk {
		f, ok := listed[p]
		if !ok {
			c.Extra = append(c.Extra, p)
			continue
		}
		delete(listed, p)
		if n, err := fileRows(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			c.WrongRows = append(c.WrongRows, fmt.Sprintf("%s: %v", p, err))
		} else if n != f.Rows {
			c.WrongRows = append(c.WrongRows, fmt.Sprintf("%s: %d rows, the manifest says %d", p, n, f.Rows))
		}
	}
	for p := range listed {
		c.Missing = append(c.Missing, p)
	}
	slices.Sort(c.Missing)
	return c, nil
}

// ErrNotExport is the error of Verify for a directory that is no export.
var ErrNotExport = errors.New("export: not an export directory")

// IsExport reports whether dir is the directory of an export: it holds a
// manifest or a cluster=NAME folder.
func IsExport(dir string) bool {
	if _, err := os.Lstat(filepath.Join(dir, ManifestName)); err == nil {
		return true
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "cluster=") {
			return true
		}
	}
	return false
}

// parquetFiles lists the Parquet files in the cluster=NAME trees of the
// export, by path below it, sorted, and counts the unfinished ones.
func (c *Check) parquetFiles() ([]string, error) {
	var list []string
	err := filepath.WalkDir(c.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(c.Dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if p != c.Dir && !strings.HasPrefix(rel, "cluster=") {
				return fs.SkipDir
			}
			return nil
		}
		switch name := d.Name(); {
		case strings.HasSuffix(name, ".parquet.tmp"):
			c.Unfinished++
		case strings.HasSuffix(name, ".parquet") && !strings.HasPrefix(name, ".") && strings.HasPrefix(rel, "cluster="):
			list = append(list, rel)
		}
		return nil
	})
	slices.Sort(list)
	return list, err
}

// fileRows is the number of rows of a Parquet file, from its footer.
func fileRows(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	pq, err := auditparquet.Open(f, info.Size())
	if err != nil {
		return 0, err
	}
	var n int64
	for rg := range pq.NumRowGroups() {
		n += pq.NumRows(rg)
	}
	return n, nil
}
