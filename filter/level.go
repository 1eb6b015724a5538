package filter

import (
	"strings"

	"github.com/auditlens/auditlens/auditlog"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// levelNames are the audit levels an event can be logged at.
var levelNames = []string{
	string(auditv1.LevelNone), string(auditv1.LevelMetadata),
	string(auditv1.LevelRequest), string(auditv1.LevelRequestResponse),
}

// Levels returns a filter that keeps events logged at any of the audit
// levels (None, Metadata, Request, RequestResponse; exact). An unknown level
// is an error. It prints as --level=l1,l2.
func Levels(levels ...string) (Filter, error) {
	levels = dedup(levels)
	for _, l := range levels {
		if !contains(levelNames, l) {
			return nil, &FlagError{Flag: "level", Value: l, Expected: "one of " + strings.Join(levelNames, ", ")}
		}
	}
	return &levelFilter{levels: levels}, nil
}

type levelFilter struct{ levels []string }

func (f *levelFilter) Match(e *auditlog.Entry) bool {
	return contains(f.levels, string(e.Event.Level))
}

func (f *levelFilter) Fields() auditlog.Fields { return auditlog.FieldLevel }

func (f *levelFilter) String() string { return "--level=" + strings.Join(f.levels, ",") }
