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
	add("get", time.Millisecond, 100)       // most requests
	add("list", time.Second, 10)            // slowest p99 and mean
	add("update", 100*time.Millisecond, 20) // middle
	add("delete", 3*time.Second, 1)         // slowest max, one request
	cases := []struct {
		order LatencyOrder
		want  []string
	}{
		{ByCount, []string{"get", "update", "list"}},
		{ByP99, []string{"delete", "list", "update"}},
		{ByMax, []string{"delete", "list", "update"}},
		{ByMean, []string{"delete", "list", "update"}},
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

// TestLatencyLeavesOut: long-running requests are left out unless asked
// for, requests of unknown latency always, and both are counted.
func TestLatencyLeavesOut(t *testing.T) {
	base := time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)
	events := []*auditv1.Event{
		{Verb: "get", RequestURI: "/api/v1/pods/p", RequestReceivedTimestamp: metav1.NewMicroTime(base), StageTimestamp: metav1.NewMicroTime(base.Add(time.Millisecond))},
		{Verb: "watch", RequestURI: "/api/v1/pods?watch=true", RequestReceivedTimestamp: metav1.NewMicroTime(base), StageTimestamp: metav1.NewMicroTime(base.Add(5 * time.Minute))},
		{Verb: "get", RequestURI: "/api/v1/namespaces/x/pods/p/log?follow=true", RequestReceivedTimestamp: metav1.NewMicroTime(base), StageTimestamp: metav1.NewMicroTime(base.Add(time.Minute))},
		{Verb: "create", RequestURI: "/api/v1/namespaces/x/pods/p/exec?command=sh", RequestReceivedTimestamp: metav1.NewMicroTime(base), StageTimestamp: metav1.NewMicroTime(base.Add(time.Minute))},
		{Verb: "list", RequestURI: "/api/v1/pods", RequestReceivedTimestamp: metav1.NewMicroTime(base)}, // v1beta1: no stageTimestamp
	}
	for _, all := range []bool{false, true} {
		l := NewLatency(KeyVerb)
		if all {
			l.IncludeLongRunning()
		}
		for _, ev := range events {
			var e auditlog.Entry
			e.Reset(ev, &auditlog.Source{}, 1, "")
			l.Add(&e)
		}
		res := l.Result(0)
		var n int64
		for _, r := range res.Rows {
			n += r.Latency.Count
		}
		wantN, wantLong := int64(1), int64(3)
		if all {
			wantN, wantLong = 4, 0
		}
		if n != wantN || res.LongRunning != wantLong || res.Unknown != 1 || res.LongRunningIncluded != all {
			t.Errorf("IncludeLongRunning %v: %d measured, %d long-running left out, %d unknown; want %d, %d, 1", all, n, res.LongRunning, res.Unknown, wantN, wantLong)
		}
	}
}
