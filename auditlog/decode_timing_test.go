package auditlog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// metadataLines returns Metadata-level event lines: a typical OpenShift
// event in several variants, and the real v1beta1 capture of the corpus.
func metadataLines(b *testing.B) [][]byte {
	var lines [][]byte
	for i := range 200 {
		lines = append(lines, []byte(fmt.Sprintf(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"4f3c2a1e-%04d-4b5e-9d7a-3c2b1a0f9e8d","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/openshift-monitoring/configmaps/serving-certs-ca-bundle-%d?resourceVersion=0\u0026timeout=32s","verb":"get","user":{"username":"system:serviceaccount:openshift-monitoring:prometheus-operator","uid":"8d3f2e1a-5b4c-4d3e-9f8a-7b6c5d4e3f2a","groups":["system:serviceaccounts","system:serviceaccounts:openshift-monitoring","system:authenticated"],"extra":{"authentication.kubernetes.io/pod-name":["prometheus-operator-5d8f7c9b6-x2x4z"],"authentication.kubernetes.io/pod-uid":["1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"]}},"sourceIPs":["10.128.0.%d"],"userAgent":"operator/v0.0.0 (linux/amd64) kubernetes/$Format","objectRef":{"resource":"configmaps","namespace":"openshift-monitoring","name":"serving-certs-ca-bundle-%d","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2022-02-07T22:15:16.%06dZ","stageTimestamp":"2022-02-07T22:15:16.%06dZ","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by RoleBinding \"prometheus-operator/openshift-monitoring\" of Role \"prometheus-operator\" to ServiceAccount \"prometheus-operator/openshift-monitoring\""}}`,
			i, i, i%250, i, i*1000, i*1000+1297)))
	}
	data, err := os.ReadFile("../testdata/corpus/audit2rbac/demo-2017-raw-v1beta1.log")
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range bytes.Split(data, []byte("\n")) {
		if len(l) > 0 {
			lines = append(lines, l)
		}
	}
	return lines
}

// benchmarkLines decodes lines in turn: decode gets a line and its index.
func benchmarkLines(b *testing.B, lines [][]byte, decode func(line []byte, i int) error) {
	var size int64
	for _, l := range lines {
		size += int64(len(l))
	}
	b.SetBytes(size / int64(len(lines)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := decode(lines[i%len(lines)], i%len(lines)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode compares the decoder with encoding/json on Metadata-level
// events, all fields and the few fields a top view needs, decoding into a
// recycled event as the reader does.
func BenchmarkDecode(b *testing.B) {
	lines := metadataLines(b)
	b.Run("encoding-json", func(b *testing.B) {
		benchmarkLines(b, lines, func(l []byte, _ int) error {
			var ev auditv1.Event
			return json.Unmarshal(l, &ev)
		})
	})
	for _, c := range []struct {
		name   string
		fields Fields
	}{
		{"all", FieldsAll},
		{"user-top", FieldAuditID | FieldKind | FieldUser | FieldStage | FieldRequestURI | FieldRequestReceivedTimestamp},
		{"user-verb-uri-status", FieldAuditID | FieldKind | FieldUser | FieldVerb | FieldRequestURI | FieldResponseStatus | FieldStage | FieldRequestReceivedTimestamp},
		// What the findings read of every event.
		{"findings", FieldAuditID | FieldUser | FieldVerb | FieldRequestURI | FieldResponseCode | FieldStage |
			FieldRequestReceivedTimestamp | FieldStageTimestamp | FieldAnnotationsButAuthz},
	} {
		b.Run(c.name, func(b *testing.B) {
			d := newDecoder(c.fields)
			var ev auditv1.Event
			benchmarkLines(b, lines, func(l []byte, _ int) error {
				d.spare.recycle(&ev)
				return d.Decode(l, &ev)
			})
		})
		// The reader's way: strings point into the input block instead of
		// a copy of each line.
		b.Run(c.name+"-in-block", func(b *testing.B) {
			benchmarkLines(b, lines, inBlock(lines, c.fields))
		})
	}
}

// inBlock returns a function that decodes one of lines as the reader does:
// into a recycled event, its strings pointing into the line's text.
func inBlock(lines [][]byte, fields Fields) func([]byte, int) error {
	d := newDecoder(fields)
	var ev auditv1.Event
	texts := make([]string, len(lines))
	for i, l := range lines {
		texts[i] = string(l)
	}
	return func(l []byte, i int) error {
		d.spare.recycle(&ev)
		return d.decode(l, texts[i], &ev)
	}
}

// BenchmarkDecodeSample decodes the lines of the committed sample's
// kube-apiserver logs (the generator's mix of events, as in the harness) in
// the reader's block mode, for a user top and for every field.
func BenchmarkDecodeSample(b *testing.B) {
	lines, _ := logLines(b, "../testdata/must-gather/audit_logs/kube-apiserver")
	for _, c := range []struct {
		name   string
		fields Fields
	}{
		{"user-top", FieldUser | FieldStage | FieldRequestURI | FieldRequestReceivedTimestamp},
		{"all", FieldsAll},
	} {
		b.Run(c.name, func(b *testing.B) {
			benchmarkLines(b, lines, inBlock(lines, c.fields))
		})
	}
}
