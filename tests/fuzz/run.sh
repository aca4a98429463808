#!/usr/bin/env bash
# run.sh: `make fuzz`: builds each tests/fuzz/fuzz_*.c with libFuzzer + ASan + UBSan against the service's
# modules and runs it for FUZZ_SECONDS (default 60) on its corpus; crashes are kept in tests/fuzz/out/.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
secs=${FUZZ_SECONDS:-60}
out=$root/build-fuzz
mkdir -p "$out" tests/fuzz/out
pc="fcgi libcjson libmagic libsodium libzip libxml-2.0 xlsxwriter"
cflags="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined $(pkg-config --cflags $pc) $(mariadb_config --cflags) -Ifcgi"
libs="$(pkg-config --libs $pc) $(mariadb_config --libs) -lpthread -lm"
srcs=$(ls fcgi/*.c | grep -v '/main.c$')
rc=0
for h in tests/fuzz/fuzz_*.c; do
  name=$(basename "$h" .c)
  corpus=tests/fuzz/corpus/${name#fuzz_}
  mkdir -p "$corpus"
  echo "== $name (${secs}s, corpus $corpus)"
  # shellcheck disable=SC2086
  clang $cflags -o "$out/$name" "$h" $srcs $libs
  work=$(mktemp -d)
  if "$out/$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="tests/fuzz/out/$name-" \
       -print_final_stats=1 "$work" "$corpus" 2>"$out/$name.log"; then
    grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$out/$name.log" | sed 's/^/  /'
  else
    rc=1; echo "  CRASH: see $out/$name.log and tests/fuzz/out/"; tail -30 "$out/$name.log"
  fi
  rm -rf "$work"
done
exit $rc
