package lognames

import "testing"

func TestIsStamp(t *testing.T) {
	for s, want := range map[string]bool{
		"2021-03-09T14-07-27.129": true, "20260102": true, "2026-01-02T15:04:05Z": true, "2026-01-02T15:04:05+01:00": true,
		"": false, "T2026": false, "2026-01-02 15:04": false, "3a": false, "-1": false,
	} {
		if got := IsStamp(s); got != want {
			t.Errorf("IsStamp(%q) = %v, want %v", s, got, want)
		}
	}
}
