package aggregate

import (
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

func TestLatencyResultBy(t *testing.T) {
	l := NewLatency(KeyVerb)
	base := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	add := func(verb string, took time.Duration, times int) {
		for range times {
			ev := &auditv1.Event{Verb: verb, RequestReceivedTimestamp: metav1.NewMicroTime(base), StageTimestamp: metav1.NewMicroTime(base.Add(took))}
			var e auditlog.Entry
			e.Reset(ev, &auditlog.Source{}, 1, "")
			l.Add(&e)
		}
	}
	add("get", time.Millisecond, 100)      // most requests
	add("list", time.Second, 10)           // slowest p99 and mean
	add("watch", 100*time.Millisecond, 20) // middle
	add("delete", 3*time.Second, 1)        // slowest max, one request
	cases := []struct {
		order LatencyOrder
		want  []string
	}{
		{ByCount, []string{"get", "watch", "list"}},
		{ByP99, []string{"delete", "list", "watch"}},
		{ByMax, []string{"delete", "list", "watch"}},
		{ByMean, []string{"delete", "list", "watch"}},
	}
	for _, c := range cases {
		res := l.ResultBy(c.order, 3)
		var got []string
		for _, r := range res.Rows {
			got = append(got, r.Key)
		}
		if len(got) != len(c.want) {
			t.Fatalf("%s: %v, want %v", c.order, got, c.want)
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: %v, want %v", c.order, got, c.want)
				break
			}
		}
	}
	for _, s := range []string{"", "count", "p99", "max", "mean"} {
		if _, err := ParseLatencyOrder(s); err != nil {
			t.Errorf("ParseLatencyOrder(%q): %v", s, err)
		}
	}
	if _, err := ParseLatencyOrder("p50"); err == nil {
		t.Error("ParseLatencyOrder(p50) accepted")
	}
}
