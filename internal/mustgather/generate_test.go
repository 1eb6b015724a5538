package mustgather

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

var update = flag.Bool("update", false, "regenerate the committed samples under testdata/")

// samples are the committed samples and the configs that made them (the
// mkmustgather flags in testdata/must-gather/README.md).
var samples = []struct {
	dir string
	cfg Config
}{
	{"must-gather", Config{Seed: 1, Events: 20000, Scenarios: ScenarioMix, LiveFraction: 0.05, GzipLevel: 9}},
	{"must-gather-bad", Config{Seed: 1, Events: 3000, Scenarios: ScenarioMix, LiveFraction: 0.05, GzipLevel: 9,
		Bad: BadInput{TruncatedGzip: 1, CutLastLine: 1, NonJSON: 3, HostPrefix: 3, InvalidUTF8: 2, HugeLine: 1, HugeLineBytes: 100000}}},
	{"findings", Config{Seed: 1, Events: 1000, Duration: 30 * time.Minute, Masters: 2, Scenarios: ScenarioFindings,
		Files: 2, LiveFraction: 0.01, GzipLevel: 9}},
}

func repoTestdata(dir string) string { return filepath.Join("..", "..", "testdata", dir) }

func TestCommittedSampleIsReproducible(t *testing.T) {
	for _, s := range samples {
		t.Run(s.dir, func(t *testing.T) {
			want := repoTestdata(s.dir)
			if *update {
				readme, _ := os.ReadFile(filepath.Join(want, "README.md"))
				if err := os.RemoveAll(want); err != nil {
					t.Fatal(err)
				}
				if _, err := Generate(want, s.cfg); err != nil {
					t.Fatal(err)
				}
				if readme != nil {
					if err := os.WriteFile(filepath.Join(want, "README.md"), readme, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			got := t.TempDir()
			if _, err := Generate(got, s.cfg); err != nil {
				t.Fatal(err)
			}
			a, err := os.ReadFile(filepath.Join(want, TruthFile))
			if err != nil {
				t.Fatalf("%v (run go test -update to create the sample)", err)
			}
			b, _ := os.ReadFile(filepath.Join(got, TruthFile))
			if !bytes.Equal(a, b) {
				t.Errorf("truth.json differs from the committed one")
			}
			if _, err := os.Stat(filepath.Join(want, "README.md")); err == nil {
				if err := os.WriteFile(filepath.Join(got, "README.md"), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			compareTrees(t, want, got)
		})
	}
}

func TestCommittedSampleSize(t *testing.T) {
	var total int64
	for _, s := range samples {
		for _, f := range treeFiles(t, repoTestdata(s.dir)) {
			fi, err := os.Stat(filepath.Join(repoTestdata(s.dir), f))
			if err != nil {
				t.Fatal(err)
			}
			total += fi.Size()
		}
	}
	if total > 4<<20 {
		t.Errorf("committed samples take %d bytes", total)
	}
}

func TestDeterministic(t *testing.T) {
	cfg := samples[1].cfg
	cfg.Events = 2000
	a, b := t.TempDir(), t.TempDir()
	if _, err := Generate(a, cfg); err != nil {
		t.Fatal(err)
	}
	cfg.Parallel = 1 // must not change the output
	if _, err := Generate(b, cfg); err != nil {
		t.Fatal(err)
	}
	compareTrees(t, a, b)
	ta, _ := os.ReadFile(filepath.Join(a, TruthFile))
	tb, _ := os.ReadFile(filepath.Join(b, TruthFile))
	if !bytes.Equal(ta, tb) {
		t.Error("truth.json differs")
	}
	cfg.Seed = 2
	c := t.TempDir()
	if _, err := Generate(c, cfg); err != nil {
		t.Fatal(err)
	}
	tc, _ := os.ReadFile(filepath.Join(c, TruthFile))
	if bytes.Equal(ta, tc) {
		t.Error("seeds 1 and 2 gave the same truth")
	}
}

// TestLinesDecode checks that every generated line decodes with
// encoding/json into an Event that encodes back to the very same bytes,
// and that files are in time order.
func TestLinesDecode(t *testing.T) {
	t.Run("mix", func(t *testing.T) {
		n, big := linesDecode(t, Config{Seed: 7, Events: 6000, Scenarios: ScenarioMix, Workers: 5})
		if n < 6000 {
			t.Errorf("only %d lines", n)
		}
		if big == 0 {
			t.Error("no line over 64 KiB")
		}
	})
	t.Run("findings", func(t *testing.T) {
		// Planted requests interleave with the background's.
		n, _ := linesDecode(t, Config{Seed: 7, Events: 3000, Duration: 30 * time.Minute,
			Scenarios: ScenarioFindings | ScenarioOrdinary, Workers: 5})
		if n < 10000 {
			t.Errorf("only %d lines", n)
		}
	})
}

// linesDecode generates cfg and checks every line (see TestLinesDecode); it
// returns the number of lines and of lines over 64 KiB.
func linesDecode(t *testing.T, cfg Config) (n, big int) {
	dir := t.TempDir()
	truth, err := Generate(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range truth.Files {
		content, err := readContent(t, filepath.Join(dir, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		var prev time.Time
		for i, line := range lines(content) {
			var ev auditv1.Event
			if err := json.Unmarshal(line, &ev); err != nil {
				t.Fatalf("%s:%d: %v", f.Path, i+1, err)
			}
			if ev.AuditID == "" || ev.Kind != "Event" || ev.APIVersion != "audit.k8s.io/v1" {
				t.Fatalf("%s:%d: auditID %q kind %q apiVersion %q", f.Path, i+1, ev.AuditID, ev.Kind, ev.APIVersion)
			}
			again, err := json.Marshal(&ev)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, line) {
				t.Fatalf("%s:%d: re-encoded event differs:\nwrote %s\njson  %s", f.Path, i+1, line, again)
			}
			if ev.StageTimestamp.Before(&ev.RequestReceivedTimestamp) {
				t.Fatalf("%s:%d: stageTimestamp before requestReceivedTimestamp", f.Path, i+1)
			}
			if ev.StageTimestamp.Time.Before(prev) {
				t.Fatalf("%s:%d: stageTimestamp goes back in time", f.Path, i+1)
			}
			prev = ev.StageTimestamp.Time
			if len(line) > 64<<10 {
				big++
			}
			n++
		}
	}
	return n, big
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	cfg := samples[1].cfg
	truth, err := Generate(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		badTruncatedGzip: cfg.Bad.TruncatedGzip, badCutLastLine: cfg.Bad.CutLastLine,
		"non-json": cfg.Bad.NonJSON, "host-prefix": cfg.Bad.HostPrefix,
		"invalid-utf8": cfg.Bad.InvalidUTF8, "huge-line": cfg.Bad.HugeLine,
	}
	for k, v := range want {
		if truth.Bad.Injected[k] != v {
			t.Errorf("injected %d %s, want %d", truth.Bad.Injected[k], k, v)
		}
	}
	for _, b := range truth.Bad.Lines {
		content, derr := readContent(t, filepath.Join(dir, b.File))
		ls := lines(content)
		if b.Line < 1 || int(b.Line) > len(ls) {
			t.Errorf("%s: line %d of %d", b.Kind, b.Line, len(ls))
			continue
		}
		line := ls[b.Line-1]
		var ev auditv1.Event
		decodes := json.Unmarshal(line, &ev) == nil && ev.AuditID != ""
		switch b.Kind {
		case badTruncatedGzip:
			if !errors.Is(derr, io.ErrUnexpectedEOF) || int(b.Line) != len(ls) || !bytes.HasSuffix(content, []byte("\n")) || !decodes {
				t.Errorf("truncated gzip %s: error %v, %d lines, want %d whole lines", b.File, derr, len(ls), b.Line)
			}
		case badCutLastLine:
			if int(b.Line) != len(ls) || bytes.HasSuffix(content, []byte("\n")) || decodes {
				t.Errorf("cut last line %s:%d: %d lines, decodes %v", b.File, b.Line, len(ls), decodes)
			}
		case "non-json":
			if decodes {
				t.Errorf("non-json %s:%d decodes", b.File, b.Line)
			}
		case "host-prefix":
			prefix, rest, _ := bytes.Cut(line, []byte(" "))
			if !strings.HasPrefix(filepath.Base(b.File), string(prefix)+"-audit") || json.Unmarshal(rest, &ev) != nil {
				t.Errorf("host-prefix %s:%d: %.80s", b.File, b.Line, line)
			}
		case "invalid-utf8":
			if !bytes.Contains(line, []byte("\xff\xfe")) || !decodes {
				t.Errorf("invalid-utf8 %s:%d: decodes %v", b.File, b.Line, decodes)
			}
		case "huge-line":
			if len(line) < cfg.Bad.HugeLineBytes || !decodes {
				t.Errorf("huge line %s:%d: %d bytes, decodes %v", b.File, b.Line, len(line), decodes)
			}
		default:
			t.Errorf("unknown kind %q", b.Kind)
		}
		if b.Kind != badTruncatedGzip && derr != nil && !errors.Is(derr, io.ErrUnexpectedEOF) {
			t.Errorf("%s: %v", b.File, derr)
		}
	}
	recount(t, dir, truth)
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []Config{
		{Events: -1},
		{Events: 10, Bad: BadInput{TruncatedGzip: 100}},
		{Events: 10, Bad: BadInput{NonJSON: -1}},
		{Events: 10, Duration: time.Millisecond},
		{Events: 10, GzipLevel: 12},
	} {
		if _, err := Generate(t.TempDir(), cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

func TestParseScenario(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Scenario
		wantErr bool
	}{
		{"", 0, false},
		{"none", 0, false},
		{"mix", ScenarioMix, false},
		{"metrics-403", ScenarioMetrics403, false},
		{"pod-delete, throttled-controller", ScenarioPodDelete | ScenarioThrottled, false},
		{"metrics-403,bogus", 0, true},
	} {
		got, err := ParseScenario(tc.in)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("ParseScenario(%q) = %v, %v", tc.in, got, err)
		}
		if err == nil {
			back, err := ParseScenario(got.String())
			if err != nil || back != got {
				t.Errorf("%q: String %q parses back to %v, %v", tc.in, got.String(), back, err)
			}
		}
	}
}

func FuzzParseScenario(f *testing.F) {
	for _, s := range []string{"", "mix", "metrics-403,pod-delete", "none,throttled-controller", "x,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sc, err := ParseScenario(s)
		if err != nil {
			return
		}
		back, err := ParseScenario(sc.String())
		if err != nil || back != sc {
			t.Fatalf("%q: %v round-trips to %v, %v", s, sc, back, err)
		}
	})
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `a"b\c`, "a&b<c>d", "tab\tnl\ncr\r\b\f\x01\x1f", "é世界", "\u2028\u2029", "bad\xff\xfeutf8", "\x7f"} {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "a&b", "\x00\xff", "\u2028", `"\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	})
}

func BenchmarkGenerate(b *testing.B) {
	dir := b.TempDir()
	var events int64
	for b.Loop() {
		truth, err := Generate(dir, Config{Seed: 1, Events: 50000, Scenarios: ScenarioMix, Parallel: 1})
		if err != nil {
			b.Fatal(err)
		}
		events = 0
		for _, s := range truth.Servers {
			events += s.Events
		}
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
