package auditlog

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// parseMicroTime parses a timestamp as metav1.MicroTime does: with
// time.Parse(metav1.RFC3339Micro, s), then in the local time zone. The
// common form, 2022-02-07T22:15:16.123456Z, takes a fast path that gives the
// same result.
func parseMicroTime(b []byte) (time.Time, error) {
	if len(b) == len("2006-01-02T15:04:05.000000Z") && b[26] == 'Z' {
		if t, ok := fastTime(b[:26], 6); ok {
			return t.Local(), nil
		}
	}
	t, err := time.Parse(metav1.RFC3339Micro, string(b))
	if err != nil {
		return time.Time{}, err
	}
	return t.Local(), nil
}

// minuteClock parses timestamps as parseMicroTime does, remembering the
// minute of the last one it parsed the long way: the events of a log come
// in time order, so most timestamps share their minute with the one before
// and need only their seconds and fraction read. Each decoder has its own.
type minuteClock struct {
	minute [len("2006-01-02T15:04")]byte
	start  int64 // the minute's start, Unix seconds
	known  bool
}

// parse returns parseMicroTime(b).
func (c *minuteClock) parse(b []byte) (time.Time, error) {
	if c.known && len(b) == len("2006-01-02T15:04:05.000000Z") && b[26] == 'Z' && b[16] == ':' && b[19] == '.' &&
		string(b[:len(c.minute)]) == string(c.minute[:]) {
		sec, ok1 := digits(b[17:19])
		micro, ok2 := digits(b[20:26])
		if ok1 && ok2 && sec <= 59 {
			return time.Unix(c.start+int64(sec), int64(micro)*1000), nil
		}
	}
	t, err := parseMicroTime(b)
	if err == nil && len(b) == len("2006-01-02T15:04:05.000000Z") && b[26] == 'Z' {
		copy(c.minute[:], b)
		c.start, c.known = t.Unix()-int64(t.UTC().Second()), true
	}
	return t, err
}

// parseLegacyTime parses a v1beta1 timestamp (a metav1.Time: RFC3339,
// second precision) as metav1.Time's UnmarshalJSON does.
func parseLegacyTime(b []byte) (time.Time, error) {
	if len(b) == len("2006-01-02T15:04:05Z") && b[19] == 'Z' {
		if t, ok := fastTime(b[:19], 0); ok {
			return t.Local(), nil
		}
	}
	t, err := time.Parse(time.RFC3339, string(b))
	if err != nil {
		return time.Time{}, err
	}
	return t.Local(), nil
}

// fastTime parses YYYY-MM-DDTHH:MM:SS followed by '.' and exactly frac
// digits (no fraction when frac is 0), in UTC. It reports false for
// anything else, including values time.Parse would reject as out of range.
func fastTime(b []byte, frac int) (time.Time, bool) {
	if len(b) != 19+boolInt(frac > 0)+frac ||
		b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	hour, ok4 := digits(b[11:13])
	minute, ok5 := digits(b[14:16])
	sec, ok6 := digits(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, false
	}
	nsec := 0
	if frac > 0 {
		if b[19] != '.' {
			return time.Time{}, false
		}
		n, ok := digits(b[20:])
		if !ok {
			return time.Time{}, false
		}
		nsec = n
		for i := frac; i < 9; i++ {
			nsec *= 10
		}
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// digits parses a run of ASCII digits.
func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
