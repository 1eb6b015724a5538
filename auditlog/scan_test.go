package auditlog

import (
	"context"
	"testing"
)

// userCount counts the requests of one user; it reads the user alone.
type userCount struct {
	user string
	n    int64
}

func (c *userCount) Add(e *Entry) {
	if e.Event.User.Username == c.user {
		c.n++
	}
}
func (c *userCount) Fields() Fields     { return FieldUser }
func (c *userCount) Merge(o *userCount) { c.n += o.n }

// verbFilter keeps the requests of a verb and declares what it reads.
type verbFilter string

func (v verbFilter) Match(e *Entry) bool { return e.Event.Verb == string(v) }
func (v verbFilter) Fields() Fields      { return FieldVerb }

// TestScanFiltersGetTheirFields: whatever fields the aggregator asks
// for, a filter gets the events it needs: a Filter gets the fields it
// declares, a FilterFunc every field, and the requests preset the stage.
// None of them yields a silent zero.
func TestScanFiltersGetTheirFields(t *testing.T) {
	sources, err := Find("../testdata/must-gather/audit_logs/kube-apiserver")
	if err != nil {
		t.Fatal(err)
	}
	const agent = "system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent"
	count := func(opts Options) int64 {
		t.Helper()
		c, rep, err := Scan(context.Background(), sources, opts, func() *userCount { return &userCount{user: agent} })
		if err != nil || rep.Failures() > 0 {
			t.Fatalf("Scan: %v, %d failures", err, rep.Failures())
		}
		return c.n
	}
	// The sample's truth: the agent's 7,817 requests, 7,724 of them GETs,
	// in 8,345 events of every stage (8,232 of GETs).
	for _, c := range []struct {
		name string
		opts Options
		want int64
	}{
		{"requests", Options{}, 7817},
		{"requests, user field alone", Options{Fields: FieldUser}, 7817},
		{"declared filter", Options{Fields: FieldUser, Keep: verbFilter("get")}, 7724},
		{"function filter", Options{Fields: FieldUser, Keep: FilterFunc(func(e *Entry) bool { return e.Event.Verb == "get" })}, 7724},
		{"function filter on the request", Options{Fields: FieldUser, Keep: FilterFunc(func(e *Entry) bool { return e.Request().Resource == "nodes" })}, 7748},
		{"every stage", Options{EveryStage: true}, 8345},
		{"every stage, declared filter", Options{EveryStage: true, Keep: verbFilter("get"), Workers: 1}, 8232},
	} {
		if got := count(c.opts); got != c.want {
			t.Errorf("%s: %d requests of the agent, want %d", c.name, got, c.want)
		}
	}
}
