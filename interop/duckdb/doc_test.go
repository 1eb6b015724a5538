package duckdb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditlens/auditlens/aggregate"
)

// docQueries returns the statements of the DuckDB section of
// docs/parquet.md, with OUT replaced by out.
func docQueries(t *testing.T, out string) []string {
	t.Helper()
	b, err := os.ReadFile("../../docs/parquet.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "### DuckDB")
	if !ok {
		t.Fatal("docs/parquet.md has no DuckDB section")
	}
	_, block, ok := strings.Cut(section, "```sql\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("the DuckDB section has no sql block")
	}
	var stmts []string
	for stmt := range strings.SplitSeq(block, ";\n") {
		var lines []string
		for line := range strings.Lines(stmt) {
			if !strings.HasPrefix(strings.TrimSpace(line), "--") {
				lines = append(lines, line)
			}
		}
		if s := strings.TrimSpace(strings.Join(lines, "")); s != "" {
			stmts = append(stmts, strings.ReplaceAll(s, "'OUT/", "'"+out+"/"))
		}
	}
	return stmts
}

// TestDocQueries runs every DuckDB statement of docs/parquet.md on an
// export of the sample, and checks the first question's answer, the top
// users, against the library's.
func TestDocQueries(t *testing.T) {
	c := cluster{"sample", "../../testdata/must-gather/audit_logs/kube-apiserver"}
	out := filepath.Join(t.TempDir(), "export")
	exportCluster(t, out, c, false)
	db := openDB(t)
	stmts := docQueries(t, out)
	if len(stmts) < 8 {
		t.Fatalf("%d statements in the DuckDB section", len(stmts))
	}
	var top []aggregate.Row
	for i, s := range stmts {
		if !strings.HasPrefix(s, "SELECT") {
			if _, err := db.Exec(s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
			continue
		}
		rows, err := db.Query(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		cols, _ := rows.Columns()
		n := 0
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for j := range vals {
				ptrs[j] = &vals[j]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			if len(top) < 10 && i == 2 { // the first question, after SET and CREATE VIEW
				top = append(top, aggregate.Row{Key: vals[1].(string), Count: vals[2].(int64)})
			}
			n++
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		rows.Close()
		if n == 0 {
			t.Errorf("no rows: %s", s)
		}
	}
	want := libraryAnswers(t, c.dir).topUsers
	if len(top) != len(want) {
		t.Fatalf("top users: %v, want %v", top, want)
	}
	for i := range want {
		if top[i].Key != want[i].Key || top[i].Count != want[i].Count {
			t.Errorf("top user %d: %s %d, want %s %d", i+1, top[i].Key, top[i].Count, want[i].Key, want[i].Count)
		}
	}
}
