# instance.sh: sourced by the bench scripts (registry.sh, suspects.sh, national/data.sh): their helpers and a fresh
# instance database. Expects INSTANCE, PORT, DB_PORT, FCGI_PORT exported; sets root (and cds there), VARDIR and MK.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$root"
export VARDIR=$root/var/$INSTANCE
MK=(make --no-print-directory INSTANCE="$INSTANCE" PORT="$PORT" DB_PORT="$DB_PORT" FCGI_PORT="$FCGI_PORT" VARDIR="$VARDIR")
rootsql() { mariadb --no-defaults -uroot --socket="$VARDIR/run/db.sock" --local-infile=1 "$@"; }
now() { date +%s.%N; }
# the service's peak RSS in kB: the largest VmHWM of its supervisor and workers (issue 14: memory during an import)
service_peak_rss_kb() {
  local svc p k max=0
  svc=$(cat "$VARDIR/run/service.pid")
  for p in $svc $(pgrep -P "$svc" || true); do
    k=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)
    [ "${k:-0}" -gt "$max" ] && max=$k
  done
  echo "$max"
}
since() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.3f", a - b }'; }
# Wipe the instance, start its MariaDB, apply the migrations, load the divisions and the given seed files.
bench_fresh_db() {
  "${MK[@]}" build seed-data node-deps >/dev/null
  "${MK[@]}" stop >/dev/null 2>&1 || true
  rm -rf "$VARDIR"
  "${MK[@]}" seed-data >/dev/null
  sql/db.sh start
  sql/db.sh migrate >/dev/null
  sql/db.sh seed "$VARDIR/seed/divisions.sql" "$@"
}
