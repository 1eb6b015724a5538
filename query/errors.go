package query

import (
	"errors"
	"fmt"

	"github.com/auditlens/auditlens/filter"
)

// Error is a query that cannot run as given: a bad value of one of its
// fields, or fields that do not go together. Run returns it before reading
// any input; a command prints it and exits with status 2.
type Error struct {
	// Flag is the command-line flag of the field at fault, without dashes
	// ("output", "by", "window", "verb"...).
	Flag string
	msg  string
	err  error
}

// Error is the message: one sentence about the flag and what it takes.
func (e *Error) Error() string { return e.msg }

// Unwrap returns the underlying error, such as a *filter.FlagError.
func (e *Error) Unwrap() error { return e.err }

// errorf returns an *Error about flag.
func errorf(flag, format string, args ...any) *Error {
	return &Error{Flag: flag, msg: fmt.Sprintf(format, args...)}
}

// filterError turns an error of the filter flags into an *Error naming the
// flag at fault.
func filterError(err error) *Error {
	e := &Error{msg: err.Error(), err: err}
	var fe *filter.FlagError
	var ce *filter.ConflictError
	switch {
	case errors.As(err, &fe):
		e.Flag = fe.Flag
	case errors.As(err, &ce):
		e.Flag = ce.Flag
	}
	return e
}
