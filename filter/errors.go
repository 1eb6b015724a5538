package filter

import "fmt"

// FlagError is a flag value that cannot be used.
type FlagError struct {
	// Flag is the flag's name without dashes, e.g. "http-status-code".
	Flag string
	// Value is the value as given.
	Value string
	// Expected says what a good value looks like.
	Expected string
	// Err is the underlying parse error, if any.
	Err error
}

// Error formats the error as: invalid --flag value "v": expected ... (cause).
func (e *FlagError) Error() string {
	s := fmt.Sprintf("invalid --%s value %q: expected %s", e.Flag, e.Value, e.Expected)
	if e.Err != nil {
		s += " (" + e.Err.Error() + ")"
	}
	return s
}

// Unwrap returns the underlying parse error.
func (e *FlagError) Unwrap() error { return e.Err }

// ConflictError is two flags whose values do not go together, each fine
// alone: --read-only with --write-only, an --until not after --since.
type ConflictError struct {
	// Flag and Other name the two flags, without dashes; Flag is the one
	// given last on a command line as the reference orders them.
	Flag, Other string
	// Reason is the whole message.
	Reason string
}

// Error returns the reason.
func (e *ConflictError) Error() string { return e.Reason }
