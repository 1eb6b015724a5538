package findings

import (
	"testing"
	"unsafe"
)

// TestTableGetString checks that a table looked up by a string that points
// into a buffer keeps a copy of a new key, finds it again, and counts a
// request whose key would be new in a full table as dropped.
func TestTableGetString(t *testing.T) {
	tb := newTable[counter](2)
	buf := []byte("alice")
	// The key points into buf, as an event's strings point into its line.
	tb.getString(unsafe.String(&buf[0], len(buf))).n++
	copy(buf, "XXXXX") // the line's buffer is reused
	tb.getString("alice").n++
	tb.getString("bob").n++
	if v := tb.getString("carol"); v != nil {
		t.Errorf("a new key in a full table: got a value, want nil")
	}
	if got := tb.m["alice"]; got == nil || got.n != 2 {
		t.Errorf("alice: got %v, want a count of 2", got)
	}
	if tb.dropped != 1 || len(tb.m) != 2 {
		t.Errorf("got %d keys and %d dropped, want 2 and 1", len(tb.m), tb.dropped)
	}
}

// counter is a count, for tables.
type counter struct{ n int64 }

func (c *counter) merge(o *counter) { c.n += o.n }
func (c *counter) requests() int64  { return c.n }
