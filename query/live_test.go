package query_test

import (
	"bytes"
	"context"
	"net/url"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/longtest"
	"github.com/auditlens/auditlens/query"
)

// liveSample is the kube-apiserver logs of the sample, whose requests each
// count once.
const liveSample = "../testdata/must-gather/audit_logs/kube-apiserver"

// liveFiles are the files TestLiveAnswersAsRun feeds a live query: with
// AUDITLENS_LONG=1 (a step of .ci/run), liveSample; in the README's test
// command, the logs of one of its three nodes (7445 events over three
// hours: 6666 requests, 35 of them 429s, three findings).
func liveFiles(t *testing.T) []string {
	t.Helper()
	if longtest.Enabled() {
		return []string{liveSample}
	}
	files, err := filepath.Glob(liveSample + "/ip-10-0-142-86.ec2.internal-audit*.log*")
	if err != nil || len(files) != 4 {
		t.Fatalf("the first node's logs: %q, %v; want 4 files", files, err)
	}
	return files
}

// liveMinutes feeds the events of paths to counters of l, one a minute,
// as a server would, and returns them in time order with the report of
// what was read and the times of the first and last event.
func liveMinutes(t *testing.T, l *query.Live, paths ...string) (counters []*query.Counter, rep *auditlog.Report, first, last time.Time) {
	t.Helper()
	sources, err := auditlog.Find(paths...)
	if err != nil {
		t.Fatal(err)
	}
	byMinute := map[int64]*query.Counter{}
	fields := l.NewCounter().Fields() | auditlog.FieldRequestReceivedTimestamp | auditlog.FieldStage
	r := auditlog.NewReader(sources, auditlog.Options{Fields: fields, EveryStage: true, EveryCopy: true})
	for e := range r.All() {
		at := e.Event.RequestReceivedTimestamp.Time
		m := at.Truncate(time.Minute).Unix()
		c := byMinute[m]
		if c == nil {
			c = l.NewCounter()
			byMinute[m] = c
		}
		c.Add(e)
		if first.IsZero() || at.Before(first) {
			first = at
		}
		if at.After(last) {
			last = at
		}
	}
	for _, m := range slices.Sorted(func(yield func(int64) bool) {
		for m := range byMinute {
			if !yield(m) {
				return
			}
		}
	}) {
		counters = append(counters, byMinute[m])
	}
	return counters, r.Report(), first, last
}

// TestLiveAnswersAsRun checks that a live query answers, from counters of
// each minute, what Run answers from the same events, for every view and
// encoding, and the same again when asked twice (answering leaves the
// counters as they were).
func TestLiveAnswersAsRun(t *testing.T) {
	every := []string{
		"o=top&by=user", "o=top&by=user&format=json", "o=top&by=verb", "o=top&by=verb&format=json",
		"o=top&by=httpstatus", "o=csv&by=resource", "o=top=3&by=namespace&verb=list,watch",
		"o=stats", "o=stats&format=json", "o=latency&by=resource&format=json", "o=latency&by=user&sort=p99",
		"o=histogram&by=user", "o=histogram&format=json&bucket=5m", "o=throttling", "o=throttling&format=json",
		"o=findings", "o=findings&format=json", "o=html", "o=top&by=user&where=verb == 'get' %26%26 latency > duration('10ms')",
		"o=stats&stage=", "o=top&by=resource&long-running",
	}
	// Every view once, and the grouped top in JSON; every case in the long
	// run (AUDITLENS_LONG=1).
	some := []string{every[3], every[5], every[8], every[10], every[12], every[13], every[16], every[17], every[18]}
	for _, params := range longtest.Pick(some, every) {
		t.Run(params, func(t *testing.T) {
			v, err := url.ParseQuery(params)
			if err != nil {
				t.Fatal(err)
			}
			q, err := query.ParseValues(v, "filename")
			if err != nil {
				t.Fatal(err)
			}
			files := liveFiles(t)
			l, err := q.Live(files...)
			if err != nil {
				t.Fatal(err)
			}
			counters, rep, first, last := liveMinutes(t, l, files...)
			if len(counters) < 10 {
				t.Fatalf("%d minutes: the sample should span many", len(counters))
			}
			q.Paths = files
			q.Workers = 2
			want := run(t, q)
			for range 2 {
				res, err := l.Answer(slices.Values(counters), rep, first, last)
				if err != nil {
					t.Fatal(err)
				}
				var got bytes.Buffer
				if err := res.Write(&got); err != nil {
					t.Fatal(err)
				}
				if got.String() != want {
					t.Fatalf("live answer differs from Run's:\n--- live\n%s\n--- run\n%s", head(got.String()), head(want))
				}
			}
		})
	}
}

func run(t *testing.T, q query.Query) string {
	t.Helper()
	res, err := q.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := res.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func head(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "..."
	}
	return s
}
