package format

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// TestListingMatchesFmt checks the hand-padded columns of a text listing
// against the fmt verbs the reference formats them with, on verbs, codes
// and durations of every width (durations hold "µ", two bytes wide).
func TestListingMatchesFmt(t *testing.T) {
	at := time.Date(2022, 2, 7, 22, 15, 16, 0, time.UTC)
	var entries []*auditlog.Entry
	for i, verb := range []string{"get", "deletecollection", "", "ĝet", "watch\x1b"} {
		for j, code := range []int32{0, -1, 7, 200, 1000, 100000} {
			ev := &auditv1.Event{
				AuditID:                  "id-\u00e9",
				Verb:                     verb,
				RequestURI:               "/api/v1/pods",
				RequestReceivedTimestamp: metav1.NewMicroTime(at),
				StageTimestamp:           metav1.NewMicroTime(at.Add(time.Duration(i*j*j*7919) * time.Microsecond / 3)),
				ResponseStatus:           &metav1.Status{Code: code},
			}
			ev.User.Username = "alice"
			e := new(auditlog.Entry)
			e.Reset(ev, &auditlog.Source{Path: "audit.log"}, 1, "")
			entries = append(entries, e)
		}
	}
	for _, style := range []ListStyle{ListDefault, ListWide} {
		got, want := listed(t, entries, style), referenceListing(entries, style)
		if got != want {
			t.Errorf("style %d:\n got:\n%s\nwant:\n%s", style, got, want)
		}
	}
}

// listed is what a Listing in style writes of entries.
func listed(t *testing.T, entries []*auditlog.Entry, style ListStyle) string {
	t.Helper()
	var buf bytes.Buffer
	l := NewListing(&buf, style)
	for _, e := range entries {
		if err := l.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// referenceListing is the reference's listing of entries in style: each
// line made with the fmt verbs the reference uses, the lines of each
// block of listBlock entries aligned by text/tabwriter, which also
// aligns the lines on each side of a day's line apart.
func referenceListing(entries []*auditlog.Entry, style ListStyle) string {
	var out bytes.Buffer
	tw := newTable(&out)
	day := int64(math.MinInt64)
	for i, e := range entries {
		ev := e.Event
		verb := Sanitize(strings.ToUpper(ev.Verb))
		latency := "unknown"
		if d, ok := e.Latency(); ok {
			latency = d.String()
		}
		at := ev.RequestReceivedTimestamp.UTC()
		layout := "15:04:05"
		switch d := at.Unix() / secondsPerDay; {
		case day == math.MinInt64:
			day = d
		case d > day:
			fmt.Fprintf(tw, "--- %s ends, %s begins (UTC) ---\n", time.Unix(day*secondsPerDay, 0).UTC().Format(time.DateOnly), at.Format(time.DateOnly))
			day = d
		case d < day:
			layout = time.DateTime
		}
		line := at.Format(layout)
		var code int32
		if ev.ResponseStatus != nil {
			code = ev.ResponseStatus.Code
		}
		if style == ListWide {
			line += fmt.Sprintf(" (%s) [%s][%s] [%d]\t ", Sanitize(string(ev.AuditID)), verb, latency, code)
		} else {
			line += fmt.Sprintf(" [%6s][%12s] [%3d]\t ", verb, latency, code)
		}
		fmt.Fprintf(tw, "%s%s\t [%s]\n", line, Sanitize(ev.RequestURI), Sanitize(ev.User.Username))
		if (i+1)%listBlock == 0 {
			tw.Flush()
		}
	}
	tw.Flush()
	return out.String()
}

// TestListingAlignsAsTabwriter lists entries over more than two blocks,
// across days and back, with URIs and users of every width (wide runes,
// control characters, invalid UTF-8), and holds the aligned columns to
// text/tabwriter's.
func TestListingAlignsAsTabwriter(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	parts := []string{"a", "/api/v1/namespaces/", "é", "界", "\t", "\x1b[2J", "\xff", "x?watch=true&", "\u2028", "pods/"}
	text := func(n int) string {
		var b strings.Builder
		for range rng.IntN(n) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		return b.String()
	}
	at := time.Date(2022, 2, 7, 23, 50, 0, 0, time.UTC)
	var entries []*auditlog.Entry
	for i := range 2*listBlock + 300 {
		switch r := rng.IntN(1000); {
		case r < 3:
			at = at.Add(time.Duration(rng.IntN(30)) * time.Hour)
		case r < 6:
			at = at.Add(-25 * time.Hour)
		default:
			at = at.Add(time.Duration(rng.IntN(400)) * time.Millisecond)
		}
		ev := &auditv1.Event{AuditID: types.UID(fmt.Sprintf("id-%d%s", i, text(3))), Verb: []string{"get", "list", "ĝet", "watch\x1b", ""}[rng.IntN(5)],
			RequestURI:               text(12),
			RequestReceivedTimestamp: metav1.NewMicroTime(at),
			StageTimestamp:           metav1.NewMicroTime(at.Add(time.Duration(rng.IntN(5e6)) * time.Microsecond)),
		}
		if rng.IntN(10) > 0 {
			ev.ResponseStatus = &metav1.Status{Code: int32(rng.IntN(600))}
		}
		ev.User.Username = text(6)
		e := new(auditlog.Entry)
		e.Reset(ev, testSource, int64(i+1), "")
		entries = append(entries, e)
	}
	for _, style := range []ListStyle{ListDefault, ListWide} {
		got, want := listed(t, entries, style), referenceListing(entries, style)
		if got != want {
			g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
			for i := range min(len(g), len(w)) {
				if g[i] != w[i] {
					t.Fatalf("style %d, line %d of %d:\n got %q\nwant %q", style, i+1, len(w), g[i], w[i])
				}
			}
			t.Fatalf("style %d: %d lines, want %d", style, len(g), len(w))
		}
	}
}

// TestListingDays: a listing within one UTC day is the reference's; one
// that spans days marks where each day begins, and an event out of order
// by a day gives its date.
func TestListingDays(t *testing.T) {
	at := func(ts string) *auditlog.Entry {
		tm, err := time.Parse(time.RFC3339, ts)
		if err != nil {
			t.Fatal(err)
		}
		ev := &auditv1.Event{AuditID: "x", Verb: "get", RequestURI: "/api/v1/pods", ResponseStatus: &metav1.Status{Code: 200},
			RequestReceivedTimestamp: metav1.NewMicroTime(tm), StageTimestamp: metav1.NewMicroTime(tm)}
		ev.User.Username = "u"
		e := new(auditlog.Entry)
		e.Reset(ev, testSource, 1, "")
		return e
	}
	for _, tc := range []struct {
		times []string
		want  []string // each line's start
	}{
		{[]string{"2022-02-07T00:00:00Z", "2022-02-07T23:59:59Z"}, []string{"00:00:00 [   GET]", "23:59:59 [   GET]"}},
		{[]string{"2022-02-07T23:59:59Z", "2022-02-08T00:00:01Z", "2022-02-07T23:59:58Z", "2022-02-10T12:00:00Z"}, []string{
			"23:59:59 [   GET]",
			"--- 2022-02-07 ends, 2022-02-08 begins (UTC) ---",
			"00:00:01 [   GET]",
			"2022-02-07 23:59:58 [   GET]",
			"--- 2022-02-08 ends, 2022-02-10 begins (UTC) ---",
			"12:00:00 [   GET]",
		}},
	} {
		var buf bytes.Buffer
		l := NewListing(&buf, ListDefault)
		for _, ts := range tc.times {
			if err := l.Write(at(ts)); err != nil {
				t.Fatal(err)
			}
		}
		if err := l.Flush(); err != nil {
			t.Fatal(err)
		}
		got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		ok := len(got) == len(tc.want)
		for i := 0; ok && i < len(got); i++ {
			ok = strings.HasPrefix(got[i], tc.want[i])
		}
		if !ok {
			t.Errorf("%v:\n%s\nwant lines starting with\n%s", tc.times, buf.String(), strings.Join(tc.want, "\n"))
		}
	}
}
