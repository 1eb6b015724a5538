package findings

import "time"

// Options holds every threshold of every detector. The zero value of a
// field means its default (DefaultOptions); a negative number turns a
// count threshold off (every key qualifies). Where a threshold is a rate
// "per hour", it is a count over the capture divided by the capture's
// length in hours (the span of requestReceivedTimestamp of the requests
// seen), counted as at least one hour, so that a short capture is judged
// by the same count as an hour-long one.
//
// The defaults are chosen so that the ordinary behaviour of Kubernetes
// components stays below them (informers, leader election, kubelets,
// client-side apply); each field says where its default comes from. None
// of them depends on the platform (OpenShift or not).
type Options struct {
	// Files are the -f values of the command that read the logs; the
	// drill-down commands repeat them. When empty, they say
	// -f PathsPlaceholder.
	Files []string
	// Rows is the most evidence rows a finding lists. Default 5.
	Rows int
	// MaxKeys bounds the distinct keys (users, objects, user and resource
	// pairs...) each table of each detector keeps, so that memory stays
	// bounded whatever the input. Requests whose key would be new once a
	// table is full are not counted by that table; Result.Dropped counts
	// them. Below the bound results are exact (but that the totals a
	// refused or conflicting share is of, a user's requests and a user's
	// writes of a resource, are kept by a 64-bit hash of their key, with a
	// seed drawn each run: two keys of one hash, about one chance in 10^11
	// a run at 20,000 keys, would share a total). Default 100,000. The
	// per-object table is bounded by ObjectRows instead.
	MaxKeys int
	// ObjectRows bounds the objects (a user, a verb, an object's path) the
	// table that hot-loop and write-churn read keeps: when that many are
	// kept, the half requested least is let go (Result.Dropped counts
	// their requests) and the busy ones stay, so a hot loop is found in
	// any input, and its count is exact unless its row says how many
	// requests may have gone uncounted. From then on, an object gets a row
	// only from its third request (its first two are let go, and counted
	// as uncounted at most), so that objects requested once or twice do
	// not come and go. Default 32,768 (a few MB per worker, and 1 MB for
	// the counters of the first requests once objects are let go).
	ObjectRows int

	// DeniedPerHour is the least number of refused requests (401, 403) per
	// hour of one user for a denied storm. Default 100: a client retrying
	// a refused call every 30 seconds; ordinary clients are refused a
	// handful of times at start-up, before their RBAC is in place.
	DeniedPerHour float64
	// DeniedShare is the least share of a user's requests that must be
	// refused. Default 0.2: a user refused one time in five is not probing
	// its permissions (kubectl auth can-i, discovery), it is failing.
	DeniedShare float64

	// HotLoopPerMinute is the number of requests for one object (verb and
	// path) by one user that a minute must exceed to count as hot.
	// Default 60, once a second: twice the rate of client-go leader
	// election (a GET and an UPDATE of its lease every RetryPeriod, 2 s by
	// default), ten times a kubelet's node status (every 10 s).
	HotLoopPerMinute int
	// HotLoopMinutes is the least number of hot minutes for a hot loop
	// (sustained, not a burst). Default 5.
	HotLoopMinutes int
	// RenewedResources are the resources clients write on a timer by
	// design, as GROUP/RESOURCE ("" group for the core group): hot-loop and
	// write-churn ignore them. Default coordination.k8s.io/leases (leader
	// election every 2 s per candidate, node leases every 10 s: several
	// replicas of one controller share a user name, so a lease sees a
	// multiple of 30 requests a minute from one user).
	RenewedResources []string

	// ShortWatchFraction: a watch is short when it ends before this
	// fraction of its timeoutSeconds. Default 0.5. client-go's reflector
	// asks for a timeout between 5 and 10 minutes (minWatchTimeout of 5
	// minutes times 1 to 2) and the server keeps the watch open that long.
	ShortWatchFraction float64
	// ShortWatchNoTimeout: a watch without timeoutSeconds is short when
	// it lasts less than this. Default 1 minute (the server's own timeout,
	// --min-request-timeout, is 30 minutes by default, 1 to 2 times).
	ShortWatchNoTimeout time.Duration
	// WatchChurnPerHour is the least number of short watches per hour by
	// one user on one resource. Default 30: an informer's watch ends every
	// 5 to 10 minutes, at most 12 an hour, and an API server restart ends
	// each watch once.
	WatchChurnPerHour float64
	// WatchChurnShare is the least share of that user's watches on that
	// resource that must be short. Default 0.5.
	WatchChurnShare float64

	// EtcdListsPerHour is the least number of LISTs served from etcd per
	// hour by one user on one resource and scope. Default 60, one a minute:
	// informers list from the watch cache (resourceVersion=0); a consistent
	// LIST reads every object of the resource from etcd.
	EtcdListsPerHour float64
	// RV0ListsPerHour is the least number per hour of LISTs with
	// resourceVersion=0 and a limit by one user on one resource and scope.
	// Default 12, one every 5 minutes: client-go's reflector makes one
	// such LIST when an informer starts and again only when its watch
	// cannot resume; the watch cache ignores the limit and returns the
	// whole collection every time.
	RV0ListsPerHour float64

	// WritesPerMinute is the number of server-side applies or updates of
	// one object by one user that a minute must exceed to count as churning.
	// Default 6, more than once every 10 seconds: controllers write an
	// object when it changes, not on a timer.
	WritesPerMinute int
	// WriteMinutes is the least number of churning minutes. Default 5.
	WriteMinutes int
	// ConflictsPerHour is the least number per hour of 409 Conflict
	// responses to one user on one verb and resource. Default 10, the
	// number of conflicts per user that openshift/origin's CI tolerates in
	// a run.
	ConflictsPerHour float64
	// ConflictShare is the least share of that user's requests of that
	// verb and resource answered 409. Default 0.1: optimistic concurrency
	// makes a busy controller's updates conflict a few times in a hundred;
	// one refused in ten rereads and rewrites more than it writes.
	ConflictShare float64
	// InvalidPerHour is the least number per hour of 422 Invalid
	// responses to one user on one resource. Default 10 (openshift/origin's
	// CI fails on any; a few come from humans' typing).
	InvalidPerHour float64

	// ServerErrorSeconds is the least number of distinct seconds with a 5xx
	// response for a server-error storm. Default 60: openshift/origin's CI
	// fails a run when kube-apiserver answered 5xx in more than 60 seconds
	// in total.
	ServerErrorSeconds int
	// ThrottledPerHour is the least number of 429 Too Many Requests
	// responses per hour for a throttling finding. Default 10: API Priority
	// and Fairness rejects requests only when a priority level's queues are
	// full.
	ThrottledPerHour float64

	// SlowPerHour is the least number per hour of slow requests whose time
	// went mostly to one layer (etcd, admission webhooks, serialization,
	// response writing, APF queueing). Default 20. The API server writes
	// the apiserver.latency.k8s.io annotations only for requests that took
	// more than 500 ms; long-running requests are never counted.
	SlowPerHour float64
	// SlowShare is the least share of all short-running requests that must
	// be slow in one layer. Default 0.005: a few large LISTs are slow in
	// every cluster.
	SlowShare float64
	// SlowLayerShare is the least share of a request's total latency a
	// layer must take for the request to count against it. Default 0.5.
	SlowLayerShare float64
	// SlowWebhookTime and SlowEtcdTime make a layer slow by absolute time,
	// whatever its share of all requests: a request that spends more than
	// SlowWebhookTime in admission webhooks (mutating and validating
	// together; default 1 s, a tenth of the default webhook timeout) or
	// more than SlowEtcdTime in etcd (default 500 ms, a hundred times a
	// healthy etcd read) counts against that layer, and the layer is a
	// finding when SlowPerHour such requests are, even if they are fewer
	// than SlowShare of all: 100 pod creations held 2.5 s each by a webhook
	// are 0.3% of a busy cluster's requests, and every pod creation is
	// slow.
	SlowWebhookTime time.Duration
	SlowEtcdTime    time.Duration

	// LateRequests is the least number of requests received from other
	// hosts after an API server started its graceful shutdown
	// (openshift.io/during-graceful, not loopback). Default 10, what
	// openshift/origin's CI tolerates.
	LateRequests int64

	// DeprecatedRequests is the least number of requests to deprecated
	// API versions (k8s.io/deprecated) for a finding. Default 1.
	DeprecatedRequests int64
	// SecurityRequests is the least number of requests for each security
	// finding (legacy and stale tokens, webhook certificates, exec by
	// humans, pod-security violations). Default 1.
	SecurityRequests int64
}

// PathsPlaceholder stands for the log files in drill-down commands when
// Options.Files is empty.
const PathsPlaceholder = "AUDIT_LOGS"

// DefaultOptions returns the default of every option.
func DefaultOptions() Options {
	return Options{
		Rows:                5,
		MaxKeys:             100_000,
		ObjectRows:          32_768,
		DeniedPerHour:       100,
		DeniedShare:         0.2,
		HotLoopPerMinute:    60,
		HotLoopMinutes:      5,
		RenewedResources:    []string{"coordination.k8s.io/leases"},
		ShortWatchFraction:  0.5,
		ShortWatchNoTimeout: time.Minute,
		WatchChurnPerHour:   30,
		WatchChurnShare:     0.5,
		EtcdListsPerHour:    60,
		RV0ListsPerHour:     12,
		WritesPerMinute:     6,
		WriteMinutes:        5,
		ConflictsPerHour:    10,
		ConflictShare:       0.1,
		InvalidPerHour:      10,
		ServerErrorSeconds:  60,
		ThrottledPerHour:    10,
		SlowPerHour:         20,
		SlowShare:           0.005,
		SlowLayerShare:      0.5,
		SlowWebhookTime:     time.Second,
		SlowEtcdTime:        500 * time.Millisecond,
		LateRequests:        10,
		DeprecatedRequests:  1,
		SecurityRequests:    1,
	}
}

// withDefaults fills the zero fields of o with their defaults.
func (o Options) withDefaults() Options {
	d := DefaultOptions()
	def := func(v *float64, dv float64) {
		if *v == 0 {
			*v = dv
		}
	}
	defInt := func(v *int, dv int) {
		if *v == 0 {
			*v = dv
		}
	}
	defInt64 := func(v *int64, dv int64) {
		if *v == 0 {
			*v = dv
		}
	}
	defInt(&o.Rows, d.Rows)
	defInt(&o.MaxKeys, d.MaxKeys)
	defInt(&o.ObjectRows, d.ObjectRows)
	def(&o.DeniedPerHour, d.DeniedPerHour)
	def(&o.DeniedShare, d.DeniedShare)
	defInt(&o.HotLoopPerMinute, d.HotLoopPerMinute)
	defInt(&o.HotLoopMinutes, d.HotLoopMinutes)
	if o.RenewedResources == nil {
		o.RenewedResources = d.RenewedResources
	}
	def(&o.ShortWatchFraction, d.ShortWatchFraction)
	if o.ShortWatchNoTimeout == 0 {
		o.ShortWatchNoTimeout = d.ShortWatchNoTimeout
	}
	def(&o.WatchChurnPerHour, d.WatchChurnPerHour)
	def(&o.WatchChurnShare, d.WatchChurnShare)
	def(&o.EtcdListsPerHour, d.EtcdListsPerHour)
	def(&o.RV0ListsPerHour, d.RV0ListsPerHour)
	defInt(&o.WritesPerMinute, d.WritesPerMinute)
	defInt(&o.WriteMinutes, d.WriteMinutes)
	def(&o.ConflictsPerHour, d.ConflictsPerHour)
	def(&o.ConflictShare, d.ConflictShare)
	def(&o.InvalidPerHour, d.InvalidPerHour)
	defInt(&o.ServerErrorSeconds, d.ServerErrorSeconds)
	def(&o.ThrottledPerHour, d.ThrottledPerHour)
	def(&o.SlowPerHour, d.SlowPerHour)
	def(&o.SlowShare, d.SlowShare)
	def(&o.SlowLayerShare, d.SlowLayerShare)
	if o.SlowWebhookTime == 0 {
		o.SlowWebhookTime = d.SlowWebhookTime
	}
	if o.SlowEtcdTime == 0 {
		o.SlowEtcdTime = d.SlowEtcdTime
	}
	defInt64(&o.LateRequests, d.LateRequests)
	defInt64(&o.DeprecatedRequests, d.DeprecatedRequests)
	defInt64(&o.SecurityRequests, d.SecurityRequests)
	if o.MaxKeys < 0 {
		o.MaxKeys = d.MaxKeys
	}
	if o.ObjectRows < 0 {
		o.ObjectRows = d.ObjectRows
	}
	if o.Rows < 0 {
		o.Rows = d.Rows
	}
	return o
}
