package aggregate

import (
	"slices"
	"strings"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// LatencyAnnotationPrefix starts the annotations in which the API server
// logs where a request's time went (apiserver.latency.k8s.io/etcd,
// .../total, .../apf-queue-wait...), each a Go duration.
const LatencyAnnotationPrefix = "apiserver.latency.k8s.io/"

// Trackers is the reference tool's -o stats: the distribution of every
// apiserver.latency.k8s.io/* annotation. Minimum, maximum and mean are
// exact; median, 90th and 99th percentiles are within RelativeAccuracy.
type Trackers struct {
	keys map[string]*tracker
}

type tracker struct {
	dist    *dist
	invalid int64
}

// NewTrackers returns empty trackers.
func NewTrackers() *Trackers { return &Trackers{keys: make(map[string]*tracker)} }

// Fields is the set of event fields Trackers reads.
func (t *Trackers) Fields() auditlog.Fields { return auditlog.FieldAnnotationsButAuthz }

// Add adds the latency annotations of e. A value that is not a Go duration
// is counted as invalid.
func (t *Trackers) Add(e *auditlog.Entry) {
	for k, v := range e.Event.Annotations {
		if !strings.HasPrefix(k, LatencyAnnotationPrefix) {
			continue
		}
		tr := t.keys[k]
		if tr == nil {
			tr = &tracker{dist: newDist()}
			t.keys[strings.Clone(k)] = tr
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			tr.invalid++
			continue
		}
		tr.dist.add(d)
	}
}

// Merge adds the trackers of o to t. o is not changed.
func (t *Trackers) Merge(o *Trackers) {
	for k, otr := range o.keys {
		tr := t.keys[k]
		if tr == nil {
			tr = &tracker{dist: newDist()}
			t.keys[k] = tr
		}
		tr.invalid += otr.invalid
		tr.dist.merge(otr.dist)
	}
}

// Tracker is the distribution of one latency annotation.
type Tracker struct {
	// Annotation is the annotation's full name
	// (apiserver.latency.k8s.io/etcd).
	Annotation string `json:"annotation"`
	// Latency is the distribution of its values; P50 is the median.
	Latency Quantiles `json:"latency"`
	// Invalid is the number of values that were not Go durations.
	Invalid int64 `json:"invalid"`
}

// TrackersResult is what Trackers measured.
type TrackersResult struct {
	// Trackers are the annotations, by name.
	Trackers []Tracker `json:"trackers"`
}

// Result returns every annotation's distribution, sorted by name.
func (t *Trackers) Result() TrackersResult {
	res := TrackersResult{Trackers: make([]Tracker, 0, len(t.keys))}
	for k, tr := range t.keys {
		res.Trackers = append(res.Trackers, Tracker{Annotation: k, Latency: tr.dist.quantiles(), Invalid: tr.invalid})
	}
	slices.SortFunc(res.Trackers, func(a, b Tracker) int { return strings.Compare(a.Annotation, b.Annotation) })
	return res
}
