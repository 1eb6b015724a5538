package mustgather

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readContent returns a file's content, gunzipped when its name ends in
// .gz, and the decompression error if any (with what was read before it).
func readContent(t testing.TB, path string) ([]byte, error) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, ".gz") {
		return raw, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	_, err = io.Copy(&out, zr)
	return out.Bytes(), err
}

// treeFiles lists the regular files under dir, relative, with slashes.
func treeFiles(t testing.TB, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// lines splits content into lines: the last one may lack its newline.
func lines(content []byte) [][]byte {
	ls := bytes.Split(content, []byte("\n"))
	if len(ls) > 0 && len(ls[len(ls)-1]) == 0 {
		ls = ls[:len(ls)-1]
	}
	return ls
}

// compareTrees fails unless both trees hold the same files with the same
// (uncompressed) content.
func compareTrees(t *testing.T, want, got string) {
	t.Helper()
	wf, gf := treeFiles(t, want), treeFiles(t, got)
	if strings.Join(wf, "\n") != strings.Join(gf, "\n") {
		t.Fatalf("file lists differ:\nwant %q\ngot  %q", wf, gf)
	}
	for _, f := range wf {
		if f == "README.md" {
			continue
		}
		a, aerr := readContent(t, filepath.Join(want, f))
		b, berr := readContent(t, filepath.Join(got, f))
		if !bytes.Equal(a, b) || !errors.Is(aerr, berr) && (aerr == nil) != (berr == nil) {
			t.Errorf("%s differs (%d vs %d bytes; errors %v, %v)", f, len(a), len(b), aerr, berr)
		}
	}
}
