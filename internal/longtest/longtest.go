// Package longtest says whether the tests are to run their long
// differential and fuzz-corpus runs in full: with AUDITLENS_LONG=1 in the
// environment, as a step of .ci/run sets it. Without it, those tests run a
// smaller sample of the same checks, so that `go test ./...` stays fast
// enough to run after every change; they never skip.
package longtest

import "os"

// Env is the environment variable that asks for the long runs.
const Env = "AUDITLENS_LONG"

// Enabled reports whether the long runs are asked for.
func Enabled() bool { return os.Getenv(Env) == "1" }

// Pick returns long when the long runs are asked for, short otherwise.
func Pick[T any](short, long T) T {
	if Enabled() {
		return long
	}
	return short
}
