package filter

import (
	"fmt"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"github.com/auditlens/auditlens/auditlog"
)

// Where returns a filter that keeps the events for which every expression
// is true (--where, repeatable). An expression is written in CEL, the
// Common Expression Language of Kubernetes' validation rules and admission
// policies, over the event as its JSON field names and a few derived
// values:
//
//	verb, stage, level, auditID, requestURI, userAgent   string
//	user, impersonatedUser        .username .uid string, .groups list(string), .extra map(string, list(string))
//	sourceIPs                     list(string)
//	objectRef                     .resource .namespace .name .uid .apiGroup .apiVersion .resourceVersion .subresource string
//	responseStatus                .code int, .status .reason .message string
//	annotations                   map(string, string)
//	latency                       duration: stageTimestamp - requestReceivedTimestamp (0 when either is missing)
//	requestReceived, stageTimestamp  timestamp
//	request                       the requestURI parsed as auditlog.ParseRequestURI does: .resource
//	                              .subresource .subresourcePath .namespace .name .group .version .path
//	                              string, .query map(string, string) (each query parameter's first
//	                              value, unescaped)
//	server, node                  string: the API server and node that logged the event
//
// A field the event lacks reads as its zero value: an event without
// objectRef has objectRef.name == "" and responseStatus.code == 0. So does
// a key the event's maps lack (annotations, user.extra, request.query); `KEY
// in MAP` tells whether it is there. CEL's standard functions and macros
// are available.
//
// Each expression is compiled once, here: a syntax or type mistake is a
// *FlagError naming --where, whose Err gives the line:column of each
// mistake. The filter reads only the event fields the expressions name
// (user.username reads less than user). It prints as --where='EXPR',
// quoted for a POSIX shell.
//
// An expression that fails on an event (a bad regular expression built
// from the event, an index out of range, a loop over more than CEL's cost
// limit of 100,000 units, about 5 ms of work) does not keep the event,
// and the failure is counted: see WhereFailures.
func Where(exprs ...string) (Filter, error) {
	env, err := whereEnv()
	if err != nil {
		return nil, err
	}
	fs := make([]Filter, 0, len(exprs))
	for _, expr := range exprs {
		f, err := compileWhere(env, expr)
		if err != nil {
			return nil, err
		}
		fs = append(fs, f)
	}
	return And(fs...), nil
}

func compileWhere(env *cel.Env, expr string) (*whereFilter, error) {
	bad := func(err error) error {
		return &FlagError{Flag: "where", Value: expr, Expected: "a CEL expression over the event, true for the events to keep", Err: err}
	}
	checked, iss := env.Compile(expr)
	if iss.Err() != nil {
		return nil, bad(compileErrorsOf(iss))
	}
	if t := checked.OutputType(); !t.IsExactType(types.BoolType) {
		return nil, bad(fmt.Errorf("1:1: the expression is of type %s, not bool", t))
	}
	opts := []cel.ProgramOption{cel.EvalOptions(cel.OptOptimize)}
	if loops(checked.NativeRep().Expr()) {
		opts = append(opts, cel.CostLimit(whereCostLimit))
	}
	prg, err := env.Program(checked, opts...)
	if err != nil {
		return nil, bad(fmt.Errorf("1:1: %w", err))
	}
	return &whereFilter{
		expr:   expr,
		prg:    prg,
		fields: fieldsOf(checked.NativeRep().Expr(), nil),
	}, nil
}

// compileErrorList is the error of a CEL expression that does not compile:
// each mistake as LINE:COLUMN: MESSAGE, the column counted in characters
// from 1.
type compileErrorList []string

func (l compileErrorList) Error() string { return strings.Join(l, "; ") }

func compileErrorsOf(iss *cel.Issues) error {
	var l compileErrorList
	for _, e := range iss.Errors() {
		l = append(l, fmt.Sprintf("%d:%d: %s", max(e.Location.Line(), 1), max(e.Location.Column()+1, 1), e.Message))
	}
	return l
}

// whereFilter is one compiled --where expression.
type whereFilter struct {
	expr     string
	prg      cel.Program
	fields   auditlog.Fields
	failures failureTally
}

func (f *whereFilter) Match(e *auditlog.Entry) bool {
	out, _, err := f.prg.Eval((*eventVars)(e))
	if err != nil {
		f.failures.add(e, err)
		return false
	}
	return out == types.True
}

func (f *whereFilter) Fields() auditlog.Fields { return f.fields }

func (f *whereFilter) String() string { return "--where=" + shellQuote(f.expr) }

// shellQuote quotes s for a POSIX shell: in single quotes when it holds
// none; in double quotes when it holds single quotes but nothing a shell
// expands in double quotes ($, `, \, ", and ! unless in !=, which
// interactive bash leaves alone); otherwise in single quotes, each single
// quote written as quote, backslash, quote, quote.
func shellQuote(s string) string {
	switch {
	case !strings.Contains(s, "'"):
		return "'" + s + "'"
	case !strings.ContainsAny(s, "$`\\\"") && !strings.Contains(strings.ReplaceAll(s, "!=", ""), "!"):
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
