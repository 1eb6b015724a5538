package main

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"strings"
)

// answer is a question's output, read back for comparison. Lines are
// compared with their white space collapsed, so that column alignment
// (which depends on how many lines a tabwriter saw at once) does not count.
type answer struct {
	// summary is the "count: N, first: ..." line, wherever it was.
	summary string
	// lines are the other non-empty lines (top and grouped views).
	lines []string
	// count and hash are a listing's line count and an order-free hash of
	// its lines (the sum of their FNV-1a hashes): listings of the same
	// events in a different order of equal times hash the same.
	count int64
	hash  uint64
}

// readAnswer reads an answer of the given kind from a file.
func readAnswer(path string, kind answerKind) (answer, error) {
	f, err := os.Open(path)
	if err != nil {
		return answer{}, err
	}
	defer f.Close()
	return parseAnswer(f, kind)
}

// parseAnswer reads an answer of the given kind.
func parseAnswer(r io.Reader, kind answerKind) (answer, error) {
	var a answer
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), naiveMaxLine)
	h := fnv.New64a()
	for sc.Scan() {
		line := strings.Join(strings.Fields(sc.Text()), " ")
		switch {
		case line == "":
		case a.summary == "" && strings.HasPrefix(line, "count: "):
			a.summary = line
		case kind == kindListing:
			h.Reset()
			h.Write([]byte(line))
			a.hash += h.Sum64()
			a.count++
		default:
			a.lines = append(a.lines, line)
		}
	}
	return a, sc.Err()
}

// maxDiffs is how many differing lines a comparison reports.
const maxDiffs = 5

// diffAnswers lists how got differs from want; nil when they are equal.
func diffAnswers(got, want answer) []string {
	var diffs []string
	if got.summary != want.summary {
		diffs = append(diffs, fmt.Sprintf("summary: got %q, want %q", got.summary, want.summary))
	}
	if got.count != want.count || got.hash != want.hash {
		diffs = append(diffs, fmt.Sprintf("listing: got %d lines (hash %016x), want %d lines (hash %016x)",
			got.count, got.hash, want.count, want.hash))
	}
	for i := 0; i < max(len(got.lines), len(want.lines)) && len(diffs) < maxDiffs; i++ {
		var g, w string
		if i < len(got.lines) {
			g = got.lines[i]
		}
		if i < len(want.lines) {
			w = want.lines[i]
		}
		if g != w {
			diffs = append(diffs, fmt.Sprintf("line %d: got %q, want %q", i+1, g, w))
		}
	}
	return diffs
}

// readSummary returns the summary line of a file, "" when it has none.
func readSummary(path string) (string, error) {
	a, err := readAnswer(path, kindTop)
	return a.summary, err
}
