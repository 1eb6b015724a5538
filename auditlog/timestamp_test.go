package auditlog

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// wantMicroTime is what metav1.MicroTime's UnmarshalJSON gives for s.
func wantMicroTime(s string) (time.Time, error) {
	t, err := time.Parse(metav1.RFC3339Micro, s)
	if err != nil {
		return time.Time{}, err
	}
	return t.Local(), nil
}

// TestMinuteClock parses timestamps in turn with one clock, as a decoder
// does, and checks each against time.Parse: the same minute as the one
// before, the next minute, another day, leap days and seconds out of range,
// other forms (offsets, fewer digits) and garbage between them.
func TestMinuteClock(t *testing.T) {
	stamps := []string{
		"2022-02-07T22:15:16.123456Z",
		"2022-02-07T22:15:16.123457Z",
		"2022-02-07T22:15:59.999999Z",
		"2022-02-07T22:15:00.000000Z",
		"2022-02-07T22:15:60.000000Z", // out of range in the remembered minute
		"2022-02-07T22:15:1x.000000Z",
		"2022-02-07T22:15:10.00000xZ",
		"2022-02-07T22:15:10+000000Z",
		"2022-02-07T22:15:10.000000+",
		"2022-02-07T22:16:00.000001Z",
		"2022-02-07T22:15:30.500000Z", // back a minute
		"2022-02-07T22:15:30.5Z",
		"2022-02-07T22:15:30.500000+01:00",
		"2024-02-29T23:59:59.999999Z",
		"2024-02-29T23:59:58.000000Z",
		"2023-02-29T23:59:58.000000Z",
		"1969-12-31T23:59:59.999999Z",
		"1969-12-31T23:59:01.000001Z",
		"0001-01-01T00:00:00.000000Z",
		"0001-01-01T00:00:07.000000Z",
		"9999-12-31T23:59:59.999999Z",
		"",
		"2022-02-07T22:15:16.123456",
	}
	var c minuteClock
	for _, s := range stamps {
		want, wantErr := wantMicroTime(s)
		got, err := c.parse([]byte(s))
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%q: error %v, want %v", s, err, wantErr)
		}
		if got != want {
			t.Errorf("%q: %v (%#v), want %v (%#v)", s, got, got, want, want)
		}
	}
}

// FuzzMinuteClock parses two timestamps in turn with one clock and checks
// both against time.Parse.
func FuzzMinuteClock(f *testing.F) {
	f.Add("2022-02-07T22:15:16.123456Z", "2022-02-07T22:15:17.000001Z")
	f.Add("2022-02-07T22:15:16.123456Z", "2022-02-07T22:15:60.000001Z")
	f.Add("2024-02-29T23:59:59.999999Z", "2024-02-29T23:59:0-.999999Z")
	f.Fuzz(func(t *testing.T, a, b string) {
		var c minuteClock
		for _, s := range []string{a, b} {
			want, wantErr := wantMicroTime(s)
			got, err := c.parse([]byte(s))
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("%q: error %v, want %v", s, err, wantErr)
			}
			if got != want {
				t.Fatalf("%q: %v, want %v", s, got, want)
			}
		}
	})
}

// BenchmarkMicroTime parses the timestamps of a log's second: the long way
// and with a minuteClock.
func BenchmarkMicroTime(b *testing.B) {
	var stamps [][]byte
	for i := range 1000 {
		stamps = append(stamps, []byte(time.Date(2022, 2, 7, 22, 15, 16, i*997000, time.UTC).Format(metav1.RFC3339Micro)))
	}
	b.Run("parse", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := parseMicroTime(stamps[i%len(stamps)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("minute-clock", func(b *testing.B) {
		var c minuteClock
		for i := 0; b.Loop(); i++ {
			if _, err := c.parse(stamps[i%len(stamps)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
