package auditparquet

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
	"unsafe"

	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/auditlens/auditlens/internal/longtest"
)

// TestOwn: rows set from events whose strings live in one buffer, reused
// for each event as a reader reuses its line buffer, and kept with Own,
// equal rows set from events of strings of their own, over enough rows
// to fill many of the Interner's slabs (and strings too long for one): in
// the README's test command 5000 rows (still many slabs, and 52 long
// strings), in the long run (AUDITLENS_LONG=1, a step of .ci/run) 20000.
func TestOwn(t *testing.T) {
	var in Interner
	buf := make([]byte, 0, 1<<20) // never grown: every event's strings are at its start
	// str puts s in buf, as a string that the next event overwrites.
	str := func(s string) string {
		start := len(buf)
		buf = append(buf, s...)
		return unsafe.String(unsafe.SliceData(buf[start:]), len(s))
	}
	event := func(i int, str func(string) string) auditv1.Event {
		code := int32(200 + i%300)
		big := ""
		if i%97 == 0 {
			big = string(bytes.Repeat([]byte{'m'}, slabBytes/4+i))
		}
		return auditv1.Event{
			AuditID: types.UID(str(fmt.Sprintf("id-%d", i))), RequestURI: str(fmt.Sprintf("/api/v1/namespaces/ns%d/pods/p%d", i%7, i)),
			Verb: str([]string{"get", "list", "watch"}[i%3]), Stage: auditv1.Stage(str("ResponseComplete")),
			User:             authnv1.UserInfo{Username: str(fmt.Sprintf("user-%d", i%11)), Groups: []string{str("system:authenticated"), str(fmt.Sprintf("g%d", i))}},
			ImpersonatedUser: &authnv1.UserInfo{Username: str(fmt.Sprintf("imp-%d", i))},
			SourceIPs:        []string{str(fmt.Sprintf("10.0.%d.%d", i%256, i%200))},
			ObjectRef:        &auditv1.ObjectReference{Resource: str("pods"), Name: str(fmt.Sprintf("p%d", i)), UID: types.UID(str(fmt.Sprintf("uid-%d", i))), ResourceVersion: str(fmt.Sprint(i))},
			ResponseStatus:   &metav1.Status{Code: code, Message: str(fmt.Sprintf("message %d", i) + big)},
			Annotations:      map[string]string{str(AnnotationDecision): str("allow"), str("k"): str(fmt.Sprintf("v%d", i))},
		}
	}
	n := longtest.Pick(5000, 20000)
	var got, want []Row
	var scratch Row
	for i := range n {
		buf = buf[:0]
		ev := event(i, str)
		loc := Location{Server: str("kube-apiserver"), File: str(fmt.Sprintf("f%d", i%5)), Line: int64(i)}
		scratch.Set(&ev, &Request{Name: str(fmt.Sprintf("p%d", i))}, &loc, false)
		got = append(got, scratch)
		got[len(got)-1].Own(&in)

		plain := event(i, func(s string) string { return s })
		var r Row
		r.Set(&plain, &Request{Name: fmt.Sprintf("p%d", i)}, &Location{Server: "kube-apiserver", File: fmt.Sprintf("f%d", i%5), Line: int64(i)}, false)
		want = append(want, r)
	}
	clear(buf[:cap(buf)]) // the last event's strings, overwritten
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("row %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	// The lists kept are of their own: appending to one changes nothing
	// else.
	for i := range got {
		got[i].UserGroups = append(got[i].UserGroups, "x")
		got[i].SourceIPs = append(got[i].SourceIPs, "y")
	}
	for i := range got {
		got[i].UserGroups, got[i].SourceIPs = got[i].UserGroups[:2], got[i].SourceIPs[:1]
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("row %d after appends:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}
