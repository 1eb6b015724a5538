// Package lognames holds what the reader of audit logs (auditlog) and
// their follower (auditlog/follow) both know of the names of rotated log
// files.
package lognames

import "strings"

// IsStamp reports whether s looks like the time in a rotated log's name
// (2021-03-09T14-07-27.129, 20260102): a digit, then digits and -T:.Z+.
func IsStamp(s string) bool {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || strings.ContainsRune("-T:.Z+", c)) {
			return false
		}
	}
	return true
}
