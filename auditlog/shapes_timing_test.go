package auditlog

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/auditlens/auditlens/internal/mustgather"
)

// BenchmarkShapes reads the same events laid out in several shapes with
// two workers: JSON lines (the API server's), a one-line AKS export with
// each event a JSON string, a pretty-printed EventList, and a compact JSON
// array. MB/s are of each file's bytes.
func BenchmarkShapes(b *testing.B) {
	dir := b.TempDir()
	truth, err := mustgather.Generate(dir, mustgather.Config{Seed: 1, Events: 20000, Scenarios: mustgather.ScenarioMix})
	if err != nil {
		b.Fatal(err)
	}
	var lines [][]byte
	for _, f := range truth.Files {
		if f.Server != "kube-apiserver" {
			continue
		}
		src := Source{Path: filepath.Join(dir, f.Path)}
		file, err := Open(&src)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		buf.ReadFrom(file)
		file.Close()
		lines = append(lines, bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n"))...)
	}
	var jsonl, aks, list, array bytes.Buffer
	aks.WriteString(`{"records":[`)
	list.WriteString("{\n  \"kind\": \"EventList\",\n  \"apiVersion\": \"audit.k8s.io/v1\",\n  \"items\": [\n")
	array.WriteByte('[')
	for i, l := range lines {
		jsonl.Write(l)
		jsonl.WriteByte('\n')
		if i > 0 {
			aks.WriteByte(',')
			list.WriteString(",\n")
			array.WriteByte(',')
		}
		s, _ := json.Marshal(string(l))
		fmt.Fprintf(&aks, `{"category":"kube-audit","properties":{"log":%s,"pod":"kube-apiserver-0"}}`, s)
		json.Indent(&list, l, "    ", "  ")
		array.Write(l)
	}
	aks.WriteString(`]}`)
	list.WriteString("\n  ]\n}\n")
	array.WriteByte(']')
	sinks := []Sink{SinkFunc(func(*Entry) {}), SinkFunc(func(*Entry) {})}
	for _, c := range []struct {
		name string
		data []byte
	}{{"json-lines", jsonl.Bytes()}, {"aks-export", aks.Bytes()}, {"eventlist-pretty", list.Bytes()}, {"json-array", array.Bytes()}} {
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, c.data, 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			var events int64
			for b.Loop() {
				r := NewReader([]Source{{Path: p}}, Options{EveryStage: true, EveryCopy: true, Fields: FieldUser | FieldStage | FieldRequestURI | FieldRequestReceivedTimestamp})
				if err := r.scan(context.Background(), sinks); err != nil {
					b.Fatal(err)
				}
				if events = r.Report().Events; events != int64(len(lines)) {
					b.Fatalf("%d events of %d", events, len(lines))
				}
			}
			b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
