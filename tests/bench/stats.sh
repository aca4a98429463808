#!/usr/bin/env bash
# stats.sh: issue 13 item 3 speed: the home page's requests, the statistics and the overdue list (first page and page 2
# by cursor, issue 13 item 1) of every role level (ministry, province, city, county, school) on the national-shape dataset (tests/bench/national/data.sh), with wrk at c=8: requests/s,
# median and p99 per endpoint x role level, and the service workers' memory (RSS) before and after.
#
# Usage: tests/bench/stats.sh   (NATIONAL_ROWS=200000 when it has to make the dataset; a running national instance is
#        used as it is: NATIONAL_INSTANCE=national, NATIONAL_PORT/NATIONAL_DB_PORT/NATIONAL_FCGI_PORT 28580/23580/29580;
#        BENCH_SECONDS=10, BENCH_CONNS=8). The table is printed and written to var/$NATIONAL_INSTANCE/bench/stats.txt.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
inst=${NATIONAL_INSTANCE:-national}
port=${NATIONAL_PORT:-28580}
vardir=$root/var/$inst
dur=${BENCH_SECONDS:-10}
conns=${BENCH_CONNS:-8}
base=http://127.0.0.1:$port
if ! [ -f "$vardir/bench/users.tsv" ] || ! curl -fsS -o /dev/null "$base/api/v1/health"; then
  INSTANCE=$inst PORT=$port DB_PORT=${NATIONAL_DB_PORT:-23580} FCGI_PORT=${NATIONAL_FCGI_PORT:-29580} \
    tests/bench/national/data.sh "${NATIONAL_ROWS:-200000}" || exit 1
fi
out=$vardir/bench/stats.txt
records=$(mariadb --no-defaults -uroot --socket="$vardir/run/db.sock" -N xueji -e "SELECT SUM(n) FROM count_school WHERE kind = 's'")

rss() { # total RSS (MB) of the service's worker processes
  local sup; sup=$(cat "$vardir/run/service.pid")
  ps -o rss= --ppid "$sup" | awk '{ s += $1 } END { printf "%.0f", s / 1024 }'
}
cookie() { # sign in, print the session cookie
  curl -fsS -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"Xueji@2026demo\"}" "$base/api/v1/session" | sed -n 's/^[Ss]et-[Cc]ookie: \(xj_session=[^;]*\).*/\1/p'
}
ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }; printf "%.1f", v }'; }
measure() { # cookie path -> "rate p50 p99 non2xx"
  local o; o=$(wrk -t2 -c"$conns" -d"${dur}s" --latency -H "Cookie: $1" "$base$2" 2>&1)
  echo "$(awk '/Requests\/sec/ { print $2 }' <<<"$o") $(awk '$1 == "50%" { print $2 }' <<<"$o" | ms) $(awk '$1 == "99%" { print $2 }' <<<"$o" | ms) $(awk '/Non-2xx/ { print $4 }' <<<"$o")"
}

before=$(rss)
{
  echo "home and statistics per role level: $records records, wrk c=$conns ${dur}s each, $(date -u +%FT%TZ)"
  printf '%-9s %-10s %-34s %10s %9s %9s\n' level unit endpoint req/s p50_ms p99_ms
  while IFS=$'\t' read -r level user unit; do
    c=$(cookie "$user")
    [ -n "$c" ] || { echo "cannot sign in as $user"; continue; }
    paths=(/api/v1/queue?limit=1)                               # every home page: the caller's own work list's counts
    next=''
    [ "$level" = school ] || paths=(/api/v1/stats "/api/v1/stats/schools?limit=50" "${paths[@]}") # bureaus: the counters (tiles, statistics page)
    if [ "$level" != school ]; then # bureaus: the overdue list, its first page and (when paged) its second by cursor
      paths+=("/api/v1/overdue?limit=50")
      next=$(curl -fsS -H "Cookie: $c" "$base/api/v1/overdue?limit=50" | node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).next_cursor||""))')
      [ -z "$next" ] || paths+=("/api/v1/overdue?limit=50&cursor=$next")
    fi
    for p in "${paths[@]}"; do
      read -r rate p50 p99 bad < <(measure "$c" "$p")
      label=$p; [[ $p != *'&cursor='* ]] || label="${p%%&cursor=*}&cursor=(page 2)"
      printf '%-9s %-10s %-34s %10s %9s %9s%s\n' "$level" "$unit" "GET $label" "$rate" "$p50" "$p99" "${bad:+  (non-2xx: $bad)}"
    done
  done <"$vardir/bench/users.tsv"
  echo "service workers' RSS: ${before} MB before, $(rss) MB after"
  echo "aim (issue 13): p99 <= 100 ms at c=8, median <= 20 ms"
} | tee "$out"
