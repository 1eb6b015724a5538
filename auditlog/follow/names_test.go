package follow

import (
	"slices"
	"testing"
)

// TestClassify: which names are live, rotated (of which live file) or not
// followed.
func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		kind nameKind
		live string
	}{
		{"audit.log", nameLive, ""},
		{"master-0-audit.log", nameLive, ""},
		{"node-2-audit.log", nameLive, ""},
		{"audit-2026-01-02T15-04-05.000.log", nameRotated, "audit.log"},
		{"audit-2026-01-02T15-04-05.000.log.gz", nameRotated, "audit.log"},
		{"master-0-audit-2026-01-02T15-04-05.000.log", nameRotated, "master-0-audit.log"},
		{"node-2-audit-2026-01-02T15-04-05.000.log.gz", nameRotated, "node-2-audit.log"},
		{"audit.log.1", nameRotated, "audit.log"},
		{"audit.log.12.gz", nameRotated, "audit.log"},
		{"audit.log-20260102", nameRotated, "audit.log"},
		{"audit.log-20260102.gz", nameRotated, "audit.log"},
		{"termination.log", nameQuiet, ""},
		{"kube-apiserver-termination.log", nameQuiet, ""},
		{"startup.log", nameQuiet, ""},
		{"lock.log", nameQuiet, ""},
		{".audit.log.swp", nameQuiet, ""},
		{"notes.txt", nameOther, ""},
		{"events.json.gz", nameOther, ""},
		{"audit.log.x", nameOther, ""},
	}
	for _, tt := range tests {
		kind, r := classify(tt.name)
		if kind != tt.kind || r.live != tt.live {
			t.Errorf("classify(%q) = %d, %q; want %d, %q", tt.name, kind, r.live, tt.kind, tt.live)
		}
	}
}

// TestSortRotated: oldest first, by time, then logrotate's numbers from
// the highest.
func TestSortRotated(t *testing.T) {
	names := []string{
		"audit.log.1", "audit-2026-01-03T00-00-00.000.log", "audit.log.3.gz",
		"audit-2026-01-01T00-00-00.000.log.gz", "audit.log.2", "audit-2026-01-02T00-00-00.000.log",
	}
	var q []rotatedFile
	for _, n := range names {
		_, r := classify(n)
		q = append(q, rotatedFile{name: r, plain: n})
	}
	sortRotated(q)
	var got []string
	for _, r := range q {
		got = append(got, r.plain)
	}
	want := []string{
		"audit-2026-01-01T00-00-00.000.log.gz", "audit-2026-01-02T00-00-00.000.log", "audit-2026-01-03T00-00-00.000.log",
		"audit.log.3.gz", "audit.log.2", "audit.log.1",
	}
	if !slices.Equal(got, want) {
		t.Errorf("order %q, want %q", got, want)
	}
}
