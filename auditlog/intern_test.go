package auditlog

import (
	"testing"
	"unsafe"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// TestIntern decodes events whose stage, level and verb are known values
// and others: the known ones come out as the constants themselves (the
// same bytes in memory), the others as they are.
func TestIntern(t *testing.T) {
	same := func(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) && len(a) == len(b) }
	for _, c := range []struct {
		line               string
		stage, level, verb string
		constant           bool
	}{
		{`{"kind":"Event","level":"Metadata","stage":"ResponseComplete","verb":"get"}`, "ResponseComplete", "Metadata", "get", true},
		{`{"kind":"Event","level":"RequestResponse","stage":"Panic","verb":"deletecollection"}`, "Panic", "RequestResponse", "deletecollection", true},
		{`{"kind":"Event","level":"None","stage":"RequestReceived","verb":"options"}`, "RequestReceived", "None", "options", true},
		{`{"kind":"Event","level":"Metadat","stage":"Done","verb":"GET"}`, "Done", "Metadat", "GET", false},
		{`{"kind":"Event","level":"\u004detadata","stage":"Response\u0043omplete","verb":"g\u0065t"}`, "ResponseComplete", "Metadata", "get", true},
	} {
		var ev auditv1.Event
		if err := newDecoder(FieldsAll).decode([]byte(c.line), "", &ev); err != nil {
			t.Fatalf("%s: %v", c.line, err)
		}
		if string(ev.Stage) != c.stage || string(ev.Level) != c.level || ev.Verb != c.verb {
			t.Errorf("%s: stage %q level %q verb %q", c.line, ev.Stage, ev.Level, ev.Verb)
		}
		if got := same(string(ev.Stage), c.stage) && same(string(ev.Level), c.level) && same(ev.Verb, c.verb); got != c.constant {
			t.Errorf("%s: constants %v, want %v", c.line, got, c.constant)
		}
	}
}
