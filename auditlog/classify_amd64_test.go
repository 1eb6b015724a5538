//go:build !noasm

package auditlog

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestClassifyVEXOnly checks that every instruction of the AVX2
// classifier that names an X or Y register is VEX-encoded (its mnemonic
// starts with V). On Intel processors a legacy SSE instruction run while
// the upper halves of the Y registers are dirty costs a state transition
// of about a hundred nanoseconds; one MOVQ into an X register after a
// VPBROADCASTB made classifying lines eight times slower there, and no
// test of the results can see it.
func TestClassifyVEXOnly(t *testing.T) {
	src, err := os.ReadFile("classify_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	vector := regexp.MustCompile(`\b[XY]\d+\b`)
	checked := 0
	for i, line := range strings.Split(string(src), "\n") {
		code, _, _ := strings.Cut(line, "//")
		fields := strings.Fields(code)
		if len(fields) < 2 || !vector.MatchString(code) {
			continue
		}
		checked++
		if !strings.HasPrefix(fields[0], "V") {
			t.Errorf("classify_amd64.s:%d: %s is not VEX-encoded: %s", i+1, fields[0], strings.TrimSpace(code))
		}
	}
	if checked < 10 {
		t.Fatalf("found %d instructions with vector registers; the file's form changed", checked)
	}
}
