package query

import (
	"io"
	"net/url"
	"slices"

	"github.com/spf13/pflag"
)

// ParseValues returns the query that the parameters v ask for, read with
// the command's own flags (InputFlags and ViewFlags) from New's defaults:
// by=user&o=top&since=-5m is kubectl-audit --by=user -o top --since=-5m.
// A parameter is a flag's name or its one-letter shorthand (o, n, s), given
// once a value (verb=get&verb=list, or verb=get,list as on the command
// line); a flag that takes no value is given as name, name=true or
// name=false. A parameter that is no flag, or one of the flags refused (a
// server refuses filename: it reads what it receives), is an *Error, as a
// bad value is.
func ParseValues(v url.Values, refused ...string) (Query, error) {
	q := New()
	fs := pflag.NewFlagSet("query", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	q.InputFlags(fs)
	q.ViewFlags(fs)
	var args []string
	for _, key := range slices.Sorted(func(yield func(string) bool) {
		for k := range v {
			if !yield(k) {
				return
			}
		}
	}) {
		fl := fs.Lookup(key)
		if fl == nil && len(key) == 1 {
			fl = fs.ShorthandLookup(key)
		}
		if fl == nil {
			return q, errorf(key, "unknown parameter %q: expected a flag of the command, such as by, o, since, user or verb", key)
		}
		if slices.Contains(refused, fl.Name) {
			return q, errorf(fl.Name, "parameter %q is not taken here", key)
		}
		for _, val := range v[key] {
			if val == "" && fl.NoOptDefVal != "" {
				val = fl.NoOptDefVal
			}
			args = append(args, "--"+fl.Name+"="+val)
		}
	}
	if err := fs.Parse(args); err != nil {
		return q, errorf("", "%v", err)
	}
	return q, nil
}
