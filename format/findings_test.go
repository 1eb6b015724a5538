package format

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/findings"
)

// findingsOf runs the findings detectors over the kube-apiserver logs
// under dir, one set per worker of a Scan, merged, as a command would.
func findingsOf(t testing.TB, dir string, opts findings.Options) findings.Result {
	t.Helper()
	sources, err := auditlog.Find(dir)
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := auditlog.Scan(context.Background(), sources, auditlog.Options{}, func() *findings.Detectors { return findings.New(opts) })
	if err != nil {
		t.Fatal(err)
	}
	return d.Result()
}

// TestFindingsLab is -o findings on the committed sample must-gather, run
// from testdata/must-gather as in the support lab: it must name the
// monitoring agent first (its repeated full LISTs are the costliest load),
// and its 403 storm first among the errors.
func TestFindingsLab(t *testing.T) {
	res := findingsOf(t, "../testdata/must-gather/audit_logs/kube-apiserver",
		findings.Options{Files: []string{"audit_logs/kube-apiserver"}})
	if len(res.Findings) == 0 {
		t.Fatal("no findings")
	}
	const culprit = "system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent"
	if first := res.Findings[0]; first.Group != findings.GroupLoad || first.Rows[0].Offender != culprit {
		t.Errorf("first finding %s (%s) %s, want a load of %s", first.ID, first.Group, first.Summary, culprit)
	}
	i := slices.IndexFunc(res.Findings, func(f findings.Finding) bool { return f.Group == findings.GroupErrors })
	if i < 0 {
		t.Fatal("no errors")
	}
	if first := res.Findings[i]; first.ID != "denied-storm" || first.Subject != culprit || first.Rows[0].What != "GET /api/v1/nodes/{name}/proxy/metrics" {
		t.Errorf("first error %s %q %s, want the 403 storm of %s", first.ID, first.Subject, first.Summary, culprit)
	}
	var text bytes.Buffer
	if err := WriteFindings(&text, res, FindingsOptions{Samples: true}); err != nil {
		t.Fatal(err)
	}
	golden(t, "findings-lab.txt", text.Bytes())
}

// TestFindingsGolden renders every kind of finding, from the committed
// sample that plants them all, as text, CSV, JSON and HTML.
func TestFindingsGolden(t *testing.T) {
	res := findingsOf(t, "../testdata/findings/audit_logs/kube-apiserver",
		findings.Options{Files: []string{"testdata/findings"}})
	ids := map[string]bool{}
	for _, f := range res.Findings {
		ids[f.ID] = true
	}
	if len(ids) != 19 {
		t.Errorf("%d kinds of findings, want all 19 (secrets-wide: velero-lite reads payments' secrets): %v", len(ids), ids)
	}
	var text, csv, js, page bytes.Buffer
	if err := WriteFindings(&text, res, FindingsOptions{Samples: true}); err != nil {
		t.Fatal(err)
	}
	if err := WriteFindingsCSV(&csv, res); err != nil {
		t.Fatal(err)
	}
	if err := WriteDocument(&js, Document{View: "findings", Parts: []Part{{"findings", &res}}}); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&page, HTMLReport{Findings: &res}); err != nil {
		t.Fatal(err)
	}
	golden(t, "findings.txt", text.Bytes())
	golden(t, "findings.csv", csv.Bytes())
	golden(t, "findings.json", js.Bytes())
	golden(t, "findings.html", page.Bytes())

	// The JSON document reads back into the same result.
	var doc struct {
		Findings findings.Result `json:"findings"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(doc.Findings)
	want, _ := json.Marshal(res)
	if !bytes.Equal(again, want) {
		t.Error("the JSON document does not read back into the result")
	}
	// The findings come first on the page.
	p := page.String()
	if i, j := strings.Index(p, `id="findings"`), strings.Index(p, `id="summary"`); i < 0 || i > j {
		t.Errorf("findings at %d, summary at %d", i, j)
	}
}

// TestFindingsEmpty is a result without findings.
func TestFindingsEmpty(t *testing.T) {
	var text, csv, page bytes.Buffer
	res := findings.New(findings.Options{}).Result()
	if err := WriteFindings(&text, res, FindingsOptions{Samples: true}); err != nil {
		t.Fatal(err)
	}
	if err := WriteFindingsCSV(&csv, res); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&page, HTMLReport{Findings: &res}); err != nil {
		t.Fatal(err)
	}
	if got := text.String(); got != "No findings in 0 requests: nothing reaches the thresholds.\n" {
		t.Errorf("text %q", got)
	}
	if strings.Count(csv.String(), "\n") != 1 {
		t.Errorf("csv %q", csv.String())
	}
	if !strings.Contains(page.String(), "No findings in 0 requests") {
		t.Error("the page does not say there are no findings")
	}
}

// allFindings are options under which every detector reports everything
// it counted.
var allFindings = findings.Options{DeniedPerHour: -1, DeniedShare: -1, HotLoopPerMinute: -1, HotLoopMinutes: -1,
	WatchChurnPerHour: -1, WatchChurnShare: -1, EtcdListsPerHour: -1, RV0ListsPerHour: -1, WritesPerMinute: -1,
	WriteMinutes: -1, ConflictsPerHour: -1, InvalidPerHour: -1, ServerErrorSeconds: -1, ThrottledPerHour: -1,
	SlowPerHour: -1, SlowShare: -1, Files: []string{"logs/" + hostile[0]}}

// TestFindingsHostileText renders findings about hostile user names,
// URIs and user agents: the text holds no control character, the CSV no
// formula, the page no element or attribute from the logs.
func TestFindingsHostileText(t *testing.T) {
	d := findings.New(allFindings)
	for _, e := range hostileEntries() {
		d.Add(e)
	}
	for _, e := range loadEntries(t) {
		d.Add(e)
	}
	res := d.Result()
	if len(res.Findings) < 3 {
		t.Fatalf("%d findings", len(res.Findings))
	}
	var text, csv, page bytes.Buffer
	if err := WriteFindings(&text, res, FindingsOptions{Samples: true}); err != nil {
		t.Fatal(err)
	}
	if err := WriteFindingsCSV(&csv, res); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{text.String(), csv.String()} {
		if strings.ContainsAny(out, "\x1b\x07\r") {
			t.Errorf("output holds a control character:\n%q", out)
		}
	}
	if !strings.Contains(text.String(), Sanitize(hostile[5])) {
		t.Error("the hostile user is not shown")
	}
	for _, line := range strings.Split(csv.String(), "\n") {
		for _, c := range strings.Split(line, ",") {
			if strings.HasPrefix(c, "=") || strings.HasPrefix(c, "\"=") {
				t.Errorf("CSV cell %q starts a formula", c)
			}
		}
	}
	r := htmlReportOf(t, hostileEntries(), "", 10)
	r.Findings = &res
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	checkHTMLStructure(t, page.String())
	for _, bad := range []string{"<img", "<svg onload", "\x1b"} {
		if strings.Contains(strings.ToLower(page.String()), bad) {
			t.Errorf("page holds %q unescaped", bad)
		}
	}
	if n := strings.Count(strings.ToLower(page.String()), "<script"); n != 1 {
		t.Errorf("page holds %d <script, want the template's one", n)
	}
}

// TestFindingsNotes checks that the text and the page say when detectors
// did not keep every request: a full table with its count, objects let go
// without theirs (which depends on how the input was split between
// workers), so that the text is the same whatever the workers.
func TestFindingsNotes(t *testing.T) {
	res := findingsOf(t, "../testdata/findings/audit_logs/kube-apiserver", findings.Options{MaxKeys: 3, ObjectRows: 4})
	var text, page bytes.Buffer
	if err := WriteFindings(&text, res, FindingsOptions{Samples: true}); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&page, HTMLReport{Findings: &res}); err != nil {
		t.Fatal(err)
	}
	var full, letGo int
	for line := range strings.Lines(text.String()) {
		switch {
		case !strings.HasPrefix(line, "Note: "):
		case strings.Contains(line, " did not count ") && strings.HasSuffix(line, "requests: its tables were full (Options.MaxKeys).\n"):
			full++
		case strings.HasSuffix(line, " kept the objects requested most and let go of those requested least (Options.ObjectRows); a row whose count may be short says so.\n"):
			letGo++
		default:
			t.Errorf("note %q", line)
		}
	}
	if full == 0 || letGo != 1 {
		t.Errorf("%d notes of full tables, %d of objects let go (want one: hot-loop and write-churn read one table):\n%s", full, letGo, text.String())
	}
	if !strings.Contains(page.String(), "hot-loop and write-churn kept the objects requested most") {
		t.Error("the page does not say that hot-loop and write-churn let objects go")
	}
}
