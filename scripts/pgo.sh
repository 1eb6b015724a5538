#!/usr/bin/env bash
# pgo.sh writes examples/kubectl-audit/default.pgo, the CPU profile that go
# build and go install use to optimise kubectl-audit (profile-guided
# optimisation: the calls it finds hot are inlined, the hot interface calls
# devirtualised). It builds the command without a profile, generates three
# captures of different traffic shapes (the benchmarks' lab set, a large
# cluster's short requests, varied paths), runs the views people run most
# on them with the hidden --cpuprofile flag, and merges the profiles.
#
# Usage: scripts/pgo.sh          (a few minutes; needs about 1 GB in TMPDIR)
#
# Run it again when the hot paths change much; a profile a little older
# than the code still helps (functions are matched by name and line offset).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -pgo=off -o "$work/kubectl-audit" ./examples/kubectl-audit
go build -o "$work/mkmustgather" ./benchmarks/cmd/mkmustgather
"$work/mkmustgather" -out "$work/lab" -events 1150000 -vary-uris -scenarios findings,mix -workers 600 >/dev/null
"$work/mkmustgather" -out "$work/cluster" -shape cluster -events 1155000 -duration 2h45m >/dev/null
"$work/mkmustgather" -out "$work/vary" -seed 5 -events 400000 -vary-uris -scenarios findings,mix -workers 200 >/dev/null

ka=$work/kubectl-audit
lab=$work/lab/audit_logs/kube-apiserver
cluster=$work/cluster/audit_logs/kube-apiserver
vary=$work/vary/audit_logs/kube-apiserver
n=0
profile() {
	n=$((n + 1))
	"$ka" "$@" --cpuprofile "$work/$n.pprof" >/dev/null 2>&1
}
profile -f "$lab" --by=user -otop
profile -f "$cluster" --by=user -otop
profile -f "$lab" -o findings
profile -f "$cluster" -o findings
profile -f "$cluster" -o html
profile -f "$lab" -o html
profile -f "$vary" --by=verb -otop
profile -f "$lab" --verb=get
profile compare --baseline="$vary" -f "$vary" --by=user
profile export -f "$vary" --to "$work/export"
profile -f "$work/export" --by=user -otop

go tool pprof -proto "$work"/*.pprof >"$work/default.pgo"
mv "$work/default.pgo" examples/kubectl-audit/default.pgo
echo "wrote examples/kubectl-audit/default.pgo from $n profiles"
