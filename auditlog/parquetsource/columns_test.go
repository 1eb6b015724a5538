package parquetsource

import (
	"testing"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/auditparquet"
)

// TestColumnsOf: every column of an export is read back for some field
// but those derived for other engines (the latency, the parsed
// requestURI), where an entry came from is read whatever the fields, and a
// field reads its own columns only.
func TestColumnsOf(t *testing.T) {
	derived := auditparquet.ColumnsOf(auditparquet.ColLatencyUS, auditparquet.ColAPIGroup, auditparquet.ColAPIVersion,
		auditparquet.ColResource, auditparquet.ColSubresource, auditparquet.ColNamespace, auditparquet.ColName)
	if got, want := columnsOf(auditlog.FieldsAll), auditparquet.AllColumns&^derived; got != want {
		t.Errorf("columnsOf(FieldsAll) = %b, want %b", got, want)
	}
	where := auditparquet.ColumnsOf(auditparquet.ColServer, auditparquet.ColNode,
		auditparquet.ColSourceFile, auditparquet.ColSourceLine)
	if got := columnsOf(0); got != where {
		t.Errorf("columnsOf(0) = %b, want where entries came from %b", got, where)
	}
	for _, c := range []struct {
		f    auditlog.Fields
		want []auditparquet.Column
	}{
		{auditlog.FieldUser, []auditparquet.Column{auditparquet.ColUsername, auditparquet.ColUserUID}},
		{auditlog.FieldResponseCode, []auditparquet.Column{auditparquet.ColCode}},
		{auditlog.FieldFieldManager, []auditparquet.Column{auditparquet.ColFieldManager}},
		{auditlog.FieldAnnotationsButAuthz, []auditparquet.Column{auditparquet.ColAnnotations}},
		{auditlog.FieldAnnotations, []auditparquet.Column{auditparquet.ColAnnotations,
			auditparquet.ColAuthzDecision, auditparquet.ColAuthzReason}},
	} {
		if got, want := columnsOf(c.f), where|auditparquet.ColumnsOf(c.want...); got != want {
			t.Errorf("columnsOf(%v) = %b, want %b", c.f, got, want)
		}
	}
}
