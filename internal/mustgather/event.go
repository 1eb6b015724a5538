package mustgather

import (
	"strconv"
	"time"
)

// Stages, in the order a request logs them.
const (
	stageRequestReceived uint8 = iota
	stageResponseStarted
	stageResponseComplete
	numStages
)

var stageNames = [numStages]string{"RequestReceived", "ResponseStarted", "ResponseComplete"}

// event is one audit event waiting to be written. Its strings come from the
// catalog, so an event allocates nothing of its own.
type event struct {
	recv, at   int64 // requestReceivedTimestamp, stageTimestamp: Unix µs
	seq        uint64
	stage      uint8
	level      uint8
	idHi, idLo uint64
	b          *behavior
	actor      int // index in b.actors
	ns, name   string
	sel        string // fieldSelector value of a watch
	rv         int64  // resourceVersion in the query
	timeoutS   int64  // a watch's timeoutSeconds
	code       int
	lat        int64 // latency of the request (µs), for annotations
	apfWait    int64 // µs queued by API Priority and Fairness (429s)
	podsec     bool
	huge       int // an injected huge line's least length
	p          *planted
}

func (e *event) user() *actor { return e.b.actors[e.actor] }

// latencyAnnotated reports whether the event carries the
// apiserver.latency.k8s.io annotations: a slow request, not a watch.
func (e *event) latencyAnnotated() bool {
	if e.p != nil {
		return e.stage == stageResponseComplete && e.p.annotated("apiserver.latency.k8s.io/total")
	}
	return e.stage == stageResponseComplete && e.lat >= 500000 && e.code != 429 && e.b.verb != "watch"
}

// nsKey is the namespace the reference tool reads from the URI.
func (e *event) nsKey() string {
	if e.b.res != nil && e.b.res.name == "namespaces" && e.name != "" {
		return e.name
	}
	return e.ns
}

// appendURI appends the request URI, JSON-escaped without quotes.
func (e *event) appendURI(b []byte) []byte {
	bh := e.b
	if bh.res == nil {
		return appendJSONInner(b, bh.path)
	}
	b = append(b, bh.res.prefix...)
	if bh.res.name == "namespaces" && e.name != "" {
		b = append(b, "/namespaces/"...)
		b = appendJSONInner(b, e.name)
	} else {
		if e.ns != "" {
			b = append(b, "/namespaces/"...)
			b = appendJSONInner(b, e.ns)
		}
		b = append(b, '/')
		b = append(b, bh.res.name...)
		if e.name != "" {
			b = append(b, '/')
			b = appendJSONInner(b, e.name)
		}
	}
	if bh.sub != "" {
		b = append(b, '/')
		b = append(b, bh.sub...)
	}
	if e.p != nil {
		if e.p.query != "" {
			b = appendPlantedQuery(b, e.p.query)
		}
		return b
	}
	const amp = `\u0026`
	switch bh.query {
	case qWatch, qWatchName, qWatchNode:
		b = append(b, "?allowWatchBookmarks=true"...)
		switch bh.query {
		case qWatchName:
			b = append(b, amp+"fieldSelector=metadata.name%3D"...)
			b = appendJSONInner(b, e.sel)
		case qWatchNode:
			b = append(b, amp+"fieldSelector=spec.nodeName%3D"...)
			b = appendJSONInner(b, e.sel)
		}
		b = append(b, amp+"resourceVersion="...)
		b = strconv.AppendInt(b, e.rv, 10)
		b = append(b, amp+"timeout="...)
		b = appendSeconds(b, e.timeoutS)
		b = append(b, amp+"timeoutSeconds="...)
		b = strconv.AppendInt(b, e.timeoutS, 10)
		b = append(b, amp+"watch=true"...)
	case qList:
		b = append(b, "?limit=500"+amp+"resourceVersion=0"...)
	case qRV0:
		b = append(b, "?resourceVersion=0"...)
	case qTimeout:
		b = append(b, "?timeout=10s"...)
	case qFieldManager:
		b = append(b, "?fieldManager="...)
		b = appendJSONInner(b, bh.fm)
	case qApply:
		b = append(b, "?fieldManager="...)
		b = appendJSONInner(b, bh.fm)
		b = append(b, amp+"force=true"...)
	}
	return b
}

// appendEvent appends the event as one JSON line, without the newline,
// field for field as the API server (and encoding/json) writes an
// audit.k8s.io/v1 Event.
func (e *event) appendEvent(b []byte, c *catalog) []byte {
	bh := e.b
	a := e.user()
	level := e.level
	if e.huge > 0 {
		level = levelRequestResponse
	}
	b = append(b, `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"`...)
	b = append(b, levelNames[level]...)
	b = append(b, `","auditID":"`...)
	b = appendUUID(b, e.idHi, e.idLo)
	b = append(b, `","stage":"`...)
	b = append(b, stageNames[e.stage]...)
	b = append(b, `","requestURI":"`...)
	b = e.appendURI(b)
	b = append(b, `","verb":"`...)
	b = append(b, bh.verb...)
	b = append(b, `","user":`...)
	b = append(b, a.userJSON...)
	if bh.imperson != nil {
		b = append(b, `,"impersonatedUser":`...)
		b = append(b, bh.imperson.userJSON...)
	}
	b = append(b, a.tailJSON...)
	if r := bh.res; r != nil {
		b = append(b, `,"objectRef":{"resource":"`...)
		b = append(b, r.name...)
		if ns := e.nsKey(); ns != "" {
			b = append(b, `","namespace":`...)
			b = appendJSONString(b, ns)
		} else {
			b = append(b, '"')
		}
		if e.name != "" {
			b = append(b, `,"name":`...)
			b = appendJSONString(b, e.name)
		}
		if r.group != "" {
			b = append(b, `,"apiGroup":"`...)
			b = append(b, r.group...)
			b = append(b, '"')
		}
		b = append(b, `,"apiVersion":"`...)
		b = append(b, r.version...)
		b = append(b, '"')
		if bh.sub != "" {
			b = append(b, `,"subresource":"`...)
			sub := bh.sub
			for i := 0; i < len(sub); i++ {
				if sub[i] == '/' {
					sub = sub[:i]
					break
				}
			}
			b = append(b, sub...)
			b = append(b, '"')
		}
		b = append(b, '}')
	}
	if e.stage != stageRequestReceived {
		b = e.appendStatus(b)
	}
	b = e.appendBodies(b, c, level)
	b = append(b, `,"requestReceivedTimestamp":`...)
	b = appendMicroTime(b, e.recv)
	b = append(b, `,"stageTimestamp":`...)
	b = appendMicroTime(b, e.at)
	if e.stage != stageRequestReceived {
		b = e.appendAnnotations(b)
	}
	return append(b, '}')
}

func (e *event) appendStatus(b []byte) []byte {
	b = append(b, `,"responseStatus":{"metadata":{}`...)
	bh := e.b
	what := ""
	if bh.res != nil {
		what = bh.res.name
	}
	switch e.code {
	case 200, 201:
	case 403:
		b = append(b, `,"status":"Failure","message":`...)
		b = append(b, '"')
		b = append(b, what...)
		if e.name != "" {
			b = append(b, ` \"`...)
			b = appendJSONInner(b, e.name)
			b = append(b, `\"`...)
		}
		b = append(b, ` is forbidden: User \"`...)
		b = appendJSONInner(b, e.user().username)
		b = append(b, `\" cannot `...)
		b = append(b, bh.verb...)
		b = append(b, ` resource \"`...)
		b = append(b, what...)
		if bh.sub != "" {
			b = append(b, '/')
			b = append(b, bh.sub[:len(bh.sub)-len(trimAfterSlash(bh.sub))]...)
		}
		b = append(b, `\" in API group \"`...)
		b = append(b, bh.res.group...)
		b = append(b, `\" at the cluster scope"`...)
		b = append(b, `,"reason":"Forbidden","details":{`...)
		if e.name != "" {
			b = append(b, `"name":`...)
			b = appendJSONString(b, e.name)
			b = append(b, ',')
		}
		b = append(b, `"kind":"`...)
		b = append(b, what...)
		b = append(b, `"}`...)
	case 404:
		b = append(b, `,"status":"Failure","message":`...)
		b = appendJSONString(b, what+` "`+e.name+`" not found`)
		b = append(b, `,"reason":"NotFound","details":{"name":`...)
		b = appendJSONString(b, e.name)
		b = append(b, `,"kind":"`...)
		b = append(b, what...)
		b = append(b, `"}`...)
	case 409:
		b = append(b, `,"status":"Failure","message":`...)
		b = appendJSONString(b, `Operation cannot be fulfilled on `+what+` "`+e.name+`": the object has been modified; please apply your changes to the latest version and try again`)
		b = append(b, `,"reason":"Conflict","details":{"name":`...)
		b = appendJSONString(b, e.name)
		b = append(b, `,"kind":"`...)
		b = append(b, what...)
		b = append(b, `"}`...)
	case 429:
		b = append(b, `,"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"retryAfterSeconds":1}`...)
	case 401:
		b = append(b, `,"status":"Failure","message":"Unauthorized","reason":"Unauthorized"`...)
	case 422:
		b = append(b, `,"status":"Failure","message":`...)
		b = appendJSONString(b, what+` is invalid: spec.template.spec.containers[0].image: Required value`)
		b = append(b, `,"reason":"Invalid"`...)
	case 500:
		b = append(b, `,"status":"Failure","message":"Internal error occurred","reason":"InternalError"`...)
	case 503:
		b = append(b, `,"status":"Failure","message":"the server is currently unable to handle the request","reason":"ServiceUnavailable"`...)
	}
	b = append(b, `,"code":`...)
	b = strconv.AppendInt(b, int64(e.code), 10)
	return append(b, '}')
}

// trimAfterSlash returns what follows the first '/' of s, with the slash.
func trimAfterSlash(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return s[i:]
		}
	}
	return ""
}

func appendDuration(b []byte, micros int64) []byte {
	return append(b, (time.Duration(micros) * time.Microsecond).String()...)
}

func (e *event) appendAnnotations(b []byte) []byte {
	if e.p != nil {
		return e.appendPlantedAnnotations(b)
	}
	b = append(b, `,"annotations":{`...)
	if e.code == 429 {
		b = append(b, `"apiserver.latency.k8s.io/apf-queue-wait":"`...)
		b = appendDuration(b, e.apfWait)
		return append(b, `"}`...)
	}
	if e.latencyAnnotated() {
		l := e.lat
		b = append(b, `"apiserver.latency.k8s.io/apf-queue-wait":"`...)
		b = appendDuration(b, l/97)
		b = append(b, `","apiserver.latency.k8s.io/etcd":"`...)
		b = appendDuration(b, l*3/5)
		b = append(b, `","apiserver.latency.k8s.io/response-write":"`...)
		b = appendDuration(b, l/23)
		b = append(b, `","apiserver.latency.k8s.io/serialize-response-object":"`...)
		b = appendDuration(b, l/9)
		b = append(b, `","apiserver.latency.k8s.io/total":"`...)
		b = appendDuration(b, l)
		b = append(b, `","apiserver.latency.k8s.io/transform-response-object":"`...)
		b = appendDuration(b, l/51)
		b = append(b, `",`...)
	}
	if e.code == 403 {
		b = append(b, `"authorization.k8s.io/decision":"forbid","authorization.k8s.io/reason":""`...)
	} else {
		b = append(b, `"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":`...)
		b = appendJSONString(b, e.user().reason)
	}
	if e.b.res != nil && e.b.res.name == "pods" && e.b.verb == "create" && e.b.sub == "" {
		if e.podsec {
			b = append(b, `,"pod-security.kubernetes.io/audit-violations":`...)
			b = appendJSONString(b, podSecurityViolation)
		}
		b = append(b, `,"pod-security.kubernetes.io/enforce-policy":"privileged:latest"`...)
	}
	return append(b, '}')
}

const podSecurityViolation = `would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`
