#!/usr/bin/env bash
# workflow.sh: decisions per second through the API (issue 5): county-bureau approvals of pending corroborations, each one
# transaction with its history event(s), at c=16 and c=64, with p99 latency (wrk + tests/bench/workflow.lua).
# Usage: tests/bench/workflow.sh   (env: PORT DB_PORT FCGI_PORT INSTANCE DURATION PAIRS; starts the instance if needed)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export INSTANCE=${INSTANCE:-bench} PORT=${PORT:-18081} DB_PORT=${DB_PORT:-13308} FCGI_PORT=${FCGI_PORT:-19091}
export VARDIR=${VARDIR:-$root/var/$INSTANCE}
DURATION=${DURATION:-10}
PAIRS=${PAIRS:-40000}
base=http://127.0.0.1:$PORT
db() { mariadb --no-defaults -uroot --socket="$VARDIR/run/db.sock" -N -B xueji "$@"; }

curl -fsS -o /dev/null "$base/api/v1/health" 2>/dev/null || make --no-print-directory start >/dev/null

tag=$(date +%s)
echo "workflow bench: preparing $PAIRS name-gender-birth groups of two pending corroborations (county 130102, tag $tag)"
db <<SQL
SET @sid = (SELECT id FROM unit WHERE code = '1301020001');
INSERT INTO student (school_id, province_code, city_code, county_code, name, gender, birth_date, id_type, id_number, student_no, status)
  SELECT @sid, '13', '1301', '130102', CONCAT('压测', '$tag', ':', CEIL(seq / 2)), 'M', '2015-01-01', 'Z', NULL,
         CONCAT('B', '$tag', LPAD(seq, 8, '0')), 'problem'
  FROM seq_1_to_$((PAIRS * 2));
INSERT INTO problem_group (type, clash_key, open_key, scope_level, arbiter_unit_id)
  SELECT 'nbg_dup', CONCAT('bench:$tag:', seq), CONCAT('bench:$tag:', seq), 3, 130102 FROM seq_1_to_$PAIRS;
INSERT INTO group_member (group_id, student_id, school_id, province_code, city_code, county_code, state, handling, version)
  SELECT g.id, s.id, s.school_id, '13', '1301', '130102', 'awaiting_review', 'corroborate', 2
  FROM problem_group g JOIN student s ON s.name = CONCAT('压测', SUBSTRING(g.clash_key, 7)) AND s.gender = 'M' AND s.birth_date = '2015-01-01'
  WHERE g.clash_key LIKE 'bench:$tag:%';
SQL
# order: blocks of 500 groups, first members then second members, so that concurrent requests touch different groups
# and half of the approvals also finish their group (R21: group done, two records formal)
db -e "SELECT id FROM (SELECT m.id, ROW_NUMBER() OVER (PARTITION BY m.group_id ORDER BY m.id) k,
         DENSE_RANK() OVER (ORDER BY m.group_id) gr FROM group_member m JOIN problem_group g ON g.id = m.group_id
         WHERE g.clash_key LIKE 'bench:$tag:%') x ORDER BY FLOOR((gr - 1) / 500), k, gr" >"$VARDIR/bench-ids.txt"
total=$(wc -l <"$VARDIR/bench-ids.txt")
echo "workflow bench: $total pending members"
# a Galera node (issue 15): the decisions are measured once every node has applied the preparation (three large
# writesets a replica takes seconds to apply; decisions queued behind them paused the cluster by flow control at the
# start of the run, 1.4 s of the 10 s, measured with wsrep_flow_control_paused_ns). The nodes are VARDIR's siblings.
if [ "$(db -e "SHOW STATUS LIKE 'wsrep_ready'" 2>/dev/null | cut -f2)" = ON ]; then
  want=$(db -e "SHOW STATUS LIKE 'wsrep_last_committed'" | cut -f2)
  for sock in "$(dirname "$VARDIR")"/node*/run/db.sock; do
    for _ in $(seq 1 600); do
      read -r q seq < <(mariadb --no-defaults -uroot --socket="$sock" -N -B -e "SELECT
        (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_LOCAL_RECV_QUEUE'),
        (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_LAST_COMMITTED')" 2>/dev/null || echo "x 0")
      [ "$q" = 0 ] && [ "${seq:-0}" -ge "$want" ] && break
      sleep 0.1
    done
  done
  echo "workflow bench: every node has applied the preparation (seqno $want)"
fi

login=$(curl -fsS -c "$VARDIR/bench-cookies.txt" -H 'content-type: application/json' \
  -d '{"username":"county_130102","password":"Xueji@2026demo"}' "$base/api/v1/session")
csrf=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' <<<"$login")
cookie="xj_session=$(awk '$6 == "xj_session" {print $7}' "$VARDIR/bench-cookies.txt")"

# CPU seconds used so far by MariaDB, the service's workers and nginx (the machine may be shared: per-decision CPU
# is the figure that does not depend on what else runs)
ticks() {
  [ -f "$VARDIR/run/service.pid" ] || { echo "0 0 0"; return; } # a cluster node's folder: no service or nginx there
  local pids="$(cat "$VARDIR/run/db.pid") $(pgrep -P "$(cat "$VARDIR/run/service.pid")" | tr '\n' ' ') $(pgrep -P "$(cat "$VARDIR/run/nginx.pid")" | tr '\n' ' ')"
  local db svc=0 ng=0 i=0
  for p in $pids; do
    local t; t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    if [ $i = 0 ]; then db=$t; elif pgrep -P "$(cat "$VARDIR/run/service.pid")" | grep -qx "$p"; then svc=$((svc + t)); else ng=$((ng + t)); fi
    i=$((i + 1))
  done
  echo "$db $svc $ng"
}
hz=$(getconf CLK_TCK)

offset=0
for c in 16 64; do
  t=2
  half=$((total / 2))
  sed -n "$((offset + 1)),$((offset + half))p" "$VARDIR/bench-ids.txt" >"$VARDIR/bench-ids-$c.txt"
  offset=$((offset + half))
  before=$(db -e "SELECT COUNT(*) FROM history WHERE action = 'approve'")
  read -r db0 svc0 ng0 < <(ticks)
  out=$(IDS_FILE="$VARDIR/bench-ids-$c.txt" WRK_THREADS=$t COOKIE="$cookie" CSRF="$csrf" \
    wrk -t$t -c$c -d${DURATION}s --latency -s tests/bench/workflow.lua "$base" 2>&1)
  read -r db1 svc1 ng1 < <(ticks)
  after=$(db -e "SELECT COUNT(*) FROM history WHERE action = 'approve'")
  res=$(grep '^RESULT' <<<"$out" || { echo "$out" >&2; exit 1; })
  n=$((after - before))
  cpu=$(awk -v a=$((db1 - db0)) -v b=$((svc1 - svc0)) -v c=$((ng1 - ng0)) -v hz=$hz -v n=$n \
    'BEGIN { printf "cpu_ms_per_decision db=%.2f service=%.2f nginx=%.2f", 1000*a/hz/n, 1000*b/hz/n, 1000*c/hz/n }')
  echo "c=$c  $res  approve_events=$n  $cpu  load=$(cut -d' ' -f1 /proc/loadavg)"
done
