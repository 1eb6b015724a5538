package follow

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/auditlens/auditlens/internal/lognames"
)

// nameKind is what a directory entry's name makes it.
type nameKind int

const (
	nameOther   nameKind = iota // not an audit log: not followed
	nameLive                    // a live audit log, followed
	nameRotated                 // a rotated audit log, read only from the start
	nameQuiet                   // bookkeeping (hidden, termination.log...): ignored quietly
)

// rotatedName is a rotated file's name read: the live file it was
// rotated from and where it stands among that file's rotations.
type rotatedName struct {
	live       string // the live file's name (audit.log)
	compressed bool   // .gz
	rank       int    // 0: named after a time, 1: logrotate's number
	stamp      string // rank 0: the time in the name
	num        int    // rank 1: the number (higher is older)
}

// classify tells what a file name (no directory) is. For a rotated name
// it also returns the name read.
func classify(name string) (nameKind, rotatedName) {
	if name == "" || name[0] == '.' {
		return nameQuiet, rotatedName{}
	}
	plain, compressed := strings.CutSuffix(name, ".gz")
	if r, ok := parseRotated(plain); ok {
		r.compressed = compressed
		return nameRotated, r
	}
	if compressed || !strings.HasSuffix(name, ".log") {
		return nameOther, rotatedName{}
	}
	for _, word := range []string{"termination", "startup"} {
		if strings.HasPrefix(name, word) || strings.Contains(name, "-"+word) {
			return nameQuiet, rotatedName{}
		}
	}
	if name == "lock.log" {
		return nameQuiet, rotatedName{}
	}
	return nameLive, rotatedName{}
}

// parseRotated reads an uncompressed rotated name: lumberjack's
// NAME-STAMP.log (from NAME.log), logrotate's NAME.log.N and, with
// dateext, NAME.log-DATE.
func parseRotated(name string) (rotatedName, bool) {
	if i := strings.LastIndexByte(name, '.'); i > 0 && strings.HasSuffix(name[:i], ".log") {
		if n, err := strconv.Atoi(name[i+1:]); err == nil && n >= 0 && isDigits(name[i+1:]) {
			return rotatedName{live: name[:i], rank: 1, num: n}, true
		}
	}
	if i := strings.LastIndex(name, ".log-"); i > 0 && lognames.IsStamp(name[i+len(".log-"):]) {
		return rotatedName{live: name[:i+len(".log")], stamp: name[i+len(".log-"):]}, true
	}
	if stem, ok := strings.CutSuffix(name, ".log"); ok {
		// The stamp itself holds dashes: find the dash before its first
		// digit run that makes the rest a stamp, from the left.
		for i := strings.IndexByte(stem, '-'); i > 0; {
			if lognames.IsStamp(stem[i+1:]) && hasDate(stem[i+1:]) {
				return rotatedName{live: stem[:i] + ".log", stamp: stem[i+1:]}, true
			}
			j := strings.IndexByte(stem[i+1:], '-')
			if j < 0 {
				break
			}
			i += 1 + j
		}
	}
	return rotatedName{}, false
}

// compareRotated orders rotated files of one live file oldest first: by
// the time in their names, then logrotate's numbers from the highest.
func compareRotated(a, b rotatedName) int {
	return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.stamp, b.stamp), cmp.Compare(b.num, a.num))
}

// isDigits reports whether s is one or more ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// hasDate reports whether a stamp starts with a year, month and day
// (2026-01-02...), so that a node name's number (node-3-audit.log) is not
// taken for one.
func hasDate(s string) bool {
	return len(s) >= len("2006-01-02") && isDigits(s[:4]) && s[4] == '-' && isDigits(s[5:7]) && s[7] == '-' && isDigits(s[8:10])
}

// sortRotated orders one live file's rotated files oldest first.
func sortRotated(q []rotatedFile) {
	slices.SortStableFunc(q, func(a, b rotatedFile) int { return compareRotated(a.name, b.name) })
}
