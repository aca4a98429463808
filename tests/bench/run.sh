#!/usr/bin/env bash
# run.sh: `make bench`: starts its own instance (INSTANCE=bench) and prints every benchmark's figures
# from one run: nginx static file vs /api/v1/health with wrk at c=16 and c=64 (rate, ratio, p99),
# then each module's bench script (tests/bench/*.sh other than this one) against the same instance.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export INSTANCE=bench PORT=${BENCH_PORT:-28880} DB_PORT=${BENCH_DB_PORT:-23380} FCGI_PORT=${BENCH_FCGI_PORT:-29880}
export VARDIR=$root/var/bench
export BASE_URL=http://127.0.0.1:$PORT XJ_VARDIR=$VARDIR XJ_ROOT=$root XJ_BUILD=$root/build
dur=${BENCH_SECONDS:-10}
make --no-print-directory stop >/dev/null 2>&1
rm -rf "$VARDIR"   # a fresh bench instance every run
make --no-print-directory start LOGIN_RATE=100000r/s LOGIN_BURST=100000 >"$root/var/bench-start.log" 2>&1 || { tail -20 "$root/var/bench-start.log"; exit 1; }
trap 'make --no-print-directory stop >/dev/null 2>&1' EXIT

# wrk run: prints "rate p99_ms"
measure() { # url connections
  local out
  out=$(wrk -t2 -c"$2" -d"${dur}s" --latency "$1" 2>&1)
  local rate p99
  rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
  local non2xx; non2xx=$(awk '/Non-2xx/ {print $4}' <<<"$out")
  echo "$rate ${p99:-?} ${non2xx:-0}"
}

only=${BENCH_ONLY:-}   # e.g. BENCH_ONLY=core or BENCH_ONLY=workflow: run only the matching parts
want() { [ -z "$only" ] || [[ "$1" == *"$only"* ]]; }

if want core; then
echo "== issue 2: nginx static file vs GET /api/v1/health (wrk, ${dur}s each, 2 threads)"
printf '%-6s %-14s %-14s %-8s %-12s %-12s\n' conns static_req/s health_req/s ratio static_p99 health_p99
for c in 16 64; do
  read -r srate sp99 _ < <(measure "$BASE_URL/css/app.css" "$c")
  read -r hrate hp99 hbad < <(measure "$BASE_URL/api/v1/health" "$c")
  ratio=$(awk -v a="$hrate" -v b="$srate" 'BEGIN { if (b > 0) printf "%.1f%%", 100 * a / b; else print "?" }')
  printf '%-6s %-14s %-14s %-8s %-12s %-12s\n' "$c" "$srate" "$hrate" "$ratio" "${sp99}ms" "${hp99}ms"
  [ "${hbad:-0}" = 0 ] || echo "  warning: $hbad non-2xx health answers at c=$c"
done
echo "aims: health >= 25% of static at c=64; health p99 <= 10 ms at c=16"
fi

for b in "$root"/tests/bench/*.sh; do
  [ "$(basename "$b")" = run.sh ] && continue
  want "$(basename "$b")" || continue
  echo
  echo "== $(basename "$b")"
  bash "$b" || echo "($(basename "$b") failed)"
done
for b in "$root"/tests/bench/*.bench.mjs; do
  [ -f "$b" ] || continue
  want "$(basename "$b")" || continue
  echo
  echo "== $(basename "$b")"
  node "$b" || echo "($(basename "$b") failed)"
done
