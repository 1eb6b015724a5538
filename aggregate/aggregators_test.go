package aggregate

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/auditlens/auditlens/auditlog"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// ev builds an entry: verb, user, URI, status (0: none), received time in
// seconds after synthStart, latency.
func ev(verb, user, uri string, code int32, at float64, lat time.Duration) *auditlog.Entry {
	e := &auditv1.Event{Verb: verb, RequestURI: uri, Stage: auditv1.StageResponseComplete}
	e.User.Username = user
	if code != 0 {
		e.ResponseStatus = &metav1.Status{Code: code}
	}
	t := synthStart.Add(time.Duration(at * float64(time.Second)))
	e.RequestReceivedTimestamp = metav1.NewMicroTime(t)
	e.StageTimestamp = metav1.NewMicroTime(t.Add(lat))
	en := &auditlog.Entry{}
	en.Reset(e, nil, 0, "")
	return en
}

func addAll(s auditlog.Sink, entries ...*auditlog.Entry) {
	for _, e := range entries {
		s.Add(e)
	}
}

func TestCount(t *testing.T) {
	c := NewCount(KeyResource)
	addAll(c,
		ev("get", "a", "/api/v1/pods", 200, 0, 0),
		ev("get", "a", "/api/v1/namespaces/x/pods/p", 200, 0, 0),
		ev("get", "a", "/apis/apps/v1/namespaces/x/deployments", 200, 0, 0),
		ev("get", "a", "/apis/apps/v1/deployments", 200, 0, 0),
		ev("get", "a", "/api/v1/nodes", 200, 0, 0),
		ev("get", "a", "/healthz", 200, 0, 0),
	)
	got := c.Result(2)
	want := []Row{{Key: "apps/v1/deployments", Count: 2}, {Key: "v1/pods", Count: 2}}
	if got.Total != 6 || got.NoKey != 1 || got.Distinct != 3 || !slices.EqualFunc(got.Rows, want, rowEqual) {
		t.Errorf("Result(2) = %+v, want total 6, noKey 1, distinct 3, rows %+v", got, want)
	}
	if all := c.Result(0); len(all.Rows) != 3 || all.Rows[2].Key != "v1/nodes" {
		t.Errorf("Result(0) rows = %+v", all.Rows)
	}
}

func TestCountComposite(t *testing.T) {
	c := NewCount(Composite(KeyUser, KeyVerb))
	addAll(c, ev("get", "a", "/x?fieldManager=m", 0, 0, 0), ev("get", "a", "/x?fieldManager=m", 0, 0, 0), ev("list", "b", "/", 0, 0, 0))
	got := c.Result(0)
	if got.By != "user,verb" || len(got.Rows) != 2 || got.Rows[0].Key != "a[m] get" ||
		!slices.Equal(got.Rows[0].Parts, []string{"a[m]", "get"}) || got.Rows[0].Count != 2 {
		t.Errorf("Result = %+v", got)
	}
}

func rowEqual(a, b Row) bool {
	return a.Key == b.Key && a.Count == b.Count && slices.Equal(a.Parts, b.Parts)
}

// TestCountAddDoesNotAllocate: once its key exists, counting an entry
// allocates nothing.
func TestCountAddDoesNotAllocate(t *testing.T) {
	for _, k := range []Key{KeyUser, KeyResource, KeyVerb, Composite(KeyUser, KeyVerb, KeyResource)} {
		c := NewCount(k)
		e := entryOf(t, evPatch)
		c.Add(e)
		if n := testing.AllocsPerRun(1000, func() { c.Add(e) }); n != 0 {
			t.Errorf("Count(%s).Add: %v allocations", k.Name(), n)
		}
	}
}

func TestGrouped(t *testing.T) {
	const sa = "system:serviceaccount:x:sysdig"
	g := NewGrouped(KeyVerb)
	addAll(g,
		// One group: same path, same parameters in another order, with
		// ignored parameters differing; statuses 403 and one 200.
		ev("get", sa, "/api/v1/nodes/n1/proxy/metrics?a=1&b=2", 403, 10, 2*time.Millisecond),
		ev("get", sa, "/api/v1/nodes/n1/proxy/metrics?b=2&a=1&timeout=5s", 403, 5, 4*time.Millisecond),
		ev("get", sa, "/api/v1/nodes/n1/proxy/metrics?resourceVersion=3&a=1&b=2&continue=x", 200, 7, 6*time.Millisecond),
		// Other parameters: another group.
		ev("get", sa, "/api/v1/nodes/n1/proxy/metrics?a=2&b=2", 403, 1, time.Millisecond),
		// Same path and query, another field manager: another group.
		ev("get", sa, "/api/v1/nodes/n1/proxy/metrics?a=1&b=2&fieldManager=m", 403, 1, time.Millisecond),
		// Another verb.
		ev("list", "u", "/api/v1/pods", 0, 1, time.Millisecond),
	)
	res := g.Result(0)
	if res.By != "verb" || res.Total != 6 || len(res.Outer) != 2 || res.Outer[0].Key != "get" || res.Outer[1].Key != "list" {
		t.Fatalf("Result = %+v", res)
	}
	get := res.Outer[0]
	if get.Total != 5 || get.Distinct != 3 || len(get.Groups) != 3 {
		t.Fatalf("get = %+v", get)
	}
	top := get.Groups[0]
	wantStatus := []StatusCount{{200, 1}, {403, 2}}
	if top.Count != 3 || top.Path != "/api/v1/nodes/n1/proxy/metrics" || top.Query != "a=1&b=2" || top.User != sa ||
		!slices.Equal(top.Status, wantStatus) || top.Latency.Mean != 4*time.Millisecond ||
		top.Latency.Max != 6*time.Millisecond || top.Latency.Min != 2*time.Millisecond ||
		top.FirstURI != "/api/v1/nodes/n1/proxy/metrics?b=2&a=1&timeout=5s" || !top.FirstTime.Equal(synthStart.Add(5*time.Second)) {
		t.Errorf("top group = %+v", top)
	}
	// Ties (count 1 each) go by path, then user, then query.
	if get.Groups[1].User != sa || get.Groups[1].Query != "a=2&b=2" || get.Groups[2].User != sa+"[m]" {
		t.Errorf("tie order: %+v then %+v", get.Groups[1], get.Groups[2])
	}
	if res.Outer[1].Groups[0].Status[0].Code != -1 {
		t.Errorf("no response status: %+v, want code -1", res.Outer[1].Groups[0].Status)
	}
	if top1 := g.Result(1); len(top1.Outer[0].Groups) != 1 || top1.Outer[0].Distinct != 3 {
		t.Errorf("Result(1) = %+v", top1.Outer[0])
	}
}

func TestGroupedHTTPStatusOrder(t *testing.T) {
	g := NewGrouped(KeyHTTPStatus)
	for _, code := range []int32{500, 0, 200, 1000, 404, 99} {
		g.Add(ev("get", "u", "/x", code, 0, 0))
	}
	var got []string
	for _, o := range g.Result(0).Outer {
		got = append(got, o.Key)
	}
	if want := []string{"-1", "99", "200", "404", "500", "1000"}; !slices.Equal(got, want) {
		t.Errorf("outer order = %q, want %q", got, want)
	}
}

func TestGroupedFirstURITie(t *testing.T) {
	a := ev("get", "u", "/x?b=1&a=1", 0, 3, 0)
	b := ev("get", "u", "/x?a=1&b=1", 0, 3, 0)
	for _, order := range [][]*auditlog.Entry{{a, b}, {b, a}} {
		g := NewGrouped(KeyVerb)
		addAll(g, order...)
		if got := g.Result(0).Outer[0].Groups[0].FirstURI; got != "/x?a=1&b=1" {
			t.Errorf("first URI = %q, want the smaller URI of equal times", got)
		}
	}
}

func TestHistogram(t *testing.T) {
	h := NewHistogram(time.Minute, KeyUser)
	// synthStart is 22:15:16; 10 s later is in the same minute bucket.
	addAll(h,
		ev("get", "a", "/", 0, 0, 0), ev("get", "a", "/", 0, 10, 0), ev("get", "b", "/", 0, 40, 0),
		ev("get", "b", "/", 0, 60, 0), ev("get", "b", "/", 0, 61, 0), ev("get", "b", "/", 0, 62, 0),
		ev("get", "a", "/", 0, 3600, 0),
	)
	noTime := ev("get", "c", "/", 0, 0, 0)
	noTime.Event.RequestReceivedTimestamp = metav1.MicroTime{}
	h.Add(noTime)
	res := h.Result(1, 0)
	m := func(min int) time.Time { return time.Date(2022, 2, 7, 22, min, 0, 0, time.UTC) }
	want := []Bucket{
		{Start: m(15), Count: 3, Top: []Row{{Key: "a", Count: 2}}},
		{Start: m(16), Count: 3, Top: []Row{{Key: "b", Count: 3}}},
		{Start: time.Date(2022, 2, 7, 23, 15, 0, 0, time.UTC), Count: 1, Top: []Row{{Key: "a", Count: 1}}},
	}
	if res.Total != 8 || res.NoTime != 1 || len(res.Buckets) != len(want) {
		t.Fatalf("Result = %+v", res)
	}
	for i, b := range res.Buckets {
		if !b.Start.Equal(want[i].Start) || b.Count != want[i].Count || !slices.EqualFunc(b.Top, want[i].Top, rowEqual) {
			t.Errorf("bucket %d = %+v, want %+v", i, b, want[i])
		}
	}
	wantPeaks := []Peak{
		{Key: "b", Total: 4, Start: m(16), Count: 3, PerSecond: 0.05},
		{Key: "a", Total: 3, Start: m(15), Count: 2, PerSecond: 2.0 / 60},
	}
	if len(res.Peaks) != 2 {
		t.Fatalf("peaks = %+v", res.Peaks)
	}
	for i, p := range res.Peaks {
		w := wantPeaks[i]
		if p.Key != w.Key || p.Total != w.Total || !p.Start.Equal(w.Start) || p.Count != w.Count || math.Abs(p.PerSecond-w.PerSecond) > 1e-12 {
			t.Errorf("peak %d = %+v, want %+v", i, p, w)
		}
	}
	ch := h.Changed(m(16), m(17), 0)
	if ch.In != 3 || ch.Out != 4 || len(ch.Rows) != 2 || ch.Rows[0].Key != "b" || ch.Rows[0].In != 3 || ch.Rows[0].Out != 1 ||
		ch.Rows[0].ShareIn != 1 || ch.Rows[0].ShareOut != 0.25 || ch.Rows[0].Growth != 0.75 || ch.Rows[1].Growth != -0.75 {
		t.Errorf("Changed = %+v", ch)
	}
}

func TestBucketIndexBeforeEpoch(t *testing.T) {
	tm := time.Date(1969, 12, 31, 23, 59, 30, 0, time.UTC)
	if got := bucketStart(bucketIndex(tm, time.Minute), time.Minute); !got.Equal(time.Date(1969, 12, 31, 23, 59, 0, 0, time.UTC)) {
		t.Errorf("bucket of %v starts %v", tm, got)
	}
}

// TestDistAccuracy checks the quantiles against exact ones on skewed data,
// and that they do not depend on the order of adds and merges.
func TestDistAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	vals := make([]time.Duration, 20000)
	for i := range vals {
		vals[i] = time.Duration(math.Exp(r.NormFloat64()*2+12)) + 1
	}
	one := newDist()
	for _, v := range vals {
		one.add(v)
	}
	sorted := slices.Clone(vals)
	slices.Sort(sorted)
	for _, q := range []float64{0.5, 0.9, 0.99} {
		exact := sorted[int(q*float64(len(sorted)-1))]
		got := one.quantile(q)
		if rel := math.Abs(float64(got-exact)) / float64(exact); rel > RelativeAccuracy+1e-9 {
			t.Errorf("p%v = %v, exact %v: relative error %.4f", q*100, got, exact, rel)
		}
	}
	if one.d.Min() != sorted[0] || one.d.Max() != sorted[len(sorted)-1] {
		t.Errorf("min/max = %v/%v, want %v/%v", one.d.Min(), one.d.Max(), sorted[0], sorted[len(sorted)-1])
	}
	want := one.quantiles()
	for trial := range 10 {
		r.Shuffle(len(vals), func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })
		parts := make([]*dist, 1+trial)
		for i := range parts {
			parts[i] = newDist()
		}
		for _, v := range vals {
			parts[r.IntN(len(parts))].add(v)
		}
		merged := newDist()
		for _, p := range parts {
			merged.merge(p)
		}
		if got := merged.quantiles(); got != want {
			t.Fatalf("trial %d: merged %+v, one pass %+v", trial, got, want)
		}
	}
}

func TestLatency(t *testing.T) {
	l := NewLatency(KeyVerb)
	for i := range 100 {
		l.Add(ev("get", "u", "/", 0, 0, time.Duration(i+1)*time.Millisecond))
	}
	l.Add(ev("list", "u", "/", 0, 0, time.Second))
	res := l.Result(0)
	if len(res.Rows) != 2 || res.Rows[0].Key != "get" || res.Rows[1].Key != "list" {
		t.Fatalf("Result = %+v", res)
	}
	q := res.Rows[0].Latency
	near := func(got, want time.Duration) bool {
		return math.Abs(float64(got-want)) <= RelativeAccuracy*float64(want)+1
	}
	if q.Count != 100 || q.Min != time.Millisecond || q.Max != 100*time.Millisecond || q.Mean != 50500*time.Microsecond ||
		!near(q.P50, 50*time.Millisecond) || !near(q.P90, 90*time.Millisecond) || !near(q.P99, 99*time.Millisecond) {
		t.Errorf("get latency = %+v", q)
	}
	if q := res.Rows[1].Latency; q.P50 != time.Second || q.P99 != time.Second {
		t.Errorf("single value: %+v, want every quantile exact", q)
	}
}

func TestSummary(t *testing.T) {
	s := NewSummary()
	a := ev("get", "u", "/", 0, 30, 0)
	a.Source = &auditlog.Source{Server: auditlog.ServerKube}
	a.Node = "m0"
	b := ev("get", "u", "/", 0, 0, 0)
	b.Event.Stage = auditv1.StageRequestReceived
	c := ev("get", "u", "/", 0, 90, 0)
	c.Node = "m1"
	addAll(s, a, b, c)
	res := s.Result()
	if res.Count != 3 || !res.First.Equal(synthStart) || !res.Last.Equal(synthStart.Add(90*time.Second)) ||
		res.Duration != 90*time.Second || res.First.Location() != time.UTC {
		t.Errorf("Result = %+v", res)
	}
	wantStages := []Row{{Key: "ResponseComplete", Count: 2}, {Key: "RequestReceived", Count: 1}}
	wantServers := []Row{{Key: "", Count: 2}, {Key: "kube-apiserver", Count: 1}}
	wantNodes := []Row{{Key: "", Count: 1}, {Key: "m0", Count: 1}, {Key: "m1", Count: 1}}
	if !slices.EqualFunc(res.Stages, wantStages, rowEqual) || !slices.EqualFunc(res.Servers, wantServers, rowEqual) ||
		!slices.EqualFunc(res.Nodes, wantNodes, rowEqual) {
		t.Errorf("stages %+v servers %+v nodes %+v", res.Stages, res.Servers, res.Nodes)
	}
}

// TestSummarySources counts nodes and servers through runs of one
// source, whose entries mostly carry the source's node and sometimes a
// node of their own (a line's host-name prefix, in a buffer reused for
// the next line), and through changes of source.
func TestSummarySources(t *testing.T) {
	kube := &auditlog.Source{Server: auditlog.ServerKube, Node: "m0"}
	oauth := &auditlog.Source{Server: auditlog.ServerOAuth, Node: "m0"}
	other := &auditlog.Source{Server: auditlog.ServerKube, Node: "m1"}
	prefix := []byte("m2")
	s := NewSummary()
	add := func(src *auditlog.Source, node string, n int) {
		for range n {
			e := ev("get", "u", "/", 0, 0, 0)
			e.Source, e.Node = src, node
			s.Add(e)
		}
	}
	add(kube, kube.Node, 3)
	add(kube, string(prefix), 1) // the source, another node
	prefix[1] = '0'              // the buffer now names m0: a copy of the source's node
	add(kube, string(prefix), 2)
	add(kube, kube.Node, 1)
	add(oauth, oauth.Node, 2) // the same node, another server
	add(other, other.Node, 1)
	add(kube, kube.Node, 1)
	add(nil, "", 1)
	res := s.Result()
	wantServers := []Row{{Key: "kube-apiserver", Count: 9}, {Key: "oauth-server", Count: 2}, {Key: "", Count: 1}}
	wantNodes := []Row{{Key: "m0", Count: 9}, {Key: "", Count: 1}, {Key: "m1", Count: 1}, {Key: "m2", Count: 1}}
	if res.Count != 12 || !slices.EqualFunc(res.Servers, wantServers, rowEqual) || !slices.EqualFunc(res.Nodes, wantNodes, rowEqual) {
		t.Errorf("count %d servers %+v nodes %+v", res.Count, res.Servers, res.Nodes)
	}
}

// TestCounterLine holds counterLine to a cache line, a size class of Go's
// allocator whose objects start on one (see counter).
func TestCounterLine(t *testing.T) {
	if n := unsafe.Sizeof(counterLine{}); n != 64 {
		t.Errorf("counterLine is %d bytes, want 64", n)
	}
}

func TestTrackers(t *testing.T) {
	tr := NewTrackers()
	for i := range 10 {
		e := ev("get", "u", "/", 0, 0, 0)
		e.Event.Annotations = map[string]string{
			LatencyAnnotationPrefix + "etcd": fmt.Sprintf("%dms", i+1),
			"other/annotation":               "1s",
		}
		if i == 0 {
			e.Event.Annotations[LatencyAnnotationPrefix+"total"] = "garbage"
		}
		tr.Add(e)
	}
	res := tr.Result()
	if len(res.Trackers) != 2 || res.Trackers[0].Annotation != LatencyAnnotationPrefix+"etcd" || res.Trackers[1].Invalid != 1 {
		t.Fatalf("Result = %+v", res)
	}
	q := res.Trackers[0].Latency
	if q.Count != 10 || q.Min != time.Millisecond || q.Max != 10*time.Millisecond ||
		math.Abs(float64(q.P50-5*time.Millisecond)) > 0.01*5e6 || math.Abs(float64(q.P90-9*time.Millisecond)) > 0.01*9e6 {
		t.Errorf("etcd = %+v", q)
	}
}

func TestThrottling(t *testing.T) {
	th := NewThrottling()
	addAll(th,
		ev("get", "a", "/", 429, 0, 0), ev("get", "a", "/", 429, 70, 0), ev("get", "b", "/", 429, 65, 0),
		ev("get", "c", "/", 200, 0, 0),
	)
	w := ev("get", "c", "/", 200, 0, 0)
	w.Event.Annotations = map[string]string{QueueWaitAnnotation: "3ms"}
	th.Add(w)
	res := th.Result(0)
	if res.Total != 5 || res.Rejected != 3 || len(res.Users) != 3 {
		t.Fatalf("Result = %+v", res)
	}
	if u := res.Users[0]; u.User != "a" || u.Rejected != 2 || !u.First.Equal(synthStart) || !u.Last.Equal(synthStart.Add(70*time.Second)) {
		t.Errorf("first user = %+v", u)
	}
	if u := res.Users[2]; u.User != "c" || u.Rejected != 0 || u.QueueWait.Max != 3*time.Millisecond {
		t.Errorf("queue-wait user = %+v", u)
	}
	if res.QueueWait.Count != 1 || len(res.PerMinute) != 2 || res.PerMinute[0].Count != 1 || res.PerMinute[1].Count != 2 {
		t.Errorf("queue wait %+v, per minute %+v", res.QueueWait, res.PerMinute)
	}
}

func TestAlignWindow(t *testing.T) {
	base := time.Date(2022, 2, 7, 23, 15, 16, 841504000, time.UTC)
	for _, tc := range []struct {
		t     time.Time
		width time.Duration
		want  time.Time
	}{
		{base, 10 * time.Minute, time.Date(2022, 2, 7, 23, 20, 0, 0, time.UTC)},
		{base, time.Second, time.Date(2022, 2, 7, 23, 15, 17, 0, time.UTC)},
		{time.Date(2022, 2, 7, 23, 20, 0, 0, time.UTC), 10 * time.Minute, time.Date(2022, 2, 7, 23, 20, 0, 0, time.UTC)},
		{base.In(time.FixedZone("X", 3600)), time.Hour, time.Date(2022, 2, 8, 0, 0, 0, 0, time.UTC)},
		{time.Date(1969, 12, 31, 23, 59, 30, 0, time.UTC), time.Minute, time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)},
		{base, 7 * time.Minute, time.Unix(0, 0).Add(time.Duration(base.Unix()/420+1) * 7 * time.Minute).UTC()},
	} {
		got, same := AlignWindow(tc.t, tc.t, tc.width)
		if !got.Equal(tc.want) || got.Location() != time.UTC || !same.Equal(got) {
			t.Errorf("AlignWindow(%s, %v) starts at %s, want %s", tc.t, tc.width, got, tc.want)
		}
	}
	from, to := AlignWindow(base, base.Add(time.Minute), time.Hour)
	if !from.Equal(to) {
		t.Errorf("a window without a bucket start aligns to %s-%s, want an empty one", from, to)
	}
}

// TestHistogramWidens: as soon as the entries span more than the bucket
// limit, the buckets double in width, as many times as needed, and the
// counts are those of a histogram of that width from the start; merging
// histograms widened differently gives the one-pass result.
func TestHistogramWidens(t *testing.T) {
	var entries []*auditlog.Entry
	for i := range 1000 {
		// Seconds 0 to 3996, every 4 seconds, and one far event.
		entries = append(entries, ev("get", fmt.Sprintf("u%d", i%7), "/api/v1/pods", 200, float64(4*i), time.Millisecond))
	}
	const limit = 100
	widened := func() *Histogram {
		return NewHistogram(time.Second, KeyUser).SpanAtMost(limit)
	}
	h := widened()
	first := entries[0].Event.RequestReceivedTimestamp.Time
	for i, e := range entries {
		h.Add(e)
		// The narrowest width, doubling from a second, at which the
		// buckets from the first entry to this one are at most limit.
		last := e.Event.RequestReceivedTimestamp.Time
		want := time.Second
		for bucketIndex(last, want)-bucketIndex(first, want) >= limit {
			want *= 2
		}
		if h.width != want {
			t.Fatalf("after %d entries spanning %v: width %v, want %v", i+1, last.Sub(first), h.width, want)
		}
	}
	direct := NewHistogram(h.width, KeyUser)
	addAll(direct, entries...)
	got, want := h.Result(3, 0), direct.Result(3, 0)
	if got.RequestedWidth != time.Second || got.Width != 64*time.Second || len(got.Buckets) > limit {
		t.Errorf("width %v asked for %v, %d buckets; want 64s for 1s, at most %d", got.Width, got.RequestedWidth, len(got.Buckets), limit)
	}
	got.RequestedWidth = 0
	if !reflect.DeepEqual(got, want) {
		t.Errorf("widened histogram differs from one of its width:\n got %+v\nwant %+v", got, want)
	}
	// Shards widen apart; merged, they give the one-pass result.
	a, b := widened(), widened()
	addAll(a, entries[:100]...) // 400 s: 4 s buckets
	addAll(b, entries[100:]...) // 3600 s: 64 s buckets
	if a.width == b.width {
		t.Fatalf("shards of one width %v", a.width)
	}
	a.Merge(b)
	if merged := a.Result(3, 0); !reflect.DeepEqual(merged, h.Result(3, 0)) {
		t.Errorf("merged shards differ from one pass")
	}
}

// TestHistogramRuns checks the counts of keys whose entries come in runs
// in one bucket (counted apart until the run ends) against counting every
// entry by hand: in time order, shuffled, widened in the middle of runs,
// and split in shards merged.
func TestHistogramRuns(t *testing.T) {
	var entries []*auditlog.Entry
	r := rand.New(rand.NewPCG(5, 6))
	at := 0.0
	for len(entries) < 3000 {
		user := fmt.Sprintf("u%d", r.IntN(5))
		for range 1 + r.IntN(20) { // a run of one user
			entries = append(entries, ev("get", user, "/api/v1/pods", 200, at, time.Millisecond))
			at += r.Float64() * 3
		}
	}
	type cell struct {
		user   string
		bucket int64
	}
	// want counts by hand at the width the histogram ends with.
	want := func(width time.Duration, es []*auditlog.Entry) map[cell]int64 {
		m := map[cell]int64{}
		for _, e := range es {
			m[cell{e.Event.User.Username, bucketIndex(e.Event.RequestReceivedTimestamp.Time, width)}]++
		}
		return m
	}
	got := func(h *Histogram) map[cell]int64 {
		m := map[cell]int64{}
		res := h.Result(100, 0)
		for _, b := range res.Buckets {
			for _, row := range b.Top {
				m[cell{row.Key, bucketIndex(b.Start, h.width)}] += row.Count
			}
		}
		return m
	}
	shuffled := slices.Clone(entries)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, c := range []struct {
		name       string
		es         []*auditlog.Entry
		maxBuckets int
		shards     int
	}{
		{"in order", entries, MaxBuckets, 1},
		{"shuffled", shuffled, MaxBuckets, 1},
		{"widened", entries, 50, 1},
		{"widened shuffled", shuffled, 50, 1},
		{"shards", entries, MaxBuckets, 3},
		{"widened shards", entries, 50, 4},
	} {
		newH := func() *Histogram {
			return NewHistogram(time.Second, KeyUser).SpanAtMost(c.maxBuckets)
		}
		h := newH()
		size := (len(c.es) + c.shards - 1) / c.shards
		for part := range slices.Chunk(c.es, size) {
			shard := newH()
			addAll(shard, part...)
			h.Merge(shard)
		}
		if g, w := got(h), want(h.width, c.es); !maps.Equal(g, w) {
			t.Errorf("%s: counts by user and bucket differ from counting by hand (width %v)\n got %v\nwant %v", c.name, h.width, g, w)
		}
		for _, p := range h.Result(0, 0).Peaks {
			var n int64
			for _, e := range c.es {
				if e.Event.User.Username == p.Key {
					n++
				}
			}
			if p.Total != n {
				t.Errorf("%s: %s has %d entries, want %d", c.name, p.Key, p.Total, n)
			}
		}
	}
}
