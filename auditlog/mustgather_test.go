package auditlog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// badTruth is the part of the generator's truth.json about injected bad
// input and totals.
type badTruth struct {
	Servers map[string]struct {
		Lines  int64 `json:"lines"`
		Events int64 `json:"events"`
	} `json:"servers"`
	Bad struct {
		Lines []struct {
			Kind   string `json:"kind"`
			File   string `json:"file"`
			Line   int64  `json:"line"`
			Offset int64  `json:"offset"`
		} `json:"lines"`
	} `json:"bad"`
}

// TestReadMustGatherBad reads the committed must-gather with injected bad
// input and checks every injection is reported at its file and line, and
// every valid event around it is read.
func TestReadMustGatherBad(t *testing.T) {
	const root = "../testdata/must-gather-bad"
	data, err := os.ReadFile(filepath.Join(root, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var truth badTruth
	if err := json.Unmarshal(data, &truth); err != nil {
		t.Fatal(err)
	}
	sources, err := Find(root)
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader(sources, Options{EveryStage: true, EveryCopy: true, Fields: FieldVerb})
	perServer := map[Server]int64{}
	read := map[string]bool{}
	for e := range r.All() {
		perServer[e.Source.Server]++
		read[rel(root, e.Source.Path)+":"+itoa(int(e.Line))] = true
	}
	rep := r.Report()
	for server, want := range truth.Servers {
		if got := perServer[Server(server)]; got != want.Events {
			t.Errorf("%s: %d events, want %d", server, got, want.Events)
		}
	}
	var wantBad, wantCut, gotBad, gotCut []string
	for _, l := range truth.Bad.Lines {
		at := l.File + ":" + itoa(int(l.Line))
		switch l.Kind {
		case "non-json":
			wantBad = append(wantBad, at)
		case "cut-last-line":
			wantCut = append(wantCut, at)
		case "host-prefix", "invalid-utf8", "huge-line":
			if !read[at] {
				t.Errorf("%s line %s was not read", l.Kind, at)
			}
		case "truncated-gzip":
			d := rep.Problems[Decompress]
			if d.Count != 1 || rel(root, d.Samples[0].File) != l.File || d.Samples[0].Offset < l.Offset {
				t.Errorf("decompression errors %+v, want one in %s after byte %d", d, l.File, l.Offset)
			}
		}
	}
	for _, s := range rep.Problems[BadJSON].Samples {
		gotBad = append(gotBad, rel(root, s.File)+":"+itoa(int(s.Line)))
	}
	for _, s := range rep.Problems[Truncated].Samples {
		gotCut = append(gotCut, rel(root, s.File)+":"+itoa(int(s.Line)))
	}
	for _, l := range [][]string{wantBad, wantCut, gotBad, gotCut} {
		slices.Sort(l)
	}
	if !slices.Equal(gotBad, wantBad) || rep.Problems[BadJSON].Count != int64(len(wantBad)) {
		t.Errorf("bad JSON at %q, want %q", gotBad, wantBad)
	}
	if !slices.Equal(gotCut, wantCut) {
		t.Errorf("truncated lines at %q, want %q", gotCut, wantCut)
	}
	if n := rep.Problems[SkippedFile].Count; n < 6 {
		t.Errorf("%d skipped files; the termination and lock logs should be listed", n)
	}
	for _, s := range rep.Problems[SkippedFile].Samples {
		if strings.HasSuffix(s.File, "-audit.log") {
			t.Errorf("live audit log skipped: %v", s)
		}
	}
}

func rel(root, p string) string {
	r, err := filepath.Rel(root, p)
	if err != nil {
		return p
	}
	return filepath.ToSlash(r)
}
