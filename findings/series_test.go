package findings

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// t0 is a minute boundary the series tests count from.
var seriesT0 = time.Date(2022, 2, 7, 22, 0, 0, 0, time.UTC)

func at(minute int, second int) int64 {
	return seriesT0.Add(time.Duration(minute)*time.Minute + time.Duration(second)*time.Second).UnixNano()
}

// TestSeriesCoarsen checks that a series never holds more than seriesCap
// buckets, doubling their width as needed, and loses no request.
func TestSeriesCoarsen(t *testing.T) {
	for _, tc := range []struct {
		minutes   int
		wantShift uint8
	}{
		{1, 0}, {seriesCap, 0}, {seriesCap + 1, 1}, {2 * seriesCap, 1}, {2*seriesCap + 2, 2}, {3 * 24 * 60, 2}, {30 * 24 * 60, 5},
	} {
		var s series
		for m := range tc.minutes {
			s.add(at(m, 7))
			s.add(at(m, 59))
		}
		if s.shift != tc.wantShift || len(s.b) > seriesCap || s.total() != int64(2*tc.minutes) {
			t.Errorf("%d minutes: shift %d (want %d), %d buckets, %d requests", tc.minutes, s.shift, tc.wantShift, len(s.b), s.total())
		}
		if !slices.IsSortedFunc(s.b, func(a, b uint64) int { return int(a>>32) - int(b>>32) }) {
			t.Errorf("%d minutes: buckets out of order", tc.minutes)
		}
	}
	var s series
	s.add(0) // no time
	if len(s.b) != 0 {
		t.Errorf("a request without a time counted: %v", s.b)
	}
}

// TestSeriesMergeSplits checks that merged series are the same however
// the requests were split and merged: the same width and counts as one
// series of them all.
func TestSeriesMergeSplits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, days := range []int{0, 1, 3} {
		times := make([]int64, 20000)
		for i := range times {
			times[i] = at(rng.IntN(days*24*60+90), rng.IntN(60))
		}
		var want series
		for _, tm := range times {
			want.add(tm)
		}
		for _, n := range []int{2, 3, 8} {
			for _, split := range []string{"round-robin", "blocks", "sorted blocks"} {
				ts := slices.Clone(times)
				if split == "sorted blocks" {
					slices.Sort(ts)
				}
				parts := make([]series, n)
				for i, tm := range ts {
					k := i % n
					if split != "round-robin" {
						k = i * n / len(ts)
					}
					parts[k].add(tm)
				}
				for i := n - 2; i >= 0; i-- {
					parts[n-1].merge(&parts[i])
				}
				got := parts[n-1]
				if got.shift != want.shift || !slices.Equal(got.b, want.b) {
					t.Errorf("%d days, %d parts, %s: shift %d with %d buckets, want %d with %d", days, n, split, got.shift, len(got.b), want.shift, len(want.b))
				}
			}
		}
	}
}

func TestSeriesOnsetPerHour(t *testing.T) {
	for _, tc := range []struct {
		name    string
		add     func(s *series)
		perHour float64
		hours   float64
		want    int64
	}{
		{"a burst", func(s *series) {
			for range 100 {
				s.add(at(30, 5))
			}
		}, 60, 1, at(30, 0)},
		{"one a minute reaches 60 in the 60th minute", func(s *series) {
			for m := range 120 {
				s.add(at(m, 1))
			}
		}, 60, 2, at(59, 0)},
		{"an old burst leaves the window", func(s *series) {
			for range 30 {
				s.add(at(0, 0))
			}
			for range 30 {
				s.add(at(60, 0)) // minute 0 is out of the hour that ends with minute 60
			}
			for range 30 {
				s.add(at(61, 0))
			}
		}, 60, 2, at(61, 0)},
		{"no hour reaches the rate: the average over the capture does", func(s *series) {
			for range 30 {
				s.add(at(0, 0))
			}
			for range 30 {
				s.add(at(89, 0))
			}
		}, 40, 1.5, at(89, 0)},
		{"never", func(s *series) {
			for m := range 10 {
				s.add(at(m, 0))
			}
		}, 60, 1, 0},
		{"coarse buckets: the hour is 30 of them", func(s *series) {
			for m := range 3 * 24 * 60 {
				if m >= 2000 {
					s.add(at(m, 0)) // one a minute from minute 2000
				} else if m%2 == 0 {
					s.add(at(m, 0)) // one every other minute before
				}
			}
		}, 45, 72, at(2028, 0)}, // 4 minutes a bucket: 8 of 2 and 7 of 4 (from minute 2000) make 44, 7 of 2 and 8 of 4 make 46
	} {
		var s series
		tc.add(&s)
		if got := s.onsetPerHour(tc.perHour, tc.hours); got != tc.want {
			t.Errorf("%s: onset %v, want %v", tc.name, time.Unix(0, got).UTC(), time.Unix(0, tc.want).UTC())
		}
	}
}

func TestSeriesReach(t *testing.T) {
	var s series
	for m := range 10 {
		s.add(at(m*3, 0))
	}
	for n, want := range map[int64]int64{1: at(0, 0), 2: at(3, 0), 10: at(27, 0), 11: 0} {
		if got := s.reach(n); got != want {
			t.Errorf("reach %d: %v, want %v", n, got, want)
		}
	}
}

// TestPerMinute checks the dense series of a finding: over the whole
// capture, a bucket a minute, widened only past a day.
func TestPerMinute(t *testing.T) {
	b := newBase(Options{})
	b.span.add(at(0, 30))
	b.span.add(at(4, 10))
	var s series
	s.add(at(1, 0))
	s.add(at(1, 59))
	s.add(at(3, 20))
	got := b.perMinute(&s)
	want := Series{Start: seriesT0, Minutes: 1, Counts: []int64{0, 2, 0, 1, 0}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("perMinute %+v, want %+v", got, want)
	}
	if got := b.perMinute(&series{}); got.Counts != nil {
		t.Errorf("empty series: %+v", got)
	}

	long := newBase(Options{})
	long.span.add(at(0, 0))
	long.span.add(at(3*24*60-1, 0)) // 4,320 minutes: 4 a bucket
	var one series
	one.add(at(10, 0))
	one.add(at(3*24*60-1, 0))
	got = long.perMinute(&one)
	if got.Minutes != 4 || len(got.Counts) > seriesCap || got.Counts[2] != 1 || got.Counts[len(got.Counts)-1] != 1 {
		t.Errorf("3 days: %d minutes a bucket, %d buckets", got.Minutes, len(got.Counts))
	}
	if !got.Start.Equal(seriesT0.Truncate(4 * time.Minute)) {
		t.Errorf("3 days: start %v", got.Start)
	}
}

// TestOnsetOfFindings checks the onset and series of findings of each kind
// of threshold, on generated traffic with a known start: a rate an hour
// (denied storm, slow layer), a count (deprecated APIs), distinct seconds
// (server errors); and the counter-case of the same requests spread too
// thin, which is no finding at all.
func TestOnsetOfFindings(t *testing.T) {
	background := func(ds *Detectors) {
		for m := range 120 { // two hours of ordinary GETs
			ds.Add(newEntry("get", "reader", fmt.Sprintf("/api/v1/namespaces/a/configmaps/c%d", m), 200, seriesT0.Add(time.Duration(m)*time.Minute), 5*time.Millisecond, nil))
		}
	}
	ds := New(Options{})
	background(ds)
	// 5 refused a minute from minute 40 to 99: 100 in the hour by the end
	// of minute 59.
	for m := 40; m < 100; m++ {
		for i := range 5 {
			ds.Add(newEntry("list", "bot", fmt.Sprintf("/api/v1/secrets?i=%d", i), 403, seriesT0.Add(time.Duration(m)*time.Minute+time.Duration(i)*time.Second), time.Millisecond, nil))
		}
	}
	// 2 slow pod creations a minute from minute 10 (20 an hour by minute 19).
	for m := 10; m < 50; m++ {
		for i := range 2 {
			ds.Add(newEntry("create", "ci", "/api/v1/namespaces/ci/pods", 201, seriesT0.Add(time.Duration(m)*time.Minute+time.Duration(i)*time.Second), 2*time.Second,
				map[string]string{"apiserver.latency.k8s.io/total": "2s", "apiserver.latency.k8s.io/validating-webhook": "1.9s"}))
		}
	}
	// A deprecated API, first at minute 7.
	for m := 7; m < 9; m++ {
		ds.Add(newEntry("get", "old", "/apis/batch/v1beta1/namespaces/a/cronjobs", 200, seriesT0.Add(time.Duration(m)*time.Minute), time.Millisecond,
			map[string]string{annDeprecated: "true"}))
	}
	// 5xx in 70 distinct seconds from minute 100 (one a second): the 60th at 100:59.
	for s := range 70 {
		ds.Add(newEntry("get", "x", "/api/v1/namespaces/a/pods/p", 503, seriesT0.Add(100*time.Minute+time.Duration(s)*time.Second), time.Millisecond, nil))
	}
	res := ds.Result()
	for _, tc := range []struct {
		id, subject string
		onset       time.Time
	}{
		{"denied-storm", "bot", seriesT0.Add(59 * time.Minute)},
		{"slow-layer", "admission-webhooks", seriesT0.Add(19 * time.Minute)},
		{"deprecated-apis", "", seriesT0.Add(7 * time.Minute)},
		{"server-errors", "", seriesT0.Add(100 * time.Minute)},
	} {
		f := findingOf(res, tc.id, tc.subject)
		if f == nil {
			t.Errorf("%s %s: not found", tc.id, tc.subject)
			continue
		}
		if !f.Onset.Equal(tc.onset) {
			t.Errorf("%s: onset %v, want %v", tc.id, f.Onset, tc.onset)
		}
		checkSeries(t, res, f)
	}

	// The counter-case: the bot refused 100 times but spread over two
	// hours (under 100 an hour): no denied storm, so no onset.
	ds = New(Options{})
	background(ds)
	for m := range 100 {
		ds.Add(newEntry("list", "bot", "/api/v1/secrets", 403, seriesT0.Add(time.Duration(m)*72*time.Second), time.Millisecond, nil))
	}
	if f := findingOf(ds.Result(), "denied-storm", "bot"); f != nil {
		t.Errorf("a thin trickle of 403s is a denied storm from %v", f.Onset)
	}
}

// checkSeries checks that a finding's series counts its requests, over
// the whole capture, and that its onset is in it, in a bucket with
// requests.
func checkSeries(t *testing.T, res Result, f *Finding) {
	t.Helper()
	s := f.PerMinute
	var sum int64
	for _, n := range s.Counts {
		sum += n
	}
	if sum != f.Magnitude {
		t.Errorf("%s %s: its series counts %d requests, its magnitude is %d", f.ID, f.Subject, sum, f.Magnitude)
	}
	width := time.Duration(s.Minutes) * time.Minute
	if s.Minutes < 1 || s.Start.After(res.First) || !s.Start.Add(time.Duration(len(s.Counts))*width).After(res.Last) ||
		s.Start.Add(width).Before(res.First) {
		t.Errorf("%s %s: series from %v, %d buckets of %d minutes, does not cover %v..%v", f.ID, f.Subject, s.Start, len(s.Counts), s.Minutes, res.First, res.Last)
	}
	if f.Onset.IsZero() {
		t.Errorf("%s %s: no onset", f.ID, f.Subject)
		return
	}
	i := int(f.Onset.Sub(s.Start) / width)
	if i < 0 || i >= len(s.Counts) || s.Counts[i] == 0 {
		t.Errorf("%s %s: onset %v outside its series or in an empty bucket", f.ID, f.Subject, f.Onset)
	}
}
