package mustgather

import (
	"fmt"
	"math/rand/v2"
)

// badKind is a kind of injected line.
type badKind uint8

const (
	badNone badKind = iota
	badNonJSON
	badHostPrefix
	badInvalidUTF8
	badHugeLine
)

var badNames = map[badKind]string{
	badNonJSON: "non-json", badHostPrefix: "host-prefix", badInvalidUTF8: "invalid-utf8", badHugeLine: "huge-line",
}

const (
	badTruncatedGzip = "truncated-gzip"
	badCutLastLine   = "cut-last-line"
)

// filePlan is the broken input planned for one file.
type filePlan struct {
	truncateAfter int64 // cut the gzip stream after this line; 0: no
	cut           bool  // end the file with half an event
	lines         map[int64]badKind
}

// fileID names a kube-apiserver file: master index and file index.
type fileID struct{ node, file int }

// planBad draws the places of the injections. Line injections land in the
// first half of a file's expected lines.
func planBad(rng *rand.Rand, cfg Config) map[fileID]*filePlan {
	plans := map[fileID]*filePlan{}
	if cfg.Bad.Total() == 0 {
		return plans
	}
	get := func(id fileID) *filePlan {
		p := plans[id]
		if p == nil {
			p = &filePlan{lines: map[int64]badKind{}}
			plans[id] = p
		}
		return p
	}
	rotEst := float64(cfg.Events) / float64(cfg.Masters) / (float64(cfg.Files-1) + cfg.LiveFraction)
	half := func(id fileID) int64 {
		est := rotEst
		if id.file == cfg.Files-1 {
			est *= cfg.LiveFraction
		}
		return max(int64(est/2), 1)
	}
	var rotated, all []fileID
	for _, n := range rng.Perm(cfg.Masters) {
		for f := 0; f < cfg.Files; f++ {
			all = append(all, fileID{n, f})
			if f < cfg.Files-1 {
				rotated = append(rotated, fileID{n, f})
			}
		}
	}
	rng.Shuffle(len(rotated), func(i, j int) { rotated[i], rotated[j] = rotated[j], rotated[i] })
	truncated := map[fileID]bool{}
	for _, id := range rotated[:cfg.Bad.TruncatedGzip] {
		get(id).truncateAfter = half(id)
		truncated[id] = true
	}
	// Cut last lines: live files first, in the drawn node order.
	var cutOrder []fileID
	for _, id := range all {
		if id.file == cfg.Files-1 {
			cutOrder = append(cutOrder, id)
		}
	}
	for _, id := range all {
		if id.file < cfg.Files-1 && !truncated[id] {
			cutOrder = append(cutOrder, id)
		}
	}
	for _, id := range cutOrder[:min(cfg.Bad.CutLastLine, len(cutOrder))] {
		get(id).cut = true
	}
	var open []fileID
	for _, id := range all {
		if !truncated[id] {
			open = append(open, id)
		}
	}
	if len(open) == 0 {
		return plans
	}
	for _, k := range []struct {
		kind badKind
		n    int
	}{{badNonJSON, cfg.Bad.NonJSON}, {badHostPrefix, cfg.Bad.HostPrefix}, {badInvalidUTF8, cfg.Bad.InvalidUTF8}, {badHugeLine, cfg.Bad.HugeLine}} {
		for i := 0; i < k.n; i++ {
			for try := 0; try < 1000; try++ {
				id := open[rng.IntN(len(open))]
				p := get(id)
				line := 1 + rng.Int64N(half(id))
				if p.lines[line] == badNone {
					p.lines[line] = k.kind
					break
				}
			}
		}
	}
	return plans
}

// nonJSONLine is the text of the i-th injected non-JSON line.
func nonJSONLine(i int, at int64) []byte {
	if i%2 == 0 {
		return fmt.Appendf(nil, "I%s       1 trace.go:205] Trace[%d]: \"Reflector ListAndWatch\" (not an audit event)",
			appendTime(nil, at, "0102 15:04:05.000000"), 1000+i)
	}
	return fmt.Appendf(nil, `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"bad-%d","stage":`, i)
}
