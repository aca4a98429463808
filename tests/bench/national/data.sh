#!/usr/bin/env bash
# data.sh: `make bench-data N=10000000` (issue 13 item 4, R30): an instance holding a national-shape dataset: N records
# in all 31 provinces, realistic school and county sizes, ~1 % problem records of every type at every jurisdiction
# distance in every workflow state (gen.mjs), loaded with LOAD DATA straight into the schema (the counters' triggers
# skipped, then `xueji --rebuild-counters`), then one account per role level at the heaviest units (bench_province, bench_city,
# bench_county, bench_clerk; the ministry's is `ministry`), written to $VARDIR/bench/users.tsv for the benches.
#
# Usage: tests/bench/national/data.sh [N]   (default 1000000; BENCH_SEED=1, DB_BUFFER_POOL=2G, BENCH_CHECK=1 runs
#        `xueji --check-counters` afterwards (default for N <= 1,000,000)). Its own instance INSTANCE=national, ports
#        PORT/DB_PORT/FCGI_PORT (default 28580/23580/29580), wiped first and left running for measurement (stop it with
#        `make stop INSTANCE=national PORT=... DB_PORT=... FCGI_PORT=...`; delete var/national afterwards: 10M records
#        take about 15 GB). The report is printed and written to $VARDIR/bench/data.json.
set -euo pipefail
N=${1:-${N:-1000000}}
SEED=${BENCH_SEED:-1}
export INSTANCE=${INSTANCE:-national} PORT=${PORT:-28580} DB_PORT=${DB_PORT:-23580} FCGI_PORT=${FCGI_PORT:-29580}
export DB_BUFFER_POOL=${DB_BUFFER_POOL:-2G}
# a redo log that does not checkpoint every few seconds during the load, and sort buffers for the index build
export DB_EXTRA_ARGS=${DB_EXTRA_ARGS:---innodb-log-file-size=1G --innodb-sort-buffer-size=16M}
BUILD=${BUILD:-build}
# shellcheck source=../lib/instance.sh
. "$(dirname "$0")/../lib/instance.sh"
work=$VARDIR/bench
echo "== national bench data: $N records, seed $SEED, instance $INSTANCE (ports $PORT/$DB_PORT/$FCGI_PORT)"
bench_fresh_db sql/demo/00-accounts.sql sql/demo/10-credentials.sql   # accounts, no demo records
mkdir -p "$work"
echo "== generating"
t=$(now)
first=$(rootsql -N xueji -e "SELECT MAX(id) + 1 FROM unit")
today=$(TZ=Asia/Shanghai date +%F)
node tests/bench/national/gen.mjs "$N" "$SEED" "$work" --first-school-id "$first" --today "$today"
gen_s=$(since "$t")

echo "== loading (LOAD DATA, counter triggers skipped: @xj_bulk_load), then xueji --rebuild-counters"
# At 10M the student's ~20 secondary indexes no longer fit the buffer pool and LOAD DATA inserting into them at random
# places ran for hours: they are dropped before the load (but the one each foreign key needs) and built again after
# it by one ALTER TABLE (a sorted build), from the same definitions SHOW CREATE TABLE printed.
deferred=$(rootsql -N xueji -e "SHOW CREATE TABLE student" | sed 's/\\n/\n/g' | awk -v fks="$(rootsql -N xueji -e \
  "SELECT GROUP_CONCAT(column_name) FROM information_schema.key_column_usage WHERE table_schema = 'xueji'
   AND table_name = 'student' AND referenced_table_name IS NOT NULL")" '
  BEGIN { n = split(fks, f, ","); for (i = 1; i <= n; i++) fk[f[i]] = 1 }
  /^ *(UNIQUE )?KEY `/ { line = $0; sub(/^ */, "", line); sub(/,$/, "", line)
    c = line; sub(/^[^(]*\(`/, "", c); sub(/`.*/, "", c)
    if (c in fk && !(c in kept)) { kept[c] = 1; next }
    print line }')
drops=$(sed -E 's/^(UNIQUE )?KEY (`[^`]+`).*/DROP KEY \2/' <<<"$deferred" | paste -sd, -)
adds=$(sed 's/^/ADD /' <<<"$deferred" | paste -sd, -)
t=$(now)
rootsql xueji -e "ALTER TABLE student $drops"
rootsql xueji -e "SET SESSION foreign_key_checks = 0, unique_checks = 0; SET @xj_bulk_load = 1;
  LOAD DATA LOCAL INFILE '$work/schools.tsv' INTO TABLE unit CHARACTER SET utf8mb4
    (id, code, name, school_type, parent_id, province_code, city_code, county_code) SET level = 4;
  LOAD DATA LOCAL INFILE '$work/students.tsv' INTO TABLE student CHARACTER SET utf8mb4
    (id, school_id, province_code, city_code, county_code, name, gender, birth_date, id_type, id_number, id_check, grade,
     student_no, status, ever_approved, verify_state, register_id_number, verify_id_number) SET source = 'import';
  LOAD DATA LOCAL INFILE '$work/groups.tsv' INTO TABLE problem_group CHARACTER SET utf8mb4
    (id, type, clash_key, open_key, state, scope_level, arbiter_unit_id, deadline, arb_due_date, arb_since, done_at);
  LOAD DATA LOCAL INFILE '$work/members.tsv' INTO TABLE group_member CHARACTER SET utf8mb4
    (id, group_id, student_id, school_id, province_code, city_code, county_code, state, handling, due_date);"
load_s=$(since "$t")
echo "   loaded in $load_s s; building the student's $(wc -l <<<"$deferred") deferred indexes"
t=$(now)
rootsql xueji -e "ALTER TABLE student $adds"
index_s=$(since "$t")
echo "   indexes built in $index_s s"
# R5: each L prefix's number counter at the highest number the load brought, as `xueji --load` seeds them. Without it
# every later import met numbers in use that no counter issued, undid its chunk and resynced (measured at 10M: the
# insert phase 33.6 s instead of 13.8 s per 100,000 rows)
t=$(now)
rootsql xueji -e "INSERT INTO student_no_seq (prefix, last) SELECT LEFT(student_no, 15), MAX(CAST(SUBSTRING(student_no, 16) AS UNSIGNED))
  FROM student FORCE INDEX (uk_student_no) WHERE student_no LIKE 'L%' GROUP BY LEFT(student_no, 15)
  ON DUPLICATE KEY UPDATE last = GREATEST(last, VALUES(last))"
echo "   number counters seeded in $(since "$t") s ($(rootsql -N xueji -e "SELECT COUNT(*) FROM student_no_seq") prefixes)"
secrets=$(grep XJ_DB_PASSWORD "$VARDIR/secrets.env" | cut -d= -f2)
t=$(now)
XJ_DB_SOCKET=$VARDIR/run/db.sock XJ_DB_PASSWORD=$secrets "$BUILD/xueji" --rebuild-counters
# the overdue counters' past days folded as the service's hourly housekeeping keeps them (sql/397)
XJ_DB_SOCKET=$VARDIR/run/db.sock XJ_DB_PASSWORD=$secrets "$BUILD/xueji" --housekeep
rebuild_s=$(since "$t")
rootsql xueji -e "ANALYZE TABLE unit, student, problem_group, group_member, count_school, count_group" >/dev/null

echo "== accounts at the heaviest units"
hash=$(rootsql -N xueji -e "SELECT password_hash FROM app_user WHERE username = 'clerk_a'")
county=$(rootsql -N xueji -e "SELECT county_code FROM count_school WHERE kind = 's' GROUP BY county_code ORDER BY SUM(n) DESC LIMIT 1")
city=${county:0:4}; prov=${county:0:2}
school=$(rootsql -N xueji -e "SELECT school_id FROM count_school WHERE kind = 's' AND county_code = '$county' GROUP BY school_id ORDER BY SUM(n) DESC LIMIT 1")
city_unit=$(rootsql -N xueji -e "SELECT id FROM unit WHERE level = 2 AND city_code = '$city' LIMIT 1")
city_unit=${city_unit:-${prov}0000}   # a province-administered county has no city unit: its province reads it
rootsql xueji -e "INSERT INTO app_user (username, display_name, role, unit_id, password_hash) VALUES
  ('bench_province', 'bench', 'bureau', ${prov}0000, '$hash'), ('bench_city', 'bench', 'bureau', $city_unit, '$hash'),
  ('bench_county', 'bench', 'county', $county, '$hash'), ('bench_clerk', 'bench', 'school_clerk', $school, '$hash')"
printf 'ministry\tministry\t1\nprovince\tbench_province\t%s\ncity\tbench_city\t%s\ncounty\tbench_county\t%s\nschool\tbench_clerk\t%s\n' \
  "$prov" "$city" "$county" "$school" >"$work/users.tsv"
"${MK[@]}" service-start nginx-start
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/api/v1/health" && break; sleep 0.1; done

check=skipped
if [ "${BENCH_CHECK:-$([ "$N" -le 1000000 ] && echo 1 || echo 0)}" = 1 ]; then
  check=$(XJ_DB_SOCKET=$VARDIR/run/db.sock XJ_DB_PASSWORD=$secrets "$BUILD/xueji" --check-counters | tail -1)
fi
sizes=$(rootsql -N xueji -e "SELECT table_name, ROUND((data_length + index_length) / 1048576) FROM information_schema.tables
  WHERE table_schema = 'xueji' AND table_name IN ('student', 'problem_group', 'group_member', 'count_school', 'count_group')" | tr '\t\n' ':,')
rows=$(rootsql -N xueji -e "SELECT (SELECT COUNT(*) FROM student), (SELECT COUNT(*) FROM unit WHERE level = 4),
  (SELECT COUNT(*) FROM problem_group), (SELECT COUNT(*) FROM group_member), (SELECT COUNT(*) FROM count_school), (SELECT COUNT(*) FROM count_group)")
read -r students schools groups members cs cg <<<"$rows"
cat >"$work/data.json" <<EOF
{"records": $students, "schools": $schools, "groups": $groups, "members": $members, "count_school_rows": $cs, "count_group_rows": $cg,
 "generate_seconds": $gen_s, "load_seconds": $load_s, "index_seconds": $index_s, "rebuild_counters_seconds": $rebuild_s, "heaviest": {"province": "$prov", "city": "$city", "county": "$county", "school": $school},
 "sizes_mb": "${sizes%,}", "check_counters": "$check", "disk_mb": $(du -sm "$VARDIR" | cut -f1)}
EOF
cat <<EOF

national bench data ($INSTANCE, http://127.0.0.1:$PORT/)
  records $students in $schools schools of 31 provinces; $groups groups, $members members
  generated in $gen_s s, loaded in $load_s s (LOAD DATA) + $index_s s (indexes), counters rebuilt in $rebuild_s s
  heaviest: province $prov, city $city, county $county, school $school (accounts in $work/users.tsv, password of the demo)
  counters: count_school $cs rows, count_group $cg rows; check: $check
  sizes (MB): ${sizes%,}; instance folder $(du -sh "$VARDIR" | cut -f1)
  report: $work/data.json
EOF
