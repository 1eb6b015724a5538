package parquetsource

import (
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/internal/auditparquet"
)

// columnsOf are the columns that hold the fields f, and those every entry
// needs: where it came from.
func columnsOf(f auditlog.Fields) auditparquet.Columns {
	cols := auditparquet.ColumnsOf(auditparquet.ColServer, auditparquet.ColNode,
		auditparquet.ColSourceFile, auditparquet.ColSourceLine)
	add := func(bit auditlog.Fields, cs ...auditparquet.Column) {
		if f&bit != 0 {
			cols |= auditparquet.ColumnsOf(cs...)
		}
	}
	add(auditlog.FieldKind, auditparquet.ColKind, auditparquet.ColEventAPIVersion)
	add(auditlog.FieldLevel, auditparquet.ColLevel)
	add(auditlog.FieldAuditID, auditparquet.ColAuditID)
	add(auditlog.FieldStage, auditparquet.ColStage)
	add(auditlog.FieldRequestURI, auditparquet.ColRequestURI)
	add(auditlog.FieldFieldManager, auditparquet.ColFieldManager)
	add(auditlog.FieldVerb, auditparquet.ColVerb)
	add(auditlog.FieldUser, auditparquet.ColUsername, auditparquet.ColUserUID)
	add(auditlog.FieldUserGroups, auditparquet.ColUserGroups)
	add(auditlog.FieldUserExtra, auditparquet.ColUserExtra)
	add(auditlog.FieldImpersonatedUser, auditparquet.ColImpersonatedUsername, auditparquet.ColImpersonatedUID,
		auditparquet.ColImpersonatedGroups, auditparquet.ColImpersonatedExtra)
	add(auditlog.FieldAuthenticationMetadata, auditparquet.ColImpersonationConstraint)
	add(auditlog.FieldSourceIPs, auditparquet.ColSourceIPs)
	add(auditlog.FieldUserAgent, auditparquet.ColUserAgent)
	add(auditlog.FieldObjectRef, auditparquet.ColObjectResource, auditparquet.ColObjectNamespace,
		auditparquet.ColObjectName, auditparquet.ColObjectUID, auditparquet.ColObjectAPIGroup,
		auditparquet.ColObjectAPIVersion, auditparquet.ColObjectResourceVersion, auditparquet.ColObjectSubresource)
	add(auditlog.FieldResponseStatus|auditlog.FieldResponseCode, auditparquet.ColCode)
	add(auditlog.FieldResponseStatus, auditparquet.ColResponseStatus, auditparquet.ColResponseReason,
		auditparquet.ColResponseMessage, auditparquet.ColResponseDetails)
	add(auditlog.FieldRequestObject, auditparquet.ColRequestObject)
	add(auditlog.FieldResponseObject, auditparquet.ColResponseObject)
	add(auditlog.FieldRequestReceivedTimestamp, auditparquet.ColRequestReceived)
	add(auditlog.FieldStageTimestamp, auditparquet.ColStageTimestamp)
	add(auditlog.FieldAnnotations|auditlog.FieldAnnotationsButAuthz, auditparquet.ColAnnotations)
	add(auditlog.FieldAnnotations, auditparquet.ColAuthzDecision, auditparquet.ColAuthzReason)
	return cols
}
