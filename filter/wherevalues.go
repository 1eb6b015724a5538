package filter

import (
	"fmt"
	"reflect"
	"slices"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"github.com/auditlens/auditlens/auditlog"
	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// The event's structured parts are CEL object types whose values are
// pointers into the event itself: selecting user.username reads
// e.Event.User.Username and builds nothing else. A part the event lacks (no
// objectRef, no impersonatedUser, no responseStatus) is a pointer to a
// shared zero value, so that its fields read as "" and 0.

// celStruct describes one of the object types: its CEL type and fields.
type celStruct struct {
	name   string
	typ    *types.Type
	fields map[string]*types.FieldType
	names  []string
}

// celField is one field of a celStruct: its CEL type and how to read it
// from a pointer of the Go type T.
type celField[T any] struct {
	name string
	typ  *types.Type
	get  func(*T) ref.Val
}

// newStruct builds the description of a CEL object type over *T. A field
// is set (for has()) when it is not its type's zero value.
func newStruct[T any](name string, fields ...celField[T]) *celStruct {
	s := &celStruct{
		name:   name,
		typ:    types.NewObjectType(name, traits.IndexerType, traits.FieldTesterType),
		fields: map[string]*types.FieldType{},
	}
	for _, f := range fields {
		get := f.get
		s.names = append(s.names, f.name)
		s.fields[f.name] = &types.FieldType{
			Type: f.typ,
			IsSet: func(target any) bool {
				p, ok := target.(*T)
				return ok && !isZero(get(p))
			},
			GetFrom: func(target any) (any, error) {
				p, ok := target.(*T)
				if !ok {
					return nil, fmt.Errorf("%s: cannot read a field of %T", name, target)
				}
				return get(p), nil
			},
		}
	}
	return s
}

// isZero reports whether v is its type's zero value.
func isZero(v ref.Val) bool {
	if z, ok := v.(traits.Zeroer); ok {
		return z.IsZeroValue()
	}
	if s, ok := v.(traits.Sizer); ok {
		return s.Size() == types.IntZero
	}
	return false
}

func str[S ~string](s S) ref.Val { return types.String(s) }

func strList(s []string) ref.Val { return types.NewStringList(types.DefaultTypeAdapter, s) }

var (
	listOfStrings        = types.NewListType(types.StringType)
	mapOfStrings         = types.NewMapType(types.StringType, types.StringType)
	mapOfListsOfStrings  = types.NewMapType(types.StringType, listOfStrings)
	zeroUser             authnv1.UserInfo
	zeroObjectRef        auditv1.ObjectReference
	zeroStatus           metav1.Status
	userStruct           = newStruct("auditlens.User", userFields...)
	objectRefStruct      = newStruct("auditlens.ObjectRef", objectRefFields...)
	responseStatusStruct = newStruct("auditlens.ResponseStatus", statusFields...)
	requestStruct        = newStruct("auditlens.Request", requestFields...)
	celStructs           = []*celStruct{userStruct, objectRefStruct, responseStatusStruct, requestStruct}
)

type (
	userField    = celField[authnv1.UserInfo]
	objectField  = celField[auditv1.ObjectReference]
	statusField  = celField[metav1.Status]
	requestField = celField[auditlog.Request]
)

var userFields = []userField{
	{"username", types.StringType, func(u *authnv1.UserInfo) ref.Val { return str(u.Username) }},
	{"uid", types.StringType, func(u *authnv1.UserInfo) ref.Val { return str(u.UID) }},
	{"groups", listOfStrings, func(u *authnv1.UserInfo) ref.Val { return strList(u.Groups) }},
	{"extra", mapOfListsOfStrings, func(u *authnv1.UserInfo) ref.Val { return extraMap(u.Extra) }},
}

var objectRefFields = []objectField{
	{"resource", types.StringType, func(o *auditv1.ObjectReference) ref.Val { return str(o.Resource) }},
	{"namespace", types.StringType, func(o *auditv1.ObjectReference) ref.Val { return str(o.Namespace) }},
	{"name", types.StringType, func(o *auditv1.ObjectReference) ref.Val { return str(o.Name) }},
	{"uid", types.StringType, func(o *auditv1.ObjectReference) ref.Val { return str(o.UID) }},
	{"apiGroup", types.StringType, func(o *auditv1.ObjectReference) ref.Val { return str(o.APIGroup) }},
	{"apiVersion", types.StringType, func(o *auditv1.ObjectReference) ref.Val { return str(o.APIVersion) }},
	{"resourceVersion", types.StringType, func(o *auditv1.ObjectReference) ref.Val { return str(o.ResourceVersion) }},
	{"subresource", types.StringType, func(o *auditv1.ObjectReference) ref.Val { return str(o.Subresource) }},
}

var statusFields = []statusField{
	{"code", types.IntType, func(s *metav1.Status) ref.Val { return statusCode(s.Code) }},
	{"status", types.StringType, func(s *metav1.Status) ref.Val { return str(s.Status) }},
	{"reason", types.StringType, func(s *metav1.Status) ref.Val { return str(s.Reason) }},
	{"message", types.StringType, func(s *metav1.Status) ref.Val { return str(s.Message) }},
}

var requestFields = []requestField{
	{"path", types.StringType, func(r *auditlog.Request) ref.Val { return str(r.Path) }},
	{"group", types.StringType, func(r *auditlog.Request) ref.Val { return str(r.APIGroup) }},
	{"version", types.StringType, func(r *auditlog.Request) ref.Val { return str(r.APIVersion) }},
	{"resource", types.StringType, func(r *auditlog.Request) ref.Val { return str(r.Resource) }},
	{"namespace", types.StringType, func(r *auditlog.Request) ref.Val { return str(r.Namespace) }},
	{"name", types.StringType, func(r *auditlog.Request) ref.Val { return str(r.Name) }},
	{"subresource", types.StringType, func(r *auditlog.Request) ref.Val { return str(r.Subresource) }},
	{"subresourcePath", types.StringType, func(r *auditlog.Request) ref.Val { return str(r.SubresourcePath) }},
	{"query", mapOfStrings, func(r *auditlog.Request) ref.Val { return queryMap{r} }},
}

// statusCodes are the CEL values of the HTTP status codes, made once: an
// int in an interface is allocated, and the code is read on every event.
var statusCodes = func() (v [600]ref.Val) {
	for i := range v {
		v[i] = types.Int(i)
	}
	return v
}()

func statusCode(c int32) ref.Val {
	if c >= 0 && int(c) < len(statusCodes) {
		return statusCodes[c]
	}
	return types.Int(c)
}

// object is a whole value of one of the object types, for the rare
// expression that uses one as a value (user == impersonatedUser) rather
// than selecting a field of it.
type object struct {
	s *celStruct
	p any // *authnv1.UserInfo, *auditv1.ObjectReference...
}

// structOf returns the object type of a pointer a variable resolves to.
func structOf(p any) (*celStruct, bool) {
	switch p.(type) {
	case *authnv1.UserInfo:
		return userStruct, true
	case *auditv1.ObjectReference:
		return objectRefStruct, true
	case *metav1.Status:
		return responseStatusStruct, true
	case *auditlog.Request:
		return requestStruct, true
	}
	return nil, false
}

func (o object) field(name string) (ref.Val, bool) {
	f, ok := o.s.fields[name]
	if !ok {
		return nil, false
	}
	v, err := f.GetFrom(o.p)
	if err != nil {
		return types.WrapErr(err), true
	}
	return v.(ref.Val), true
}

func (o object) ConvertToNative(t reflect.Type) (any, error) {
	if reflect.TypeOf(o.p).AssignableTo(t) {
		return o.p, nil
	}
	return nil, fmt.Errorf("type conversion error from %s to %v", o.s.name, t)
}

func (o object) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case o.s.typ:
		return o
	case types.TypeType:
		return o.s.typ
	}
	return types.NewErr("type conversion error from %s to %s", o.s.name, t.TypeName())
}

// Equal compares two objects of the same type field by field.
func (o object) Equal(other ref.Val) ref.Val {
	p, ok := other.(object)
	if !ok || p.s != o.s {
		return types.False
	}
	for _, name := range o.s.names {
		a, _ := o.field(name)
		b, _ := p.field(name)
		if a.Equal(b) != types.True {
			return types.False
		}
	}
	return types.True
}

func (o object) Type() ref.Type { return o.s.typ }

func (o object) Value() any { return o.p }

// Get returns a field by name, for dynamic access (dyn(user).username).
func (o object) Get(index ref.Val) ref.Val {
	name, ok := index.(types.String)
	if !ok {
		return types.ValOrErr(index, "no such overload")
	}
	v, ok := o.field(string(name))
	if !ok {
		return types.NewErr("no such field: %s", name)
	}
	return v
}

// IsSet reports whether a field is set: not its zero value.
func (o object) IsSet(field ref.Val) ref.Val {
	v := o.Get(field)
	if types.IsError(v) {
		return v
	}
	return types.Bool(!isZero(v))
}

// The maps of the event (annotations, user.extra, request.query) differ
// from CEL's own in one way: a key they lack reads as the zero value of
// their values ("" or []), as an absent field does, rather than failing
// with "no such key". `KEY in MAP` and has(MAP.KEY) still tell whether the
// key is there. They are not traits.Mapper (whose Find decides has() as
// well as indexing), only indexers, containers, sizers and iterables.

// stringMap is annotations: a map(string, string) over the event's map.
type stringMap map[string]string

func (m stringMap) celMap() ref.Val {
	return types.NewStringStringMap(types.DefaultTypeAdapter, m)
}

func (m stringMap) ConvertToNative(t reflect.Type) (any, error) {
	return m.celMap().ConvertToNative(t)
}

func (m stringMap) ConvertToType(t ref.Type) ref.Val { return convertMap(m, t) }

func (m stringMap) Equal(other ref.Val) ref.Val {
	if o, ok := other.(stringMap); ok {
		return types.Bool(len(m) == len(o) && mapsEqual(m, o))
	}
	return m.celMap().Equal(other)
}

func (m stringMap) Type() ref.Type { return mapOfStrings }

func (m stringMap) Value() any { return map[string]string(m) }

func (m stringMap) Get(key ref.Val) ref.Val {
	k, ok := key.(types.String)
	if !ok {
		return types.ValOrErr(key, "no such overload")
	}
	return types.String(m[string(k)])
}

func (m stringMap) Contains(key ref.Val) ref.Val {
	k, ok := key.(types.String)
	if !ok {
		return types.False
	}
	_, found := m[string(k)]
	return types.Bool(found)
}

func (m stringMap) IsSet(key ref.Val) ref.Val { return m.Contains(key) }

func (m stringMap) Size() ref.Val { return types.Int(len(m)) }

func (m stringMap) IsZeroValue() bool { return len(m) == 0 }

func (m stringMap) Iterator() traits.Iterator {
	return m.celMap().(traits.Iterable).Iterator()
}

func mapsEqual(a, b map[string]string) bool {
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// extraMap is user.extra: a map(string, list(string)).
type extraMap map[string]authnv1.ExtraValue

func (m extraMap) celMap() ref.Val {
	return types.NewDynamicMap(types.DefaultTypeAdapter, m.native())
}

// native is the map with plain []string values, which CEL's adapter knows.
func (m extraMap) native() map[string][]string {
	n := make(map[string][]string, len(m))
	for k, v := range m {
		n[k] = v
	}
	return n
}

func (m extraMap) ConvertToNative(t reflect.Type) (any, error) {
	return m.celMap().ConvertToNative(t)
}

func (m extraMap) ConvertToType(t ref.Type) ref.Val { return convertMap(m, t) }

func (m extraMap) Equal(other ref.Val) ref.Val {
	if o, ok := other.(extraMap); ok {
		if len(m) != len(o) {
			return types.False
		}
		for k, v := range m {
			if w, ok := o[k]; !ok || !slices.Equal(v, w) {
				return types.False
			}
		}
		return types.True
	}
	return m.celMap().Equal(other)
}

func (m extraMap) Type() ref.Type { return mapOfListsOfStrings }

func (m extraMap) Value() any { return map[string]authnv1.ExtraValue(m) }

func (m extraMap) Get(key ref.Val) ref.Val {
	k, ok := key.(types.String)
	if !ok {
		return types.ValOrErr(key, "no such overload")
	}
	return strList(m[string(k)])
}

func (m extraMap) Contains(key ref.Val) ref.Val {
	k, ok := key.(types.String)
	if !ok {
		return types.False
	}
	_, found := m[string(k)]
	return types.Bool(found)
}

func (m extraMap) IsSet(key ref.Val) ref.Val { return m.Contains(key) }

func (m extraMap) Size() ref.Val { return types.Int(len(m)) }

func (m extraMap) IsZeroValue() bool { return len(m) == 0 }

func (m extraMap) Iterator() traits.Iterator {
	return m.celMap().(traits.Iterable).Iterator()
}

// queryMap is request.query: the query parameters of the requestURI, each
// with its first value, unescaped, read on demand with
// auditlog.Request.QueryValue (the map is never built unless it is
// iterated, compared or converted).
type queryMap struct{ r *auditlog.Request }

// parsed returns every parameter of the query with its first value.
func (q queryMap) parsed() map[string]string {
	m := map[string]string{}
	for _, k := range q.keys() {
		m[k], _ = q.r.QueryValue(k)
	}
	return m
}

// keys returns the distinct parameter names of the query, unescaped, in
// order of first appearance.
func (q queryMap) keys() []string {
	var keys []string
	for k := range q.r.QueryParams() {
		k = auditlog.QueryUnescape(k) // as QueryValue reads it
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

func (q queryMap) celMap() ref.Val {
	return types.NewStringStringMap(types.DefaultTypeAdapter, q.parsed())
}

func (q queryMap) ConvertToNative(t reflect.Type) (any, error) {
	return q.celMap().ConvertToNative(t)
}

func (q queryMap) ConvertToType(t ref.Type) ref.Val { return convertMap(q, t) }

func (q queryMap) Equal(other ref.Val) ref.Val {
	if o, ok := other.(queryMap); ok {
		return stringMap(q.parsed()).Equal(stringMap(o.parsed()))
	}
	return q.celMap().Equal(other)
}

func (q queryMap) Type() ref.Type { return mapOfStrings }

func (q queryMap) Value() any { return q.parsed() }

func (q queryMap) Get(key ref.Val) ref.Val {
	k, ok := key.(types.String)
	if !ok {
		return types.ValOrErr(key, "no such overload")
	}
	v, _ := q.r.QueryValue(string(k))
	return types.String(v)
}

func (q queryMap) Contains(key ref.Val) ref.Val {
	k, ok := key.(types.String)
	if !ok {
		return types.False
	}
	_, found := q.r.QueryValue(string(k))
	return types.Bool(found)
}

func (q queryMap) IsSet(key ref.Val) ref.Val { return q.Contains(key) }

func (q queryMap) Size() ref.Val { return types.Int(len(q.keys())) }

func (q queryMap) IsZeroValue() bool { return q.r.RawQuery == "" }

func (q queryMap) Iterator() traits.Iterator {
	return types.NewStringList(types.DefaultTypeAdapter, q.keys()).(traits.Iterable).Iterator()
}

// convertMap converts one of the event's maps to a CEL type: itself for
// its own map type, and its type for type().
func convertMap(m ref.Val, t ref.Type) ref.Val {
	switch t.TypeName() {
	case types.MapType.TypeName():
		return m
	case types.TypeType.TypeName():
		return m.Type().(ref.Val)
	}
	return types.NewErr("type conversion error from map to %s", t.TypeName())
}
