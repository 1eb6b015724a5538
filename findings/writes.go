package findings

import (
	"fmt"
	"strings"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
)

// writeErrors finds writes the API server refused, again and again:
// 409 responses (conflicts: an update of an outdated object, a create of
// an existing one) to one user, verb and resource, from
// Options.ConflictsPerHour and Options.ConflictShare of that user's
// requests of that verb and resource; 422 responses (invalid) to one user,
// verb and resource, from Options.InvalidPerHour. Writes that were served
// are write churn's (objectLoops).
type writeErrors struct {
	*base
	conflicts table[timedTally, *timedTally]
	invalid   table[timedTally, *timedTally]
	// writes counts every create, update, patch and delete by user, verb
	// and resource: what a conflict is a share of.
	writes hashCounts
	buf    []byte
}

func init() { register(newWriteErrors) }

// newWriteErrors returns an empty write-conflicts and invalid-writes
// detector sharing b.
func newWriteErrors(b *base) detector {
	d := &writeErrors{base: b}
	d.conflicts = newTable[timedTally](d.opts.MaxKeys)
	d.invalid = newTable[timedTally](d.opts.MaxKeys)
	d.writes = newHashCounts(d.opts.MaxKeys)
	return d
}

func (d *writeErrors) fields() auditlog.Fields { return factFields | aggregate.KeyUser.Fields() }

func (d *writeErrors) count(f *facts) {
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
}

// countStatus counts a 409 or 422 by user, verb and resource.
func (d *writeErrors) countStatus(t *table[timedTally, *timedTally], f *facts) {
	d.statusKey(f)
	if c := t.get(d.buf); c != nil {
		c.add(f, allSamples)
	}
}

// statusKey puts the request's user, verb and resource (with its
// subresource; the path of a non-resource request) in d.buf.
func (d *writeErrors) statusKey(f *facts) {
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

func (d *writeErrors) name() string { return "write-conflicts and invalid-writes" }

func (d *writeErrors) merge(od detector) {
	o := od.(*writeErrors)
	d.conflicts.merge(&o.conflicts)
	d.invalid.merge(&o.invalid)
	d.writes.merge(&o.writes)
}

func (d *writeErrors) dropped() int64 {
	return d.conflicts.dropped + d.invalid.dropped + d.writes.droppedRequests()
}

// result returns the write-conflicts and invalid-writes findings that
// qualify.
func (d *writeErrors) result() []Finding {
	var out []Finding
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

// statusFinding returns a finding of the rows of t that reach rate per
// hour and minShare of the user's requests of that verb and resource;
// sentence is the summary after the first row's user, with the count and
// the verb and resource.
func (d *writeErrors) statusFinding(t *table[timedTally, *timedTally], rate, minShare float64, id, title, sentence string) (Finding, bool) {
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
