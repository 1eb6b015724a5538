package aggregate

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

var sampleDir = flag.String("sample", filepath.Join("..", "testdata", "must-gather"),
	"must-gather tree with a truth.json to check the lab's views against")

// sampleTruth is the part of the generator's truth.json these tests check.
type sampleTruth struct {
	Kube struct {
		Count       int64
		First, Last time.Time
	}
	Users, Resources, Namespaces, Verbs, Codes []struct {
		Key   string
		Count int64
	}
	Metrics403 *struct {
		Username string
		GETs     int64
		Nodes    []struct {
			Key   string
			Count int64
		}
	}
	Throttled *struct {
		Username          string
		TooManyRequests   int64
		First429, Last429 time.Time
	}
}

// sampleEntries reads the kube-apiserver ResponseComplete events of the
// committed must-gather sample (the events truth.json counts); a missing
// sample fails the test. The entries are read once for the tests that ask
// (each read decompresses 27 MB), and are shared: no test changes them.
func sampleEntries(t *testing.T) ([]*auditlog.Entry, *sampleTruth) {
	t.Helper()
	sampleRead.Lock()
	defer sampleRead.Unlock()
	if sampleRead.dir == *sampleDir && sampleRead.truth != nil {
		return sampleRead.entries, sampleRead.truth
	}
	data, err := os.ReadFile(filepath.Join(*sampleDir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var truth sampleTruth
	if err := json.Unmarshal(data, &truth); err != nil {
		t.Fatal(err)
	}
	sources, err := auditlog.Find(filepath.Join(*sampleDir, "audit_logs", "kube-apiserver"))
	if err != nil {
		t.Fatal(err)
	}
	var entries []*auditlog.Entry
	for e := range auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: auditlog.FieldsMetadata}).All() {
		if e.Event.Stage == auditv1.StageResponseComplete && e.Source.Server == auditlog.ServerKube {
			entries = append(entries, e.Clone())
		}
	}
	sampleRead.dir, sampleRead.entries, sampleRead.truth = *sampleDir, entries, &truth
	return entries, &truth
}

// sampleRead holds what sampleEntries read, and from where.
var sampleRead struct {
	sync.Mutex
	dir     string
	entries []*auditlog.Entry
	truth   *sampleTruth
}

// TestSampleMatchesTruth checks the lab's views on the committed sample
// against the generator's truth.json.
func TestSampleMatchesTruth(t *testing.T) {
	entries, truth := sampleEntries(t)
	sum := NewSummary()
	counts := map[string]*Count{}
	for _, k := range []Key{KeyUser, KeyResource, KeyNamespace, KeyVerb, KeyHTTPStatus} {
		counts[k.Name()] = NewCount(k)
	}
	byVerb := NewGrouped(KeyVerb)
	throttling := NewThrottling()
	for _, e := range entries {
		sum.Add(e)
		for _, c := range counts {
			c.Add(e)
		}
		byVerb.Add(e)
		throttling.Add(e)
	}

	s := sum.Result()
	if s.Count != truth.Kube.Count || !s.First.Equal(truth.Kube.First) || !s.Last.Equal(truth.Kube.Last) {
		t.Errorf("summary = %d %v %v, truth %+v", s.Count, s.First, s.Last, truth.Kube)
	}
	for name, want := range map[string][]struct {
		Key   string
		Count int64
	}{"user": truth.Users, "resource": truth.Resources, "namespace": truth.Namespaces, "verb": truth.Verbs, "httpstatus": truth.Codes} {
		got := counts[name].Result(len(want)).Rows
		if len(got) != len(want) {
			t.Errorf("by %s: %d rows, truth has %d", name, len(got), len(want))
			continue
		}
		for i := range want {
			if got[i].Key != want[i].Key || got[i].Count != want[i].Count {
				t.Errorf("by %s row %d = %dx %q, truth %dx %q", name, i, got[i].Count, got[i].Key, want[i].Count, want[i].Key)
			}
		}
	}

	if m := truth.Metrics403; m == nil {
		t.Error("truth has no metrics-403 scenario")
	} else {
		if top := counts["user"].Result(1).Rows; len(top) == 0 || top[0].Key != m.Username {
			t.Errorf("top user = %+v, want the storm's %s", top, m.Username)
		}
		// --user=SA --by=verb: each node's /proxy/metrics group is all 403.
		sa := NewGrouped(KeyVerb)
		for _, e := range entries {
			if e.Event.User.Username == m.Username {
				sa.Add(e)
			}
		}
		groups := map[string]Group{}
		for _, o := range sa.Result(0).Outer {
			if o.Key == "get" {
				if o.Total != m.GETs {
					t.Errorf("storm GETs = %d, truth %d", o.Total, m.GETs)
				}
				for _, g := range o.Groups {
					groups[g.Path] = g
				}
			}
		}
		for _, n := range m.Nodes {
			g, ok := groups["/api/v1/nodes/"+n.Key+"/proxy/metrics"]
			if !ok || g.Count != n.Count || !slices.Equal(g.Status, []StatusCount{{403, n.Count}}) {
				t.Errorf("node %s: group %+v, want %dx [403-%d]", n.Key, g, n.Count, n.Count)
			}
		}
	}

	if th := truth.Throttled; th != nil {
		res := throttling.Result(1)
		if len(res.Users) == 0 || res.Users[0].User != th.Username || res.Users[0].Rejected != th.TooManyRequests ||
			!res.Users[0].First.Equal(th.First429) || !res.Users[0].Last.Equal(th.Last429) {
			t.Errorf("most throttled = %+v, truth %+v", res.Users, th)
		}
	}
}

// TestSampleShardMerge splits the sample between workers at random and
// checks that every aggregator, merged, gives the one-pass result.
func TestSampleShardMerge(t *testing.T) {
	entries, _ := sampleEntries(t)
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			want := onePass(t, k, entries)
			r := rand.New(rand.NewPCG(11, uint64(len(k.name))))
			for _, shards := range []int{2, 8} {
				if got := resultJSON(t, k.result(aggregateShards(k, entries, shards, r))); !bytes.Equal(got, want) {
					t.Fatalf("%d shards: result differs from one pass:\n%s\nwant:\n%s", shards, clip(got), clip(want))
				}
			}
		})
	}
}
