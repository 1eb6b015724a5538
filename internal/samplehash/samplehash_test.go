package samplehash

import "testing"

// TestOfStable pins the hash (aggregate.SampleHash, auditlog.Entry's):
// changing it changes every sample of every result.
func TestOfStable(t *testing.T) {
	for id, want := range map[string]uint64{
		"":                                     0x0,
		"a":                                    0x613732f6c54c1e84,
		"ac9f1de1-bfaa-4c67-a55b-5fb051025abb": 0x49308cabcdc46f5a,
	} {
		if got := Of(id); got != want {
			t.Errorf("Of(%q) = %#x, want %#x", id, got, want)
		}
	}
}
