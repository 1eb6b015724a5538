package mustgather

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// treeEvents decodes every event of the files of truth, by server.
func treeEvents(t *testing.T, dir string, truth *Truth) map[string][]*auditv1.Event {
	t.Helper()
	out := map[string][]*auditv1.Event{}
	for _, f := range truth.Files {
		content, err := readContent(t, filepath.Join(dir, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range lines(content) {
			ev := new(auditv1.Event)
			if err := json.Unmarshal(line, ev); err != nil {
				t.Fatal(err)
			}
			out[f.Server] = append(out[f.Server], ev)
		}
	}
	return out
}

// TestProxied: with Config.Proxied, kube-apiserver logs every resource
// request of the aggregated servers too, under the same auditID, around
// the aggregated server's own event; the aggregated servers' files are the
// same as without, and kube-apiserver's own requests are all still there.
func TestProxied(t *testing.T) {
	cfg := Config{Seed: 3, Events: 3000, Scenarios: ScenarioMix, Proxied: true}
	dir, plain := t.TempDir(), t.TempDir()
	truth, err := Generate(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Proxied = false
	without, err := Generate(plain, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{serverOpenShift, serverOAuth} {
		for _, f := range treeFiles(t, filepath.Join(dir, "audit_logs", s)) {
			a, _ := readContent(t, filepath.Join(dir, "audit_logs", s, f))
			b, _ := readContent(t, filepath.Join(plain, "audit_logs", s, f))
			if !bytes.Equal(a, b) {
				t.Errorf("%s/%s differs with Proxied", s, f)
			}
		}
	}
	for _, f := range truth.Files {
		content, _ := readContent(t, filepath.Join(dir, f.Path))
		var prev, ev auditv1.Event
		for i, line := range lines(content) {
			if err := json.Unmarshal(line, &ev); err != nil {
				t.Fatal(err)
			}
			if ev.StageTimestamp.Before(&prev.StageTimestamp) {
				t.Fatalf("%s:%d: stageTimestamp goes back in time", f.Path, i+1)
			}
			prev = ev
		}
	}
	evs, before := treeEvents(t, dir, truth), treeEvents(t, plain, without)
	kube := map[string]*auditv1.Event{}
	for _, ev := range evs[serverKube] {
		kube[string(ev.AuditID)+string(ev.Stage)] = ev
	}
	for _, ev := range before[serverKube] {
		if kube[string(ev.AuditID)+string(ev.Stage)] == nil {
			t.Fatalf("kube-apiserver's own request %s is gone with Proxied", ev.AuditID)
		}
	}
	var proxied, direct int64
	for _, s := range []string{serverOpenShift, serverOAuth} {
		for _, ev := range evs[s] {
			k := kube[string(ev.AuditID)+string(ev.Stage)]
			if ev.ObjectRef == nil {
				if k != nil {
					t.Errorf("%s: a health check %s was proxied", s, ev.RequestURI)
				}
				if ev.Stage == auditv1.StageResponseComplete {
					direct++
				}
				continue
			}
			if k == nil {
				t.Fatalf("%s: request %s %s has no kube-apiserver copy", s, ev.AuditID, ev.RequestURI)
			}
			if k.RequestURI != ev.RequestURI || k.Verb != ev.Verb || k.User.Username != ev.User.Username ||
				!k.RequestReceivedTimestamp.Before(&ev.RequestReceivedTimestamp) || !ev.StageTimestamp.Before(&k.StageTimestamp) {
				t.Fatalf("%s: kube-apiserver's copy of %s differs or is not around it:\n%+v\n%+v", s, ev.AuditID, k, ev)
			}
			if !strings.HasSuffix(k.ObjectRef.APIGroup, ".openshift.io") {
				t.Errorf("a proxied request of group %q", k.ObjectRef.APIGroup)
			}
			if ev.Stage == auditv1.StageResponseComplete {
				proxied++
			}
		}
	}
	os, oa := truth.Servers[serverOpenShift], truth.Servers[serverOAuth]
	if proxied == 0 || os.Proxied+oa.Proxied != proxied || os.Requests+oa.Requests-proxied != direct {
		t.Errorf("proxied %d, direct %d; truth %+v %+v", proxied, direct, os, oa)
	}
	k := truth.Servers[serverKube]
	if k.Requests != without.Servers[serverKube].Requests+proxied || truth.Requests != k.Requests+direct {
		t.Errorf("kube-apiserver requests %d (without proxying %d, proxied %d), all requests %d", k.Requests, without.Servers[serverKube].Requests, proxied, truth.Requests)
	}
}
