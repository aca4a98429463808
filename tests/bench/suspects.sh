#!/usr/bin/env bash
# suspects.sh: benchmark of suspected duplicates (issue 17 item 5, R31). Generates N children with near-duplicates of
# every kind and true different look-alikes (tests/bench/suspects-gen.mjs, known truth), loads them into a fresh
# instance's database, times the full run (`xueji --suspects`), and reports recall and precision per kind, how often
# look-alikes are suggested, and the pairs per 1,000 records a bureau must look at.
#
# Usage: tests/bench/suspects.sh [N]   (default 100000; BENCH_SUSPECT_ROWS, BENCH_SEED, SUSPECT_RATE=0.005,
#        XJ_SUSPECT_THRESHOLD). Runs the bench instance's database (INSTANCE=bench; wiped first, stopped at the end
#        unless BENCH_KEEP=1). Aims (issue 17): recall >= 0.95 and precision >= 0.9 per kind; 1M records <= 60 s.
set -euo pipefail
N=${1:-${BENCH_SUSPECT_ROWS:-100000}}
SEED=${BENCH_SEED:-1}
export INSTANCE=${INSTANCE:-bench} PORT=${PORT:-28080} DB_PORT=${DB_PORT:-23307} FCGI_PORT=${FCGI_PORT:-29090}
# shellcheck source=lib/instance.sh
. "$(dirname "$0")/lib/instance.sh"
work=$VARDIR/bench-suspects
echo "== suspects bench: $N base records, seed $SEED, instance $INSTANCE (db port $DB_PORT)"
bench_fresh_db sql/demo/00-accounts.sql
mkdir -p "$work"
trap '[ "${BENCH_KEEP:-0}" = 1 ] || "${MK[@]}" stop >/dev/null 2>&1 || true' EXIT

# schools as the registry bench has them: one per 500 children, spread over the counties of province 13 (河北)
per_county=$(( (N / 500 + 189) / 190 ))
rootsql xueji -e "INSERT IGNORE INTO unit (code, level, name, parent_id, province_code, city_code, county_code)
  SELECT CONCAT(c.code, LPAD(5000 + q.seq, 4, '0')), 4, CONCAT(c.name, '第', q.seq, '学校'), c.id, c.province_code, c.city_code, c.county_code
  FROM unit c JOIN seq_1_to_${per_county} q WHERE c.level = 3 AND c.province_code = '13'"
rootsql -N xueji -e "SELECT id, province_code, city_code, county_code FROM unit WHERE level=4 AND province_code='13' ORDER BY id" >"$work/schools.tsv"
echo "   $(wc -l <"$work/schools.tsv") schools"
t=$(now)
node tests/bench/suspects-gen.mjs "$N" "$SEED" "$work/schools.tsv" "$work/students.tsv" "$work/truth.tsv"
echo "   generated in $(since "$t") s"
t=$(now)
rootsql xueji -e "SET unique_checks=0; SET foreign_key_checks=0;
  LOAD DATA LOCAL INFILE '$work/students.tsv' INTO TABLE student CHARACTER SET utf8mb4
  (id, school_id, province_code, city_code, county_code, name, gender, birth_date, id_type, id_number, student_no);
  CREATE TABLE bench_truth (a BIGINT UNSIGNED, b BIGINT UNSIGNED, kind VARCHAR(16), same TINYINT, PRIMARY KEY (a, b));
  LOAD DATA LOCAL INFILE '$work/truth.tsv' INTO TABLE bench_truth (a, b, kind, same);"
# pairs are stored lower id first (the generator writes every pair so: a < b); two near-duplicates of one child are the same child too (not planted as a pair: listed as same_base, not in recall)
rootsql xueji -e "INSERT IGNORE INTO bench_truth SELECT LEAST(x.b, y.b), GREATEST(x.b, y.b), 'same_base', 1
  FROM bench_truth x JOIN bench_truth y ON y.a = x.a AND y.b > x.b WHERE x.same = 1 AND y.same = 1"
records=$(rootsql -N xueji -e "SELECT COUNT(*) FROM student")
echo "   loaded $records records in $(since "$t") s"

. "$VARDIR/secrets.env"
t=$(now)
out=$(XJ_DB_SOCKET="$VARDIR/run/db.sock" XJ_DB_PASSWORD="$XJ_DB_PASSWORD" build/xueji --suspects)
run_s=$(since "$t")
echo "   $out"
echo "== first full run (every record's blocking keys stored too): $records records in $run_s s"
t=$(now)
out=$(XJ_DB_SOCKET="$VARDIR/run/db.sock" XJ_DB_PASSWORD="$XJ_DB_PASSWORD" build/xueji --suspects)
run_s=$(since "$t")
echo "   $out"
echo "== full run (steady state: keys kept by the incremental check): $records records in $run_s s ($(awk -v n="$records" -v s="$run_s" 'BEGIN { printf "%.0f", n / s }') records/s; aim: 1M in <= 60 s)"

echo "== quality (truth: planted pairs; a found pair outside the truth counts against the kind the matcher gave it)"
rootsql -t xueji -e "
  SELECT t.kind, SUM(t.same) AS same_child, COUNT(*) AS pairs, SUM(p.id IS NOT NULL) AS suggested,
    ROUND(SUM(p.id IS NOT NULL) / COUNT(*), 3) AS rate
  FROM bench_truth t LEFT JOIN suspect_pair p ON p.lo_id = t.a AND p.hi_id = t.b
  GROUP BY t.kind ORDER BY MIN(t.same) DESC, t.kind;
  SELECT p.kind, COUNT(*) AS suggested, SUM(t.same = 1) AS true_pairs, SUM(t.same = 0) AS lookalikes,
    SUM(t.a IS NULL) AS unplanted, ROUND(SUM(t.same = 1) / COUNT(*), 3) AS precision_
  FROM suspect_pair p LEFT JOIN bench_truth t ON t.a = p.lo_id AND t.b = p.hi_id
  GROUP BY p.kind ORDER BY p.kind;
  SELECT COUNT(*) AS pairs, $records AS records, ROUND(1000 * COUNT(*) / $records, 2) AS pairs_per_1000,
    ROUND(SUM(t.same = 1) / COUNT(*), 3) AS precision_all,
    ROUND((SELECT SUM(p2.id IS NOT NULL) / COUNT(*) FROM bench_truth t2 LEFT JOIN suspect_pair p2
      ON p2.lo_id = t2.a AND p2.hi_id = t2.b WHERE t2.same = 1 AND t2.kind <> 'same_base'), 3) AS recall_all
  FROM suspect_pair p LEFT JOIN bench_truth t ON t.a = p.lo_id AND t.b = p.hi_id;"
echo "aims (issue 17): recall >= 0.95 per kind (rate of the same_child kinds), precision >= 0.9 per kind; look-alikes (twins, common) rarely suggested"
