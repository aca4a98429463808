// registry-detect.test.mjs: issue 4: the national duplicate check (R7-R9), groups and their common superior (R2),
// concurrency (one group per clash, enforced by the database), clashes that disappear, full re-detection, group list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sql, sqlCount, assertError, VARDIR } from '../lib/api.mjs';
import { as, province, record, register, residentId, SCHOOLS, uniqueName, birthDate, sameId } from '../lib/registry.mjs';

/** Register through the provincial batch (any school of the province). */
async function viaProvince(rec, prov = rec.school_code.slice(0, 2)) {
  const r = await (await province(prov)).post('/api/v1/students/batch', { records: [rec] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.results[0].status, 'created', JSON.stringify(r.body.results[0]));
  return r.body.results[0];
}

/** The open group of a type a student is in (via SQL), with its members. */
function groupOf(studentId, type) {
  const g = sql(`SELECT g.id, g.scope_level, u.code, g.state FROM group_member m JOIN problem_group g ON g.id=m.group_id
    JOIN unit u ON u.id=g.arbiter_unit_id WHERE m.student_id=${studentId} AND g.type='${type}' ORDER BY g.id DESC LIMIT 1`)[0];
  if (!g) return null;
  const members = sql(`SELECT student_id, state FROM group_member WHERE group_id=${g[0]} ORDER BY student_id`);
  return { id: Number(g[0]), scope: Number(g[1]), arbiter: g[2], state: g[3], members: members.map((m) => Number(m[0])), states: members.map((m) => m[1]) };
}

test('R8.1 R9 same resident ID number in two schools: one ID-duplicate group, both members open, status problem', async () => {
  const a = record(SCHOOLS.a);
  const r1 = await register('clerk_a', a);
  const r2 = await register('clerk_b', sameId(a, SCHOOLS.b));
  assert.equal(r2.problems.length, 1);
  assert.equal(r2.problems[0].type, 'id_dup');
  const g = groupOf(r1.student_id, 'id_dup');
  assert.deepEqual(g.members, [r1.student_id, r2.student_id]);
  assert.deepEqual(g.states, ['open', 'open']);
  assert.equal(sql(`SELECT status FROM student WHERE id=${r1.student_id}`)[0][0], 'problem');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM history WHERE group_id=${g.id} AND action='member_added' AND actor_role='system'`), 2);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM history WHERE group_id=${g.id} AND action='group_opened'`), 1);
});

test('R7 a resident record matches on the ID number alone (other name, other birth date) and lower-case x joins', async () => {
  let id;
  do id = residentId('130102', '2011-07-07', 'M'); while (!id.endsWith('X'));
  const r1 = await register('clerk_a', record(SCHOOLS.a, { id_number: id, birth_date: '2011-07-07', gender: 'M' }));
  const r2 = await register('clerk_c', record(SCHOOLS.c, { id_number: id.slice(0, 17) + 'x', name: uniqueName(), birth_date: '2012-01-01', gender: 'F' }));
  assert.ok(r2.problems.some((p) => p.type === 'id_dup'), JSON.stringify(r2.problems));
  assert.ok(r2.problems.some((p) => p.type === 'id_error'), 'R8.2: the number contradicts the other gender');
  assert.deepEqual(groupOf(r1.student_id, 'id_dup').members, [r1.student_id, r2.student_id]);
});

test('R2 the group knows the common superior of its members\' counties: county, city, province, ministry', async () => {
  const cases = [
    [SCHOOLS.a2, 3, '130102'], // same county, other school
    [SCHOOLS.b, 2, '130100'],  // same city
    [SCHOOLS.c, 1, '130000'],  // same province
    [SCHOOLS.d, 0, '000000'],  // cross-province
  ];
  for (const [other, scope, arbiter] of cases) {
    const a = await register('clerk_a', record(SCHOOLS.a));
    await viaProvince(sameId(a, other));
    const g = groupOf(a.student_id, 'id_dup');
    assert.equal(g.scope, scope, `scope with ${other.code}`);
    assert.equal(g.arbiter, arbiter, `arbiter with ${other.code}`);
  }
});

test('R9 a third record joins the open group (group of three), and the scope widens', async () => {
  const a = await register('clerk_a', record(SCHOOLS.a));
  await register('clerk_b', sameId(a, SCHOOLS.b));
  let g = groupOf(a.student_id, 'id_dup');
  assert.equal(g.scope, 2);
  const third = await register('clerk_d', sameId(a, SCHOOLS.d));
  const g2 = groupOf(a.student_id, 'id_dup');
  assert.equal(g2.id, g.id, 'the same group, not a second one');
  assert.equal(g2.members.length, 3);
  assert.ok(g2.members.includes(third.student_id));
  assert.equal(g2.scope, 0);
  assert.equal(g2.arbiter, '000000');
  g = g2;
  assert.equal(sqlCount(`SELECT COUNT(*) FROM problem_group WHERE clash_key='${a.student.id_number}'`), 1);
});

test('R7 decision: name+gender+birth of a non-resident record is compared with every live record, whatever its type', async () => {
  const name = uniqueName(), birth = birthDate();
  const res = await register('clerk_a', record(SCHOOLS.a, { name, birth_date: birth, gender: 'F', id_number: residentId('130102', birth, 'F') }));
  assert.deepEqual(res.problems, []);
  const pass = await register('clerk_d', record(SCHOOLS.d, { name, birth_date: birth, gender: 'F', id_type: 'A', id_number: `E${String(Math.random()).slice(2, 10)}` }));
  assert.equal(pass.problems[0]?.type, 'nbg_dup');
  const g = groupOf(res.student_id, 'nbg_dup');
  assert.deepEqual(g.members, [res.student_id, pass.student_id]);
  assert.equal(g.scope, 0);
  // another gender: no clash
  const other = await register('clerk_a', record(SCHOOLS.a, { name, birth_date: birth, gender: 'M', id_type: 'Z', id_number: '' }));
  assert.deepEqual(other.problems, []);
  // type Z without a number, same name/gender/birth: joins
  const z = await register('clerk_b', record(SCHOOLS.b, { name, birth_date: birth, gender: 'F', id_type: 'Z', id_number: '' }));
  assert.equal(z.problems[0]?.type, 'nbg_dup');
  assert.equal(groupOf(res.student_id, 'nbg_dup').members.length, 3);
});

test('R7 two resident records with the same name, gender and birth (different numbers) do not clash', async () => {
  const name = uniqueName(), birth = birthDate();
  await register('clerk_a', record(SCHOOLS.a, { name, birth_date: birth, gender: 'M', id_number: residentId('130102', birth, 'M') }));
  const r = await register('clerk_b', record(SCHOOLS.b, { name, birth_date: birth, gender: 'M', id_number: residentId('130104', birth, 'M') }));
  assert.deepEqual(r.problems, []);
});

test('R9 deleted records do not clash', async () => {
  const a = await register('clerk_a', record(SCHOOLS.a));
  sql(`UPDATE student SET status='deleted' WHERE id=${a.student_id}`);
  const b = await register('clerk_b', sameId(a, SCHOOLS.b));
  assert.deepEqual(b.problems, []);
});

test('R9 concurrency: 20 pairs registering the same ID number at the same moment on two connections end in one group each', async () => {
  const ca = await as('clerk_a'), cb = await as('clerk_b');
  const pairs = Array.from({ length: 20 }, () => {
    const r = record(SCHOOLS.a);
    return [r, sameId(r, SCHOOLS.b)];
  });
  const res = await Promise.all(pairs.flatMap(([x, y]) => [ca.post('/api/v1/students', x), cb.post('/api/v1/students', y)]));
  for (const r of res) assert.equal(r.status, 201, r.text);
  for (const [x] of pairs) {
    const groups = sql(`SELECT id FROM problem_group WHERE type='id_dup' AND clash_key='${x.id_number}'`);
    assert.equal(groups.length, 1, `one group for ${x.id_number}`);
    assert.equal(sqlCount(`SELECT COUNT(*) FROM group_member WHERE group_id=${groups[0][0]}`), 2);
  }
});

test('R9 a clash that disappears closes the member\'s part (system event) and the group is done; R5 G number follows', async () => {
  const a = await register('clerk_a', record(SCHOOLS.a));
  const b = await register('clerk_b', sameId(a, SCHOOLS.b));
  const g = groupOf(a.student_id, 'id_dup');
  // the workflow deletes b (R13): its member becomes deleted and the record deleted
  sql(`UPDATE student SET status='deleted' WHERE id=${b.student_id}`);
  sql(`UPDATE group_member SET state='deleted' WHERE group_id=${g.id} AND student_id=${b.student_id}`);
  // the next detection touching a (here: the register verifies its number) finds no clash left
  const r = await (await province('13')).post('/api/v1/register-results', { results: [{ student_id: a.student_id, result: 'verified' }] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.results[0].status, 'applied');
  const after = groupOf(a.student_id, 'id_dup');
  assert.equal(after.state, 'done');
  assert.equal(sql(`SELECT state FROM group_member WHERE group_id=${g.id} AND student_id=${a.student_id}`)[0][0], 'closed');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM history WHERE group_id=${g.id} AND action='clash_gone' AND actor_role='system' AND actor_user_id IS NULL`), 1);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM history WHERE group_id=${g.id} AND action='group_done'`), 1);
  assert.equal(sql(`SELECT open_key IS NULL FROM problem_group WHERE id=${g.id}`)[0][0], '1');
  const s = await (await as('clerk_a')).get(`/api/v1/students/${a.student_id}`);
  assert.equal(s.body.status, 'pending');
  assert.equal(s.body.student_no, 'G' + a.student.id_number, 'R5: verified and in no open group');
  // a new duplicate later opens a new group (the done one is not re-used)
  const c = await register('clerk_c', sameId(a, SCHOOLS.c));
  assert.equal(c.problems[0].type, 'id_dup');
  assert.notEqual(c.problems[0].group_id, g.id);
});

test('R9 idempotent: a full re-detection over every record opens nothing new', async () => {
  const a = await register('clerk_a', record(SCHOOLS.a));
  const b = await register('clerk_b', sameId(a, SCHOOLS.b));
  const gid = b.problems[0].group_id;
  const mine = () => sql(`SELECT g.id, g.state, GROUP_CONCAT(m.student_id, ':', m.state ORDER BY m.student_id) FROM problem_group g
    JOIN group_member m ON m.group_id = g.id WHERE g.type = 'id_dup' AND g.clash_key = '${a.student.id_number}' GROUP BY g.id`);
  const opened = mine();
  assert.deepEqual(opened, [[String(gid), 'open', [a.student_id, b.student_id].sort((x, y) => x - y).map((id) => `${id}:open`).join()]]);
  const secrets = Object.fromEntries(readFileSync(`${VARDIR}/secrets.env`, 'utf8').trim().split('\n').map((l) => l.split('=')));
  const redetect = () => execFileSync(`${process.env.XJ_BUILD}/xueji`, ['--redetect'], {
    encoding: 'utf8', env: { ...process.env, XJ_DB_SOCKET: `${VARDIR}/run/db.sock`, XJ_DB_PASSWORD: secrets.XJ_DB_PASSWORD },
  });
  const everything = () => sql(`SELECT (SELECT COUNT(*) FROM problem_group), (SELECT COALESCE(SUM(state<>'done'),0) FROM problem_group),
    (SELECT COUNT(*) FROM group_member), (SELECT COALESCE(SUM(state='open'),0) FROM group_member)`)[0].join();
  // other tests change rows behind the service's back (SQL writes standing in for the workflow, records without the
  // service): the first run settles those, and may open, join or close groups of theirs; it leaves this test's clash as
  // the registration grouped it (the same group, the same two open members, no second group)
  const first = redetect();
  assert.deepEqual(mine(), opened, `the registration's group stands as it was: ${first}`);
  // the second must find nothing to do, whatever ran before
  const settled = everything();
  const out = redetect();
  assert.match(out, /groups opened 0, members added 0, members closed 0, members reopened 0, groups done 0/, `after: ${first}`);
  assert.match(out, /redetect: ok in/);
  assert.equal(everything(), settled, 'no group or member opened, added or closed');
  assert.deepEqual(mine(), opened);
});

test('GET /groups: scoped by members\' jurisdiction, filters, members\' short facts with masked ID numbers', async () => {
  const a = await register('clerk_a', record(SCHOOLS.a));
  const d = await register('clerk_d', sameId(a, SCHOOLS.d));
  const gid = d.problems[0].group_id;
  for (const u of ['clerk_a', 'county_130102', 'city_1301', 'prov_13', 'clerk_d', 'county_370102', 'prov_37', 'ministry']) {
    const r = await (await as(u)).get('/api/v1/groups?type=id_dup&state=open&limit=100');
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.items.some((g) => g.id === gid), `${u} sees the cross-province group`);
  }
  for (const u of ['clerk_b', 'county_130104', 'clerk_c', 'clerk_e', 'county_370202']) {
    const r = await (await as(u)).get('/api/v1/groups?limit=100');
    assert.ok(!r.body.items.some((g) => g.id === gid), `${u} must not see it`);
  }
  const r = await (await as('clerk_a')).get('/api/v1/groups?type=id_dup&limit=100');
  const g = r.body.items.find((x) => x.id === gid);
  assert.equal(g.scope_level, 0);
  assert.equal(g.arbiter.code, '000000');
  assert.equal(g.member_count, 2);
  const m = g.members.find((x) => x.student_id === d.student_id);
  assert.equal(m.school.code, SCHOOLS.d.code);
  assert.equal(m.county.code, '370102');
  assert.ok(m.county.name);
  assert.equal(m.id_number_masked, a.student.id_number.slice(0, 4) + '*'.repeat(10) + a.student.id_number.slice(14));
  assert.equal(m.id_type, '1');
  assert.match(m.student_no, /^L370102/);
  assert.equal(m.gender, d.student.gender);
  assert.equal(m.birth_date, d.student.birth_date);
  assert.ok(!JSON.stringify(r.body).includes(a.student.id_number), 'full ID numbers never appear in the list');
  const none = await (await as('clerk_a')).get('/api/v1/groups?type=nbg_dup&state=done&limit=100');
  assert.ok(none.body.items.every((x) => x.type === 'nbg_dup' && x.state === 'done'));
  assertError(await (await as('clerk_a')).get('/api/v1/groups?type=weird'), 422, 'invalid');
  assertError(await (await as('clerk_a')).get('/api/v1/groups?state=weird'), 422, 'invalid');
  // keyset paging (R30): page 2 follows page 1 by the opaque cursor, no repeat, no total
  const min = await as('ministry');
  const p1 = await min.get('/api/v1/groups?limit=1');
  assert.equal(p1.body.items.length, 1);
  assert.ok(p1.body.next_cursor, 'a full page names the next');
  assert.equal(p1.body.total, undefined, 'no COUNT over a jurisdiction');
  const p2 = await min.get(`/api/v1/groups?limit=1&cursor=${p1.body.next_cursor}`);
  assert.equal(p2.body.items.length, 1);
  assert.ok(p2.body.items[0].id < p1.body.items[0].id);
});
