#!/usr/bin/env bash
# summary.sh: one closing line over every suite's output (Check's "Checks: N, Failures: F, Errors: E" and node's "ℹ pass N").
pass=0; fail=0
for f in "$@"; do
  [ -f "$f" ] || continue
  while read -r n fl er; do pass=$((pass + n - fl - er)); fail=$((fail + fl + er)); done < <(sed -n 's/.*Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p' "$f")
  while read -r n; do pass=$((pass + n)); done < <(sed -n 's/^[ℹ#] pass \([0-9]*\)$/\1/p' "$f")
  while read -r n; do fail=$((fail + n)); done < <(sed -n 's/^[ℹ#] fail \([0-9]*\)$/\1/p' "$f")
done
echo
echo "all suites: $pass passed, $fail failed"
