package serve

import (
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
)

// metricFields are what the metrics read of each event.
const metricFields = auditlog.FieldVerb | auditlog.FieldRequestURI | auditlog.FieldObjectRef |
	auditlog.FieldResponseCode | auditlog.FieldAnnotationsButAuthz | auditlog.FieldStage

// Bounds of the metrics' label sets: values past them are counted as
// "other", so that what a client puts in a request cannot grow them.
const (
	maxGroups = 100
	maxCodes  = 60
	topK      = 10
	// topWindow is the window of the top users and resources.
	topWindow = "-5m"
)

// otherLabel is the label value of what is past a bound.
const otherLabel = "other"

// metrics are a server's Prometheus metrics, in a registry of its own.
type metrics struct {
	s        *Server
	registry *prometheus.Registry

	requests     *prometheus.CounterVec
	throttled    prometheus.Counter
	apfWait      prometheus.Counter
	events       prometheus.Counter
	batches      *prometheus.CounterVec
	dropped      *prometheus.CounterVec
	unreadable   *prometheus.CounterVec
	exportErrors prometheus.Counter
	follow       *prometheus.CounterVec

	mu            sync.Mutex
	groups, codes map[string]bool
	top           *prometheus.Desc
	queueBytes    *prometheus.Desc
	lag           *prometheus.Desc
	standing      *prometheus.Desc
}

func newMetrics(s *Server) *metrics {
	m := &metrics{s: s, registry: prometheus.NewRegistry(), groups: map[string]bool{}, codes: map[string]bool{}}
	f := func(c prometheus.Collector) { m.registry.MustRegister(c) }
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "auditlens_requests_total",
		Help: "Requests received (their ResponseComplete event), by verb, API group (core is \"\") and HTTP status code; groups and codes past the first 100 and 60 are \"other\"."},
		[]string{"verb", "group", "code"})
	m.throttled = prometheus.NewCounter(prometheus.CounterOpts{Name: "auditlens_throttled_requests_total", Help: "Requests answered 429 Too Many Requests."})
	m.apfWait = prometheus.NewCounter(prometheus.CounterOpts{Name: "auditlens_apf_queue_wait_seconds_total", Help: "Time requests waited in API Priority and Fairness queues (apiserver.latency.k8s.io/apf-queue-wait)."})
	m.events = prometheus.NewCounter(prometheus.CounterOpts{Name: "auditlens_events_total", Help: "Audit events decoded, every stage."})
	m.batches = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "auditlens_batches_total", Help: "Batches offered, by outcome: accepted, queue_full (answered 429), too_large (413)."}, []string{"outcome"})
	m.dropped = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "auditlens_dropped_events_total", Help: "Events decoded and not counted: too_old (before the retention window), no_time (no requestReceivedTimestamp)."}, []string{"reason"})
	m.unreadable = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "auditlens_unreadable_total", Help: "Lines and values that could not be read, by kind (the read report's)."}, []string{"kind"})
	m.exportErrors = prometheus.NewCounter(prometheus.CounterOpts{Name: "auditlens_export_commit_errors_total", Help: "Parquet commits that failed."})
	m.follow = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "auditlens_follow_problems_total", Help: "Problems of following log files, by kind: too_long, truncated, vanished, unreadable, damaged, partial, skipped."}, []string{"kind"})
	for _, c := range []prometheus.Collector{m.requests, m.throttled, m.apfWait, m.events, m.batches, m.dropped, m.unreadable, m.exportErrors, m.follow} {
		f(c)
	}
	m.top = prometheus.NewDesc("auditlens_top_requests", "Requests of the top "+strconv.Itoa(topK)+" users and resources in the last five minutes of events, by rank.", []string{"by", "key", "rank"}, nil)
	m.queueBytes = prometheus.NewDesc("auditlens_queue_bytes", "Bytes accepted and not yet counted.", nil, nil)
	m.lag = prometheus.NewDesc("auditlens_lag_seconds", "How long ago, by this machine's clock, the newest event received was received by the API server.", nil, nil)
	m.standing = prometheus.NewDesc("auditlens_standing_queries", "Queries counted a minute at a time.", nil, nil)
	f(m)
	return m
}

// Describe is the prometheus.Collector of the metrics computed when
// scraped.
func (m *metrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.top
	ch <- m.queueBytes
	ch <- m.lag
	ch <- m.standing
}

// Collect computes the metrics known when scraped: the queue, the lag,
// and the top users and resources of the last five minutes.
func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	s := m.s
	ch <- prometheus.MustNewConstMetric(m.queueBytes, prometheus.GaugeValue, float64(s.QueuedBytes()))
	if n := s.Newest(); !n.IsZero() {
		ch <- prometheus.MustNewConstMetric(m.lag, prometheus.GaugeValue, time.Since(n).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(m.standing, prometheus.GaugeValue, float64(len(s.plans.Load().list)))
	for _, by := range []string{"user", "resource"} {
		res, err := s.Answer(url.Values{"o": {"top=" + strconv.Itoa(topK)}, "by": {by}, "since": {topWindow}})
		if err != nil || res.Document == nil {
			continue
		}
		top, ok := res.Document.Part("top").(*aggregate.CountResult)
		if !ok {
			continue
		}
		for i, row := range top.Rows {
			ch <- prometheus.MustNewConstMetric(m.top, prometheus.GaugeValue, float64(row.Count), by, row.Key, strconv.Itoa(i+1))
		}
	}
}

// requestKey is the labels of a request, its code a number until the
// batch's counts are added.
type requestKey struct {
	verb, group string
	code        int32
}

// batchMetrics are one batch's counts, added to the metrics at its end.
type batchMetrics struct {
	requests  map[requestKey]float64
	throttled float64
	apfWait   time.Duration
}

func newBatchMetrics() *batchMetrics { return &batchMetrics{requests: map[requestKey]float64{}} }

// observe counts an event kept in its minute.
func (b *batchMetrics) observe(e *auditlog.Entry) {
	ev := e.Event
	if ev.Stage != "ResponseComplete" {
		return
	}
	code := int32(0)
	if ev.ResponseStatus != nil {
		code = ev.ResponseStatus.Code
	}
	group := ""
	if ev.ObjectRef != nil {
		group = ev.ObjectRef.APIGroup
	} else {
		group = e.Request().APIGroup
	}
	b.requests[requestKey{ev.Verb, group, code}]++
	if code == 429 {
		b.throttled++
	}
	if v, ok := ev.Annotations["apiserver.latency.k8s.io/apf-queue-wait"]; ok {
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			b.apfWait += d
		}
	}
}

// add adds a batch's counts and read report to the metrics.
func (m *metrics) add(b *batchMetrics, rep *auditlog.Report, tooOld, noTime int64) {
	m.events.Add(float64(rep.Events))
	m.throttled.Add(b.throttled)
	m.apfWait.Add(b.apfWait.Seconds())
	m.mu.Lock()
	for k, n := range b.requests {
		group := bounded(m.groups, k.group, maxGroups)
		code := bounded(m.codes, strconv.Itoa(int(k.code)), maxCodes)
		m.requests.WithLabelValues(k.verb, group, code).Add(n)
	}
	m.mu.Unlock()
	if tooOld > 0 {
		m.dropped.WithLabelValues("too_old").Add(float64(tooOld))
	}
	if noTime > 0 {
		m.dropped.WithLabelValues("no_time").Add(float64(noTime))
	}
	for _, p := range auditlog.Problems() {
		if n := rep.Problems[p].Count; n > 0 {
			m.unreadable.WithLabelValues(p.String()).Add(float64(n))
		}
	}
}

// bounded returns v when seen holds it or has room for it, else
// otherLabel.
func bounded(seen map[string]bool, v string, most int) string {
	if seen[v] {
		return v
	}
	if len(seen) >= most {
		return otherLabel
	}
	seen[v] = true
	return v
}
