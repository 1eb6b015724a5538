package filter

import (
	"strings"

	"github.com/auditlens/auditlens/auditlog"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// stageNames are the stages an event can be logged at.
var stageNames = []string{
	string(auditv1.StageRequestReceived), string(auditv1.StageResponseStarted),
	string(auditv1.StageResponseComplete), string(auditv1.StagePanic),
}

// Stages returns a filter that keeps events logged at any of the stages
// (RequestReceived, ResponseStarted, ResponseComplete, Panic; exact and
// case-sensitive, as the API server writes them). An unknown stage is an
// error. It prints as --stage=s1,s2.
func Stages(stages ...string) (Filter, error) {
	stages = dedup(stages)
	for _, s := range stages {
		if !contains(stageNames, s) {
			return nil, &FlagError{Flag: "stage", Value: s, Expected: "one of " + strings.Join(stageNames, ", ")}
		}
	}
	return &stageFilter{stages: stages}, nil
}

type stageFilter struct{ stages []string }

func (f *stageFilter) Match(e *auditlog.Entry) bool {
	return contains(f.stages, string(e.Event.Stage))
}

func (f *stageFilter) Fields() auditlog.Fields { return auditlog.FieldStage }

func (f *stageFilter) String() string { return "--stage=" + strings.Join(f.stages, ",") }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
