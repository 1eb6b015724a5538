package filter

// A differential test: Flags.Build against a deliberately simple model of
// the same rules, written without the package's code or auditlog's URI
// parser, over every event of the committed corpus, for many random flag
// combinations.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/longtest"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// refAccept is the accept-list rule, spelled out.
func refAccept(values []string, s string) bool {
	allNegative := true
	for _, v := range values {
		x, neg := strings.CutPrefix(v, "-")
		if !neg {
			allNegative = false
			continue
		}
		if p, ok := strings.CutSuffix(x, "*"); ok && strings.HasPrefix(s, p) {
			return false
		} else if !ok && x == s {
			return false
		}
	}
	if allNegative {
		return true
	}
	for _, v := range values {
		if strings.HasPrefix(v, "-") {
			continue
		}
		if p, ok := strings.CutSuffix(v, "*"); ok && strings.HasPrefix(s, p) {
			return true
		} else if !ok && v == s {
			return true
		}
	}
	return false
}

// refRequest is the model's own parse of a requestURI.
type refRequest struct {
	group, resource, namespace, name, sub, subPath, query string
}

func refParse(uri string) refRequest {
	var r refRequest
	path := uri
	if i := strings.IndexByte(uri, '?'); i >= 0 {
		path, r.query = uri[:i], uri[i+1:]
	}
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	var rest []string
	switch {
	case parts[0] == "api" && len(parts) >= 2 && parts[1] != "":
		rest = parts[2:]
	case parts[0] == "apis" && len(parts) >= 3 && parts[2] != "":
		r.group = parts[1]
		rest = parts[3:]
	default:
		return r
	}
	if len(rest) > 0 && rest[0] == "watch" {
		rest = rest[1:]
	}
	if len(rest) >= 2 && rest[0] == "namespaces" && rest[1] != "" {
		r.namespace = rest[1]
		isNamespace := len(rest) == 2 || (len(rest) == 3 && rest[2] == "") ||
			rest[2] == "status" || rest[2] == "finalize"
		if !isNamespace {
			rest = rest[2:]
		}
	}
	if len(rest) > 0 {
		r.resource = rest[0]
	}
	if len(rest) > 1 {
		r.name = rest[1]
	}
	if len(rest) > 2 {
		r.sub = rest[2]
		r.subPath = strings.TrimSuffix(strings.Join(rest[2:], "/"), "/")
	}
	return r
}

func (r refRequest) param(key string) string {
	for _, kv := range strings.Split(r.query, "&") {
		if k, v, _ := strings.Cut(kv, "="); k == key {
			return v
		}
	}
	return ""
}

// refResource is the --resource rule, spelled out.
func refResource(patterns []string, r refRequest) bool {
	matches := func(p string) bool {
		res, group, dotted := strings.Cut(p, ".")
		if res != "*" && res != "" && res != r.resource {
			return false
		}
		if !dotted {
			return r.group == ""
		}
		return group == "*" || group == "" || group == r.group
	}
	allNegative := true
	for _, p := range patterns {
		if x, neg := strings.CutPrefix(p, "-"); neg {
			if matches(x) {
				return false
			}
		} else {
			allNegative = false
		}
	}
	if allNegative {
		return true
	}
	for _, p := range patterns {
		if !strings.HasPrefix(p, "-") && matches(p) {
			return true
		}
	}
	return false
}

// refLatency is the reference's latency, and whether it is known: the
// reference took a missing timestamp's latency for 0s, which kept such
// events under every --duration; an unknown latency passes neither latency
// filter here.
func refLatency(e *auditv1.Event) (time.Duration, bool) {
	if e.StageTimestamp.IsZero() || e.RequestReceivedTimestamp.IsZero() {
		return 0, false
	}
	return e.StageTimestamp.Sub(e.RequestReceivedTimestamp.Time), true
}

// refFlags is the subset of flags the model knows, already split.
type refFlags struct {
	verbs, users, uids, namespaces, names, subresources, fieldManagers []string
	resources, stages, groups, impersonated, levels, userAgents        []string
	codes                                                              []int32
	sourceIPs                                                          []netip.Prefix
	failedOnly, readOnly                                               bool
	before, after                                                      *time.Time
	maxLatency, minLatency                                             *time.Duration
}

func (f *refFlags) match(e *auditv1.Event) bool {
	r := refParse(e.RequestURI)
	check := func(values []string, s string) bool { return len(values) == 0 || refAccept(values, s) }
	if !check(f.verbs, e.Verb) || !check(f.users, e.User.Username) || !check(f.uids, string(e.AuditID)) ||
		!check(f.namespaces, r.namespace) || !check(f.fieldManagers, r.param("fieldManager")) {
		return false
	}
	if len(f.names) > 0 && !refAccept(f.names, r.name) && (e.ObjectRef == nil || !refAccept(f.names, e.ObjectRef.Name)) {
		return false
	}
	if len(f.subresources) > 0 {
		// The values are a set: "-*" alone even when given twice.
		if !slices.ContainsFunc(f.subresources, func(v string) bool { return v != "-*" }) {
			if r.sub != "" {
				return false
			}
		} else {
			// Exclusions apply to both forms; an inclusion may match either.
			for _, v := range f.subresources {
				if strings.HasPrefix(v, "-") && (!refAccept([]string{v}, r.sub) || !refAccept([]string{v}, r.subPath)) {
					return false
				}
			}
			if !refAccept(f.subresources, r.sub) && !refAccept(f.subresources, r.subPath) {
				return false
			}
		}
	}
	if len(f.resources) > 0 && !refResource(f.resources, r) {
		return false
	}
	if len(f.stages) > 0 && !slices.Contains(f.stages, string(e.Stage)) {
		return false
	}
	if len(f.levels) > 0 && !slices.Contains(f.levels, string(e.Level)) {
		return false
	}
	if len(f.codes) > 0 && (e.ResponseStatus == nil || !slices.Contains(f.codes, e.ResponseStatus.Code)) {
		return false
	}
	if f.failedOnly && (e.ResponseStatus == nil || e.ResponseStatus.Code < 300) {
		return false
	}
	if f.readOnly && !slices.Contains([]string{"get", "list", "watch", "head", "options"}, e.Verb) {
		return false
	}
	if f.before != nil && !e.RequestReceivedTimestamp.Time.Before(*f.before) {
		return false
	}
	if f.after != nil && !e.RequestReceivedTimestamp.Time.After(*f.after) {
		return false
	}
	if f.maxLatency != nil {
		if d, ok := refLatency(e); !ok || d > *f.maxLatency {
			return false
		}
	}
	if f.minLatency != nil {
		if d, ok := refLatency(e); !ok || d < *f.minLatency {
			return false
		}
	}
	if len(f.groups) > 0 {
		ok := slices.ContainsFunc(e.User.Groups, func(g string) bool { return refAccept(f.groups, g) })
		bad := slices.ContainsFunc(e.User.Groups, func(g string) bool {
			return slices.ContainsFunc(f.groups, func(v string) bool {
				return strings.HasPrefix(v, "-") && !refAccept([]string{v}, g)
			})
		})
		allNegative := !slices.ContainsFunc(f.groups, func(v string) bool { return !strings.HasPrefix(v, "-") })
		if bad || !(ok || allNegative) {
			return false
		}
	}
	if len(f.impersonated) > 0 {
		name := ""
		if e.ImpersonatedUser != nil {
			name = e.ImpersonatedUser.Username
		}
		if !refAccept(f.impersonated, name) {
			return false
		}
	}
	if len(f.userAgents) > 0 {
		var values []string
		for _, v := range f.userAgents {
			values = append(values, strings.TrimSuffix(v, "*")+"*")
		}
		if !refAccept(values, e.UserAgent) {
			return false
		}
	}
	if len(f.sourceIPs) > 0 {
		found := false
		for _, s := range e.SourceIPs {
			a, err := netip.ParseAddr(s)
			if err != nil {
				continue
			}
			for _, p := range f.sourceIPs {
				found = found || p.Contains(a.Unmap())
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// loadEvents decodes every audit event of the files under dir (one JSON
// value after another, lines or not), skipping what does not decode and
// JSON that is not an event.
func loadEvents(t testing.TB, dir string) []*auditv1.Event {
	t.Helper()
	var out []*auditv1.Event
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".md") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		dec := json.NewDecoder(f)
		for {
			var e auditv1.Event
			err := dec.Decode(&e)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				break // a malformed fixture ends its file
			}
			if e.AuditID == "" {
				continue
			}
			out = append(out, &e)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// pool holds the values seen in the events, to draw flag values from.
type pool struct {
	verbs, users, uids, namespaces, names, subs, fieldManagers, groups, impersonated []string
	userAgents, ips                                                                  []string
	resources                                                                        []string
	times                                                                            []time.Time
}

func newPool(events []*auditv1.Event) *pool {
	p := &pool{}
	add := distinct{}.add
	for _, e := range events {
		r := refParse(e.RequestURI)
		add(&p.verbs, e.Verb)
		add(&p.users, e.User.Username)
		add(&p.uids, string(e.AuditID))
		add(&p.namespaces, r.namespace)
		add(&p.names, r.name)
		if e.ObjectRef != nil {
			add(&p.names, e.ObjectRef.Name)
		}
		add(&p.subs, r.sub)
		add(&p.subs, r.subPath)
		add(&p.fieldManagers, r.param("fieldManager"))
		for _, g := range e.User.Groups {
			add(&p.groups, g)
		}
		if e.ImpersonatedUser != nil {
			add(&p.impersonated, e.ImpersonatedUser.Username)
		}
		if len(e.UserAgent) > 3 {
			add(&p.userAgents, e.UserAgent[:len(e.UserAgent)/2])
		}
		for _, ip := range e.SourceIPs {
			add(&p.ips, ip)
		}
		if r.group == "" {
			add(&p.resources, r.resource)
		} else {
			add(&p.resources, r.resource+"."+r.group)
		}
		p.times = append(p.times, e.RequestReceivedTimestamp.Time)
	}
	return p
}

// acceptValues draws 1-3 accept-list values from seen, some turned into
// prefixes, exclusions, "*" or "-*".
func acceptValues(rng *rand.Rand, seen []string) []string {
	n := 1 + rng.IntN(3)
	var out []string
	for range n {
		v := seen[rng.IntN(len(seen))]
		switch rng.IntN(8) {
		case 0:
			v = v[:rng.IntN(len(v)+1)] + "*"
		case 1:
			v = "-" + v
		case 2:
			v = "-" + v[:rng.IntN(len(v)+1)] + "*"
		case 3:
			if rng.IntN(4) == 0 {
				v = []string{"*", "-*"}[rng.IntN(2)]
			}
		}
		out = append(out, v)
	}
	return out
}

func resourceValues(rng *rand.Rand, seen []string) []string {
	n := 1 + rng.IntN(3)
	var out []string
	for range n {
		v := seen[rng.IntN(len(seen))]
		res, group, dotted := strings.Cut(v, ".")
		switch rng.IntN(7) {
		case 0:
			v = "*.*"
		case 1:
			v = res + ".*"
		case 2:
			if dotted {
				v = "*." + group
			} else {
				v = "*"
			}
		case 3:
			v = "."
		case 4:
			v = res + "."
		}
		if v == "" {
			v = "*"
		}
		if rng.IntN(3) == 0 {
			v = "-" + v
		}
		out = append(out, v)
	}
	return out
}

// randomFlags draws a flag combination and its model.
func randomFlags(rng *rand.Rand, p *pool) (Flags, *refFlags) {
	var f Flags
	m := &refFlags{}
	pick := func() bool { return rng.IntN(4) == 0 }
	list := func(dst *[]string, model *[]string, values []string) {
		// Half the time as one comma-separated value, as a CLI may pass it.
		// An empty flag value gives no values (as pflag's StringSlice), an
		// empty part of a comma-separated one is kept.
		if joined := strings.Join(values, ","); rng.IntN(2) == 0 && !strings.Contains(joined, `"`) {
			*dst = []string{joined}
			if joined != "" {
				*model = values
			}
		} else {
			*dst = values
			for _, v := range values {
				if v != "" {
					*model = append(*model, v)
				}
			}
		}
	}
	if pick() {
		list(&f.Verbs, &m.verbs, acceptValues(rng, p.verbs))
	}
	if pick() {
		list(&f.Users, &m.users, acceptValues(rng, p.users))
	}
	if rng.IntN(10) == 0 {
		list(&f.UIDs, &m.uids, acceptValues(rng, p.uids))
	}
	if pick() {
		list(&f.Namespaces, &m.namespaces, acceptValues(rng, p.namespaces))
	}
	if pick() {
		list(&f.Names, &m.names, acceptValues(rng, p.names))
	}
	if pick() {
		if rng.IntN(3) == 0 {
			list(&f.Subresources, &m.subresources, []string{"-*"})
		} else {
			list(&f.Subresources, &m.subresources, acceptValues(rng, p.subs))
		}
	}
	if rng.IntN(8) == 0 {
		list(&f.FieldManagers, &m.fieldManagers, acceptValues(rng, p.fieldManagers))
	}
	if pick() {
		list(&f.Resources, &m.resources, resourceValues(rng, p.resources))
	}
	if pick() {
		all := []string{"RequestReceived", "ResponseStarted", "ResponseComplete", "Panic"}
		list(&f.Stages, &m.stages, all[:1+rng.IntN(3)])
	}
	if rng.IntN(8) == 0 {
		all := []string{"Metadata", "Request", "RequestResponse", "None"}
		list(&f.Levels, &m.levels, all[rng.IntN(3):][:1])
	}
	if rng.IntN(6) == 0 {
		codes := []int32{200, 201, 101, 403, 404, 409}[rng.IntN(5):][:1+rng.IntN(2)]
		for _, c := range codes {
			f.HTTPStatusCodes = append(f.HTTPStatusCodes, fmt.Sprint(c))
		}
		m.codes = codes
	}
	f.FailedOnly = rng.IntN(6) == 0
	m.failedOnly = f.FailedOnly
	f.ReadOnly = rng.IntN(8) == 0
	m.readOnly = f.ReadOnly
	if rng.IntN(6) == 0 {
		t := p.times[rng.IntN(len(p.times))].Truncate(time.Second)
		m.before, f.Before = &t, t.Format(time.RFC3339)
	}
	if rng.IntN(6) == 0 {
		t := p.times[rng.IntN(len(p.times))].Truncate(time.Second)
		m.after, f.After = &t, t.Format(time.RFC3339)
	}
	durations := []time.Duration{0, time.Millisecond, 10 * time.Millisecond, 100 * time.Millisecond, time.Second}
	if rng.IntN(6) == 0 {
		d := durations[rng.IntN(len(durations))]
		m.maxLatency, f.Duration = &d, d.String()
	}
	if rng.IntN(6) == 0 {
		d := durations[rng.IntN(len(durations))]
		m.minLatency, f.MinLatency = &d, d.String()
	}
	if rng.IntN(6) == 0 && len(p.groups) > 0 {
		list(&f.Groups, &m.groups, acceptValues(rng, p.groups))
	}
	if rng.IntN(8) == 0 && len(p.impersonated) > 0 {
		list(&f.ImpersonatedUsers, &m.impersonated, acceptValues(rng, p.impersonated))
	}
	if rng.IntN(8) == 0 && len(p.userAgents) > 0 {
		ua := p.userAgents[rng.IntN(len(p.userAgents))]
		if rng.IntN(3) == 0 {
			ua = "-" + ua
		}
		list(&f.UserAgents, &m.userAgents, []string{ua})
	}
	if rng.IntN(8) == 0 && len(p.ips) > 0 {
		a := netip.MustParseAddr(p.ips[rng.IntN(len(p.ips))]).Unmap()
		bits := a.BitLen() - 8*rng.IntN(3)
		pfx := netip.PrefixFrom(a, bits).Masked()
		f.SourceIPs = []string{pfx.String()}
		m.sourceIPs = []netip.Prefix{pfx}
	}
	return f, m
}

// TestDifferentialCorpus checks 1,000 random flag combinations on the
// corpus, 3,000 with AUDITLENS_LONG=1 (a step of .ci/run): the first
// 1,000 are the same.
func TestDifferentialCorpus(t *testing.T) {
	events := loadEvents(t, "../testdata/corpus")
	if len(events) < 800 {
		t.Fatalf("corpus: %d events, want over 800", len(events))
	}
	differential(t, events, longtest.Pick(1000, 3000))
}

// differential checks Build against the model on the events, for n random
// flag combinations.
func differential(t *testing.T, events []*auditv1.Event, n int) {
	p := newPool(events)
	rng := rand.New(rand.NewPCG(1, 2))
	entries := make([]auditlog.Entry, len(events))
	kept, failures := 0, 0
	for i := range n {
		flags, model := randomFlags(rng, p)
		f, err := flags.Build()
		if err != nil {
			t.Fatalf("combination %d: Build(%+v): %v", i, flags, err)
		}
		// The printed filter builds the same filter.
		for j, e := range events {
			entries[j].Reset(e, &auditlog.Source{}, int64(j+1), "")
			got, want := f.Match(&entries[j]), model.match(e)
			if got {
				kept++
			}
			if got != want && failures < 10 {
				failures++
				t.Errorf("combination %d (%s) on %s %s (user %s): got %v, model %v",
					i, f, e.Verb, e.RequestURI, e.User.Username, got, want)
			}
		}
	}
	if kept == 0 || kept == n*len(events) {
		t.Errorf("degenerate test: %d of %d matches kept", kept, n*len(events))
	}
	t.Logf("%d combinations x %d events: %d kept", n, len(events), kept)
}

// TestRefParseAgrees checks that the model's URI parser agrees with
// auditlog's on every corpus URI, so the differential test tests the
// filters, not two parsers.
func TestRefParseAgrees(t *testing.T) {
	for _, e := range loadEvents(t, "../testdata/corpus") {
		r := auditlog.ParseRequestURI(e.RequestURI)
		m := refParse(e.RequestURI)
		got := refRequest{r.APIGroup, r.Resource, r.Namespace, r.Name, r.Subresource, r.SubresourcePath, r.RawQuery}
		if got != m {
			t.Errorf("%s: auditlog %+v, model %+v", e.RequestURI, got, m)
		}
	}
}

// refParseViaAuditlog converts auditlog's parse to the model's form.
func refParseViaAuditlog(r *auditlog.Request) refRequest {
	return refRequest{r.APIGroup, r.Resource, r.Namespace, r.Name, r.Subresource, r.SubresourcePath, r.RawQuery}
}

// distinct appends each value to a list once, in the order first seen; the
// set of each list makes that linear (a search of the list was quadratic
// in the events read, every audit ID being new).
type distinct map[*[]string]map[string]bool

func (d distinct) add(list *[]string, s string) {
	seen := d[list]
	if seen == nil {
		seen = map[string]bool{}
		d[list] = seen
	}
	if !seen[s] {
		seen[s] = true
		*list = append(*list, s)
	}
}
