package filter

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// BenchmarkWhere measures the two-clause question per event, as a
// --where expression and as the same question asked with flags (--user
// prefix and --http-status-code), on benchEntries with every third
// request refused with 403; and an expression with a loop. Compare the two in one run: go test -cpu 1
// -bench Where ./filter
func BenchmarkWhere(b *testing.B) {
	entries := benchEntries()
	for i, e := range entries {
		if i%3 == 0 {
			e.Event.ResponseStatus = &metav1.Status{Code: 403}
		}
		if i%5 == 0 {
			e.Event.User.Username = "alice"
		}
	}
	where, err := Where("user.username.startsWith('system:serviceaccount:') && responseStatus.code == 403")
	if err != nil {
		b.Fatal(err)
	}
	flags, err := Flags{Users: []string{"system:serviceaccount:*"}, HTTPStatusCodes: []string{"403"}}.Build()
	if err != nil {
		b.Fatal(err)
	}
	// A loop is evaluated under CEL's cost limit, with a cost tracker per
	// evaluation.
	loop, err := Where("user.groups.exists(g, g == 'system:authenticated') && responseStatus.code == 403")
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		f    Filter
	}{{"expr", where}, {"flags", flags}, {"loop", loop}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			kept := 0
			for i := 0; b.Loop(); i++ {
				if c.f.Match(entries[i%len(entries)]) {
					kept++
				}
			}
			if kept == 0 {
				b.Fatal("kept nothing")
			}
		})
	}
}
