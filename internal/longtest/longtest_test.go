package longtest

import "testing"

func TestPick(t *testing.T) {
	t.Setenv(Env, "")
	if Enabled() || Pick(1, 2) != 1 {
		t.Error("without the variable, the short run")
	}
	t.Setenv(Env, "1")
	if !Enabled() || Pick(1, 2) != 2 {
		t.Error("with AUDITLENS_LONG=1, the long run")
	}
}
