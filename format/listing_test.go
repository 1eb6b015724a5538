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
