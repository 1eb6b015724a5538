package format

import (
	"fmt"
)

// Encoding is how a view is written: --format.
type Encoding int

// The encodings of --format.
const (
	// Text is the reference tool's text views: the summary line, then the
	// view (nothing at all when no event was counted, as the reference).
	Text Encoding = iota
	// JSON is the Document as one indented JSON object (WriteDocument).
	JSON
	// CSV is the view's table as CSV, with a header row.
	CSV
)

// ParseEncoding returns the encoding named text, json or csv ("" is text).
func ParseEncoding(name string) (Encoding, error) {
	switch name {
	case "", "text":
		return Text, nil
	case "json":
		return JSON, nil
	case "csv":
		return CSV, nil
	}
	return Text, fmt.Errorf("format: unknown encoding %q: expected text, json or csv", name)
}

// String is the encoding's name, as ParseEncoding reads it.
func (e Encoding) String() string {
	switch e {
	case JSON:
		return "json"
	case CSV:
		return "csv"
	}
	return "text"
}
