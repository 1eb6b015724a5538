package auditlog

import (
	"cmp"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/auditlens/auditlens/internal/lognames"
)

// streams groups the sources to read into the streams Sorted merges, in
// the order of their first source: one per API server and node (a node's
// files, wherever they are), and for files whose name gives no node, one
// per API server and folder (a kube-apiserver's audit.log and its rotated
// files, as a vanilla cluster writes them). Each stream lists its sources
// in rotation order (see rotationOrder), so that a stream is written in
// time order, but for how long each request took.
func (r *Reader) streams() [][]int {
	type streamKey struct {
		server    Server
		node, dir string
	}
	index := map[streamKey]int{}
	var streams [][]int
	for i := range r.sources {
		src := &r.sources[i]
		if src.Skip != "" {
			continue
		}
		k := streamKey{server: src.Server, node: src.Node}
		switch {
		case isParquetName(src.Path):
			k = streamKey{node: parquetStream}
		case src.Node == "":
			k.dir = filepath.Dir(src.Path)
		}
		j, ok := index[k]
		if !ok {
			j = len(streams)
			streams = append(streams, nil)
			index[k] = j
		}
		streams[j] = append(streams[j], i)
	}
	for _, st := range streams {
		slices.SortStableFunc(st, func(a, b int) int {
			return compareRotations(rotationOf(r.sources[a].Path), rotationOf(r.sources[b].Path))
		})
	}
	return streams
}

// rotation is where a file's name puts it among the rotated files of one
// log, oldest first.
type rotation struct {
	// rank: 0 for a file named after the time it was rotated at
	// (audit-2021-03-09T14-07-27.129.log, audit.log-20210309), 1 for
	// logrotate's numbered files (audit.log.3, older than audit.log.1),
	// 2 for the live file and any other name.
	rank  int
	stamp string // rank 0: the time in the name
	num   int    // rank 1: logrotate's number
}

// rotationOf reads the rotation from a file's path. The names are those
// of lumberjack, which the API server writes with
// (NODE-audit-2021-03-09T14-07-27.129.log, possibly compressed), and of
// logrotate (audit.log.1, audit.log.2.gz, audit.log-20210309.gz with
// dateext).
func rotationOf(path string) rotation {
	stem := filepath.Base(path)
	for _, ext := range []string{".gz", ".zst"} {
		if s, ok := strings.CutSuffix(stem, ext); ok {
			stem = s
			break
		}
	}
	if s, ok := cutRotation(stem); ok {
		n, err := strconv.Atoi(stem[len(s)+1:])
		if err == nil {
			return rotation{rank: 1, num: n}
		}
	}
	if i := strings.LastIndex(stem, ".log-"); i >= 0 && lognames.IsStamp(stem[i+len(".log-"):]) {
		return rotation{rank: 0, stamp: stem[i+len(".log-"):]}
	}
	if s, ok := strings.CutSuffix(stem, ".log"); ok {
		if i := strings.LastIndex(s, "audit-"); i >= 0 && lognames.IsStamp(s[i+len("audit-"):]) {
			return rotation{rank: 0, stamp: s[i+len("audit-"):]}
		}
	}
	return rotation{rank: 2}
}

// compareRotations orders rotations oldest first: by time for named
// times, by decreasing number for logrotate's, the live file last.
func compareRotations(a, b rotation) int {
	return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.stamp, b.stamp), cmp.Compare(b.num, a.num))
}
