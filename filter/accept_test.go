package filter

import "testing"

func TestAcceptList(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		in     string
		want   bool
	}{
		{"exact hit", []string{"get"}, "get", true},
		{"exact miss", []string{"get"}, "list", false},
		{"exact is not prefix", []string{"get"}, "gets", false},
		{"one of many", []string{"get", "list", "watch"}, "watch", true},
		{"prefix hit", []string{"system:*"}, "system:admin", true},
		{"prefix equal", []string{"system:*"}, "system:", true},
		{"prefix miss", []string{"system:*"}, "alice", false},
		{"star alone accepts all", []string{"*"}, "anything", true},
		{"star alone accepts empty", []string{"*"}, "", true},
		{"exclusion alone keeps others", []string{"-get"}, "list", true},
		{"exclusion alone drops it", []string{"-get"}, "get", false},
		{"exclusion prefix alone keeps others", []string{"-system:*"}, "alice", true},
		{"exclusion prefix alone drops", []string{"-system:*"}, "system:node:x", false},
		{"all exclusions keep empty", []string{"-a", "-b*"}, "", true},
		{"dash star rejects all", []string{"-*"}, "x", false},
		{"dash star rejects empty", []string{"-*"}, "", false},
		{"dash alone excludes empty", []string{"-"}, "", false},
		{"dash alone keeps others", []string{"-"}, "x", true},
		{"mix: included", []string{"system:*", "-system:apiserver"}, "system:admin", true},
		{"mix: exclusion wins over prefix", []string{"system:*", "-system:apiserver"}, "system:apiserver", false},
		{"mix: exclusion wins over exact", []string{"get", "-get"}, "get", false},
		{"mix: not included", []string{"system:*", "-system:apiserver"}, "alice", false},
		{"mix: exclusion prefix wins", []string{"*", "-kube-*"}, "kube-system", false},
		{"mix: star with exclusion keeps rest", []string{"*", "-kube-*"}, "default", true},
		{"literal dash value is an exclusion only", []string{"-x", "y"}, "-x", false},
		{"empty value matches empty", []string{""}, "", true},
		{"empty value only matches empty", []string{""}, "x", false},
		{"duplicates", []string{"get", "get"}, "get", true},
		{"no values accept all", nil, "x", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newAcceptList(tt.values)
			if got := l.match(tt.in); got != tt.want {
				t.Errorf("accept(%q, %q) = %v, want %v", tt.values, tt.in, got, tt.want)
			}
			if got := refAccept(tt.values, tt.in); got != tt.want {
				t.Errorf("reference model accept(%q, %q) = %v, want %v", tt.values, tt.in, got, tt.want)
			}
		})
	}
}

func TestAcceptListLarge(t *testing.T) {
	var values []string
	for _, c := range "abcdefghijklmnop" {
		values = append(values, string(c))
	}
	l := newAcceptList(values)
	if l.exact.len() != 16 || l.exact.large == nil {
		t.Fatalf("16 values: want a map set, got %+v", l.exact)
	}
	if !l.match("k") || l.match("z") {
		t.Errorf("large set: match(k)=%v match(z)=%v", l.match("k"), l.match("z"))
	}
}

func TestAcceptListMatchAny(t *testing.T) {
	tests := []struct {
		values []string
		in     []string
		want   bool
	}{
		{[]string{"system:serviceaccounts:openshift-*"}, []string{"system:authenticated", "system:serviceaccounts:openshift-monitoring"}, true},
		{[]string{"system:serviceaccounts:openshift-*"}, []string{"system:authenticated"}, false},
		{[]string{"system:serviceaccounts:openshift-*"}, nil, false},
		{[]string{"-system:masters"}, nil, true},
		{[]string{"-system:masters"}, []string{"system:authenticated", "system:masters"}, false},
		{[]string{"system:authenticated", "-system:masters"}, []string{"system:authenticated", "system:masters"}, false},
	}
	for _, tt := range tests {
		l := newAcceptList(tt.values)
		if got := l.matchAny(tt.in); got != tt.want {
			t.Errorf("matchAny(%q, %q) = %v, want %v", tt.values, tt.in, got, tt.want)
		}
	}
}
