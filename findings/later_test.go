package findings

import (
	"testing"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
)

// TestLaterFields: the detectors read the source IPs and user agent only
// for the requests that need them, so a reader may leave them for later;
// in a Set beside an aggregator that reads the user agent of every
// request, only the source IPs are left.
func TestLaterFields(t *testing.T) {
	d := New(Options{})
	want := auditlog.FieldSourceIPs | auditlog.FieldUserAgent
	if got := d.LaterFields(); got != want {
		t.Errorf("Detectors.LaterFields() = %v, want %v", got, want)
	}
	if d.Fields()&want != want {
		t.Errorf("Detectors.Fields() = %v, lacks %v", d.Fields(), want)
	}
	s := new(aggregate.Set)
	aggregate.Include(s, New(Options{}))
	if got := s.LaterFields(); got != want {
		t.Errorf("Set of the detectors: LaterFields() = %v, want %v", got, want)
	}
	aggregate.Include(s, aggregate.NewCount(aggregate.KeyUserAgent))
	if got := s.LaterFields(); got != auditlog.FieldSourceIPs {
		t.Errorf("Set of the detectors and a count by user agent: LaterFields() = %v, want %v", got, auditlog.FieldSourceIPs)
	}
}
