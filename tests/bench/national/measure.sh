#!/usr/bin/env bash
# measure.sh: `make bench-national`: the issue 13 speed figures on the instance `make bench-data N=...` keeps
# (tests/bench/national/data.sh; R30). For every role level (ministry, province, city, county, school: the accounts of
# $VARDIR/bench/users.tsv) wrk at c=CONNS measures, for each endpoint the level may call: the student list and the
# problem list (first page, page 2,000 reached by walking the cursor, each filter, each search: exact ID number, student
# number, name prefix + birth date, exact name), the work queue (the arbitration list for bureaus) and its filters, the
# overdue list and the statistics; then the signed-in county problem list (50 rows) against nginx's static file at c=64
# (rate ratio, same run) and its p99 at c=16; the service workers' RSS before and after; and the EXPLAIN rows of the three
# heaviest requests (by p99; the service is restarted with XJ_TEST_HOOKS=1 for the X-Test-Explain hook).
# A markdown table (median / p99 in ms per endpoint x level) is printed and written to $VARDIR/bench/measure.md.
#
# Usage: tests/bench/national/measure.sh   (INSTANCE=national, PORT/DB_PORT/FCGI_PORT 28580/23580/29580 as data.sh;
#        BENCH_SECONDS=3 per endpoint, BENCH_CONNS=8, BENCH_PAGE=2000, BENCH_LEVELS="ministry province city county school")
# Aims (issue 13): p99 <= 100 ms and median <= 20 ms at c=8; county problem list >= 12 % of static at c=64, p99 <= 10 ms
# at c=16; the workers' memory does not grow.
set -uo pipefail
export INSTANCE=${INSTANCE:-national} PORT=${PORT:-28580} DB_PORT=${DB_PORT:-23580} FCGI_PORT=${FCGI_PORT:-29580}
# shellcheck source=../lib/instance.sh
. "$(dirname "$0")/../lib/instance.sh"
dur=${BENCH_SECONDS:-3}
conns=${BENCH_CONNS:-8}
page=${BENCH_PAGE:-2000}
levels=${BENCH_LEVELS:-ministry province city county school}
base=http://127.0.0.1:$PORT
work=$VARDIR/bench
[ -f "$work/users.tsv" ] || { echo "no dataset in $VARDIR: run make bench-data N=... first" >&2; exit 1; }
sql() { rootsql -N -B xueji -e "$1"; }
uri() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1"; }
ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) sub(/ms$/, "", v);
  else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.1f", v }'; }
wrkrun() { # conns duration path [cookie] -> "rate p50 p99 non2xx" (a request slower than 10 s counts as a timeout)
  local o; o=$(wrk -t2 -c"$1" -d"$2s" --timeout 10s --latency ${4:+-H "Cookie: $4"} "$base$3" 2>&1)
  local bad; bad=$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { sub(/.*timeout /, ""); n += $1 } END { if (n) print n }' <<<"$o")
  echo "$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$o") $(awk '$1 == "50%" { print $2 }' <<<"$o" | ms) \
$(awk '$1 == "99%" { print $2 }' <<<"$o" | ms) $bad"
}
rss() { ps -o rss= --ppid "$(cat "$VARDIR/run/service.pid")" | awk '{ s += $1 } END { printf "%.0f", s / 1024 }'; }
cookie() {
  curl -fsS -D - -o /dev/null -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"password\":\"Xueji@2026demo\"}" \
    "$base/api/v1/session" | sed -n 's/^[Ss]et-[Cc]ookie: \(xj_session=[^;]*\).*/\1/p'
}

# the service with the X-Test-Explain hook, started afresh: the RSS "before" is a new worker's
"${MK[@]}" service-stop >/dev/null 2>&1 || true
"${MK[@]}" XJ_TEST_HOOKS=1 service-start >/dev/null
"${MK[@]}" nginx-start >/dev/null 2>&1 || true
for _ in $(seq 1 100); do curl -fsS -o /dev/null "$base/api/v1/health" && break; sleep 0.1; done

records=$(sql "SELECT COUNT(*) FROM student")
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- fcgi sql || echo '+changes')
today=$(TZ=Asia/Shanghai date +%F)
soon=$(TZ=Asia/Shanghai date -d '+7 days' +%F)
# sample values inside the school of the school-level account, so inside every level's jurisdiction
read -r _ _ school_id < <(awk -F'\t' '$1 == "school"' "$work/users.tsv")
read -r _ _ county < <(awk -F'\t' '$1 == "county"' "$work/users.tsv")
school_code=$(sql "SELECT code FROM unit WHERE id = $school_id")
IFS=$'\t' read -r s_id s_no s_name s_birth < <(sql "SELECT id_number, student_no, name, birth_date FROM student
  WHERE school_id = $school_id AND id_type = '1' AND status = 'formal' ORDER BY id LIMIT 1")
IFS=$'\t' read -r m_id m_no m_name < <(sql "SELECT s.id_number, s.student_no, s.name FROM group_member m
  JOIN student s ON s.id = m.student_id JOIN problem_group g ON g.id = m.group_id
  WHERE m.school_id = $school_id AND g.state = 'open' AND s.id_number IS NOT NULL ORDER BY m.id LIMIT 1")
sur=$(uri "${s_name:0:1}"); exact=$(uri "$s_name"); msur=$(uri "${m_name:0:1}")

requests() { # level -> "name path" lines: what that level's screens ask
  local l=$1
  echo "students.first /api/v1/students?limit=50"
  echo "students.page$page WALK:/api/v1/students?:200"
  echo "students.status /api/v1/students?limit=50&status=problem"
  echo "students.gender /api/v1/students?limit=50&gender=F"
  [ "$l" = school ] || echo "students.school /api/v1/students?limit=50&school=$school_code"
  case $l in ministry|province|city) echo "students.county /api/v1/students?limit=50&county=$county";; esac
  echo "students.id_number /api/v1/students?limit=50&id_number=$s_id"
  echo "students.student_no /api/v1/students?limit=50&student_no=$s_no"
  echo "students.name+birth /api/v1/students?limit=50&name=$sur&birth_date=$s_birth"
  echo "students.name_exact /api/v1/students?limit=50&name=$exact&name_match=exact"
  echo "students.q /api/v1/students?limit=50&q=$s_id"
  echo "groups.first /api/v1/groups?limit=50"
  echo "groups.page$page WALK:/api/v1/groups?:100"
  for t in id_dup nbg_dup id_error id_changed; do echo "groups.type=$t /api/v1/groups?limit=50&type=$t"; done
  for s in open awaiting_arbitration done; do echo "groups.state=$s /api/v1/groups?limit=50&state=$s"; done
  echo "groups.member_state /api/v1/groups?limit=50&member_state=awaiting_review"
  echo "groups.rejected /api/v1/groups?limit=50&rejected=1"
  echo "groups.overdue /api/v1/groups?limit=50&overdue=1"
  echo "groups.due_before /api/v1/groups?limit=50&due_before=$soon"
  [ "$l" = school ] || echo "groups.school /api/v1/groups?limit=50&school=$school_code"
  case $l in ministry|province|city) echo "groups.county /api/v1/groups?limit=50&county=$county";; esac
  echo "groups.id_number /api/v1/groups?limit=50&id_number=$m_id"
  echo "groups.student_no /api/v1/groups?limit=50&student_no=$m_no"
  echo "groups.name /api/v1/groups?limit=50&name=$msur"
  echo "queue /api/v1/queue?limit=50"
  case $l in school|county)
    echo "queue.overdue /api/v1/queue?limit=50&filter=overdue"
    echo "queue.rejected /api/v1/queue?limit=50&filter=rejected";;
  esac
  echo "queue.name /api/v1/queue?limit=50&name=$msur"
  echo "queue.due_before /api/v1/queue?limit=50&due_before=$soon"
  [ "$l" = school ] && return
  echo "reminders /api/v1/reminders?limit=50"
  echo "overdue /api/v1/overdue?limit=50"
  echo "overdue.name /api/v1/overdue?limit=50&name=$msur"
  echo "stats /api/v1/stats"
  echo "stats.schools /api/v1/stats/schools?limit=50"
}

raw=$work/measure.tsv
: >"$raw"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
rss0=$(rss)
echo "== measuring $records records, commit $commit, wrk c=$conns ${dur}s per endpoint, load $load0"
declare -A cookies
for level in $levels; do
  user=$(awk -F'\t' -v l="$level" '$1 == l { print $2 }' "$work/users.tsv")
  c=$(cookie "$user")
  [ -n "$c" ] || { echo "cannot sign in as $user" >&2; continue; }
  cookies[$level]=$c
  while read -r name path; do
    note=
    if [[ $path == WALK:* ]]; then # page N by the cursor: walked once, then measured with limit=50
      spec=${path#WALK:}; list=${spec%:*}; step=${spec##*:}
      read -r reached cur nreq < <(node tests/bench/national/walk.mjs "$base" "$c" "$list" "$page" 50 "$step" 2>>"$work/measure.err")
      path="${list}limit=50${cur:+&cursor=$cur}"
      [ "${reached:-0}" = "$page" ] || note="page ${reached:-?}: the list ends there, or the walk ran out of time (BENCH_WALK_SECONDS)"
    fi
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $c" "$base$path")
    if [ "$code" != 200 ]; then
      printf '%s\t%s\t-\t-\t-\t%s\tHTTP %s\n' "$level" "$name" "$path" "$code" >>"$raw"
      echo "  $level $name: HTTP $code ($path)"
      continue
    fi
    read -r rate p50 p99 bad < <(wrkrun "$conns" "$dur" "$path" "$c")
    [ -z "$bad" ] || note="${note:+$note; }$bad non-2xx or timed out"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$level" "$name" "$p50" "$p99" "$rate" "$path" "$note" >>"$raw"
    printf '  %-9s %-28s p50 %7s ms  p99 %8s ms  %6s req/s %s\n' "$level" "$name" "$p50" "$p99" "$rate" "$note"
  done < <(requests "$level")
done
rss1=$(rss)

echo "== signed-in county problem list (50 rows) vs nginx's static file"
cc=${cookies[county]:-$(cookie "$(awk -F'\t' '$1 == "county" { print $2 }' "$work/users.tsv")")}
read -r srate sp50 sp99 _ < <(wrkrun 64 10 /css/app.css)
read -r grate gp50 gp99 gbad < <(wrkrun 64 10 "/api/v1/groups?limit=50" "$cc")
read -r g16rate g16p50 g16p99 _ < <(wrkrun 16 10 "/api/v1/groups?limit=50" "$cc")
ratio=$(awk -v a="$grate" -v b="$srate" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }')
rows=$(curl -s -H "Cookie: $cc" "$base/api/v1/groups?limit=50" | jq '.items | length')
load1=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "### issue 13 on $records records (commit $commit, $(date -u +%FT%TZ), wrk -t2 -c$conns ${dur}s per endpoint)"
  echo
  echo "load average before $load0, after $load1 (2 cores shared with the other engineers' work)."
  echo "Cells: median / p99 in ms (aim: ≤ 20 / ≤ 100). Levels: $(awk -F'\t' '{ printf "%s%s %s (%s)", (NR > 1 ? ", " : ""), $1, $2, $3 }' "$work/users.tsv")."
  echo
  node - "$raw" "$levels" <<'EOF'
const fs = require('fs');
const [file, levelList] = process.argv.slice(2);
const levels = levelList.split(' ');
const rows = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split('\t'));
const names = [...new Set(rows.map((r) => r[1]))];
const cell = new Map(rows.map((r) => [`${r[0]}|${r[1]}`, r]));
const notes = [];
console.log(`| endpoint | ${levels.join(' | ')} |`);
console.log(`|---|${levels.map(() => '---:').join('|')}|`);
for (const n of names) {
  const cells = levels.map((l) => {
    const r = cell.get(`${l}|${n}`);
    if (!r) return '–';
    if (r[6]) notes.push(`${l} ${n}: ${r[6]}`);
    if (r[2] === '-') return r[6];
    const bad = Number(r[2]) > 20 || Number(r[3]) > 100;
    return `${bad ? '**' : ''}${r[2]} / ${r[3]}${bad ? '**' : ''}`;
  });
  console.log(`| ${n} | ${cells.join(' | ')} |`);
}
const all = rows.filter((r) => r[2] !== '-');
const over = all.filter((r) => Number(r[2]) > 20 || Number(r[3]) > 100);
console.log(`\n${all.length} endpoint × level cells measured, ${over.length} over an aim (bold).`);
if (notes.length) console.log('\nNotes: ' + notes.join('; ') + '.');
EOF
  echo
  echo "Signed-in county problem list (GET /api/v1/groups?limit=50, $rows rows) vs nginx static /css/app.css, 10 s each:"
  echo "c=64: static $srate req/s (p99 $sp99 ms), problem list $grate req/s (p50 $gp50, p99 $gp99 ms${gbad:+, $gbad non-2xx}) = **$ratio %** of static (aim ≥ 12 %);"
  echo "c=16: problem list $g16rate req/s, p50 $g16p50 ms, **p99 $g16p99 ms** (aim ≤ 10 ms)."
  echo
  echo "Service workers' RSS: $rss0 MB after a fresh start, $rss1 MB after the endpoint runs, $(rss) MB at the end."
  echo
  echo "EXPLAIN of the three heaviest requests (by p99), rows as the X-Test-Explain hook returns them:"
  echo
  sort -t$'\t' -k4 -g -r "$raw" | awk -F'\t' '$3 != "-"' | sed -n 1,3p | while IFS=$'\t' read -r level name p50 p99 _ path _; do
    ex=$(curl -s -D - -o /dev/null -H "Cookie: ${cookies[$level]}" -H 'X-Test-Explain: 1' "$base$path" |
      awk 'tolower($0) ~ /^x-explain:/ { sub(/^[^:]*: */, ""); sub(/\r$/, ""); print }')
    echo "- $level $name (p50 $p50, p99 $p99 ms): \`GET ${path:0:160}\`"
    echo "  \`${ex:-(no X-Explain header: is XJ_TEST_HOOKS=1?)}\`"
  done
} | tee "$work/measure.md"
