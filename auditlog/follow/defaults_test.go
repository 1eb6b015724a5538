package follow_test

import (
	"testing"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/auditlog/follow"
)

// TestDefaultMaxLine: a line too long to follow is too long to read, and
// the other way round.
func TestDefaultMaxLine(t *testing.T) {
	if follow.DefaultMaxLine != auditlog.DefaultMaxLineBytes {
		t.Errorf("follow.DefaultMaxLine %d, auditlog.DefaultMaxLineBytes %d", follow.DefaultMaxLine, auditlog.DefaultMaxLineBytes)
	}
}
