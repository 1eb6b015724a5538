package aggregate

import "github.com/auditlens/auditlens/auditlog"

// KeepSamples makes g keep up to MaxSamples auditIDs per group
// (Group.Samples), as Count.KeepSamples does, and returns g. A group's
// samples take a few hundred bytes, with the group: a bounded grouping
// (KeepAtMost) lets them go with it.
func (g *Grouped) KeepSamples() *Grouped {
	g.samples = true
	return g
}

// sampleFields are the fields the samples read.
func (g *Grouped) sampleFields() auditlog.Fields {
	if !g.samples {
		return 0
	}
	return auditlog.FieldAuditID
}
