// search.test.mjs: issue 13 item 1 (R1–R5, R20, R24, R30): search where registrars search — exact ID number of any
// type (normalised: x to X, 15 to 18 digits), exact student number, a name (prefix of at least one character or
// exact) with birth date, gender, school, county, status — on the student list, the problem list (a member within the
// caller's jurisdiction), the queue and the overdue list; filters; cursors bound to the filter set; bad input is a 422
// naming the parameter with a stable reason, never a scan or a 500.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from '../lib/api.mjs';
import { as, record, register, sameId, SCHOOLS, checkChar } from '../lib/registry.mjs';

const enc = encodeURIComponent;
const CJK = () => String.fromCodePoint(0x4e00 + Math.floor(Math.random() * 0x51a5));
let P; // a name prefix no other record has
let A, B, C, D, X; // A, B: P+乙, P+甲 at school a; C: ID ending in X; D: registered with a 15-digit number; X: same ID as A at b

/** A resident ID number ending in the check character X. */
function idEndingX(area, birth, gender) {
  for (let n = 1; ; n++) {
    const body = area + birth.replaceAll('-', '') + String(n * 2 + (gender === 'M' ? 1 : 0)).padStart(3, '0');
    if (checkChar(body) === 'X' && !sql(`SELECT 1 FROM student WHERE id_number='${body}X'`).length) return body + 'X';
  }
}

before(async () => {
  for (;;) { // a two-character prefix no record starts with
    P = '欧' + CJK();
    if (!sql(`SELECT 1 FROM student WHERE name LIKE '${P}%' LIMIT 1`).length) break;
  }
  A = await register('clerk_a', record(SCHOOLS.a, { name: `${P}乙`, gender: 'F', birth_date: '2014-05-06' }));
  B = await register('clerk_a', record(SCHOOLS.a, { name: `${P}甲`, gender: 'M', birth_date: '2013-02-03' }));
  C = await register('clerk_a', record(SCHOOLS.a, { name: `${CJK()}${CJK()}`, gender: 'M', birth_date: '2012-07-08',
    id_number: idEndingX('130102', '2012-07-08', 'M') }));
  for (let n = 501; ; n += 2) { // a legacy 15-digit number (R4): stored as its 18-digit form
    const legacy = `130104120909${n}`;
    const full = `13010419120909${n}`; // a 15-digit number is of a birth in 19xx: "19" goes before the year
    if (sql(`SELECT 1 FROM student WHERE id_number='${full}${checkChar(full)}'`).length) continue;
    D = await register('clerk_b', record(SCHOOLS.b, { gender: 'M', birth_date: '2012-09-09', id_number: legacy }));
    D.legacy = legacy;
    break;
  }
  X = await register('clerk_b', sameId(A, SCHOOLS.b, { name: `${P}丙` })); // an ID duplicate of A across two counties (R8.1)
});

const ids = (r) => r.body.items.map((s) => s.id);

test('R4 exact ID number of any form: lower-case x is X, a 15-digit resident number is found by its 18-digit record', async () => {
  const c = await as('county_130102');
  let r = await c.get(`/api/v1/students?id_number=${C.student.id_number.toLowerCase()}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(ids(r), [C.student_id]);
  assert.equal(D.student.id_number.length, 18, 'the legacy number is stored as 18 digits');
  r = await (await as('county_130104')).get(`/api/v1/students?id_number=${D.legacy}`);
  assert.deepEqual(ids(r), [D.student_id]);
  r = await (await as('county_130104')).get(`/api/v1/students?q=${D.legacy}`); // the one box: an ID number by its shape
  assert.deepEqual(ids(r), [D.student_id]);
});

test('R5 exact student number, any case; the one box q decides by shape', async () => {
  const c = await as('clerk_a');
  let r = await c.get(`/api/v1/students?student_no=${A.student_no.toLowerCase()}`);
  assert.deepEqual(ids(r), [A.student_id]);
  r = await c.get(`/api/v1/students?q=${A.student_no}`);
  assert.deepEqual(ids(r), [A.student_id]);
});

test('a name prefix of one or more characters finds by name then id; exact; with gender and birth date', async () => {
  const c = await as('county_130102');
  let r = await c.get(`/api/v1/students?name=${enc(P)}`);
  assert.deepEqual(ids(r), [A.student_id, B.student_id], 'P乙 (U+4E59) before P甲 (U+7532): ordered by name');
  r = await c.get(`/api/v1/students?q=${enc(P)}`);
  assert.deepEqual(ids(r), [A.student_id, B.student_id]);
  r = await c.get(`/api/v1/students?name=${enc(P + '甲')}&name_match=exact`);
  assert.deepEqual(ids(r), [B.student_id]);
  r = await c.get(`/api/v1/students?name=${enc(P)}&name_match=exact`);
  assert.deepEqual(ids(r), [], 'exact: the prefix alone is no name');
  r = await c.get(`/api/v1/students?name=${enc(P)}&gender=F&birth_date=2014-05-06`);
  assert.deepEqual(ids(r), [A.student_id]);
  r = await c.get(`/api/v1/students?name=${enc(P)}&gender=F&birth_date=2014-05-07`);
  assert.deepEqual(ids(r), []);
  r = await c.get(`/api/v1/students?name=${enc(P.slice(0, 1))}&limit=200`); // one character: a prefix of many
  assert.ok(r.body.items.every((s) => s.name.startsWith(P.slice(0, 1))));
  r = await c.get(`/api/v1/students?name=${enc(P)}&status=deleted`);
  assert.deepEqual(ids(r), []);
});

test('R1–R3: a search finds only within the jurisdiction; school (county and above) and county (city and above) filters', async () => {
  assert.deepEqual(ids(await (await as('clerk_b')).get(`/api/v1/students?name=${enc(P)}`)), [X.student_id]);
  assert.deepEqual(ids(await (await as('county_130104')).get(`/api/v1/students?id_number=${A.student.id_number}`)), [X.student_id]);
  assert.deepEqual(ids(await (await as('prov_37')).get(`/api/v1/students?name=${enc(P)}`)), []);
  const city = await as('city_1301');
  assert.deepEqual(ids(await city.get(`/api/v1/students?name=${enc(P)}`)), [X.student_id, A.student_id, B.student_id], 'P丙 U+4E19, P乙 U+4E59, P甲 U+7532');
  assert.deepEqual(ids(await city.get(`/api/v1/students?name=${enc(P)}&county=130104`)), [X.student_id]);
  assert.deepEqual(ids(await city.get(`/api/v1/students?name=${enc(P)}&school=${SCHOOLS.a.code}`)), [A.student_id, B.student_id]);
  assert.deepEqual(ids(await city.get(`/api/v1/students?name=${enc(P)}&school=${SCHOOLS.a2.code}`)), []);
  const r = await city.get(`/api/v1/students?county=130104&limit=200`);
  assert.ok(r.body.items.length > 0 && r.body.items.every((s) => s.county_code === '130104'));
  // a filter outside the jurisdiction finds nothing (never another county's rows)
  assert.deepEqual(ids(await (await as('county_130102')).get(`/api/v1/students?county=130104&name=${enc(P)}`)), []);
  assert.deepEqual(ids(await (await as('clerk_a')).get(`/api/v1/students?school=${SCHOOLS.b.code}`)), []);
});

test('R30 name search pages by cursor (name, then id) without repeats; the cursor is bound to the filter set', async () => {
  const c = await as('city_1301');
  const p1 = await c.get(`/api/v1/students?name=${enc(P)}&limit=2`);
  assert.deepEqual(ids(p1), [X.student_id, A.student_id]);
  assert.ok(p1.body.next_cursor);
  const p2 = await c.get(`/api/v1/students?name=${enc(P)}&limit=2&cursor=${p1.body.next_cursor}`);
  assert.deepEqual(ids(p2), [B.student_id]);
  assert.equal(p2.body.next_cursor, null);
  for (const other of [`name=${enc(P)}&gender=F`, `name=${enc(P + '甲')}`, 'status=formal', '']) {
    const r = await c.get(`/api/v1/students?${other}&limit=2&cursor=${p1.body.next_cursor}`);
    assert.equal(r.status, 422, `cursor of other filters (${other}): ${r.text}`);
    assert.equal(r.body.error.field, 'cursor');
  }
  const g = await c.get(`/api/v1/groups?name=${enc(P)}&cursor=${p1.body.next_cursor}`);
  assert.equal(g.status, 422, 'a cursor of another list');
  const u = await (await as('prov_13')).get(`/api/v1/students?name=${enc(P)}&limit=2&cursor=${p1.body.next_cursor}`);
  assert.equal(u.status, 422, 'a cursor of another user');
  const t = p1.body.next_cursor;
  const tampered = t.slice(0, -2) + (t.at(-2) === 'A' ? 'B' : 'A') + t.at(-1);
  assert.equal((await c.get(`/api/v1/students?name=${enc(P)}&limit=2&cursor=${tampered}`)).status, 422, 'a tampered cursor');
});

/** The group of A and X (the ID duplicate), and A's member in it. */
function groupOfA() {
  const gid = A.problems?.[0]?.group_id ?? X.problems.find((p) => p.type === 'id_dup').group_id;
  const mid = Number(sql(`SELECT id FROM group_member WHERE group_id=${gid} AND student_id=${A.student_id}`)[0][0]);
  return { gid, mid };
}
const gids = (r) => r.body.items.map((g) => g.id);

test('the problem list: search by a member\'s ID number, student number or name within the jurisdiction, and every filter', async () => {
  const { gid, mid } = groupOfA();
  const county = await as('county_130102');
  assert.ok(gids(await county.get(`/api/v1/groups?id_number=${A.student.id_number}`)).includes(gid));
  assert.ok(gids(await county.get(`/api/v1/groups?student_no=${A.student_no}`)).includes(gid));
  assert.ok(gids(await county.get(`/api/v1/groups?name=${enc(P)}`)).includes(gid));
  assert.ok(gids(await county.get(`/api/v1/groups?q=${enc(P + '乙')}&name_match=exact`)).includes(gid));
  // a one-character prefix (a surname) is read from the members of the jurisdiction, newest group first
  assert.ok(gids(await county.get(`/api/v1/groups?name=${enc(P[0])}`)).includes(gid));
  assert.ok(gids(await county.get(`/api/v1/groups?name=${enc(P[0])}&type=id_dup&school=${SCHOOLS.a.code}`)).includes(gid));
  assert.ok(!gids(await county.get(`/api/v1/groups?name=${enc(P[0])}&type=nbg_dup`)).includes(gid));
  assert.ok((await county.get(`/api/v1/groups?name=${enc(P[0])}&limit=100`)).body.items
    .every((g) => g.members.some((m) => m.name.startsWith(P[0]) && m.county.code === '130102')), 'a member of the county by that name');
  // R1–R3: the member searched for must be within the caller's jurisdiction (X is at school b, A at school a)
  const clerkB = await as('clerk_b');
  assert.ok(gids(await clerkB.get(`/api/v1/groups?student_no=${X.student_no}`)).includes(gid));
  assert.ok(!gids(await clerkB.get(`/api/v1/groups?student_no=${A.student_no}`)).includes(gid), 'not through a member outside it');
  assert.ok(!gids(await clerkB.get(`/api/v1/groups?name=${enc(P + '乙')}`)).includes(gid));
  // filters: type, group state, member state, school, county
  assert.ok(gids(await county.get(`/api/v1/groups?id_number=${A.student.id_number}&type=id_dup&state=open`)).includes(gid));
  assert.ok(!gids(await county.get(`/api/v1/groups?id_number=${A.student.id_number}&type=nbg_dup`)).includes(gid));
  const mstate = sql(`SELECT state FROM group_member WHERE id=${mid}`)[0][0];
  assert.ok(gids(await county.get(`/api/v1/groups?member_state=${mstate}&name=${enc(P)}`)).includes(gid));
  assert.ok(!gids(await county.get(`/api/v1/groups?member_state=closed&name=${enc(P)}`)).includes(gid));
  assert.ok(gids(await county.get(`/api/v1/groups?school=${SCHOOLS.a.code}&limit=100`)).includes(gid));
  assert.ok(!gids(await county.get(`/api/v1/groups?school=${SCHOOLS.a2.code}&name=${enc(P)}`)).includes(gid));
  // a member's name is searched as it is now (sql/382: the member's copy follows the record in the same statement)
  const renamed = P + '丁';
  sql(`UPDATE student SET name = '${renamed}' WHERE id = ${A.student_id}`);
  try {
    assert.ok(gids(await county.get(`/api/v1/groups?name=${enc(renamed)}&name_match=exact`)).includes(gid));
    assert.ok(!gids(await county.get(`/api/v1/groups?name=${enc(P + '乙')}&name_match=exact`)).includes(gid), 'not by the old name');
  } finally {
    sql(`UPDATE student SET name = '${P}乙' WHERE id = ${A.student_id}`);
  }
  assert.ok(gids(await county.get(`/api/v1/groups?name=${enc(P + '乙')}&name_match=exact`)).includes(gid));
  const city = await as('city_1301');
  assert.ok(gids(await city.get(`/api/v1/groups?county=130104&name=${enc(P)}`)).includes(gid));
  assert.ok(!gids(await city.get(`/api/v1/groups?county=130202&name=${enc(P)}`)).includes(gid));
  const all = await county.get('/api/v1/groups?type=id_dup&limit=100');
  assert.ok(all.body.items.every((g) => g.type === 'id_dup'));
});

test('R20/R24 the problem list\'s rejected, overdue and due-before filters; the queue and the overdue list search', async () => {
  const { gid, mid } = groupOfA();
  const county = await as('county_130102');
  const q = `name=${enc(P)}`;
  assert.ok(!gids(await county.get(`/api/v1/groups?${q}&rejected=1`)).includes(gid));
  assert.ok(!gids(await county.get(`/api/v1/groups?${q}&overdue=1`)).includes(gid));
  // the member rejected back to the school, past its due date (R20, R24)
  sql(`UPDATE group_member SET state='open', reject_reason='请补充证明', due_date=CURDATE() - INTERVAL 3 DAY WHERE id=${mid}`);
  assert.ok(gids(await county.get(`/api/v1/groups?${q}&rejected=1`)).includes(gid));
  assert.ok(gids(await county.get(`/api/v1/groups?${q}&overdue=1`)).includes(gid));
  assert.ok(gids(await county.get(`/api/v1/groups?${q}&due_before=2999-01-01`)).includes(gid));
  assert.ok(!gids(await county.get(`/api/v1/groups?${q}&due_before=2000-01-01`)).includes(gid));
  // the school's queue: the searched member, with the filters
  const clerk = await as('clerk_a');
  const mids = (r) => r.body.items.map((x) => x.member_id);
  let r = await clerk.get(`/api/v1/queue?${q}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(mids(r), [mid]);
  assert.deepEqual(mids(await clerk.get(`/api/v1/queue?id_number=${A.student.id_number}&filter=rejected&type=id_dup`)), [mid]);
  assert.deepEqual(mids(await clerk.get(`/api/v1/queue?student_no=${A.student_no}&filter=overdue`)), [mid]);
  assert.deepEqual(mids(await clerk.get(`/api/v1/queue?${q}&type=nbg_dup`)), []);
  assert.deepEqual(mids(await clerk.get(`/api/v1/queue?${q}&due_before=2000-01-01`)), []);
  // the overdue list, searched and filtered by the member that puts the row there
  const od = (r) => r.body.items.filter((x) => x.kind === 'member').map((x) => x.member_id);
  r = await county.get(`/api/v1/overdue?${q}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(od(r), [mid]);
  assert.deepEqual(od(await county.get(`/api/v1/overdue?id_number=${A.student.id_number}&type=id_dup&school=${SCHOOLS.a.code}`)), [mid]);
  assert.deepEqual(od(await county.get(`/api/v1/overdue?${q}&type=nbg_dup`)), []);
  assert.deepEqual(od(await (await as('city_1301')).get(`/api/v1/overdue?${q}&county=130104`)), []);
});

test('R18/R2 the arbitration list (the common superior\'s queue) searched by a member and filtered by type, county, due date', async () => {
  const { gid } = groupOfA();
  // the group of A (130102) and X (130104) waits for its common superior, the city 1301 (R2)
  sql(`UPDATE problem_group SET state='awaiting_arbitration', arb_since=UTC_TIMESTAMP(6), arb_due_date=CURDATE() + INTERVAL 5 DAY
       WHERE id=${gid}`);
  const city = await as('city_1301');
  const arb = async (q) => {
    const r = await city.get(`/api/v1/queue?${q}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.queue, 'arbitrations');
    return r.body.items.map((x) => x.group_id);
  };
  assert.ok((await arb(`name=${enc(P)}`)).includes(gid));
  assert.ok((await arb(`student_no=${X.student_no}&county=130104`)).includes(gid), 'either member of the group');
  assert.ok((await arb(`id_number=${A.student.id_number}&type=id_dup&due_before=2999-01-01`)).includes(gid));
  assert.ok(!(await arb(`name=${enc(P)}&county=130202`)).includes(gid));
  assert.ok(!(await arb(`name=${enc(P)}&type=nbg_dup`)).includes(gid));
  assert.ok(!(await arb(`name=${enc(P)}&due_before=2000-01-01`)).includes(gid));
  assert.ok(!(await arb(`name=${enc(P + '乙乙')}`)).includes(gid));
});

const BAD_UTF8 = '%E7%8E'; // a cut UTF-8 sequence, sent as is
// every bad value: parameter, value, the reason answered (null: no reason beyond the field)
const BAD = [
  ['name', '', 'too_short'], ['name', '%', 'wildcard'], ['name', '张_', 'wildcard'], ['q', '王%', 'wildcard'],
  ['name', '张'.repeat(51), 'too_long'], ['q', 'x'.repeat(51), 'too_long'], ['name', '张\u0001', 'format'],
  ['id_number', '1234', 'too_short'], ['id_number', '1'.repeat(31), 'too_long'], ['id_number', '1301 0220', 'format'],
  ['q', 'A12', 'too_short'], ['student_no', 'L1301', 'too_short'], ['student_no', 'X' + '1'.repeat(18), 'format'],
  ['birth_date', '2020-13-01', 'format'], ['birth_date', '20200101', 'format'], ['gender', 'X', 'choice'],
  ['school', '13010200', 'format'], ['school', '9999999999', null], ['county', '1301', 'format'], ['county', 'abcdef', 'format'],
  ['status', 'lost', 'choice'], ['name_match', 'fuzzy', 'choice'], ['name_match', 'exact', 'not_here'],
  ['name', BAD_UTF8, 'format'], ['q', BAD_UTF8, 'format'],
];
const BAD_GROUPS = [['type', 'dup', 'choice'], ['state', 'closed', 'choice'], ['member_state', 'lost', 'choice'],
  ['rejected', '2', 'choice'], ['overdue', 'yes', 'choice'], ['due_before', '2026-02-30', 'format']];

test('bad input: too short, wildcards (% and _ refused in a name), over-long, malformed, unknown → 422 naming the parameter', async () => {
  const c = await as('city_1301');
  const lists = [['/api/v1/students', BAD], ['/api/v1/groups', [...BAD.filter(([p]) => !['birth_date', 'gender', 'status'].includes(p)), ...BAD_GROUPS]],
    ['/api/v1/queue', [...BAD.filter(([p]) => !['birth_date', 'gender', 'status'].includes(p)), ['filter', 'late', 'choice'], ['due_before', 'x', 'format']]],
    ['/api/v1/overdue', BAD.filter(([p]) => !['birth_date', 'gender', 'status'].includes(p))]];
  const before = sql('SELECT COUNT(*) FROM student')[0][0];
  for (const [path, cases] of lists) {
    for (const [p, v, reason] of cases) {
      const r = await c.get(`${path}?${p}=${v === BAD_UTF8 ? v : enc(v)}`);
      assert.equal(r.status, 422, `${path} ${p}=${v}: ${r.status} ${r.text}`);
      assert.equal(r.body.error.field, p, `${path} ${p}=${v}: ${r.text}`);
      if (reason) assert.equal(r.body.error.reason, reason, `${path} ${p}=${v}: ${r.text}`);
      assert.ok(r.body.error.message && r.body.error.message_en, 'both languages');
    }
    for (const cur of ['garbage', 'A'.repeat(900), '']) {
      const r = await c.get(`${path}?cursor=${cur}`);
      assert.equal(r.status, cur ? 422 : 200, `${path} cursor=${cur.slice(0, 20)}: ${r.text}`);
      if (cur) assert.equal(r.body.error.field, 'cursor');
    }
  }
  assert.equal(sql('SELECT COUNT(*) FROM student')[0][0], before, 'nothing stored');
});

test('issue 13 items 1–2 (R1–R3, R30): a name with a birth date pages by cursor in name order, within the jurisdiction, on (birth_date, name)', async () => {
  const day = '2011-11-11';
  let Q; // a two-character prefix no record starts with
  do Q = '司' + CJK(); while (sql(`SELECT 1 FROM student WHERE name LIKE '${Q}%' LIMIT 1`).length);
  const mine = [];
  for (let i = 0; i < 7; i++) { // 7 at school a (county 130102), 2 at school b (county 130104): same day, same prefix
    const r = await register('clerk_a', record(SCHOOLS.a, { name: Q + String.fromCodePoint(0x4e00 + 7 - i), birth_date: day }));
    mine.push(r.student_id);
  }
  await register('clerk_b', record(SCHOOLS.b, { name: Q + '乙', birth_date: day }));
  await register('clerk_b', record(SCHOOLS.b, { name: Q + '甲', birth_date: '2011-11-12' })); // another day
  const byName = sql(`SELECT id FROM student WHERE name LIKE '${Q}%' AND birth_date = '${day}' AND county_code = '130102'
    ORDER BY name, id`).map((x) => Number(x[0]));
  assert.deepEqual([...byName].sort(), [...mine].sort());
  for (const role of ['ministry', 'prov_13', 'county_130102', 'clerk_a']) {
    const c = await as(role);
    const seen = [];
    let cursor = '';
    for (let page = 0; page < 10; page++) {
      const r = await c.get(`/api/v1/students?name=${enc(Q)}&birth_date=${day}&county=130102&limit=3${cursor}`
        .replace('&county=130102', role === 'clerk_a' || role === 'county_130102' ? '' : '&county=130102'));
      assert.equal(r.status, 200, r.text);
      seen.push(...ids(r));
      if (!r.body.next_cursor) break;
      cursor = `&cursor=${enc(r.body.next_cursor)}`;
    }
    assert.deepEqual(seen, byName, `${role}: every record once, in name order, none of another county or day`);
  }
  // the other county's record of that day is found by its own county, not by county 130102
  const b = await (await as('county_130104')).get(`/api/v1/students?name=${enc(Q)}&birth_date=${day}`);
  assert.deepEqual(b.body.items.map((s) => s.name), [Q + '乙']);
});
