package heavy

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// table is the least table a Summary serves: counts by key, at positions.
type table struct {
	index map[string]int32
	keys  []string // "" at a free position
	count []int64
	at    []int64
	free  []int32
	max   int
	sum   Summary
}

func newTable(max int) *table { return &table{index: map[string]int32{}, max: max} }

func (t *table) row(i int32) Row { return Row{Live: t.keys[i] != "", Count: t.count[i], At: t.at[i]} }

func (t *table) letGo(i int32) {
	delete(t.index, t.keys[i])
	t.keys[i], t.count[i] = "", 0
	t.free = append(t.free, i)
}

func (t *table) slot(key string) int32 {
	if i, ok := t.index[key]; ok {
		return i
	}
	if len(t.index) >= t.max {
		t.sum.Evict(int32(len(t.keys)), t.row, t.letGo)
	}
	var i int32
	if n := len(t.free); n > 0 {
		i, t.free = t.free[n-1], t.free[:n-1]
	} else {
		i = int32(len(t.keys))
		t.keys, t.count, t.at = append(t.keys, ""), append(t.count, 0), append(t.at, 0)
	}
	t.keys[i] = key
	t.index[key] = i
	t.sum.Admit(i)
	return i
}

func (t *table) add(key string, at int64) {
	i := t.slot(key)
	t.count[i]++
	t.at[i] = at
}

func (t *table) merge(o *table) {
	t.sum.BeginMerge(int32(len(t.keys)))
	for i, k := range o.keys {
		if k == "" {
			continue
		}
		j := t.slot(k)
		t.sum.Merged(j, o.sum.Lacks(int32(i)))
		t.count[j] += o.count[i]
		t.at[j] = max(t.at[j], o.at[i])
	}
	t.sum.EndMerge(&o.sum, int32(len(t.keys)), func(i int32) bool { return t.keys[i] != "" })
}

// TestSummaryBounds checks the summary's promises through a table split
// in parts and merged: for every key, count <= true count <= count +
// Lacks; a key without a row had at most Floor; every event is in a row
// or in Dropped; a key counted far more often than the others stays.
func TestSummaryBounds(t *testing.T) {
	for _, tc := range []struct{ n, keys, max, parts int }{
		{20000, 5000, 256, 1}, {20000, 5000, 256, 4}, {5000, 100, 1000, 3}, {3000, 3000, 64, 2},
	} {
		t.Run(fmt.Sprint(tc), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(tc.n), uint64(tc.keys)))
			truth := map[string]int64{}
			parts := make([]*table, tc.parts)
			for i := range parts {
				parts[i] = newTable(tc.max)
			}
			for i := range tc.n {
				key := fmt.Sprint("k", rng.IntN(tc.keys))
				if i%5 == 0 {
					key = "heavy"
				}
				truth[key]++
				parts[i*tc.parts/tc.n].add(key, int64(i)*1e9)
			}
			for _, p := range parts[1:] {
				parts[0].merge(p)
			}
			tb := parts[0]
			if len(tb.index) > tc.max {
				t.Fatalf("%d rows, at most %d", len(tb.index), tc.max)
			}
			var kept int64
			for key, want := range truth {
				i, ok := tb.index[key]
				if !ok {
					if want > tb.sum.Floor() {
						t.Errorf("%s: %d events, no row, floor %d", key, want, tb.sum.Floor())
					}
					continue
				}
				if c := tb.count[i]; c > want || c+tb.sum.Lacks(i) < want {
					t.Errorf("%s: %d events, row says %d + at most %d", key, want, c, tb.sum.Lacks(i))
				}
				kept += tb.count[i]
			}
			if kept+tb.sum.Dropped() != int64(tc.n) {
				t.Errorf("%d events in rows and %d let go, want %d", kept, tb.sum.Dropped(), tc.n)
			}
			if _, ok := tb.index["heavy"]; !ok {
				t.Error("the heavy key was let go")
			}
			if below := tc.keys+1 <= tc.max; below && (tb.sum.Dropped() != 0 || tb.sum.Floor() != 0) {
				t.Errorf("let go %d events below the bound", tb.sum.Dropped())
			} else if !below && tb.sum.Dropped() == 0 {
				t.Error("nothing let go: the case does not test the bound")
			}
		})
	}
}
