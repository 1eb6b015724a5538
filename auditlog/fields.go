package auditlog

import "strings"

// Fields is a set of Event fields. Filters and aggregators declare the
// fields they read, and the decoder fills only those; fields outside the set
// are skipped without being decoded (their JSON is still validated).
type Fields uint32

// The fields of an audit Event that can be asked for one by one.
const (
	FieldKind                     Fields = 1 << iota // kind and apiVersion
	FieldLevel                                       // level
	FieldAuditID                                     // auditID
	FieldStage                                       // stage
	FieldRequestURI                                  // requestURI
	FieldVerb                                        // verb
	FieldUser                                        // user.username and user.uid
	FieldImpersonatedUser                            // impersonatedUser
	FieldAuthenticationMetadata                      // authenticationMetadata
	FieldSourceIPs                                   // sourceIPs
	FieldUserAgent                                   // userAgent
	FieldObjectRef                                   // objectRef
	FieldResponseStatus                              // responseStatus (all of it)
	FieldRequestObject                               // requestObject
	FieldResponseObject                              // responseObject
	FieldRequestReceivedTimestamp                    // requestReceivedTimestamp
	FieldStageTimestamp                              // stageTimestamp
	FieldAnnotations                                 // annotations
	FieldUserGroups                                  // user.groups
	FieldUserExtra                                   // user.extra
	FieldResponseCode                                // responseStatus.code alone
	FieldFieldManager                                // the requestURI's fieldManager parameter alone (Entry.FieldManager)
	// FieldAnnotationsButAuthz is the annotations but the authorizer's
	// decision and reason (authorization.k8s.io/decision and /reason),
	// which every authorized request carries and few readers need:
	// skipping them saves decoding the longest annotation of most events.
	// (A key written with escapes may still be decoded.)
	FieldAnnotationsButAuthz

	fieldEnd
)

// FieldsAll is every field of an Event.
const FieldsAll = fieldEnd - 1

// FieldsMetadata is every field except the request and response bodies:
// what an audit policy's Metadata level records.
const FieldsMetadata = FieldsAll &^ (FieldRequestObject | FieldResponseObject)

// fieldNames are the JSON names of the fields, in bit order.
var fieldNames = [...]string{
	"kind", "level", "auditID", "stage", "requestURI", "verb", "user",
	"impersonatedUser", "authenticationMetadata", "sourceIPs", "userAgent",
	"objectRef", "responseStatus", "requestObject", "responseObject",
	"requestReceivedTimestamp", "stageTimestamp", "annotations",
	"user.groups", "user.extra", "responseStatus.code", "requestURI.fieldManager",
	"annotations-but-authz",
}

// Has reports whether every field of g is in f.
func (f Fields) Has(g Fields) bool { return f&g == g }

// String lists the JSON names of the fields in f, separated by commas.
func (f Fields) String() string {
	var names []string
	for i, name := range fieldNames {
		if f&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	return strings.Join(names, ",")
}
