package auditlog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// verdictEvent is an event with every kind of member, bodies included, in
// which the faults of TestOneVerdictPerLine are planted: where a fault
// lands is marked by the placeholders SKIPPED (a string of objectRef, which
// a user top skips), BODY (inside requestObject), TOP (userAgent, a
// top-level string) and DECODED (user.username, which every view below
// decodes).
const verdictEvent = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"ID",` +
	`"stage":"ResponseComplete","requestURI":"/api/v1/namespaces/ns/configmaps/cm","verb":"update",` +
	`"user":{"username":"DECODED","groups":["system:authenticated"],"extra":{"k":["v"]}},` +
	`"sourceIPs":["10.0.0.1"],"userAgent":"TOP",` +
	`"objectRef":{"resource":"configmaps","namespace":"ns","name":"SKIPPED","apiVersion":"v1"},` +
	`"responseStatus":{"metadata":{},"code":200},` +
	`"requestObject":{"kind":"ConfigMap","data":{"a":"BODY","n":[1,2.5,-3e2,true,null]}},` +
	`"responseObject":{"kind":"ConfigMap"},` +
	`"requestReceivedTimestamp":"2022-02-07T22:15:16.123456Z","stageTimestamp":"2022-02-07T22:15:16.125456Z",` +
	`"annotations":{"authorization.k8s.io/decision":"allow"}}`

// A fault's verdict: the damaged line is an event, or a failure.
const (
	isEvent   = true
	isFailure = false
)

// TestOneVerdictPerLine plants faults in every part of an event and checks
// that the damaged line has the same verdict, event or failure of the same
// kind, whatever fields the reader decodes: a user top (which skips all but
// a few fields), the status code alone, and every field (-o json).
func TestOneVerdictPerLine(t *testing.T) {
	faults := []struct {
		name  string
		value string // replaces a placeholder, inside its quotes
		event bool
	}{
		{"bad escape", `a\qb`, isFailure},
		{"short unicode escape", `a\u12`, isFailure},
		{"invalid UTF-8", "a\xff\xfeb", isEvent},
		{"lone surrogate", `a\ud800b`, isEvent},
		{"reversed surrogates", `a\udc00\ud800b`, isEvent},
		{"control character", "a\x01b", isFailure},
		{"tab", "a\tb", isFailure},
		{"DEL and C1 bytes", "a\x7f\xc2\x9bb", isEvent},
		{"quote left open", `a","x`, isFailure}, // "a","x" where one string was: a stray string
		{"missing comma", `a" "b`, isFailure},
		{"bad number", `",x:01,"`, isFailure},
		{"bracket mismatch", `",x:[1},"`, isFailure},
		{"bare word", `",x:nul,"`, isFailure},
	}
	type place struct {
		name, placeholder string
	}
	places := []place{{"skipped", "SKIPPED"}, {"body", "BODY"}, {"top-level", "TOP"}, {"decoded", "DECODED"}}
	views := []struct {
		name   string
		fields Fields
	}{
		{"user top", FieldUser | FieldStage | FieldRequestURI | FieldRequestReceivedTimestamp},
		{"status code", FieldResponseCode},
		{"all", FieldsAll},
	}
	scanModes(t, func(t *testing.T) {
		for _, f := range faults {
			for _, p := range places {
				line := strings.Replace(verdictEvent, p.placeholder, f.value, 1)
				if strings.HasPrefix(f.value, `",`) {
					// A fault in the structure: a member x after the string.
					line = strings.Replace(verdictEvent, `"`+p.placeholder+`"`, `"v`+f.value+`y":"z"`, 1)
					line = strings.Replace(line, `,x:`, `,"x":`, 1)
				}
				if p.placeholder == "TOP" && strings.HasPrefix(f.value, `",`) {
					continue // a top-level member is decoded or skipped by the same code as any
				}
				checkVerdict(t, f.name+" in "+p.name, line, f.event, views)
			}
		}
		// Cut short: the last line of a file, with no newline.
		for _, cut := range []int{1, 100, 300, 400, len(verdictEvent) - 1} {
			checkCut(t, fmt.Sprintf("cut at byte %d", cut), verdictEvent[:cut], views)
		}
	})
}

// TestOneVerdictTypes: a valid JSON value of the wrong type, or a timestamp
// that does not parse, leaves its field empty and the line is an event for
// every view; it is reported as repaired only by the views that decode the
// field.
func TestOneVerdictTypes(t *testing.T) {
	views := []struct {
		name   string
		fields Fields
	}{
		{"user top", FieldUser | FieldStage | FieldRequestReceivedTimestamp},
		{"all", FieldsAll},
	}
	for _, c := range []struct {
		name, old, new string
		field          Fields
	}{
		{"number for a string", `"verb":"update"`, `"verb":5`, FieldVerb},
		{"string for an object", `"objectRef":{`, `"objectRef":"x","o":{`, FieldObjectRef},
		{"fraction for a code", `"code":200`, `"code":200.5`, FieldResponseStatus},
		{"overflowing code", `"code":200`, `"code":2147483648`, FieldResponseStatus},
		{"bad timestamp", `"stageTimestamp":"2022-02-07T22:15:16.125456Z"`, `"stageTimestamp":"yesterday"`, FieldStageTimestamp},
		{"number in groups", `"groups":["system:authenticated"]`, `"groups":["a",5,"b"]`, FieldUserGroups},
	} {
		line := strings.Replace(verdictEvent, c.old, c.new, 1)
		if line == verdictEvent {
			t.Fatalf("%s: %s not in the event", c.name, c.old)
		}
		if !json.Valid([]byte(line)) {
			t.Fatalf("%s: not valid JSON", c.name)
		}
		for _, v := range views {
			rep := verdictReport(t, line+"\n", v.fields)
			if rep.Events != 1 || rep.Failures() != 0 {
				t.Errorf("%s, %s: %d events, %d failures; want an event", c.name, v.name, rep.Events, rep.Failures())
			}
			wantRepaired := int64(0)
			if v.fields&c.field != 0 {
				wantRepaired = 1
			}
			if got := rep.Problems[Repaired].Count; got != wantRepaired {
				t.Errorf("%s, %s: %d repaired, want %d", c.name, v.name, got, wantRepaired)
			}
		}
	}
}

// checkVerdict reads line between two good events with each view's fields
// and checks the events and failures, by kind, are the same for all and
// as wanted.
func checkVerdict(t *testing.T, name, line string, event bool, views []struct {
	name   string
	fields Fields
}) {
	t.Helper()
	if valid := json.Valid([]byte(line)); valid != event {
		t.Fatalf("%s: the test is wrong: json.Valid says %v", name, valid)
	}
	data := testEvent("before") + "\n" + line + "\n" + testEvent("after") + "\n"
	wantEvents := int64(2)
	if event {
		wantEvents = 3
	}
	for _, v := range views {
		rep := verdictReport(t, data, v.fields)
		if rep.Events != wantEvents || rep.Failures() != 3-wantEvents || rep.Problems[BadJSON].Count != 3-wantEvents {
			t.Errorf("%s, %s: %d events, %d failures (%d bad JSON); want %d events", name, v.name,
				rep.Events, rep.Failures(), rep.Problems[BadJSON].Count, wantEvents)
		}
	}
}

// checkCut reads a file ending in line, with no newline: a truncated line
// for every view.
func checkCut(t *testing.T, name, line string, views []struct {
	name   string
	fields Fields
}) {
	t.Helper()
	data := testEvent("before") + "\n" + line
	for _, v := range views {
		rep := verdictReport(t, data, v.fields)
		if rep.Events != 1 || rep.Problems[Truncated].Count != 1 || rep.Failures() != 1 {
			t.Errorf("%s, %s: %d events, %d truncated, %d failures; want 1, 1, 1", name, v.name,
				rep.Events, rep.Problems[Truncated].Count, rep.Failures())
		}
	}
}

// verdictReport reads data as a file with the fields and returns the
// report.
func verdictReport(t *testing.T, data string, fields Fields) *Report {
	t.Helper()
	src := writeSource(t, t.TempDir(), "audit.log", []byte(data))
	r := NewReader([]Source{src}, Options{EveryStage: true, EveryCopy: true, Fields: fields})
	for range r.All() {
	}
	return r.Report()
}

// checkVerdictDecode is the decoder's side of one verdict per line: when
// repairing, as the reader does, a text decodes without error for any
// fields exactly when it is valid JSON holding an object (or null).
func checkVerdictDecode(t *testing.T, data []byte, where string) {
	t.Helper()
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	want := json.Valid(data) && len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == 'n')
	for _, fields := range []Fields{FieldsAll, FieldUser | FieldStage, FieldResponseCode, FieldKind} {
		d := newDecoder(fields)
		d.repair = true
		var ev auditv1.Event
		err := d.Decode(data, &ev)
		if (err == nil) != want {
			t.Errorf("%s: fields %v: error %v, but json.Valid and an object: %v\n%.300q", where, fields, err, want, data)
		}
	}
}
