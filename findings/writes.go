package findings

import (
	"fmt"
	"strings"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
)

// writeChurn finds three kinds of wasted writes.
//
// Churn: server-side applies and updates of one object by one user (field
// manager aware) more than Options.WritesPerMinute times a minute in at
// least Options.WriteMinutes minutes: a controller rewriting an object
// that does not change, or two controllers fighting over it. A
// server-side apply is a PATCH whose fieldManager is not one of kubectl's
// own for other commands (kubectl-client-side-apply, kubectl-edit,
// kubectl-patch... all begin with "kubectl-"), or that has force=true,
// which only an apply may have. (openshift/origin's CI counts any PATCH
// with a fieldManager as an apply; that counts kubectl apply without
// --server-side too.) The audit event does not log the patch type, so
// this is the practical sign. Options.RenewedResources are left out.
//
// Conflicts: 409 responses (an update of an outdated object, a create of
// an existing one) to one user, verb and resource, from
// Options.ConflictsPerHour and Options.ConflictShare of that user's
// requests of that verb and resource. Invalid: 422 responses to one user,
// verb and resource, from Options.InvalidPerHour.
type writeChurn struct {
	*base
	objects   objectTable
	conflicts table[timedTally, *timedTally]
	invalid   table[timedTally, *timedTally]
	// writes counts every create, update, patch and delete by user, verb
	// and resource: what a conflict is a share of.
	writes keyCounts
	buf    []byte
}

func init() { register(newWriteChurn) }

// newWriteChurn returns an empty write-churn detector sharing b.
func newWriteChurn(b *base) detector {
	d := &writeChurn{base: b}
	d.objects = newObjectTable(d.opts.ObjectRows)
	d.conflicts = newTable[timedTally](d.opts.MaxKeys)
	d.invalid = newTable[timedTally](d.opts.MaxKeys)
	d.writes = newKeyCounts(d.opts.MaxKeys)
	return d
}

func (d *writeChurn) fields() auditlog.Fields { return factFields | aggregate.KeyUser.Fields() }

// isApply reports whether a PATCH is a server-side apply, as far as the
// audit event tells.
func isApply(r *auditlog.Request) bool {
	if v, ok := r.QueryValue("force"); ok && v == "true" {
		return true
	}
	fm, ok := r.QueryValue("fieldManager")
	return ok && fm != "" && !strings.HasPrefix(fm, "kubectl-")
}

func (d *writeChurn) count(f *facts) {
	switch f.verb {
	case "create", "update", "patch", "delete":
		d.statusKey(f)
		d.writes.countBytes(d.buf)
	}
	switch f.code {
	case 409:
		d.countStatus(&d.conflicts, f)
	case 422:
		d.countStatus(&d.invalid, f)
	}
	kind := f.verb
	switch f.verb {
	case "update":
	case "patch":
		kind = "apply"
	default:
		return
	}
	r := f.req()
	if r.Name == "" || r.Resource == "" || f.verb == "patch" && !isApply(r) || d.renewed(r) || !f.served() || selfTraffic(f.user) {
		return
	}
	key, h, userLen := f.objectKey(kind)
	d.objects.count(key, h, userLen, hitOf(f))
}

// countStatus counts a 409 or 422 by user, verb and resource.
func (d *writeChurn) countStatus(t *table[timedTally, *timedTally], f *facts) {
	d.statusKey(f)
	if c := t.get(d.buf); c != nil {
		c.add(f, allSamples)
	}
}

// statusKey puts the request's user, verb and resource (with its
// subresource; the path of a non-resource request) in d.buf.
func (d *writeChurn) statusKey(f *facts) {
	r := f.req()
	d.buf = append(d.buf[:0], f.user...)
	d.buf = append(d.buf, 0)
	d.buf = append(d.buf, f.verb...)
	d.buf = append(d.buf, 0)
	if r.Resource != "" {
		d.buf = appendResource(d.buf, r)
		if r.Subresource != "" {
			d.buf = append(d.buf, '/')
			d.buf = append(d.buf, r.Subresource...)
		}
	} else {
		d.buf = append(d.buf, r.Path...)
	}
}

func (d *writeChurn) name() string { return "write-churn" }

func (d *writeChurn) merge(od detector) {
	o := od.(*writeChurn)
	d.objects.merge(&o.objects)
	d.conflicts.merge(&o.conflicts)
	d.invalid.merge(&o.invalid)
	d.writes.merge(&o.writes)
}

func (d *writeChurn) dropped() int64 {
	return d.conflicts.dropped + d.invalid.dropped + d.writes.droppedRequests()
}

// letGo is the number of requests of the objects let go, and the most an
// object without a row may have had.
func (d *writeChurn) letGo() (int64, int64) { return d.objects.letGo() }

// Result returns the write-churn, write-conflicts and invalid-writes
// findings that qualify.
func (d *writeChurn) result() []Finding {
	var out []Finding
	if f, ok := d.churn(); ok {
		out = append(out, f)
	}
	if f, ok := d.statusFinding(&d.conflicts, d.opts.ConflictsPerHour, d.opts.ConflictShare, "write-conflicts", "Writes refused with 409 Conflict",
		"was answered 409 Conflict %d times on %s: it writes from an outdated copy (or creates what exists) and retries; each retry is a read and a write."); ok {
		out = append(out, f)
	}
	if f, ok := d.statusFinding(&d.invalid, d.opts.InvalidPerHour, -1, "invalid-writes", "Writes refused with 422 Invalid",
		"was answered 422 Invalid %d times on %s: it sends objects the API server rejects, and sends them again."); ok {
		out = append(out, f)
	}
	return finish(out)
}

func (d *writeChurn) churn() (Finding, bool) {
	l := d.objects.loops(d.base, d.opts.WritesPerMinute, d.opts.WriteMinutes, func(kind, path string) string {
		if kind == "apply" {
			return "APPLY (server-side) " + path
		}
		return "UPDATE " + path
	})
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

// statusFinding returns a finding of the rows of t that reach rate per
// hour and minShare of the user's requests of that verb and resource;
// sentence is the summary after the first row's user, with the count and
// the verb and resource.
func (d *writeChurn) statusFinding(t *table[timedTally, *timedTally], rate, minShare float64, id, title, sentence string) (Finding, bool) {
	var rows []Evidence
	var total int64
	var at series
	var onset int64
	for _, k := range sortedKeys(t.m, func(c *timedTally) int64 { return c.count }) {
		all := d.writes.of(strings.Join(k.parts, "\x00"))
		if !d.perHour(k.v.count, rate) || share(k.v.count, all) < minShare {
			continue
		}
		user, verb, resource := k.parts[0], k.parts[1], k.parts[2]
		ev := k.v.evidence(user, strings.ToUpper(verb)+" "+resource)
		ev.Share = share(k.v.count, all)
		ev.Numbers = []Number{{Name: "per hour", Value: float64(k.v.count) / d.span.hours(), Unit: UnitPerHour}}
		ev.Command = d.cmds.user(user)
		ev.SamplesCommand = d.cmds.samples(ev.Samples)
		rows = append(rows, ev)
		total += k.v.count
		at.merge(&k.v.at)
		onset = onsetOf(onset, k.v.at.onsetPerHour(rate, d.span.hours()))
	}
	if len(rows) == 0 {
		return Finding{}, false
	}
	first := rows[0]
	shown, more, cost := d.rowsOf(rows)
	f := Finding{
		ID:        id,
		Group:     GroupErrors,
		Cost:      cost,
		Severity:  Medium,
		Title:     title,
		Magnitude: total,
		Numbers:   []Number{{Name: "responses", Value: float64(total), Unit: UnitRequests}},
		ShareOf:   "the user's requests of that verb and resource",
		Rows:      shown,
		MoreRows:  more,
		Command:   first.Command,
		Summary:   first.Offender + " " + fmt.Sprintf(sentence, first.Count, first.What),
	}
	d.timeline(&f, onset, &at)
	return f, true
}
