package auditparquet

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

var update = flag.Bool("update", false, "rewrite the committed seed files")

// seedFile is the committed file of testRows, written by an earlier
// version of the writer: a reader must still read it.
const seedFile = "testdata/fuzz/FuzzRead/seed-rows"

// readSeed returns the Parquet bytes of a committed fuzz seed.
func readSeed(t *testing.T, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, lit, ok := strings.Cut(string(b), "\n[]byte(")
	if !ok {
		t.Fatalf("%s: not a fuzz seed of []byte", path)
	}
	s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimSpace(lit), ")"))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return []byte(s)
}

func writeSeed(t *testing.T, path string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	text := "go test fuzz v1\n[]byte(" + strconv.Quote(string(data)) + ")\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSeeds checks that the committed file of testRows still reads as
// testRows (the format has not changed under the reader), and that the
// damaged seeds are reported as damaged. With -update, it rewrites them.
func TestSeeds(t *testing.T) {
	if *update {
		data := writeRows(t, testRows())
		writeSeed(t, seedFile, data)
		writeSeed(t, "testdata/fuzz/FuzzRead/seed-cut", data[:len(data)*2/3])
		flipped := bytes.Clone(data)
		for i := len(data) / 3; i < len(data)/3+64; i++ {
			flipped[i] ^= 0x5a
		}
		writeSeed(t, "testdata/fuzz/FuzzRead/seed-flipped", flipped)
	}
	evs, metas := readRows(t, readSeed(t, seedFile), AllColumns, true)
	rows := testRows()
	if len(evs) != len(rows) {
		t.Fatalf("%d rows in the seed, want %d", len(evs), len(rows))
	}
	for i := range rows {
		if len(rows[i].ev.Annotations) == 0 {
			rows[i].ev.Annotations = nil
		}
		if !reflect.DeepEqual(evs[i], rows[i].ev) || metas[i] != rows[i].meta {
			t.Errorf("row %d of the seed:\n got %+v %+v\nwant %+v %+v", i, evs[i], metas[i], rows[i].ev, rows[i].meta)
		}
	}
	data := readSeed(t, "testdata/fuzz/FuzzRead/seed-cut")
	if _, err := Open(bytes.NewReader(data), int64(len(data))); !errors.Is(err, ErrDamaged) {
		t.Errorf("a file cut short: %v, want ErrDamaged", err)
	}
	if n, err := readAll(readSeed(t, "testdata/fuzz/FuzzRead/seed-flipped")); !errors.Is(err, ErrDamaged) {
		t.Errorf("a file with flipped bytes: %d rows, %v; want ErrDamaged", n, err)
	}
}

// readAll reads every row of every row group of data, with every column,
// in both modes, and returns the rows read and the first error.
func readAll(data []byte) (int64, error) {
	f, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 0, err
	}
	var n int64
	var first error
	var r Rows
	var ev auditv1.Event
	var m Meta
	for rg := range f.NumRowGroups() {
		for _, fresh := range []bool{false, true} {
			if err := r.Open(f, rg, AllColumns, fresh); err != nil {
				first = cmpOr(first, err)
				continue
			}
			for r.Next(&ev, &m) {
				n++
			}
			first = cmpOr(first, r.Err())
		}
	}
	r.Close()
	return n, first
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// FuzzRead reads arbitrary bytes as an export file: Open and reading rows
// never panic, errors about a file of ours wrap ErrDamaged, and a file
// that reads without error gives every row of every row group.
func FuzzRead(f *testing.F) {
	f.Add(writeRows(f, testRows()))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if !errors.Is(err, ErrDamaged) && !errors.Is(err, ErrForeign) {
				t.Fatalf("Open: %v wraps neither ErrDamaged nor ErrForeign", err)
			}
			return
		}
		var want int64
		for rg := range file.NumRowGroups() {
			want += 2 * file.NumRows(rg)
		}
		n, err := readAll(data)
		if err != nil && !errors.Is(err, ErrDamaged) {
			t.Fatalf("reading rows: %v does not wrap ErrDamaged", err)
		}
		if err == nil && n != want {
			t.Fatalf("read %d rows without error, want %d", n, want)
		}
	})
}
