package findings

import (
	"fmt"
	"strings"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
)

// hotLoop finds clients in a loop on one object: one user (field-manager
// aware, as --by=user counts users) requesting the same object, with the
// same verb, more than Options.HotLoopPerMinute times a minute in at least
// Options.HotLoopMinutes minutes. It looks at requests for one object (a
// path with a name: get, update, patch, delete, and creates of a
// subresource such as pods/eviction), not at lists and watches (see
// lists and watch churn), nor at Options.RenewedResources, nor at requests
// that were not served (see facts.served): those have findings of their
// own.
type hotLoop struct {
	*base
	objects objectTable
}

func init() { register(newHotLoop) }

// newHotLoop returns an empty hot-loop detector sharing b.
func newHotLoop(b *base) detector {
	d := &hotLoop{base: b}
	d.objects = newObjectTable(d.opts.ObjectRows)
	return d
}

func (d *hotLoop) fields() auditlog.Fields { return factFields | aggregate.KeyUser.Fields() }

func (d *hotLoop) count(f *facts) {
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
	key, h, userLen := f.objectKey(f.verb)
	d.objects.count(key, h, userLen, hitOf(f))
}

func (d *hotLoop) name() string { return "hot-loop" }

func (d *hotLoop) merge(od detector) {
	o := od.(*hotLoop)
	d.objects.merge(&o.objects)
}

func (d *hotLoop) dropped() int64 { return 0 }

// letGo is the number of requests of the objects let go, and the most an
// object without a row may have had.
func (d *hotLoop) letGo() (int64, int64) { return d.objects.letGo() }

// Result returns the hot-loop finding, or none.
func (d *hotLoop) result() []Finding {
	l := d.objects.loops(d.base, d.opts.HotLoopPerMinute, d.opts.HotLoopMinutes, func(verb, path string) string {
		return strings.ToUpper(verb) + " " + path
	})
	if len(l.rows) == 0 {
		return nil
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
	return finish([]Finding{f})
}
