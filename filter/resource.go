package filter

import (
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// Resources returns a filter on the API group and resource parsed from the
// requestURI. Each pattern is RESOURCE or RESOURCE.GROUP, split at the first
// dot, optionally preceded by "-" to exclude:
//
//   - "pods" is the core-group resource pods; "deployments.apps" and
//     "routes.route.openshift.io" name a group;
//   - "*" stands for any resource or any group: "*.*" (everything),
//     "deployments.*" (deployments of any group), "*.config.openshift.io"
//     (every resource of a group), and "*" alone every core resource;
//   - an empty resource or group also stands for "*", so that patterns whose
//     "*" a renderer ate still work: "." is "*.*" and "-tokenreviews." is
//     "-tokenreviews.*" (the support lab writes them so). A wholly empty
//     pattern, or "-" alone, is an error, and so is a "*" inside a word.
//
// A request is rejected when any exclusion matches it; kept when every
// pattern is an exclusion; otherwise kept when an inclusion matches it.
// Exclusion always wins (the reference let an exact inclusion win over a
// "-*.group" or "-res.*" exclusion, and counted the event twice). The
// reference rejected everything when all patterns were exclusions; here
// "--resource=-tokenreviews.*" alone keeps everything else, as every other
// accept-list flag does.
//
// Non-resource requests (/healthz, /openapi/v2, /version) have no resource
// and group "" (the core group), as in the reference: "*.*" and "*" keep
// them, "pods" does not. API discovery paths (/apis/apps/v1) have the group
// and no resource, so "*.apps" keeps them.
//
// It prints as --resource=p1,p2 with each pattern in its canonical form
// ("." prints as "*.*").
func Resources(patterns ...string) (Filter, error) {
	f := &resourceFilter{allNegative: true}
	seen := map[resourcePattern]bool{}
	for _, s := range patterns {
		p, err := parseResourcePattern(s)
		if err != nil {
			return nil, err
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		f.printed = append(f.printed, p.String())
		if p.exclude {
			f.exclude = append(f.exclude, p)
		} else {
			f.include = append(f.include, p)
			f.allNegative = false
		}
	}
	return f, nil
}

// resourcePattern is a parsed --resource value. An empty resource or group
// is the wildcard "*".
type resourcePattern struct {
	exclude  bool
	resource string // "" = any resource
	group    string // "" = any group, unless core
	core     bool   // no dot: the core group
}

func parseResourcePattern(s string) (resourcePattern, error) {
	var p resourcePattern
	body := s
	if rest, ok := strings.CutPrefix(body, "-"); ok {
		p.exclude = true
		body = rest
	}
	if body == "" {
		return p, &FlagError{Flag: "resource", Value: s, Expected: "RESOURCE, RESOURCE.GROUP, *.*, RESOURCE.*, *.GROUP, optionally with a leading - to exclude"}
	}
	res, group, dotted := strings.Cut(body, ".")
	p.core = !dotted
	p.resource = wildcard(res)
	p.group = wildcard(group)
	if strings.Contains(p.resource, "*") || strings.Contains(p.group, "*") {
		return p, &FlagError{Flag: "resource", Value: s, Expected: `"*" only as a whole resource or group, as in *.GROUP or RESOURCE.*`}
	}
	return p, nil
}

func wildcard(s string) string {
	if s == "*" {
		return ""
	}
	return s
}

func (p resourcePattern) match(resource, group string) bool {
	if p.resource != "" && p.resource != resource {
		return false
	}
	if p.core {
		return group == ""
	}
	return p.group == "" || p.group == group
}

// String prints the pattern in canonical flag form.
func (p resourcePattern) String() string {
	s := p.resource
	if s == "" {
		s = "*"
	}
	if !p.core {
		g := p.group
		if g == "" {
			g = "*"
		}
		s += "." + g
	}
	if p.exclude {
		s = "-" + s
	}
	return s
}

type resourceFilter struct {
	include, exclude []resourcePattern
	allNegative      bool
	printed          []string
}

func (f *resourceFilter) Match(e *auditlog.Entry) bool {
	r := e.Request()
	for i := range f.exclude {
		if f.exclude[i].match(r.Resource, r.APIGroup) {
			return false
		}
	}
	if f.allNegative {
		return true
	}
	for i := range f.include {
		if f.include[i].match(r.Resource, r.APIGroup) {
			return true
		}
	}
	return false
}

func (f *resourceFilter) Fields() auditlog.Fields { return auditlog.FieldRequestURI }

func (f *resourceFilter) String() string { return "--resource=" + strings.Join(f.printed, ",") }
