#!/usr/bin/env bash
# scale.sh: the national-volume figures of issues 14, 15 and 17 on the instance `make bench-data N=...` keeps
# (tests/bench/national/data.sh, R30), each step's result printed and appended to $VARDIR/bench/scale.md:
#   sizes     issue 15 item 5: rows, data and index bytes of every table (information_schema, exact row counts) and the
#             bytes per student record;
#   redetect  issue 14 item 3: the bare GROUP BY over the two blocking indexes, then `xueji --redetect` in the same run
#             (wall time, ratio, aim <= 3x), groups and members before and after (a steady-state run opens nothing);
#   suspects  issue 17: `xueji --suspects` full run time (aim: 10M in <= 15 min);
#   import    issue 14: one file of BENCH_IMPORT_ROWS (100,000) new rows of province 13 imported through the service
#             (POST /api/v1/imports by the province's system, detection on) after a 20,000-row warm-up file; with
#             BENCH_IMPORT_ALSO=INSTANCE:PORT:DB_PORT:FCGI_PORT the same-shaped files go into a second dataset (e.g. the
#             1M one) in the same run and the rate ratio is given (aim: the rate at 10M >= 70 % of the rate at 1M);
#   scratch   issue 14 speed: detection from scratch against the generator's truth (groups.tsv, members.tsv): every
#             group and member is removed, `xueji --redetect` runs, and each planted clash whose records are not deleted
#             must come back as one open group with exactly those records (recall), every group found must be one
#             (precision). DESTRUCTIVE for the workflow states of the dataset: run it last.
# Usage: tests/bench/national/scale.sh [STEP...]   (default: sizes redetect suspects import; INSTANCE=national,
#        PORT/DB_PORT/FCGI_PORT 28580/23580/29580 as data.sh; BENCH_IMPORT_ROWS, BENCH_IMPORT_ALSO)
set -uo pipefail
export INSTANCE=${INSTANCE:-national} PORT=${PORT:-28580} DB_PORT=${DB_PORT:-23580} FCGI_PORT=${FCGI_PORT:-29580}
# shellcheck source=../lib/instance.sh
. "$(dirname "$0")/../lib/instance.sh"
BUILD=${BUILD:-build}
steps=${*:-sizes redetect suspects import}
work=$VARDIR/bench
out=$work/scale.md
[ -f "$work/users.tsv" ] || { echo "no dataset in $VARDIR: run make bench-data N=... first" >&2; exit 1; }
sql() { rootsql -N -B xueji -e "$1"; }
say() { echo "$*" | tee -a "$out"; }
cli() { XJ_DB_SOCKET=$VARDIR/run/db.sock XJ_DB_PASSWORD=$(grep XJ_DB_PASSWORD "$VARDIR/secrets.env" | cut -d= -f2) "$BUILD/xueji" "$@"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
records=$(sql "SELECT COUNT(*) FROM student")
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- fcgi sql || echo '+changes')
say ""
say "### scale.sh $steps on $records records ($INSTANCE, commit $commit, $(date -u +%FT%TZ))"

for step in $steps; do
  case $step in
  sizes)
    say ""
    say "#### table sizes (information_schema after ANALYZE; rows counted), load $(load)"
    tables=$(sql "SELECT table_name FROM information_schema.tables WHERE table_schema = 'xueji' AND table_type = 'BASE TABLE'")
    rootsql xueji -e "ANALYZE TABLE $(paste -sd, <<<"$tables")" >/dev/null
    say ""
    say "| table | rows | data MB | index MB | data B/row | index B/row |"
    say "|---|---:|---:|---:|---:|---:|"
    while read -r t; do
      n=$(sql "SELECT COUNT(*) FROM \`$t\`")
      read -r d i < <(sql "SELECT data_length, index_length FROM information_schema.tables WHERE table_schema = 'xueji' AND table_name = '$t'")
      printf '%s\t%s\t%s\t%s\n' "$t" "$n" "$d" "$i"
    done <<<"$tables" | sort -t$'\t' -k3 -g -r | awk -F'\t' '{ printf "| %s | %d | %.1f | %.1f | %s | %s |\n", $1, $2, $3 / 1048576, $4 / 1048576,
      $2 ? sprintf("%.0f", $3 / $2) : "–", $2 ? sprintf("%.0f", $4 / $2) : "–"; d += $3; i += $4 }
      END { printf "| all | | %.1f | %.1f | | |\n", d / 1048576, i / 1048576 }' | tee -a "$out"
    say ""
    say "Per student record, all tables: $(sql "SELECT ROUND(SUM(data_length) / $records), ROUND(SUM(index_length) / $records)
      FROM information_schema.tables WHERE table_schema = 'xueji'" | awk '{ print $1 " B data + " $2 " B index" }'); the data folder $(du -sh "$VARDIR/db" | cut -f1)."
    ;;
  redetect)
    say ""
    say "#### re-detection (issue 14 item 3), load $(load)"
    before=$(sql "SELECT (SELECT COUNT(*) FROM problem_group), (SELECT COUNT(*) FROM group_member), (SELECT COUNT(*) FROM problem_group WHERE state <> 'done')")
    t=$(now)
    sql "SELECT COUNT(*) FROM (SELECT id_number FROM student FORCE INDEX (k_student_idno) WHERE id_number IS NOT NULL
      GROUP BY id_number HAVING COUNT(*)>=2) a; SELECT COUNT(*) FROM (SELECT name FROM student FORCE INDEX (k_student_nbg)
      GROUP BY name, gender, birth_date HAVING COUNT(*)>=2) b" >"$work/bare.txt"
    bare_s=$(since "$t")
    t=$(now)
    cli --redetect >"$work/redetect.out" 2>"$work/redetect.err"
    rc=$?
    redetect_s=$(since "$t")
    after=$(sql "SELECT (SELECT COUNT(*) FROM problem_group), (SELECT COUNT(*) FROM group_member), (SELECT COUNT(*) FROM problem_group WHERE state <> 'done')")
    say "bare GROUP BY over k_student_idno and k_student_nbg: $bare_s s ($(paste -sd/ "$work/bare.txt") keys with 2+ records)"
    say "xueji --redetect (exit $rc): $redetect_s s = $(awk -v a="$redetect_s" -v b="$bare_s" 'BEGIN { printf "%.2f", a / b }') x the bare scan (aim <= 3); $(tail -1 "$work/redetect.out")"
    say "groups/members/unfinished groups before: ${before//$'\t'/\/}, after: ${after//$'\t'/\/}; longest lines of its progress: $(grep -c . "$work/redetect.err") in $work/redetect.err"
    ;;
  suspects)
    say ""
    say "#### suspected duplicates full run (issue 17), load $(load)"
    t=$(now)
    cli --suspects >"$work/suspects.out" 2>"$work/suspects.err"
    rc=$?
    s=$(since "$t")
    say "xueji --suspects (exit $rc): $s s ($(awk -v s="$s" 'BEGIN { printf "%.1f", s / 60 }') min, aim <= 15 min): $(tail -1 "$work/suspects.out")"
    say "pairs stored: $(sql "SELECT COUNT(*) FROM suspect_pair") ($(sql "SELECT ROUND(1000 * COUNT(*) / $records, 2) FROM suspect_pair") per 1,000 records)"
    ;;
  import)
    rows=${BENCH_IMPORT_ROWS:-100000}
    say ""
    say "#### import through the service (issue 14): $rows new rows of province 13 in one file, load $(load)"
    token=$(sed -n 's/.*province 13 .*Bearer \(xjp_[^ ]*\).*/\1/p' sql/demo/10-credentials.sql)
    import_into() { # instance port db_port fcgi_port -> prints "records rate_rows_per_s seconds created peak_rss_mib"
      (
        export INSTANCE=$1 PORT=$2 DB_PORT=$3 FCGI_PORT=$4
        . "$root/tests/bench/lib/instance.sh"
        w=$VARDIR/bench/import
        mkdir -p "$w"
        rootsql -N xueji -e "SELECT code FROM unit WHERE level = 4 AND province_code = '13' AND closed_at IS NULL ORDER BY id" >"$w/schools.txt"
        n=$(rootsql -N xueji -e "SELECT COUNT(*) FROM student")
        s0=$((1000 + $(rootsql -N xueji -e "SELECT COUNT(*) FROM import_job")))   # new children every run
        node tests/bench/gen-students.mjs 20000 "$s0" --schools "$w/schools.txt" >"$w/warm.csv" 2>/dev/null
        node tests/bench/gen-students.mjs "$rows" "$((s0 + 1))" --schools "$w/schools.txt" >"$w/file.csv" 2>/dev/null
        "${MK[@]}" service-stop >/dev/null 2>&1 || true
        XJ_IMPORT_PROFILE=1 "${MK[@]}" service-start nginx-start >/dev/null 2>&1
        for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/api/v1/health" && break; sleep 0.1; done
        BASE_URL=http://127.0.0.1:$PORT node tests/bench/registry-import.mjs "$token" "$w/warm.csv" >"$w/warm.json" 2>>"$w/import.err"
        BASE_URL=http://127.0.0.1:$PORT node tests/bench/registry-import.mjs "$token" "$w/file.csv" >"$w/file.json" 2>>"$w/import.err"
        rss=$(service_peak_rss_kb)
        grep -ho 'import [0-9]* commit: [^"]*' "$VARDIR/log/service.log" | tail -1 >"$w/profile.txt"
        node -e "const j = JSON.parse(require('fs').readFileSync('$w/file.json', 'utf8')); const c = j.jobs.reduce((a, x) => a + x.created, 0);
          console.log('$n', Math.round(c / j.seconds), j.seconds.toFixed(1), c, Math.round($rss / 1024))"
      )
    }
    read -r n1 r1 s1 c1 m1 < <(import_into "$INSTANCE" "$PORT" "$DB_PORT" "$FCGI_PORT")
    say "into $n1 records ($INSTANCE): $c1 rows created in $s1 s = **$r1 rows/s**, service peak RSS $m1 MiB; profile: $(cat "$work/import/profile.txt" 2>/dev/null)"
    if [ -n "${BENCH_IMPORT_ALSO:-}" ]; then
      IFS=: read -r i2 p2 d2 f2 <<<"$BENCH_IMPORT_ALSO"
      read -r n2 r2 s2 c2 m2 < <(import_into "$i2" "$p2" "$d2" "$f2")
      say "into $n2 records ($i2): $c2 rows created in $s2 s = **$r2 rows/s**, service peak RSS $m2 MiB; profile: $(cat "$root/var/$i2/bench/import/profile.txt" 2>/dev/null)"
      say "rate into $n1 / rate into $n2 = **$(awk -v a="$r1" -v b="$r2" 'BEGIN { printf "%.0f %%", (b > 0 ? 100 * a / b : 0) }')** (aim >= 70 %), load $(load)"
    fi
    ;;
  scratch)
    say ""
    say "#### detection from scratch against the generator's truth (issue 14: recall and precision 1.0), load $(load)"
    rootsql xueji -e "DROP TABLE IF EXISTS bench_tg, bench_tm;
      CREATE TABLE bench_tg (id BIGINT UNSIGNED PRIMARY KEY, type VARCHAR(16), state VARCHAR(24));
      CREATE TABLE bench_tm (group_id BIGINT UNSIGNED, student_id BIGINT UNSIGNED, PRIMARY KEY (group_id, student_id));
      LOAD DATA LOCAL INFILE '$work/groups.tsv' INTO TABLE bench_tg (id, type, @k, @o, state, @s, @a, @d, @ad, @as, @done);
      LOAD DATA LOCAL INFILE '$work/members.tsv' INTO TABLE bench_tm (@id, group_id, student_id, @sc, @p, @ci, @co, @st, @h, @due);
      SET SESSION foreign_key_checks = 0; SET @xj_bulk_load = 1;
      DELETE FROM group_member; DELETE FROM problem_group;"
    t=$(now)
    cli --redetect >"$work/scratch.out" 2>"$work/scratch.err"
    rc=$?
    s=$(since "$t")
    say "xueji --redetect from no groups (exit $rc): $s s; $(tail -1 "$work/scratch.out")"
    # expected: each planted group's records that are not deleted (an ID change only while the register still says so),
    # at least two for a duplicate; found: every unfinished group's records
    rootsql -t xueji -e "
      WITH exp AS (SELECT g.type, GROUP_CONCAT(m.student_id ORDER BY m.student_id) AS ids FROM bench_tg g
          JOIN bench_tm m ON m.group_id = g.id JOIN student s ON s.id = m.student_id
          WHERE s.status <> 'deleted' AND (g.type <> 'id_changed' OR s.verify_state = 'changed') GROUP BY g.id, g.type
          HAVING COUNT(*) >= IF(g.type IN ('id_dup', 'nbg_dup'), 2, 1)),
        fnd AS (SELECT g.type, GROUP_CONCAT(m.student_id ORDER BY m.student_id) AS ids FROM problem_group g
          JOIN group_member m ON m.group_id = g.id WHERE g.state <> 'done' GROUP BY g.id, g.type),
        ty AS (SELECT type FROM exp UNION SELECT type FROM fnd)
      SELECT ty.type, (SELECT COUNT(*) FROM exp WHERE exp.type = ty.type) AS planted,
        (SELECT COUNT(*) FROM exp JOIN fnd USING (type, ids) WHERE exp.type = ty.type) AS found,
        (SELECT COUNT(*) FROM fnd WHERE fnd.type = ty.type) AS groups_found,
        ROUND((SELECT COUNT(*) FROM exp JOIN fnd USING (type, ids) WHERE exp.type = ty.type) / NULLIF((SELECT COUNT(*) FROM exp WHERE exp.type = ty.type), 0), 4) AS recall,
        ROUND((SELECT COUNT(*) FROM exp JOIN fnd USING (type, ids) WHERE exp.type = ty.type) / NULLIF((SELECT COUNT(*) FROM fnd WHERE fnd.type = ty.type), 0), 4) AS precision_
      FROM ty ORDER BY ty.type" | tee -a "$out"
    ;;
  *) echo "unknown step $step (sizes redetect suspects import scratch)" >&2; exit 2;;
  esac
done
echo "results appended to $out"
