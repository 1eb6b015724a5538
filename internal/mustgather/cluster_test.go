package mustgather

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

func TestGenerateCluster(t *testing.T) {
	dir := t.TempDir()
	cfg := ClusterConfig{Requests: 12_001, Duration: 4 * time.Minute}
	paths, err := GenerateCluster(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 3 {
		t.Fatalf("%d files, want one per master (3)", len(paths))
	}
	ids := map[string]bool{}
	users := map[string]bool{}
	objects := map[string]int{}
	codes := map[int32]int{}
	for _, p := range paths {
		if !strings.HasSuffix(p, ".log.gz") || !strings.Contains(p, "audit_logs/kube-apiserver/") {
			t.Errorf("file %s: not named as a must-gather names kube-apiserver's rotated logs", p)
		}
		content, err := readContent(t, p)
		if err != nil {
			t.Fatal(err)
		}
		var first, last time.Time
		for i, line := range lines(content) {
			var ev auditv1.Event
			if err := json.Unmarshal(line, &ev); err != nil {
				t.Fatalf("%s:%d: %v", p, i+1, err)
			}
			if ids[string(ev.AuditID)] {
				t.Fatalf("%s:%d: auditID %s twice", p, i+1, ev.AuditID)
			}
			ids[string(ev.AuditID)] = true
			users[ev.User.Username] = true
			if ev.Verb != "list" && ev.Verb != "watch" && ev.Verb != "create" {
				objects[ev.RequestURI]++
			}
			codes[ev.ResponseStatus.Code]++
			at := ev.RequestReceivedTimestamp.Time
			if at.Before(DefaultStart) || !at.Before(DefaultStart.Add(cfg.Duration)) {
				t.Fatalf("%s:%d: received at %v, outside the span", p, i+1, at)
			}
			if first.IsZero() {
				first = at
			}
			if at.Before(last) {
				t.Fatalf("%s:%d: time goes back", p, i+1)
			}
			last = at
		}
		// Every master logs across the whole span.
		if first.Sub(DefaultStart) > time.Minute || DefaultStart.Add(cfg.Duration).Sub(last) > time.Minute {
			t.Errorf("%s spans %v..%v, not the capture", p, first, last)
		}
	}
	if len(ids) != cfg.Requests {
		t.Errorf("%d requests, want %d", len(ids), cfg.Requests)
	}
	// Many users, and many objects named once: the shape's point.
	if len(users) < 2000 {
		t.Errorf("%d users, want thousands", len(users))
	}
	once := 0
	for _, n := range objects {
		if n == 1 {
			once++
		}
	}
	if once < len(ids)/10 {
		t.Errorf("%d objects named once in %d requests, want about one request in five", once, len(ids))
	}
	for _, c := range []int32{200, 201, 404, 409, 403, 429} {
		if codes[c] == 0 {
			t.Errorf("no %d response", c)
		}
	}
}

func TestGenerateClusterErrors(t *testing.T) {
	for _, cfg := range []ClusterConfig{
		{},
		{Requests: 10, Duration: time.Second},
		{Requests: 10, Duration: time.Hour},
		{Requests: 1000, Masters: -1},
	} {
		if _, err := GenerateCluster(t.TempDir(), cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}
