// search-explain.test.mjs: issue 13 item 1 (R1–R3, R30): at 100,000 records, EXPLAIN of every list query (students,
// problem list, queues, overdue list) with every search and filter, as every role level, shows no full scan of
// student, group_member or problem_group, and reads no more of them than the caller's own rows. The service EXPLAINs
// each SELECT of a request with the same arguments when asked by the X-Test-Explain header (XJ_TEST_HOOKS only) and
// answers the rows in X-Explain ("table:type:key:rows", ";" per row, " | " per statement).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, sqlCount, counters } from '../lib/api.mjs';
import { as, SCHOOLS } from '../lib/registry.mjs';
import { searchDataSql } from '../lib/search-data.mjs';
import { explainPages, explainRows } from '../lib/explain.mjs';
import { todayCN } from '../lib/workflow.mjs';

const N = 100000;
// the aliases of the lists' statements for the three tables the check is about
const TABLE_OF = { s: 'student', ss: 'student', m: 'group_member', m0: 'group_member', b: 'group_member', mm: 'group_member', am: 'group_member', c: 'group_member',
  g: 'problem_group' };
let base; // the ids before this suite's rows: everything above is ours (suites run one at a time)

before(() => {
  base = {
    s: sqlCount('SELECT COALESCE(MAX(id),0) FROM student'), g: sqlCount('SELECT COALESCE(MAX(id),0) FROM problem_group'),
  };
  for (const q of searchDataSql(N, base.g)) sql(q);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE id > ${base.s}`), N);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM problem_group WHERE id > ${base.g}`), N / 200);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM group_member WHERE group_id > ${base.g}`), N / 100);
});

after(() => {
  if (!base) return;
  sql(`DELETE FROM group_member WHERE group_id > ${base.g} OR student_id > ${base.s}`);
  sql(`DELETE FROM problem_group WHERE id > ${base.g}`);
  sql(`DELETE FROM student WHERE id > ${base.s}`);
});

/** The caller's own rows of each table (R1–R3): what a list of theirs may read at most. */
function ownRows(where) {
  return {
    student: sqlCount(`SELECT COUNT(*) FROM student s WHERE ${where('s')}`),
    group_member: sqlCount(`SELECT COUNT(*) FROM group_member m WHERE ${where('m')}`),
    problem_group: sqlCount(`SELECT COUNT(DISTINCT m.group_id) FROM group_member m WHERE ${where('m')}`),
  };
}

const sid = (code) => sql(`SELECT id FROM unit WHERE code='${code}'`)[0][0];
const ROLES = {
  ministry: () => null, // every row is the ministry's own: it may read them all
  prov_13: () => ownRows((a) => `${a}.province_code='13'`),
  city_1301: () => ownRows((a) => `${a}.city_code='1301'`),
  county_130102: () => ownRows((a) => `${a}.county_code='130102'`),
  clerk_a: () => ownRows((a) => `${a}.school_id=${sid(SCHOOLS.a.code)}`),
  leader_a: () => ownRows((a) => `${a}.school_id=${sid(SCHOOLS.a.code)}`),
};

/** Every list request of a role: each search and each filter the role may use. */
function requests(role) {
  const one = sql(`SELECT id_number, student_no, name FROM student WHERE id > ${base.s} AND school_id = ${sid(SCHOOLS.a.code)} LIMIT 1`)[0];
  const county = role === 'clerk_a' || role === 'leader_a' ? [] : ['county=130102', 'school=1301020001'];
  const students = ['', 'status=problem', 'name=%E7%8E%8B', `name=${encodeURIComponent(one[2])}&name_match=exact`,
    `name=%E7%8E%8B&gender=F&birth_date=2012-03-01`, `id_number=${one[0].toLowerCase()}`, `student_no=${one[1]}`,
    `q=${encodeURIComponent(one[2].slice(0, 2))}`, ...county, ...county.map((c) => `${c}&name=%E6%9D%8E`)]
    .map((q) => `/api/v1/students?limit=50&${q}`);
  const groups = ['', 'type=nbg_dup', 'state=awaiting_arbitration', 'member_state=awaiting_review', 'rejected=1', 'overdue=1',
    'due_before=2030-01-01', 'name=%E5%BC%A0', `id_number=${one[0]}`, `student_no=${one[1]}`, ...county,
    ...county.map((c) => `${c}&member_state=open&type=id_dup`)].map((q) => `/api/v1/groups?limit=20&${q}`);
  const queue = ['', 'filter=rejected', 'filter=overdue', 'type=id_dup', 'due_before=2030-01-01', 'name=%E7%8E%8B',
    `id_number=${one[0]}`, ...(role === 'county_130102' ? ['school=1301020001'] : []),
    ...(role === 'city_1301' ? ['county=130102', 'school=1301020001&name=%E7%8E%8B'] : [])].map((q) => `/api/v1/queue?limit=50&${q}`);
  const overdue = ['clerk_a', 'leader_a'].includes(role) ? [] : ['', 'type=id_dup', 'name=%E7%8E%8B', ...county]
    .map((q) => `/api/v1/overdue?limit=50&${q}`);
  return [...students, ...groups, ...queue, ...overdue];
}

for (const role of Object.keys(ROLES)) {
  test(`R1–R3/R30 at ${N} records: every list query of ${role}, each search and filter, reads its own rows by an index`, async () => {
    const own = ROLES[role]();
    const c = await as(role);
    let checked = 0;
    for (const path of requests(role)) {
      for (const { url, rows, header } of await explainPages(c, path)) { // page 1, and page 2 by cursor
        for (const x of rows) {
          const table = TABLE_OF[x.table];
          if (!table || !own) continue;
          assert.ok(!['ALL', 'index'].includes(x.type), `${role} ${url}: full scan of ${table}: ${x.raw}\n${header}`);
          const cap = Math.max(200, Math.ceil(own[table] * 2.5)); // EXPLAIN's rows are estimates
          assert.ok(x.rows <= cap, `${role} ${url}: reads ${x.rows} rows of ${table}, own rows ${own[table]}: ${x.raw}`);
          checked++;
        }
      }
    }
    if (own) assert.ok(checked > 20, `${role}: ${checked} rows checked`);
  });
}

test('the EXPLAIN hook answers nothing without the header, and the lists hold the 100,000 records', async () => {
  const c = await as('prov_13');
  const r = await c.get('/api/v1/students?limit=5');
  assert.equal(r.headers.get('x-explain'), null);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE id > ${base.s}`), N);
  assert.equal(r.body.items.length, 5);
});

test('issue 13 item 2 (R30): statistics of every role level read the counters through their keys: no full scan of a counter table', async () => {
  for (const role of ['ministry', 'prov_13', 'city_1301', 'county_130102']) {
    const r = await (await as(role)).get('/api/v1/stats', { headers: { 'x-test-explain': '1' } });
    assert.equal(r.status, 200, `${role}: ${r.text}`);
    const rows = explainRows(r.headers.get('x-explain'));
    const counters = rows.filter((x) => ['c', 'count_group', 'count_rollup', 'count_school'].includes(x.table));
    assert.ok(counters.length >= 4, `${role}: the counter reads are explained: ${r.headers.get('x-explain')}`);
    for (const x of counters) assert.ok(!['ALL', 'index'].includes(x.type), `${role} stats: full scan of a counter table: ${x.raw}`);
    // the schools below, a page by cursor: the page off unit's (county_code, level) key, its counter rows probed per school
    for (const { url, rows } of await explainPages(await as(role), '/api/v1/stats/schools?limit=20')) {
      const read = rows.filter((x) => ['c', 'u', 'count_group', 'count_school', 'unit'].includes(x.table));
      assert.ok(read.length >= 3, `${url}: the reads are explained: ${rows.map((x) => x.raw)}`);
      for (const x of read) assert.ok(!['ALL', 'index'].includes(x.type), `${role} ${url}: ${x.raw}`); // (a range's estimate is the range, read up to the page)
    }
  }
});

test('issue 13 item 2 (R24, R30): statistics read the dated counters (members overdue, groups past a deadline or an arbitration\'s due date) before today only, never the days ahead', async () => {
  // a housekeeping pass folds the past days into one row per key; the search data's members are due from 15 days ago to
  // 14 days ahead, so the units below every bureau hold counter rows of the days ahead
  assert.equal(counters('--housekeep').status, 0);
  const today = todayCN();
  const pending = "('unconfirmed','open','awaiting_leader','awaiting_review')";
  const count = (t, kinds, [level, key], when) =>
    sqlCount(`SELECT COUNT(*) FROM ${t} WHERE level = ${level} AND kind IN ${kinds} AND unit_key LIKE '${key}%'
      ${t === 'count_rollup' ? `AND k1 IN ${pending}` : ''} AND day ${when} '${today}'`);
  const cases = { // the role's own counters and the units below its statistics list
    ministry: { own: [0, ''], below: [1, ''] }, prov_13: { own: [1, '13'], below: [3, '13'] },
    city_1301: { own: [2, '1301'], below: [3, '1301'] }, county_130102: { own: [3, '130102'], below: [3, '130102'] },
  };
  for (const [role, { own, below }] of Object.entries(cases)) {
    const r = await (await as(role)).get('/api/v1/stats', { headers: { 'x-test-explain': 'analyze' } });
    assert.equal(r.status, 200, `${role}: ${r.text}`);
    const rows = explainRows(r.headers.get('x-explain'));
    const read = (xs) => xs.reduce((n, x) => n + x.read, 0);
    // overdue members: the days listed (the folded row, the last 7 days) by unit, and the older days not folded (none)
    const d = rows.filter((x) => x.key === 'k_rollup_due');
    const dBefore = count('count_rollup', "('d')", below, '<'), dAhead = count('count_rollup', "('d')", below, '>=');
    assert.ok(dAhead > 0, `${role}: the data holds member counters of the days ahead`);
    assert.equal(d.length, 2, `${role}: the overdue members are read on k_rollup_due: ${r.headers.get('x-explain')}`);
    for (const x of d) assert.equal(x.type, 'range', x.raw);
    assert.equal(read(d), dBefore, `${role}: ${d.map((x) => x.raw)} read the ${dBefore} rows due before today, not the ${dAhead} ahead`);
    // groups past a deadline or awaiting an overdue arbitration: the same, for the role's own row and the units below
    const g = rows.filter((x) => x.key === 'k_group_due');
    const gBefore = count('count_group', "('l', 'a')", own, '<') + count('count_group', "('l', 'a')", below, '<');
    const gAhead = count('count_group', "('l', 'a')", own, '>=') + count('count_group', "('l', 'a')", below, '>=');
    assert.equal(g.length, 4, `${role}: the dated group counters are read on k_group_due: ${r.headers.get('x-explain')}`);
    for (const x of g) assert.equal(x.type, 'range', x.raw);
    assert.equal(read(g), gBefore, `${role}: ${g.map((x) => x.raw)} read the ${gBefore} rows due before today, not the ${gAhead} ahead`);
  }
});

test('issue 13 item 1 (R8, s.6; R30): a problem list filtered by group state or type reads only the members of such groups, by (path, g_state | g_type, group_id)', async () => {
  const cases = [
    ['prov_13', "m.province_code='13'"], ['city_1301', "m.city_code='1301'"], ['county_130102', "m.county_code='130102'"],
    ['clerk_a', `m.school_id=${sid(SCHOOLS.a.code)}`]];
  for (const [role, where] of cases) {
    const c = await as(role);
    const all = sqlCount(`SELECT COUNT(*) FROM group_member m WHERE ${where}`);
    for (const [q, col, v] of [['state=awaiting_arbitration', 'g_state', 'awaiting_arbitration'], ['type=nbg_dup', 'g_type', 'nbg_dup'],
      ['state=open&type=id_changed', 'g_state', 'open']]) {
      const own = sqlCount(`SELECT COUNT(*) FROM group_member m WHERE ${where} AND m.${col}='${v}'`);
      assert.ok(own < all, `${role} ${q}: the filter is selective in this data (${own} of ${all})`);
      for (const { url, rows } of await explainPages(c, `/api/v1/groups?limit=20&${q}`)) {
        const m = rows.filter((x) => x.table === 'm' && x.key !== 'uk_member'); // (uk_member: the page's members, by group)
        assert.ok(m.length >= 1 && m.every((x) => x.key.endsWith(`_${col.replace('_', '')}`)), `${role} ${url}: ${rows.map((x) => x.raw)}`);
        for (const x of m) assert.ok(x.rows <= Math.max(20, own * 2.5), `${role} ${url}: reads ${x.rows} members, ${own} of ${all} match`);
      }
      // what the list shows is what the filter says (the copy on the member equals its group, sql/380)
      const r = await c.get(`/api/v1/groups?limit=100&${q}`);
      assert.equal(r.status, 200, r.text);
      for (const g of r.body.items) for (const [k, want] of new URLSearchParams(q)) assert.equal(g[k], want, `${role} ${q}: group ${g.id}`);
    }
  }
  assert.equal(sqlCount(`SELECT COUNT(*) FROM group_member m JOIN problem_group g ON g.id = m.group_id
    WHERE m.g_type <> g.type OR m.g_state <> g.state`), 0, 'every member carries its group\'s type and state');
});

test('issue 13 item 1 (R15–R24, R30): a problem list filtered by a member handling state reads only the path\'s members in that state, by (path, state, group_id), and pages through exactly the groups with such a member', async () => {
  const cases = [
    ['ministry', '1=1', '', 'k_member_state_group'], ['prov_13', "m.province_code='13'", '', 'k_member_province_state'],
    ['city_1301', "m.city_code='1301'", '', 'k_member_city_state'], ['county_130102', "m.county_code='130102'", '', 'k_member_county_state'],
    ['prov_13', "m.county_code='130102'", 'county=130102&', 'k_member_county_state'],
    ['clerk_a', `m.school_id=${sid(SCHOOLS.a.code)}`, '', 'k_member_school_state']];
  for (const [role, where, extra, key] of cases) {
    const c = await as(role);
    const mine = `${where} AND m.group_id > ${base.g}`; // this suite's groups (the ministry's list holds every group)
    // the rarest and the commonest handling state of the path's members in this data
    const states = sql(`SELECT m.state FROM group_member m WHERE ${mine} GROUP BY m.state ORDER BY COUNT(*), m.state`).map((x) => x[0]);
    assert.ok(states.length >= 2, `${role}: members in several states (${states})`);
    for (const state of [states[0], states[states.length - 1]]) {
      const own = sqlCount(`SELECT COUNT(*) FROM group_member m WHERE ${where} AND m.state='${state}'`);
      const all = sqlCount(`SELECT COUNT(*) FROM group_member m WHERE ${where}`);
      assert.ok(own > 0 && own < all, `${role} ${state}: the filter is selective in this data (${own} of ${all})`);
      const q = `/api/v1/groups?limit=20&${extra}member_state=${state}`;
      for (const { url, rows } of await explainPages(c, q)) {
        const m = rows.filter((x) => x.table === 'm' && x.key !== 'uk_member'); // (uk_member: the page's members, by group)
        assert.ok(m.length >= 1 && m.every((x) => x.key === key && ['range', 'ref'].includes(x.type)), `${role} ${url}: ${rows.map((x) => x.raw)}`);
        for (const x of m) assert.ok(x.rows <= Math.max(20, own * 2.5), `${role} ${url}: reads ${x.rows} members, ${own} of ${all} in ${state}`);
      }
      // the list is exactly the groups with a member in that state within the path, newest first, once
      const want = sql(`SELECT DISTINCT m.group_id FROM group_member m WHERE ${mine} AND m.state='${state}' ORDER BY m.group_id DESC`)
        .map((x) => Number(x[0]));
      const got = [];
      let cursor = null, last = Infinity;
      do { // down to this suite's oldest group (the ministry's list goes on with the other suites' groups)
        const r = await c.get(`${q}${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(r.status, 200, r.text);
        got.push(...r.body.items.map((g) => g.id).filter((id) => id > base.g));
        for (const g of r.body.items) assert.ok(g.members.some((x) => x.state === state), `${role} ${state}: group ${g.id} shows a member in that state`);
        for (const g of r.body.items) assert.equal(g.member_count, g.members.length, `${role}: group ${g.id} counts the members it shows`);
        cursor = r.body.next_cursor;
        last = r.body.items.length ? r.body.items[r.body.items.length - 1].id : last;
      } while (cursor && last > base.g);
      assert.deepEqual(got, want, `${role} ${state}: every group with such a member, newest first, once`);
    }
  }
});

test('issue 13 item 1 (R24, R30): a problem list filtered by overdue or due before a day reads each pending state\'s members of the path on (path, state, group_id, due_date), the ministry\'s from the highest group due before the day (sql/407), a member row only when due, and pages through exactly the groups with such a member', async () => {
  const today = todayCN(); // the service's day (R24: China Standard Time)
  const cases = [
    ['ministry', '1=1', '', 'k_member_state_group'], ['prov_13', "m.province_code='13'", '', 'k_member_province_state'],
    ['city_1301', "m.city_code='1301'", '', 'k_member_city_state'], ['county_130102', "m.county_code='130102'", '', 'k_member_county_state'],
    ['city_1301', "m.county_code='130102'", 'county=130102&', 'k_member_county_state'],
    ['clerk_a', `m.school_id=${sid(SCHOOLS.a.code)}`, '', 'k_member_school_state']];
  const PENDING = "('unconfirmed','open','awaiting_leader','awaiting_review')";
  for (const [role, where, extra, key] of cases) {
    const c = await as(role);
    const mine = `${where} AND m.group_id > ${base.g}`;
    for (const [q, day] of [['overdue=1', today], ['due_before=2030-01-01', '2030-01-01'], [`overdue=1&due_before=${today}`, today]]) {
      const url0 = `/api/v1/groups?limit=20&${extra}${q}`;
      for (const { url, rows } of await explainPages(c, url0)) {
        const m0 = rows.filter((x) => x.table === 'm0');
        assert.equal(m0.length, 4, `${role} ${url}: one read per pending state: ${rows.map((x) => x.raw)}`);
        assert.ok(m0.every((x) => x.key === key), `${role} ${url}: ${rows.map((x) => x.raw)}`);
        if (role === 'ministry') { // sql/407: each state's walk starts at its highest group due before the day, read first on (state, due_date, group_id)
          assert.ok(rows.some((x) => x.table === 'b' && x.key === 'k_member_due' && x.type === 'range'), `${url}: the bound: ${rows.map((x) => x.raw)}`);
          assert.ok(m0.every((x) => x.type === 'range'), `${url}: a walk bounded by the group: ${rows.map((x) => x.raw)}`);
        }
        assert.ok(rows.filter((x) => x.table === 'm' && x.key !== 'uk_member').every((x) => x.key === 'PRIMARY'),
          `${role} ${url}: a member row by its id only: ${rows.map((x) => x.raw)}`);
      }
      const want = sql(`SELECT DISTINCT m.group_id FROM group_member m WHERE ${mine} AND m.state IN ${PENDING}
        AND m.due_date < '${day}' ORDER BY m.group_id DESC`).map((x) => Number(x[0]));
      assert.ok(want.length > 0, `${role} ${q}: such groups in this data`);
      const got = [];
      let cursor = null, last = Infinity;
      do {
        const r = await c.get(`${url0}${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(r.status, 200, r.text);
        got.push(...r.body.items.map((g) => g.id).filter((id) => id > base.g));
        cursor = r.body.next_cursor;
        last = r.body.items.length ? r.body.items[r.body.items.length - 1].id : last;
      } while (cursor && last > base.g);
      assert.deepEqual(got, want, `${role} ${q}: every group with a pending member due before ${day}, newest first, once`);
    }
  }
});

test('issue 13 item 1 (R30): the ministry\'s problem list by a one-character name reads that character\'s members in group order (s_initial, sql/396) and pages through exactly the groups with such a member', async () => {
  const c = await as('ministry');
  const want = sql(`SELECT DISTINCT group_id FROM group_member WHERE s_name LIKE '张%' ORDER BY group_id DESC`).map((x) => Number(x[0]));
  assert.ok(want.length > 40, `the data hold groups of that surname (${want.length})`);
  for (const { url, rows } of await explainPages(c, '/api/v1/groups?limit=20&name=%E5%BC%A0')) {
    const m = rows.filter((x) => x.table === 'm' && x.key !== 'uk_member');
    assert.ok(m.length === 1 && m[0].key === 'k_member_sinitial', `${url}: ${rows.map((x) => x.raw)}`);
  }
  const got = [];
  let cursor = null;
  do {
    const r = await c.get(`/api/v1/groups?limit=20&name=%E5%BC%A0${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    got.push(...r.body.items.map((g) => g.id));
    cursor = r.body.next_cursor;
  } while (cursor);
  assert.deepEqual(got, want, 'every group with a member named 张…, newest first, once');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM group_member WHERE NOT (s_initial <=> LEFT(s_name, 1))`), 0, 'the copy is the name\'s first character');
});

test('issue 13 item 1 (R2, R30): an arbitration list searched by a name reads the members of that name awaiting arbitration (g_state, s_name, sql/403), not every arbitration of the arbiter, and pages through exactly the arbitrations with such a member', async () => {
  // this data's arbitrations are at their counties (no bureau's list): the ministry arbitrates them for this test
  const ministry = sql(`SELECT unit_id FROM app_user WHERE username='ministry'`)[0][0];
  const ours = `id > ${base.g} AND state = 'awaiting_arbitration'`;
  const arbs = sqlCount(`SELECT COUNT(*) FROM problem_group WHERE ${ours}`);
  const saved = sql(`SELECT id, arbiter_unit_id FROM problem_group WHERE ${ours}`);
  sql(`UPDATE problem_group SET arbiter_unit_id = ${ministry} WHERE ${ours}`);
  try {
    const c = await as('ministry');
    const named = sqlCount(`SELECT COUNT(*) FROM group_member WHERE g_state = 'awaiting_arbitration' AND s_name LIKE '王%'`);
    const want = sql(`SELECT g.id FROM problem_group g WHERE g.arbiter_unit_id = ${ministry} AND g.state = 'awaiting_arbitration'
      AND EXISTS (SELECT 1 FROM group_member m WHERE m.group_id = g.id AND m.s_name LIKE '王%')`).map((x) => Number(x[0])).sort((a, b) => a - b);
    assert.ok(want.length >= 10 && want.length < arbs, `some of the ${arbs} arbitrations have a member named 王… (${want.length})`);
    for (const { url, header } of await explainPages(c, '/api/v1/queue?limit=5&name=%E7%8E%8B')) {
      // the page's statement (the queue's counts and the reminders beside it are not searched)
      const page = header.split(' | ').map(explainRows).filter((st) => st.some((x) => x.table === 'an'));
      assert.equal(page.length, 1, `${url}: ${header}`);
      const an = page[0].filter((x) => x.table === 'an');
      assert.ok(an.length === 2 && an.every((x) => x.key === 'k_member_gstate_sname' && x.rows <= Math.max(20, named * 2.5)),
        `${url}: the named members awaiting arbitration (${named}), by (g_state, s_name): ${header}`);
      assert.ok(!page[0].some((x) => x.table === 'g' && x.key === 'k_group_arbiter'), `${url}: no walk of the arbiter's ${arbs} arbitrations: ${header}`);
    }
    const got = [];
    let cursor = null;
    do {
      const r = await c.get(`/api/v1/queue?limit=5&name=%E7%8E%8B${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.queue, 'arbitrations');
      got.push(...r.body.items.map((x) => x.group_id));
      cursor = r.body.next_cursor;
    } while (cursor);
    assert.deepEqual([...got].sort((a, b) => a - b), want, 'every arbitration with a member named 王…, once');
    // the same order as the whole list (overdue first, then by the time they wait)
    const all = [];
    cursor = null;
    do {
      const r = await c.get(`/api/v1/queue?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      all.push(...r.body.items.map((x) => x.group_id));
      cursor = r.body.next_cursor;
    } while (cursor);
    assert.deepEqual(got, all.filter((id) => want.includes(id)), 'in the list\'s order');
  } finally {
    sql(`UPDATE problem_group SET arbiter_unit_id = CASE id ${saved.map(([id, unit]) => `WHEN ${id} THEN ${unit}`).join(' ')} END
      WHERE id IN (${saved.map(([id]) => id).join(',')})`);
  }
});

test('issue 13 item 1 (R24, R30): the overdue list without a name reads its late members and its bound off the (path, ov_day) keys alone, no member row per candidate; with a name, off the name keys', async () => {
  const dayKeys = ['k_member_ov', 'k_member_province_ov', 'k_member_city_ov', 'k_member_county_ov', 'k_member_school_ov'];
  for (const role of ['ministry', 'prov_13', 'city_1301', 'county_130102']) {
    const c = await as(role);
    for (const { url, rows, header } of await explainPages(c, '/api/v1/overdue?limit=50')) {
      const late = rows.filter((x) => x.table === 'm' && dayKeys.includes(x.key));
      assert.ok(late.length >= 2, `${role} ${url}: the bound and the candidates on a day key: ${header}`);
      for (const x of late) assert.ok(x.indexOnly, `${role} ${url}: a late member's row is read: ${x.raw}\n${header}`);
    }
    const r = await c.get('/api/v1/overdue?limit=50');
    assert.equal(r.status, 200);
    if (role === 'ministry') assert.ok(r.body.items.length > 0, 'the data has late steps');
    // a name searched for: the candidates may come off the name keys, and every row found carries that name
    const named = await c.get('/api/v1/overdue?limit=50&name=%E7%8E%8B');
    assert.equal(named.status, 200);
    for (const it of named.body.items.filter((x) => x.kind === 'member')) assert.match(it.name, /^王/);
  }
});

test('issue 13 item 1 (R24, R30): a work queue opened without a type, school or student searched for (as it is, filtered, due before a day) reads its page off the queue key alone (sql/398), no member row per member passed; a type searched for still gets only that type', async () => {
  const day = todayCN();
  for (const [role, key] of [['county_130102', 'k_member_county'], ['clerk_a', 'k_member_school']]) {
    const c = await as(role);
    for (const q of ['', 'filter=overdue', 'filter=rejected', `due_before=${day}`, `filter=overdue&due_before=2030-01-01`]) {
      for (const { url, rows, header } of await explainPages(c, `/api/v1/queue?limit=20&${q}`)) {
        const walk = rows.filter((x) => x.table === 'm' && x.key === key);
        assert.ok(walk.length >= 1, `${role} ${url}: the queue read on ${key}: ${header}`);
        for (const x of walk) assert.ok(x.indexOnly, `${role} ${url}: a member's row is read on the way: ${x.raw}\n${header}`);
      }
    }
    const typed = await c.get('/api/v1/queue?limit=50&type=id_dup');
    assert.equal(typed.status, 200, typed.text);
    for (const it of typed.body.items) assert.equal(it.type, 'id_dup');
  }
});

test('issue 13 item 1 (R30): the problem list as opened (no filter, no search) walks the caller\'s (path, group_id) key alone, no member row per member walked; a filter still filters', async () => {
  const keys = { prov_13: 'k_member_province', city_1301: 'k_member_city', county_130102: 'k_member_county_group', clerk_a: 'k_member_school_group' };
  for (const [role, key] of Object.entries(keys)) {
    const c = await as(role);
    for (const { url, rows, header } of await explainPages(c, '/api/v1/groups?limit=50')) {
      const walk = rows.filter((x) => x.table === 'm' && x.key === key);
      assert.equal(walk.length, 1, `${role} ${url}: the walk on ${key}: ${header}`);
      assert.ok(walk[0].indexOnly, `${role} ${url}: a member's row is read on the way: ${walk[0].raw}\n${header}`);
    }
    const pending = await c.get('/api/v1/groups?limit=50&member_state=awaiting_review');
    assert.equal(pending.status, 200, pending.text);
    for (const g of pending.body.items) assert.ok(g.members.some((m) => m.state === 'awaiting_review'), `${role}: group ${g.id}`);
  }
});

test('issue 13 item 3 (R24, R30): a county\'s work queue counts its reviews without reading them (sql/409): the total and the overdue from its counters, the oldest step from one key entry, only the rejected reviews read; every count equals COUNT(*)', async () => {
  const today = todayCN();
  const where = "county_code = '130104' AND state = 'awaiting_review'";
  // reviews of every kind in the county (the data's states follow its group ids): 40 of its members awaiting review,
  // due from 15 days ago to 14 ahead, one group in 7 rejected before; their counters follow (the triggers)
  sql(`UPDATE group_member SET state = 'awaiting_review' WHERE county_code = '130104' AND group_id > ${base.g}
    AND state <> 'awaiting_review' ORDER BY id LIMIT 40`);
  const [total, overdue, rejected] = sql(`SELECT COUNT(*), SUM(due_date < '${today}'), SUM(q_rejected) FROM group_member
    WHERE ${where}`)[0].map(Number);
  assert.ok(total >= 40 && overdue > 0 && rejected > 0 && rejected < total, `the data holds the county's reviews: ${total}, ${overdue}, ${rejected}`);
  const r = await (await as('county_130104')).get('/api/v1/queue?limit=5', { headers: { 'x-test-explain': 'analyze' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.counts.total, r.body.counts.overdue, r.body.counts.rejected], [total, overdue, rejected]);
  const oldest = Number(sql(`SELECT TIMESTAMPDIFF(DAY, MIN(step_started_at), UTC_TIMESTAMP(6)) FROM group_member WHERE ${where}`)[0][0]);
  assert.ok(Math.abs(r.body.counts.oldest_age_days - oldest) <= 1, `oldest step ${r.body.counts.oldest_age_days} days, COUNT says ${oldest}`);
  const header = r.headers.get('x-explain');
  const counts = header.split(' | ').find((st) => st.includes('k_member_county_rejected'));
  assert.ok(counts, `the counts read the rejected reviews on k_member_county_rejected: ${header}`);
  const rows = explainRows(counts);
  for (const x of rows.filter((y) => y.table === 'm')) {
    assert.equal(x.key, 'k_member_county_rejected', `no other review read for the counts: ${x.raw}`);
    assert.equal(x.read, rejected, `only the ${rejected} rejected reviews read: ${x.raw}`);
  }
  const rollup = sqlCount("SELECT COUNT(*) FROM count_rollup WHERE level = 3 AND unit_key = '130104' AND k1 = 'awaiting_review'");
  const c = rows.filter((x) => x.table === 'c');
  assert.equal(c.length, 2, `the total and the overdue from count_rollup: ${counts}`);
  for (const x of c) assert.ok(x.key === 'PRIMARY' && x.read <= rollup, `the county's own counter rows (${rollup}): ${x.raw}`);
});
