package auditlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/auditlens/auditlens/internal/longtest"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// corpusLines returns every non-blank line of every file of the committed
// corpus, with its file and line number.
func corpusLines(t testing.TB) (lines [][]byte, where []string) {
	t.Helper()
	files, err := filepath.Glob("../testdata/corpus/*/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".md") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			lines = append(lines, line)
			where = append(where, f+":"+itoa(i+1))
		}
	}
	if len(lines) < 800 {
		t.Fatalf("corpus has only %d lines; is testdata/corpus complete?", len(lines))
	}
	return lines, where
}

func itoa(i int) string { return strconv.Itoa(i) }

// project keeps only the given fields of ev, to compare a partial decode
// with a full one.
func project(ev auditv1.Event, f Fields) auditv1.Event {
	var p auditv1.Event
	if f.Has(FieldKind) {
		p.TypeMeta = ev.TypeMeta
	}
	copyIf := func(bits Fields, dst, src any) {
		if f&bits != 0 {
			reflect.ValueOf(dst).Elem().Set(reflect.ValueOf(src))
		}
	}
	copyIf(FieldLevel, &p.Level, ev.Level)
	copyIf(FieldAuditID, &p.AuditID, ev.AuditID)
	copyIf(FieldStage, &p.Stage, ev.Stage)
	copyIf(FieldRequestURI|FieldFieldManager, &p.RequestURI, ev.RequestURI)
	copyIf(FieldVerb, &p.Verb, ev.Verb)
	copyIf(FieldUser, &p.User.Username, ev.User.Username)
	copyIf(FieldUser, &p.User.UID, ev.User.UID)
	copyIf(FieldUserGroups, &p.User.Groups, ev.User.Groups)
	copyIf(FieldUserExtra, &p.User.Extra, ev.User.Extra)
	copyIf(FieldImpersonatedUser, &p.ImpersonatedUser, ev.ImpersonatedUser)
	copyIf(FieldAuthenticationMetadata, &p.AuthenticationMetadata, ev.AuthenticationMetadata)
	copyIf(FieldSourceIPs, &p.SourceIPs, ev.SourceIPs)
	copyIf(FieldUserAgent, &p.UserAgent, ev.UserAgent)
	copyIf(FieldObjectRef, &p.ObjectRef, ev.ObjectRef)
	copyIf(FieldResponseStatus, &p.ResponseStatus, ev.ResponseStatus)
	if !f.Has(FieldResponseStatus) && f.Has(FieldResponseCode) && ev.ResponseStatus != nil {
		p.ResponseStatus = &metav1.Status{Code: ev.ResponseStatus.Code}
	}
	copyIf(FieldRequestObject, &p.RequestObject, ev.RequestObject)
	copyIf(FieldResponseObject, &p.ResponseObject, ev.ResponseObject)
	copyIf(FieldRequestReceivedTimestamp, &p.RequestReceivedTimestamp, ev.RequestReceivedTimestamp)
	copyIf(FieldStageTimestamp, &p.StageTimestamp, ev.StageTimestamp)
	copyIf(FieldAnnotations, &p.Annotations, ev.Annotations)
	if !f.Has(FieldAnnotations) && f.Has(FieldAnnotationsButAuthz) && ev.Annotations != nil {
		p.Annotations = maps.Clone(ev.Annotations)
		delete(p.Annotations, "authorization.k8s.io/decision")
		delete(p.Annotations, "authorization.k8s.io/reason")
	}
	return p
}

// checkSame decodes data with encoding/json and with a decoder of the given
// fields and fails if they disagree. It reports whether encoding/json
// accepted the input.
func checkSame(t *testing.T, data []byte, fields Fields, where string) bool {
	t.Helper()
	var want auditv1.Event
	jerr := json.Unmarshal(data, &want)
	var got, again auditv1.Event
	d := newDecoder(fields)
	err := d.Decode(data, &got)
	// The second time, d expects the members in the order it saw them
	// (decoder.members), and must decode alike.
	errAgain := d.Decode(data, &again)
	if (err == nil) != (errAgain == nil) {
		t.Errorf("%s: fields %v: Decode fails with %v, then with %v", where, fields, err, errAgain)
	} else if err == nil && !reflect.DeepEqual(got, again) {
		t.Errorf("%s: fields %v: a second Decode differs\n got: %+v\nwant: %+v", where, fields, again, got)
	}
	checkLater(t, data, fields, err, got, where)
	if jerr != nil {
		// A partial decode skips the fields it was not asked for, so it
		// need not see their type errors; it checks their syntax.
		var syntax *json.SyntaxError
		if err == nil && (fields == FieldsAll || errors.As(jerr, &syntax)) {
			t.Errorf("%s: fields %v: encoding/json fails (%v) but Decode accepts", where, fields, jerr)
		}
		return false
	}
	if err != nil {
		t.Errorf("%s: encoding/json accepts but Decode fails: %v\n%.300s", where, err, data)
		return true
	}
	if want = project(want, fields); !reflect.DeepEqual(got, want) {
		t.Errorf("%s: fields %v: Decode differs from encoding/json\n got: %+v\nwant: %+v", where, fields, got, want)
	}
	if useClassify && len(data) < minClassify {
		// Leading white space makes the text long enough to be classified.
		padded := append(bytes.Repeat([]byte{' '}, minClassify), data...)
		checkSame(t, padded, fields, where+" (padded)")
	}
	return true
}

// checkLater decodes data leaving the fields of FieldsLater among fields
// for later, then fills them (Entry.Fill), and checks that this gives what
// decoding them at once gave: got, or the error err.
func checkLater(t *testing.T, data []byte, fields Fields, err error, got auditv1.Event, where string) {
	t.Helper()
	later := fields & FieldsLater
	if later == 0 {
		return
	}
	d := newDecoder(FieldsAll)
	d.fields, d.later.fields = fields&^later, later // (newDecoder reads 0 as FieldsAll)
	var ev auditv1.Event
	lerr := d.Decode(data, &ev)
	var ferr error
	if lerr == nil {
		e := &Entry{Event: &ev}
		if d.later.pending != 0 {
			e.later = &d.later
		}
		ferr = e.Fill(FieldsLater)
	}
	if (err != nil) != (lerr != nil || ferr != nil) {
		t.Errorf("%s: fields %v: decoding at once fails with %v; leaving %v for later, with %v, then filling with %v", where, fields, err, later, lerr, ferr)
		return
	}
	if err == nil && !reflect.DeepEqual(got, ev) {
		t.Errorf("%s: fields %v: leaving %v for later, then filling, differs\n got: %+v\nwant: %+v", where, fields, later, ev, got)
	}
}

// scanModes runs test with the scanner's classifier and, where the machine
// has one, without it.
func scanModes(t *testing.T, test func(t *testing.T)) {
	if !useClassify {
		test(t)
		return
	}
	t.Run("classified", test)
	useClassify = false
	defer func() { useClassify = true }()
	t.Run("portable", test)
}

// TestDecodeCorpus is the differential test: every line of the real corpus
// decodes to the same Event as with encoding/json, fully and field by field.
func TestDecodeCorpus(t *testing.T) {
	lines, where := corpusLines(t)
	scanModes(t, func(t *testing.T) {
		for i, line := range lines {
			checkSame(t, line, FieldsAll, where[i])
			checkVerdictDecode(t, line, where[i])
			for bit := Fields(1); bit < fieldEnd; bit <<= 1 {
				checkSame(t, line, bit, where[i])
			}
			checkSame(t, line, FieldVerb|FieldUser|FieldRequestURI|FieldResponseStatus|FieldStage, where[i])
			checkSame(t, line, FieldVerb|FieldUser|FieldRequestURI|FieldResponseCode|FieldStage, where[i])
		}
	})
}

// TestDecodeEdgeCases covers what encoding/json does with odd but valid
// JSON: folded keys, duplicates, nulls, escapes, bad UTF-8.
func TestDecodeEdgeCases(t *testing.T) {
	cases := []string{
		`{}`,
		`null`,
		` {"verb":"get"} `,
		`{"Verb":"get","VERB":"list"}`,
		`{"verb":"get","verb":null}`,
		"{\"\\u0076erb\":\"watch\"}",
		`{"aUdItId":"x","kind":"Event"}`,
		"{\"auditID\":\"a\u212a\"}",
		`{"user":{"username":"a","groups":["x","y"]},"user":{"groups":[null]}}`,
		`{"user":{"groups":[]}}`,
		`{"user":{"groups":null}}`,
		`{"user":null}`,
		`{"user":{"extra":{"a":["1"],"b":null,"c":[]}}}`,
		`{"user":{"extra":null}}`,
		`{"impersonatedUser":null}`,
		`{"impersonatedUser":{"username":"x"},"impersonatedUser":{"uid":"y"}}`,
		`{"objectRef":{"resource":"pods"},"objectRef":{"name":"p"}}`,
		`{"objectRef":{"resource":"pods"},"objectRef":null}`,
		`{"responseStatus":{"code":403,"metadata":{"remainingItemCount":5,"continue":"c"},"details":{"causes":[{"reason":"r"},null,{"field":"f"}],"retryAfterSeconds":3}}}`,
		`{"responseStatus":{"code":-2147483648}}`,
		`{"responseStatus":{"code":null,"metadata":null,"details":null}}`,
		`{"responseStatus":{"metadata":{"remainingItemCount":null}}}`,
		`{"requestObject":{"a": [1, 2.5e3, "x\u0026"] },"responseObject":"str"}`,
		`{"requestObject":null,"responseObject":12}`,
		`{"requestObject":[]}`,
		`{"requestReceivedTimestamp":"2022-02-07T22:15:16.123456Z","stageTimestamp":null}`,
		`{"requestReceivedTimestamp":"2022-02-07T22:15:16.123456+05:30"}`,
		`{"requestReceivedTimestamp":"2024-02-29T23:59:59.999999Z"}`,
		`{"requestReceivedTimestamp":"2022-02-07T22:15:16.12345Z"}`,
		`{"requestReceivedTimestamp":"2022-02-07T22:15:16Z"}`,
		`{"requestReceivedTimestamp":"2023-02-29T22:15:16.123456Z"}`,
		`{"requestReceivedTimestamp":"2022-02-07T22:15:16\u002e123456Z"}`,
		`{"annotations":{"a":"1","b":null,"a":"2"}}`,
		`{"annotations":{},"sourceIPs":[]}`,
		// The authorizer's annotations alone, as the API server writes
		// them (decoder.annotations skips them whole), and near misses.
		`{"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""},"verb":"get"}`,
		`{"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \"x\" of ClusterRole \"y\""}}`,
		`{"annotations":{"authorization.k8s.io/reason":"","authorization.k8s.io/decision":"allow"}}`,
		`{"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"","a":"1"}}`,
		`{"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"" }}`,
		`{"annotations":{"authorization.k8s.io/decision":"allow"}}`,
		`{"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":null}}`,
		`{"annotations":{"authorization.k8s.io/decision":"forbid","authorization.k8s.io/reason":""},"annotations":{"a":"1"}}`,
		`{"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"\q"}}`,
		`{"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"x"`,
		`{"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"x"}`,
		`{"annotations":{"authorization.k8s.io/decision":"al`,
		`{"sourceIPs":["1.2.3.4","::1"],"sourceIPs":["5.6.7.8"]}`,
		"{\"requestURI\":\"/api/v1/pods?limit=500\\u0026resourceVersion=0\"}",
		"{\"userAgent\":\"bad \xff\xfe utf8 \xe2\x82\"}",
		`{"userAgent":"\ud83d\ude00 \ud800 \udc00x \ud800\u0041"}`,
		`{"userAgent":"\"\\\/\b\f\n\r\t"}`,
		`{"items":[{"verb":"get"}],"kind":"EventList","timestamp":"2017-09-11T10:00:00Z"}`,
		`{"unknown":{"deep":[[[{"x":null}]]],"t":true,"f":false,"n":-0.5e-3}}`,
		`{"authenticationMetadata":{"impersonationConstraint":"impersonate:user-info"}}`,
		`{"level":"Metadata","stage":"ResponseComplete"}`,
		// encoding/json rejects these.
		`{"kind": 0}`,
		`{"verb":"get"} x`,
		`{"verb":"get",}`,
		`{"responseStatus":{"code":4.03e2}}`,
		`{"responseStatus":{"code":2147483648}}`,
		`{"responseStatus":{"code":"403"}}`,
		`{"verb":["get"]}`,
		`{"user":"me"}`,
		`{"requestReceivedTimestamp":12}`,
		`{"requestReceivedTimestamp":"yesterday"}`,
		`[]`,
		`"event"`,
		``,
		`{"verb":"get"`,
		"{\"verb\":\"g\x01\"}",
		`{"verb":"\x"}`,
		`{"a":01}`,
		`{"a":tru}`,
		`{"a":[1,]}`,
		strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
		`{"a":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`,
	}
	for _, c := range cases {
		for _, f := range []Fields{FieldsAll, FieldVerb, FieldUser | FieldAnnotations, FieldRequestReceivedTimestamp, FieldVerb | FieldAnnotationsButAuthz} {
			checkSame(t, []byte(c), f, c[:min(len(c), 60)])
		}
	}
}

// TestDecodeIntoRecycled checks that decoding into a recycled event (the
// reader's path) gives the same result as decoding into a fresh one.
func TestDecodeIntoRecycled(t *testing.T) {
	lines, where := corpusLines(t)
	d := newDecoder(FieldsAll)
	var reused auditv1.Event
	for i, line := range lines {
		var fresh auditv1.Event
		ferr := newDecoder(FieldsAll).Decode(line, &fresh)
		d.spare.recycle(&reused)
		err := d.Decode(line, &reused)
		if (err == nil) != (ferr == nil) {
			t.Fatalf("%s: fresh error %v, reused error %v", where[i], ferr, err)
		}
		if err == nil && !reflect.DeepEqual(fresh, reused) {
			t.Errorf("%s: decoding into a recycled event differs\n got: %+v\nwant: %+v", where[i], reused, fresh)
		}
	}
}

func FuzzDecode(f *testing.F) {
	lines, _ := corpusLines(f)
	for i, line := range lines {
		if i%20 == 0 {
			f.Add(line)
		}
	}
	f.Add([]byte(`{"Verb":"get","user":{"groups":["a"]},"user":{"groups":[null]}}`))
	f.Add([]byte(`{"responseStatus":{"details":{"causes":[{"reason":"x"},null]}}}`))
	f.Add([]byte(`{"verb":"get","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by RoleBinding \"x\""}}`))
	for _, line := range escapedLines() {
		f.Add([]byte(line))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		scanModes(t, func(t *testing.T) {
			checkSame(t, data, FieldsAll, "fuzz")
			checkSame(t, data, FieldVerb|FieldUser|FieldRequestReceivedTimestamp, "fuzz")
			checkSame(t, data, FieldVerb|FieldUser|FieldSourceIPs|FieldUserAgent, "fuzz")
			checkSame(t, data, FieldVerb|FieldAnnotationsButAuthz, "fuzz")
			checkVerdictDecode(t, data, "fuzz")
		})
	})
}

// logLines returns every non-empty line of every source Find gives for
// path, with its file and line number.
func logLines(tb testing.TB, path string) (lines [][]byte, where []string) {
	tb.Helper()
	sources, err := Find(path)
	if err != nil {
		tb.Fatal(err)
	}
	for i := range sources {
		if sources[i].Skip != "" {
			continue
		}
		f, err := Open(&sources[i])
		if err != nil {
			tb.Fatal(err)
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			tb.Fatal(err)
		}
		for n, line := range bytes.Split(data, []byte("\n")) {
			if len(line) > 0 {
				lines = append(lines, line)
				where = append(where, sources[i].Path+":"+itoa(n+1))
			}
		}
	}
	return lines, where
}

// TestDecodeSample is the differential test on the lines of the committed
// sample must-gather: every third line, every line
// with AUDITLENS_LONG=1 (a step of .ci/run). The generated lines are of
// few shapes; the corpus (TestDecodeCorpus) has the odd ones.
func TestDecodeSample(t *testing.T) {
	lines, where := logLines(t, "../testdata/must-gather")
	step := longtest.Pick(3, 1)
	for i := 0; i < len(lines); i += step {
		line := lines[i]
		if !checkSame(t, line, FieldsAll, where[i]) {
			t.Errorf("%s: encoding/json rejects a line of the sample", where[i])
		}
		checkSame(t, line, FieldUser|FieldVerb|FieldRequestURI|FieldStage|FieldRequestReceivedTimestamp, where[i])
	}
	if len(lines) < 20000 {
		t.Errorf("only %d lines in the sample", len(lines))
	}
}

// TestEventMember checks that every member name is found by its hash, and
// folded and unknown keys by the slow path.
func TestEventMember(t *testing.T) {
	seen := map[int]string{}
	for i, name := range eventMembers {
		if other, ok := seen[memberHash([]byte(name))]; ok {
			t.Errorf("%s and %s have one hash", name, other)
		}
		seen[memberHash([]byte(name))] = name
		if got := eventMember([]byte(name)); got != i {
			t.Errorf("eventMember(%q) = %d, want %d", name, got, i)
		}
	}
	for key, want := range map[string]int{"VERB": memberVerb, "apiversion": memberAPIVersion, "\u212aind": memberKind, "": memberUnknown, "verbs": memberUnknown, "items": memberUnknown,
		// Same length and ends as a name, so the same hash: the words differ.
		"kxnd": memberUnknown, "lexel": memberUnknown, "requestObjext": memberUnknown, "requestReceivedXimestamp": memberUnknown,
		"requestReceivedTimestamX": memberUnknown, "requestReceivedTimestamp": memberRequestReceivedTimestamp} {
		if got := eventMember([]byte(key)); got != want {
			t.Errorf("eventMember(%q) = %d, want %d", key, got, want)
		}
	}
}

// TestModesReportOneError checks that the classified and portable scanners
// report the same error, at the same offset, for lines cut short: the
// reader's "last line cut off" samples must not depend on the machine.
func TestModesReportOneError(t *testing.T) {
	if !useClassify {
		t.Skip("no fast classifier on this machine")
	}
	lines, where := corpusLines(t)
	decodeErr := func(data []byte, fields Fields) string {
		var ev auditv1.Event
		if err := newDecoder(fields).Decode(data, &ev); err != nil {
			return err.Error()
		}
		return ""
	}
	defer func() { useClassify = true }()
	for i, line := range lines {
		for _, cut := range []int{len(line) / 3, len(line) / 2, len(line) - 2, len(line) - 1} {
			for _, fields := range []Fields{FieldsAll, FieldUser | FieldRequestReceivedTimestamp} {
				useClassify = true
				classified := decodeErr(line[:cut], fields)
				useClassify = false
				portable := decodeErr(line[:cut], fields)
				if classified != portable {
					t.Fatalf("%s cut at %d, fields %v: classified %q, portable %q", where[i], cut, fields, classified, portable)
				}
			}
		}
	}
}

// TestDecodeSuccessStatus covers the response status decoded without
// walking its members when only the code is asked for (successStatus):
// what it takes and what it leaves to the walk decode alike.
func TestDecodeSuccessStatus(t *testing.T) {
	for _, status := range []string{
		`{"metadata":{},"code":200}`,
		`{"metadata":{},"code":0}`,
		`{"metadata":{},"code":9}`,
		`{"metadata":{},"code":42}`,
		`{"metadata":{},"code":999}`,
		`{"metadata":{},"code":2000}`,
		`{"metadata":{},"code":0200}`,
		`{"metadata":{},"code":00}`,
		`{"metadata":{},"code":-1}`,
		`{"metadata":{},"code":200 }`,
		`{"metadata":{},"code":200,"code":404}`,
		`{"metadata":{},"code":2e2}`,
		`{"metadata":{},"code":200.0}`,
		`{"metadata":{},"code":}`,
		`{"metadata":{},"code":"200"}`,
		`{"metadata":{},"code":null}`,
		`{"metadata":{},"code":200`,
		`{"metadata":{},"code":20`,
		`{"metadata":{},"code":`,
		`{"metadata":{},"status":"Failure","code":403}`,
	} {
		for _, line := range []string{
			`{"verb":"get","responseStatus":` + status + `,"stage":"ResponseComplete"}`,
			`{"responseStatus":` + status + `}`,
			`{"responseStatus":` + status,
		} {
			checkSame(t, []byte(line), FieldVerb|FieldResponseCode|FieldStage, line)
		}
	}
}

// escapedLines are events whose skipped values hold strings with escapes,
// valid and not, long enough to be classified (minClassify).
func escapedLines() []string {
	pad := `"userAgent":"` + strings.Repeat("x", minClassify) + `"`
	var lines []string
	for _, str := range []string{
		`"RBAC: allowed by RoleBinding \"a/b\" of Role \"c\""`,
		`"\\"`, `"\\\""`, `"a\/b\b\f\n\r\t\u00e9\uD83D\uDE00"`, `"\"é\""`, `"\"\u0001"`,
		`"\""`, `"\q"`, `"\u00zz"`, `"\u00"`, `"\"`, `"a\"`, `"\"\`,
		`"é\"x\"é"`, "\"\\\"\x01\"", `"` + strings.Repeat(`ab\"`, 40) + `"`, `"` + strings.Repeat(`é\n`, 30) + `\u0041"`,
		`"` + strings.Repeat(`x\t`, 40) + `\`,
	} {
		lines = append(lines,
			`{"kind":"Event","verb":"get",`+pad+`,"annotations":{"reason":`+str+`,"k":"v"}}`,
			`{"kind":"Event","verb":"get",`+pad+`,"stageTimestamp":`+str+`,"objectRef":{"name":"n"}}`,
			`{"kind":"Event","verb":"get",`+pad+`,"sourceIPs":[`+str+`]}`)
	}
	return lines
}

// TestSkipEscapedStrings checks strings with escapes in values a decoder
// skips (a reason with quotes, as RBAC writes it), and bad escapes there,
// against encoding/json.
func TestSkipEscapedStrings(t *testing.T) {
	scanModes(t, func(t *testing.T) {
		for i, line := range escapedLines() {
			for _, fields := range []Fields{FieldVerb, FieldsAll} {
				checkSame(t, []byte(line), fields, "escaped line "+itoa(i))
				checkVerdictDecode(t, []byte(line), "escaped line "+itoa(i))
			}
		}
	})
}

// TestMembersOrder decodes events whose members come in another order than
// the event before, or written otherwise (case, white space, escapes,
// unknown and repeated keys), with one decoder, each checked against
// encoding/json.
func TestMembersOrder(t *testing.T) {
	lines := []string{
		`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a","stage":"ResponseComplete","requestURI":"/api/v1/pods","verb":"list","user":{"username":"u"},"sourceIPs":["1.2.3.4"],"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2022-02-07T22:15:16.123456Z","stageTimestamp":"2022-02-07T22:15:16.223456Z"}`,
		`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"b","stage":"ResponseComplete","requestURI":"/api/v1/pods","verb":"get","user":{"username":"v"},"sourceIPs":["1.2.3.4"],"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2022-02-07T22:15:17.123456Z","stageTimestamp":"2022-02-07T22:15:17.223456Z"}`,
		`{"stage":"ResponseStarted","verb":"watch","kind":"Event","auditID":"c","user":{"username":"w"},"requestReceivedTimestamp":"2022-02-07T22:15:18.000000Z"}`,
		`{"kind":"Event","Verb":"delete","verb":"patch","auditID" : "d","stage": "ResponseComplete","x":1,"user":{"username":"x"},"auditID":"d2"}`,
		`{"kind":"Event","\u0076erb":"update","auditID":"e","stage":"ResponseComplete","user":{"username":"y"}}`,
		`{"kind":"Event","verb":"create","auditID":"f","stage":"ResponseComplete","user":{"username":"z"},"kind":"Other"}`,
		`{"kind":"Event","verb":"create","auditID":"g"  ,  "stage":  "ResponseComplete" , "user":{"username":"z"}}`,
		`{"kind":"Event","verb":"create","auditID":"h","stage":"ResponseComplete","user":{"username":"z"}`,
		`{"kind":"Event","verb":"create","auditID":"i","stage":"ResponseComplete","user":{"username":"z"}}`,
		`{"kind":"Event","verb":"create","auditID":}`,
		`{"kind":"Event","verb":"create","auditID":"j","stage":"ResponseComplete","user":{"username":"z"}}`,
		`{"user":{"username":"a","uid":"1","groups":["g"],"extra":{"k":["v"]}},"objectRef":{"resource":"pods","namespace":"n","name":"p","apiVersion":"v1"},"responseStatus":{"metadata":{},"status":"Failure","reason":"Forbidden","code":403}}`,
		`{"user":{"groups":["h"],"username":"b","extra":{"k":["w"]},"uid":"2"},"objectRef":{"name":"q","resource":"pods","apiVersion":"v1","namespace":"m"},"responseStatus":{"code":404,"metadata":{},"reason":"NotFound"}}`,
		`{"user":{"UserName":"c","uid":"3","Groups":["i"]},"objectRef":{"resource":"pods","namespace":"n","name":"p","name":"p2","apiVersion":"v1","x":{}},"responseStatus":{"metadata":{},"status":"Failure","reason":"Forbidden","code":403,"code":500}}`,
		`{"user":{"username":"d","uid":"4","groups":["g"],"extra":{"k":["v"]}},"objectRef":{"resource":"pods","namespace":"n","name":"p","apiVersion":"v1"},"responseStatus":{"metadata":{},"status":"Failure","reason":"Forbidden","code":"403"}}`,
		`{"user":{"username":"e","uid":"5","groups":["g"],"extra":{"k":["v"]}},"impersonatedUser":{"uid":"6","username":"f"},"objectRef":{"resource":"pods","namespace":"n","name":"p","apiVersion":"v1"},"responseStatus":{"metadata":{},"status":"Failure","reason":"Forbidden","code":403}}`,
	}
	for _, fields := range []Fields{FieldsAll, FieldVerb | FieldUser | FieldStage | FieldResponseCode, FieldUser | FieldUserGroups | FieldObjectRef | FieldResponseStatus} {
		d := newDecoder(fields)
		for i, line := range lines {
			var want, got auditv1.Event
			jerr := json.Unmarshal([]byte(line), &want)
			err := d.Decode([]byte(line), &got)
			if (err != nil) != (jerr != nil) {
				t.Fatalf("line %d: error %v, encoding/json %v", i, err, jerr)
			}
			if err == nil && !reflect.DeepEqual(got, project(want, fields)) {
				t.Errorf("line %d: fields %v:\n got: %+v\nwant: %+v", i, fields, got, project(want, fields))
			}
		}
	}
}
