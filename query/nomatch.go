package query

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/filter"
)

// filterFlag is one filter flag, for the hints of an empty answer: its
// name, how to copy it alone from the query's flags (false when it was
// not given), and the key whose values its values are compared with
// (not Valid for a flag whose values are no such value: times, CEL...).
type filterFlag struct {
	name string
	copy func(dst *filter.Flags, src filter.Flags) bool
	key  aggregate.Key
}

// given returns a copy function for a flag of values.
func given(field func(*filter.Flags) *[]string) func(dst *filter.Flags, src filter.Flags) bool {
	return func(dst *filter.Flags, src filter.Flags) bool {
		*field(dst) = *field(&src)
		return len(*field(dst)) > 0
	}
}

// set returns a copy function for a flag of one value or a switch.
func set[T comparable](field func(*filter.Flags) *T) func(dst *filter.Flags, src filter.Flags) bool {
	return func(dst *filter.Flags, src filter.Flags) bool {
		var zero T
		*field(dst) = *field(&src)
		return *field(dst) != zero
	}
}

// Keys of the values a filter flag compares that no --by key gives: the
// resource and name of the requestURI as the filters read them.
var (
	resourceName = aggregate.NewKey("resource", auditlog.FieldRequestURI, func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
		return append(dst, e.Request().Resource...), true
	})
	objectName = aggregate.NewKey("name", auditlog.FieldRequestURI, func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
		return append(dst, e.Request().Name...), true
	})
)

// filterFlags are the filter flags, each tried alone when the filters
// leave nothing. The stage is not among them: it is tried with every
// other (see explainEmpty).
var filterFlags = []filterFlag{
	{"verb", given(func(f *filter.Flags) *[]string { return &f.Verbs }), aggregate.KeyVerb},
	{"resource", given(func(f *filter.Flags) *[]string { return &f.Resources }), resourceName},
	{"namespace", given(func(f *filter.Flags) *[]string { return &f.Namespaces }), aggregate.KeyNamespace},
	{"name", given(func(f *filter.Flags) *[]string { return &f.Names }), objectName},
	{"subresource", given(func(f *filter.Flags) *[]string { return &f.Subresources }), aggregate.KeySubresource},
	{"user", given(func(f *filter.Flags) *[]string { return &f.Users }), aggregate.KeyUsername},
	{"uid", given(func(f *filter.Flags) *[]string { return &f.UIDs }), aggregate.Key{}},
	{"field-manager", given(func(f *filter.Flags) *[]string { return &f.FieldManagers }), aggregate.Key{}},
	{"http-status-code", given(func(f *filter.Flags) *[]string { return &f.HTTPStatusCodes }), aggregate.KeyHTTPStatus},
	{"failed-only", set(func(f *filter.Flags) *bool { return &f.FailedOnly }), aggregate.Key{}},
	{"before", set(func(f *filter.Flags) *string { return &f.Before }), aggregate.Key{}},
	{"after", set(func(f *filter.Flags) *string { return &f.After }), aggregate.Key{}},
	{"duration", set(func(f *filter.Flags) *string { return &f.Duration }), aggregate.Key{}},
	{"podsecurityviolations", set(func(f *filter.Flags) *string { return &f.PodSecurityViolations }), aggregate.Key{}},
	{"impersonated-user", given(func(f *filter.Flags) *[]string { return &f.ImpersonatedUsers }), aggregate.Key{}},
	{"group", given(func(f *filter.Flags) *[]string { return &f.Groups }), aggregate.Key{}},
	{"user-agent", given(func(f *filter.Flags) *[]string { return &f.UserAgents }), aggregate.Key{}},
	{"user-agent-regexp", given(func(f *filter.Flags) *[]string { return &f.UserAgentRegexps }), aggregate.Key{}},
	{"source-ip", given(func(f *filter.Flags) *[]string { return &f.SourceIPs }), aggregate.Key{}},
	{"annotation", given(func(f *filter.Flags) *[]string { return &f.Annotations }), aggregate.Key{}},
	{"decision", set(func(f *filter.Flags) *string { return &f.Decision }), aggregate.Key{}},
	{"min-latency", set(func(f *filter.Flags) *string { return &f.MinLatency }), aggregate.Key{}},
	{"server", given(func(f *filter.Flags) *[]string { return &f.Servers }), aggregate.KeyServer},
	{"node", given(func(f *filter.Flags) *[]string { return &f.Nodes }), aggregate.KeyNode},
	{"level", given(func(f *filter.Flags) *[]string { return &f.Levels }), aggregate.KeyLevel},
	{"read-only", set(func(f *filter.Flags) *bool { return &f.ReadOnly }), aggregate.Key{}},
	{"write-only", set(func(f *filter.Flags) *bool { return &f.WriteOnly }), aggregate.Key{}},
	{"long-running", set(func(f *filter.Flags) *bool { return &f.LongRunning }), aggregate.Key{}},
	{"where", given(func(f *filter.Flags) *[]string { return &f.Where }), aggregate.Key{}},
	{"since", set(func(f *filter.Flags) *string { return &f.Since }), aggregate.Key{}},
	{"until", set(func(f *filter.Flags) *string { return &f.Until }), aggregate.Key{}},
	{"stage", given(func(f *filter.Flags) *[]string { return &f.Stages }), aggregate.KeyStage},
}

// maxDistinct bounds the distinct values an empty answer's second pass
// counts for one flag (names and users can be many).
const maxDistinct = 1 << 16

// tried is one filter flag given, tried alone in the second pass.
type tried struct {
	flag   *filterFlag
	alone  filter.Filter
	values []string // the flag's values, split
}

// flagCounts is one worker's counts of the second pass: the events each
// flag keeps alone, and the values seen of each flag's key.
type flagCounts struct {
	tried   []tried
	matched []int
	seen    []map[string]int
	buf     []byte
}

func (c *flagCounts) Add(e *auditlog.Entry) {
	for i, t := range c.tried {
		if t.alone.Match(e) {
			c.matched[i]++
		}
		if k := t.flag.key; k.Valid() {
			var ok bool
			if c.buf, ok = k.Append(c.buf[:0], e); ok {
				if _, known := c.seen[i][string(c.buf)]; known || len(c.seen[i]) < maxDistinct {
					c.seen[i][string(c.buf)]++
				}
			}
		}
	}
}

func (c *flagCounts) Fields() auditlog.Fields {
	var f auditlog.Fields
	for _, t := range c.tried {
		f |= t.alone.Fields() | t.flag.key.Fields()
	}
	return f
}

func (c *flagCounts) Merge(o *flagCounts) {
	for i := range c.tried {
		c.matched[i] += o.matched[i]
		for v, n := range o.seen[i] {
			if _, known := c.seen[i][v]; known || len(c.seen[i]) < maxDistinct {
				c.seen[i][v] += n
			}
		}
	}
}

// explainEmpty reads the input once more when the filters kept no event
// of the many read, trying each filter flag given alone, and returns
// lines that say which flags keep nothing, with the values seen nearest
// to theirs, or, when each keeps events, how many. Standard input that was
// not copied (it cannot be read twice) gives no lines; so does a second
// pass that fails.
func explainEmpty(ctx context.Context, sources []auditlog.Source, opts auditlog.Options, flags filter.Flags, spooled bool) []string {
	if !spooled && slices.ContainsFunc(sources, func(s auditlog.Source) bool { return s.Path == auditlog.Stdin && s.Skip == "" }) {
		return nil
	}
	stages := flags.Stages
	if requests(stages) {
		stages = nil // the reader's preset, already in opts
	}
	var ts []tried
	for i := range filterFlags {
		ff := &filterFlags[i]
		alone := filter.Flags{First: flags.First, Last: flags.Last}
		if !ff.copy(&alone, flags) || (ff.name == "stage" && stages == nil) {
			continue
		}
		if ff.name != "stage" {
			alone.Stages = stages
		}
		f, err := alone.Build()
		if err != nil {
			continue
		}
		var values []string
		var raw filter.Flags
		ff.copy(&raw, flags)
		if vs := rawValues(ff, raw); vs != nil {
			values, _ = filter.SplitValues(ff.name, vs)
		}
		ts = append(ts, tried{flag: ff, alone: f, values: values})
	}
	if len(ts) == 0 {
		return nil
	}
	opts.Keep = nil
	opts.Progress = nil
	counts, _, err := auditlog.Scan(ctx, sources, opts, func() *flagCounts {
		c := &flagCounts{tried: ts, matched: make([]int, len(ts)), seen: make([]map[string]int, len(ts))}
		for i := range c.seen {
			c.seen[i] = map[string]int{}
		}
		return c
	})
	if err != nil {
		return nil
	}
	return counts.explain()
}

// rawValues returns the values of a flag of values, nil for another.
func rawValues(ff *filterFlag, f filter.Flags) []string {
	for _, vs := range [][]string{f.Verbs, f.Resources, f.Namespaces, f.Names, f.Subresources, f.Users, f.HTTPStatusCodes, f.Servers, f.Nodes, f.Levels, f.Stages} {
		if len(vs) > 0 && ff.key.Valid() {
			return vs
		}
	}
	return nil
}

// explain writes the lines of explainEmpty from the merged counts.
func (c *flagCounts) explain() []string {
	var lines, kept []string
	for i, t := range c.tried {
		if c.matched[i] > 0 {
			kept = append(kept, fmt.Sprintf("%s %s", t.alone.String(), events(c.matched[i])))
			continue
		}
		line := t.alone.String() + " matches no event"
		if len(c.tried) > 1 {
			line = t.alone.String() + " alone matches no event"
		}
		var near []string
		for _, v := range t.values {
			for _, s := range nearest(t.flag.name, v, c.seen[i]) {
				near = append(near, fmt.Sprintf("--%s=%s (%s)", t.flag.name, s, events(c.seen[i][s])))
			}
		}
		if len(near) > 0 {
			line += ": did you mean " + strings.Join(near, " or ") + "?"
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 && len(kept) > 1 {
		lines = append(lines, "Each filter matches events alone, but not together: "+strings.Join(kept, ", ")+".")
	}
	return lines
}

// events is "1 event" or "N events".
func events(n int) string {
	if n == 1 {
		return "1 event"
	}
	return fmt.Sprintf("%d events", n)
}

// maxSuggestions is how many values seen a value given gets, at most.
const maxSuggestions = 3

// nearest returns the values seen nearest to v, a value of --flag that
// matched nothing, best first: the same but for case, singular or plural,
// then within a small edit distance. For a resource pattern it compares
// the resource alone (pods of pods.apps); exclusions and wildcards get
// none.
func nearest(flag, v string, seen map[string]int) []string {
	if strings.HasPrefix(v, "-") || strings.Contains(v, "*") {
		return nil
	}
	if flag == "resource" {
		v, _, _ = strings.Cut(v, ".")
	}
	lv := strings.ToLower(v)
	limit := max(1, len(lv)/4)
	type scored struct {
		value string
		score int
	}
	var found []scored
	for s := range seen {
		if s == "" || s == v {
			continue
		}
		ls := strings.ToLower(s)
		score := -1
		switch {
		case ls == lv:
			score = 0
		case singular(ls) == singular(lv):
			score = 1
		default:
			if d := editDistance(lv, ls, limit); d <= limit {
				score = 1 + d
			}
		}
		if score >= 0 {
			found = append(found, scored{s, score})
		}
	}
	slices.SortFunc(found, func(a, b scored) int {
		if a.score != b.score {
			return a.score - b.score
		}
		if seen[a.value] != seen[b.value] {
			return seen[b.value] - seen[a.value]
		}
		return strings.Compare(a.value, b.value)
	})
	var out []string
	for i := 0; i < len(found) && i < maxSuggestions; i++ {
		out = append(out, found[i].value)
	}
	return out
}

// singular is a lower-case English plural made singular, as resource
// names are: policies, ingresses, nodes.
func singular(s string) string {
	switch {
	case strings.HasSuffix(s, "ies"):
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(s, "sses"), strings.HasSuffix(s, "xes"), strings.HasSuffix(s, "ches"), strings.HasSuffix(s, "shes"):
		return s[:len(s)-2]
	case strings.HasSuffix(s, "s") && !strings.HasSuffix(s, "ss"):
		return s[:len(s)-1]
	}
	return s
}

// editDistance is the Levenshtein distance of a and b (bytes), or limit+1
// once it is sure to exceed limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
