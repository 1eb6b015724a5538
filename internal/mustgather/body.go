package mustgather

import "strconv"

// appendBodies appends requestObject and responseObject as the level asks;
// only the ResponseComplete stage carries bodies.
func (e *event) appendBodies(b []byte, c *catalog, level uint8) []byte {
	if level == levelMetadata || e.stage != stageResponseComplete {
		return b
	}
	kind := e.b.body
	if e.huge > 0 {
		b = append(b, `,"responseObject":`...)
		return e.appendConfigMap(b, c, e.huge)
	}
	switch kind {
	case bodyObject:
		b = append(b, `,"requestObject":`...)
		b = e.appendObject(b, false)
		if level == levelRequestResponse {
			b = append(b, `,"responseObject":`...)
			b = e.appendObject(b, true)
		}
	case bodyPatch:
		b = append(b, `,"requestObject":{"status":{"conditions":[{"type":"Ready","status":"True","lastHeartbeatTime":`...)
		b = appendTimeSeconds(b, e.recv)
		b = append(b, `}]}}`...)
	case bodyBig:
		b = append(b, `,"requestObject":`...)
		b = e.appendConfigMap(b, c, 70<<10)
		if level == levelRequestResponse {
			b = append(b, `,"responseObject":`...)
			b = e.appendConfigMap(b, c, 70<<10)
		}
	case bodyDelete:
		b = append(b, `,"requestObject":{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}`...)
		if level == levelRequestResponse {
			b = append(b, `,"responseObject":`...)
			b = e.appendObject(b, true)
		}
	}
	return b
}

// objectName is the name of the object a body is about.
func (e *event) objectName() string {
	if e.name != "" {
		return e.name
	}
	return e.sel
}

// appendObject appends a small object of the event's resource.
func (e *event) appendObject(b []byte, stored bool) []byte {
	r := e.b.res
	b = append(b, `{"kind":"`...)
	b = append(b, r.kind...)
	b = append(b, `","apiVersion":"`...)
	if r.group != "" {
		b = append(b, r.group...)
		b = append(b, '/')
	}
	b = append(b, r.version...)
	b = append(b, `","metadata":{"name":`...)
	b = appendJSONString(b, e.objectName())
	if e.ns != "" {
		b = append(b, `,"namespace":`...)
		b = appendJSONString(b, e.ns)
	}
	if stored {
		b = append(b, `,"uid":"`...)
		b = appendUUID(b, e.idLo, e.idHi)
		b = append(b, `","resourceVersion":"`...)
		b = strconv.AppendInt(b, e.rv, 10)
		b = append(b, `","creationTimestamp":`...)
		b = appendTimeSeconds(b, e.recv-86400e6)
		if e.b.body == bodyDelete {
			b = append(b, `,"deletionTimestamp":`...)
			b = appendTimeSeconds(b, e.recv+30e6)
			b = append(b, `,"deletionGracePeriodSeconds":30`...)
		}
	}
	b = append(b, `,"labels":{"app":`...)
	b = appendJSONString(b, e.objectName())
	b = append(b, `}}`...)
	switch r.name {
	case "configmaps":
		b = append(b, `,"data":{"config.yaml":"apiVersion: v1\nkind: Config\nlogLevel: Normal\nreplicas: 3\n"}`...)
	case "pods":
		b = append(b, `,"spec":{"containers":[{"name":"app","image":"quay.io/example/app:1.4.2","resources":{}}],"restartPolicy":"Always"}`...)
		if stored {
			b = append(b, `,"status":{"phase":"Running"}`...)
		}
	default:
		b = append(b, `,"spec":{"replicas":2}`...)
	}
	return append(b, '}')
}

// appendConfigMap appends a configmap of at least size bytes: a CA bundle
// made of the catalog's certificates, in an order drawn from the auditID.
func (e *event) appendConfigMap(b []byte, c *catalog, size int) []byte {
	start := len(b)
	b = append(b, `{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":`...)
	b = appendJSONString(b, e.objectName())
	b = append(b, `,"namespace":`...)
	b = appendJSONString(b, e.ns)
	b = append(b, `,"resourceVersion":"`...)
	b = strconv.AppendInt(b, e.rv, 10)
	b = append(b, `"},"data":{"ca-bundle.crt":"`...)
	x := e.idLo | 1
	for len(b)-start < size {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b = appendJSONInner(b, c.bigCerts[x%uint64(len(c.bigCerts))])
	}
	return append(b, `"}}`...)
}

// appendTimeSeconds appends a quoted RFC3339 time with whole seconds, as
// metav1.Time marshals.
func appendTimeSeconds(b []byte, unixMicro int64) []byte {
	b = append(b, '"')
	b = appendTime(b, unixMicro/1e6*1e6, "2006-01-02T15:04:05Z07:00")
	return append(b, '"')
}
