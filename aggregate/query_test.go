package aggregate

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestAppendNormalQuery(t *testing.T) {
	tests := []struct{ q, want string }{
		{"", ""},
		{"limit=500", "limit=500"},
		{"timeout=30s&limit=500", "limit=500"},
		{"timeoutSeconds=5&resourceVersion=9&continue=abc&timeout=1s", ""},
		{"watch=true&allowWatchBookmarks=true&resourceVersion=123", "allowWatchBookmarks=true&watch=true"},
		{"b=2&a=1", "a=1&b=2"},
		{"a=1&&b=2&", "a=1&b=2"},
		{"fieldManager=kubectl&dryRun=All", "dryRun=All&fieldManager=kubectl"},
		{"labelSelector=app%3Dweb&limit=1", "labelSelector=app%3Dweb&limit=1"},
		{"timeoutx=1", "timeoutx=1"},
	}
	for _, tt := range tests {
		got, _ := appendNormalQuery(nil, tt.q, nil)
		if string(got) != tt.want {
			t.Errorf("appendNormalQuery(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

func FuzzNormalQuery(f *testing.F) {
	f.Add("timeout=30s&limit=500&watch=1")
	f.Add("b=2&a=1&a=0")
	f.Add("&&=&")
	f.Fuzz(func(t *testing.T, q string) {
		got, _ := appendNormalQuery(nil, q, nil)
		// The model: the query's non-empty parameters as written, but the
		// ignored ones, sorted.
		var model []string
		for p := range strings.SplitSeq(q, "&") {
			name, _, _ := strings.Cut(p, "=")
			if p != "" && !slices.Contains(ignoredParams[:], name) {
				model = append(model, p)
			}
		}
		slices.Sort(model)
		if want := strings.Join(model, "&"); string(got) != want {
			t.Fatalf("%q gives %q, want %q", q, got, want)
		}
		parts := strings.Split(q, "&")
		rand.New(rand.NewPCG(uint64(len(q)), 0)).Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		again, _ := appendNormalQuery(nil, strings.Join(parts, "&"), nil)
		if string(got) != string(again) {
			t.Fatalf("order matters: %q gives %q, %q gives %q", q, got, strings.Join(parts, "&"), again)
		}
		twice, _ := appendNormalQuery(nil, string(got), nil)
		if string(twice) != string(got) {
			t.Fatalf("not idempotent: %q -> %q -> %q", q, got, twice)
		}
		for p := range strings.SplitSeq(string(got), "&") {
			name, _, _ := strings.Cut(p, "=")
			for _, ig := range ignoredParams {
				if name == ig {
					t.Fatalf("%q keeps ignored parameter %q", got, ig)
				}
			}
		}
	})
}
