package auditlog

import (
	"testing"

	"k8s.io/apimachinery/pkg/types"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/auditlens/auditlens/internal/samplehash"
)

// TestEntrySampleHash checks that an entry's SampleHash is its auditID's,
// worked out again when the entry is reset to another event (as a reader
// reuses its entries).
func TestEntrySampleHash(t *testing.T) {
	var e Entry
	for _, id := range []string{"ac9f1de1-bfaa-4c67-a55b-5fb051025abb", "a", ""} {
		e.Reset(&auditv1.Event{AuditID: "x"}, nil, 1, "")
		_ = e.SampleHash()
		e.Reset(&auditv1.Event{AuditID: types.UID(id)}, nil, 2, "")
		if got, want := e.SampleHash(), samplehash.Of(id); got != want || e.SampleHash() != want {
			t.Errorf("auditID %q: SampleHash %#x, want %#x", id, got, want)
		}
	}
}
