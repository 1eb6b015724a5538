package aggregate

import (
	"fmt"
	"strings"
	"time"

	"github.com/auditlens/auditlens/auditlog"
)

// DefaultBucket is the width of a time bucket when none is given.
const DefaultBucket = time.Minute

// TimeKey returns the key of the time bucket of width w that holds an
// event's requestReceivedTimestamp, as the bucket's start in RFC 3339, UTC
// (2022-02-07T22:55:00Z, which sorts as text in time order). Buckets are
// aligned on multiples of w since the Unix epoch. Events with no
// requestReceivedTimestamp have no key. w must be positive.
func TimeKey(w time.Duration) Key {
	name := "time"
	if w != DefaultBucket {
		name = "time=" + w.String()
	}
	return NewKey(name, auditlog.FieldRequestReceivedTimestamp, func(dst []byte, e *auditlog.Entry) ([]byte, bool) {
		t := e.Event.RequestReceivedTimestamp.Time
		if t.IsZero() {
			return dst, false
		}
		return bucketStart(bucketIndex(t, w), w).AppendFormat(dst, time.RFC3339Nano), true
	})
}

// timeKeyByName parses what follows "time" in a key name: nothing, or
// "=DURATION".
func timeKeyByName(rest string) (Key, error) {
	if rest == "" {
		return TimeKey(DefaultBucket), nil
	}
	s, ok := strings.CutPrefix(rest, "=")
	if !ok {
		return Key{}, fmt.Errorf("aggregate: unknown key %q", "time"+rest)
	}
	w, err := time.ParseDuration(s)
	if err != nil {
		return Key{}, fmt.Errorf("aggregate: time bucket: %w", err)
	}
	if w <= 0 {
		return Key{}, fmt.Errorf("aggregate: time bucket %v is not positive", w)
	}
	return TimeKey(w), nil
}

// bucketIndex is the number of the bucket of width w that holds t: the
// floor of t's Unix nanoseconds over w.
func bucketIndex(t time.Time, w time.Duration) int64 {
	n := t.UnixNano()
	i := n / int64(w)
	if n%int64(w) < 0 {
		i--
	}
	return i
}

// bucketStart is the start of bucket i of width w, in UTC.
func bucketStart(i int64, w time.Duration) time.Time {
	return time.Unix(0, i*int64(w)).UTC()
}

// AlignWindow returns the window [from, to) as a histogram of buckets of
// width w sees it: a bucket is in the window when it starts in it, so the
// aligned window runs from the first bucket start at or after from to the
// first at or after to, both in UTC. It is empty (the two are equal) when
// no bucket starts in [from, to). w must be positive.
func AlignWindow(from, to time.Time, w time.Duration) (time.Time, time.Time) {
	return ceilBucket(from, w), ceilBucket(to, w)
}

// ceilBucket is the first bucket start at or after t.
func ceilBucket(t time.Time, w time.Duration) time.Time {
	i := bucketIndex(t, w)
	if s := bucketStart(i, w); !s.Before(t) {
		return s
	}
	return bucketStart(i+1, w)
}
