package query

import (
	"context"
	"strings"
	"testing"
)

// TestUnusedFlagsAreWarnings: --by, --sort, --window and --bucket given
// to a view that does not read them are warnings in the Result (the
// queries that were errors before: -o html --by, -o top --sort, -o top
// --window), one per flag, and the query runs.
func TestUnusedFlagsAreWarnings(t *testing.T) {
	for _, tc := range []struct {
		q    Query
		want []string
	}{
		{Query{Output: "html", By: "user"}, []string{"--by is ignored by -o html, whose tables have their own keys"}},
		{Query{Output: "top", By: "user", Sort: "p99"}, []string{"--sort is ignored by -o top"}},
		{Query{Output: "top", By: "user", Window: "+1m,+2m"}, []string{"--window is ignored by -o top"}},
		{Query{Output: "stats", By: "user", Bucket: "1h"}, []string{"--by is ignored by -o stats", "--bucket is ignored by -o stats"}},
		{Query{Output: "json", Sort: "max"}, []string{"--sort is ignored by -o json"}},
		{Query{Output: "latency", By: "user", Sort: "max"}, nil},
	} {
		q := tc.q
		q.Paths = []string{kubeAPIServer}
		q.Filters.Verbs = []string{"create"}
		res, err := q.Run(context.Background())
		if err != nil {
			t.Errorf("%s: %v", q.Output, err)
			continue
		}
		if len(res.Warnings) != len(tc.want) {
			t.Errorf("%s: warnings %q, want %d", q.Output, res.Warnings, len(tc.want))
			continue
		}
		for i, w := range tc.want {
			if !strings.HasPrefix(res.Warnings[i], "warning: "+w+"; it is read by -o ") {
				t.Errorf("%s: warning %q, want %q", q.Output, res.Warnings[i], w)
			}
		}
	}
}
