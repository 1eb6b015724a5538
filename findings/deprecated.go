package findings

import (
	"fmt"
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// deprecatedAPIs finds requests to deprecated API versions, which the API
// server annotates k8s.io/deprecated=true, and k8s.io/removed-release with
// the release that removes them: after that upgrade, the clients get 404.
// The rows are by user agent (the client program to fix), resource and
// removal release. It is a finding from Options.DeprecatedRequests.
type deprecatedAPIs struct {
	*base
	keys  table[tally, *tally]
	total int64
	at    series
	buf   []byte
}

func init() { register(newDeprecatedAPIs) }

// newDeprecatedAPIs returns an empty deprecated-apis detector sharing b.
func newDeprecatedAPIs(b *base) detector {
	d := &deprecatedAPIs{base: b}
	d.keys = newTable[tally](d.opts.MaxKeys)
	return d
}

func (d *deprecatedAPIs) fields() auditlog.Fields { return factFields | auditlog.FieldUserAgent }

// later: the user agent of requests for deprecated APIs.
func (d *deprecatedAPIs) later() auditlog.Fields { return auditlog.FieldUserAgent }

func (d *deprecatedAPIs) count(f *facts) {
	if !f.deprecated {
		return
	}
	d.total++
	d.at.add(f.recv)
	r := f.req()
	f.fill()
	d.buf = append(d.buf[:0], f.e.Event.UserAgent...)
	d.buf = append(d.buf, 0)
	if r.Resource != "" {
		d.buf = appendResource(d.buf, r)
	} else {
		d.buf = append(d.buf, r.Path...)
	}
	d.buf = append(d.buf, 0)
	d.buf = append(d.buf, f.removedRelease...)
	if t := d.keys.get(d.buf); t != nil {
		t.add(f, allSamples)
	}
}

func (d *deprecatedAPIs) name() string { return "deprecated-apis" }

func (d *deprecatedAPIs) merge(od detector) {
	o := od.(*deprecatedAPIs)
	d.total += o.total
	d.at.merge(&o.at)
	d.keys.merge(&o.keys)
}

func (d *deprecatedAPIs) dropped() int64 { return d.keys.dropped }

// Result returns the deprecated-apis finding, or none.
func (d *deprecatedAPIs) result() []Finding {
	if d.total == 0 || d.total < d.opts.DeprecatedRequests {
		return nil
	}
	var rows []Evidence
	removed := false
	for _, k := range sortedKeys(d.keys.m, func(t *tally) int64 { return t.count }) {
		ua, resource, release := k.parts[0], k.parts[1], k.parts[2]
		what := resource
		if release != "" {
			what += " (removed in " + release + ")"
			removed = true
		}
		ev := k.v.evidence(ua, what)
		ev.Share = share(k.v.count, d.total)
		flags := []flag{{"user-agent", ua}}
		if strings.Contains(resource, "/") && !strings.HasPrefix(resource, "/") {
			flags = append(flags, flag{"resource", resourceFlag(resource)})
		}
		ev.Command = d.cmds.byUser(flags...)
		ev.SamplesCommand = d.cmds.samples(ev.Samples)
		rows = append(rows, ev)
	}
	shown, more, cost := d.rowsOf(rows)
	f := Finding{
		ID:        "deprecated-apis",
		Group:     GroupHygiene,
		Cost:      cost,
		Severity:  Low,
		Title:     "Deprecated API versions in use",
		Magnitude: d.total,
		Numbers: []Number{
			{Name: "requests", Value: float64(d.total), Unit: UnitRequests},
			{Name: "user agents and APIs", Value: float64(len(rows))},
		},
		ShareOf:  "the requests to deprecated APIs",
		Rows:     shown,
		MoreRows: more,
		Command:  d.cmds.command([]flag{{"annotation", annDeprecated + "=true"}}, "--by=useragent", "-otop"),
	}
	if removed {
		f.Severity = Medium
	}
	f.Summary = fmt.Sprintf("%d requests used deprecated API versions, %d of them by %q on %s: update those clients before the upgrade that removes the version, or they will fail.",
		d.total, rows[0].Count, rows[0].Offender, rows[0].What)
	d.timeline(&f, d.at.reach(max(d.opts.DeprecatedRequests, 1)), &d.at)
	return finish([]Finding{f})
}
