package format

import (
	"bytes"
	"strings"
	"testing"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
)

// TestSamplesViews checks where the sample auditIDs of top, grouped and
// latency rows show: in JSON and on the HTML page, never in the text views
// (which stay byte-identical to the reference's).
func TestSamplesViews(t *testing.T) {
	entries := loadEntries(t)
	plain := []auditlog.Sink{aggregate.NewCount(mustKey(t, "user")), aggregate.NewGrouped(mustKey(t, "verb")), aggregate.NewLatency(mustKey(t, "resource"))}
	sampled := []auditlog.Sink{aggregate.NewCount(mustKey(t, "user")).KeepSamples(), aggregate.NewGrouped(mustKey(t, "verb")).KeepSamples(),
		aggregate.NewLatency(mustKey(t, "resource")).KeepSamples()}
	text := func(s []auditlog.Sink) string {
		for _, a := range s {
			feed(entries, a)
		}
		var b bytes.Buffer
		if err := WriteCount(&b, s[0].(*aggregate.Count).Result(5)); err != nil {
			t.Fatal(err)
		}
		if err := WriteGrouped(&b, s[1].(*aggregate.Grouped).Result(5)); err != nil {
			t.Fatal(err)
		}
		if err := WriteLatency(&b, s[2].(*aggregate.Latency).Result(5)); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	if a, b := text(plain), text(sampled); a != b {
		t.Errorf("samples change the text views:\n%s\nwant:\n%s", b, a)
	}
	top, grouped, latency := sampled[0].(*aggregate.Count).Result(5), sampled[1].(*aggregate.Grouped).Result(5), sampled[2].(*aggregate.Latency).Result(5)
	if len(top.Rows[0].Samples) == 0 || len(grouped.Outer[0].Groups[0].Samples) == 0 || len(latency.Rows[0].Samples) == 0 {
		t.Fatal("no samples")
	}
	var js, page bytes.Buffer
	if err := WriteDocument(&js, Document{View: "top", Parts: []Part{{"top", &top}, {"grouped", &grouped}, {"latency", &latency}}}); err != nil {
		t.Fatal(err)
	}
	golden(t, "samples.json", js.Bytes())
	r := htmlReportOf(t, entries, "", 5)
	r.Tops, r.Grouped, r.Latency = []aggregate.CountResult{top}, &grouped, &latency
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	checkHTMLStructure(t, page.String())
	if n := strings.Count(page.String(), "sample auditIDs</summary>"); n < 10 {
		t.Errorf("%d rows of the page show samples", n)
	}
	for _, id := range top.Rows[0].Samples {
		if !strings.Contains(page.String(), id) {
			t.Errorf("the page lacks sample %s", id)
		}
	}
}
