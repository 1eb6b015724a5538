package filter

import (
	"slices"

	"cel.dev/cel-go/common/ast"
	"github.com/auditlens/auditlens/auditlog"
)

// selectedFields are the fields read by selecting one field of an
// object-typed variable, where that is less than the whole variable.
var selectedFields = map[[2]string]auditlog.Fields{
	{"user", "username"}:       auditlog.FieldUser,
	{"user", "uid"}:            auditlog.FieldUser,
	{"user", "groups"}:         auditlog.FieldUserGroups,
	{"user", "extra"}:          auditlog.FieldUserExtra,
	{"responseStatus", "code"}: auditlog.FieldResponseCode,
}

// fieldsOf returns the event fields an expression reads: the fields of
// every variable it names, narrowed to the selected field where a
// selection needs less than the whole variable (user.username,
// responseStatus.code). Names bound by a comprehension (the x of
// sourceIPs.exists(x, ...)) are not variables of the event.
func fieldsOf(e ast.Expr, bound []string) auditlog.Fields {
	var fs auditlog.Fields
	switch e.Kind() {
	case ast.IdentKind:
		return identFields(e.AsIdent(), bound)
	case ast.SelectKind:
		sel := e.AsSelect()
		op := sel.Operand()
		if op.Kind() == ast.IdentKind && !slices.Contains(bound, op.AsIdent()) {
			if f, ok := selectedFields[[2]string{op.AsIdent(), sel.FieldName()}]; ok {
				return f
			}
		}
		return fieldsOf(op, bound)
	case ast.CallKind:
		call := e.AsCall()
		if call.IsMemberFunction() {
			fs |= fieldsOf(call.Target(), bound)
		}
		for _, a := range call.Args() {
			fs |= fieldsOf(a, bound)
		}
	case ast.ListKind:
		for _, el := range e.AsList().Elements() {
			fs |= fieldsOf(el, bound)
		}
	case ast.MapKind:
		for _, en := range e.AsMap().Entries() {
			me := en.AsMapEntry()
			fs |= fieldsOf(me.Key(), bound) | fieldsOf(me.Value(), bound)
		}
	case ast.StructKind:
		for _, f := range e.AsStruct().Fields() {
			fs |= fieldsOf(f.AsStructField().Value(), bound)
		}
	case ast.ComprehensionKind:
		c := e.AsComprehension()
		fs |= fieldsOf(c.IterRange(), bound) | fieldsOf(c.AccuInit(), bound)
		inner := append(slices.Clip(bound), c.IterVar(), c.AccuVar())
		if c.HasIterVar2() {
			inner = append(inner, c.IterVar2())
		}
		fs |= fieldsOf(c.LoopCondition(), inner) | fieldsOf(c.LoopStep(), inner) | fieldsOf(c.Result(), inner)
	}
	return fs
}

// identFields returns the fields of the variable name, all of it.
func identFields(name string, bound []string) auditlog.Fields {
	if slices.Contains(bound, name) {
		return 0
	}
	for _, v := range whereVars {
		if v.name == name {
			return v.fields
		}
	}
	return 0
}

// loops reports whether an expression holds a comprehension: a macro that
// loops over a list or map (all, exists, exists_one, map, filter).
func loops(e ast.Expr) bool {
	found := false
	ast.PostOrderVisit(e, ast.NewExprVisitor(func(e ast.Expr) {
		found = found || e.Kind() == ast.ComprehensionKind
	}))
	return found
}
