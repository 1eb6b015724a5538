package findings

import (
	"fmt"
	"strings"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
)

// objectLoops counts each user's requests of each object, minute by
// minute, in one per-object table (objectTable), and finds two kinds of
// loops in it.
//
// Hot loops (hot-loop): one user (field-manager aware, as --by=user counts
// users) requesting the same object, with the same verb, more than
// Options.HotLoopPerMinute times a minute in at least
// Options.HotLoopMinutes minutes. It looks at requests for one object (a
// path with a name: get, update, patch, delete, and creates of a
// subresource such as pods/eviction), not at lists and watches (see lists
// and watch churn).
//
// Write churn (write-churn): server-side applies and updates of one object
// by one user more than Options.WritesPerMinute times a minute in at least
// Options.WriteMinutes minutes: a controller rewriting an object that does
// not change, or two controllers fighting over it. A server-side apply is
// a PATCH whose fieldManager is not one of kubectl's own for other
// commands (kubectl-client-side-apply, kubectl-edit, kubectl-patch... all
// begin with "kubectl-"), or that has force=true, which only an apply may
// have. (openshift/origin's CI counts any PATCH with a fieldManager as an
// apply; that counts kubectl apply without --server-side too.) The audit
// event does not log the patch type, so this is the practical sign.
//
// Both read the same rows: an update is one row for both, and a patch is
// counted under the kind apply when it is an apply, under patch otherwise
// (a user that both applies and patches one object has a row of each),
// which hot-loop counts as one row of the verb the API server logs, PATCH.
// Neither counts Options.RenewedResources, nor requests that were not
// served (see facts.served): those have findings of their own.
type objectLoops struct {
	*base
	objects objectTable
}

func init() { register(newObjectLoops) }

// newObjectLoops returns an empty hot-loop and write-churn detector
// sharing b.
func newObjectLoops(b *base) detector {
	d := &objectLoops{base: b}
	d.objects = newObjectTable(d.opts.ObjectRows)
	return d
}

func (d *objectLoops) fields() auditlog.Fields { return factFields | aggregate.KeyUser.Fields() }

func (d *objectLoops) count(f *facts) {
	switch f.verb {
	case "get", "update", "patch", "delete", "create":
	default:
		return
	}
	if !f.served() || selfTraffic(f.user) {
		return
	}
	r := f.req()
	if r.Name == "" || r.Resource == "" || d.renewed(r) {
		return
	}
	kind := f.verb
	if kind == "patch" && isApply(r) {
		kind = "apply"
	}
	key, h, userLen := f.objectKey(kind)
	d.objects.count(key, h, userLen, hitOf(f))
}

// isApply reports whether a PATCH is a server-side apply, as far as the
// audit event tells.
func isApply(r *auditlog.Request) bool {
	if v, ok := r.QueryValue("force"); ok && v == "true" {
		return true
	}
	fm, ok := r.QueryValue("fieldManager")
	return ok && fm != "" && !strings.HasPrefix(fm, "kubectl-")
}

// name names the table in Result.Dropped, which both findings read.
func (d *objectLoops) name() string { return "hot-loop and write-churn" }

func (d *objectLoops) merge(od detector) {
	o := od.(*objectLoops)
	d.objects.merge(&o.objects)
}

func (d *objectLoops) dropped() int64 { return 0 }

// letGo is the number of requests of the objects let go, and the most an
// object without a row may have had.
func (d *objectLoops) letGo() (int64, int64) { return d.objects.letGo() }

// result returns the hot-loop and write-churn findings that qualify.
func (d *objectLoops) result() []Finding {
	var out []Finding
	if f, ok := d.hotLoop(); ok {
		out = append(out, f)
	}
	if f, ok := d.churn(); ok {
		out = append(out, f)
	}
	return finish(out)
}

// verbWhat names a row of kind (a verb) and path, as a hot loop is named.
func verbWhat(kind, path string) string { return strings.ToUpper(kind) + " " + path }

// writeWhat names a row of kind (update or apply) and path as write churn
// names it.
func writeWhat(kind, path string) string {
	if kind == "apply" {
		return "APPLY (server-side) " + path
	}
	return strings.ToUpper(kind) + " " + path
}

func (d *objectLoops) hotLoop() (Finding, bool) {
	l := d.objects.loops(d.base, loopRule{limit: d.opts.HotLoopPerMinute, minutes: d.opts.HotLoopMinutes,
		kinds: func(string) bool { return true }, as: map[string]string{"apply": "patch"}, what: verbWhat})
	if len(l.rows) == 0 {
		return Finding{}, false
	}
	first := l.rows[0]
	f := l.finding(d.base, "hot-loop", "Clients in a loop on one object", "requests in hot loops", d.opts.HotLoopPerMinute)
	if l.worstPeak >= 5*int64(d.opts.HotLoopPerMinute) || share(l.total, d.requests) >= 0.1 {
		f.Severity = High
	}
	f.Summary = fmt.Sprintf("%s made %s %d times, up to %d a minute and more than %d a minute in %d minutes: a client that requests the same object in a loop instead of watching it or backing off.",
		first.Offender, first.What, first.Count, l.worstPeak, d.opts.HotLoopPerMinute, l.worstHot)
	if len(l.rows) > 1 {
		f.Summary = fmt.Sprintf("%d objects are requested in a loop by one user; the worst: %s", len(l.rows), f.Summary)
	}
	return f, true
}

func (d *objectLoops) churn() (Finding, bool) {
	writes := func(kind string) bool { return kind == "update" || kind == "apply" }
	l := d.objects.loops(d.base, loopRule{limit: d.opts.WritesPerMinute, minutes: d.opts.WriteMinutes, kinds: writes, what: writeWhat})
	if len(l.rows) == 0 {
		return Finding{}, false
	}
	first := l.rows[0]
	f := l.finding(d.base, "write-churn", "One object written over and over", "writes", d.opts.WritesPerMinute)
	if l.worstPeak >= 5*int64(d.opts.WritesPerMinute) {
		f.Severity = High
	}
	f.Summary = fmt.Sprintf("%s wrote %s %d times, up to %d a minute: every write is stored in etcd and sent to every watcher of the object; a controller should write only what changed.",
		first.Offender, strings.TrimPrefix(strings.TrimPrefix(first.What, "UPDATE "), "APPLY (server-side) "), first.Count, l.worstPeak)
	return f, true
}
