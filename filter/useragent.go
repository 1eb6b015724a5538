package filter

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// UserAgents returns a filter on the userAgent, whose values are prefixes:
// "kubectl" keeps "kubectl/v1.29.1 (linux/amd64) kubernetes/bc401b9". They
// follow the accept-list rules otherwise: "-oc" drops every user agent
// starting with "oc" (a trailing "*" is allowed and changes nothing). It
// prints as --user-agent=v1,v2.
func UserAgents(prefixes ...string) Filter {
	values := make([]string, len(prefixes))
	for i, p := range prefixes {
		if !strings.HasSuffix(p, "*") {
			p += "*"
		}
		values[i] = p
	}
	return &userAgentFilter{list: newAcceptList(values), given: dedup(prefixes)}
}

type userAgentFilter struct {
	list  acceptList
	given []string
}

func (f *userAgentFilter) Match(e *auditlog.Entry) bool { return f.list.match(e.Event.UserAgent) }

func (f *userAgentFilter) Fields() auditlog.Fields { return auditlog.FieldUserAgent }

func (f *userAgentFilter) String() string {
	return "--user-agent=" + strings.Join(f.given, ",")
}

// UserAgentRegexps returns a filter that keeps requests whose userAgent
// matches any of the regular expressions (Go syntax, unanchored). It prints
// as one --user-agent-regexp flag per expression, since an expression may
// hold commas.
func UserAgentRegexps(exprs ...string) (Filter, error) {
	f := &userAgentRegexpFilter{}
	for _, x := range dedup(exprs) {
		re, err := regexp.Compile(x)
		if err != nil {
			return nil, &FlagError{Flag: "user-agent-regexp", Value: x, Expected: "a Go regular expression", Err: err}
		}
		f.res = append(f.res, re)
	}
	return f, nil
}

type userAgentRegexpFilter struct{ res []*regexp.Regexp }

func (f *userAgentRegexpFilter) Match(e *auditlog.Entry) bool {
	for _, re := range f.res {
		if re.MatchString(e.Event.UserAgent) {
			return true
		}
	}
	return false
}

func (f *userAgentRegexpFilter) Fields() auditlog.Fields { return auditlog.FieldUserAgent }

func (f *userAgentRegexpFilter) String() string {
	parts := make([]string, len(f.res))
	for i, re := range f.res {
		parts[i] = fmt.Sprintf("--user-agent-regexp=%s", re)
	}
	return strings.Join(parts, " ")
}
