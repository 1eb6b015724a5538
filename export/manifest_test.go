package export_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/export"
)

// TestManifest: a finished export has a manifest that lists every file
// with its rows, and _SUCCESS; Verify finds it complete, and incomplete
// once a file is removed, added, or its rows differ, or _SUCCESS is gone.
func TestManifest(t *testing.T) {
	out := exportOf(t, export.Options{Cluster: "lab", Tool: "test 1.0", Filter: "every event"}, sampleKube)
	m, err := export.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	want := int64(len(readJSON(t, auditlog.FieldVerb, sampleKube)))
	onDisk := files(t, out)
	if m.Rows != want || len(m.Files) != len(onDisk) || len(m.Runs) != 1 {
		t.Fatalf("manifest: %d rows, %d files, %d runs; want %d, %d, 1", m.Rows, len(m.Files), len(m.Runs), want, len(onDisk))
	}
	run := m.Runs[0]
	if run.Tool != "test 1.0" || run.Filter != "every event" || run.Cluster != "lab" || run.Rows != want ||
		run.First.IsZero() || !run.First.Before(run.Last) || !m.First.Equal(run.First) || !m.Last.Equal(run.Last) {
		t.Errorf("run: %+v", run)
	}
	var sum int64
	for _, f := range m.Files {
		sum += f.Rows
		if f.Run != run.ID || f.Bytes <= 0 {
			t.Errorf("file %+v", f)
		}
	}
	if sum != want {
		t.Errorf("files hold %d rows, want %d", sum, want)
	}
	if _, err := os.Stat(filepath.Join(out, export.SuccessName)); err != nil {
		t.Error(err)
	}
	check := func(what string, complete bool) *export.Check {
		t.Helper()
		c, err := export.Verify(out)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if c.Complete() != complete {
			t.Errorf("%s: %s", what, c)
		}
		return c
	}
	check("as written", true)

	success := filepath.Join(out, export.SuccessName)
	os.Remove(success)
	if c := check("without _SUCCESS", false); !c.NoSuccess {
		t.Errorf("without _SUCCESS: %+v", c)
	}
	os.WriteFile(success, nil, 0o644)

	first := filepath.Join(out, filepath.FromSlash(m.Files[0].Path))
	data, _ := os.ReadFile(first)
	extra := filepath.Join(filepath.Dir(first), "part-copy.parquet")
	os.WriteFile(extra, data, 0o644)
	if c := check("with a file more", false); len(c.Extra) != 1 {
		t.Errorf("with a file more: %+v", c)
	}
	os.Remove(extra)

	os.Rename(first, first+".away")
	if c := check("with a file less", false); len(c.Missing) != 1 || c.Missing[0] != m.Files[0].Path {
		t.Errorf("with a file less: %+v", c)
	}
	os.Rename(first+".away", first)

	m.Files[0].Rows++
	b, _ := json.Marshal(m)
	os.WriteFile(filepath.Join(out, export.ManifestName), b, 0o644)
	if c := check("with a row count changed", false); len(c.WrongRows) != 1 {
		t.Errorf("with a row count changed: %+v", c)
	}

	if _, err := export.Verify(t.TempDir()); !errors.Is(err, export.ErrNotExport) {
		t.Errorf("Verify of an empty directory: %v, want ErrNotExport", err)
	}
}

// TestAppendWithoutManifest: a directory that holds an export's files but
// no manifest is refused to an append, as its files would make the export
// incomplete for good.
func TestAppendWithoutManifest(t *testing.T) {
	out := exportOf(t, export.Options{}, "../testdata/corpus/falco-k8s-audit")
	os.Remove(filepath.Join(out, export.ManifestName))
	if _, err := export.NewWriter(out, export.Options{Append: true}); !errors.Is(err, export.ErrNoManifest) {
		t.Errorf("append to an export without manifest: %v, want ErrNoManifest", err)
	}
}
