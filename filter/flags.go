package filter

import (
	"encoding/csv"
	"errors"
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
	Before          string   // --before: RFC 3339, strict
	After           string   // --after: RFC 3339, strict
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
	// Since is --since: an RFC 3339 time or an offset from the first event
	// ("+10m"); requests received at or after it are kept.
	Since string
	// Until is --until, like Since; requests received before it are kept.
	Until string

	// First is the time of the first event of the input (the earliest
	// requestReceivedTimestamp), which Since and Until offsets count from.
	// Build fails when an offset is given and First is zero: see NeedsFirst.
	First time.Time
}

// NeedsFirst reports whether Since or Until is an offset from the first
// event, so that the caller must find the first event's time and set First
// before calling Build. The time is the earliest requestReceivedTimestamp of
// the input, which a caller finds with a pass over the input decoding only
// auditlog.FieldRequestReceivedTimestamp.
func (f Flags) NeedsFirst() bool {
	return strings.HasPrefix(f.Since, "+") || strings.HasPrefix(f.Until, "+")
}

// Build returns the filter that keeps the events every given flag keeps:
// the And of one filter per flag, the cheapest first (those that read no
// event field or one short field, then times, then the requestURI, then
// regular expressions, then CEL expressions). A bad value is a *FlagError naming the flag, the
// value and what is expected. Empty Flags build a filter that keeps
// everything.
func (f Flags) Build() (Filter, error) {
	b := builder{}

	// No event field, or a short one.
	b.accept("server", f.Servers, func(v []string) (Filter, error) { return Servers(v...) })
	b.accept("node", f.Nodes, ok(Nodes))
	b.accept("stage", f.Stages, func(v []string) (Filter, error) { return Stages(v...) })
	b.accept("verb", f.Verbs, ok(Verbs))
	b.accept("level", f.Levels, func(v []string) (Filter, error) { return Levels(v...) })
	if f.ReadOnly && f.WriteOnly {
		b.fail(errors.New("--read-only and --write-only cannot be given together"))
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
	b.window(f.Since, f.Until, f.First)
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

	if b.err != nil {
		return nil, b.err
	}
	return And(b.fs...), nil
}

// builder collects filters and the first error.
type builder struct {
	fs  []Filter
	err error
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
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		b.fail(&FlagError{Flag: flag, Value: s, Expected: "an RFC 3339 time (2006-01-02T15:04:05Z07:00)", Err: err})
		return
	}
	b.fs = append(b.fs, build(t))
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

func (b *builder) window(since, until string, first time.Time) {
	if since == "" && until == "" {
		return
	}
	var from, to time.Time
	for _, side := range []struct {
		flag, s string
		t       *time.Time
	}{{"since", since, &from}, {"until", until, &to}} {
		if side.s == "" {
			continue
		}
		spec, err := ParseTimeSpec(side.flag, side.s)
		if err != nil {
			b.fail(err)
			return
		}
		if spec.Relative && first.IsZero() {
			b.fail(fmt.Errorf("--%s=%s: an offset from the first event needs the first event's time (Flags.First)", side.flag, side.s))
			return
		}
		*side.t = spec.Resolve(first)
	}
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		b.fail(fmt.Errorf("--until=%s is not after --since=%s: no request can match", until, since))
		return
	}
	b.fs = append(b.fs, Window(from, to))
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
