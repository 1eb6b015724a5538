package auditlog

import (
	"bytes"
	"encoding/binary"
	"time"
	"unicode/utf8"

	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// decoder decodes audit events from JSON without reflection. For every
// input that encoding/json accepts, Decode gives the same Event as
// json.Unmarshal (restricted to the decoder's fields): keys match
// case-insensitively, later duplicates win and merge as encoding/json merges
// them, invalid UTF-8 becomes U+FFFD, null leaves a value alone or clears a
// pointer, slice or map. requestObject and responseObject stay raw bytes in
// runtime.Unknown.Raw, never parsed.
//
// Where encoding/json reports an error, Decode reports one too (it stops at
// the first, where encoding/json goes on and fills what it can).
//
// A decoder is not safe for concurrent use; give each goroutine its own.
type decoder struct {
	fields Fields
	s      scanner

	// Top-level members that are not Event fields but matter to a reader:
	// an EventList's items and v1beta1's timestamp.
	items     []byte
	timestamp []byte

	spare spares
	clock minuteClock
	later laterMembers
	// order is the order of the members of the structs decoded (members).
	order struct {
		event     [len(eventMembers) + 1]int8
		user      [len(userMembers) + 1]int8
		objectRef [len(objectRefMembers) + 1]int8
		status    [len(statusMembers) + 1]int8
	}

	// repair says a value that does not fit its field is skipped, leaving
	// the field alone, rather than failing the decode; fixed is the first
	// such value's error of the last decode.
	repair bool
	fixed  error
}

// newDecoder returns a decoder that fills the given fields of an Event and
// skips the others (0 means FieldsAll).
func newDecoder(fields Fields) *decoder {
	if fields == 0 {
		fields = FieldsAll
	}
	return &decoder{fields: fields}
}

// Fields returns the set of fields the decoder fills.
func (d *decoder) Fields() Fields { return d.fields }

// Decode decodes the JSON text data into ev, as json.Unmarshal(data, ev)
// would for the decoder's fields. Like json.Unmarshal, it decodes into what
// ev already holds; pass a zero Event for a fresh result.
func (d *decoder) Decode(data []byte, ev *auditv1.Event) error {
	return d.decode(data, "", ev)
}

// decode is Decode with the text of data, as for scanner.reset.
func (d *decoder) decode(data []byte, text string, ev *auditv1.Event) error {
	d.s.reset(data, text)
	d.items, d.timestamp = nil, nil
	d.fixed = nil
	d.later.pending, d.later.data, d.later.text = 0, data, d.s.str
	s := &d.s
	switch c := s.ws(); c {
	case '{':
		if err := d.event(ev, 0); err != nil {
			d.later.pending = 0
			return err
		}
	case 'n':
		if err := s.literal("null"); err != nil {
			return err
		}
	case 0:
		return s.errorf("unexpected end of input")
	default:
		if err := s.skip(0); err != nil {
			return err
		}
		if s.ws() == 0 {
			return &typeError{kind(c), "Event"}
		}
	}
	if s.ws() != 0 {
		return s.errorf("invalid character %q after top-level value", s.data[s.pos])
	}
	return nil
}

// The JSON members of an Event, in the order of fieldNames, then the ones
// the reader wants that are not Event fields.
const (
	memberKind = iota
	memberLevel
	memberAuditID
	memberStage
	memberRequestURI
	memberVerb
	memberUser
	memberImpersonatedUser
	memberAuthenticationMetadata
	memberSourceIPs
	memberUserAgent
	memberObjectRef
	memberResponseStatus
	memberRequestObject
	memberResponseObject
	memberRequestReceivedTimestamp
	memberStageTimestamp
	memberAnnotations
	memberAPIVersion
	memberUnknown
)

var eventMembers = [...]string{
	"kind", "level", "auditID", "stage", "requestURI", "verb", "user",
	"impersonatedUser", "authenticationMetadata", "sourceIPs", "userAgent",
	"objectRef", "responseStatus", "requestObject", "responseObject",
	"requestReceivedTimestamp", "stageTimestamp", "annotations", "apiVersion",
}

// memberTable maps the memberHash of each name of eventMembers to the
// name's index plus one and its bytes as words, to compare a key with it
// without a call; the names have distinct hashes.
var memberTable = func() (t [64]memberName) {
	for i, name := range eventMembers {
		t[memberHash([]byte(name))] = newMemberName([]byte(name), i)
	}
	return t
}()

// memberName is a name of 4 to 24 bytes as up to three words: for names
// of 4 to 7 bytes, its first and last four bytes; for longer ones, its
// first, last and (past 16 bytes) middle eight.
type memberName struct {
	member          int8 // index plus one; 0 for no name
	n               uint8
	head, mid, tail uint64
}

func newMemberName(name []byte, i int) memberName {
	m := memberName{member: int8(i + 1), n: uint8(len(name))}
	m.head, m.mid, m.tail = nameWords(name)
	return m
}

// nameWords returns the words of memberName for b, which has 4 to 24 bytes.
func nameWords(b []byte) (head, mid, tail uint64) {
	n := len(b)
	if n < 8 {
		return uint64(binary.LittleEndian.Uint32(b)), 0, uint64(binary.LittleEndian.Uint32(b[n-4:]))
	}
	head, tail = binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:])
	if n > 16 {
		mid = binary.LittleEndian.Uint64(b[8:])
	}
	return head, mid, tail
}

// memberHash hashes a non-empty key from its length and end bytes.
func memberHash(key []byte) int {
	return (len(key)*29 + int(key[0]) + 3*int(key[len(key)-1])) & 63
}

// eventMember returns the member an Event key names.
func eventMember(key []byte) int {
	if n := len(key); n >= 4 && n <= 24 {
		if name := &memberTable[memberHash(key)]; int(name.n) == n {
			if head, mid, tail := nameWords(key); head == name.head && mid == name.mid && tail == name.tail {
				return int(name.member) - 1
			}
		}
	}
	if i := foldLookup(key, eventMembers[:]); i >= 0 {
		return i
	}
	return memberUnknown
}

// quotedKeys returns the keys of the members named names as a compact
// writer writes them: quoted, then the colon.
func quotedKeys(names []string) []quotedKey {
	q := make([]quotedKey, len(names))
	for i, name := range names {
		q[i] = newQuotedKey(`"` + name + `":`)
	}
	return q
}

// quotedKey is a member's key as a compact writer writes it, with its
// bytes also as words, which match compares with the text in a few loads
// rather than a call to compare memory: the decoder compares every member
// of every event with the key it expects there.
type quotedKey struct {
	text string
	// words are the key's first 32 bytes, zero-padded; masks have the
	// bits of the key's bytes set, none when it is longer than 32 bytes.
	words, masks [4]uint64
}

// newQuotedKey returns the quotedKey of text.
func newQuotedKey(text string) quotedKey {
	k := quotedKey{text: text}
	if len(text) > 32 {
		return k
	}
	var b, m [32]byte
	copy(b[:], text)
	for i := range len(text) {
		m[i] = 0xff
	}
	for w := range 4 {
		k.words[w] = binary.LittleEndian.Uint64(b[8*w:])
		k.masks[w] = binary.LittleEndian.Uint64(m[8*w:])
	}
	return k
}

// match reports whether text starts with the key: in four loads when text
// has 32 bytes or more and the key is no longer.
func (k *quotedKey) match(text []byte) bool {
	if len(text) < 32 || k.masks[0] == 0 {
		return len(text) >= len(k.text) && string(text[:len(k.text)]) == k.text
	}
	t := text[:32:32]
	return (binary.LittleEndian.Uint64(t)^k.words[0])&k.masks[0]|
		(binary.LittleEndian.Uint64(t[8:])^k.words[1])&k.masks[1]|
		(binary.LittleEndian.Uint64(t[16:])^k.words[2])&k.masks[2]|
		(binary.LittleEndian.Uint64(t[24:])^k.words[3])&k.masks[3] == 0
}

// memberOrder is what a decoder learned of the order a writer puts the
// members of one struct in: for each member, and for the struct's start
// (the last entry), the member that followed it the last time, plus one (0
// for none yet). See members.
type memberOrder []int8

// members iterates over the members of an object that decodes into a
// struct, as scanner.object does, calling member with each member's index
// (-1 for any other key) and its key; quoted are the members' keys
// (quotedKeys), in the order of their indexes, and lookup finds the index
// of a key as encoding/json matches keys. A writer puts the members of its
// objects in one order: after each member, members first compares the
// text with the key that followed it the last time, as a compact writer
// writes it, and scans and looks up the key only when that differs. Either
// way the key names the same member. (It repeats scanner.object's loop
// rather than share it behind a callback or calls that are not inlined:
// each costs every member of every event.)
func (d *decoder) members(depth int, quoted []quotedKey, order memberOrder, lookup func(key []byte) int, member func(m int, key []byte) error) error {
	s := &d.s
	if depth > maxDepth {
		return s.errorf("exceeded max depth")
	}
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.ws() == '}' {
		s.pos++
		return nil
	}
	data := s.data
	prev := len(order) - 1
	for {
		if s.ws() != '"' {
			return s.errorf("expected a string key")
		}
		var key []byte
		m := int(order[prev]) - 1
		if i := s.pos; m >= 0 && quoted[m].match(data[i:]) {
			end := i + len(quoted[m].text)
			s.keyStart, s.keyEnd, s.keyClean = i+1, end-2, true
			key = data[i+1 : end-2]
			s.pos = end
			if end < len(data) && data[end] <= ' ' {
				s.ws()
			}
		} else {
			var err error
			if key, err = s.key(); err != nil {
				return err
			}
			if m = lookup(key); m >= 0 {
				order[prev] = int8(m + 1)
			}
		}
		if m >= 0 {
			prev = m
		}
		s.depth = depth
		if err := member(m, key); err != nil {
			return err
		}
		switch s.ws() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return s.errorf("expected ',' or '}' after object member")
		}
	}
}

// eventKeys are the keys of the members of an Event; eventMemberOrNone is
// eventMember with -1 for memberUnknown, the lookup of members.
var eventKeys = quotedKeys(eventMembers[:])

func eventMemberOrNone(key []byte) int {
	if m := eventMember(key); m != memberUnknown {
		return m
	}
	return -1
}

// foldLookup returns the index of the name that key equals, exactly or
// else under Unicode case folding as encoding/json matches keys, or -1.
func foldLookup(key []byte, names []string) int {
	for i, name := range names {
		if string(key) == name {
			return i
		}
	}
	// An ASCII key folds only to a name of its own length; others may fold
	// to a different length (the Kelvin sign to k, long s to s).
	ascii := isASCII(key)
	for i, name := range names {
		if (!ascii || len(key) == len(name)) && bytes.EqualFold(key, []byte(name)) {
			return i
		}
	}
	return -1
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func (d *decoder) event(ev *auditv1.Event, depth int) error {
	s := &d.s
	return d.members(depth+1, eventKeys, d.order.event[:], eventMemberOrNone, func(m int, key []byte) error {
		if m < 0 {
			m = memberUnknown
		}
		bit := Fields(1) << m
		switch m {
		case memberAPIVersion:
			bit = FieldKind
		case memberUnknown:
			if depth == 0 {
				switch string(key) {
				case "items":
					span, err := s.span(depth + 1)
					d.items = span
					return err
				case "timestamp":
					span, err := s.span(depth + 1)
					d.timestamp = span
					return err
				}
			}
			return s.skipValue(depth + 1)
		}
		switch m {
		case memberUser:
			bit |= FieldUserGroups | FieldUserExtra
		case memberResponseStatus:
			bit |= FieldResponseCode
		case memberRequestURI:
			bit |= FieldFieldManager
		case memberAnnotations:
			bit |= FieldAnnotationsButAuthz
		}
		if d.later.fields&bit != 0 {
			return d.putOff(bit, ev, depth+1)
		}
		if d.fields&bit == 0 {
			return s.skipValue(depth + 1)
		}
		switch m {
		case memberKind:
			return d.str(&ev.Kind, "kind")
		case memberAPIVersion:
			return d.str(&ev.APIVersion, "apiVersion")
		case memberLevel:
			err := str(d, &ev.Level, "level")
			ev.Level = internLevel(ev.Level)
			return err
		case memberAuditID:
			return str(d, &ev.AuditID, "auditID")
		case memberStage:
			err := str(d, &ev.Stage, "stage")
			ev.Stage = internStage(ev.Stage)
			return err
		case memberRequestURI:
			return d.str(&ev.RequestURI, "requestURI")
		case memberVerb:
			err := d.str(&ev.Verb, "verb")
			ev.Verb = internVerb(ev.Verb)
			return err
		case memberUser:
			return d.user(&ev.User, depth+1, "user", d.fields)
		case memberImpersonatedUser:
			return d.userPtr(&ev.ImpersonatedUser, depth+1)
		case memberAuthenticationMetadata:
			return d.authnMetadata(&ev.AuthenticationMetadata, depth+1)
		case memberSourceIPs, memberUserAgent:
			return d.laterMember(bit, ev, depth+1)
		case memberObjectRef:
			return d.objectRef(&ev.ObjectRef, depth+1)
		case memberResponseStatus:
			return d.status(&ev.ResponseStatus, depth+1)
		case memberRequestObject:
			return d.unknown(&ev.RequestObject, depth+1)
		case memberResponseObject:
			return d.unknown(&ev.ResponseObject, depth+1)
		case memberRequestReceivedTimestamp:
			return d.microTime(&ev.RequestReceivedTimestamp, "requestReceivedTimestamp")
		case memberStageTimestamp:
			return d.microTime(&ev.StageTimestamp, "stageTimestamp")
		case memberAnnotations:
			return d.annotations(&ev.Annotations, depth+1)
		}
		return s.skipValue(depth + 1)
	})
}

// mismatch is the error for a value of the wrong JSON kind, which it
// skips instead when repairing.
func (d *decoder) mismatch(field string) error {
	c := d.s.ws()
	if c == 0 {
		return d.s.errorf("unexpected end of input")
	}
	return d.fix(&typeError{kind(c), field}, false)
}

// fix returns err, the error of a valid JSON value that does not fit its
// field; when repairing, it notes err instead, skips the value unless it
// was consumed, and returns nil, leaving the field as it was (as
// encoding/json leaves a field it reports an UnmarshalTypeError for).
func (d *decoder) fix(err error, consumed bool) error {
	if !d.repair {
		return err
	}
	if d.fixed == nil {
		d.fixed = err
	}
	if consumed {
		return nil
	}
	return d.s.skipValue(d.s.depth)
}

func (d *decoder) str(dst *string, field string) error { return str(d, dst, field) }

// str decodes a string into a string-kinded field; null leaves it alone.
func str[T ~string](d *decoder, dst *T, field string) error {
	s := &d.s
	switch s.ws() {
	case '"':
		v, err := s.string()
		if err != nil {
			return err
		}
		*dst = T(v)
		return nil
	case 'n':
		return s.literal("null")
	}
	return d.mismatch(field)
}

// strs decodes an array of strings; null clears the slice.
func strs[T ~[]string](d *decoder, dst *T, depth int, field string) error {
	return slice(d, dst, depth, field, func(e *string) error { return str(d, e, field) })
}

// slice decodes an array into a slice the way encoding/json does: elements
// are decoded into what the slice already holds (up to its capacity), null
// clears the slice, and [] gives an empty, non-nil slice.
func slice[S ~[]E, E any](d *decoder, dst *S, depth int, field string, elem func(*E) error) error {
	if null, done, err := d.begin('[', field); done || err != nil {
		if null {
			*dst = nil
		}
		return err
	}
	s := &d.s
	v := *dst
	i := 0
	err := s.array(depth, func() error {
		if i < cap(v) {
			v = v[:i+1]
		} else {
			var zero E
			v = append(v, zero)
		}
		i++
		return elem(&v[i-1])
	})
	if err != nil {
		return err
	}
	if i == 0 && v == nil {
		v = S{}
	}
	*dst = v[:i]
	return nil
}

// strMap decodes an object of strings; null clears the map. The members
// whose key skip reports are skipped (their syntax still checked).
func (d *decoder) strMap(dst *map[string]string, depth int, field string, skip func(key []byte) bool) error {
	if null, done, err := d.begin('{', field); done || err != nil {
		if null {
			*dst = nil
		}
		return err
	}
	s := &d.s
	m := *dst
	if m == nil {
		m = d.spare.annotations()
		*dst = m
	}
	return s.object(depth, func(key []byte) error {
		if skip != nil && skip(key) {
			return s.skipValue(depth + 1)
		}
		k := s.keyString()
		var v string
		if err := d.str(&v, field); err != nil {
			return err
		}
		m[k] = v
		return nil
	})
}

// The annotations of the authorizer, which FieldAnnotationsButAuthz skips.
const (
	annotationAuthzDecision = "authorization.k8s.io/decision"
	annotationAuthzReason   = "authorization.k8s.io/reason"
)

// annotations decodes the annotations, but the authorizer's without
// FieldAnnotations.
func (d *decoder) annotations(dst *map[string]string, depth int) error {
	if d.fields.Has(FieldAnnotations) {
		return d.strMap(dst, depth, "annotations", nil)
	}
	if d.s.authzOnly() {
		if *dst == nil {
			*dst = d.spare.annotations()
		}
		return nil
	}
	return d.strMap(dst, depth, "annotations", isAuthzAnnotation)
}

// The annotations of most events, the authorizer's decision and reason
// alone, as the API server writes them: the parts around their values.
const (
	authzOnlyDecision = `{"` + annotationAuthzDecision + `":"`
	authzOnlyReason   = `","` + annotationAuthzReason + `":"`
)

// authzOnly consumes, when they come next as the API server writes them,
// annotations that are the authorizer's decision and reason alone, and
// reports whether it did: what most events have, which FieldAnnotationsButAuthz
// skips whole, at the cost of comparing its keys once. Anything else
// (another key, another order, white space, a value that is not a valid
// string) leaves the scanner where it was, for strMap.
func (s *scanner) authzOnly() bool {
	start := s.pos
	d := s.data
	if !bytes.HasPrefix(d[start:], []byte(authzOnlyDecision)) {
		return false
	}
	s.pos = start + len(authzOnlyDecision) - 1 // at the value's opening quote
	if s.skipString() != nil || !bytes.HasPrefix(d[s.pos-1:], []byte(authzOnlyReason)) {
		s.pos = start
		return false
	}
	s.pos += len(authzOnlyReason) - 2
	if s.skipString() != nil || s.pos >= len(d) || d[s.pos] != '}' {
		s.pos = start
		return false
	}
	s.pos++
	return true
}

// isAuthzAnnotation reports whether a raw annotation key is the
// authorizer's decision or reason.
func isAuthzAnnotation(key []byte) bool {
	return string(key) == annotationAuthzDecision || string(key) == annotationAuthzReason
}

var (
	userMembers = [...]string{"username", "uid", "groups", "extra"}
	userKeys    = quotedKeys(userMembers[:])
)

func userMember(key []byte) int { return foldLookup(key, userMembers[:]) }

// user decodes a UserInfo; of a user's fields, it fills username and uid
// only for FieldUser, groups for FieldUserGroups, extra for FieldUserExtra.
func (d *decoder) user(u *authnv1.UserInfo, depth int, field string, fields Fields) error {
	s := &d.s
	if ok, err := d.open(field); !ok {
		return err
	}
	return d.members(depth, userKeys, d.order.user[:], userMember, func(i int, _ []byte) error {
		switch {
		case i == 0 && fields.Has(FieldUser):
			return d.str(&u.Username, "user.username")
		case i == 1 && fields.Has(FieldUser):
			return d.str(&u.UID, "user.uid")
		case i == 2 && fields.Has(FieldUserGroups):
			if u.Groups == nil {
				u.Groups = d.spare.userGroups()
			}
			return strs(d, &u.Groups, depth+1, "user.groups")
		case i == 3 && fields.Has(FieldUserExtra):
			return d.extra(&u.Extra, depth+1)
		}
		return s.skipValue(depth)
	})
}

func (d *decoder) extra(dst *map[string]authnv1.ExtraValue, depth int) error {
	if null, done, err := d.begin('{', "user.extra"); done || err != nil {
		if null {
			*dst = nil
		}
		return err
	}
	s := &d.s
	if *dst == nil {
		*dst = map[string]authnv1.ExtraValue{}
	}
	m := *dst
	return s.object(depth, func([]byte) error {
		k := s.keyString()
		var v authnv1.ExtraValue
		if err := strs(d, &v, depth+1, "user.extra"); err != nil {
			return err
		}
		m[k] = v
		return nil
	})
}

// open prepares a struct member: null leaves it alone, an object is to be
// decoded, anything else is an error.
func (d *decoder) open(field string) (decode bool, err error) {
	_, done, err := d.begin('{', field)
	return !done && err == nil, err
}

// ptr prepares a pointer member: null clears it, an object is decoded into
// the pointee, which is made if there is none yet.
func ptr[T any](d *decoder, dst **T, field string, fresh func() *T) (decode bool, err error) {
	null, done, err := d.begin('{', field)
	if done || err != nil {
		if null {
			*dst = nil
		}
		return false, err
	}
	if *dst == nil {
		*dst = fresh()
	}
	return true, nil
}

// begin looks at the start of a member's value, which must be null or
// start with open (an object's or an array's bracket). It consumes a null
// and reports it, and reports done for a null or for a value of another
// kind that it skipped (when repairing); it consumes nothing else.
func (d *decoder) begin(open byte, field string) (null, done bool, err error) {
	switch d.s.ws() {
	case 'n':
		return true, true, d.s.literal("null")
	case open:
		return false, false, nil
	}
	return false, true, d.mismatch(field)
}

func (d *decoder) userPtr(dst **authnv1.UserInfo, depth int) error {
	if ok, err := ptr(d, dst, "impersonatedUser", newOf[authnv1.UserInfo]); !ok {
		return err
	}
	return d.user(*dst, depth, "impersonatedUser", FieldsAll)
}

var authnMetadataMembers = []string{"impersonationConstraint"}

func (d *decoder) authnMetadata(dst **auditv1.AuthenticationMetadata, depth int) error {
	if ok, err := ptr(d, dst, "authenticationMetadata", newOf[auditv1.AuthenticationMetadata]); !ok {
		return err
	}
	a := *dst
	return d.s.object(depth, func(key []byte) error {
		if foldLookup(key, authnMetadataMembers) == 0 {
			return d.str(&a.ImpersonationConstraint, "authenticationMetadata.impersonationConstraint")
		}
		return d.s.skipValue(depth)
	})
}

var (
	objectRefMembers = [...]string{"resource", "namespace", "name", "uid", "apiGroup", "apiVersion", "resourceVersion", "subresource"}
	objectRefKeys    = quotedKeys(objectRefMembers[:])
	objectRefPaths   = paths("objectRef.", objectRefMembers[:])
)

// paths prefixes names with the path of their struct, for error messages.
func paths(prefix string, names []string) []string {
	p := make([]string, len(names))
	for i, n := range names {
		p[i] = prefix + n
	}
	return p
}

func (d *decoder) objectRef(dst **auditv1.ObjectReference, depth int) error {
	if ok, err := ptr(d, dst, "objectRef", d.spare.objectRef); !ok {
		return err
	}
	o := *dst
	// In the order of objectRefMembers.
	fields := [...]*string{&o.Resource, &o.Namespace, &o.Name, (*string)(&o.UID), &o.APIGroup, &o.APIVersion, &o.ResourceVersion, &o.Subresource}
	return d.members(depth, objectRefKeys, d.order.objectRef[:], objectRefMember, func(i int, _ []byte) error {
		if i >= 0 {
			return d.str(fields[i], objectRefPaths[i])
		}
		return d.s.skipValue(depth)
	})
}

var (
	statusMembers = [...]string{"kind", "apiVersion", "metadata", "status", "message", "reason", "details", "code"}
	statusKeys    = quotedKeys(statusMembers[:])
)

func objectRefMember(key []byte) int { return foldLookup(key, objectRefMembers[:]) }

func statusMember(key []byte) int { return foldLookup(key, statusMembers[:]) }

func (d *decoder) status(dst **metav1.Status, depth int) error {
	if ok, err := ptr(d, dst, "responseStatus", d.spare.status); !ok {
		return err
	}
	st := *dst
	codeOnly := !d.fields.Has(FieldResponseStatus)
	if codeOnly && d.successStatus(st) {
		return nil
	}
	return d.members(depth, statusKeys, d.order.status[:], statusMember, func(i int, _ []byte) error {
		if codeOnly && i != 7 {
			return d.s.skipValue(depth)
		}
		switch i {
		case 0:
			return d.str(&st.Kind, "responseStatus.kind")
		case 1:
			return d.str(&st.APIVersion, "responseStatus.apiVersion")
		case 2:
			return d.listMeta(&st.ListMeta, depth+1)
		case 3:
			return d.str(&st.Status, "responseStatus.status")
		case 4:
			return d.str(&st.Message, "responseStatus.message")
		case 5:
			return str(d, &st.Reason, "responseStatus.reason")
		case 6:
			return d.details(&st.Details, depth+1)
		case 7:
			return d.int32(&st.Code, "responseStatus.code")
		}
		return d.s.skipValue(depth)
	})
}

// successPrefix is how the API server writes the response status of a
// request it served, up to the code: {"metadata":{},"code":200}.
const successPrefix = `{"metadata":{},"code":`

// successStatus decodes, when only the code is asked for, a response
// status written exactly as the API server writes a served request's
// (successPrefix, one to three digits without a leading zero, '}'),
// without walking its members, and reports whether it did. Any other
// status is left to the members' walk, which decodes it alike.
func (d *decoder) successStatus(st *metav1.Status) bool {
	b := d.s.data[d.s.pos:]
	if len(b) < len(successPrefix)+2 || string(b[:len(successPrefix)]) != successPrefix {
		return false
	}
	b = b[len(successPrefix):]
	var code int32
	i := 0
	for ; i < len(b) && i < 3 && b[i] >= '0' && b[i] <= '9'; i++ {
		code = code*10 + int32(b[i]-'0')
	}
	if i == 0 || i == len(b) || b[i] != '}' || b[0] == '0' && i > 1 {
		return false
	}
	st.Code = code
	d.s.pos += len(successPrefix) + i + 1
	return true
}

var listMetaMembers = []string{"selfLink", "resourceVersion", "continue", "remainingItemCount"}

func (d *decoder) listMeta(m *metav1.ListMeta, depth int) error {
	s := &d.s
	if ok, err := d.open("responseStatus.metadata"); !ok {
		return err
	}
	return s.object(depth, func(key []byte) error {
		switch foldLookup(key, listMetaMembers) {
		case 0:
			return d.str(&m.SelfLink, "responseStatus.metadata.selfLink")
		case 1:
			return d.str(&m.ResourceVersion, "responseStatus.metadata.resourceVersion")
		case 2:
			return d.str(&m.Continue, "responseStatus.metadata.continue")
		case 3:
			switch s.ws() {
			case 'n':
				m.RemainingItemCount = nil
				return s.literal("null")
			case '"', '{', '[', 't', 'f':
				return d.mismatch("responseStatus.metadata.remainingItemCount")
			}
			n, err := s.int(64, "responseStatus.metadata.remainingItemCount")
			if err != nil {
				return d.fixInt(err)
			}
			if m.RemainingItemCount == nil {
				m.RemainingItemCount = new(int64)
			}
			*m.RemainingItemCount = n
			return nil
		}
		return s.skipValue(depth)
	})
}

var detailsMembers = []string{"name", "group", "kind", "uid", "causes", "retryAfterSeconds"}

func (d *decoder) details(dst **metav1.StatusDetails, depth int) error {
	if ok, err := ptr(d, dst, "responseStatus.details", newOf[metav1.StatusDetails]); !ok {
		return err
	}
	det := *dst
	return d.s.object(depth, func(key []byte) error {
		switch foldLookup(key, detailsMembers) {
		case 0:
			return d.str(&det.Name, "responseStatus.details.name")
		case 1:
			return d.str(&det.Group, "responseStatus.details.group")
		case 2:
			return d.str(&det.Kind, "responseStatus.details.kind")
		case 3:
			return str(d, &det.UID, "responseStatus.details.uid")
		case 4:
			return slice(d, &det.Causes, depth+1, "responseStatus.details.causes", func(c *metav1.StatusCause) error {
				return d.cause(c, depth+2)
			})
		case 5:
			return d.int32(&det.RetryAfterSeconds, "responseStatus.details.retryAfterSeconds")
		}
		return d.s.skipValue(depth)
	})
}

var (
	causeMembers = []string{"reason", "message", "field"}
	causePaths   = paths("responseStatus.details.causes.", causeMembers)
)

func (d *decoder) cause(c *metav1.StatusCause, depth int) error {
	s := &d.s
	if ok, err := d.open("responseStatus.details.causes"); !ok {
		return err
	}
	// In the order of causeMembers.
	fields := [...]*string{(*string)(&c.Type), &c.Message, &c.Field}
	return s.object(depth, func(key []byte) error {
		if i := foldLookup(key, causeMembers); i >= 0 {
			return d.str(fields[i], causePaths[i])
		}
		return s.skipValue(depth)
	})
}

// int32 decodes an integer; null leaves it alone.
func (d *decoder) int32(dst *int32, field string) error {
	s := &d.s
	switch s.ws() {
	case 'n':
		return s.literal("null")
	case '"', '{', '[', 't', 'f':
		return d.mismatch(field)
	}
	n, err := s.int(32, field)
	if err != nil {
		return d.fixInt(err)
	}
	*dst = int32(n)
	return nil
}

// unknown keeps any JSON value as raw bytes, as runtime.Unknown's
// UnmarshalJSON does; null clears the pointer.
func (d *decoder) unknown(dst **runtime.Unknown, depth int) error {
	s := &d.s
	if s.ws() == 'n' {
		*dst = nil
		return s.literal("null")
	}
	raw, err := s.span(depth)
	if err != nil {
		return err
	}
	if *dst == nil {
		*dst = &runtime.Unknown{}
	}
	u := *dst
	u.TypeMeta = runtime.TypeMeta{}
	if d.s.stable {
		// The reader's block lasts as long as the event's strings.
		u.Raw = raw[:len(raw):len(raw)]
	} else {
		u.Raw = append(u.Raw[:0], raw...)
	}
	u.ContentEncoding = ""
	u.ContentType = runtime.ContentTypeJSON
	return nil
}

// microTime decodes a timestamp as metav1.MicroTime's UnmarshalJSON does:
// null gives the zero time, a string must be RFC3339 with exactly six
// fractional digits, and the result is in the local time zone.
func (d *decoder) microTime(dst *metav1.MicroTime, field string) error {
	s := &d.s
	switch s.ws() {
	case 'n':
		dst.Time = time.Time{}
		return s.literal("null")
	case '"':
	default:
		return d.mismatch(field)
	}
	b, err := s.rawString()
	if err != nil {
		return err
	}
	t, err := d.clock.parse(b)
	if err != nil {
		return d.fix(err, true)
	}
	dst.Time = t
	return nil
}

// fixInt repairs the error of s.int when it is a number that does not fit
// (consumed); a syntax error stays one.
func (d *decoder) fixInt(err error) error {
	if _, ok := err.(*typeError); ok {
		return d.fix(err, true)
	}
	return err
}

func newOf[T any]() *T { return new(T) }
