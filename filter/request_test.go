package filter

import "testing"

// TestURIDerived checks the filters that read the parsed requestURI on
// paths where parsing is tricky.
func TestURIDerived(t *testing.T) {
	tests := []struct {
		uri    string
		filter Filter
		want   bool
	}{
		// The namespace object: resource namespaces, namespace and name ns.
		{"/api/v1/namespaces/ns", Namespaces("ns"), true},
		{"/api/v1/namespaces/ns", Names("ns"), true},
		{"/api/v1/namespaces/ns", Subresources("-*"), true},
		{"/api/v1/namespaces", Namespaces(""), true}, // the list of namespaces is cluster-scoped
		{"/api/v1/namespaces", Namespaces("-*"), false},
		{"/api/v1/namespaces", Namespaces("-kube-*"), true},
		// Its finalize subresource.
		{"/api/v1/namespaces/ns/finalize", Namespaces("ns"), true},
		{"/api/v1/namespaces/ns/finalize", Subresources("finalize"), true},
		{"/api/v1/namespaces/ns/finalize", Subresources("-*"), false},
		{"/api/v1/namespaces/ns/finalize", Names("ns"), true},
		// A deep subresource path of a named group.
		{"/apis/g/v/namespaces/ns/r/n/sub/more", Subresources("sub"), true},
		{"/apis/g/v/namespaces/ns/r/n/sub/more", Subresources("sub/more"), true},
		{"/apis/g/v/namespaces/ns/r/n/sub/more", Subresources("more"), false},
		{"/apis/g/v/namespaces/ns/r/n/sub/more", Subresources("sub*"), true},
		{"/apis/g/v/namespaces/ns/r/n/sub/more", Subresources("-sub/more"), false},
		{"/apis/g/v/namespaces/ns/r/n/sub/more", Subresources("sub", "-sub/more"), false},
		{"/apis/g/v/namespaces/ns/r/n/sub/more", Subresources("-status"), true},
		{"/apis/g/v/namespaces/ns/r/n/sub/more", Names("n"), true},
		{"/apis/g/v/namespaces/ns/r/n/sub/more", Namespaces("ns"), true},
		// Cluster-scoped subresources (the reference's defect 10).
		{"/api/v1/nodes/n1/proxy/metrics", Subresources("proxy"), true},
		{"/api/v1/nodes/n1/proxy/metrics", Subresources("proxy/metrics"), true},
		{"/api/v1/nodes/n1/proxy/metrics", Subresources("-*"), false},
		{"/api/v1/nodes/n1/proxy/metrics", Namespaces(""), true},
		// Non-resource paths.
		{"/healthz", Namespaces(""), true},
		{"/healthz", Names("healthz"), false},
		{"/healthz", Subresources("-*"), true},
		{"/openapi/v2?timeout=32s", Names("v2"), false},
		{"/openapi/v2?timeout=32s", Subresources("-*"), true},
		{"/openapi/v2?timeout=32s", FieldManagers("-kubectl*"), true},
		// Field managers.
		{"/api/v1/namespaces/ns/configmaps/c?fieldManager=kubectl-client-side-apply", FieldManagers("kubectl*"), true},
		{"/api/v1/namespaces/ns/configmaps/c?fieldManager=kubectl-client-side-apply", FieldManagers("-kubectl*"), false},
		{"/api/v1/namespaces/ns/configmaps/c?dryRun=All&fieldManager=my%20tool", FieldManagers("my tool"), true},
		{"/api/v1/namespaces/ns/configmaps/c", FieldManagers("kubectl*"), false},
		{"/api/v1/watch/namespaces/ns/pods/p", Names("p"), true},
		{"/api/v1/watch/namespaces/ns/pods/p", Namespaces("ns"), true},
	}
	for _, tt := range tests {
		if got := tt.filter.Match(ev(tt.uri)); got != tt.want {
			t.Errorf("%s on %s = %v, want %v", tt.filter, tt.uri, got, tt.want)
		}
	}
}

func TestNameFallsBackToObjectRef(t *testing.T) {
	create := ev("/api/v1/namespaces/ns/pods", verb("create"), objName("web-1"))
	if !Names("web-*").Match(create) {
		t.Error("create of web-1: --name=web-* should match objectRef.name")
	}
	if Names("other").Match(create) {
		t.Error("create of web-1: --name=other matched")
	}
	// The URI name does not match; the objectRef name does.
	get := ev("/api/v1/namespaces/ns/pods/a", objName("b"))
	if !Names("b").Match(get) {
		t.Error("objectRef.name b not tried after URI name a")
	}
	// No objectRef at all.
	if Names("x").Match(ev("/api/v1/namespaces/ns/pods")) {
		t.Error("matched without a name")
	}
}

// TestNamespaceCases also pins down an empty value given alone: it is an
// exact value, matching only cluster-scoped requests.
func TestNamespaceCases(t *testing.T) {
	if !Namespaces("").Match(ev("/api/v1/nodes")) {
		t.Error(`--namespace="" should keep cluster-scoped requests`)
	}
	if Namespaces("").Match(ev("/api/v1/namespaces/ns/pods")) {
		t.Error(`--namespace="" kept a namespaced request`)
	}
}
