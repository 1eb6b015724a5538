package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/auditlog"
	"github.com/auditlens/auditlens/export"
	"github.com/auditlens/auditlens/filter"
	"github.com/auditlens/auditlens/internal/mustgather"
)

// cluster is one cluster of the export: a must-gather's kube-apiserver
// logs under a name.
type cluster struct {
	name, dir string
}

// The SQL of the lab's questions, per cluster, as docs/parquet.md gives
// them. userKey is the library's user key: the username, and the field
// manager in brackets when the request names one.
const (
	userKey     = `username || coalesce('[' || field_manager || ']', '')`
	resourceKey = `CASE WHEN api_group = '' THEN api_version || '/' || resource ELSE api_group || '/' || api_version || '/' || resource END`
	complete    = `cluster = $1 AND stage = 'ResponseComplete'`
)

// questions are the lab's questions; culprit-by-verb's $2 is the culprit.
var questions = map[string]string{
	"by-user":     `SELECT ` + userKey + `, count(*) FROM audit WHERE ` + complete + ` GROUP BY ALL`,
	"by-resource": `SELECT ` + resourceKey + `, count(*) FROM audit WHERE ` + complete + ` AND resource <> '' GROUP BY ALL`,
	// --resource=nodes is the core group's nodes.
	"nodes-by-user":   `SELECT ` + userKey + `, count(*) FROM audit WHERE ` + complete + ` AND resource = 'nodes' AND api_group = '' GROUP BY ALL`,
	"culprit-by-verb": `SELECT verb, count(*) FROM audit WHERE ` + complete + ` AND username = $2 GROUP BY ALL`,
	"403-by-user":     `SELECT ` + userKey + `, count(*) FROM audit WHERE ` + complete + ` AND code = 403 GROUP BY ALL`,
}

// latencyQuery is the latency of each resource: count, sum, minimum,
// maximum and exact percentiles, in microseconds. quantile_disc(x, q) is
// the value of rank ceil(q n) (nearest rank); the library's percentiles
// estimate, within 1%, the value of rank floor(q (n-1)) + 1, which the list
// expressions give exactly.
const latencyQuery = `SELECT ` + resourceKey + `, count(*), sum(latency_us), min(latency_us), max(latency_us),
	quantile_disc(latency_us, 0.5), quantile_disc(latency_us, 0.9), quantile_disc(latency_us, 0.99),
	list_sort(list(latency_us))[CAST(floor(0.5 * (count(*) - 1)) AS BIGINT) + 1],
	list_sort(list(latency_us))[CAST(floor(0.9 * (count(*) - 1)) AS BIGINT) + 1],
	list_sort(list(latency_us))[CAST(floor(0.99 * (count(*) - 1)) AS BIGINT) + 1]
	FROM audit WHERE ` + complete + ` AND resource <> '' GROUP BY ALL`

// TestLabQuestions exports the committed sample and a generated
// must-gather as two clusters of one export, and checks that DuckDB's
// answers to the lab's questions are the library's, read from the logs.
func TestLabQuestions(t *testing.T) {
	gen := t.TempDir()
	if _, err := mustgather.Generate(gen, mustgather.Config{Seed: 7, Events: 4000, Scenarios: mustgather.ScenarioMix}); err != nil {
		t.Fatal(err)
	}
	clusters := []cluster{
		{"sample", "../../testdata/must-gather/audit_logs/kube-apiserver"},
		{"generated", filepath.Join(gen, "audit_logs", "kube-apiserver")},
	}
	out := filepath.Join(t.TempDir(), "export")
	for i, c := range clusters {
		exportCluster(t, out, c, i > 0)
	}
	db := openExport(t, out)

	var n int64
	if err := db.QueryRow(`SELECT count(*) FROM audit WHERE date <> CAST(request_received AS DATE) OR hour <> hour(request_received)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d rows outside their date and hour partition", n)
	}
	for _, c := range clusters {
		t.Run(c.name, func(t *testing.T) {
			lib := libraryAnswers(t, c.dir)
			checkSummary(t, db, c, lib)
			for name, q := range questions {
				args := []any{c.name}
				if name == "culprit-by-verb" {
					args = append(args, lib.culprit)
				}
				got := countsOf(t, db, q, args...)
				if want := lib.counts[name]; !mapsEqual(got, want) {
					t.Errorf("%s: DuckDB %v\nlibrary %v", name, got, want)
				}
			}
			checkLatency(t, db, c, lib)
		})
	}
}

// exportCluster exports c's logs into out with one sink per worker of a
// Scan, as the command does.
func exportCluster(t *testing.T, out string, c cluster, appending bool) {
	t.Helper()
	w, err := export.NewWriter(out, export.Options{Cluster: c.name, Append: appending, RowGroupBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	sources, err := auditlog.Find(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	// Every event as logged, as kubectl-audit export writes them.
	if _, _, err := auditlog.Scan(context.Background(), sources, auditlog.Options{EveryStage: true, EveryCopy: true}, w.Sink); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// openDB opens an in-memory DuckDB, on one connection: settings and views
// live in the connection.
func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// openExport opens DuckDB on the export, as the view audit.
func openExport(t *testing.T, out string) *sql.DB {
	t.Helper()
	db := openDB(t)
	for _, stmt := range []string{
		`SET TimeZone = 'UTC'`,
		fmt.Sprintf(`CREATE VIEW audit AS SELECT * FROM read_parquet('%s/**/*.parquet',
			hive_partitioning = true, hive_types = {'cluster': VARCHAR, 'date': DATE, 'hour': INTEGER})`, out),
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return db
}

// answers are the library's answers about one cluster.
type answers struct {
	count       int64
	first, last int64 // request_received in microseconds
	culprit     string
	counts      map[string]map[string]int64
	topUsers    []aggregate.Row // the top 10 of by-user, in the library's order
	latency     aggregate.LatencyResult
	// latencies are every latency per resource, in microseconds, sorted,
	// for the exact percentiles.
	latencies map[string][]int64
}

// libraryAnswers answers the lab's questions about the logs in dir with
// the library: a filter with the default stage, and the aggregators.
func libraryAnswers(t *testing.T, dir string) *answers {
	t.Helper()
	sources, err := auditlog.Find(dir)
	if err != nil {
		t.Fatal(err)
	}
	var entries []*auditlog.Entry
	r := auditlog.NewReader(sources, auditlog.Options{EveryStage: true, EveryCopy: true, Fields: auditlog.FieldsMetadata})
	for e := range r.All() {
		entries = append(entries, e.Clone())
	}
	count := func(f filter.Flags, k aggregate.Key) aggregate.CountResult {
		f.Stages = []string{"ResponseComplete"}
		keep, err := f.Build()
		if err != nil {
			t.Fatal(err)
		}
		c := aggregate.NewCount(k)
		for _, e := range entries {
			if keep.Match(e) {
				c.Add(e)
			}
		}
		return c.Result(0)
	}
	a := &answers{counts: map[string]map[string]int64{}, latencies: map[string][]int64{}}
	byUser := count(filter.Flags{}, aggregate.KeyUser)
	a.counts["by-user"] = countMap(byUser)
	a.topUsers = byUser.Rows[:min(10, len(byUser.Rows))]
	a.counts["by-resource"] = countMap(count(filter.Flags{}, aggregate.KeyResource))
	a.counts["nodes-by-user"] = countMap(count(filter.Flags{Resources: []string{"nodes"}}, aggregate.KeyUser))
	a.counts["403-by-user"] = countMap(count(filter.Flags{HTTPStatusCodes: []string{"403"}}, aggregate.KeyUser))
	top := aggregate.NewCount(aggregate.KeyUsername)
	// Every request, as the SQL measures it: long-running ones too.
	lat := aggregate.NewLatency(aggregate.KeyResource).IncludeLongRunning()
	keep, _ := filter.Flags{Stages: []string{"ResponseComplete"}}.Build()
	for _, e := range entries {
		if !keep.Match(e) {
			continue
		}
		top.Add(e)
		lat.Add(e)
		us := e.Event.RequestReceivedTimestamp.UnixMicro()
		if a.count == 0 || us < a.first {
			a.first = us
		}
		a.last = max(a.last, us)
		a.count++
		if k, ok := aggregate.KeyResource.Append(nil, e); ok {
			d, _ := e.Latency()
			a.latencies[string(k)] = append(a.latencies[string(k)], d.Microseconds())
		}
	}
	a.culprit = top.Result(1).Rows[0].Key
	a.counts["culprit-by-verb"] = countMap(count(filter.Flags{Users: []string{a.culprit}}, aggregate.KeyVerb))
	a.latency = lat.Result(0)
	for _, v := range a.latencies {
		slices.Sort(v)
	}
	return a
}

// countMap is a count's rows by key.
func countMap(r aggregate.CountResult) map[string]int64 {
	m := map[string]int64{}
	for _, row := range r.Rows {
		m[row.Key] = row.Count
	}
	return m
}

// countsOf runs a query of (key, count) rows.
func countsOf(t *testing.T, db *sql.DB, q string, args ...any) map[string]int64 {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		m[k] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// checkSummary compares the summary line's count, first and last.
func checkSummary(t *testing.T, db *sql.DB, c cluster, lib *answers) {
	t.Helper()
	var n, first, last int64
	q := `SELECT count(*), epoch_us(min(request_received)), epoch_us(max(request_received)) FROM audit WHERE ` + complete
	if err := db.QueryRow(q, c.name).Scan(&n, &first, &last); err != nil {
		t.Fatal(err)
	}
	if n != lib.count || first != lib.first || last != lib.last || n == 0 {
		t.Errorf("summary: DuckDB %d %v %v, library %d %v %v", n, time.UnixMicro(first).UTC(), time.UnixMicro(last).UTC(),
			lib.count, time.UnixMicro(lib.first).UTC(), time.UnixMicro(lib.last).UTC())
	}
}

// nearestRank is quantile_disc's percentile: the value of rank ceil(q n).
func nearestRank(sorted []int64, q float64) int64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(i, 0)]
}

// lowerRank is the percentile the library's sketch estimates: the value of
// rank floor(q (n-1)) + 1.
func lowerRank(sorted []int64, q float64) int64 {
	return sorted[int(math.Floor(q*float64(len(sorted)-1)))]
}

// checkLatency compares the latency per resource: DuckDB's count, sum,
// minimum, maximum and exact percentiles with the library's exact ones, and
// the library's sketch percentiles within their relative accuracy.
func checkLatency(t *testing.T, db *sql.DB, c cluster, lib *answers) {
	t.Helper()
	rows, err := db.Query(latencyQuery, c.name)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	sketch := map[string]aggregate.Quantiles{}
	for _, r := range lib.latency.Rows {
		sketch[r.Key] = r.Latency
	}
	seen := 0
	for rows.Next() {
		var k string
		var n, sum, lo, hi int64
		var p, lp [3]int64
		if err := rows.Scan(&k, &n, &sum, &lo, &hi, &p[0], &p[1], &p[2], &lp[0], &lp[1], &lp[2]); err != nil {
			t.Fatal(err)
		}
		seen++
		v := lib.latencies[k]
		var want int64
		for _, x := range v {
			want += x
		}
		s := sketch[k]
		us := func(d time.Duration) int64 { return d.Microseconds() }
		if n != int64(len(v)) || sum != want || lo != v[0] || hi != v[len(v)-1] ||
			n != s.Count || lo != us(s.Min) || hi != us(s.Max) || time.Duration(sum*1000/n) != s.Mean {
			t.Errorf("latency of %s: DuckDB %d %d [%d, %d]; library %d %d [%d, %d] mean %v", k, n, sum, lo, hi, len(v), want, v[0], v[len(v)-1], s.Mean)
		}
		for i, q := range []float64{0.5, 0.9, 0.99} {
			if exact := nearestRank(v, q); p[i] != exact {
				t.Errorf("latency of %s: DuckDB's quantile_disc %v is %d µs, exact %d", k, q, p[i], exact)
			}
			exact := lowerRank(v, q)
			if lp[i] != exact {
				t.Errorf("latency of %s: DuckDB's lower-rank p%v %d µs, exact %d", k, q*100, lp[i], exact)
			}
			// The sketch's value is within its relative accuracy of the
			// exact one (and rounded to the nanosecond).
			approx := float64([]time.Duration{s.P50, s.P90, s.P99}[i])
			if d := math.Abs(approx - float64(exact*1000)); d > aggregate.RelativeAccuracy*float64(exact*1000)+1 {
				t.Errorf("latency of %s: the library's p%v %v, exact %v", k, q*100, time.Duration(approx), time.Duration(exact*1000))
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if seen != len(lib.latencies) || seen == 0 {
		t.Errorf("latency of %d resources in DuckDB, %d in the library", seen, len(lib.latencies))
	}
}
