#!/usr/bin/env bash
# units.sh: benchmark of schools and divisions as living data (issue 16 items 2 and 3). Loads N records into one school
# of 鹿泉区 130110 (G of them, default N/100, in open problem groups with a record of 桥西区 130104: the city 1301
# arbitrates), then times
#   1. the re-districting of that school to 古冶区 130204 (POST /api/v1/schools/{id}/move as prov_13: every record, member
#      and arbiter in one transaction; the arbiters become the province), and
#   2. a division update mapping 古冶区 130204 into 开平区 130205 (`xueji --divisions`: the same records again, one
#      transaction), its dry run first.
#
# Usage: tests/bench/units.sh [N]   (default 100000; BENCH_UNITS_ROWS). Runs its own instance (INSTANCE=bench-units,
#        ports BENCH_PORT 28980 / 23480 / 29980), wiped first and stopped at the end unless BENCH_KEEP=1.
set -euo pipefail
N=${1:-${BENCH_UNITS_ROWS:-100000}}
G=${BENCH_UNITS_GROUPS:-$((N / 100))}
export INSTANCE=bench-units PORT=${BENCH_PORT:-28980} DB_PORT=${BENCH_DB_PORT:-23480} FCGI_PORT=${BENCH_FCGI_PORT:-29980}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export VARDIR=$root/var/$INSTANCE
MK=(make --no-print-directory INSTANCE="$INSTANCE" PORT="$PORT" DB_PORT="$DB_PORT" FCGI_PORT="$FCGI_PORT" VARDIR="$VARDIR")
rootsql() { mariadb --no-defaults -uroot --socket="$VARDIR/run/db.sock" -N -B xueji "$@"; }
now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.2f", a - b }'; }

echo "== units bench: $N records in one school, $G of them in open groups across two counties"
"${MK[@]}" stop >/dev/null 2>&1 || true
rm -rf "$VARDIR"
"${MK[@]}" start LOGIN_RATE=1000r/s LOGIN_BURST=1000 >"$root/var/bench-units-start.log" 2>&1 || { tail -20 "$root/var/bench-units-start.log"; exit 1; }
trap '[ "${BENCH_KEEP:-0}" = 1 ] || "${MK[@]}" stop >/dev/null 2>&1 || true' EXIT

rootsql -e "INSERT INTO unit (code, level, name, parent_id, province_code, city_code, county_code)
  VALUES ('1301109999', 4, '鹿泉区压测学校', 130110, '13', '1301', '130110')"
sid=$(rootsql -e "SELECT id FROM unit WHERE code = '1301109999'")
other=$(rootsql -e "SELECT id FROM unit WHERE code = '1301040001'")
t=$(now)
rootsql -e "INSERT INTO student (school_id, province_code, city_code, county_code, name, gender, birth_date, id_type, student_no, status)
  SELECT $sid, '13', '1301', '130110', CONCAT('压测', seq), 'M', '2015-01-01', 'Z', CONCAT('L130110', LPAD(seq, 12, '0')), 'pending'
  FROM seq_1_to_$N;
  INSERT INTO student (school_id, province_code, city_code, county_code, name, gender, birth_date, id_type, student_no, status)
  SELECT $other, '13', '1301', '130104', CONCAT('压测', seq), 'M', '2015-01-01', 'Z', CONCAT('L130104', LPAD(seq, 12, '0')), 'problem'
  FROM seq_1_to_$G;
  INSERT INTO problem_group (type, clash_key, open_key, state, scope_level, arbiter_unit_id)
  SELECT 'nbg_dup', CONCAT('压测', seq, '|M|2015-01-01'), CONCAT('压测', seq, '|M|2015-01-01'), 'open', 2, 130100 FROM seq_1_to_$G;
  INSERT INTO group_member (group_id, student_id, school_id, province_code, city_code, county_code, state, due_date)
  SELECT g.id, s.id, s.school_id, s.province_code, s.city_code, s.county_code, 'open', '2030-01-15'
  FROM problem_group g JOIN student s ON s.name = SUBSTRING_INDEX(g.clash_key, '|', 1) WHERE g.clash_key LIKE '压测%';"
echo "   loaded in $(since "$t") s: $(rootsql -e "SELECT COUNT(*) FROM student WHERE school_id = $sid") records, $(rootsql -e "SELECT COUNT(*) FROM group_member m JOIN problem_group g ON g.id = m.group_id WHERE g.clash_key LIKE '压测%'") members"

# 1. re-districting through the API, as the province's bureau
jar=$VARDIR/bench-units.cookies
login=$(curl -fsS -c "$jar" -H 'content-type: application/json' -d '{"username":"prov_13","password":"Xueji@2026demo"}' "http://127.0.0.1:$PORT/api/v1/session")
csrf=$(node -e 'console.log(JSON.parse(process.argv[1]).csrf_token)' "$login")
t=$(now)
out=$(curl -sS -b "$jar" -H 'content-type: application/json' -H "x-csrf-token: $csrf" -d '{"version":1,"county_code":"130204"}' \
  -w ' HTTP %{http_code}' "http://127.0.0.1:$PORT/api/v1/schools/$sid/move")
echo "1. move of the school to 130204: $(since "$t") s, answer: $(node -e 'const [b, c] = process.argv[1].split(" HTTP "); const j = JSON.parse(b); console.log(c, JSON.stringify(j.moved ?? j.error))' "$out")"
echo "   arbiters now: $(rootsql -e "SELECT GROUP_CONCAT(DISTINCT arbiter_unit_id) FROM problem_group WHERE clash_key LIKE '压测%'")"

# 2. a division update: 130204 ceases into 130205 (a synthetic mapping of real codes), dry run then applied
file=$VARDIR/bench-divisions.tsv
printf 'map\t130204\t130205\n' >"$file"
set -a; . "$VARDIR/secrets.env"; set +a
export XJ_DB_SOCKET=$VARDIR/run/db.sock XJ_DATA_DIR=$VARDIR/data
t=$(now)
build/xueji --divisions "$file" --dry-run | sed 's/^/   /'
echo "2a. dry run: $(since "$t") s"
t=$(now)
build/xueji --divisions "$file" | sed 's/^/   /'
echo "2b. applied: $(since "$t") s; records in 130205 now: $(rootsql -e "SELECT COUNT(*) FROM student WHERE county_code = '130205' AND school_id = $sid")"
