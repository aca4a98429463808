#!/usr/bin/env bash
# cluster.sh (issue 15, R30): the Galera cluster against the single node, in the same run. Decisions per second through
# the API (tests/bench/workflow.sh: county approvals, one transaction each) and the signed-in problem list
# (GET /api/v1/groups, wrk) on the single-node instance `make bench` started and on a three-node cluster with two service
# processes (sql/cluster.sh, var/cluster-bench, ports from BENCH_CLUSTER_PORT), then the failover: kill -9 of the node
# the services write through, and the time to the next 2xx of a signed-in request. On this host the three nodes, both
# services and nginx share the machine's cores (2 here): the ratio is a floor for a real deployment.
# Usage: make bench BENCH_ONLY=cluster   (env: PAIRS, DURATION; run.sh exports the single node's PORT, DB_PORT, VARDIR)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
: "${PORT:?run from tests/bench/run.sh (make bench)}" "${VARDIR:?}"
export PAIRS=${PAIRS:-10000} DURATION=${DURATION:-10}
CP=${BENCH_CLUSTER_PORT:-30530}
CV=$root/var/cluster-bench
cluster() { DEMO=1 CLUSTER_VARDIR=$CV CLUSTER_PORT=$CP BUILD=${BUILD:-build} "$root/sql/cluster.sh" "$@"; }

# decisions/s at c=16 and c=64 (workflow.sh's RESULT lines), then the problem list: "rate p99_ms" per line
decisions() { # port vardir
  PORT=$1 VARDIR=$2 INSTANCE=bench bash tests/bench/workflow.sh | sed -n 's/^c=\([0-9]*\) .*rate=\([0-9]*\) .*p99_ms=\([0-9.]*\).*/\1 \2 \3/p'
}
problem_list() { # port
  local base=http://127.0.0.1:$1 jar; jar=$(mktemp)
  curl -fsS -c "$jar" -o /dev/null -H 'content-type: application/json' \
    -d '{"username":"county_130102","password":"Xueji@2026demo"}' "$base/api/v1/session"
  local cookie; cookie="xj_session=$(awk '$6 == "xj_session" {print $7}' "$jar")"; rm -f "$jar"
  local out; out=$(wrk -t2 -c16 -d"${DURATION}s" --latency -H "Cookie: $cookie" "$base/api/v1/groups?limit=50" 2>&1)
  awk '/Requests\/sec/ {r=$2} $1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; p=v}
    /Non-2xx/ {bad=$4} END {printf "%s %s %s\n", r, p, bad + 0}' <<<"$out"
}

echo "cluster bench: single node (the bench instance), $PAIRS groups, ${DURATION}s per figure"
mapfile -t single < <(decisions "$PORT" "$VARDIR")
read -r slist_rate slist_p99 slist_bad < <(problem_list "$PORT")

echo "cluster bench: starting 3 Galera nodes + 2 services ($CV)"
cluster stop >/dev/null 2>&1 || true
rm -rf "$CV"
trap 'cluster stop >/dev/null 2>&1; rm -rf "$CV"' EXIT
cluster start >"$root/var/cluster-bench-start.log" 2>&1 || { tail -20 "$root/var/cluster-bench-start.log"; exit 1; }
mapfile -t multi < <(decisions "$CP" "$CV/node1")
read -r clist_rate clist_p99 clist_bad < <(problem_list "$CP")

# failover: the node holding most service connections is killed; the next 2xx of a signed-in request
writer=1 most=-1
for i in 1 2 3; do
  n=$(cluster sql "$i" -N -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER='xueji'" 2>/dev/null || echo -1)
  if [ "$n" -gt "$most" ]; then most=$n writer=$i; fi
done
jar=$(mktemp)
curl -fsS -c "$jar" -o /dev/null -H 'content-type: application/json' -d '{"username":"clerk_a","password":"Xueji@2026demo"}' \
  "http://127.0.0.1:$CP/api/v1/session"
t0=$(date +%s%N)
cluster node-kill "$writer"
until curl -fsS -o /dev/null -b "$jar" --max-time 15 "http://127.0.0.1:$CP/api/v1/queue"; do sleep 0.05; done
failover_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
rm -f "$jar"

echo
printf '%-34s %-14s %-14s %-8s\n' figure single_node cluster ratio
row() { printf '%-34s %-14s %-14s %-8s\n' "$1" "$2" "$3" "$(awk -v a="$3" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }')"; }
for k in 0 1; do
  read -r c s sp <<<"${single[$k]:-? 0 ?}"
  read -r _ m mp <<<"${multi[$k]:-? 0 ?}"
  row "decisions/s c=$c (p99 ${sp}/${mp} ms)" "$s" "$m"
done
row "problem list req/s c=16 (p99 ${slist_p99}/${clist_p99} ms)" "$slist_rate" "$clist_rate"
[ "$slist_bad$clist_bad" = 00 ] || echo "  warning: non-2xx problem-list answers: single $slist_bad, cluster $clist_bad"
echo "failover: kill -9 of the writing node (node $writer) -> next 2xx: ${failover_ms} ms"
echo "aims: cluster >= 0.6x the single node (3 nodes, 2 services and nginx share this host's $(nproc) cores); failover <= 10000 ms"
