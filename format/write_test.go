package format

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/auditlens/auditlens/aggregate"
)

// TestDocumentParts: a Document's parts are members of its JSON object,
// after the summary and in order, a nil part left out; reading it back
// gives the same parts as raw JSON.
func TestDocumentParts(t *testing.T) {
	sum := aggregate.SummaryResult{Count: 3}
	c := aggregate.CountResult{By: "user", Total: 3, Rows: []aggregate.Row{{Key: "alice", Count: 3}}}
	d := Document{View: "top", Filter: "--verb=get", Summary: &sum,
		Parts: []Part{{"top", &c}, {"changes", nil}, {"latency", []int{1, 2}}}}
	var buf bytes.Buffer
	if err := WriteDocument(&buf, d); err != nil {
		t.Fatal(err)
	}
	var members []string
	dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
	dec.Token()
	for dec.More() {
		tok, _ := dec.Token()
		members = append(members, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := members, []string{"version", "view", "filter", "summary", "top", "latency"}; !slices.Equal(got, want) {
		t.Errorf("members %v, want %v\n%s", got, want, buf.Bytes())
	}
	var back Document
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Version != DocumentVersion || back.View != "top" || back.Filter != "--verb=get" || back.Summary.Count != 3 || len(back.Parts) != 2 {
		t.Fatalf("read back %+v", back)
	}
	var top aggregate.CountResult
	if err := json.Unmarshal(back.Part("top").(json.RawMessage), &top); err != nil || top.Total != 3 || top.Rows[0].Key != "alice" {
		t.Errorf("top read back %+v, %v", top, err)
	}
	if back.Part("grouped") != nil {
		t.Error("a part that is not there is not nil")
	}
}

func TestParseEncoding(t *testing.T) {
	for _, name := range []string{"", "text", "json", "csv", "xml", "JSON"} {
		enc, err := ParseEncoding(name)
		ok := name != "xml" && name != "JSON"
		if (err == nil) != ok {
			t.Errorf("ParseEncoding(%q) = %v, %v", name, enc, err)
		}
		if ok && name != "" && enc.String() != name {
			t.Errorf("ParseEncoding(%q).String() = %q", name, enc)
		}
	}
}
