package auditparquet

// Column names a column of the schema (a map's keys and values are one
// Column), to say which ones a reader reads.
type Column uint8

// The columns, in the order of Row's fields.
const (
	ColRequestReceived Column = iota
	ColStageTimestamp
	ColLatencyUS
	ColAuditID
	ColKind
	ColEventAPIVersion
	ColLevel
	ColStage
	ColVerb
	ColRequestURI
	ColAPIGroup
	ColAPIVersion
	ColResource
	ColSubresource
	ColNamespace
	ColName
	ColFieldManager
	ColCode
	ColUsername
	ColUserUID
	ColUserGroups
	ColUserExtra
	ColImpersonatedUsername
	ColImpersonatedUID
	ColImpersonatedGroups
	ColImpersonatedExtra
	ColImpersonationConstraint
	ColSourceIPs
	ColUserAgent
	ColObjectResource
	ColObjectNamespace
	ColObjectName
	ColObjectUID
	ColObjectAPIGroup
	ColObjectAPIVersion
	ColObjectResourceVersion
	ColObjectSubresource
	ColResponseStatus
	ColResponseReason
	ColResponseMessage
	ColResponseDetails
	ColAuthzDecision
	ColAuthzReason
	ColAnnotations
	ColRequestObject
	ColResponseObject
	ColServer
	ColNode
	ColSourceFile
	ColSourceLine

	numColumns
)

// columnNames are the top-level names of the columns, in Column order.
var columnNames = [numColumns]string{
	"request_received", "stage_timestamp", "latency_us", "audit_id", "kind",
	"event_api_version", "level", "stage", "verb", "request_uri",
	"api_group", "api_version", "resource", "subresource", "namespace", "name",
	"field_manager", "code", "username", "user_uid", "user_groups",
	"user_extra", "impersonated_username", "impersonated_uid",
	"impersonated_groups", "impersonated_extra", "impersonation_constraint",
	"source_ips", "user_agent", "object_resource", "object_namespace",
	"object_name", "object_uid", "object_api_group", "object_api_version",
	"object_resource_version", "object_subresource", "response_status",
	"response_reason", "response_message", "response_details",
	"authz_decision", "authz_reason", "annotations", "request_object",
	"response_object", "server", "node", "source_file", "source_line",
}

// String is the column's name in the schema.
func (c Column) String() string {
	if c >= numColumns {
		return "column?"
	}
	return columnNames[c]
}

// kind says how a column is stored.
type kind uint8

const (
	kindString kind = iota // a string, required or optional
	kindInt64              // an int64 (timestamps too), required
	kindInt32              // an int32, optional
	kindList               // a required LIST of required strings
	kindMap                // a required MAP of required strings to required strings
)

// kindOf is how each column is stored.
func kindOf(c Column) kind {
	switch c {
	case ColRequestReceived, ColStageTimestamp, ColLatencyUS, ColSourceLine:
		return kindInt64
	case ColCode:
		return kindInt32
	case ColUserGroups, ColImpersonatedGroups, ColSourceIPs:
		return kindList
	case ColAnnotations:
		return kindMap
	}
	return kindString
}

// leafPaths returns the paths of the column's leaves in the schema: one,
// or the keys and the values of a map.
func leafPaths(c Column) [][]string { return leafPathsOf[c] }

var leafPathsOf = func() (paths [numColumns][][]string) {
	for c := range numColumns {
		name := c.String()
		switch kindOf(c) {
		case kindList:
			paths[c] = [][]string{{name, "list", "element"}}
		case kindMap:
			paths[c] = [][]string{{name, "key_value", "key"}, {name, "key_value", "value"}}
		default:
			paths[c] = [][]string{{name}}
		}
	}
	return paths
}()

// Columns is a set of columns.
type Columns uint64

// ColumnsOf returns the set of the given columns.
func ColumnsOf(cols ...Column) Columns {
	var s Columns
	for _, c := range cols {
		s |= 1 << c
	}
	return s
}

// AllColumns is every column of the schema.
const AllColumns = Columns(1)<<numColumns - 1

// Has reports whether c is in s.
func (s Columns) Has(c Column) bool { return s&(1<<c) != 0 }
