#!/usr/bin/env bash
# problem-list.sh: issue 13 speed: the signed-in county problem list (GET /api/v1/groups?limit=50 as the heaviest county's
# bureau, bench_county) against nginx's rate for a static file, in one run on the national-shape dataset
# (tests/bench/national/data.sh): rates at c=64 and their ratio (aim >= 12 %), p99 at c=16 (aim <= 10 ms).
#
# Usage: tests/bench/problem-list.sh   (a running national instance is used as it is, else one is made with
#        NATIONAL_ROWS=200000: NATIONAL_INSTANCE=national, NATIONAL_PORT/NATIONAL_DB_PORT/NATIONAL_FCGI_PORT
#        28580/23580/29580; BENCH_SECONDS=10). The table is printed and written to var/$NATIONAL_INSTANCE/bench/problem-list.txt.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
inst=${NATIONAL_INSTANCE:-national}
port=${NATIONAL_PORT:-28580}
vardir=$root/var/$inst
dur=${BENCH_SECONDS:-10}
base=http://127.0.0.1:$port
if ! [ -f "$vardir/bench/users.tsv" ] || ! curl -fsS -o /dev/null "$base/api/v1/health"; then
  INSTANCE=$inst PORT=$port DB_PORT=${NATIONAL_DB_PORT:-23580} FCGI_PORT=${NATIONAL_FCGI_PORT:-29580} \
    tests/bench/national/data.sh "${NATIONAL_ROWS:-200000}" || exit 1
fi
user=$(awk -F'\t' '$1 == "county" { print $2 }' "$vardir/bench/users.tsv")
county=$(awk -F'\t' '$1 == "county" { print $3 }' "$vardir/bench/users.tsv")
cookie=$(curl -fsS -D - -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"username\":\"$user\",\"password\":\"Xueji@2026demo\"}" "$base/api/v1/session" | sed -n 's/^[Ss]et-[Cc]ookie: \(xj_session=[^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "cannot sign in as $user"; exit 1; }
groups=$(mariadb --no-defaults -uroot --socket="$vardir/run/db.sock" -N xueji -e "SELECT COALESCE(SUM(n), 0) FROM count_group
  WHERE level = 3 AND unit_key = '$county' AND kind = 'g'")
measure() { # url connections [cookie] -> "rate p50_ms p99_ms non2xx"
  local o; o=$(wrk -t2 -c"$2" -d"${dur}s" --latency ${3:+-H "Cookie: $3"} "$1" 2>&1)
  local ms='{ v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }; printf "%.1f", v }'
  echo "$(awk '/Requests\/sec/ { print $2 }' <<<"$o") $(awk '$1 == "50%" '"$ms" <<<"$o") $(awk '$1 == "99%" '"$ms" <<<"$o") $(awk '/Non-2xx/ { print $4 }' <<<"$o")"
}
{
  echo "county problem list vs nginx static file: county $county ($groups groups), wrk ${dur}s, load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%FT%TZ)"
  printf '%-6s %-14s %-10s %-10s %-14s %-10s %-10s %-8s\n' conns static_req/s static_p50 static_p99 list_req/s list_p50 list_p99 ratio
  for c in 16 64; do
    read -r sr sp50 sp99 _ < <(measure "$base/css/app.css" "$c")
    read -r lr lp50 lp99 bad < <(measure "$base/api/v1/groups?limit=50" "$c" "$cookie")
    ratio=$(awk -v a="$lr" -v b="$sr" 'BEGIN { if (b > 0) printf "%.1f%%", 100 * a / b; else print "?" }')
    printf '%-6s %-14s %-10s %-10s %-14s %-10s %-10s %-8s%s\n' "$c" "$sr" "$sp50" "$sp99" "$lr" "$lp50" "$lp99" "$ratio" "${bad:+  (non-2xx: $bad)}"
  done
  echo "aim (issue 13): the list >= 12 % of the static rate at c=64, its p99 <= 10 ms at c=16"
} | tee "$vardir/bench/problem-list.txt"
