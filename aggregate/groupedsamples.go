package aggregate

import "github.com/auditlens/auditlens/auditlog"

// groupSamples are the samples of a Grouped's groups: per outer group, per
// group key (path, NUL, normalised query, NUL, user). A nil groupSamples
// keeps none and costs nothing.
type groupSamples map[*outerGroup]map[string]*Samples

// KeepSamples makes g keep up to MaxSamples auditIDs per group
// (Group.Samples), as Count.KeepSamples does, and returns g.
func (g *Grouped) KeepSamples() *Grouped {
	if g.samples == nil {
		g.samples = make(groupSamples)
	}
	return g
}

func (s groupSamples) fields() auditlog.Fields {
	if s == nil {
		return 0
	}
	return auditlog.FieldAuditID
}

// add offers the auditID of e to the samples of the group key in og.
func (s groupSamples) add(og *outerGroup, key []byte, e *auditlog.Entry) {
	if s == nil {
		return
	}
	m := s[og]
	if m == nil {
		m = make(map[string]*Samples)
		s[og] = m
	}
	addSample(m, key, e)
}

// merge adds the samples of another Grouped's outer group to og's.
func (s groupSamples) merge(og *outerGroup, o map[string]*Samples) {
	if s == nil || len(o) == 0 {
		return
	}
	m := s[og]
	if m == nil {
		m = make(map[string]*Samples, len(o))
		s[og] = m
	}
	mergeSamples(m, o)
}

// attach sets the samples of the groups of out, og's result.
func (s groupSamples) attach(og *outerGroup, out *GroupedOuter) {
	m := s[og]
	if m == nil {
		return
	}
	for i := range out.Groups {
		gr := &out.Groups[i]
		gr.Samples = m[gr.Path+"\x00"+gr.Query+"\x00"+gr.User].IDs()
	}
}

// forget drops the samples of the group key in og.
func (s groupSamples) forget(og *outerGroup, key string) {
	if s != nil {
		delete(s[og], key)
	}
}
