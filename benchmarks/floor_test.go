package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/auditlens/auditlens/internal/mustgather"
)

// TestKlauspostFloorReadsWhatTheFloorReads: the klauspost floor, which a
// harness built with another inflater measures beside the floor, reads
// the same files to the same bytes, gzip (several members) and plain.
func TestKlauspostFloorReadsWhatTheFloorReads(t *testing.T) {
	dir := t.TempDir()
	if _, err := mustgather.Generate(dir, mustgather.Config{Seed: 3, Events: 2000, Scenarios: mustgather.ScenarioMix}); err != nil {
		t.Fatal(err)
	}
	kube := filepath.Join(dir, "audit_logs", "kube-apiserver")
	// Two members in one file, as a rotated log appended to is.
	files, err := filepath.Glob(filepath.Join(kube, "*.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no gzip files in the generated set: %v", err)
	}
	gz, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(files[0], append(gz, gz...), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := runFloor(kube, 2)
	if err != nil {
		t.Fatal(err)
	}
	got, err := runKlauspostFloor(kube, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got.Bytes != want.Bytes || got.Files != want.Files || want.Bytes == 0 || want.Files <= len(files) {
		t.Errorf("klauspost floor %+v, floor %+v (%d gzip files)", got, want, len(files))
	}
}
