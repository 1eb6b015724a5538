package query

import (
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/format"
)

// spec is one of the command's views, -o NAME: the flags it reads, what
// it counts, and how it writes what it counted. Each lives in a file of
// its own and registers itself from an init function, so that adding a
// view touches that file and its test, nothing else.
type spec struct {
	// name is the -o value that chooses the view; "" for one line per
	// event.
	name string
	// doc is the view's name in its Document ("top" for -o csv).
	doc string
	// n is the N of -o NAME without =N (0: every row); takesN says
	// whether -o NAME=N is allowed.
	n      int
	takesN bool
	// encoding, when set, is the --format the view always writes in
	// (-o csv); otherwise it writes in any, but listings and pages in
	// text alone.
	encoding *format.Encoding
	// needsBy says -o NAME needs --by; the other flags say what it reads
	// besides the filters.
	needsBy, usesBy, usesSort, usesWindow, usesBucket bool
	// refusesBy says --by is an error with the view, and why.
	refusesBy string
	// listing, for a listing view, is how it lists events, one by one in
	// time order; it counts nothing.
	listing *format.ListStyle
	// page says the view writes one HTML page rather than a Document.
	page bool
	// build adds one worker's aggregators for the view to s and returns
	// what reads the view's answer once every worker's set is merged into
	// this one. Nil for a listing.
	build func(p *plan, s *aggregate.Set) answerFunc
}

// answerFunc reads a view's answer from its aggregators once every
// worker's are merged, given the summary of what the filters kept.
type answerFunc func(sum aggregate.SummaryResult) answer

// answer is a view's answer once counted: the parts of its Document, and
// how it writes them as text and CSV, or the HTML page of -o html.
type answer struct {
	parts     []format.Part
	text, csv func(w io.Writer) error
	// summarized says the text writes its own summary line, even of no
	// event (the stats view); the other text views print nothing when no
	// event was counted, as the reference tool, and the summary line
	// before their text otherwise.
	summarized bool
	page       *format.HTMLReport
}

// specs are the views, by -o name, as they registered.
var specs = map[string]*spec{}

// register adds a view; a view's file calls it from its init function.
func register(s *spec) {
	if s.doc == "" {
		s.doc = s.name
	}
	specs[s.name] = s
}

// view is a parsed -o and --format.
type view struct {
	*spec
	n   int // top N; 0 means every row
	enc format.Encoding
}

// isListing reports whether the view lists events rather than aggregates.
func (v view) isListing() bool { return v.listing != nil }

// samples reports whether the rows of the view's tables carry sample
// auditIDs: in JSON, to drill into with --uid (the text views of the
// reference have no room for them; the page chooses its own).
func (v view) samples() bool { return v.enc == format.JSON }

// outputNames lists the -o values, for error messages: "top, top=N, ...".
func outputNames(specs map[string]*spec) string {
	var names []string
	for _, s := range specs {
		if s.name == "" {
			continue
		}
		names = append(names, s.name)
		if s.takesN {
			names = append(names, s.name+"=N")
		}
	}
	slices.Sort(names)
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// viewsWith lists the views for which has is true, for error messages:
// "top, csv and latency".
func viewsWith(has func(*spec) bool) string {
	var names []string
	for _, s := range specs {
		if s.name != "" && has(s) {
			names = append(names, s.name)
		}
	}
	slices.Sort(names)
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// parseView parses -o and --format.
func parseView(output, fmtName string) (view, error) {
	var v view
	enc, err := format.ParseEncoding(fmtName)
	if err != nil {
		return v, errorf("format", "invalid --format value %q: expected text, json or csv", fmtName)
	}
	name, arg, hasArg := strings.Cut(output, "=")
	s, ok := specs[name]
	if !ok {
		return v, errorf("output", "invalid --output value %q: expected %s", output, outputNames(specs))
	}
	v = view{spec: s, n: s.n, enc: enc}
	if s.encoding != nil {
		v.enc = *s.encoding
	}
	if hasArg {
		if !s.takesN {
			return v, errorf("output", "invalid --output value %q: only %s take =N", output, viewsWith(func(s *spec) bool { return s.takesN }))
		}
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 {
			return v, errorf("output", "invalid --output value %q: N must be a whole number of at least 1", output)
		}
		v.n = n
	}
	if v.isListing() && enc != format.Text {
		return v, errorf("format", "--format=%s applies to -o %s, not to event listings (use -o json for JSON events)", fmtName,
			viewsWith(func(s *spec) bool { return s.listing == nil && !s.page }))
	}
	if v.page && v.enc != format.Text {
		return v, errorf("format", "--format=%s does not apply to -o %s, which writes an HTML page", fmtName, s.name)
	}
	return v, nil
}

// Outputs returns the values -o takes, sorted, "" (one line per event)
// first: the views that registered.
func Outputs() []string {
	names := make([]string, 0, len(specs))
	for name := range specs {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
