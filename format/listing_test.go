package format

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
		var got, want bytes.Buffer
		l := NewListing(&got, style)
		tw := newTable(&want)
		for _, e := range entries {
			if err := l.Write(e); err != nil {
				t.Fatal(err)
			}
			ev := e.Event
			verb := Sanitize(strings.ToUpper(ev.Verb))
			latency := "unknown"
			if d, ok := e.Latency(); ok {
				latency = d.String()
			}
			line := ev.RequestReceivedTimestamp.UTC().Format("15:04:05")
			if style == ListWide {
				line += fmt.Sprintf(" (%s) [%s][%s] [%d]\t ", Sanitize(string(ev.AuditID)), verb, latency, ev.ResponseStatus.Code)
			} else {
				line += fmt.Sprintf(" [%6s][%12s] [%3d]\t ", verb, latency, ev.ResponseStatus.Code)
			}
			fmt.Fprintf(tw, "%s%s\t [%s]\n", line, ev.RequestURI, ev.User.Username)
		}
		if err := l.Flush(); err != nil {
			t.Fatal(err)
		}
		tw.Flush()
		if got.String() != want.String() {
			t.Errorf("style %d:\n got:\n%s\nwant:\n%s", style, got.String(), want.String())
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
