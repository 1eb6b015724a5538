package auditparquet

import (
	"encoding/json"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// Batch holds rows column by column, with copies of their strings, until
// they are written as a row group (WriteRowGroup). A string column is
// its values' bytes, one after the other in chunks, and the end of each:
// a value is copied (one memmove, no hash: the Parquet writer's
// dictionaries dedupe the low-cardinality columns as they encode them)
// and takes 4 bytes beside its own. A Batch is reused after Reset: its
// chunks go back to their free list (Use), the rest keeps its memory.
//
// A Batch holds less than 2 GiB of strings in a column: its owner writes
// it out long before (package export's row groups are at most
// MaxRowGroupBytes); the positions of a column's values, which skip the
// end of a chunk a value does not fit in, are 32 bits.
type Batch struct {
	// ints are the int64 columns, by intColumns' order.
	ints [len(intColumns)][]int64
	// strs are the string columns (not lists nor the map), by Column;
	// the others are empty.
	strs [numColumns]stringColumn
	// present has a bit per row for each column of presentBits: the
	// optional columns where null and "" (or 0) differ.
	present []uint8
	codes   []int32
	// lists are the LIST columns, by listColumns' order.
	lists [len(listColumns)]stringLists
	// annotations are the map's keys and values, each row's sorted by key
	// (as the Parquet library writes a map), and the end of each row's.
	annotations struct {
		keys, values stringColumn
		ends         []uint32
	}
	order []int32 // the rows by time, as WriteRowGroup writes them
	// annotation is the scratch of annotate's sort.
	annotation []annotation
}

// stringLists is a LIST column of strings: its elements, and the end of
// each row's.
type stringLists struct {
	elements stringColumn
	ends     []uint32
}

// annotation is an entry of an event's annotations.
type annotation struct{ key, value string }

// intColumns are the int64 columns, in Batch.ints order.
var intColumns = [...]Column{ColRequestReceived, ColStageTimestamp, ColLatencyUS, ColSourceLine}

// repeatColumns are the columns of repeats (stringColumn.addRepeat): a
// value the same as the row before's is usual in them, in the events of
// a file (its server, node and name, the kind and version, the level), or
// in a row (the stage of a long request).
var repeatColumns = [...]Column{ColKind, ColEventAPIVersion, ColLevel, ColStage, ColServer, ColNode, ColSourceFile}

// listColumns are the LIST columns, in Batch.lists order.
var listColumns = [...]Column{ColUserGroups, ColImpersonatedGroups, ColSourceIPs}

// presentBits are the columns whose nulls Batch.present records: the
// optional ones where null and "" (or 0) differ (those of a pointer in
// Row).
var presentBits = [...]Column{ColFieldManager, ColCode, ColImpersonatedUsername,
	ColImpersonationConstraint, ColObjectResource, ColAuthzDecision, ColAuthzReason}

// presentBit is the bit of c in Batch.present, or 0 for a column not in
// presentBits.
var presentBit = func() (bits [numColumns]uint8) {
	for i, c := range presentBits {
		bits[c] = 1 << i
	}
	return bits
}()

// stringColumns is the number of columns of one string (Batch.strs).
const stringColumns = int64(numColumns) - int64(len(intColumns)) - 1 - int64(len(listColumns)) - 1

// batchRowMemory is the memory a row takes in a Batch beside its strings'
// bytes and its lists' and map's elements.
const batchRowMemory = int64(len(intColumns))*8 + stringColumns*4 + 1 + 4 + int64(len(listColumns)+1)*4

// MaxRowGroupBytes is the most Memory a Batch may reach before it is
// written: the ends of a column's values are 32 bits, and a row adds less
// than the 64 MiB of a line to a column.
const MaxRowGroupBytes = 1 << 30

// Len is the number of rows in b.
func (b *Batch) Len() int { return len(b.ints[0]) }

// Memory is an estimate of the memory b's rows take.
func (b *Batch) Memory() int64 { return int64(b.Len())*batchRowMemory + b.bytes() }

// Reset empties b, keeping its memory for the next rows.
func (b *Batch) Reset() {
	for i := range b.ints {
		b.ints[i] = b.ints[i][:0]
	}
	for c := range b.strs {
		b.strs[c].reset()
	}
	b.present, b.codes = b.present[:0], b.codes[:0]
	for i := range b.lists {
		b.lists[i].elements.reset()
		b.lists[i].ends = b.lists[i].ends[:0]
	}
	a := &b.annotations
	a.keys.reset()
	a.values.reset()
	a.ends = a.ends[:0]
}

// Add appends the row of ev, req and loc (with the request and response
// bodies when bodies is true), copying what it keeps: their strings may
// be overwritten once Add returns. The row's columns are those of Row
// (see docs/parquet.md).
func (b *Batch) Add(ev *auditv1.Event, req *Request, loc *Location, bodies bool) {
	received, stage := ev.RequestReceivedTimestamp.Time, ev.StageTimestamp.Time
	var latency int64
	if !received.IsZero() && !stage.IsZero() {
		latency = stage.Sub(received).Microseconds()
	}
	b.ints[0] = append(b.ints[0], Micros(received))
	b.ints[1] = append(b.ints[1], Micros(stage))
	b.ints[2] = append(b.ints[2], latency)
	b.ints[3] = append(b.ints[3], loc.Line)

	var present uint8
	s := &b.strs
	s[ColAuditID].add(string(ev.AuditID))
	s[ColKind].addRepeat(ev.Kind)
	s[ColEventAPIVersion].addRepeat(ev.APIVersion)
	s[ColLevel].addRepeat(string(ev.Level))
	s[ColStage].addRepeat(string(ev.Stage))
	s[ColVerb].add(ev.Verb)
	s[ColRequestURI].add(ev.RequestURI)
	s[ColAPIGroup].add(req.APIGroup)
	s[ColAPIVersion].add(req.APIVersion)
	s[ColResource].add(req.Resource)
	s[ColSubresource].add(req.Subresource)
	s[ColNamespace].add(req.Namespace)
	s[ColName].add(req.Name)
	s[ColFieldManager].add(req.FieldManager)
	if req.HasFieldManager {
		present |= presentBit[ColFieldManager]
	}
	code := int32(0)
	if st := ev.ResponseStatus; st != nil {
		present |= presentBit[ColCode]
		code = st.Code
	}
	b.codes = append(b.codes, code)
	s[ColUsername].add(ev.User.Username)
	s[ColUserUID].add(ev.User.UID)
	b.lists[0].add(ev.User.Groups)
	s[ColUserExtra].add(extraJSON(ev.User.Extra))
	var impUsername, impUID, impExtra string
	var impGroups []string
	if u := ev.ImpersonatedUser; u != nil {
		present |= presentBit[ColImpersonatedUsername]
		impUsername, impUID, impGroups, impExtra = u.Username, u.UID, u.Groups, extraJSON(u.Extra)
	}
	s[ColImpersonatedUsername].add(impUsername)
	s[ColImpersonatedUID].add(impUID)
	b.lists[1].add(impGroups)
	s[ColImpersonatedExtra].add(impExtra)
	constraint := ""
	if a := ev.AuthenticationMetadata; a != nil {
		present |= presentBit[ColImpersonationConstraint]
		constraint = a.ImpersonationConstraint
	}
	s[ColImpersonationConstraint].add(constraint)
	b.lists[2].add(ev.SourceIPs)
	s[ColUserAgent].add(ev.UserAgent)
	var o auditv1.ObjectReference
	if ev.ObjectRef != nil {
		present |= presentBit[ColObjectResource]
		o = *ev.ObjectRef
	}
	s[ColObjectResource].add(o.Resource)
	s[ColObjectNamespace].add(o.Namespace)
	s[ColObjectName].add(o.Name)
	s[ColObjectUID].add(string(o.UID))
	s[ColObjectAPIGroup].add(o.APIGroup)
	s[ColObjectAPIVersion].add(o.APIVersion)
	s[ColObjectResourceVersion].add(o.ResourceVersion)
	s[ColObjectSubresource].add(o.Subresource)
	var status, reason, message, details string
	if st := ev.ResponseStatus; st != nil {
		status, reason, message = st.Status, string(st.Reason), st.Message
		if st.Details != nil {
			if d, err := json.Marshal(st.Details); err == nil {
				details = string(d)
			}
		}
	}
	s[ColResponseStatus].add(status)
	s[ColResponseReason].add(reason)
	s[ColResponseMessage].add(message)
	s[ColResponseDetails].add(details)
	present |= b.annotate(ev.Annotations)
	var request, response []byte
	if bodies {
		if o := ev.RequestObject; o != nil {
			request = o.Raw
		}
		if o := ev.ResponseObject; o != nil {
			response = o.Raw
		}
	}
	s[ColRequestObject].add(string(request))
	s[ColResponseObject].add(string(response))
	s[ColServer].addRepeat(loc.Server)
	s[ColNode].addRepeat(loc.Node)
	s[ColSourceFile].addRepeat(loc.File)
	b.present = append(b.present, present)
}

// bytes is the size of b's strings, and of the ends of its lists' and
// map's elements and of the values of its columns of repeats. The chunks
// that hold the strings are a little larger: by less than a chunk a
// column, with values of a few hundred bytes.
func (b *Batch) bytes() int64 {
	var n int64
	for c := range b.strs {
		n += b.strs[c].used
	}
	for i := range b.lists {
		n += b.lists[i].elements.used + 4*int64(len(b.lists[i].elements.ends))
	}
	for _, c := range repeatColumns {
		// A value's end beside its row's index (in batchRowMemory).
		n += 4 * int64(len(b.strs[c].ends))
	}
	a := &b.annotations
	n += a.keys.used + a.values.used + 8*int64(len(a.keys.ends))
	return n
}

// Use makes b take the chunks it copies strings into from c, and give
// them back to it on Reset; otherwise b has chunks of its own.
func (b *Batch) Use(c *Chunks) {
	for i := range b.strs {
		b.strs[i].pool = c
	}
	for i := range b.lists {
		b.lists[i].elements.pool = c
	}
	b.annotations.keys.pool, b.annotations.values.pool = c, c
}

// add appends a row's list.
func (l *stringLists) add(values []string) {
	for _, v := range values {
		l.elements.add(v)
	}
	l.ends = append(l.ends, uint32(len(l.elements.ends)))
}

// annotate appends the authorization decision and reason of m to their
// columns, and its other entries, sorted by key, to the map's. It returns
// the present bits of the two columns.
func (b *Batch) annotate(m map[string]string) (present uint8) {
	var decision, reason string
	sorted := b.annotation[:0]
	for k, v := range m {
		switch k {
		case AnnotationDecision:
			present |= presentBit[ColAuthzDecision]
			decision = v
		case AnnotationReason:
			present |= presentBit[ColAuthzReason]
			reason = v
		default:
			// Insertion sort: an event has a few annotations.
			i := len(sorted)
			sorted = append(sorted, annotation{})
			for ; i > 0 && sorted[i-1].key > k; i-- {
				sorted[i] = sorted[i-1]
			}
			sorted[i] = annotation{k, v}
		}
	}
	b.strs[ColAuthzDecision].add(decision)
	b.strs[ColAuthzReason].add(reason)
	a := &b.annotations
	for _, e := range sorted {
		a.keys.add(e.key)
		a.values.add(e.value)
	}
	a.ends = append(a.ends, uint32(len(a.keys.ends)))
	clear(sorted)
	b.annotation = sorted[:0]
	return present
}
