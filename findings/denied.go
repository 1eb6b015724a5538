package findings

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// deniedStorm finds users whose requests are refused, 401 Unauthorized or
// 403 Forbidden, again and again: a client without the RBAC permission it
// needs, or with a revoked token, that retries without end. It counts
// every user's requests, so that it can tell a user refused most of the
// time from one refused once in a while; requests without a user name
// (refused before authentication) count by source IP.
//
// A user is a finding when its refused requests reach
// Options.DeniedPerHour and Options.DeniedShare of its requests. The rows
// are what it was refused, by verb and path with names and namespaces
// folded; for 403s, the finding holds the RBAC rules that would allow the
// requests, for review.
type deniedStorm struct {
	*base
	// totals counts every user's requests; users holds the refused users.
	totals hashCounts
	users  table[deniedUser, *deniedUser]
	// recent are the last users looked up, and recentKeys their keys:
	// requests come in runs of a few users, and comparing a key is cheaper
	// than hashing it. The keys are here, not read through the users, so
	// that a miss reads no user's counts.
	recent     [4]*deniedUser
	recentKeys [4]string
	next       int
	buf        []byte
}

// maxShapes bounds the distinct refused verbs and paths kept per user.
const maxShapes = 256

// maxRuleNamespaces bounds the namespaces kept per refused path, for
// RBAC rules.
const maxRuleNamespaces = 16

// deniedUser is what a user's requests add up to: every user has one, so
// what only refused requests fill is apart, and nil until the user is
// refused (most users never are).
type deniedUser struct {
	key   string // the user's key in the table
	total int64  // every request of the user, from totals once all are counted
	*refusals
}

// refusals are a user's refused requests.
type refusals struct {
	refused tally
	// refusedAt is the refused requests over time.
	refusedAt series
	// userAgent is the smallest user agent of the refused requests of an
	// unauthenticated client (the smallest, so that it does not depend on
	// the order of requests).
	userAgent string
	shapes    *table[deniedShape, *deniedShape]
	// lastShape is the shape of the user's last refused request: a storm
	// repeats one shape.
	lastShape *deniedShape
}

type deniedShape struct {
	key string // the shape's key in the user's table
	tally
	forbidden  int64
	group      string
	resource   string // with its subresource: nodes/proxy
	path       string // a non-resource path
	namespaces map[string]bool
	moreNS     bool
}

func init() { register(newDeniedStorm) }

// newDeniedStorm returns an empty denied-storm detector sharing b.
func newDeniedStorm(b *base) detector {
	d := &deniedStorm{base: b}
	d.totals = newHashCounts(d.opts.MaxKeys)
	d.users = newTable[deniedUser](d.opts.MaxKeys)
	return d
}

func (d *deniedStorm) fields() auditlog.Fields {
	return factFields | auditlog.FieldSourceIPs | auditlog.FieldUserAgent
}

// later: the source IPs and user agent of requests without a user name.
func (d *deniedStorm) later() auditlog.Fields {
	return auditlog.FieldSourceIPs | auditlog.FieldUserAgent
}

func (d *deniedStorm) count(f *facts) {
	if f.user != "" {
		d.totals.count(f.user)
	} else {
		d.buf = appendUserKey(d.buf[:0], f)
		d.totals.countBytes(d.buf)
	}
	if f.code != 401 && f.code != 403 {
		return
	}
	u := d.user(f)
	if u == nil {
		return
	}
	if u.refusals == nil {
		u.refusals = new(refusals)
	}
	u.refused.add(f, allSamples)
	u.refusedAt.add(f.recv)
	if f.user == "" {
		f.fill()
		if ua := f.e.Event.UserAgent; u.userAgent == "" || ua < u.userAgent {
			u.userAgent = strings.Clone(ua)
		}
	}
	if u.shapes == nil {
		t := newTable[deniedShape](maxShapes)
		u.shapes = &t
	}
	r := f.req()
	d.buf = append(d.buf[:0], f.verb...)
	d.buf = append(d.buf, ' ')
	d.buf = appendFoldedPath(d.buf, r)
	s := u.lastShape
	if s == nil || s.key != string(d.buf) {
		if s = u.shapes.get(d.buf); s == nil {
			return
		}
		if s.key == "" {
			s.key = string(d.buf)
		}
		u.lastShape = s
	}
	if s.count == 0 {
		s.group = strings.Clone(r.APIGroup)
		if r.Resource == "" {
			s.path = strings.Clone(r.Path)
		} else {
			s.resource = r.Resource
			if r.Subresource != "" {
				s.resource += "/" + r.Subresource
			}
			s.resource = strings.Clone(s.resource)
		}
	}
	s.tally.add(f, allSamples)
	if f.code == 403 {
		s.forbidden++
		s.addNamespace(r.Namespace)
	}
}

// user returns the counts of the request's user (see appendUserKey),
// nil when the table is full. A user name is looked up as it is in the
// event, without copying it into a key first.
func (d *deniedStorm) user(f *facts) *deniedUser {
	key := f.user
	if key == "" {
		d.buf = appendUserKey(d.buf[:0], f)
	}
	for i, k := range d.recentKeys {
		if key != "" && k == key || key == "" && k == string(d.buf) {
			if u := d.recent[i]; u != nil {
				return u
			}
		}
	}
	var u *deniedUser
	if key != "" {
		u = d.users.getString(key)
	} else {
		u = d.users.get(d.buf)
	}
	if u == nil {
		return nil
	}
	if u.key == "" {
		if key != "" {
			u.key = strings.Clone(key)
		} else {
			u.key = string(d.buf)
		}
	}
	d.recent[d.next], d.recentKeys[d.next] = u, u.key
	d.next = (d.next + 1) % len(d.recent)
	return u
}

// appendUserKey appends the user a denied storm counts by: user.username,
// or NUL and the first source IP for a request without a user name.
func appendUserKey(dst []byte, f *facts) []byte {
	if f.user != "" {
		return append(dst, f.user...)
	}
	dst = append(dst, 0)
	f.fill()
	if ips := f.e.Event.SourceIPs; len(ips) > 0 {
		dst = append(dst, ips[0]...)
	}
	return dst
}

func (s *deniedShape) addNamespace(ns string) {
	if s.namespaces[ns] {
		return
	}
	if len(s.namespaces) >= maxRuleNamespaces {
		s.moreNS = true
		return
	}
	if s.namespaces == nil {
		s.namespaces = make(map[string]bool)
	}
	s.namespaces[strings.Clone(ns)] = true
}

func (s *deniedShape) merge(o *deniedShape) {
	if s.key == "" {
		s.key = o.key
	}
	if s.count == 0 {
		s.group, s.resource, s.path = o.group, o.resource, o.path
	}
	s.tally.merge(&o.tally)
	s.forbidden += o.forbidden
	for ns := range o.namespaces {
		s.addNamespace(ns)
	}
	s.moreNS = s.moreNS || o.moreNS
}

func (u *deniedUser) merge(o *deniedUser) {
	if u.key == "" {
		u.key = o.key
	}
	if o.refusals == nil {
		return
	}
	if u.refusals == nil {
		u.refusals = new(refusals)
	}
	u.refused.merge(&o.refused)
	u.refusedAt.merge(&o.refusedAt)
	if o.userAgent != "" && (u.userAgent == "" || o.userAgent < u.userAgent) {
		u.userAgent = o.userAgent
	}
	if o.shapes != nil {
		if u.shapes == nil {
			t := newTable[deniedShape](maxShapes)
			u.shapes = &t
		}
		u.shapes.merge(o.shapes)
	}
}

// requests is the user's refused requests: what the table of refused users
// counts.
func (u *deniedUser) requests() int64 {
	if u.refusals == nil {
		return 0
	}
	return u.refused.count
}

func (d *deniedStorm) name() string { return "denied-storm" }

func (d *deniedStorm) merge(od detector) {
	o := od.(*deniedStorm)
	d.totals.merge(&o.totals)
	d.users.merge(&o.users)
}

// dropped is the number of requests d did not count (a full table): in
// the users' totals, and refused requests of users that have no row of
// their own.
func (d *deniedStorm) dropped() int64 {
	n := d.totals.droppedRequests() + d.users.dropped
	for _, u := range d.users.m {
		if u.refusals != nil && u.shapes != nil {
			n += u.shapes.dropped
		}
	}
	return n
}

// Result returns a finding per user refused often enough.
func (d *deniedStorm) result() []Finding {
	var out []Finding
	for key, u := range d.users.m {
		if u.refusals == nil {
			continue
		}
		u.total = d.totals.of(key)
		n := u.refused.count
		if n == 0 || !d.perHour(n, d.opts.DeniedPerHour) || share(n, u.total) < d.opts.DeniedShare {
			continue
		}
		out = append(out, d.finding(key, u))
	}
	return finish(out)
}

func (d *deniedStorm) finding(key string, u *deniedUser) Finding {
	n := u.refused.count
	name, ip, unauthenticated := strings.Cut(key, "\x00")
	offender := name
	var drill []flag
	if unauthenticated {
		offender = "(unauthenticated) " + ip
		drill = []flag{{"source-ip", ip}}
	} else {
		drill = []flag{{"user", name}}
	}
	var forbidden, unauthorized int64
	for _, c := range u.refused.status {
		switch c.Code {
		case 401:
			unauthorized = c.Count
		case 403:
			forbidden = c.Count
		}
	}
	shapes := sortedKeys(u.shapes.m, func(s *deniedShape) int64 { return s.count })
	var rows []Evidence
	for _, s := range shapes {
		verb, path, _ := strings.Cut(s.parts[0], " ")
		ev := s.v.evidence(offender, strings.ToUpper(verb)+" "+path)
		ev.Share = share(s.v.count, u.total)
		ev.Command = d.cmds.byVerb(drill...)
		ev.SamplesCommand = d.cmds.samples(ev.Samples)
		rows = append(rows, ev)
	}
	rows, more, cost := d.rowsOf(rows)
	f := Finding{
		ID:        "denied-storm",
		Group:     GroupErrors,
		Cost:      cost,
		Subject:   offender,
		Severity:  Medium,
		Title:     "Requests refused again and again",
		Magnitude: n,
		Numbers: []Number{
			{Name: "refused", Value: float64(n), Unit: UnitRequests},
			{Name: "requests of the user", Value: float64(u.total), Unit: UnitRequests},
			{Name: "refused share", Value: 100 * share(n, u.total), Unit: UnitPercent},
			{Name: "403 Forbidden", Value: float64(forbidden), Unit: UnitRequests},
			{Name: "401 Unauthorized", Value: float64(unauthorized), Unit: UnitRequests},
			{Name: "refused per hour", Value: float64(n) / d.span.hours(), Unit: UnitPerHour},
		},
		ShareOf:  "the offender's requests",
		Rows:     rows,
		MoreRows: more,
		Rules:    deniedRules(u),
	}
	if len(rows) > 0 {
		f.Command = rows[0].Command
	}
	if !unauthenticated {
		f.RBACYAML = rbacYAML(name, f.Rules)
	}
	d.timeline(&f, u.refusedAt.onsetPerHour(d.opts.DeniedPerHour, d.span.hours()), &u.refusedAt)
	if d.perHour(n, 10*d.opts.DeniedPerHour) || share(n, d.requests) >= 0.1 {
		f.Severity = High
	}
	top := ""
	if len(rows) > 0 {
		top = ", most often " + rows[0].What
	}
	pct := formatPercent(share(n, u.total))
	switch {
	case unauthenticated:
		ua := ""
		if u.userAgent != "" {
			ua = fmt.Sprintf(" (user agent %q)", u.userAgent)
		}
		f.Summary = fmt.Sprintf("A client at %s%s was refused %d times with 401 Unauthorized%s: its credentials are not accepted (an expired or revoked token) and it keeps retrying.",
			ip, ua, n, top)
	case forbidden >= unauthorized:
		f.Summary = fmt.Sprintf("%s was refused %d times (%s of its %d requests)%s: it lacks an RBAC permission and keeps retrying; the rules below would grant it, if it should have it.",
			name, n, pct, u.total, top)
	default:
		f.Summary = fmt.Sprintf("%s was refused %d times (%s of its %d requests) with 401 Unauthorized%s: its credentials are not accepted and it keeps retrying.",
			name, n, pct, u.total, top)
	}
	return f
}

// deniedRules derives, from a user's 403 responses, the RBAC rules that
// would allow them: a ClusterRole rule for cluster-scoped and all-namespace
// requests and for non-resource URLs, a Role rule per namespace for the
// others, verbs merged per resource, then resources with the same verbs
// merged (as audit2rbac does).
func deniedRules(u *deniedUser) []RBACRule {
	if u.refusals == nil || u.shapes == nil {
		return nil
	}
	type target struct{ ns, group, resource, url string }
	verbs := map[target]map[string]bool{}
	for key, s := range u.shapes.m {
		if s.forbidden == 0 {
			continue
		}
		verb, _, _ := strings.Cut(key, " ")
		var ts []target
		if s.path != "" {
			ts = append(ts, target{url: s.path})
		} else {
			for ns := range s.namespaces {
				ts = append(ts, target{ns: ns, group: s.group, resource: s.resource})
			}
			if s.moreNS {
				// Too many namespaces to list: all of them.
				ts = append(ts, target{group: s.group, resource: s.resource})
			}
		}
		for _, t := range ts {
			if verbs[t] == nil {
				verbs[t] = map[string]bool{}
			}
			verbs[t][verb] = true
		}
	}
	type ruleKey struct{ ns, group, verbs string }
	merged := map[ruleKey]*RBACRule{}
	for t, vs := range verbs {
		v := sortedSet(vs)
		k := ruleKey{t.ns, t.group, strings.Join(v, ",")}
		if t.url != "" {
			k.group = "\x00url"
		}
		r := merged[k]
		if r == nil {
			r = &RBACRule{Namespace: t.ns, Verbs: v}
			if t.url == "" {
				r.APIGroups = []string{t.group}
			}
			merged[k] = r
		}
		if t.url != "" {
			r.NonResourceURLs = append(r.NonResourceURLs, t.url)
		} else {
			r.Resources = append(r.Resources, t.resource)
		}
	}
	rules := make([]RBACRule, 0, len(merged))
	for _, r := range merged {
		slices.Sort(r.Resources)
		slices.Sort(r.NonResourceURLs)
		rules = append(rules, *r)
	}
	slices.SortFunc(rules, func(a, b RBACRule) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), slices.Compare(a.APIGroups, b.APIGroups),
			slices.Compare(a.Resources, b.Resources), slices.Compare(a.NonResourceURLs, b.NonResourceURLs),
			slices.Compare(a.Verbs, b.Verbs))
	})
	return rules
}

// sortedSet returns the members of a set, sorted.
func sortedSet(s map[string]bool) []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// formatPercent writes a share (0 to 1) as a percentage with one decimal.
func formatPercent(s float64) string {
	return fmt.Sprintf("%.1f%%", 100*s)
}
