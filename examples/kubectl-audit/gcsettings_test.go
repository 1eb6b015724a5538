package main

import "testing"

func TestGCSettings(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name        string
		live        int64
		listing     bool
		wantPercent int
		wantLimit   int64
	}{
		{"before the first collection", 0, false, smallHeapPercent, memoryLimit},
		{"a few groups", 4 * mib, false, smallHeapPercent, memoryLimit},
		{"just below small", smallHeap - 1, false, smallHeapPercent, memoryLimit},
		{"small no more", smallHeap, false, gcPercent, memoryLimit},
		{"many groups, under the floor", 60 * mib, false, gcPercent, memoryLimit},
		{"many groups, above the floor", 200 * mib, false, gcPercent, 200*mib + 50*mib + 32*mib},
		{"a small listing", 4 * mib, true, gcPercent, memoryLimit},
		{"a large listing", 200 * mib, true, gcPercent, 200*mib + 25*mib + 24*mib},
	}
	for _, tt := range tests {
		percent, limit := gcSettings(tt.live, tt.listing, memoryLimit)
		if percent != tt.wantPercent || limit != tt.wantLimit {
			t.Errorf("%s: gcSettings(%d, %v) = %d, %d; want %d, %d", tt.name, tt.live, tt.listing, percent, limit, tt.wantPercent, tt.wantLimit)
		}
	}
}
