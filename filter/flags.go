package filter

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Flags are the filter flags of `kubectl-dev_tool audit`, and a few more,
// as plain strings, the way a command line collects them. Each element of a
// list is one repeat of the flag; it is also split at commas, as CSV (like
// pflag's StringSlice: `--verb=get,list` is two verbs, `"a,b"` one value), except
// for UserAgentRegexps, Annotations and Where, whose values may hold commas. An
// empty (nil) field adds no filter.
type Flags struct {
	// The reference tool's flags.

	Verbs           []string // --verb: accept list on verb
	Users           []string // --user: accept list on user.username
	UIDs            []string // --uid: accept list on auditID
	Namespaces      []string // --namespace, -n: accept list on the URI's namespace
	Names           []string // --name: accept list on the URI's name, else objectRef.name
	Subresources    []string // --subresource: accept list; "-*" alone = no subresource
	FieldManagers   []string // --field-manager: accept list on the fieldManager query parameter
	Resources       []string // --resource: group/resource patterns, see Resources
	Stages          []string // --stage, -s: exact stages; empty means any stage
	HTTPStatusCodes []string // --http-status-code: numbers in 100-599
	FailedOnly      bool     // --failed-only: responseStatus.code > 299
	Before          string   // --before: a time (see TimeSpec)
	After           string   // --after: a time (see TimeSpec)
	Duration        string   // --duration: latency at most this Go duration
	// PodSecurityViolations is --podsecurityviolations: "pod" or "all".
	PodSecurityViolations string

	// Flags beyond the reference.

	ImpersonatedUsers []string // --impersonated-user: accept list on impersonatedUser.username
	Groups            []string // --group: accept list on user.groups
	UserAgents        []string // --user-agent: userAgent prefixes, "-" to exclude
	UserAgentRegexps  []string // --user-agent-regexp: Go regular expressions (not split)
	SourceIPs         []string // --source-ip: IP addresses or CIDRs
	Annotations       []string // --annotation: KEY, KEY=VALUE or KEY~REGEXP (not split)
	Decision          string   // --decision: allow or forbid
	MinLatency        string   // --min-latency: latency at least this Go duration
	Servers           []string // --server: kube-apiserver, openshift-apiserver, oauth-apiserver, oauth-server
	Nodes             []string // --node: accept list on the node that logged the event
	Levels            []string // --level: None, Metadata, Request, RequestResponse
	ReadOnly          bool     // --read-only: get, list, watch...
	WriteOnly         bool     // --write-only: every other verb
	LongRunning       bool     // --long-running: watch, exec, attach, port-forward, proxy, log follow
	// Where is --where: CEL expressions over the event (not split), all of
	// which must be true; see Where.
	Where []string
	// Since is --since: a time (see TimeSpec: RFC 3339, "+10m" after the
	// first event, "-10m" before the last...); requests received at or
	// after it are kept.
	Since string
	// Until is --until, like Since; requests received before it are kept.
	Until string

	// First and Last are the times of the first and last events of the
	// input (the earliest and latest requestReceivedTimestamp), which the
	// offsets of the time flags count from. See Relative.
	First, Last time.Time
}

// Relative reports whether a time flag is an offset from the first or last
// event ("+10m", "-10m"), so that the caller must find those times and set
// First and Last before calling Build: with a pass over the input that
// decodes only auditlog.FieldRequestReceivedTimestamp. A value that does
// not parse is not relative (Validate reports it).
func (f Flags) Relative() bool {
	for _, s := range []string{f.Before, f.After, f.Since, f.Until} {
		if spec, err := ParseTimeSpec("", s); s != "" && err == nil && spec.Relative() {
			return true
		}
	}
	return false
}

// Validate checks every flag as Build does, without First and Last: a time
// offset is checked for its form, and against another offset of the same
// anchor, but not resolved. It returns the error Build would return for
// anything but the times offsets stand for, so a caller checks a command
// line before reading any input.
func (f Flags) Validate() error {
	_, err := f.build(true)
	return err
}

// Build returns the filter that keeps the events every given flag keeps:
// the And of one filter per flag, the cheapest first (those that read no
// event field or one short field, then times, then the requestURI, then
// regular expressions, then CEL expressions). A bad value is a *FlagError naming the flag, the
// value and what is expected. Empty Flags build a filter that keeps
// everything. When a time flag is an offset (Relative), First and Last must
// be set.
func (f Flags) Build() (Filter, error) {
	return f.build(false)
}

// build builds the filter, or only checks the flags when validating (then
// time offsets are not resolved and the filter is nil).
func (f Flags) build(validating bool) (Filter, error) {
	b := builder{validating: validating, first: f.First, last: f.Last}

	// No event field, or a short one.
	b.accept("server", f.Servers, func(v []string) (Filter, error) { return Servers(v...) })
	b.accept("node", f.Nodes, ok(Nodes))
	b.accept("stage", f.Stages, func(v []string) (Filter, error) { return Stages(v...) })
	b.accept("verb", f.Verbs, ok(Verbs))
	b.accept("level", f.Levels, func(v []string) (Filter, error) { return Levels(v...) })
	if f.ReadOnly && f.WriteOnly {
		b.fail(&ConflictError{Flag: "write-only", Other: "read-only", Reason: "--read-only and --write-only cannot be given together"})
	}
	b.cond(f.ReadOnly, ReadOnly)
	b.cond(f.WriteOnly, WriteOnly)
	b.accept("http-status-code", f.HTTPStatusCodes, parseStatusCodes)
	b.cond(f.FailedOnly, FailedOnly)
	b.accept("user", f.Users, ok(Users))
	b.accept("group", f.Groups, ok(Groups))
	b.accept("impersonated-user", f.ImpersonatedUsers, ok(ImpersonatedUsers))
	b.accept("uid", f.UIDs, ok(UIDs))

	// Times.
	b.time("before", f.Before, Before)
	b.time("after", f.After, After)
	b.window(f.Since, f.Until)
	b.duration("duration", f.Duration, MaxLatency)
	b.duration("min-latency", f.MinLatency, MinLatency)

	// The requestURI.
	b.accept("resource", f.Resources, func(v []string) (Filter, error) { return Resources(v...) })
	b.accept("namespace", f.Namespaces, ok(Namespaces))
	b.accept("name", f.Names, ok(Names))
	b.accept("subresource", f.Subresources, ok(Subresources))
	b.accept("field-manager", f.FieldManagers, ok(FieldManagers))
	b.cond(f.LongRunning, LongRunning)
	if f.PodSecurityViolations != "" {
		b.add(PodSecurityViolations(f.PodSecurityViolations))
	}

	// The rest.
	b.accept("source-ip", f.SourceIPs, func(v []string) (Filter, error) { return SourceIPs(v...) })
	b.accept("user-agent", f.UserAgents, ok(UserAgents))
	if f.Decision != "" {
		b.add(Decision(f.Decision))
	}
	if len(f.Annotations) > 0 {
		b.add(Annotations(f.Annotations...))
	}
	if len(f.UserAgentRegexps) > 0 {
		b.add(UserAgentRegexps(f.UserAgentRegexps...))
	}
	if len(f.Where) > 0 {
		b.add(Where(f.Where...)) // the most expensive, last
	}

	if b.err != nil || validating {
		return nil, b.err
	}
	return And(b.fs...), nil
}

// builder collects filters and the first error. When validating, a time
// offset is checked but not resolved.
type builder struct {
	fs          []Filter
	err         error
	validating  bool
	first, last time.Time
}

func (b *builder) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

func (b *builder) add(f Filter, err error) {
	if err != nil {
		b.fail(err)
		return
	}
	b.fs = append(b.fs, f)
}

func (b *builder) cond(on bool, f func() Filter) {
	if on {
		b.fs = append(b.fs, f())
	}
}

// accept splits a list flag's values and builds its filter when it has any.
func (b *builder) accept(flag string, raw []string, build func([]string) (Filter, error)) {
	values, err := SplitValues(flag, raw)
	if err != nil {
		b.fail(err)
		return
	}
	if len(values) > 0 {
		b.add(build(values))
	}
}

func (b *builder) time(flag, s string, build func(time.Time) Filter) {
	if s == "" {
		return
	}
	if t, ok := b.resolve(flag, s); ok {
		b.fs = append(b.fs, build(t))
	}
}

// resolve parses the time flag's value and returns the time it stands for;
// ok is false when it fails, or when validating an offset.
func (b *builder) resolve(flag, s string) (t time.Time, ok bool) {
	spec, err := ParseTimeSpec(flag, s)
	if err != nil {
		b.fail(err)
		return t, false
	}
	if spec.Relative() {
		if b.validating {
			return t, false
		}
		if spec.Anchor == FromFirst && b.first.IsZero() {
			b.fail(fmt.Errorf("--%s=%s: an offset from the first event needs its time (Flags.First)", flag, s))
			return t, false
		}
		if spec.Anchor == FromLast && b.last.IsZero() {
			b.fail(fmt.Errorf("--%s=%s: an offset back from the last event needs its time (Flags.Last)", flag, s))
			return t, false
		}
	}
	return spec.Resolve(b.first, b.last), true
}

func (b *builder) duration(flag, s string, build func(time.Duration) Filter) {
	if s == "" {
		return
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		b.fail(&FlagError{Flag: flag, Value: s, Expected: "a Go duration (1.5s, 300ms, 2m)", Err: err})
		return
	}
	b.fs = append(b.fs, build(d))
}

func (b *builder) window(since, until string) {
	if since == "" && until == "" {
		return
	}
	var from, to time.Time
	var fromOK, toOK bool
	if since != "" {
		if from, fromOK = b.resolve("since", since); !fromOK && b.err != nil {
			return
		}
	}
	if until != "" {
		if to, toOK = b.resolve("until", until); !toOK && b.err != nil {
			return
		}
	}
	if b.validating {
		// Offsets of the same anchor can be compared before they resolve.
		a, errA := ParseTimeSpec("since", since)
		z, errZ := ParseTimeSpec("until", until)
		if since != "" && until != "" && errA == nil && errZ == nil && a.Relative() && a.Anchor == z.Anchor {
			fromOK, toOK = true, true
			from, to = a.Resolve(time.Unix(0, 0), time.Unix(0, 0)), z.Resolve(time.Unix(0, 0), time.Unix(0, 0))
		}
	}
	if fromOK && toOK && !to.After(from) {
		b.fail(&ConflictError{Flag: "until", Other: "since", Reason: fmt.Sprintf("--until=%s is not after --since=%s: no request can match", until, since)})
		return
	}
	if !b.validating {
		b.fs = append(b.fs, Window(from, to))
	}
}

// ok adapts a constructor that cannot fail.
func ok(build func(...string) Filter) func([]string) (Filter, error) {
	return func(v []string) (Filter, error) { return build(v...), nil }
}

func parseStatusCodes(values []string) (Filter, error) {
	codes := make([]int, len(values))
	for i, v := range values {
		c, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || c < 100 || c > 599 {
			return nil, &FlagError{Flag: "http-status-code", Value: v, Expected: "an HTTP status code, a number in 100-599"}
		}
		codes[i] = c
	}
	return HTTPStatusCodes(codes...)
}

// SplitValues splits each value of a list flag at commas, read as one CSV
// record as pflag's StringSlice does, and returns all the parts in order.
// An empty value gives no parts; an empty part ("get,,list") is kept. A
// value that is not valid CSV (a stray quote) is a *FlagError.
func SplitValues(flag string, values []string) ([]string, error) {
	var out []string
	for _, v := range values {
		if v == "" {
			continue
		}
		if !strings.ContainsAny(v, ",\"") {
			out = append(out, v)
			continue
		}
		r := csv.NewReader(strings.NewReader(v))
		parts, err := r.Read()
		if err == io.EOF {
			continue
		}
		if err != nil {
			return nil, &FlagError{Flag: flag, Value: v, Expected: `comma-separated values, quoted as CSV ("a,b" for a value holding a comma)`, Err: err}
		}
		out = append(out, parts...)
	}
	return out, nil
}
