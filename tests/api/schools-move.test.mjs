// schools-move.test.mjs: issue 16 item 2 (R1 R2 R24 R25): re-districting. A province moves a school to another county
// of the province in one transaction: its records and the members of its open groups follow, the open groups' arbiters
// are recomputed by R2 (history arbiter_changed, an arbitration waiting starts again at the new arbiter with a fresh due
// date), the members' own due dates follow them into the new county's queue, the school's users keep working with the
// new scope. Bad input (a city or county bureau, another province, a foreign or unknown county, the same county, a stale
// version, a closed school): clear errors, nothing moved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, sqlCount, assertError } from '../lib/api.mjs';
import { userAt, countyBureau, newSchoolCode } from '../lib/units.mjs';
import { as, record } from '../lib/registry.mjs';
import { makeGroup, SCHOOLS, todayCN, addWorkingDays, findInQueue } from '../lib/workflow.mjs';

// 鹿泉区 130110 (石家庄 1301) and 古冶区 130204 (唐山 1302): no other suite keeps schools or accounts there
const FROM = '130110', TO = '130204';
async function openSchool(name) {
  const r = await (await as('admin_13')).post('/api/v1/schools', { code: newSchoolCode(FROM), county_code: FROM, name, type: '211' });
  assert.equal(r.status, 201, r.text);
  return r.body;
}
const path = (schoolId) => sql(`SELECT parent_id, city_code, county_code, version FROM unit WHERE id = ${schoolId}`)[0];
const recordPaths = (schoolId) => sql(`SELECT city_code, county_code FROM student WHERE school_id = ${schoolId} ORDER BY id`);

test('issue 16.2 R1 R2 R24 a province moves a school to another county: records, members, arbiters, due dates and queues follow', async () => {
  const s = await openSchool('区划调整小学');
  const clerk = await userAt(`clerk_${s.code}`, 'school_clerk', s.id);
  // a record registered by the school's clerk (no group), and two groups with a member in 桥西区 130104 (same city):
  // R2 gives the city 1301; one group waits for the city's arbitration, overdue
  const reg = await clerk.post('/api/v1/students', record({ code: s.code }));
  assert.equal(reg.status, 201, reg.text);
  const due = '2030-01-15';
  const review = makeGroup({ members: [{ school: s.code, state: 'awaiting_review', dueDate: due }, { school: SCHOOLS.b }] });
  const arb = makeGroup({ members: [{ school: s.code, state: 'approved' }, { school: SCHOOLS.b, state: 'approved' }] });
  sql(`UPDATE problem_group SET state = 'awaiting_arbitration', arb_since = UTC_TIMESTAMP(6) - INTERVAL 30 DAY, arb_due_date = '2020-01-02' WHERE id = ${arb.id}`);
  assert.equal(review.arbiter, 130100);
  const toBureau = await countyBureau(TO);
  assert.equal(await findInQueue(toBureau, (i) => i.member_id === review.members[0].id), undefined, 'not yet in the new county\'s queue');

  const v = Number(path(s.id)[3]);
  const r = await (await as('prov_13')).post(`/api/v1/schools/${s.id}/move`, { version: v, county_code: TO });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.county.code, TO);
  assert.deepEqual(r.body.moved, { records: 3, members: 2, open_groups: 2, arbiters_changed: 2 });
  assert.deepEqual(path(s.id), [TO, '1302', TO, String(v + 1)], 'the school hangs under its new county');
  assert.deepEqual(recordPaths(s.id), [['1302', TO], ['1302', TO], ['1302', TO]], 'records follow');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM group_member WHERE school_id = ${s.id} AND county_code = '${TO}' AND city_code = '1302'`), 2, 'members follow');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM history h JOIN student t ON t.id = h.student_id WHERE t.school_id = ${s.id} AND h.action = 'school_moved' AND h.actor_role = 'bureau' AND h.actor_user_id = (SELECT id FROM app_user WHERE username = 'prov_13')`), 3,
    'a history event per record: who and when');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM security_log WHERE event = 'school_moved' AND unit_id = ${s.id}`), 1);
  // R2: 1301 + 1302 are two cities: the province 130000 decides now
  for (const g of [review, arb]) {
    assert.deepEqual(sql(`SELECT scope_level, arbiter_unit_id FROM problem_group WHERE id = ${g.id}`)[0], ['1', '130000'], `group ${g.id}`);
    const h = sql(`SELECT reason, actor_role FROM history WHERE group_id = ${g.id} AND action = 'arbiter_changed'`);
    assert.deepEqual(h, [['130100 -> 130000', 'bureau']]);
  }
  // R24: the waiting arbitration starts again at the province with its own 10 working days; the member's step keeps its date
  const [arbDue] = sql(`SELECT arb_due_date FROM problem_group WHERE id = ${arb.id}`)[0];
  assert.ok(arbDue >= addWorkingDays(todayCN(), 8), `a fresh arbitration due date (was 2020-01-02): ${arbDue}`);
  assert.equal(sql(`SELECT due_date FROM group_member WHERE id = ${review.members[0].id}`)[0][0], due, 'the member\'s due date follows it');
  // queues follow: the new county reviews the member; the province arbitrates, the city no longer does
  const item = await findInQueue(toBureau, (i) => i.member_id === review.members[0].id);
  assert.ok(item, 'in the new county\'s review queue');
  assert.ok(await findInQueue(await as('prov_13'), (i) => i.group_id === arb.id), 'in the province\'s arbitration queue');
  assert.equal(await findInQueue(await as('city_1301'), (i) => i.group_id === arb.id), undefined, 'gone from the city\'s');
  // the school's users keep working, with the new scope
  const list = await clerk.get('/api/v1/students?limit=10');
  assert.equal(list.status, 200, list.text);
  assert.ok(list.body.items.length >= 3);
  assert.ok((await clerk.post('/api/v1/students', record({ code: s.code }))).status === 201, 'registers in the new county');
  assert.equal(sql(`SELECT county_code FROM student WHERE school_id = ${s.id} ORDER BY id DESC LIMIT 1`)[0][0], TO);
});

test('issue 16.2 bad input to a re-districting: clear errors, nothing moved', async () => {
  const s = await openSchool('调整被拒小学');
  const clerk = await userAt(`clerk_${s.code}`, 'school_clerk', s.id);
  assert.equal((await clerk.post('/api/v1/students', record({ code: s.code }))).status, 201);
  const v = Number(path(s.id)[3]);
  const before = JSON.stringify([path(s.id), recordPaths(s.id)]);
  const bad = async (who, body, status, code, field) => {
    const r = await (await as(who)).post(`/api/v1/schools/${s.id}/move`, body);
    assertError(r, status, code);
    if (field) assert.equal(r.body.error.field, field, r.text);
    assert.equal(JSON.stringify([path(s.id), recordPaths(s.id)]), before, 'nothing moved');
    assert.equal(sqlCount(`SELECT COUNT(*) FROM history h JOIN student t ON t.id = h.student_id WHERE t.school_id = ${s.id} AND h.action = 'school_moved'`), 0);
  };
  await bad('city_1301', { version: v, county_code: '130104' }, 403, 'forbidden'); // a city is not the province
  await bad('county_130102', { version: v, county_code: '130104' }, 403, 'forbidden');
  await bad('prov_37', { version: v, county_code: '370102' }, 404, 'not_found'); // another province does not see it
  await bad('prov_13', { version: v, county_code: '370102' }, 422, 'invalid', 'county_code'); // outside the jurisdiction
  await bad('prov_13', { version: v, county_code: '999999' }, 422, 'invalid', 'county_code'); // no such county
  await bad('prov_13', { version: v, county_code: '130100' }, 422, 'invalid', 'county_code'); // a city, not a county
  await bad('prov_13', { version: v, county_code: FROM }, 422, 'invalid', 'county_code'); // where it is
  await bad('prov_13', { version: v, county_code: 13 }, 422, 'invalid', 'county_code');
  await bad('prov_13', { county_code: TO }, 422, 'invalid', 'version');
  await bad('prov_13', { version: v + 5, county_code: TO }, 409, 'conflict', 'version');
  assertError(await (await as('prov_13')).post('/api/v1/schools/999999999/move', { version: 1, county_code: TO }), 404, 'not_found');
  // a closed school moves nowhere
  const shut = await openSchool('已撤销待调整小学');
  assert.equal((await (await as('admin_13')).post(`/api/v1/schools/${shut.id}/close`, { version: shut.version })).status, 200);
  const r = await (await as('prov_13')).post(`/api/v1/schools/${shut.id}/move`, { version: shut.version + 1, county_code: TO });
  assertError(r, 409, 'conflict');
  assert.equal(path(shut.id)[2], FROM);
  // nor does it take a new account (issue 16.5)
  const acct = await (await as('admin_13')).post('/api/v1/users', { username: `late_${shut.code}`, role: 'school_clerk', unit_id: shut.id });
  assertError(acct, 422, 'invalid');
  assert.equal(acct.body.error.field, 'unit_id');
});
