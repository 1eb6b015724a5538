package aggregate

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden compares the result of every aggregator over the corpus and
// the synthetic events with testdata/golden/KIND.json. Run with -update to
// rewrite the files after a deliberate change, and review the diff.
func TestGolden(t *testing.T) {
	entries := allEntries(t)
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			s := k.make()
			for _, e := range entries {
				s.Add(e)
			}
			got := append(resultJSON(t, k.result(s)), '\n')
			path := filepath.Join("testdata", "golden", k.name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("result differs from %s (run go test -update and review the diff):\n%s", path, clip(got))
			}
		})
	}
}
