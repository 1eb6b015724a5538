package auditparquet

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/parquet-go/parquet-go"
)

// rowsPerWrite is how many rows of a column WriteRowGroup hands the
// Parquet library at once: as many as its GenericWriter does, so that the
// pages end at the same rows (a page ends at the first such step past the
// page buffer's size), and the files are those it writes.
const rowsPerWrite = 64

// leafOf says where a column's values go in a writer's schema: the index
// of its leaf (two for the map: keys, then values) and whether it is
// optional.
type leafOf struct {
	index    [2]int
	optional bool
}

// leavesOf maps each column of schema to its leaves.
func leavesOf(schema *parquet.Schema) (leaves [numColumns]leafOf, err error) {
	for c := range numColumns {
		for i, path := range leafPaths(c) {
			leaf, ok := schema.Lookup(path...)
			if !ok {
				return leaves, fmt.Errorf("the schema has no column %v", path)
			}
			leaves[c].index[i] = leaf.ColumnIndex
			leaves[c].optional = leaf.MaxDefinitionLevel > 0 && kindOf(c) != kindList && kindOf(c) != kindMap
		}
	}
	return leaves, nil
}

// WriteRowGroup writes the rows of b to w as one row group, sorted by
// RequestReceived (rows received at the same time in the order added),
// then ends the row group (w.Flush). It writes the values of each column
// straight into w's column writers: no row is made nor walked by
// reflection, and the file is the one w.Write of b's rows, so sorted,
// then w.Flush would write. b is left as it was: Reset it to reuse it.
func WriteRowGroup(w *parquet.GenericWriter[*Row], b *Batch) error {
	if b.Len() == 0 {
		return nil
	}
	leaves, err := leavesOf(w.Schema())
	if err != nil {
		return err
	}
	order := b.sortOrder()
	writers := w.ColumnWriters()
	var values []parquet.Value
	for c := range numColumns {
		leaf := &leaves[c]
		for i, index := range leaf.index[:len(leafPaths(c))] {
			cw := writers[index]
			for start := 0; start < len(order); start += rowsPerWrite {
				rows := order[start:min(start+rowsPerWrite, len(order))]
				values = b.appendValues(values[:0], c, i, leaf.optional, index, rows)
				if _, err := cw.WriteRowValues(values); err != nil {
					return fmt.Errorf("column %s: %w", c, err)
				}
			}
		}
	}
	clear(values)
	return w.Flush()
}

// sortOrder returns the indexes of b's rows sorted by RequestReceived,
// stably.
func (b *Batch) sortOrder() []int32 {
	order := b.order[:0]
	for i := range b.Len() {
		order = append(order, int32(i))
	}
	received := b.ints[0]
	slices.SortStableFunc(order, func(x, y int32) int { return cmp.Compare(received[x], received[y]) })
	b.order = order
	return order
}

// appendValues appends the values of column c for rows to values: of its
// leaf i (a map has two: keys, values), at index in the schema, optional
// or not. The levels of a value are set (Value.Level, not free: it is
// checked) only where they are not zero; the column writers read no
// value's column index.
func (b *Batch) appendValues(values []parquet.Value, c Column, i int, optional bool, index int, rows []int32) []parquet.Value {
	switch kindOf(c) {
	case kindInt64:
		column := b.ints[slices.Index(intColumns[:], c)]
		for _, r := range rows {
			values = append(values, parquet.Int64Value(column[r]))
		}
	case kindInt32:
		bit := presentBit[c]
		for _, r := range rows {
			if b.present[r]&bit == 0 {
				values = append(values, parquet.NullValue())
			} else {
				values = append(values, parquet.Int32Value(b.codes[r]).Level(0, 1, index))
			}
		}
	case kindList:
		l := &b.lists[slices.Index(listColumns[:], c)]
		values = appendRepeated(values, &l.elements, l.ends, rows, index)
	case kindMap:
		a := &b.annotations
		if i == 0 {
			values = appendRepeated(values, &a.keys, a.ends, rows, index)
		} else {
			values = appendRepeated(values, &a.values, a.ends, rows, index)
		}
	default:
		column := &b.strs[c]
		bit := presentBit[c]
		switch {
		case !optional:
			for _, r := range rows {
				values = append(values, parquet.ByteArrayValue(column.row(r)))
			}
		case bit != 0:
			for _, r := range rows {
				if b.present[r]&bit == 0 {
					values = append(values, parquet.NullValue())
				} else {
					values = append(values, parquet.ByteArrayValue(column.row(r)).Level(0, 1, index))
				}
			}
		default:
			for _, r := range rows {
				if v := column.row(r); len(v) == 0 {
					values = append(values, parquet.NullValue())
				} else {
					values = append(values, parquet.ByteArrayValue(v).Level(0, 1, index))
				}
			}
		}
	}
	return values
}

// appendRepeated appends the values of a required LIST of required strings
// (or of a map's keys or values) for rows: the elements, by the end of
// each row's, one null for a row of none.
func appendRepeated(values []parquet.Value, elements *stringColumn, ends []uint32, rows []int32, index int) []parquet.Value {
	for _, r := range rows {
		start := uint32(0)
		if r > 0 {
			start = ends[r-1]
		}
		if start == ends[r] {
			values = append(values, parquet.NullValue())
			continue
		}
		values = append(values, parquet.ByteArrayValue(elements.value(start)).Level(0, 1, index))
		for j := start + 1; j < ends[r]; j++ {
			values = append(values, parquet.ByteArrayValue(elements.value(j)).Level(1, 1, index))
		}
	}
	return values
}
