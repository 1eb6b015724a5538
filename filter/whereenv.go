package filter

import (
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"
	"github.com/auditlens/auditlens/auditlog"
)

// whereVar is one variable of a --where expression: its CEL type and the
// event fields it reads.
type whereVar struct {
	name   string
	typ    *types.Type
	fields auditlog.Fields
}

// whereVars are the variables of a --where expression. The fields of the
// object-typed ones (user, responseStatus) are narrowed by selection in
// fieldsOf.
var whereVars = []whereVar{
	{"verb", types.StringType, auditlog.FieldVerb},
	{"stage", types.StringType, auditlog.FieldStage},
	{"level", types.StringType, auditlog.FieldLevel},
	{"auditID", types.StringType, auditlog.FieldAuditID},
	{"requestURI", types.StringType, auditlog.FieldRequestURI},
	{"userAgent", types.StringType, auditlog.FieldUserAgent},
	{"sourceIPs", listOfStrings, auditlog.FieldSourceIPs},
	{"annotations", mapOfStrings, auditlog.FieldAnnotations},
	{"user", userStruct.typ, auditlog.FieldUser | auditlog.FieldUserGroups | auditlog.FieldUserExtra},
	{"impersonatedUser", userStruct.typ, auditlog.FieldImpersonatedUser},
	{"objectRef", objectRefStruct.typ, auditlog.FieldObjectRef},
	{"responseStatus", responseStatusStruct.typ, auditlog.FieldResponseStatus},
	{"request", requestStruct.typ, auditlog.FieldRequestURI},
	{"latency", types.DurationType, auditlog.FieldRequestReceivedTimestamp | auditlog.FieldStageTimestamp},
	{"requestReceived", types.TimestampType, auditlog.FieldRequestReceivedTimestamp},
	{"stageTimestamp", types.TimestampType, auditlog.FieldStageTimestamp},
	{"server", types.StringType, 0},
	{"node", types.StringType, 0},
}

// whereCostLimit bounds the work of one evaluation of an expression that
// loops (all, exists, exists_one, map, filter), in CEL's cost units (about
// one per operation, one per ten bytes of a string scanned): an event on
// which it would go over the limit is not kept and is counted as a
// failure, so that no expression can hang a run, whatever the events.
// Ordinary expressions cost tens of units; 100,000 allows a loop over
// every annotation of the largest events; it is about 5 ms of work.
//
// An expression without a loop is evaluated without counting its cost,
// which would cost more than the evaluation itself (a tracker per call):
// without let-bindings or string-building functions (only CEL's standard
// library is declared), its work is bounded by its length times the size
// of the event.
const whereCostLimit = 100_000

// whereEnv is the CEL environment every --where expression is compiled in,
// built once.
var whereEnv = sync.OnceValues(func() (*cel.Env, error) {
	reg, err := types.NewRegistry()
	if err != nil {
		return nil, err
	}
	p := &whereTypes{Registry: reg}
	opts := []cel.EnvOption{
		cel.CustomTypeProvider(p),
		cel.CustomTypeAdapter(p),
		// Literal mistakes at compile time, with their place, rather than
		// as a failure on every event.
		cel.ASTValidators(cel.ValidateDurationLiterals(), cel.ValidateTimestampLiterals(),
			cel.ValidateRegexLiterals(), noEventStructs{}),
	}
	for _, v := range whereVars {
		opts = append(opts, cel.Variable(v.name, v.typ))
	}
	return cel.NewEnv(opts...)
})

// whereTypes is the environment's type provider and adapter: CEL's own
// registry plus the object types of the event (auditlens.User...).
type whereTypes struct{ *types.Registry }

func (p *whereTypes) structType(name string) *celStruct {
	for _, s := range celStructs {
		if s.name == name {
			return s
		}
	}
	return nil
}

// FindStructType implements types.Provider.
func (p *whereTypes) FindStructType(name string) (*types.Type, bool) {
	if s := p.structType(name); s != nil {
		return types.NewTypeTypeWithParam(s.typ), true
	}
	return p.Registry.FindStructType(name)
}

// FindStructFieldNames implements types.Provider.
func (p *whereTypes) FindStructFieldNames(name string) ([]string, bool) {
	if s := p.structType(name); s != nil {
		return s.names, true
	}
	return p.Registry.FindStructFieldNames(name)
}

// FindStructFieldType implements types.Provider.
func (p *whereTypes) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	if s := p.structType(name); s != nil {
		f, ok := s.fields[field]
		return f, ok
	}
	return p.Registry.FindStructFieldType(name, field)
}

// NewValue implements types.Provider: the event's types cannot be built
// in an expression.
func (p *whereTypes) NewValue(name string, fields map[string]ref.Val) ref.Val {
	if p.structType(name) != nil {
		return types.NewErr("%s values cannot be created", name)
	}
	return p.Registry.NewValue(name, fields)
}

// NativeToValue implements types.Adapter: the pointers the variables
// resolve to become objects when used whole.
func (p *whereTypes) NativeToValue(v any) ref.Val {
	if s, ok := structOf(v); ok {
		return object{s: s, p: v}
	}
	return p.Registry.NativeToValue(v)
}

// noEventStructs rejects an expression that creates a value of one of the
// event's types (auditlens.User{...}), which cannot be done.
type noEventStructs struct{}

// Name implements cel.ASTValidator.
func (noEventStructs) Name() string { return "auditlens.noEventStructs" }

// Validate implements cel.ASTValidator.
func (noEventStructs) Validate(_ *cel.Env, _ cel.ValidatorConfig, a *ast.AST, iss *cel.Issues) {
	ast.PostOrderVisit(a.Expr(), ast.NewExprVisitor(func(e ast.Expr) {
		if e.Kind() != ast.StructKind {
			return
		}
		for _, s := range celStructs {
			if name := e.AsStruct().TypeName(); name == s.name {
				iss.ReportErrorAtID(e.ID(), "%s values cannot be created", name)
			}
		}
	}))
}

// eventVars is an entry seen as the variables of an expression: a pointer
// conversion of *auditlog.Entry, so that evaluating allocates no
// activation.
type eventVars auditlog.Entry

var _ interpreter.Activation = (*eventVars)(nil)

// ResolveName implements interpreter.Activation. Object-typed variables
// resolve to pointers into the event (or to a zero value when the event
// lacks the part), whose fields the object types read.
func (a *eventVars) ResolveName(name string) (any, bool) {
	e := (*auditlog.Entry)(a)
	ev := e.Event
	switch name {
	case "verb":
		return types.String(ev.Verb), true
	case "stage":
		return types.String(ev.Stage), true
	case "level":
		return types.String(ev.Level), true
	case "auditID":
		return types.String(ev.AuditID), true
	case "requestURI":
		return types.String(ev.RequestURI), true
	case "userAgent":
		return types.String(ev.UserAgent), true
	case "sourceIPs":
		return strList(ev.SourceIPs), true
	case "annotations":
		return stringMap(ev.Annotations), true
	case "user":
		return &ev.User, true
	case "impersonatedUser":
		if ev.ImpersonatedUser == nil {
			return &zeroUser, true
		}
		return ev.ImpersonatedUser, true
	case "objectRef":
		if ev.ObjectRef == nil {
			return &zeroObjectRef, true
		}
		return ev.ObjectRef, true
	case "responseStatus":
		if ev.ResponseStatus == nil {
			return &zeroStatus, true
		}
		return ev.ResponseStatus, true
	case "request":
		return e.Request(), true
	case "latency":
		d, _ := e.Latency() // 0 when unknown (no stageTimestamp)
		return types.Duration{Duration: d}, true
	case "requestReceived":
		return types.Timestamp{Time: ev.RequestReceivedTimestamp.Time}, true
	case "stageTimestamp":
		return types.Timestamp{Time: ev.StageTimestamp.Time}, true
	case "server":
		if e.Source == nil {
			return types.String(""), true
		}
		return types.String(e.Source.Server), true
	case "node":
		return types.String(e.Node), true
	}
	return nil, false
}

// Parent implements interpreter.Activation.
func (a *eventVars) Parent() interpreter.Activation { return nil }
