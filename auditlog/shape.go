package auditlog

import "fmt"

// Shape is a way audit events are laid out in a file. The reader tells the
// shape of every event by content, never by file name: a file may mix
// shapes (a JSON-lines log with a few wrapped records in it), and a record
// wrapped in another (a JSON array of AKS records) is counted in the
// outer wrapper's shape, the one that names where it came from.
type Shape uint8

// The shapes, from the plainest to the most specific. An event found
// inside several wrappers takes the highest one.
const (
	// ShapeLines is one audit.k8s.io Event per line, as API servers write
	// them (a line may start with a host name, a fluentd time and tag, or
	// a timestamp, which are stripped).
	ShapeLines Shape = iota
	// ShapeDocument is an Event written as a whole JSON document, such as a
	// pretty-printed event, or several one after another (jq's output).
	ShapeDocument
	// ShapeArray is a JSON array of events.
	ShapeArray
	// ShapeEventList is an audit.k8s.io EventList, whose items may lack
	// kind and apiVersion (as an audit webhook sends them).
	ShapeEventList
	// ShapeContainerLog is a container log record holding the event in
	// "log" (Docker's json-file driver, fluentd, Fluent Bit).
	ShapeContainerLog
	// ShapeCloudWatch is Amazon CloudWatch Logs (EKS): the event in
	// "@message" or "message" of an exported record, of aws logs
	// filter-log-events or get-log-events output ({"events":[...]}), of
	// Logs Insights results, or of a subscription payload (logEvents).
	ShapeCloudWatch
	// ShapeCloudLogging is Google Cloud Logging: a GKE entry, whose
	// protoPayload (a google.cloud.audit.AuditLog) is mapped onto an Event
	// (see the package documentation for the mapping and its gaps), or an
	// entry holding an Event in jsonPayload.
	ShapeCloudLogging
	// ShapeAKS is Azure Monitor diagnostic records (AKS) of category
	// kube-audit or kube-audit-admin, the event in properties.log as a JSON
	// string or object: an export ({"records":[...]}, one line or
	// pretty-printed) or one record per line (a storage account's
	// PT1H.json).
	ShapeAKS

	numShapes
)

var shapeNames = [numShapes]string{
	"JSON lines", "JSON document", "JSON array", "EventList", "container log",
	"CloudWatch export", "Cloud Logging export", "AKS export",
}

// String names the shape as the read report does: "AKS export".
func (s Shape) String() string {
	if s >= numShapes {
		return fmt.Sprintf("Shape(%d)", int(s))
	}
	return shapeNames[s]
}

// Shapes lists every shape, in order.
func Shapes() []Shape {
	s := make([]Shape, numShapes)
	for i := range s {
		s[i] = Shape(i)
	}
	return s
}
