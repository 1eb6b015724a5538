package auditparquet

// SchemaKey is the file metadata key that marks a Parquet file as written
// by auditlens; its value is the schema's version, [SchemaVersion]. A file
// without it is not ours.
const SchemaKey = "auditlens.schema"

// SchemaVersion is the version of the schema that [Row] describes.
const SchemaVersion = "1"

// ClusterKey is the file metadata key that holds the name of the cluster
// the events came from (also in the path: cluster=NAME).
const ClusterKey = "auditlens.cluster"

// The annotations promoted to columns of their own (and left out of the
// annotations map).
const (
	AnnotationDecision = "authorization.k8s.io/decision"
	AnnotationReason   = "authorization.k8s.io/reason"
)

// Row is one audit event as a Parquet row. Its struct tags are the schema:
// see docs/parquet.md for the meaning of each column. Strings of a
// low-cardinality are dictionary-encoded, the others PLAIN; columns an event
// may lack are optional (null), except lists and maps, which are empty.
type Row struct {
	RequestReceived int64  `parquet:"request_received,timestamp(microsecond)"`
	StageTimestamp  int64  `parquet:"stage_timestamp,timestamp(microsecond)"`
	LatencyUS       int64  `parquet:"latency_us"`
	AuditID         string `parquet:"audit_id,plain"`
	Kind            string `parquet:"kind,dict"`
	EventAPIVersion string `parquet:"event_api_version,dict"`
	Level           string `parquet:"level,dict"`
	Stage           string `parquet:"stage,dict"`
	Verb            string `parquet:"verb,dict"`
	RequestURI      string `parquet:"request_uri,plain"`

	APIGroup     string  `parquet:"api_group,dict"`
	APIVersion   string  `parquet:"api_version,dict"`
	Resource     string  `parquet:"resource,dict"`
	Subresource  string  `parquet:"subresource,dict"`
	Namespace    string  `parquet:"namespace,dict"`
	Name         string  `parquet:"name,dict"`
	FieldManager *string `parquet:"field_manager,optional,dict"`

	Code *int32 `parquet:"code,optional"`

	Username   string   `parquet:"username,dict"`
	UserUID    string   `parquet:"user_uid,dict"`
	UserGroups []string `parquet:"user_groups,list" parquet-element:",dict"`
	UserExtra  string   `parquet:"user_extra,optional,plain"`

	ImpersonatedUsername    *string  `parquet:"impersonated_username,optional,dict"`
	ImpersonatedUID         string   `parquet:"impersonated_uid,optional,dict"`
	ImpersonatedGroups      []string `parquet:"impersonated_groups,list" parquet-element:",dict"`
	ImpersonatedExtra       string   `parquet:"impersonated_extra,optional,plain"`
	ImpersonationConstraint *string  `parquet:"impersonation_constraint,optional,dict"`

	SourceIPs []string `parquet:"source_ips,list" parquet-element:",dict"`
	UserAgent string   `parquet:"user_agent,dict"`

	ObjectResource        *string `parquet:"object_resource,optional,dict"`
	ObjectNamespace       string  `parquet:"object_namespace,optional,dict"`
	ObjectName            string  `parquet:"object_name,optional,dict"`
	ObjectUID             string  `parquet:"object_uid,optional,plain"`
	ObjectAPIGroup        string  `parquet:"object_api_group,optional,dict"`
	ObjectAPIVersion      string  `parquet:"object_api_version,optional,dict"`
	ObjectResourceVersion string  `parquet:"object_resource_version,optional,plain"`
	ObjectSubresource     string  `parquet:"object_subresource,optional,dict"`

	ResponseStatus  string `parquet:"response_status,optional,dict"`
	ResponseReason  string `parquet:"response_reason,optional,dict"`
	ResponseMessage string `parquet:"response_message,optional,plain"`
	ResponseDetails string `parquet:"response_details,optional,plain"`

	AuthzDecision *string           `parquet:"authz_decision,optional,dict"`
	AuthzReason   *string           `parquet:"authz_reason,optional,dict"`
	Annotations   map[string]string `parquet:"annotations" parquet-key:",dict" parquet-value:",plain"`

	RequestObject  string `parquet:"request_object,optional,plain"`
	ResponseObject string `parquet:"response_object,optional,plain"`

	Server     string `parquet:"server,dict"`
	Node       string `parquet:"node,dict"`
	SourceFile string `parquet:"source_file,dict"`
	SourceLine int64  `parquet:"source_line"`
}
