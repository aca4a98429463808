#!/usr/bin/env bash
# search.sh: issue 13 item 1: p50/p99 of every list's first page, search and filter per role level (ministry, province,
# city, county, school) at N records (default 1,000,000; tests/lib/search-data.mjs), wrk at c=8, and the EXPLAIN rows
# of the three slowest requests (X-Test-Explain: the instance runs with XJ_TEST_HOOKS=1).
# Usage: tests/bench/search.sh   (env: PORT DB_PORT FCGI_PORT INSTANCE N DURATION CONC KEEP=1 keeps the instance)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export INSTANCE=${INSTANCE:-bench-search} PORT=${PORT:-23081} DB_PORT=${DB_PORT:-23308} FCGI_PORT=${FCGI_PORT:-23091}
export VARDIR=${VARDIR:-$root/var/$INSTANCE} XJ_TEST_HOOKS=1
N=${N:-1000000}
DURATION=${DURATION:-5}
CONC=${CONC:-8}
base=http://127.0.0.1:$PORT
db() { mariadb --no-defaults -uroot --socket="$VARDIR/run/db.sock" -N -B xueji "$@"; }

curl -fsS -o /dev/null "$base/api/v1/health" 2>/dev/null || make --no-print-directory start >/dev/null
have=$(db -e "SELECT COUNT(*) FROM student WHERE student_no LIKE 'G9%'")
if [ "$have" -lt "$N" ]; then
  echo "search bench: loading $N records (tests/lib/search-data.mjs)"
  db -e "DELETE m FROM group_member m JOIN problem_group g ON g.id = m.group_id WHERE g.clash_key LIKE 'search-data|%';
         DELETE FROM problem_group WHERE clash_key LIKE 'search-data|%'; DELETE FROM student WHERE student_no LIKE 'G9%'"
  t0=$(date +%s)
  node tests/lib/search-data.mjs "$N" "$(db -e 'SELECT COALESCE(MAX(id),0) FROM problem_group')" | db
  echo "search bench: loaded in $(( $(date +%s) - t0 )) s"
fi
echo "search bench: $(db -e 'SELECT COUNT(*) FROM student') students, $(db -e 'SELECT COUNT(*) FROM group_member') members, \
$(db -e 'SELECT COUNT(*) FROM problem_group') groups; wrk c=$CONC ${DURATION}s per request; load $(cut -d' ' -f1 /proc/loadavg)"

one=$(db -e "SELECT id_number, student_no FROM student WHERE student_no LIKE 'G9%' AND school_id = (SELECT id FROM unit WHERE code='1301020001') LIMIT 1")
idno=$(cut -f1 <<<"$one"); sno=$(cut -f2 <<<"$one")
wang=%E7%8E%8B          # 王
wangxiao=%E7%8E%8B%E5%B0%8F  # 王小
requests() { # role: the list requests it makes
  local r=$1
  echo "students /api/v1/students?limit=50"
  echo "students_name1 /api/v1/students?limit=50&name=$wang"
  echo "students_name2 /api/v1/students?limit=50&name=$wangxiao&gender=F"
  echo "students_id /api/v1/students?limit=50&id_number=$idno"
  echo "students_no /api/v1/students?limit=50&student_no=$sno"
  echo "students_status /api/v1/students?limit=50&status=problem"
  echo "groups /api/v1/groups?limit=20"
  echo "groups_name /api/v1/groups?limit=20&name=$wang"
  echo "groups_id /api/v1/groups?limit=20&id_number=$idno"
  echo "groups_mstate /api/v1/groups?limit=20&member_state=awaiting_review"
  echo "groups_overdue /api/v1/groups?limit=20&overdue=1"
  echo "queue /api/v1/queue?limit=50"
  echo "queue_name /api/v1/queue?limit=50&name=$wang"
  case $r in clerk_a) ;; *)
    echo "students_school /api/v1/students?limit=50&school=1301020001"
    echo "groups_school /api/v1/groups?limit=20&school=1301020001"
    echo "overdue /api/v1/overdue?limit=200"
    echo "overdue_name /api/v1/overdue?limit=200&name=$wang";;
  esac
}
out=$VARDIR/search-bench.tsv
: >"$out"
printf '%-14s %-16s %8s %8s %9s\n' role request p50_ms p99_ms req_s
for role in ministry prov_13 city_1301 county_130102 clerk_a; do
  curl -fsS -c "$VARDIR/bench-cookies.txt" -o /dev/null -H 'content-type: application/json' \
    -d "{\"username\":\"$role\",\"password\":\"Xueji@2026demo\"}" "$base/api/v1/session"
  cookie="xj_session=$(awk '$6 == "xj_session" {print $7}' "$VARDIR/bench-cookies.txt")"
  while read -r name path; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base$path")
    [ "$code" = 200 ] || { echo "$role $name: HTTP $code" >&2; exit 1; }
    res=$(wrk -t2 -c"$CONC" -d"${DURATION}s" --latency -H "Cookie: $cookie" "$base$path" 2>&1)
    ms() { awk -v q="$1" '$1 == q { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) sub(/ms$/, "", v);
      else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.1f", v }' <<<"$res"; }
    rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$res")
    non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$res")
    [ -z "$non2xx" ] || { echo "$role $name: $non2xx non-2xx answers" >&2; exit 1; }
    printf '%-14s %-16s %8s %8s %9s\n' "$role" "$name" "$(ms 50%)" "$(ms 99%)" "$rps" | tee -a "$out"
  done < <(requests "$role")
  printf '%s\n' "$cookie" >"$VARDIR/bench-cookie-$role.txt"
done
echo "search bench: the three slowest by p99, with their EXPLAIN rows (table:type:key:rows)"
sort -k4 -g -r "$out" | sed -n 1,3p | while read -r role name p50 p99 rps; do
  path=$(requests "$role" | awk -v n="$name" '$1 == n { print $2 }')
  ex=$(curl -s -D - -o /dev/null -H "Cookie: $(cat "$VARDIR/bench-cookie-$role.txt")" -H 'X-Test-Explain: 1' "$base$path" |
    awk -F': ' 'tolower($1) == "x-explain" { print $2 }')
  echo "$role $name p99 ${p99} ms: $path"
  echo "    $ex"
done
[ "${KEEP:-0}" = 1 ] || make --no-print-directory stop >/dev/null
