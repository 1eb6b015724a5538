package main

import (
	"cmp"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// naiveAnswer filters the time-sorted events for q, counts them and writes
// the answer as the reference tool prints it (with its defects 2, 3, 4, 8
// and 10 fixed, as the library fixes them, so that the answers can be
// compared: groups by path, normalised query and user; every event in a
// status-code mix; ties by key; resources with their version; subresources
// of cluster-scoped resources).
func naiveAnswer(w io.Writer, q question, events []*auditv1.Event) error {
	var kept []*auditv1.Event
	for _, ev := range events {
		if naiveMatch(q, ev) {
			kept = append(kept, ev)
		}
	}
	if len(kept) > 0 {
		first := kept[0].RequestReceivedTimestamp.Time
		last := kept[len(kept)-1].RequestReceivedTimestamp.Time
		if _, err := fmt.Fprintf(w, "count: %d, first: %s, last: %s, duration: %s\n", len(kept),
			first.UTC().Format(time.RFC3339), last.UTC().Format(time.RFC3339), last.Sub(first)); err != nil {
			return err
		}
	}
	switch q.kind {
	case kindTop:
		return naiveTop(w, q.by, kept)
	case kindGrouped:
		return naiveGrouped(w, kept)
	default:
		return naiveListing(w, kept)
	}
}

// naiveMatch reports whether ev passes q's filters and the default stage.
func naiveMatch(q question, ev *auditv1.Event) bool {
	if ev.Stage != stage {
		return false
	}
	if len(q.users) > 0 && !slices.Contains(q.users, ev.User.Username) {
		return false
	}
	if len(q.verbs) > 0 && !slices.Contains(q.verbs, ev.Verb) {
		return false
	}
	if len(q.codes) > 0 && (ev.ResponseStatus == nil || !slices.Contains(q.codes, strconv.Itoa(int(ev.ResponseStatus.Code)))) {
		return false
	}
	if len(q.resources) > 0 {
		u := naiveParseURI(ev.RequestURI)
		if !naiveResourceMatch(q.resources, u.group, u.resource) {
			return false
		}
	}
	return true
}

// naiveResourceMatch applies --resource patterns (RES or RES.GROUP, "*"
// for any, "-" to exclude): rejected by any exclusion, kept when every
// pattern is an exclusion, else kept when an inclusion matches.
func naiveResourceMatch(patterns []string, group, resource string) bool {
	included, onlyExclusions := false, true
	for _, p := range patterns {
		exclude := strings.HasPrefix(p, "-")
		p = strings.TrimPrefix(p, "-")
		res, grp, _ := strings.Cut(p, ".")
		m := (res == "*" || res == resource) && (grp == "*" || grp == group)
		if exclude {
			if m {
				return false
			}
			continue
		}
		onlyExclusions = false
		included = included || m
	}
	return onlyExclusions || included
}

// naiveUser is the reference's user key: the username, followed by
// [fieldManager] when the URI has one.
func naiveUser(ev *auditv1.Event) string {
	_, rawQuery, _ := strings.Cut(ev.RequestURI, "?")
	if rawQuery != "" {
		values, _ := url.ParseQuery(rawQuery)
		if fm, ok := values["fieldManager"]; ok && len(fm) > 0 {
			return ev.User.Username + "[" + fm[0] + "]"
		}
	}
	return ev.User.Username
}

// naiveResource is the resource key: v1/RES or GROUP/VERSION/RES; "" for
// requests that are not for a resource.
func naiveResource(ev *auditv1.Event) string {
	u := naiveParseURI(ev.RequestURI)
	switch {
	case u.resource == "":
		return ""
	case u.group == "":
		return u.version + "/" + u.resource
	default:
		return u.group + "/" + u.version + "/" + u.resource
	}
}

// naiveTop counts the events by key and writes the top rows.
func naiveTop(w io.Writer, by string, events []*auditv1.Event) error {
	counts := map[string]int64{}
	for _, ev := range events {
		var key string
		switch by {
		case "user":
			key = naiveUser(ev)
		case "resource":
			if key = naiveResource(ev); key == "" {
				continue
			}
		default:
			return fmt.Errorf("naive: no key %q", by)
		}
		counts[key]++
	}
	type row struct {
		key   string
		count int64
	}
	rows := make([]row, 0, len(counts))
	for k, c := range counts {
		rows = append(rows, row{k, c})
	}
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.key, b.key))
	})
	tw := tabwriter.NewWriter(w, 20, 0, 0, ' ', tabwriter.DiscardEmptyColumns)
	for _, r := range rows[:min(top, len(rows))] {
		fmt.Fprintf(tw, "%dx\t %s\n", r.count, r.key)
	}
	return tw.Flush()
}

// naiveGroup is one group of requests of --by=verb.
type naiveGroup struct {
	path, query, user string
	count             int64
	latency           time.Duration
	status            map[int32]int64
	firstURI          string
	firstTime         time.Time
}

// naiveGrouped writes the --by=verb view: per verb, alphabetically, the
// biggest groups of requests with the same path, query (without timeout,
// timeoutSeconds, resourceVersion and continue, in any order) and user.
func naiveGrouped(w io.Writer, events []*auditv1.Event) error {
	byVerb := map[string]map[[3]string]*naiveGroup{}
	totals := map[string]int64{}
	for _, ev := range events {
		path, rawQuery, _ := strings.Cut(ev.RequestURI, "?")
		key := [3]string{path, naiveNormalQuery(rawQuery), naiveUser(ev)}
		groups := byVerb[ev.Verb]
		if groups == nil {
			groups = map[[3]string]*naiveGroup{}
			byVerb[ev.Verb] = groups
		}
		totals[ev.Verb]++
		g := groups[key]
		recv := ev.RequestReceivedTimestamp.Time
		if g == nil {
			g = &naiveGroup{path: key[0], query: key[1], user: key[2], status: map[int32]int64{},
				firstURI: ev.RequestURI, firstTime: recv}
			groups[key] = g
		}
		g.count++
		if !ev.StageTimestamp.IsZero() && !recv.IsZero() {
			g.latency += ev.StageTimestamp.Sub(recv)
		}
		code := int32(-1)
		if ev.ResponseStatus != nil {
			code = ev.ResponseStatus.Code
		}
		g.status[code]++
		if recv.Before(g.firstTime) || (recv.Equal(g.firstTime) && ev.RequestURI < g.firstURI) {
			g.firstURI, g.firstTime = ev.RequestURI, recv
		}
	}
	verbs := make([]string, 0, len(byVerb))
	for v := range byVerb {
		verbs = append(verbs, v)
	}
	slices.Sort(verbs)
	for _, verb := range verbs {
		groups := make([]*naiveGroup, 0, len(byVerb[verb]))
		for _, g := range byVerb[verb] {
			groups = append(groups, g)
		}
		slices.SortFunc(groups, func(a, b *naiveGroup) int {
			return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.path, b.path),
				cmp.Compare(a.user, b.user), cmp.Compare(a.query, b.query))
		})
		fmt.Fprintf(w, "\nTop %d %q (of %d total hits):\n", top, strings.ToUpper(verb), totals[verb])
		tw := tabwriter.NewWriter(w, 20, 0, 0, ' ', tabwriter.DiscardEmptyColumns)
		for _, g := range groups[:min(top, len(groups))] {
			fmt.Fprintf(tw, "%8s [%12s] [%s]\t %s\t [%s]\n", fmt.Sprintf("%dx", g.count),
				g.latency/time.Duration(g.count), naiveStatusMix(g.status), g.firstURI, g.user)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// naiveNormalQuery drops the query parameters that change from call to
// call and sorts the rest.
func naiveNormalQuery(rawQuery string) string {
	var kept []string
	for _, pair := range strings.Split(rawQuery, "&") {
		name, _, _ := strings.Cut(pair, "=")
		switch name {
		case "", "timeout", "timeoutSeconds", "resourceVersion", "continue":
			continue
		}
		kept = append(kept, pair)
	}
	slices.Sort(kept)
	return strings.Join(kept, "&")
}

// naiveStatusMix writes "code-count" pairs by code, comma-separated.
func naiveStatusMix(status map[int32]int64) string {
	codes := make([]int32, 0, len(status))
	for c := range status {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%d-%d", c, status[c])
	}
	return strings.Join(parts, ",")
}

// naiveListing writes one line per event through one tabwriter for the
// whole output, as the reference does, with the line that marks where a
// UTC day begins when the events span days, and "unknown" for a latency
// without stageTimestamp, as kubectl-audit writes them.
func naiveListing(w io.Writer, events []*auditv1.Event) error {
	tw := tabwriter.NewWriter(w, 20, 0, 0, ' ', tabwriter.DiscardEmptyColumns)
	var day string
	for _, ev := range events {
		code := int32(0)
		if ev.ResponseStatus != nil {
			code = ev.ResponseStatus.Code
		}
		latency := "unknown"
		if !ev.StageTimestamp.IsZero() && !ev.RequestReceivedTimestamp.IsZero() {
			latency = ev.StageTimestamp.Sub(ev.RequestReceivedTimestamp.Time).String()
		}
		if d := ev.RequestReceivedTimestamp.UTC().Format("2006-01-02"); d != day {
			if day != "" {
				fmt.Fprintf(tw, "--- %s ends, %s begins (UTC) ---\n", day, d)
			}
			day = d
		}
		fmt.Fprintf(tw, "%s [%6s][%12s] [%3d]\t %s\t [%s]\n",
			ev.RequestReceivedTimestamp.UTC().Format("15:04:05"), strings.ToUpper(ev.Verb),
			latency, code, ev.RequestURI, ev.User.Username)
	}
	return tw.Flush()
}
