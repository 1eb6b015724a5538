package auditlog

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestRotationOrder(t *testing.T) {
	// Each list is in rotation order, oldest first.
	for _, names := range [][]string{
		{"audit-2024-01-01T00-00-00.000.log.gz", "audit-2024-01-01T06-00-00.000.log.gz", "audit-2024-01-02T00-00-00.000.log", "audit.log"},
		{"master-0-audit-2021-03-09T14-07-27.129.log.gz", "master-0-audit-2021-03-09T15-07-27.129.log.zst", "master-0-audit.log"},
		{"audit.log.10.gz", "audit.log.9", "audit.log.2.gz", "audit.log.1", "audit.log"},
		{"audit.log-20240101.gz", "audit.log-20240102", "audit.log"},
		{"kube-apiserver.log", "events.json", "audit.log"}, // no rotation: as given
	} {
		for _, rot := range [][]string{names, reversed(names)} {
			var sources []Source
			for _, n := range rot {
				sources = append(sources, Source{Path: filepath.Join("dir", n)})
			}
			r := NewReader(sources, Options{EveryStage: true, EveryCopy: true})
			streams := r.streams()
			if len(streams) != 1 {
				t.Fatalf("%v: %d streams, want 1", rot, len(streams))
			}
			var got []string
			for _, i := range streams[0] {
				got = append(got, filepath.Base(sources[i].Path))
			}
			want := names
			if names[0] == "kube-apiserver.log" {
				want = rot // no rotation in the names: the order given
			}
			if !slices.Equal(got, want) {
				t.Errorf("from %v: got %v, want %v", rot, got, want)
			}
		}
	}
}

func reversed(s []string) []string {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}

func TestStreams(t *testing.T) {
	sources := []Source{
		{Path: "a/audit.log", Server: ServerKube},
		{Path: "b/audit.log", Server: ServerKube},                            // another folder: another API server
		{Path: "a/audit-2024-01-01T00-00-00.000.log.gz", Server: ServerKube}, // a's rotated file
		{Path: "a/m0-audit.log", Server: ServerKube, Node: "m0"},
		{Path: "c/m0-audit-2024-01-01T00-00-00.000.log.gz", Server: ServerKube, Node: "m0"}, // m0 wherever it is
		{Path: "a/audit.log.1", Server: ServerOpenShift},                                    // another server
		{Path: "a/skipped.log", Server: ServerKube, Skip: "lock file"},
	}
	got := NewReader(sources, Options{EveryStage: true, EveryCopy: true}).streams()
	want := [][]int{{2, 0}, {1}, {4, 3}, {5}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("streams %v, want %v", got, want)
	}
}
