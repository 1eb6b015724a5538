package findings

import (
	"cmp"
	"slices"
	"time"

	"github.com/auditlens/auditlens/aggregate"
)

// The verdicts of CompareResults on a finding.
const (
	FindingNew      = "new"      // found in the subject alone
	FindingWorse    = "worse"    // found in both, more requests an hour in the subject
	FindingSame     = "same"     // found in both, about as many requests an hour
	FindingBetter   = "better"   // found in both, fewer requests an hour in the subject
	FindingResolved = "resolved" // found in the baseline alone
)

// worseFactor is the least factor between two rates of a finding's
// requests for it to be worse (or, inverted, better), and worseScore the
// least score of the change (aggregate.RateScore), so that noise is same.
const (
	worseFactor = 1.5
	worseScore  = 4
)

// FindingChange is a finding of one capture set against the other's.
type FindingChange struct {
	// ID, Subject, Title and Severity are the finding's (the subject's,
	// or the baseline's for a resolved one).
	ID       string   `json:"id"`
	Subject  string   `json:"subject,omitempty"`
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	// Change is new, worse, same, better or resolved.
	Change string `json:"change"`
	// Factor is the subject's rate over the baseline's, for a finding in
	// both.
	Factor float64 `json:"factor,omitempty"`
	// BaselinePerHour and SubjectPerHour are the finding's requests (its
	// Magnitude) an hour of each capture's span.
	BaselinePerHour float64 `json:"baselinePerHour"`
	SubjectPerHour  float64 `json:"subjectPerHour"`
}

// CompareResults marks each finding of the subject new, worse (with the
// factor), same or better against the baseline's, and each finding of the
// baseline alone resolved, comparing their requests an hour of each
// capture's span: worse or better when the factor is 1.5 or more and the
// change scores 4 or more (aggregate.RateScore). New and worse come first, then same, better and
// resolved; each by the subject's rate.
func CompareResults(base, subj Result) []FindingChange {
	hb, hs := hours(base), hours(subj)
	type id struct{ id, subject string }
	baseline := make(map[id]*Finding, len(base.Findings))
	for i := range base.Findings {
		f := &base.Findings[i]
		baseline[id{f.ID, f.Subject}] = f
	}
	changes := []FindingChange{}
	for i := range subj.Findings {
		f := &subj.Findings[i]
		c := FindingChange{ID: f.ID, Subject: f.Subject, Title: f.Title, Severity: f.Severity, Change: FindingNew,
			SubjectPerHour: float64(f.Magnitude) / hs}
		if b := baseline[id{f.ID, f.Subject}]; b != nil {
			delete(baseline, id{f.ID, f.Subject})
			c.BaselinePerHour = float64(b.Magnitude) / hb
			c.Change = FindingSame
			if c.BaselinePerHour > 0 {
				c.Factor = c.SubjectPerHour / c.BaselinePerHour
				z := aggregate.RateScore(b.Magnitude, f.Magnitude, hb, hs)
				switch {
				case c.Factor >= worseFactor && z >= worseScore:
					c.Change = FindingWorse
				case c.Factor <= 1/worseFactor && z <= -worseScore:
					c.Change = FindingBetter
				}
			}
		}
		changes = append(changes, c)
	}
	for i := range base.Findings {
		f := &base.Findings[i]
		if baseline[id{f.ID, f.Subject}] == nil {
			continue
		}
		changes = append(changes, FindingChange{ID: f.ID, Subject: f.Subject, Title: f.Title, Severity: f.Severity,
			Change: FindingResolved, BaselinePerHour: float64(f.Magnitude) / hb})
	}
	order := map[string]int{FindingNew: 0, FindingWorse: 0, FindingSame: 1, FindingBetter: 2, FindingResolved: 3}
	slices.SortStableFunc(changes, func(a, b FindingChange) int {
		return cmp.Or(cmp.Compare(order[a.Change], order[b.Change]),
			cmp.Compare(max(b.SubjectPerHour, b.BaselinePerHour), max(a.SubjectPerHour, a.BaselinePerHour)))
	})
	return changes
}

// hours is the span of a result's requests in hours, at least a minute's.
func hours(r Result) float64 {
	return max(r.Last.Sub(r.First), time.Minute).Hours()
}
