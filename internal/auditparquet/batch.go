package auditparquet

import (
	"strings"
	"unsafe"
)

// Batch holds rows column by column, with copies of their strings, until
// they are written as a row group (WriteRowGroup). It copies a string's
// bytes into slabs of its own (no map, no hash: the Parquet writer's
// dictionaries dedupe the low-cardinality columns as they encode them),
// but for a string equal to the one above it in its column, which it
// shares. A Batch is reused after Reset: its slabs and columns keep their
// memory.
type Batch struct {
	// ints are the int64 columns, by intColumns' order.
	ints [len(intColumns)][]int64
	// strs are the string columns (not lists nor the map), by Column;
	// the others are nil.
	strs [numColumns][]string
	// present has a bit per row for each column of presentBits: the
	// optional columns where null and "" (or 0) differ.
	present []uint8
	codes   []int32
	// lists are the LIST columns' elements, by listColumns' order; ends
	// the end of each row's elements.
	lists [len(listColumns)]stringLists
	// annotations are the map's entries, each row's sorted by key (as
	// the Parquet library writes a map).
	annotations struct {
		keys, values []string
		ends         []int32
	}
	slabs  slabs
	memory int64
	order  []int32 // the rows by time, as WriteRowGroup writes them
}

// stringLists is a LIST column: the elements of every row, and where each
// row's end.
type stringLists struct {
	values []string
	ends   []int32
}

// intColumns are the int64 columns, in Batch.ints order.
var intColumns = [...]Column{ColRequestReceived, ColStageTimestamp, ColLatencyUS, ColSourceLine}

// listColumns are the LIST columns, in Batch.lists order.
var listColumns = [...]Column{ColUserGroups, ColImpersonatedGroups, ColSourceIPs}

// presentBits are the columns whose nulls Batch.present records: the
// optional ones of a pointer in Row, where null and zero differ.
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

// batchRowMemory is the memory a row takes in a Batch beside its strings'
// bytes and its lists' and map's elements.
const batchRowMemory = int64(len(intColumns))*8 + stringColumns*16 + 1 + 4 + int64(len(listColumns)+1)*4

// stringColumns is the number of columns of one string (Batch.strs).
const stringColumns = int64(numColumns) - int64(len(intColumns)) - 1 - int64(len(listColumns)) - 1

// Len is the number of rows in b.
func (b *Batch) Len() int { return len(b.ints[0]) }

// Memory is an estimate of the memory b's rows take.
func (b *Batch) Memory() int64 { return b.memory }

// Reset empties b, keeping its memory for the next rows.
func (b *Batch) Reset() {
	for i := range b.ints {
		b.ints[i] = b.ints[i][:0]
	}
	for c := range b.strs {
		clear(b.strs[c])
		b.strs[c] = b.strs[c][:0]
	}
	b.present, b.codes = b.present[:0], b.codes[:0]
	for i := range b.lists {
		clear(b.lists[i].values)
		b.lists[i].values, b.lists[i].ends = b.lists[i].values[:0], b.lists[i].ends[:0]
	}
	a := &b.annotations
	clear(a.keys)
	clear(a.values)
	a.keys, a.values, a.ends = a.keys[:0], a.values[:0], a.ends[:0]
	b.slabs.reset()
	b.memory = 0
}

// Add appends a copy of r: r's strings may be overwritten once Add
// returns.
func (b *Batch) Add(r *Row) {
	b.memory += batchRowMemory
	b.ints[0] = append(b.ints[0], r.RequestReceived)
	b.ints[1] = append(b.ints[1], r.StageTimestamp)
	b.ints[2] = append(b.ints[2], r.LatencyUS)
	b.ints[3] = append(b.ints[3], r.SourceLine)

	var present uint8
	ptr := func(c Column, p *string) {
		v := ""
		if p != nil {
			present |= presentBit[c]
			v = *p
		}
		b.str(c, v)
	}
	b.str(ColAuditID, r.AuditID)
	b.str(ColKind, r.Kind)
	b.str(ColEventAPIVersion, r.EventAPIVersion)
	b.str(ColLevel, r.Level)
	b.str(ColStage, r.Stage)
	b.str(ColVerb, r.Verb)
	b.str(ColRequestURI, r.RequestURI)
	b.str(ColAPIGroup, r.APIGroup)
	b.str(ColAPIVersion, r.APIVersion)
	b.str(ColResource, r.Resource)
	b.str(ColSubresource, r.Subresource)
	b.str(ColNamespace, r.Namespace)
	b.str(ColName, r.Name)
	ptr(ColFieldManager, r.FieldManager)
	code := int32(0)
	if r.Code != nil {
		present |= presentBit[ColCode]
		code = *r.Code
	}
	b.codes = append(b.codes, code)
	b.str(ColUsername, r.Username)
	b.str(ColUserUID, r.UserUID)
	b.list(0, r.UserGroups)
	b.str(ColUserExtra, r.UserExtra)
	ptr(ColImpersonatedUsername, r.ImpersonatedUsername)
	b.str(ColImpersonatedUID, r.ImpersonatedUID)
	b.list(1, r.ImpersonatedGroups)
	b.str(ColImpersonatedExtra, r.ImpersonatedExtra)
	ptr(ColImpersonationConstraint, r.ImpersonationConstraint)
	b.list(2, r.SourceIPs)
	b.str(ColUserAgent, r.UserAgent)
	ptr(ColObjectResource, r.ObjectResource)
	b.str(ColObjectNamespace, r.ObjectNamespace)
	b.str(ColObjectName, r.ObjectName)
	b.str(ColObjectUID, r.ObjectUID)
	b.str(ColObjectAPIGroup, r.ObjectAPIGroup)
	b.str(ColObjectAPIVersion, r.ObjectAPIVersion)
	b.str(ColObjectResourceVersion, r.ObjectResourceVersion)
	b.str(ColObjectSubresource, r.ObjectSubresource)
	b.str(ColResponseStatus, r.ResponseStatus)
	b.str(ColResponseReason, r.ResponseReason)
	b.str(ColResponseMessage, r.ResponseMessage)
	b.str(ColResponseDetails, r.ResponseDetails)
	ptr(ColAuthzDecision, r.AuthzDecision)
	ptr(ColAuthzReason, r.AuthzReason)
	b.annotate(r.Annotations)
	b.str(ColRequestObject, r.RequestObject)
	b.str(ColResponseObject, r.ResponseObject)
	b.str(ColServer, r.Server)
	b.str(ColNode, r.Node)
	b.str(ColSourceFile, r.SourceFile)
	b.present = append(b.present, present)
}

// str appends a copy of v to column c.
func (b *Batch) str(c Column, v string) {
	b.strs[c] = append(b.strs[c], b.own(b.strs[c], v))
}

// own returns a copy of v, shared with the last string of column when
// equal to it.
func (b *Batch) own(column []string, v string) string {
	if n := len(column); n > 0 && column[n-1] == v {
		return column[n-1]
	}
	b.memory += int64(len(v))
	return b.slabs.clone(v)
}

// list appends a copy of values to the LIST column lists[i].
func (b *Batch) list(i int, values []string) {
	l := &b.lists[i]
	for _, v := range values {
		l.values = append(l.values, b.slabs.clone(v))
		b.memory += 16 + int64(len(v))
	}
	l.ends = append(l.ends, int32(len(l.values)))
}

// annotate appends a copy of the map m, sorted by key.
func (b *Batch) annotate(m map[string]string) {
	a := &b.annotations
	start := len(a.keys)
	for k, v := range m {
		// Insertion sort: an event has a few annotations.
		i := len(a.keys)
		a.keys, a.values = append(a.keys, ""), append(a.values, "")
		for ; i > start && a.keys[i-1] > k; i-- {
			a.keys[i], a.values[i] = a.keys[i-1], a.values[i-1]
		}
		a.keys[i], a.values[i] = b.slabs.clone(k), b.slabs.clone(v)
		b.memory += 32 + int64(len(k)+len(v))
	}
	a.ends = append(a.ends, int32(len(a.keys)))
}

// slabs hold copies of strings, in chunks reused after reset.
type slabs struct {
	chunks [][]byte
	used   int // chunks[:used] are in use, chunks[used-1] the one filling
}

// slabSize is the size of a slab chunk; strings over a quarter of it are
// allocated alone.
const slabSize = 64 << 10

// clone returns a copy of s.
func (s *slabs) clone(v string) string {
	if v == "" {
		return ""
	}
	if len(v) > slabSize/4 {
		return strings.Clone(v)
	}
	if s.used == 0 || cap(s.chunks[s.used-1])-len(s.chunks[s.used-1]) < len(v) {
		if s.used == len(s.chunks) {
			s.chunks = append(s.chunks, make([]byte, 0, slabSize))
		}
		s.used++
	}
	chunk := &s.chunks[s.used-1]
	start := len(*chunk)
	*chunk = append(*chunk, v...)
	return unsafe.String(&(*chunk)[start], len(v))
}

// reset makes every chunk free, for strings that replace those cloned.
func (s *slabs) reset() {
	for i := range s.chunks[:s.used] {
		s.chunks[i] = s.chunks[i][:0]
	}
	s.used = 0
}
