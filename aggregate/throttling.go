package aggregate

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// QueueWaitAnnotation is the annotation in which the API server logs how
// long API Priority and Fairness kept a request in a queue.
const QueueWaitAnnotation = LatencyAnnotationPrefix + "apf-queue-wait"

// Throttling answers "who is being throttled, and since when": it counts
// 429 (Too Many Requests) responses per user and per minute, and keeps the
// distribution of the APF queue wait (the apf-queue-wait annotation)
// overall and per user.
type Throttling struct {
	total     int64
	rejected  int64
	users     map[string]*throttledUser
	minutes   map[int64]int64
	queueWait *dist
}

type throttledUser struct {
	rejected  int64
	timeSpan  // of the rejected requests
	queueWait *dist
}

// NewThrottling returns an empty throttling count.
func NewThrottling() *Throttling {
	return &Throttling{users: make(map[string]*throttledUser), minutes: make(map[int64]int64), queueWait: newDist()}
}

// Fields is the set of event fields Throttling reads.
func (t *Throttling) Fields() auditlog.Fields {
	return auditlog.FieldUser | auditlog.FieldResponseCode | auditlog.FieldAnnotationsButAuthz |
		auditlog.FieldRequestReceivedTimestamp
}

func (t *Throttling) user(name string) *throttledUser {
	u := t.users[name]
	if u == nil {
		u = &throttledUser{queueWait: newDist()}
		t.users[strings.Clone(name)] = u
	}
	return u
}

// Add counts e if it was rejected with 429 or waited in an APF queue.
func (t *Throttling) Add(e *auditlog.Entry) {
	t.total++
	ev := e.Event
	if v, ok := ev.Annotations[QueueWaitAnnotation]; ok {
		if d, err := time.ParseDuration(v); err == nil {
			t.queueWait.add(d)
			t.user(ev.User.Username).queueWait.add(d)
		}
	}
	if statusCode(e) != 429 {
		return
	}
	t.rejected++
	u := t.user(ev.User.Username)
	u.rejected++
	if ts := ev.RequestReceivedTimestamp.Time; !ts.IsZero() {
		u.add(ts, ts)
		t.minutes[bucketIndex(ts, time.Minute)]++
	}
}

// Merge adds the counts of o to t. o is not changed.
func (t *Throttling) Merge(o *Throttling) {
	t.total += o.total
	t.rejected += o.rejected
	t.queueWait.merge(o.queueWait)
	for i, n := range o.minutes {
		t.minutes[i] += n
	}
	for name, ou := range o.users {
		u := t.user(name)
		u.rejected += ou.rejected
		if !ou.first.IsZero() {
			u.add(ou.first, ou.last)
		}
		u.queueWait.merge(ou.queueWait)
	}
}

// ThrottledUser is one user's 429 responses and queue waits.
type ThrottledUser struct {
	// User is user.username.
	User string `json:"user"`
	// Rejected is the number of 429 responses the user got.
	Rejected int64 `json:"rejected"`
	// First and Last are the times of the first and last of them, UTC (zero
	// when none had a time).
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// QueueWait is the distribution of the user's APF queue waits.
	QueueWait Quantiles `json:"queueWait"`
}

// MinuteCount is a count in one minute.
type MinuteCount struct {
	// Start is the start of the minute, UTC.
	Start time.Time `json:"start"`
	// Count is the count in it.
	Count int64 `json:"count"`
}

// ThrottlingResult is what Throttling counted.
type ThrottlingResult struct {
	// Total is the number of entries seen.
	Total int64 `json:"total"`
	// Rejected is the number of 429 responses.
	Rejected int64 `json:"rejected"`
	// Users are the users that got 429s or waited in a queue, by Rejected
	// (largest first), then the longest queue wait, then name.
	Users []ThrottledUser `json:"users"`
	// PerMinute counts the 429s per minute, in time order, minutes with
	// none left out.
	PerMinute []MinuteCount `json:"perMinute"`
	// QueueWait is the distribution of every APF queue wait.
	QueueWait Quantiles `json:"queueWait"`
}

// Result returns the n users with the most 429s (all when n <= 0), the
// 429s per minute and the queue-wait distribution.
func (t *Throttling) Result(n int) ThrottlingResult {
	res := ThrottlingResult{Total: t.total, Rejected: t.rejected, QueueWait: t.queueWait.quantiles()}
	for name, u := range t.users {
		res.Users = append(res.Users, ThrottledUser{User: name, Rejected: u.rejected,
			First: u.first.UTC(), Last: u.last.UTC(), QueueWait: u.queueWait.quantiles()})
	}
	slices.SortFunc(res.Users, func(a, b ThrottledUser) int {
		return cmp.Or(cmp.Compare(b.Rejected, a.Rejected), cmp.Compare(b.QueueWait.Max, a.QueueWait.Max),
			cmp.Compare(a.User, b.User))
	})
	if n > 0 && len(res.Users) > n {
		res.Users = res.Users[:n]
	}
	for i, c := range t.minutes {
		res.PerMinute = append(res.PerMinute, MinuteCount{Start: bucketStart(i, time.Minute), Count: c})
	}
	slices.SortFunc(res.PerMinute, func(a, b MinuteCount) int { return a.Start.Compare(b.Start) })
	return res
}
