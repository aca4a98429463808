#!/usr/bin/env bash
# auth.sh: issue 3 benchmark (not a test): password hash cost (ms per argon2id hash, the service's own function)
# and sign-in throughput (wrk against a running instance), plus authenticated-request throughput for comparison.
#
#   tests/bench/auth.sh                       # BASE_URL defaults to http://127.0.0.1:${PORT:-8080}
#   BASE_URL=http://127.0.0.1:18180 DURATION=10s CONNS=16 tests/bench/auth.sh
#
# nginx limits sign-ins per address (LOGIN_RATE/LOGIN_BURST, default 10r/s burst 20): to measure the service
# rather than the limiter, start the instance with a high limit, e.g.
#   make start INSTANCE=bench PORT=18180 DB_PORT=13317 FCGI_PORT=19190 LOGIN_RATE=100000r/s LOGIN_BURST=100000
# Output: "name value" lines (the figures reported in the README).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${XJ_BUILD:-$root/build}
BASE_URL=${BASE_URL:-http://127.0.0.1:${PORT:-8080}}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}
N=${N:-20}

# 1. hash cost: a small program linked with the service's library
bin=$BUILD/bench_auth_hash
if [ ! -x "$bin" ] || [ "$root/tests/bench/auth_hash.c" -nt "$bin" ] || [ "$BUILD/libxueji.a" -nt "$bin" ]; then
  pcs="fcgi libcjson libmagic libsodium libzip libxml-2.0 xlsxwriter"
  # shellcheck disable=SC2046
  cc -std=c11 -D_GNU_SOURCE -O2 -I"$root/fcgi" $(pkg-config --cflags $pcs) $(mariadb_config --cflags) \
    -o "$bin" "$root/tests/bench/auth_hash.c" "$BUILD/libxueji.a" $(pkg-config --libs $pcs) $(mariadb_config --libs) -lpthread -lm
fi
echo "# password hashing (argon2id, $N runs, one core)"
"$bin" "$N"

# 2. sign-in throughput
if ! curl -fsS -o /dev/null "$BASE_URL/api/v1/health"; then
  echo "no instance at $BASE_URL: start one (see the header of this script)" >&2
  exit 1
fi
echo "# sign-in throughput: wrk -t$THREADS -c$CONNS -d$DURATION POST $BASE_URL/api/v1/session ($(nproc) cores)"
wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s "$root/tests/bench/auth-login.lua" "$BASE_URL/api/v1/session" | sed -n '/^logins\?_/p'

# 3. for comparison: an authenticated request (session lookup, no hashing)
cookie=$(curl -fsS -o /dev/null -D - -H 'content-type: application/json' \
  -d '{"username":"clerk_a","password":"Xueji@2026demo"}' "$BASE_URL/api/v1/session" | sed -n 's/^[Ss]et-[Cc]ookie: \(xj_session=[^;]*\).*/\1/p')
if [ -n "$cookie" ]; then
  echo "# authenticated GET /api/v1/session: wrk -t$THREADS -c$CONNS -d$DURATION"
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -H "Cookie: $cookie" "$BASE_URL/api/v1/session" |
    awk '/Requests\/sec/ {print "session_get_per_s", $2} /Latency/ {print "session_get_latency_avg", $2}'
fi
