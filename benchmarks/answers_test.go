package main

import (
	"strings"
	"testing"
)

func TestParseAnswer(t *testing.T) {
	tests := []struct {
		name       string
		kind       answerKind
		text       string
		summary    string
		lines      []string
		count      int64
		sameHashAs string
	}{
		{
			name:    "top, padding collapsed",
			kind:    kindTop,
			text:    "count: 3, first: T1, last: T2, duration: 1s\n2x                   alice\n1x\t bob\n",
			summary: "count: 3, first: T1, last: T2, duration: 1s",
			lines:   []string{"2x alice", "1x bob"},
		},
		{
			name:  "grouped, blank lines dropped",
			kind:  kindGrouped,
			text:  "\nTop 10 \"GET\" (of 2 total hits):\n      2x [      1ms] [200-2]   /api   [u]\n",
			lines: []string{`Top 10 "GET" (of 2 total hits):`, "2x [ 1ms] [200-2] /api [u]"},
		},
		{
			name:       "listing, summary after the lines, order does not count",
			kind:       kindListing,
			text:       "a  1\nb 2\ncount: 2, first: X\n",
			summary:    "count: 2, first: X",
			count:      2,
			sameHashAs: "b 2\na 1\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := parseAnswer(strings.NewReader(tt.text), tt.kind)
			if err != nil {
				t.Fatal(err)
			}
			if a.summary != tt.summary || a.count != tt.count || strings.Join(a.lines, "|") != strings.Join(tt.lines, "|") {
				t.Errorf("got summary %q, count %d, lines %q", a.summary, a.count, a.lines)
			}
			if tt.sameHashAs != "" {
				b, _ := parseAnswer(strings.NewReader(tt.sameHashAs), tt.kind)
				if a.hash != b.hash || a.hash == 0 {
					t.Errorf("hashes %x and %x differ", a.hash, b.hash)
				}
			}
		})
	}
}

func TestDiffAnswers(t *testing.T) {
	base := answer{summary: "count: 2", lines: []string{"2x alice", "1x bob"}}
	tests := []struct {
		name  string
		got   answer
		diffs int
	}{
		{"equal", base, 0},
		{"summary", answer{summary: "count: 3", lines: base.lines}, 1},
		{"row", answer{summary: base.summary, lines: []string{"2x alice", "1x carol"}}, 1},
		{"missing row", answer{summary: base.summary, lines: base.lines[:1]}, 1},
		{"listing count", answer{summary: base.summary, lines: base.lines, count: 1}, 1},
		{"listing hash", answer{summary: base.summary, lines: base.lines, hash: 7}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := diffAnswers(tt.got, base); len(d) != tt.diffs {
				t.Errorf("diffs %q, want %d", d, tt.diffs)
			}
		})
	}
}

func TestModelName(t *testing.T) {
	for _, c := range []struct{ cpuinfo, want string }{
		{"processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Processor\nflags\t: avx2\n\nprocessor\t: 1\nmodel name\t: other\n", "Intel(R) Xeon(R) Processor"},
		{"processor : 0\nmodel name : AMD EPYC 7B13 64-Core Processor\n", "AMD EPYC 7B13 64-Core Processor"},
		{"processor\t: 0\nBogoMIPS\t: 50.00\n", ""}, // arm64 has none
		{"", ""},
	} {
		if got := modelName(c.cpuinfo); got != c.want {
			t.Errorf("modelName(%q) = %q, want %q", c.cpuinfo, got, c.want)
		}
		if got, want := onProcessor(c.want) != "", c.want != ""; got != want {
			t.Errorf("onProcessor(%q) = %q", c.want, onProcessor(c.want))
		}
	}
}
