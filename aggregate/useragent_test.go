package aggregate

import (
	"strings"
	"testing"
)

func TestUserAgentProduct(t *testing.T) {
	tests := []struct{ ua, want string }{
		{"kubelet/v1.29.3 (linux/amd64) kubernetes/abc", "kubelet"},
		{"Go-http-client/2.0", "Go-http-client"},
		{"kubectl.exe/v1.28.2 (windows/amd64) kubernetes/89a4ea3", "kubectl"},
		{"openshift-controller-manager/v0.0.0 (linux/amd64) kubernetes/$Format/system:serviceaccount:x", "openshift-controller-manager"},
		{"Mozilla/5.0 (X11; Linux x86_64)", "Mozilla"},
		{"  curl/8.0", "curl"},
		{"(compatible)", ""},
		{"python-requests", "python-requests"},
		{"", ""},
		{".exe", ".exe"},
	}
	for _, tt := range tests {
		if got := UserAgentProduct(tt.ua); got != tt.want {
			t.Errorf("UserAgentProduct(%q) = %q, want %q", tt.ua, got, tt.want)
		}
	}
}

func FuzzUserAgentProduct(f *testing.F) {
	f.Add("kubelet/v1.29.3 (linux/amd64) kubernetes/abc")
	f.Add("kubectl.exe/v1")
	f.Add("")
	f.Fuzz(func(t *testing.T, ua string) {
		p := UserAgentProduct(ua)
		if !strings.Contains(ua, p) {
			t.Fatalf("product %q is not part of %q", p, ua)
		}
		if strings.ContainsAny(p, "/ \t(;") {
			t.Fatalf("product %q of %q holds a separator", p, ua)
		}
		if UserAgentProduct(p) != p && !strings.HasSuffix(strings.ToLower(p), ".exe") {
			t.Fatalf("product %q of %q is not its own product", p, ua)
		}
	})
}
