package filter

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/auditlens/auditlens/auditlog"
)

// fuzzEvents are the events FuzzWhere evaluates expressions on: one with
// every part, one with none.
var fuzzEvents = []string{
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a-1","stage":"ResponseComplete",` +
		`"requestURI":"/api/v1/namespaces/ns/pods/p/log?follow=true&limit=5&a%20b=c+d","verb":"get",` +
		`"user":{"username":"system:serviceaccount:ns:sa","uid":"u","groups":["g1","g2"],"extra":{"k":["v1","v2"]}},` +
		`"impersonatedUser":{"username":"bob","groups":["devs"]},"sourceIPs":["10.0.0.7","fd00::1"],"userAgent":"kubectl/v1.29.1",` +
		`"objectRef":{"resource":"pods","namespace":"ns","name":"p","apiVersion":"v1","subresource":"log"},` +
		`"responseStatus":{"metadata":{},"status":"Failure","reason":"Forbidden","message":"no","code":403},` +
		`"requestReceivedTimestamp":"2022-02-07T22:15:16.000000Z","stageTimestamp":"2022-02-07T22:15:18.500000Z",` +
		`"annotations":{"authorization.k8s.io/decision":"forbid","re":"(("}}`,
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a-2","stage":"ResponseStarted","requestURI":"/healthz","verb":"get","user":{}}`,
}

// compileCause is how a compile error's cause starts: LINE:COLUMN.
var compileCause = regexp.MustCompile(`^[1-9][0-9]*:[1-9][0-9]*: `)

// FuzzWhere: an expression either fails to compile with a *FlagError
// naming --where, the expression and a line:column, or compiles into a
// filter that prints back as the expression, never panics on an event, and
// decides the same on events decoded with only the fields it declares as on
// fully decoded ones.
func FuzzWhere(f *testing.F) {
	for _, s := range []string{
		"user.username.startsWith('system:serviceaccount:') && responseStatus.code == 403",
		"latency > duration('2s') && verb == 'list'",
		"'pod-security.kubernetes.io/audit-violations' in annotations",
		"request.query['resourceVersion'] == '0' && request.query['limit'] != ''",
		"userAgent.matches(annotations['re'])",
		"sourceIPs.exists(ip, ip.startsWith('10.')) || user.extra['k'][1] == 'v2'",
		"verb = 'get'",
		"dyn(user).username == dyn(objectRef).name",
		"size(request.query) > 2 && user != impersonatedUser",
		"int(responseStatus.code) / (responseStatus.code - 403) > 0",
	} {
		f.Add(s)
	}
	events := filepath.Join(f.TempDir(), "events.log")
	if err := os.WriteFile(events, []byte(strings.Join(fuzzEvents, "\n")+"\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		w, err := Where(expr)
		if err != nil {
			var fe *FlagError
			if !errors.As(err, &fe) || fe.Flag != "where" || fe.Value != expr {
				t.Fatalf("Where(%q): error %v is not a FlagError naming the expression", expr, err)
			}
			if fe.Err == nil || !compileCause.MatchString(fe.Err.Error()) {
				t.Fatalf("Where(%q): cause %v does not start with line:column", expr, fe.Err)
			}
			return
		}
		if got := unquote(t, w.String()[len("--where="):]); got != expr {
			t.Fatalf("Where(%q) prints as %s", expr, w)
		}
		if !auditlog.FieldsAll.Has(w.Fields()) {
			t.Fatalf("Where(%q).Fields() = %b, not event fields", expr, w.Fields())
		}
		every, declared := decodeEntries(t, events, auditlog.FieldsAll), decodeEntries(t, events, w.Fields())
		if len(every) != len(fuzzEvents) || len(declared) != len(fuzzEvents) {
			t.Fatalf("read %d and %d of %d events", len(every), len(declared), len(fuzzEvents))
		}
		for i := range fuzzEvents {
			all, some := every[i], declared[i]
			if got, want := w.Match(some), w.Match(all); got != want {
				t.Fatalf("Where(%q) reading %v: %v, with every field %v", expr, w.Fields(), got, want)
			}
		}
	})
}

// decodeEntries reads the events of path, decoding only fields.
func decodeEntries(t *testing.T, path string, fields auditlog.Fields) []*auditlog.Entry {
	t.Helper()
	var entries []*auditlog.Entry
	readAll(t, []string{path}, fields, func(e *auditlog.Entry) { entries = append(entries, e.Clone()) })
	return entries
}
